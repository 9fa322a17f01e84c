"""Writes to problems and measures: creation, progress, extension and closure (销号)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from campaign.history import with_reason
from campaign.models import Campaign, Coverage, Liaison, Unit, User
from campaign.selectors import is_inspector, is_office, is_unit_liaison
from campaign.services import notify, require_office
from campaign.text import check_lengths
from campaign.uploads import validate_upload
from rectification import derive, rules
from rectification.models import Closure, Evidence, Extension, Measure, MeasureProgress, Problem

MAX_FILES = 10


# --- helpers ---------------------------------------------------------------------------


def on_track_until(*, start: dt.date, deadline: dt.date, percent: int) -> dt.date:
    """The last day on which `percent` is still at or above the expected-progress line (序时进度),
    drawn from 0% on `start` to 100% on `deadline`."""
    return derive.on_track_until(start=start, deadline=deadline, percent=percent)


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
    return [li.user for li in Liaison.objects.current().filter(unit=unit).select_related("user")]


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
        or (level == Problem.Level.UNIT and is_unit_liaison(by, unit))
        or (is_inspector(by) and rules.sees_unit(by, unit))
    ):
        raise PermissionDenied(_("You may not list problems for this unit."))
    if unit.campaign_id != campaign.pk:
        raise ValidationError({"unit": _("The unit belongs to another campaign.")})
    if not title.strip():
        raise ValidationError({"title": _("Give the problem a title.")})
    check_lengths({"description": (_("Description"), description)})
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
    if "description" in data:
        check_lengths({"description": (_("Description"), data["description"])})
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
    status = derive.problem_status(measures=counts["total"], closed=counts["closed"])
    if status != problem.status:
        problem.status = status
        problem.closed_at = timezone.now() if status == Problem.Status.CLOSED else None
        problem.save(update_fields=["status", "closed_at"])
    return problem


# --- measures --------------------------------------------------------------------------


# Words that stand for "whoever it concerns", not for a person (有关同志、相关人员…).
OWNER_PLACEHOLDERS = {
    "有关同志",
    "相关同志",
    "有关人员",
    "相关人员",
    "相关负责人",
    "有关负责人",
    "负责人",
    "责任人",
    "同志",
    "领导",
    "待定",
    "未定",
    "暂无",
    "无",
    "某某",
    "全体人员",
    "各科室",
}


def owner_is_placeholder(name: str) -> bool:
    """A responsible person must be a person: not a letter, a number, "有关同志" or "某某"."""
    name = re.sub(r"\s+", "", name or "")
    if not name:
        return False
    if name in OWNER_PLACEHOLDERS or name.startswith(("有关", "相关")) or "某" in name:
        return True
    if re.fullmatch(r"[A-Za-z]{1,2}|[\dxX*?？\-_.。]+", name):
        return True
    return len(name) < 2


def measure_check(
    *,
    responsible_unit: Unit | None,
    responsible_person: str,
    start_date: dt.date | None,
    deadline: dt.date | None,
    baseline,
    target_value,
    milestones: list[str],
    measure_unit: str = "",
    campaign: Campaign | None = None,
) -> dict:
    """What makes a measure a measure (具体化、清单化、责任化; 可量化、可考核): a named owner, a
    start and a deadline within the campaign, and a measurable target — a positive value with
    its unit of measure (a percentage at most 100), or milestones. Returns the cleaned numbers;
    every refusal names its field."""
    errors: dict[str, list] = {}

    def refuse(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if responsible_unit is None:
        refuse("responsible_unit", _("Name the responsible unit."))
    if not (responsible_person or "").strip():
        refuse("responsible_person", _("Name the responsible person: a measure needs an owner."))
    elif owner_is_placeholder(responsible_person):
        refuse(
            "responsible_person",
            _("Responsible person: “%(name)s” is not a person; give the real name of the person responsible.")
            % {"name": responsible_person.strip()},
        )
    if deadline is None:
        refuse("deadline", _("Give a deadline: a measure without one cannot be checked."))
    if start_date is None:
        refuse("start_date", _("Give the start date."))
    if start_date and deadline and deadline < start_date:
        refuse("deadline", _("The deadline is before the start."))
    if campaign is not None:
        if start_date and start_date < campaign.start_date:
            refuse(
                "start_date",
                _("Start: it cannot be before the campaign begins on %(date)s.") % {"date": campaign.start_date},
            )
        if deadline and deadline > campaign.end_date:
            refuse(
                "deadline",
                _("Deadline: it cannot be after the campaign ends on %(date)s.") % {"date": campaign.end_date},
            )
        if deadline and deadline < campaign.start_date:
            refuse(
                "deadline",
                _("Deadline: it cannot be before the campaign begins on %(date)s.") % {"date": campaign.start_date},
            )
    try:
        baseline = _decimal(baseline, "baseline")
        target_value = _decimal(target_value, "target_value")
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
        baseline = target_value = None
    milestones = [m.strip() for m in (milestones or []) if m and m.strip()]
    if target_value is None and not milestones:
        refuse(
            "target_value",
            _("Give a measurable target: a target value with its unit of measure, or a list of milestones."),
        )
    if target_value is not None:
        unit = (measure_unit or "").strip()
        if target_value <= 0:
            refuse("target_value", _("Target value: it must be greater than 0."))
        if not unit:
            refuse(
                "measure_unit",
                _("Unit of measure: a target value needs its unit (for example 个, 户 or 万元)."),
            )
        if unit in ("%", "％") and target_value > 100:
            refuse("target_value", _("Target value: a percentage cannot exceed 100."))
        if baseline is not None and baseline < 0:
            refuse("baseline", _("Baseline: it cannot be negative."))
        if unit in ("%", "％") and baseline is not None and baseline > 100:
            refuse("baseline", _("Baseline: a percentage cannot exceed 100."))
        if (baseline or Decimal(0)) == target_value:
            refuse("target_value", _("The target value must differ from the baseline."))
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
    check_lengths({"content": (_("Measure"), content)})
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
        measure_unit=measure_unit,
        campaign=problem.campaign,
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
    return derive.progress_percent(
        target_value=measure.target_value,
        baseline=measure.baseline,
        value=value,
        milestones_done=len(done),
        milestone_count=measure.milestone_count,
    )


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


def _extension_limit_check(measure: Measure, campaign: Campaign) -> None:
    limit = campaign.max_extensions_per_measure
    if measure.extension_count >= limit:
        raise ValidationError(
            {
                "new_deadline": _(
                    "New deadline: a measure may be extended at most %(limit)d times in this campaign; "
                    "this one has been extended %(done)d times."
                )
                % {"limit": limit, "done": measure.extension_count}
            }
        )


def _new_deadline_check(measure: Measure, campaign: Campaign, new_deadline: dt.date | None, today: dt.date) -> None:
    if new_deadline is None or new_deadline <= measure.deadline:
        raise ValidationError(
            {"new_deadline": _("New deadline: it must be after %(date)s.") % {"date": measure.deadline}}
        )
    if new_deadline < today:
        raise ValidationError(
            {"new_deadline": _("New deadline: %(date)s has already passed.") % {"date": new_deadline}}
        )
    if new_deadline > campaign.end_date:
        raise ValidationError(
            {
                "new_deadline": _("New deadline: it must be within the campaign, on or before %(end)s.")
                % {"end": campaign.end_date}
            }
        )


def _apply_extension(measure: Measure, extension: Extension, today: dt.date) -> None:
    """Move the deadline. A measure already overdue when the extension is granted stays red:
    the light shows that the deadline in force was missed (the slip is the leadership's signal,
    whoever was slow), and a later deadline cannot make a missed one look merely 'behind'."""
    if measure.deadline < today and measure.overdue_since is None:
        measure.overdue_since = measure.deadline + dt.timedelta(days=1)
    measure.deadline = extension.new_deadline
    measure.extension_count += 1
    measure.on_track_until = on_track_until(
        start=measure.start_date, deadline=measure.deadline, percent=measure.progress_percent
    )
    measure.save(update_fields=["deadline", "extension_count", "on_track_until", "overdue_since"])


@transaction.atomic
def extension_request(*, by: User, measure: Measure, new_deadline: dt.date | None, reason: str) -> Extension:
    """The owner asks for a later deadline, with a reason, before the deadline; one request waits
    at a time, and a measure is extended at most the campaign's limit of times (default 2). The
    new deadline is never already past and never after the campaign. After the deadline only
    the office may extend, and its extension is granted at once and marked late."""
    if not rules.acts_for(by, measure.responsible_unit_id):
        raise PermissionDenied(_("Only the responsible unit's liaison or the office may ask for an extension."))
    measure = Measure.objects.select_for_update().select_related("problem__campaign").get(pk=measure.pk)
    campaign = measure.problem.campaign
    if measure.status == Measure.Status.CLOSED:
        raise ValidationError(_("The measure is closed."))
    today = timezone.localdate()
    late = measure.deadline < today
    if late and not is_office(by):
        raise ValidationError(
            {
                "new_deadline": _(
                    "New deadline: the deadline %(date)s has passed; an extension is asked for before the "
                    "deadline. After it only the leading-group office may grant one, marked as late."
                )
                % {"date": measure.deadline}
            }
        )
    errors: dict[str, list] = {}
    if not (reason or "").strip():
        errors["reason"] = [_("Reason: say why the deadline cannot be kept.")]
    try:
        _new_deadline_check(measure, campaign, new_deadline, today)
        _extension_limit_check(measure, campaign)
    except ValidationError as exc:
        errors.update(exc.message_dict)
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
        late=late,
    )
    if late:  # the office's own late extension: granted as it is recorded
        extension.status = Extension.Status.APPROVED
        extension.decided_by = by
        extension.decided_at = timezone.now()
        extension.save()
        _apply_extension(measure, extension, today)
        return extension
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
    """The office approves or refuses an extension. Approval moves the deadline, never to a date
    already past and within the campaign's limit; the original deadline and the count of
    extensions stay on the measure, and a measure overdue at approval stays red."""
    require_office(by, _("decide deadline extensions"))
    extension = Extension.objects.select_for_update().get(pk=extension.pk)
    if extension.status != Extension.Status.PENDING:
        raise ValidationError(_("This request has already been decided."))
    if not approve and not (note or "").strip():
        raise ValidationError({"note": _("Say why the extension is refused.")})
    today = timezone.localdate()
    measure = Measure.objects.select_for_update().select_related("problem__campaign").get(pk=extension.measure_id)
    if approve:
        try:
            _new_deadline_check(measure, measure.problem.campaign, extension.new_deadline, today)
            _extension_limit_check(measure, measure.problem.campaign)
        except ValidationError as exc:
            raise ValidationError(
                {"reason": [*exc.messages, _("Refuse this request with a reason; the unit may ask again.")]}
            ) from exc
    extension.status = Extension.Status.APPROVED if approve else Extension.Status.REFUSED
    extension.decided_by = by
    extension.decided_at = timezone.now()
    extension.decision_note = (note or "").strip()
    extension.save()
    if approve:
        _apply_extension(with_reason(measure, extension.reason), extension, today)
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
    return {
        "target": measure.target_text,
        "acceptance_criteria": measure.acceptance_criteria,
        "deadline": measure.deadline.isoformat(),
        "original_deadline": measure.original_deadline.isoformat(),
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
        # only the files of this request are its evidence (rules.closure_claim_check)
        "evidence": [e.name for e in new_files],
    }


def measure_closure_claim(*, measure: Measure, result_value) -> tuple[Decimal | None, int]:
    """The result a closure request states against the measure's target: the value reached
    (a numeric target; when not typed, the value last reported) or the milestones recorded
    done, as a share of the target."""
    if measure.target_value is None:
        return None, measure.progress_percent
    value = _decimal(result_value, "result_value")
    if value is None:
        # not typed: the value last reported in the bi-weekly dispatch is the claim
        value = (
            measure.progress.exclude(value_reached=None)
            .order_by("-reported_on", "-id")
            .values_list("value_reached", flat=True)
            .first()
        )
    if value is None:
        raise ValidationError(
            {
                "result_value": _("Value reached: give the value reached against the target of %(target)s.")
                % {"target": measure.target_text}
            }
        )
    return value, _percent(measure, value, [])


def notify_closure_requested(*, closure: Closure, code: str, url: str) -> None:
    """The reviewers of the unit hear of a closure request (measures and special tasks alike)."""
    notify(
        users=_reviewers_of(closure.unit),
        key=f"rect-closure:{closure.pk}",
        title=_("Closure of %(code)s waits for your sign-off") % {"code": code},
        body=closure.statement,
        url=url,
    )


def notify_closure_decided(*, closure: Closure, title: str, url: str) -> None:
    notify(
        users=[closure.requested_by],
        key=f"rect-closure-decided:{closure.pk}",
        title=title,
        body=closure.decision_note,
        url=url,
    )


@transaction.atomic
def measure_closure_request(
    *,
    by: User,
    measure: Measure,
    statement: str,
    files=None,
    result_value=None,
    shortfall: str = "",
) -> Closure:
    """The owner asks to close (销号) under the closure rules (rules.closure_claim_check): the
    result against the target, a shortfall stated when below it, and evidence uploaded with this
    request. Nothing closes yet: a reviewer must sign off. What is claimed is frozen."""
    if not rules.acts_for(by, measure.responsible_unit_id):
        raise PermissionDenied(_("Only the responsible unit's liaison or the office may request closure."))
    measure = Measure.objects.select_for_update().select_related("problem").get(pk=measure.pk)
    if measure.status != Measure.Status.OPEN:
        raise ValidationError(
            _("This measure is %(status)s; closure cannot be requested now.") % {"status": measure.get_status_display()}
        )
    files = _check_files(files)
    value, percent = measure_closure_claim(measure=measure, result_value=result_value)
    rules.closure_claim_check(statement=statement, percent=percent, shortfall=shortfall, files=files)
    now = timezone.now()
    closure = Closure.objects.create(
        measure=measure,
        unit_id=measure.responsible_unit_id,
        statement=statement.strip(),
        result_value=value,
        result_percent=percent,
        shortfall=(shortfall or "").strip() if percent < 100 else "",
        due_on=measure.original_deadline,
        late=derive.closure_late(asked_on=timezone.localdate(now), due_on=measure.original_deadline),
        after_reopen=measure.closures.filter(status=Closure.Status.REOPENED).exists(),
        requested_by=by,
        requested_at=now,
        snapshot={},
    )
    stored = _store_files(files, by=by, closure=closure)
    closure.snapshot = _snapshot(measure, stored)
    closure.save(update_fields=["snapshot"])
    measure.status = Measure.Status.CLOSURE_REQUESTED
    measure.save(update_fields=["status"])
    notify_closure_requested(closure=closure, code=measure.code, url=_measure_url(measure.pk))
    return closure


def pending_closure_for_review(closure: Closure, by: User) -> Closure:
    """Lock a waiting closure and check the reviewer against the closure rules."""
    closure = Closure.objects.select_for_update().select_related("requested_by").get(pk=closure.pk)
    rules.closure_reviewer_check(by, unit_id=closure.unit_id, requested_by=closure.requested_by)
    if closure.status != Closure.Status.REQUESTED:
        raise ValidationError(_("This closure has already been decided."))
    return closure


_pending_closure = pending_closure_for_review


@transaction.atomic
def closure_sign_off(*, by: User, closure: Closure, note: str = "") -> Closure:
    """A reviewer (rules.closure_reviewer_check: the covering inspection group or the office,
    never the requester, the unit, or the office for its own request) signs the closure off.
    Only this closes the measure; the problem closes with its last measure."""
    if closure.special_task_id:
        from rectification.services.special import special_task_decide

        special_task_decide(by=by, task=closure.special_task, approve=True, reason=note)
        closure.refresh_from_db()
        return closure
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
    notify_closure_decided(
        closure=closure,
        title=_("Measure %(code)s is closed") % {"code": measure.code},
        url=_measure_url(measure.pk),
    )
    return closure


@transaction.atomic
def closure_return(*, by: User, closure: Closure, reason: str) -> Closure:
    """A reviewer sends a closure request back, always with a reason; the measure is open again."""
    if closure.special_task_id:
        from rectification.services.special import special_task_decide

        special_task_decide(by=by, task=closure.special_task, approve=False, reason=reason)
        closure.refresh_from_db()
        return closure
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
    notify_closure_decided(
        closure=closure,
        title=_("Closure of measure %(code)s sent back") % {"code": measure.code},
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
