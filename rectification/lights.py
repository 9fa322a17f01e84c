"""The lights (campaign/lights.py) of special-rectification tasks and petition cases; the
measures' own are in rectification/selectors/conditions.py (`light_q`), where their dated reads live."""

from __future__ import annotations

import datetime as dt

from django.db.models import F, Q, QuerySet, Value
from django.db.models.lookups import LessThan
from django.utils import timezone

from campaign import lights
from campaign.lights import Light
from rectification.models import Closure, PetitionCase, SpecialTask


def _end_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


def special_task_light_q(light: str, day: dt.date, prefix: str = "") -> Q:
    """A special-rectification task's light on `day`:
    - closed: signed off by the day's end and not reopened by then (its closures keep both);
    - red: open past the deadline;
    - blue: the deadline is near (the campaign's `warn_days_before_deadline`);
    - green: otherwise.
    A special task records no progress, so it has no expected line and is never yellow."""
    after = _end_of(day)
    reopened_later = Closure.objects.filter(
        special_task__isnull=False, status=Closure.Status.REOPENED, decided_at__lt=after, reopened_at__gte=after
    ).values("special_task_id")
    closed = Q(**{f"{prefix}closed_at__lt": after}) | Q(**{f"{prefix}pk__in": reopened_later})
    if light == Light.CLOSED:
        return closed
    red = Q(**{f"{prefix}deadline__lt": day})
    if light == Light.RED:
        return ~closed & red
    if light == Light.YELLOW:
        return Q(**{f"{prefix}pk__in": []})
    near = lights.deadline_near_q(
        day,
        deadline=f"{prefix}deadline",
        warn_days=f"{prefix}team__rectification__campaign__warn_days_before_deadline",
    )
    if light == Light.BLUE:
        return ~closed & ~red & near
    return ~closed & ~red & ~near


def petition_light_q(light: str, day: dt.date, prefix: str = "") -> Q:
    """A petition case's light on `day`, from its dated stages:
    - closed: resolved on or before the day;
    - red: unresolved past the deadline;
    - yellow: behind its stage line — the pre-visit investigation not done once a third of the
      time from receipt to deadline has gone, or the consultation not held once two thirds have;
    - blue: the deadline is near (the campaign's `warn_days_before_deadline`);
    - green: otherwise."""
    closed = Q(**{f"{prefix}resolved_on__lte": day})
    if light == Light.CLOSED:
        return closed
    red = Q(**{f"{prefix}deadline__lt": day})
    if light == Light.RED:
        return ~closed & red
    span = lights.days_between(F(f"{prefix}deadline"), F(f"{prefix}received_on"))
    elapsed = lights.days_between(Value(day), F(f"{prefix}received_on"))
    not_investigated = Q(**{f"{prefix}investigated_on__isnull": True}) | Q(**{f"{prefix}investigated_on__gt": day})
    not_consulted = Q(**{f"{prefix}consulted_on__isnull": True}) | Q(**{f"{prefix}consulted_on__gt": day})
    # elapsed / span > 1/3  ⇔  span < 3 × elapsed (integers, no division).
    behind = (not_investigated & Q(LessThan(span, elapsed * 3))) | (not_consulted & Q(LessThan(span * 2, elapsed * 3)))
    if light == Light.YELLOW:
        return ~closed & ~red & behind
    near = lights.deadline_near_q(
        day, deadline=f"{prefix}deadline", warn_days=f"{prefix}campaign__warn_days_before_deadline"
    )
    if light == Light.BLUE:
        return ~closed & ~red & ~behind & near
    return ~closed & ~red & ~behind & ~near


def special_tasks_lit(rows: QuerySet, light: str, day: dt.date | None) -> QuerySet:
    """`light=` on special tasks (as of the day asked; today without one)."""
    return lights.lit(rows, special_task_light_q, light, day or timezone.localdate())


def petitions_lit(rows: QuerySet, light: str, day: dt.date | None) -> QuerySet:
    """`light=` on petition cases (as of the day asked; today without one)."""
    return lights.lit(rows, petition_light_q, light, day or timezone.localdate())


def special_tasks_with_light(rows: QuerySet[SpecialTask], day: dt.date | None = None) -> QuerySet[SpecialTask]:
    return lights.with_light(rows, special_task_light_q, day or timezone.localdate())


def petitions_with_light(rows: QuerySet[PetitionCase], day: dt.date | None = None) -> QuerySet[PetitionCase]:
    return lights.with_light(rows, petition_light_q, day or timezone.localdate())
