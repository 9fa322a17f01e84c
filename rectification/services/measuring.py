"""Writes to measures: adding one to a problem (what makes a measure a measure) and the bi-weekly
progress entry that moves its light."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from campaign.models import Campaign, Unit, User
from campaign.selectors import is_office
from campaign.text import check_lengths
from rectification import derive, rules
from rectification.models import Measure, MeasureProgress, Problem
from rectification.services.dispatch import dispatch_round_for
from rectification.services.evidence import check_files, store_files
from rectification.services.problems import problem_refresh_status


def on_track_until(*, start: dt.date, deadline: dt.date, percent: int) -> dt.date:
    """The last day on which `percent` is still at or above the expected-progress line (序时进度),
    drawn from 0% on `start` to 100% on `deadline`."""
    return derive.on_track_until(start=start, deadline=deadline, percent=percent)


# A number as typed in a form or sent to the API: parsed (and refused, naming its field) here.
RawNumber = Decimal | int | float | str | None


def parse_decimal(value: RawNumber, field: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError({field: _("“%(value)s” is not a number.") % {"value": value}})


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
    baseline: RawNumber,
    target_value: RawNumber,
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
        baseline = parse_decimal(baseline, "baseline")
        target_value = parse_decimal(target_value, "target_value")
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
    baseline: RawNumber = None,
    target_value: RawNumber = None,
    measure_unit: str = "",
    milestones: list[str] | None = None,
    acceptance_criteria: str = "",
) -> Measure:
    """Add a measure to a problem. The office adds any; the problem unit's liaison adds
    measures their own unit is responsible for. Refused without an owner, a deadline and a
    measurable target, saying which is missing."""
    # A liaison writes for the problem's unit and the responsible one: one question when they are
    # the same unit (as they mostly are).
    if not (
        is_office(by)
        or (
            responsible_unit is not None
            and rules.acts_for(by, problem.unit_id)
            and (responsible_unit.pk == problem.unit_id or rules.acts_for(by, responsible_unit))
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


def progress_percent(measure: Measure, value: Decimal | None, done: list[int]) -> int:
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
    value_reached: RawNumber = None,
    milestones_done: list[int] | None = None,
    note: str = "",
    files: list[UploadedFile] | None = None,
    on: dt.date | None = None,
) -> MeasureProgress:
    """The bi-weekly progress entry (每两周调度): the value reached (or the milestones done), a
    note and evidence, written by the responsible unit's liaison or the office. It counts for
    the dispatch round it falls in and moves the measure's light."""
    if not rules.acts_for(by, measure.responsible_unit_id):
        raise PermissionDenied(_("Only the responsible unit's liaison or the office may report progress."))
    measure = Measure.objects.select_for_update().select_related("problem").get(pk=measure.pk)
    if measure.status != Measure.Status.OPEN:
        raise ValidationError(
            _("This measure is %(status)s; progress can no longer be added.") % {"status": measure.get_status_display()}
        )
    files = check_files(files)
    value = None
    done: list[int] = []
    if measure.target_value is not None:
        value = parse_decimal(value_reached, "value_reached")
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
    percent = progress_percent(measure, value, done)
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
    store_files(files, by=by, progress=entry)
    measure.progress_percent = percent
    measure.on_track_until = line
    measure.last_progress_on = on
    measure.missed_last_round = False
    measure.save(update_fields=["progress_percent", "on_track_until", "last_progress_on", "missed_last_round"])
    return entry
