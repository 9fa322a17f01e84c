"""Reads of measures, their progress, extensions and evidence, cut to what the user may see."""

from __future__ import annotations

import datetime as dt

from django.db.models import (
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
)
from django.utils import timezone

from campaign.models import User
from campaign.selectors import (
    cut_to_units,
    reads_everything,
    unit_ids_visible_to,
)
from rectification.models import (
    Closure,
    Evidence,
    Extension,
    Measure,
    MeasureProgress,
)
from rectification.selectors.conditions import light_q, narrowed, with_light

Light = Measure.Light


def measures_visible_to(user: User) -> QuerySet[Measure]:
    """A liaison sees their own unit's measures; an inspector, their groups' units'; office and leaders all."""
    return cut_to_units(Measure.objects.all(), user, path="responsible_unit")


def measure_list(
    *,
    user: User,
    campaign_id: int | None = None,
    light: str = "",
    status: str = "",
    unit_id: int | None = None,
    problem_id: int | None = None,
    level: str = "",
    search: str = "",
    overdue: bool = False,
    owing: bool = False,
    today: dt.date | None = None,
) -> QuerySet[Measure]:
    today = today or timezone.localdate()
    measures = narrowed(
        measures_visible_to(user),
        problem__campaign_id=campaign_id,
        status=status,
        responsible_unit_id=unit_id,
        problem_id=problem_id,
        problem__level=level,
    )
    if light:
        measures = measures.filter(light_q(light, today))
    if overdue:
        measures = measures.filter(light_q(Light.RED, today))
    if search:
        measures = measures.filter(Q(content__icontains=search) | Q(problem__title__icontains=search))
    if owing:
        updated_this_round = MeasureProgress.objects.filter(
            measure=OuterRef("pk"), round__opens_on__lte=today, round__due_on__gte=today
        )
        measures = measures.filter(status=Measure.Status.OPEN, start_date__lte=today).exclude(
            Exists(updated_this_round)
        )
    return with_light(measures.select_related("problem", "responsible_unit"), today).order_by(
        "problem__level", "problem__code", "number"
    )


def measure_detail(*, user: User, measure_id: int, today: dt.date | None = None) -> Measure:
    """A measure the user may see, lit, with its progress, closures and extensions."""
    return (
        with_light(measures_visible_to(user), today)
        .select_related("problem", "problem__campaign", "responsible_unit")
        .prefetch_related(
            Prefetch(
                "progress",
                queryset=MeasureProgress.objects.select_related("reported_by", "round").prefetch_related("evidence"),
            ),
            Prefetch(
                "closures",
                queryset=Closure.objects.select_related("requested_by", "decided_by", "reopened_by").prefetch_related(
                    "evidence"
                ),
            ),
            Prefetch("extensions", queryset=Extension.objects.select_related("requested_by", "decided_by")),
        )
        .get(pk=measure_id)
    )


def extensions_pending(*, user: User) -> QuerySet[Extension]:
    return cut_to_units(
        Extension.objects.filter(status=Extension.Status.PENDING), user, path="measure__responsible_unit"
    ).select_related("measure__problem", "measure__responsible_unit", "requested_by")


def evidence_visible_to(user: User) -> QuerySet[Evidence]:
    ids = unit_ids_visible_to(user)
    if reads_everything(user):
        return Evidence.objects.all()
    return Evidence.objects.filter(Q(progress__measure__responsible_unit__in=ids) | Q(closure__unit__in=ids))
