"""Writes to the research records: focus areas, topics, the research-trip ledger with its
registration, completion and spot checks, exchange meetings, typical cases, and innovation
measures with their follow-up visits."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from campaign import selectors as access
from campaign.dates import default_start_day, start_day_errors
from campaign.models import Campaign, InspectionGroup, Unit, User, WorkLine
from tasks.models import (
    ExchangeMeeting,
    Finding,
    FocusArea,
    FollowUpVisit,
    InnovationMeasure,
    ResearchActivity,
    ResearchTopic,
    SpotCheck,
    TypicalCase,
)
from tasks.models.research import Level
from tasks.services.records import UNSET, can_write_unit_record, record_delete, record_save, require_unit_writer

# --- Focus areas and topics ----------------------------------------------------------


def _check_focus_area(area: FocusArea) -> None:
    errors = start_day_errors(area, "set_on", campaign=area.campaign)
    if errors:
        raise ValidationError(errors)
    if area.work_line_id is None:
        area.work_line = WorkLine.objects.get(code="research")


def focus_area_save(
    *,
    by: User,
    campaign: Campaign,
    area: FocusArea | None = None,
    number: int = UNSET,
    name: str = UNSET,
    description: str = UNSET,
    set_on: dt.date = UNSET,
) -> FocusArea:
    """The office sets the research plan's focus areas (调研重点), each from the day it was set
    (`set_on`: today by default; never in the future nor before the campaign began)."""
    if area is None and set_on is UNSET:
        set_on = default_start_day(campaign)
    return record_save(
        model=FocusArea,
        record=area,
        by=by,
        campaign=campaign,
        values={"number": number, "name": name, "description": description, "set_on": set_on},
        office_act=_("set the research focus areas"),
        check=_check_focus_area if set_on is not UNSET else None,
    )


def focus_area_delete(*, area: FocusArea, by: User) -> None:
    """The office removes a focus area of its research plan."""
    record_delete(record=area, by=by, office_act=_("set the research focus areas"))


def _check_topic(topic: ResearchTopic) -> None:
    errors = {}
    if topic.level == Level.CITY:
        if topic.unit_id is not None:
            errors["unit"] = _("A city-level key topic belongs to no unit.")
        if topic.leader is None:
            errors["leader"] = _("A city-level key topic is led by a city leader; choose one.")
        elif topic.leader.role != User.Role.LEADER:
            errors["leader"] = _("%(name)s is not a leader account.") % {"name": topic.leader.display_name}
    else:
        if topic.unit_id is None:
            errors["unit"] = _("A unit topic belongs to the unit that claims it.")
        if not topic.claimed_by.strip():
            errors["claimed_by"] = _("Name the member of the unit's leadership team who claims the topic.")
        if topic.leader_id is not None:
            errors["leader"] = _("Only city-level key topics are led by a city leader.")
    if topic.focus_area_id and topic.focus_area.campaign_id != topic.campaign_id:
        errors["focus_area"] = _("The focus area belongs to another campaign.")
    if errors:
        raise ValidationError(errors)


def research_topic_create(
    *,
    by: User,
    campaign: Campaign,
    unit: Unit | None = None,
    focus_area: FocusArea | None = UNSET,
    level: str = UNSET,
    title: str = UNSET,
    leader: User | None = UNSET,
    claimed_by: str = UNSET,
    status: str = UNSET,
    conclusion: str = UNSET,
) -> ResearchTopic:
    """City-level key topics (市级重点课题) are set by the office, each led by a leader; a unit
    topic (专项课题) is entered by its unit and claimed by a member of its leadership team."""
    values = {"unit": unit, "focus_area": focus_area, "level": level, "title": title, "leader": leader}
    values |= {"claimed_by": claimed_by, "status": status, "conclusion": conclusion}
    return record_save(model=ResearchTopic, record=None, by=by, campaign=campaign, values=values, check=_check_topic)


def research_topic_update(
    *,
    topic: ResearchTopic,
    by: User,
    unit: Unit | None = UNSET,
    focus_area: FocusArea | None = UNSET,
    level: str = UNSET,
    title: str = UNSET,
    leader: User | None = UNSET,
    claimed_by: str = UNSET,
    status: str = UNSET,
    conclusion: str = UNSET,
) -> ResearchTopic:
    """A topic is changed by whoever may enter it, under the same rules."""
    values = {"unit": unit, "focus_area": focus_area, "level": level, "title": title, "leader": leader}
    values |= {"claimed_by": claimed_by, "status": status, "conclusion": conclusion}
    return record_save(model=ResearchTopic, record=topic, by=by, values=values, check=_check_topic)


# --- The research-trip ledger ----------------------------------------------------------


def _check_activity(activity: ResearchActivity) -> None:
    errors = {}
    if activity.registered_on and activity.is_major and activity.planned_date < activity.registered_on:
        raise ValidationError(
            {
                "planned_date": _("The trip was registered on %(d)s; it cannot move before that.")
                % {"d": activity.registered_on}
            }
        )
    if activity.topic_id and activity.topic.campaign_id != activity.campaign_id:
        errors["topic"] = _("The topic belongs to another campaign.")
    if activity.topic_id and activity.topic.unit_id and activity.topic.unit_id != activity.unit_id:
        errors["topic"] = _("That topic is another unit's.")
    if activity.unit_id is None and activity.leader_id is None:
        errors["leader"] = _("A city-level research trip is led by a city leader; choose one.")
    if activity.leader_id and activity.leader.role != User.Role.LEADER:
        errors["leader"] = _("%(name)s is not a leader account.") % {"name": activity.leader.display_name}
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def research_activity_create(
    *,
    by: User,
    campaign: Campaign,
    register: bool = False,
    unit: Unit | None = None,
    topic: ResearchTopic | None = UNSET,
    leader: User | None = UNSET,
    title: str = UNSET,
    planned_date: dt.date = UNSET,
    place: str = UNSET,
    visited: str = UNSET,
    people: str = UNSET,
    is_major: bool = UNSET,
    summary: str = UNSET,
) -> ResearchActivity:
    """Put a research trip in the ledger as planned; `register=True` also registers (报备) it."""
    values = {"unit": unit, "topic": topic, "leader": leader, "title": title, "planned_date": planned_date}
    values |= {"place": place, "visited": visited, "people": people, "is_major": is_major, "summary": summary}
    activity = record_save(
        model=ResearchActivity, record=None, by=by, campaign=campaign, values=values, check=_check_activity
    )
    if register:
        activity = research_activity_register(activity=activity, by=by)
    return activity


def major_may_change(activity: ResearchActivity, *, today: dt.date | None = None) -> bool:
    """Whether a trip may still be declared major or not: only while it is planned (not yet
    registered) and before its date. Otherwise a major trip that missed its registration (报备)
    could be unticked and completed as an ordinary one."""
    today = today or timezone.localdate()
    return activity.status == ResearchActivity.Status.PLANNED and today < activity.planned_date


def _check_major_unchanged(activity: ResearchActivity, changed: set[str]) -> None:
    """The 报备 rule cannot be stepped around by editing the trip: whether it is major is fixed
    once it is registered or its date has come, and a major trip not registered by its date
    keeps that date (cancel it and plan the new trip, registered before it happens)."""
    today = timezone.localdate()
    if "is_major" in changed and not major_may_change(activity, today=today):
        if activity.status != ResearchActivity.Status.PLANNED:
            message = _("Whether the trip is major can no longer change: the trip is %(s)s.") % {
                "s": activity.get_status_display()
            }
        else:
            message = _(
                "Whether the trip is major can change only before its date (%(d)s); it stays as it was planned."
            ) % {"d": activity.planned_date}
        raise ValidationError({"is_major": message})
    missed = activity.is_major and activity.status == ResearchActivity.Status.PLANNED and today > activity.planned_date
    if "planned_date" in changed and missed:
        raise ValidationError(
            {
                "planned_date": _(
                    "This major trip was not registered by its date (%(d)s), so its date cannot move. Cancel it "
                    "and plan the new trip, registering it before it happens."
                )
                % {"d": activity.planned_date}
            }
        )


def _activity_may_change(activity: ResearchActivity, values: dict) -> None:
    """A completed trip is in the ledger as it happened; whether it is major and its date follow
    the 报备 rule (`_check_major_unchanged`)."""
    changed = {name for name, value in values.items() if getattr(activity, name, None) != value}
    if activity.status == ResearchActivity.Status.COMPLETED and changed - {"summary"}:
        raise ValidationError(_("A completed trip is in the ledger as it happened; only its summary may change."))
    _check_major_unchanged(activity, changed)


def research_activity_update(
    *,
    activity: ResearchActivity,
    by: User,
    unit: Unit | None = UNSET,
    topic: ResearchTopic | None = UNSET,
    leader: User | None = UNSET,
    title: str = UNSET,
    planned_date: dt.date = UNSET,
    place: str = UNSET,
    visited: str = UNSET,
    people: str = UNSET,
    is_major: bool = UNSET,
    summary: str = UNSET,
) -> ResearchActivity:
    """Change a trip's particulars. A registered major trip keeps its date: registration was
    for that date, so a new date means registering anew."""
    values = {"unit": unit, "topic": topic, "leader": leader, "title": title, "planned_date": planned_date}
    values |= {"place": place, "visited": visited, "people": people, "is_major": is_major, "summary": summary}
    return record_save(
        model=ResearchActivity,
        record=activity,
        by=by,
        values=values,
        before=_activity_may_change,
        check=_check_activity,
    )


@transaction.atomic
def research_activity_register(*, activity: ResearchActivity, by: User, on: dt.date | None = None) -> ResearchActivity:
    """Register (报备) a planned trip. A major trip must be registered before it happens:
    on or before its planned date."""
    on = on or timezone.localdate()
    activity = ResearchActivity.objects.select_for_update().get(pk=activity.pk)
    require_unit_writer(by, activity.unit)
    if activity.status != ResearchActivity.Status.PLANNED:
        raise ValidationError(
            _("Only a planned trip can be registered; this one is %(s)s.") % {"s": activity.get_status_display()}
        )
    if activity.is_major and on > activity.planned_date:
        raise ValidationError(
            _(
                "A major research activity is registered before the trip; %(d)s has passed. Record it as held "
                "and tell the office why it was not registered."
            )
            % {"d": activity.planned_date}
        )
    activity.status = ResearchActivity.Status.REGISTERED
    activity.registered_on = on
    activity.full_clean()
    activity.save()
    return activity


@transaction.atomic
def research_activity_complete(
    *, activity: ResearchActivity, by: User, findings: list[str], summary: str = "", on: dt.date | None = None
) -> ResearchActivity:
    """Complete a trip with what it found, on the day the person says it was completed (default
    today): not in the future, not before the trip date; a major trip only once it was
    registered; at least one finding."""
    today = timezone.localdate()
    on = on or today
    if on > today:
        raise ValidationError(
            {"completed_on": _("The day completed cannot be in the future (today is %(today)s).") % {"today": today}}
        )
    activity = ResearchActivity.objects.select_for_update().get(pk=activity.pk)
    require_unit_writer(by, activity.unit)
    texts = [t.strip() for t in findings if t and t.strip()]
    if activity.status not in (ResearchActivity.Status.PLANNED, ResearchActivity.Status.REGISTERED):
        raise ValidationError(_("This trip is already %(s)s.") % {"s": activity.get_status_display()})
    if activity.is_major and activity.status != ResearchActivity.Status.REGISTERED:
        raise ValidationError(_("A major research activity must be registered before it can be completed."))
    if on < activity.planned_date:
        raise ValidationError(
            {
                "completed_on": _("The trip is planned for %(d)s; complete it after it happens.")
                % {"d": activity.planned_date}
            }
        )
    if not texts:
        raise ValidationError({"findings": _("Write down at least one finding of the trip.")})
    activity.status = ResearchActivity.Status.COMPLETED
    activity.completed_on = on
    if summary:
        activity.summary = summary
    activity.full_clean()
    activity.save()
    Finding.objects.bulk_create([Finding(activity=activity, text=text) for text in texts])
    return activity


def research_activity_cancel(*, activity: ResearchActivity, by: User) -> ResearchActivity:
    require_unit_writer(by, activity.unit)
    if activity.status == ResearchActivity.Status.COMPLETED:
        raise ValidationError(_("A completed trip cannot be cancelled."))
    activity.status = ResearchActivity.Status.CANCELLED
    activity.save(update_fields=["status", "updated_at"])
    return activity


def finding_add(*, activity: ResearchActivity, by: User, text: str) -> Finding:
    """Add a finding to a completed trip (a later insight from the same visit)."""
    require_unit_writer(by, activity.unit)
    if activity.status != ResearchActivity.Status.COMPLETED:
        raise ValidationError(_("Findings are written when the trip is completed."))
    finding = Finding(activity=activity, text=text.strip())
    finding.full_clean()
    finding.save()
    return finding


def spot_check_record(
    *,
    activity: ResearchActivity,
    by: User,
    group: InspectionGroup,
    date: dt.date,
    method: str,
    result: str,
    note: str = "",
) -> SpotCheck:
    """An inspection group spot-checks (随机抽查) a trip of a unit it covers; the office may
    record one for any group. An issue found must be described."""
    in_group = access.is_inspector(by) and access.inspection_groups_of(by).filter(pk=group.pk).exists()
    if not (access.is_office(by) or in_group):
        raise PermissionDenied(_("Only a member of the inspection group may record its spot checks."))
    if activity.unit_id is None or not group.coverage.filter(unit_id=activity.unit_id).exists():
        raise ValidationError({"group": _("%(group)s does not cover this unit.") % {"group": group.name}})
    if activity.status == ResearchActivity.Status.PLANNED:
        raise ValidationError(_("Only registered or completed trips are spot-checked."))
    check = SpotCheck(
        activity=activity, group=group, checked_by=by, date=date, method=method, result=result, note=note.strip()
    )
    if result == SpotCheck.Result.ISSUE and not check.note:
        raise ValidationError({"note": _("Describe the issue found.")})
    check.full_clean()
    check.save()
    return check


# --- Results ----------------------------------------------------------------------------


def exchange_meeting_create(
    *,
    by: User,
    campaign: Campaign,
    unit: Unit | None = None,
    date: dt.date = UNSET,
    title: str = UNSET,
    participants: int = UNSET,
    note: str = UNSET,
) -> ExchangeMeeting:
    """A unit (or, for the city committee, the office) records its results-exchange meeting."""
    values = {"unit": unit, "date": date, "title": title, "participants": participants, "note": note}
    return record_save(model=ExchangeMeeting, record=None, by=by, campaign=campaign, values=values)


def exchange_meeting_update(
    *,
    meeting: ExchangeMeeting,
    by: User,
    unit: Unit | None = UNSET,
    date: dt.date = UNSET,
    title: str = UNSET,
    participants: int = UNSET,
    note: str = UNSET,
) -> ExchangeMeeting:
    values = {"unit": unit, "date": date, "title": title, "participants": participants, "note": note}
    return record_save(model=ExchangeMeeting, record=meeting, by=by, values=values)


def typical_case_create(
    *,
    by: User,
    campaign: Campaign,
    unit: Unit | None = None,
    kind: str = UNSET,
    title: str = UNSET,
    topic: ResearchTopic | None = UNSET,
    date: dt.date = UNSET,
    lesson: str = UNSET,
) -> TypicalCase:
    """A positive or negative typical case, with the lesson drawn from it."""
    values = {"unit": unit, "kind": kind, "title": title, "topic": topic, "date": date, "lesson": lesson}
    return record_save(model=TypicalCase, record=None, by=by, campaign=campaign, values=values)


def typical_case_update(
    *,
    case: TypicalCase,
    by: User,
    unit: Unit | None = UNSET,
    kind: str = UNSET,
    title: str = UNSET,
    topic: ResearchTopic | None = UNSET,
    date: dt.date = UNSET,
    lesson: str = UNSET,
) -> TypicalCase:
    values = {"unit": unit, "kind": kind, "title": title, "topic": topic, "date": date, "lesson": lesson}
    return record_save(model=TypicalCase, record=case, by=by, values=values)


def _check_measure(measure: InnovationMeasure) -> None:
    errors = {}
    if measure.finding_id:
        activity = measure.finding.activity
        if activity.unit_id != measure.unit_id:
            errors["finding"] = _("That finding is from another unit's research.")
        elif measure.topic_id is None:
            measure.topic_id = activity.topic_id
    if measure.topic_id and measure.topic.unit_id not in (None, measure.unit_id):
        errors["topic"] = _("That topic is another unit's.")
    if errors:
        raise ValidationError(errors)


def innovation_measure_create(
    *,
    by: User,
    campaign: Campaign,
    unit: Unit | None = None,
    topic: ResearchTopic | None = UNSET,
    finding: Finding | None = UNSET,
    title: str = UNSET,
    description: str = UNSET,
    department: str = UNSET,
    use: str = UNSET,
    adopted_on: dt.date = UNSET,
) -> InnovationMeasure:
    """Turn research into an innovation measure (创新举措): a responsible department and a use
    (solve a problem / promote development / build a rule). From a finding, it keeps the
    finding's topic, so the topic page shows the chain."""
    values = {"unit": unit, "topic": topic, "finding": finding, "title": title, "description": description}
    values |= {"department": department, "use": use, "adopted_on": adopted_on}
    return record_save(
        model=InnovationMeasure, record=None, by=by, campaign=campaign, values=values, check=_check_measure
    )


