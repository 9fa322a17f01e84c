"""Writes to problems and measures: creation, progress, extension and closure (销号)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from campaign.history import with_reason
from campaign.models import Campaign, Coverage, Liaison, Unit, User
from campaign.selectors import is_inspector, is_liaison, is_office
from campaign.services import notify, require_office
from campaign.uploads import validate_upload
from rectification import rules
from rectification.models import Closure, Evidence, Extension, Measure, MeasureProgress, Problem

MAX_FILES = 10


# --- helpers ---------------------------------------------------------------------------


def on_track_until(*, start: dt.date, deadline: dt.date, percent: int) -> dt.date:
    """The last day on which `percent` is still at or above the expected-progress line (序时进度),
    drawn from 0% on `start` to 100% on `deadline`."""
    span = (deadline - start).days
    return start + dt.timedelta(days=(span * min(percent, 100)) // 100)


def _decimal(value, field: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError({field: _("“%(value)s” is not a number.") % {"value": value}})


def _check_files(files) -> list:
    files = [f for f in (files or []) if f]
    if len(files) > MAX_FILES:
        raise ValidationError({"files": _("At most %(n)d files at a time.") % {"n": MAX_FILES}})
    errors = []
    for upload in files:
        try:
            validate_upload(upload)
        except ValidationError as exc:
            errors.extend(exc.messages)
    if errors:
        raise ValidationError({"files": errors})
    return files


def _store_files(files, *, by: User, progress=None, closure=None) -> list[Evidence]:
    stored = []
    for upload in files:
        stored.append(
            Evidence.objects.create(
                file=upload,
                name=upload.name[:200],
                size=upload.size,
                progress=progress,
                closure=closure,
                uploaded_by=by,
            )
        )
    return stored


def _reviewers_of(unit: Unit) -> list[User]:
    """The inspection group covering the unit (leader and members)."""
    coverage = Coverage.objects.filter(unit=unit).select_related("group__leader").first()
    if coverage is None:
        return list(User.objects.filter(role=User.Role.OFFICE, is_active=True))
    group = coverage.group
    return [u for u in [group.leader, *group.members.all()] if u is not None]


def _measure_url(pk: int) -> str:
    return reverse("rect-measure-detail", args=[pk])


def _owners_of(unit: Unit) -> list[User]:
    return [li.user for li in Liaison.objects.filter(unit=unit).select_related("user")]


# --- problems --------------------------------------------------------------------------


def _next_problem_code(campaign: Campaign, level: str) -> str:
    prefix = "C" if level == Problem.Level.CITY else "U"
    codes = Problem.objects.filter(campaign=campaign, code__startswith=prefix).values_list("code", flat=True)
    numbers = [int(c[1:]) for c in codes if c[1:].isdigit()]
    return f"{prefix}{(max(numbers) if numbers else 0) + 1:04d}"


def problem_found_on_check(*, campaign: Campaign, found_on: dt.date | None) -> dt.date:
    """The found-on day a person gave (today when none): not in the future, not before the
    campaign began. Raises a ValidationError on `found_on` saying which."""
    today = timezone.localdate()
    if found_on is None:
        return today
    if found_on > today:
        raise ValidationError(
            {"found_on": _("The day found cannot be in the future (today is %(today)s).") % {"today": today}}
        )
    if found_on < campaign.start_date:
        raise ValidationError(
            {
                "found_on": _("The day found cannot be before the campaign began (%(start)s).")
                % {"start": campaign.start_date}
            }
        )
    return found_on


@transaction.atomic
def problem_create(
    *,
    by: User | None,
    campaign: Campaign,
    unit: Unit,
    title: str,
    level: str = Problem.Level.UNIT,
    source: str = Problem.Source.SELF_EXAMINATION,
    category: str = "",
    severity: str = Problem.Severity.GENERAL,
    description: str = "",
    code: str = "",
    found_on: dt.date | None = None,
) -> Problem:
    """List a problem. The office lists any; a liaison lists their own unit's unit-level
    problems; an inspector lists findings for the units their group covers. `by=None` is
    the system (triage of a public report already checked its caller).

    `found_on` is the day the problem was found, as the person recording it says (default
    today): periods count the problem on that day, whenever it was typed in. It is never in
    the future and never before the campaign began."""
    if by is not None and not (
        is_office(by)
        or (is_liaison(by) and level == Problem.Level.UNIT and rules.sees_unit(by, unit))
        or (is_inspector(by) and rules.sees_unit(by, unit))
    ):
        raise PermissionDenied(_("You may not list problems for this unit."))
    if unit.campaign_id != campaign.pk:
        raise ValidationError({"unit": _("The unit belongs to another campaign.")})
    if not title.strip():
        raise ValidationError({"title": _("Give the problem a title.")})
    found_on = problem_found_on_check(campaign=campaign, found_on=found_on)
    code = code.strip() or _next_problem_code(campaign, level)
    if Problem.objects.filter(campaign=campaign, code=code).exists():
        raise ValidationError({"code": _("The code %(code)s is already used in this campaign.") % {"code": code}})
    problem = Problem(
        campaign=campaign,
        unit=unit,
        code=code,
        title=title.strip(),
        level=level,
        source=source,
        category=category.strip(),
        severity=severity,
        description=description.strip(),
        found_on=found_on,
        created_by=by,
    )
    problem.full_clean()
    problem.save()
    return problem


PROBLEM_EDITABLE = ("title", "description", "category", "severity", "source", "found_on")


@transaction.atomic
def problem_update(*, problem: Problem, by: User, data: dict) -> Problem:
    """Change a problem's wording and classification: the office, or the unit's liaison for a
    unit-level problem. Status is never edited: it follows the measures. A rectified (closed)
    problem is frozen: nothing changes until the office reopens one of its measures."""
    if not (is_office(by) or (problem.level == Problem.Level.UNIT and rules.acts_for(by, problem.unit_id))):
        raise PermissionDenied(_("You may not change this problem."))
    unknown = sorted(set(data) - set(PROBLEM_EDITABLE))
    if unknown:
        raise ValidationError(_("These fields cannot be changed here: %(fields)s") % {"fields": ", ".join(unknown)})
    problem = Problem.objects.select_for_update().select_related("campaign").get(pk=problem.pk)
    if "found_on" in data:
        data = {**data, "found_on": problem_found_on_check(campaign=problem.campaign, found_on=data["found_on"])}
    if problem.status == Problem.Status.CLOSED:
        changed = [name for name, value in data.items() if getattr(problem, name) != value]
        if changed:
            raise ValidationError(
                {
                    name: _(
                        "The problem is rectified, so its %(field)s stays as it was closed; "
                        "the office reopens a measure (with a reason) before anything changes."
                    )
                    % {"field": Problem._meta.get_field(name).verbose_name}
                    for name in changed
                }
            )
    for name, value in data.items():
        setattr(problem, name, value)
    problem.full_clean()
    problem.save()
    return problem


def problem_refresh_status(*, problem: Problem) -> Problem:
    """A problem is rectified when it has measures and every one is closed; its status is
    derived from the measures and never set by hand."""
    counts = Measure.objects.filter(problem=problem).aggregate(
        total=Count("id"), closed=Count("id", filter=Q(status=Measure.Status.CLOSED))
    )
    if counts["total"] == 0:
        status = Problem.Status.NO_MEASURES
    elif counts["closed"] == counts["total"]:
        status = Problem.Status.CLOSED
    else:
        status = Problem.Status.IN_PROGRESS
    if status != problem.status:
        problem.status = status
        problem.closed_at = timezone.now() if status == Problem.Status.CLOSED else None
        problem.save(update_fields=["status", "closed_at"])
    return problem


# --- measures --------------------------------------------------------------------------


def measure_check(
    *,
    responsible_unit: Unit | None,
    responsible_person: str,
    start_date: dt.date | None,
    deadline: dt.date | None,
    baseline,
    target_value,
    milestones: list[str],
) -> dict:
    """What makes a measure a measure (具体化、清单化、责任化; 可量化、可考核): an owner, a
    deadline and a measurable target. Returns the cleaned numbers; raises naming what is missing."""
    errors: dict[str, list] = {}
    if responsible_unit is None:
        errors.setdefault("responsible_unit", []).append(_("Name the responsible unit."))
    if not (responsible_person or "").strip():
        errors.setdefault("responsible_person", []).append(_("Name the responsible person: a measure needs an owner."))
    if deadline is None:
        errors.setdefault("deadline", []).append(_("Give a deadline: a measure without one cannot be checked."))
    if start_date is None:
        errors.setdefault("start_date", []).append(_("Give the start date."))
    if start_date and deadline and deadline < start_date:
        errors.setdefault("deadline", []).append(_("The deadline is before the start."))
    try:
        baseline = _decimal(baseline, "baseline")
        target_value = _decimal(target_value, "target_value")
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
        baseline = target_value = None
    milestones = [m.strip() for m in (milestones or []) if m and m.strip()]
    if target_value is None and not milestones:
        errors.setdefault("target_value", []).append(
            _("Give a measurable target: a target value with its unit of measure, or a list of milestones.")
        )
    if target_value is not None and (baseline or Decimal(0)) == target_value:
        errors.setdefault("target_value", []).append(_("The target value must differ from the baseline."))
    if errors:
        raise ValidationError(errors)
    return {"baseline": baseline, "target_value": target_value, "milestones": milestones}


@transaction.atomic
def measure_create(
    *,
    by: User,
    problem: Problem,
    content: str,
    responsible_unit: Unit | None = None,
    responsible_person: str = "",
    start_date: dt.date | None = None,
    deadline: dt.date | None = None,
    baseline=None,
    target_value=None,
    measure_unit: str = "",
    milestones: list[str] | None = None,
    acceptance_criteria: str = "",
) -> Measure:
    """Add a measure to a problem. The office adds any; the problem unit's liaison adds
    measures their own unit is responsible for. Refused without an owner, a deadline and a
    measurable target, saying which is missing."""
    if not (
        is_office(by)
        or (
            rules.acts_for(by, problem.unit_id)
            and responsible_unit is not None
            and rules.acts_for(by, responsible_unit)
        )
    ):
        raise PermissionDenied(_("You may not add measures to this problem."))
    if not (content or "").strip():
        raise ValidationError({"content": _("Say what will be done.")})
    if problem.status == Problem.Status.CLOSED:
        raise ValidationError(_("The problem is rectified; reopen a measure rather than adding one."))
    numbers = measure_check(
        responsible_unit=responsible_unit,
        responsible_person=responsible_person,
        start_date=start_date,
        deadline=deadline,
        baseline=baseline,
        target_value=target_value,
        milestones=milestones or [],
    )
    if responsible_unit.campaign_id != problem.campaign_id:
        raise ValidationError({"responsible_unit": _("The unit belongs to another campaign.")})
    Problem.objects.select_for_update().filter(pk=problem.pk).first()
    number = (Measure.objects.filter(problem=problem).aggregate(n=Max("number"))["n"] or 0) + 1
    measure = Measure.objects.create(
        problem=problem,
        number=number,
        content=content.strip(),
        responsible_unit=responsible_unit,
        responsible_person=responsible_person.strip(),
        start_date=start_date,
        deadline=deadline,
        original_deadline=deadline,
        baseline=numbers["baseline"],
        target_value=numbers["target_value"],
        measure_unit=measure_unit.strip(),
        milestones=numbers["milestones"],
        milestone_count=len(numbers["milestones"]),
        acceptance_criteria=acceptance_criteria.strip(),
        on_track_until=on_track_until(start=start_date, deadline=deadline, percent=0),
    )
    problem_refresh_status(problem=problem)
    return measure


def _percent(measure: Measure, value: Decimal | None, done: list[int]) -> int:
    if measure.target_value is not None:
        base = measure.baseline or Decimal(0)
        share = (value - base) / (measure.target_value - base) * 100
        return max(0, min(100, int(share)))
    return len(done) * 100 // max(measure.milestone_count, 1)


@transaction.atomic
def measure_progress_record(
    *,
    by: User,
    measure: Measure,
    value_reached=None,
    milestones_done: list[int] | None = None,
    note: str = "",
    files=None,
    on: dt.date | None = None,
) -> MeasureProgress:
    """The bi-weekly progress entry (每两周调度): the value reached (or the milestones done), a
    note and evidence, written by the responsible unit's liaison or the office. It counts for
    the dispatch round it falls in and moves the measure's light."""
    from rectification.services.dispatch import dispatch_round_for

    if not rules.acts_for(by, measure.responsible_unit_id):
        raise PermissionDenied(_("Only the responsible unit's liaison or the office may report progress."))
    measure = Measure.objects.select_for_update().select_related("problem").get(pk=measure.pk)
    if measure.status != Measure.Status.OPEN:
        raise ValidationError(
            _("This measure is %(status)s; progress can no longer be added.") % {"status": measure.get_status_display()}
        )
    files = _check_files(files)
    value = None
    done: list[int] = []
    if measure.target_value is not None:
        value = _decimal(value_reached, "value_reached")
        if value is None:
            raise ValidationError(
                {
                    "value_reached": _("Give the value reached so far (%(unit)s).")
                    % {"unit": measure.measure_unit or _("the unit of measure")}
                }
            )
    else:
        try:
            done = sorted({int(i) for i in (milestones_done or [])})
        except (TypeError, ValueError):
            raise ValidationError({"milestones_done": _("Tick the milestones by their number.")})
        if any(i < 0 or i >= measure.milestone_count for i in done):
            raise ValidationError({"milestones_done": _("There is no such milestone.")})
    on = on or timezone.localdate()
    percent = _percent(measure, value, done)
    line = on_track_until(start=measure.start_date, deadline=measure.deadline, percent=percent)
    entry = MeasureProgress.objects.create(
        measure=measure,
        round=dispatch_round_for(campaign=measure.problem.campaign, on=on),
        reported_on=on,
        value_reached=value,
        milestones_done=done,
        percent=percent,
        on_track_until=line,
        note=(note or "").strip(),
        reported_by=by,
    )
    _store_files(files, by=by, progress=entry)
    measure.progress_percent = percent
    measure.on_track_until = line
    measure.last_progress_on = on
    measure.missed_last_round = False
    measure.save(update_fields=["progress_percent", "on_track_until", "last_progress_on", "missed_last_round"])
    return entry


