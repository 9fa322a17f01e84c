"""Reads of the key-task list, with each task's status derived from the reports."""

from __future__ import annotations

import datetime as dt

from django.db.models import Case, CharField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.utils import timezone

from campaign import selectors as access
from tasks.models import KeyTask, ProgressItem, WeeklyProgress

REPORTED = (WeeklyProgress.Status.SUBMITTED, WeeklyProgress.Status.ACCEPTED, WeeklyProgress.Status.RETURNED)


class TaskStatus:
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    OVERDUE = "overdue"


def key_tasks_visible_to(user) -> QuerySet[KeyTask]:
    """Office and leaders: the whole list. Others: the tasks their units lead or cooperate on."""
    tasks = KeyTask.objects.all()
    if access.reads_everything(user):
        return tasks
    unit_ids = access.unit_ids_visible_to(user)
    return tasks.filter(
        Q(lead_unit__in=unit_ids)
        | Q(pk__in=KeyTask.cooperating_units.through.objects.filter(unit_id__in=unit_ids).values("keytask_id"))
    )


def with_status(tasks: QuerySet[KeyTask], *, today: dt.date | None = None) -> QuerySet[KeyTask]:
    """Annotate `reported_status` (the lead unit's latest reported status for the task),
    `latest_value`, and the derived `status`: done when the lead unit reported it done,
    overdue when past the deadline and not done, in progress once reported, else not started."""
    today = today or timezone.localdate()
    latest = ProgressItem.objects.filter(
        key_task=OuterRef("pk"), report__unit=OuterRef("lead_unit"), report__status__in=REPORTED
    ).order_by("-report__week_start")
    tasks = tasks.annotate(
        reported_status=Subquery(latest.values("status")[:1]),
        latest_value=Subquery(latest.values("value")[:1]),
    )
    return tasks.annotate(
        status=Case(
            When(reported_status=ProgressItem.Status.DONE, then=Value(TaskStatus.DONE)),
            When(deadline__lt=today, then=Value(TaskStatus.OVERDUE)),
            When(reported_status__isnull=False, then=Value(TaskStatus.IN_PROGRESS)),
            default=Value(TaskStatus.NOT_STARTED),
            output_field=CharField(),
        )
    )


def key_task_list(
    *, user, campaign=None, search: str = "", work_line: str = "", unit_id: int | None = None, status: str = ""
) -> QuerySet[KeyTask]:
    tasks = with_status(key_tasks_visible_to(user)).select_related("work_line", "lead_unit")
    if campaign is not None:
        tasks = tasks.filter(campaign=campaign)
    if search:
        tasks = tasks.filter(title__icontains=search.strip())
    if work_line:
        tasks = tasks.filter(work_line__code=work_line)
    if unit_id:
        tasks = tasks.filter(Q(lead_unit_id=unit_id) | Q(cooperating_units__id=unit_id)).distinct()
    if status:
        tasks = tasks.filter(status=status)
    return tasks.prefetch_related("cooperating_units").order_by("number")


def key_tasks_of_unit(unit) -> QuerySet[KeyTask]:
    """The tasks a unit reports on: those it leads or cooperates on.

    The cooperation is tested with a subquery on the unit's own rows of the link table (its
    index), not a join of every task with every cooperating unit made distinct: at 10,000 units
    that join reads all 40,000 links on every report opened (bench/README.md)."""
    cooperating = KeyTask.cooperating_units.through.objects.filter(unit=unit).values("keytask")
    return (
        KeyTask.objects.filter(campaign=unit.campaign_id)
        .filter(Q(lead_unit=unit) | Q(pk__in=cooperating))
        .select_related("work_line", "lead_unit")
        .order_by("number")
    )
