"""Site visits, special rectification (专项整治) and the arena (擂台比武)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from campaign.dates import default_start_day, start_day_errors
from campaign.history import with_reason
from campaign.models import Campaign, Unit, User
from campaign.selectors import is_office
from campaign.services import notify, require_office
from rectification import rules
from rectification.models import (
    ArenaCriterion,
    ArenaRound,
    ArenaScore,
    Closure,
    Measure,
    Problem,
    SiteVisit,
    SpecialRectification,
    SpecialTask,
    WorkTeam,
)
from rectification.services.closing import (
    closure_decide,
    closure_open,
    closure_reopen,
    notify_closure_decided,
    notify_closure_requested,
    owners_of,
    pending_closure_for_review,
)
from rectification.services.evidence import check_files
from rectification.services.measure_closure import measure_reopen_after_check
from rectification.services.problems import problem_insert


@transaction.atomic
def site_visit_record(
    *,
    by: User,
    unit: Unit,
    visited_on: dt.date,
    findings: str,
    problems: list[Problem] | None = None,
    new_problem_title: str = "",
    reopen_measure: Measure | None = None,
) -> SiteVisit:
    """An inspector (of the group covering the unit) or the office records an on-site check
    (实地查看). A finding may list a new problem or reopen a closed measure of the unit: the one
    check here covers both (the reviewer of a unit may list its problems and reopen its measures)."""
    if not rules.reviews(by, unit):
        raise PermissionDenied(_("Only the inspection group covering the unit or the office may record visits."))
    if not (findings or "").strip():
        raise ValidationError({"findings": _("Write down what was found.")})
    problems = problems or []
    if any(p.unit_id != unit.pk for p in problems):
        raise ValidationError({"problems": _("Choose problems of the visited unit.")})
    visit = SiteVisit(campaign=unit.campaign, unit=unit, inspector=by, visited_on=visited_on, findings=findings.strip())
    visit.full_clean(exclude=["problems"])
    visit.save()
    if new_problem_title.strip():
        problem = problem_insert(
            problem=Problem(
                campaign=unit.campaign,
                unit=unit,
                title=new_problem_title,
                source=Problem.Source.INSPECTION,
                description=findings,
                found_on=visited_on,
                created_by=by,
            )
        )
        problems.append(problem)
    if reopen_measure is not None:
        if reopen_measure.responsible_unit_id != unit.pk:
            raise ValidationError({"reopen_measure": _("Choose a measure of the visited unit.")})
        measure_reopen_after_check(by=by, measure=reopen_measure, reason=findings)
        problems.append(reopen_measure.problem)
    visit.problems.set({p.pk for p in problems})
    return visit


# --- special rectification --------------------------------------------------------------


@transaction.atomic
def special_rectification_create(
    *, by: User, campaign: Campaign, title: str, plan_document: str, plan_issued_on: dt.date | None = None
) -> SpecialRectification:
    """The office records a special rectification and its plan."""
    require_office(by, _("set up special rectifications"))
    plan = SpecialRectification(
        campaign=campaign, title=title.strip(), plan_document=plan_document.strip(), plan_issued_on=plan_issued_on
    )
    plan.full_clean()
    plan.save()
    return plan


def _of_campaign(campaign_id: int, field: str, units: list[Unit | None]) -> None:
    """Records of one campaign name only that campaign's units (campaigns run side by side)."""
    if any(unit is not None and unit.campaign_id != campaign_id for unit in units):
        raise ValidationError({field: _("The unit belongs to another campaign.")})


@transaction.atomic
def work_team_create(
    *,
    by: User,
    rectification: SpecialRectification,
    name: str,
    lead_unit: Unit,
    member_units: list[Unit],
    formed_on: dt.date | None = None,
) -> WorkTeam:
    """The office forms a work team (专班) led by a department, on `formed_on` (today by
    default; never in the future, before the campaign began or before its plan was issued)."""
    require_office(by, _("form work teams"))
    _of_campaign(rectification.campaign_id, "lead_unit", [lead_unit])
    _of_campaign(rectification.campaign_id, "member_units", member_units)
    if WorkTeam.objects.filter(rectification=rectification, name=name.strip()).exists():
        raise ValidationError({"name": _("There is already a work team of that name.")})
    team = WorkTeam(
        rectification=rectification,
        name=name.strip(),
        lead_unit=lead_unit,
        formed_on=formed_on or default_start_day(rectification.campaign),
    )
    errors = start_day_errors(
        team,
        "formed_on",
        campaign=rectification.campaign,
        after=(rectification.plan_issued_on, _("the plan was issued")),
    )
    if errors:
        raise ValidationError(errors)
    team.save()
    team.member_units.set(member_units)
    return team