# --- extension -------------------------------------------------------------------------


@transaction.atomic
def extension_request(*, by: User, measure: Measure, new_deadline: dt.date | None, reason: str) -> Extension:
    """The owner asks for a later deadline, with a reason; one request waits at a time."""
    if not rules.acts_for(by, measure.responsible_unit_id):
        raise PermissionDenied(_("Only the responsible unit's liaison or the office may ask for an extension."))
    measure = Measure.objects.select_for_update().get(pk=measure.pk)
    if measure.status == Measure.Status.CLOSED:
        raise ValidationError(_("The measure is closed."))
    errors = {}
    if not (reason or "").strip():
        errors["reason"] = [_("Say why the deadline cannot be kept.")]
    if new_deadline is None or new_deadline <= measure.deadline:
        errors["new_deadline"] = [_("The new deadline must be after %(date)s.") % {"date": measure.deadline}]
    if errors:
        raise ValidationError(errors)
    if measure.extensions.filter(status=Extension.Status.PENDING).exists():
        raise ValidationError(_("An extension request is already waiting for the office."))
    extension = Extension.objects.create(
        measure=measure,
        old_deadline=measure.deadline,
        new_deadline=new_deadline,
        reason=reason.strip(),
        requested_by=by,
    )
    notify(
        users=User.objects.filter(role=User.Role.OFFICE, is_active=True),
        key=f"rect-extension:{extension.pk}",
        title=_("Extension asked for measure %(code)s") % {"code": measure.code},
        body=reason,
        url=_measure_url(measure.pk),
    )
    return extension


