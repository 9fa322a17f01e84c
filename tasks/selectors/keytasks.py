"""Reads of the key-task list, with each task's status derived from the reports."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import (
    Case,
    CharField,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.db.models.lookups import Exact, LessThan
from django.utils import timezone

from campaign import lights
from campaign import selectors as access
from campaign.lights import Light
from campaign.listfilters import ListFilters, Where, by_id, extended
from campaign.models import Campaign, Unit, User
from tasks.models import KeyTask, ProgressItem, WeeklyProgress

CooperatingLink = KeyTask.cooperating_units.through

REPORTED = (WeeklyProgress.Status.SUBMITTED, WeeklyProgress.Status.ACCEPTED, WeeklyProgress.Status.RETURNED)


class TaskStatus:
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    OVERDUE = "overdue"


def key_tasks_visible_to(user: User) -> QuerySet[KeyTask]:
    """Office and leaders: the whole list. Others: the tasks their units lead or cooperate on."""
    tasks = KeyTask.objects.all()
    if access.reads_everything(user):
        return tasks
    unit_ids = access.unit_ids_visible_to(user)
    return tasks.filter(
        Q(lead_unit__in=unit_ids) | Q(pk__in=CooperatingLink.objects.filter(unit_id__in=unit_ids).values("keytask_id"))
    )


def with_status(tasks: QuerySet[KeyTask], *, today: dt.date | None = None) -> QuerySet[KeyTask]:
    """Annotate `reported_status` (the lead unit's latest reported status for the task),
    `latest_value`, and the derived `status`: done when the lead unit reported it done,
    overdue when past the deadline and not done, in progress once reported, else not started."""
    return _with_status(tasks, today or timezone.localdate(), "reported_status", "status", "latest_value")


def _with_status(tasks: QuerySet[KeyTask], today: dt.date, reported: str, status: str, value: str = ""):
    latest = ProgressItem.objects.filter(
        key_task=OuterRef("pk"), report__unit=OuterRef("lead_unit"), report__status__in=REPORTED
    ).order_by("-report__week_start")
    if today < timezone.localdate():
        # A day that is over: only what had been submitted by its end (a later week's report
        # does not change how a task stood then).
        after = timezone.make_aware(dt.datetime.combine(today + dt.timedelta(days=1), dt.time.min))
        latest = latest.filter(report__first_submitted_at__lt=after)
    tasks = tasks.annotate(**{reported: Subquery(latest.values("status")[:1])})
    if value:
        tasks = tasks.annotate(**{value: Subquery(latest.values("value")[:1])})
    return tasks.annotate(
        **{
            status: Case(
                When(**{reported: ProgressItem.Status.DONE}, then=Value(TaskStatus.DONE)),
                When(deadline__lt=today, then=Value(TaskStatus.OVERDUE)),
                When(**{f"{reported}__isnull": False}, then=Value(TaskStatus.IN_PROGRESS)),
                default=Value(TaskStatus.NOT_STARTED),
                output_field=CharField(),
            )
        }
    )


# --- The light (campaign/lights.py) ----------------------------------------------------------


def _end_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


def _latest(day: dt.date, prefix: str):
    """The lead unit's latest reported line of the task as it stood at the end of `day`."""
    latest = ProgressItem.objects.filter(
        key_task=OuterRef(f"{prefix}pk"), report__unit=OuterRef(f"{prefix}lead_unit"), report__status__in=REPORTED
    ).order_by("-report__week_start")
    if day < timezone.localdate():
        latest = latest.filter(report__first_submitted_at__lt=_end_of(day))
    return latest


def unacknowledged_q(day: dt.date, prefix: str = "") -> Q:
    """Not acknowledged (签收) by the lead unit by the end of `day`, though assigned more than the
    campaign's `acknowledge_within_days` before it: a warning of its own (yellow)."""
    not_yet = Q(**{f"{prefix}acknowledged_at__isnull": True}) | Q(**{f"{prefix}acknowledged_at__gte": _end_of(day)})
    late = LessThan(
        F(f"{prefix}assigned_on"), lights.day_minus(Value(day), F(f"{prefix}campaign__acknowledge_within_days"))
    )
    return not_yet & Q(late)


def light_q(light: str, day: dt.date, prefix: str = "") -> Q:
    """A key task's light on `day` (campaign/lights.py), as it stood then for a past day:
    - closed: the lead unit's latest report (submitted by the day's end) says done;
    - red: not done and past the deadline;
    - yellow: below the expected line drawn from the day assigned (0%) to the deadline (100%) —
      the latest value reported against the target, for a task with a number — or not
      acknowledged in time (`unacknowledged_q`);
    - blue: the deadline is near (the campaign's `warn_days_before_deadline`).
    Key tasks have no milestones, so the line is the straight one. A past day reads the task's
    current deadline and target (a key task's edits are not dated transitions)."""
    latest = _latest(day, prefix)
    # Coalesced: a task nobody reported on is not done (a NULL would make "not done" NULL too).
    done = Q(Exact(Coalesce(Subquery(latest.values("status")[:1]), Value("")), ProgressItem.Status.DONE))
    if light == Light.CLOSED:
        return done
    red = Q(**{f"{prefix}deadline__lt": day})
    if light == Light.RED:
        return ~done & red
    # value × span < target × elapsed, i.e. value / target < elapsed / span, kept in integers.
    value = Coalesce(Subquery(latest.values("value")[:1]), Value(0), output_field=DecimalField())
    span = lights.days_between(F(f"{prefix}deadline"), F(f"{prefix}assigned_on"))
    elapsed = lights.days_between(Value(day), F(f"{prefix}assigned_on"))
    below_line = Q(**{f"{prefix}metric_target__gt": 0}) & Q(
        LessThan(
            ExpressionWrapper(value * span, output_field=DecimalField()),
            ExpressionWrapper(F(f"{prefix}metric_target") * elapsed, output_field=DecimalField()),
        )
    )
    behind = below_line | unacknowledged_q(day, prefix)
    if light == Light.YELLOW:
        return ~done & ~red & behind
    near = lights.deadline_near_q(
        day, deadline=f"{prefix}deadline", warn_days=f"{prefix}campaign__warn_days_before_deadline"
    )
    if light == Light.BLUE:
        return ~done & ~red & ~behind & near
    return ~done & ~red & ~behind & ~near


def turned_q(light: str, day: dt.date, prefix: str = "") -> Q:
    """Key tasks whose light turned `light` (red or yellow) on `day` (campaign/lights.py)."""
    return lights.turned_q(light_q, light, day, prefix)


def with_light(tasks: QuerySet[KeyTask], day: dt.date | None = None) -> QuerySet[KeyTask]:
    """Each task with its `light` on the day (today by default)."""
    return lights.with_light(tasks, light_q, day or timezone.localdate())


def with_percentages(tasks, day: dt.date | None = None) -> list:
    """Set `expected_percent` and `actual_percent` (None without a target) on each task of a
    page, from its `latest_value` (`with_status`)."""
    day = day or timezone.localdate()
    tasks = list(tasks)
    for task in tasks:
        task.expected_percent = lights.expected_percent(start=task.assigned_on, deadline=task.deadline, day=day)
        value = getattr(task, "latest_value", None)
        task.actual_percent = min(100, int(100 * (value or 0) / task.metric_target)) if task.metric_target else None
        # Not yet acknowledged, and still to do (a task done needs no acknowledgement any more).
        task.unacknowledged = task.acknowledged_at is None and getattr(task, "light", None) != Light.CLOSED
    return tasks


def unacknowledged(tasks: QuerySet[KeyTask], day: dt.date | None = None) -> QuerySet[KeyTask]:
    """The tasks whose lead unit has not acknowledged them in time (the `?unacknowledged=1` list)."""
    return tasks.filter(unacknowledged_q(day or timezone.localdate()))


def status_on(tasks: QuerySet[KeyTask], day: dt.date) -> QuerySet[KeyTask]:
    """Annotate `status_then`, each task's status as it stood at the end of `day` (`with_status`
    of that day, under names of their own so a list's current `status` stays as it is)."""
    if "status_then" in tasks.query.annotations:
        return tasks
    return _with_status(tasks, day, "reported_then", "status_then")


def key_task_list(
    *,
    user: User,
    campaign: Campaign | None = None,
    search: str = "",
    work_line: str = "",
    unit_id: int | None = None,
    status: str = "",
    today: dt.date | None = None,
) -> QuerySet[KeyTask]:
    today = today or timezone.localdate()
    # Status and light as they stood on `today` (a past day: what had been reported by its end).
    tasks = with_light(with_status(key_tasks_visible_to(user), today=today), today).select_related(
        "work_line", "lead_unit"
    )
    if campaign is not None:
        tasks = tasks.filter(campaign=campaign)
    if search:
        tasks = tasks.filter(title__icontains=search.strip())
    if work_line:
        tasks = tasks.filter(work_line__code=work_line)
    if unit_id:
        # The unit's own rows of the link table, not a join with every link made distinct.
        tasks = tasks.filter(
            Q(lead_unit_id=unit_id) | Q(pk__in=CooperatingLink.objects.filter(unit_id=unit_id).values("keytask_id"))
        )
    if status:
        tasks = tasks.filter(status=status)
    # The cooperating units are not prefetched: a task has hundreds of them at province scale
    # (50 tasks, ~33,000 units), so a page reads what it shows of them itself —
    # `with_cooperating_count` or `cooperating_units_of`.
    return tasks.order_by("number")


def with_cooperating_count(tasks: QuerySet[KeyTask]) -> QuerySet[KeyTask]:
    """Annotate `cooperating_count`, each task's number of cooperating units, counted on its
    rows of the link table (a per-row subquery: only the page's tasks are counted)."""
    links = CooperatingLink.objects.filter(keytask=OuterRef("pk")).order_by().values("keytask")
    return tasks.annotate(cooperating_count=Coalesce(Subquery(links.annotate(n=Count("pk")).values("n")), 0))


def cooperating_units_of(tasks: Iterable[KeyTask], *, field: str = "id") -> dict[int, list]:
    """Each task's cooperating units as one of their fields (`id`, `name`), in the units' own
    order (Unit.Meta.ordering: kind, name), from one query over the link table. No Unit
    instances are made: at 10,000 units a page of 50 tasks links ~33,000 of them, and making
    them took most of a second."""
    by_task: dict[int, list] = {task.pk: [] for task in tasks}
    links = (
        CooperatingLink.objects.filter(keytask_id__in=list(by_task))
        .order_by("keytask_id", "unit__kind", "unit__name")
        .values_list("keytask_id", f"unit__{field}")
    )
    for task_id, value in links:
        by_task[task_id].append(value)
    return by_task


def key_tasks_of_unit(unit: Unit) -> QuerySet[KeyTask]:
    """The tasks a unit reports on: those it leads or cooperates on.

    The cooperation is tested with a subquery on the unit's own rows of the link table (its
    index), not a join of every task with every cooperating unit made distinct: at 10,000 units
    that join reads all 40,000 links on every report opened (bench/README.md)."""
    cooperating = CooperatingLink.objects.filter(unit=unit).values("keytask")
    return (
        KeyTask.objects.filter(campaign=unit.campaign_id)
        .filter(Q(lead_unit=unit) | Q(pk__in=cooperating))
        .select_related("work_line", "lead_unit")
        .order_by("number")
    )


# The filters that show exactly the key tasks behind the figure (campaign/listfilters.py).
KEY_TASK_FILTERS = ListFilters(
    as_of=lambda rows, day: rows.filter(assigned_on__lte=day),
    # The light as it stood on the day asked (`as_of`; today without one).
    flags={"unacknowledged": lambda rows: unacknowledged(rows)},
    dated_choices={
        "light": lambda rows, light, day: lights.lit(rows, light_q, light, day or timezone.localdate()),
        # turned=yellow|red: the tasks that turned that light on the day (the work-queue homes).
        "turned": lambda rows, light, day: (
            rows.filter(turned_q(light, day or timezone.localdate())) if light in (Light.RED, Light.YELLOW) else rows
        ),
    },
)


# The roll-up columns' filters (reporting/figures/rollups.py): the status on a day, the lead unit.
KEY_TASK_FILTERS = extended(
    KEY_TASK_FILTERS,
    days={"status_on": Where(lambda _day: Q(), prepare=status_on)},
    choices={
        "lead_unit": by_id("lead_unit"),
        # The status on the `status_on` day (without one: today).
        "status_then": Where(
            lambda value: Q(status_then=value), prepare=lambda rows, _v: status_on(rows, timezone.localdate())
        ),
    },
)
