"""Writes to the study records: activities, their absentees, and the make-ups that clear them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from campaign.models import Campaign, Unit, User
from campaign.services import require_office
from tasks.models import Absence, MakeUpSession, StudyActivity
from tasks.services.records import UNSET, record_save, require_unit_writer


def _check(activity: StudyActivity) -> None:
    errors = {}
    if activity.kind == StudyActivity.Kind.READING_CLASS and not activity.topic:
        errors["topic"] = _("A reading class is held on a topic (专题); name it.")
    if activity.kind == StudyActivity.Kind.PROPAGANDA and not (activity.lecturer and activity.topic):
        errors["lecturer"] = _("A propaganda session needs its lecturer and topic.")
    if activity.session_number is not None and activity.kind != StudyActivity.Kind.LECTURE:
        errors["session_number"] = _("Only lectures are numbered.")
    if activity.kind == StudyActivity.Kind.LECTURE and activity.session_number is not None:
        clash = StudyActivity.objects.filter(
            campaign=activity.campaign, unit=activity.unit, kind=activity.kind, session_number=activity.session_number
        ).exclude(pk=activity.pk)
        if clash.exists():
            errors["session_number"] = _("Session %(n)d is already recorded; use the next number.") % {
                "n": activity.session_number
            }
    if errors:
        raise ValidationError(errors)


def _number(activity: StudyActivity, values: dict) -> None:
    """A new lecture without a session number gets the next one of its unit."""
    if values.get("kind") == StudyActivity.Kind.LECTURE and values.get("session_number") is None:
        top = StudyActivity.objects.filter(
            campaign=activity.campaign, unit=values.get("unit"), kind=StudyActivity.Kind.LECTURE
        ).aggregate(n=Max("session_number"))["n"]
        values["session_number"] = (top or 0) + 1


def _set_absentees(activity: StudyActivity, names: list[str]) -> None:
    """Keep the absentees named; removing a name forgets an absence not yet made up."""
    wanted = list(dict.fromkeys(n.strip() for n in names if n.strip()))
    if wanted and activity.kind not in StudyActivity.CLASS_KINDS:
        raise ValidationError({"absentees": _("Absentees are recorded for classes, lectures and tutoring only.")})
    current = {a.name: a for a in activity.absences.all()}
    for name, absence in current.items():
        if name not in wanted:
            if absence.made_up_in_id:
                raise ValidationError(
                    {"absentees": _("%(name)s has already made up this class and stays on the list.") % {"name": name}}
                )
            absence.delete()
    for name in wanted:
        if name not in current:
            Absence.objects.create(activity=activity, name=name)


@transaction.atomic
def study_activity_create(
    *,
    by: User,
    campaign: Campaign,
    absentees: list[str] | None = None,
    unit: Unit | None = None,
    kind: str = UNSET,
    title: str = UNSET,
    topic: str = UNSET,
    session_number: int | None = None,
    date: dt.date = UNSET,
    place: str = UNSET,
    organiser: str = UNSET,
    lecturer: str = UNSET,
    participants: int = UNSET,
    audience: int | None = UNSET,
    note: str = UNSET,
) -> StudyActivity:
    """A unit (or the office, for city-level activities) records a study activity. Lectures
    get the next session number when none is given; the named absentees are owed a make-up."""
    values = {"unit": unit, "kind": kind, "title": title, "topic": topic, "session_number": session_number}
    values |= {"date": date, "place": place, "organiser": organiser, "lecturer": lecturer}
    values |= {"participants": participants, "audience": audience, "note": note}
    activity = record_save(
        model=StudyActivity, record=None, by=by, campaign=campaign, values=values, before=_number, check=_check
    )
    _set_absentees(activity, absentees or [])
    return activity


@transaction.atomic
def study_activity_update(
    *,
    activity: StudyActivity,
    by: User,
    absentees: list[str] | None = None,
    unit: Unit | None = UNSET,
    kind: str = UNSET,
    title: str = UNSET,
    topic: str = UNSET,
    session_number: int | None = UNSET,
    date: dt.date = UNSET,
    place: str = UNSET,
    organiser: str = UNSET,
    lecturer: str = UNSET,
    participants: int = UNSET,
    audience: int | None = UNSET,
    note: str = UNSET,
) -> StudyActivity:
    """Change an activity; the same people may change it who may enter it."""
    values = {"unit": unit, "kind": kind, "title": title, "topic": topic, "session_number": session_number}
    values |= {"date": date, "place": place, "organiser": organiser, "lecturer": lecturer}
    values |= {"participants": participants, "audience": audience, "note": note}
    activity = record_save(model=StudyActivity, record=activity, by=by, values=values, check=_check)
    if absentees is not None:
        _set_absentees(activity, absentees)
    return activity


def study_activity_rate(*, activity: StudyActivity, by: User, excellent: bool) -> StudyActivity:
    """Only the office rates a party lesson excellent (优秀党课), and only a party lesson."""
    require_office(by, _("rate party lessons"))
    if activity.kind != StudyActivity.Kind.PARTY_LESSON:
        raise ValidationError(_("Only a party lesson can be rated excellent."))
    if activity.rated_excellent != excellent:
        activity.rated_excellent = excellent
        activity.save(update_fields=["rated_excellent", "updated_at"])
    return activity


@transaction.atomic
def makeup_record(
    *,
    activity: StudyActivity,
    by: User,
    date: dt.date,
    content: str,
    absences: list[Absence],
    hours: Decimal = Decimal("0"),
) -> MakeUpSession:
    """ "缺多少补多少": a make-up session of a class clears the absentees who attended it. It
    is held after the class, clears only that class's absentees, and each of them once."""
    require_unit_writer(by, activity.unit)
    if not absences:
        raise ValidationError({"absences": _("Tick who attended the make-up.")})
    if date < activity.date:
        raise ValidationError({"date": _("A make-up is held after the class (%(d)s).") % {"d": activity.date}})
    ids = [a.pk for a in absences]
    locked = list(Absence.objects.select_for_update().filter(pk__in=ids))
    if len(locked) != len(set(ids)) or any(a.activity_id != activity.pk for a in locked):
        raise ValidationError({"absences": _("Only this class's absentees can make it up.")})
    done = [a.name for a in locked if a.made_up_in_id]
    if done:
        raise ValidationError({"absences": _("Already made up: %(names)s.") % {"names": "、".join(done)}})
    session = MakeUpSession(activity=activity, date=date, content=content, hours=hours, created_by=by)
    session.full_clean()
    session.save()
    for absence in locked:
        absence.made_up_in = session
        absence.save(update_fields=["made_up_in"])
    return session