@transaction.atomic
def extension_decide(*, by: User, extension: Extension, approve: bool, note: str = "") -> Extension:
    """The office approves or refuses an extension. Approval moves the deadline; the original
    deadline and the count of extensions stay on the measure."""
    require_office(by, _("decide deadline extensions"))
    extension = Extension.objects.select_for_update().get(pk=extension.pk)
    if extension.status != Extension.Status.PENDING:
        raise ValidationError(_("This request has already been decided."))
    if not approve and not (note or "").strip():
        raise ValidationError({"note": _("Say why the extension is refused.")})
    extension.status = Extension.Status.APPROVED if approve else Extension.Status.REFUSED
    extension.decided_by = by
    extension.decided_at = timezone.now()
    extension.decision_note = (note or "").strip()
    extension.save()
    if approve:
        measure = Measure.objects.select_for_update().get(pk=extension.measure_id)
        measure.deadline = extension.new_deadline
        measure.extension_count += 1
        measure.on_track_until = on_track_until(
            start=measure.start_date, deadline=measure.deadline, percent=measure.progress_percent
        )
        with_reason(measure, extension.reason).save(update_fields=["deadline", "extension_count", "on_track_until"])
    notify(
        users=[extension.requested_by],
        key=f"rect-extension-decided:{extension.pk}",
        title=_("Extension %(decision)s") % {"decision": extension.get_status_display()},
        body=extension.decision_note,
        url=_measure_url(extension.measure_id),
    )
    return extension