def innovation_measure_update(
    *,
    measure: InnovationMeasure,
    by: User,
    unit: Unit | None = UNSET,
    topic: ResearchTopic | None = UNSET,
    finding: Finding | None = UNSET,
    title: str = UNSET,
    description: str = UNSET,
    department: str = UNSET,
    use: str = UNSET,
    adopted_on: dt.date = UNSET,
) -> InnovationMeasure:
    values = {"unit": unit, "topic": topic, "finding": finding, "title": title, "description": description}
    values |= {"department": department, "use": use, "adopted_on": adopted_on}
    return record_save(model=InnovationMeasure, record=measure, by=by, values=values, check=_check_measure)


def can_verify_measure(user: User, measure: InnovationMeasure) -> bool:
    """Who may record the follow-up visit that finds a measure in place (回访 verifies it): not
    the person who wrote the measure, and nobody of its unit. The unit's liaisons share one
    interest in the figure (measures in place count in the campaign summary), so a colleague's
    check is still the unit checking itself; the covering inspection group or the office check
    from outside. A city-level measure (no unit) is verified by an office member other than its
    author. The unit still records its own visits, as progress, without “in place”."""
    if measure.created_by_id is not None and measure.created_by_id == user.pk:
        return False
    # A liaison visits only their own unit's measures, so a liaison's visit is never from outside.
    return not (measure.unit_id is not None and access.is_liaison(user))