@transaction.atomic
def special_task_create(
    *,
    by: User,
    team: WorkTeam,
    title: str,
    owner_unit: Unit,
    deadline: dt.date,
    assigned_on: dt.date | None = None,
) -> SpecialTask:
    """The office (or the lead department's liaison) adds a task to a team's ledger, assigned on
    `assigned_on` (today by default; never in the future, before the campaign began or before
    the team was formed)."""
    if not (is_office(by) or rules.acts_for(by, team.lead_unit_id)):
        raise PermissionDenied(_("Only the office or the lead department may add tasks."))
    if not title.strip() or deadline is None:
        raise ValidationError(_("A task needs a title and a deadline."))
    campaign = team.rectification.campaign
    if deadline > campaign.end_date:
        raise ValidationError(
            {"deadline": _("Deadline: it cannot be after the campaign ends on %(date)s.") % {"date": campaign.end_date}}
        )
    if deadline < campaign.start_date:
        raise ValidationError(
            {
                "deadline": _("Deadline: it cannot be before the campaign begins on %(date)s.")
                % {"date": campaign.start_date}
            }
        )
    _of_campaign(campaign.pk, "owner_unit", [owner_unit])
    task = SpecialTask(
        team=team,
        number=team.tasks.count() + 1,
        title=title.strip(),
        owner_unit=owner_unit,
        deadline=deadline,
        assigned_on=assigned_on or default_start_day(campaign),
    )
    errors = start_day_errors(
        task, "assigned_on", campaign=campaign, after=(team.formed_on, _("the work team was formed"))
    )
    if errors:
        raise ValidationError(errors)
    task.save()
    return task


def _task_url(task: SpecialTask) -> str:
    return reverse("rect-special-detail", args=[task.team.rectification_id]) + f"#task-{task.pk}"


def _task_code(task: SpecialTask) -> str:
    return f"{task.team.name} {task.number}"


def _result_percent(raw: int | str | None) -> int:
    try:
        percent = int(str(raw).strip())
    except (TypeError, ValueError):
        percent = -1
    if not 0 <= percent <= 100:
        raise ValidationError({"result_percent": _("Share of the target reached: give a whole number from 0 to 100.")})
    return percent


@transaction.atomic
def special_task_request_closure(
    *,
    by: User,
    task: SpecialTask,
    statement: str,
    result_percent: int | str | None = None,
    shortfall: str = "",
    files: list[UploadedFile] | None = None,
) -> Closure:
    """The owner asks to close a task under the same closure rules as a measure
    (rules.closure_claim_check): the result against the target, a shortfall stated when below
    it, evidence uploaded with the request, the requester recorded. A reviewer must sign off."""
    if not rules.acts_for(by, task.owner_unit_id):
        raise PermissionDenied(_("Only the owner unit's liaison or the office may request closure."))
    task = SpecialTask.objects.select_for_update().select_related("team").get(pk=task.pk)
    if task.status != SpecialTask.Status.OPEN:
        raise ValidationError(
            _("This task is %(status)s; closure cannot be requested now.") % {"status": task.get_status_display()}
        )
    files = check_files(files)
    percent = _result_percent(result_percent)
    rules.closure_claim_check(statement=statement, percent=percent, shortfall=shortfall, files=files)
    closure = closure_open(
        by=by,
        special_task=task,
        unit_id=task.owner_unit_id,
        statement=statement,
        percent=percent,
        shortfall=shortfall,
        due_on=task.deadline,
        earlier=task.closures.all(),
        files=files,
        snapshot={
            "target": task.title,
            "deadline": task.deadline.isoformat(),
            "original_deadline": task.deadline.isoformat(),
            "progress_percent": percent,
        },
    )
    task.status = SpecialTask.Status.CLOSURE_REQUESTED
    task.closure_statement = statement.strip()
    task.save(update_fields=["status", "closure_statement"])
    notify_closure_requested(closure=closure, code=_task_code(task), url=_task_url(task))
    return closure


@transaction.atomic
def special_task_decide(*, by: User, task: SpecialTask, approve: bool, reason: str = "") -> Closure:
    """The covering inspection group or the office signs a task's closure off, or sends it back
    with a reason — under the same reviewer rules as a measure (rules.closure_reviewer_check)."""
    pending = Closure.objects.filter(special_task_id=task.pk, status=Closure.Status.REQUESTED).first()
    if pending is None:
        if not rules.reviews(by, task.owner_unit_id):
            raise PermissionDenied(_("Only the inspection group covering the unit or the office may review closures."))
        raise ValidationError(_("No closure is waiting on this task."))
    closure = pending_closure_for_review(pending, by)
    task = SpecialTask.objects.select_for_update().select_related("team").get(pk=task.pk)
    if not approve and not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the closure is sent back.")})
    status = Closure.Status.SIGNED_OFF if approve else Closure.Status.RETURNED
    closure = closure_decide(closure, by=by, status=status, note=reason)
    if approve:
        task.status = SpecialTask.Status.CLOSED
        task.signed_off_by = by
        task.closed_at = closure.decided_at
        task.returned_reason = ""
        title = _("Task %(code)s is closed") % {"code": _task_code(task)}
    else:
        task.status = SpecialTask.Status.OPEN
        task.returned_reason = closure.decision_note
        with_reason(task, task.returned_reason)
        title = _("Closure of task %(code)s sent back") % {"code": _task_code(task)}
    task.save()
    notify_closure_decided(closure=closure, title=title, url=_task_url(task))
    return closure