# --- closure ---------------------------------------------------------------------------


def _snapshot(measure: Measure, new_files: list[Evidence]) -> dict:
    last = measure.progress.order_by("-reported_on", "-id").first()
    evidence = list(Evidence.objects.filter(progress__measure=measure).values_list("name", flat=True)) + [
        e.name for e in new_files
    ]
    return {
        "target": measure.target_text,
        "acceptance_criteria": measure.acceptance_criteria,
        "deadline": measure.deadline.isoformat(),
        "progress_percent": measure.progress_percent,
        "last_progress": None
        if last is None
        else {
            "date": last.reported_on.isoformat(),
            "value_reached": None if last.value_reached is None else f"{last.value_reached.normalize():f}",
            "milestones_done": last.milestones_done,
            "percent": last.percent,
            "note": last.note,
        },
        "evidence": evidence,
    }


@transaction.atomic
def measure_closure_request(*, by: User, measure: Measure, statement: str, files=None) -> Closure:
    """The owner asks to close (销号) with a statement of the result against the target and
    evidence. Nothing closes yet: a reviewer must sign off. What is claimed is frozen."""
    if not rules.acts_for(by, measure.responsible_unit_id):
        raise PermissionDenied(_("Only the responsible unit's liaison or the office may request closure."))
    measure = Measure.objects.select_for_update().get(pk=measure.pk)
    if measure.status != Measure.Status.OPEN:
        raise ValidationError(
            _("This measure is %(status)s; closure cannot be requested now.") % {"status": measure.get_status_display()}
        )
    files = _check_files(files)
    if not (statement or "").strip():
        raise ValidationError({"statement": _("State the result reached against the target.")})
    has_evidence = Evidence.objects.filter(progress__measure=measure).exists()
    if not files and not has_evidence:
        raise ValidationError({"files": _("Attach evidence: a closure without evidence is a closure on paper.")})
    closure = Closure.objects.create(
        measure=measure, statement=statement.strip(), requested_by=by, requested_at=timezone.now(), snapshot={}
    )
    stored = _store_files(files, by=by, closure=closure)
    closure.snapshot = _snapshot(measure, stored)
    closure.save(update_fields=["snapshot"])
    measure.status = Measure.Status.CLOSURE_REQUESTED
    measure.save(update_fields=["status"])
    notify(
        users=_reviewers_of(measure.responsible_unit),
        key=f"rect-closure:{closure.pk}",
        title=_("Closure of measure %(code)s waits for your sign-off") % {"code": measure.code},
        body=statement,
        url=_measure_url(measure.pk),
    )
    return closure