@transaction.atomic
def follow_up_record(
    *, measure: InnovationMeasure, by: User, date: dt.date, note: str, in_place: bool, outcome: str = ""
) -> FollowUpVisit:
    """A follow-up visit (回访). Visits go on until one finds the measure in place; that visit
    sets the measure in place, with what it solved. The unit, its inspection group or the
    office may visit; only someone outside the unit who did not write it may find it in place
    (`can_verify_measure`)."""
    measure = InnovationMeasure.objects.select_for_update().get(pk=measure.pk)
    covered = measure.unit_id is not None and access.units_visible_to(by).filter(pk=measure.unit_id).exists()
    if not (can_write_unit_record(by, measure.unit) or (access.is_inspector(by) and covered)):
        raise PermissionDenied(_("Only the unit, its inspection group or the office record follow-up visits."))
    if in_place and not can_verify_measure(by, measure):
        raise ValidationError(
            {
                "in_place": _(
                    "A measure is found in place by someone who did not write it and is not of its unit: its "
                    "inspection group or the office. Record your visit without ticking “in place”."
                )
            }
        )
    if measure.status == InnovationMeasure.Status.IN_PLACE:
        raise ValidationError(_("This measure is already in place; no more visits are needed."))
    if date < measure.adopted_on:
        raise ValidationError(
            {"date": _("A follow-up comes after the measure was adopted (%(d)s).") % {"d": measure.adopted_on}}
        )
    if in_place and not (outcome or measure.outcome).strip():
        raise ValidationError({"outcome": _("Say what the measure solved now that it is in place.")})
    visit = FollowUpVisit(measure=measure, date=date, visited_by=by, note=note.strip(), in_place=in_place)
    visit.full_clean()
    visit.save()
    measure.status = InnovationMeasure.Status.IN_PLACE if in_place else InnovationMeasure.Status.UNDERWAY
    if in_place:
        measure.in_place_on = date
        measure.outcome = outcome.strip() or measure.outcome
    measure.save()
    return visit