@transaction.atomic
def special_task_reopen(*, by: User, task: SpecialTask, reason: str) -> Closure:
    """The office reopens a closed task with a reason, as it reopens a measure. The signed-off
    closure is kept, marked reopened; a new closure needs new evidence."""
    require_office(by, _("reopen closed tasks"))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Reason: say why the task is reopened.")})
    task = SpecialTask.objects.select_for_update().select_related("team").get(pk=task.pk)
    if task.status != SpecialTask.Status.CLOSED:
        raise ValidationError(_("Only a closed task can be reopened."))
    closure = closure_reopen(task.closures.all(), by=by, reason=reason)
    task.status = SpecialTask.Status.OPEN
    task.closed_at = None
    task.signed_off_by = None
    with_reason(task, closure.reopen_reason).save(update_fields=["status", "closed_at", "signed_off_by"])
    notify(
        users=owners_of(task.owner_unit_id),
        key=f"rect-reopened-task:{closure.pk}",
        title=_("Task %(code)s was reopened") % {"code": _task_code(task)},
        body=closure.reopen_reason,
        url=_task_url(task),
    )
    return closure


# --- arena -----------------------------------------------------------------------------


@transaction.atomic
def arena_round_create(
    *,
    by: User,
    campaign: Campaign,
    title: str,
    held_on: dt.date,
    teams: list[WorkTeam],
    criteria: list[tuple[str, int]],
    attendees: list[User],
) -> ArenaRound:
    """The office sets up an arena round with the teams reporting and the published criteria."""
    require_office(by, _("set up arena rounds"))
    if not teams or not criteria:
        raise ValidationError(_("An arena round needs teams and scoring criteria."))
    if any(team.rectification.campaign_id != campaign.pk for team in teams):
        raise ValidationError({"teams": _("Teams: a team of another campaign cannot report in this round.")})
    arena = ArenaRound.objects.create(campaign=campaign, title=title.strip(), held_on=held_on)
    arena.teams.set(teams)
    arena.attendees.set(attendees)
    for order, (name, max_score) in enumerate(criteria, start=1):
        ArenaCriterion.objects.create(round=arena, order=order, name=name, max_score=max_score)
    return arena


@transaction.atomic
def arena_score_submit(*, by: User, arena: ArenaRound, team: WorkTeam, scores: dict[int, object]) -> list[ArenaScore]:
    """An attendee scores a team on each criterion, within its maximum; scoring again replaces
    their earlier scores. Scores close when the ranking is published."""
    if not arena.attendees.filter(pk=by.pk).exists():
        raise PermissionDenied(_("Only the attendees of the round score the teams."))
    arena = ArenaRound.objects.select_for_update().get(pk=arena.pk)
    if arena.published_at is not None:
        raise ValidationError(_("The ranking is published; scores are closed."))
    if not arena.teams.filter(pk=team.pk).exists():
        raise ValidationError({"team": _("This team does not report in this round.")})
    criteria = {c.pk: c for c in arena.criteria.all()}
    errors = []
    saved = []
    for criterion_id, raw in scores.items():
        criterion = criteria.get(int(criterion_id))
        if criterion is None:
            errors.append(_("Unknown criterion %(id)s.") % {"id": criterion_id})
            continue
        try:
            value = Decimal(str(raw))
        except (InvalidOperation, ValueError):
            errors.append(_("“%(value)s” is not a score.") % {"value": raw})
            continue
        if value < 0 or value > criterion.max_score:
            errors.append(
                _("%(criterion)s is scored from 0 to %(max)d.")
                % {"criterion": criterion.name, "max": criterion.max_score}
            )
            continue
        saved.append((criterion, value))
    if errors:
        raise ValidationError({"scores": errors})
    rows = []
    for criterion, value in saved:
        row, _created = ArenaScore.objects.update_or_create(
            criterion=criterion, team=team, scorer=by, defaults={"score": value}
        )
        rows.append(row)
    return rows


def arena_publish(*, by: User, arena: ArenaRound) -> ArenaRound:
    """The office publishes the ranking; from then on everyone on staff sees it and its scores."""
    require_office(by, _("publish arena rankings"))
    if arena.published_at is None:
        arena.published_at = timezone.now()
        arena.save(update_fields=["published_at"])
    return arena