def _pending_closure(closure: Closure, by: User) -> Closure:
    closure = Closure.objects.select_for_update().select_related("measure").get(pk=closure.pk)
    if not rules.reviews(by, closure.measure.responsible_unit_id):
        raise PermissionDenied(_("Only the inspection group covering the unit or the office may review closures."))
    if closure.requested_by_id == by.pk:
        raise PermissionDenied(_("Nobody signs off a closure they requested themselves."))
    if closure.status != Closure.Status.REQUESTED:
        raise ValidationError(_("This closure has already been decided."))
    return closure


@transaction.atomic
def closure_sign_off(*, by: User, closure: Closure, note: str = "") -> Closure:
    """A reviewer (the covering inspection group or the office, never the requester) signs the
    closure off. Only this closes the measure; the problem closes with its last measure."""
    closure = _pending_closure(closure, by)
    closure.status = Closure.Status.SIGNED_OFF
    closure.decided_by = by
    closure.decided_at = timezone.now()
    closure.decision_note = (note or "").strip()
    closure.save()
    measure = Measure.objects.select_for_update().select_related("problem").get(pk=closure.measure_id)
    measure.status = Measure.Status.CLOSED
    measure.closed_at = closure.decided_at
    measure.save(update_fields=["status", "closed_at"])
    problem_refresh_status(problem=measure.problem)
    notify(
        users=[closure.requested_by],
        key=f"rect-closure-decided:{closure.pk}",
        title=_("Measure %(code)s is closed") % {"code": measure.code},
        body=closure.decision_note,
        url=_measure_url(measure.pk),
    )
    return closure


@transaction.atomic
def closure_return(*, by: User, closure: Closure, reason: str) -> Closure:
    """A reviewer sends a closure request back, always with a reason; the measure is open again."""
    closure = _pending_closure(closure, by)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the closure is sent back.")})
    closure.status = Closure.Status.RETURNED
    closure.decided_by = by
    closure.decided_at = timezone.now()
    closure.decision_note = reason.strip()
    closure.save()
    measure = Measure.objects.select_for_update().get(pk=closure.measure_id)
    measure.status = Measure.Status.OPEN
    with_reason(measure, closure.decision_note).save(update_fields=["status"])
    notify(
        users=[closure.requested_by],
        key=f"rect-closure-decided:{closure.pk}",
        title=_("Closure of measure %(code)s sent back") % {"code": measure.code},
        body=closure.decision_note,
        url=_measure_url(measure.pk),
    )
    return closure


@transaction.atomic
def measure_reopen(*, by: User, measure: Measure, reason: str, site_visit=None) -> Closure:
    """The office reopens a closed measure with a reason (a repeat complaint, a failed spot
    check); an inspector may too, from a site visit to a unit their group covers. The
    signed-off closure is kept, marked reopened, so the record shows both."""
    allowed = is_office(by) or (site_visit is not None and rules.reviews(by, measure.responsible_unit_id))
    if not allowed:
        raise PermissionDenied(_("Only the office may reopen a closed measure."))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the measure is reopened.")})
    measure = Measure.objects.select_for_update().select_related("problem").get(pk=measure.pk)
    if measure.status != Measure.Status.CLOSED:
        raise ValidationError(_("Only a closed measure can be reopened."))
    closure = measure.closures.filter(status=Closure.Status.SIGNED_OFF).order_by("-decided_at").first()
    closure.status = Closure.Status.REOPENED
    closure.reopened_by = by
    closure.reopened_at = timezone.now()
    closure.reopen_reason = reason.strip()
    closure.save()
    measure.status = Measure.Status.OPEN
    measure.closed_at = None
    with_reason(measure, closure.reopen_reason).save(update_fields=["status", "closed_at"])
    problem_refresh_status(problem=measure.problem)
    notify(
        users=_owners_of(measure.responsible_unit),
        key=f"rect-reopened:{closure.pk}",
        title=_("Measure %(code)s was reopened") % {"code": measure.code},
        body=closure.reopen_reason,
        url=_measure_url(measure.pk),
    )
    return closure
