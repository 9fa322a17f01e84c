"""Missed dispatch rounds (每两周调度), by unit and by measure."""

from __future__ import annotations

from django.db.models import (
    Count,
    Max,
    Min,
    QuerySet,
)

from campaign.models import User
from rectification.models import (
    DispatchMiss,
)
from rectification.selectors.conditions import narrowed
from rectification.selectors.measures import measures_visible_to

# --- Missed dispatch rounds, by unit and by measure ---------------------------------------------


def dispatch_misses(
    *,
    user: User,
    campaign_id: int,
    unit_id: int | None = None,
    round_number: int | None = None,
    level: str = "",
    source: str = "",
) -> QuerySet[DispatchMiss]:
    """The recorded misses (a measure without an entry in a finished round) of the measures the
    user may see, narrowed by unit, round, problem level and problem source."""
    misses = DispatchMiss.objects.filter(
        round__campaign_id=campaign_id, measure__in=measures_visible_to(user).values("pk")
    )
    return narrowed(
        misses,
        measure__responsible_unit_id=unit_id,
        round__number=round_number,
        measure__problem__level=level,
        measure__problem__source=source,
    )


def misses_by_unit(misses: QuerySet[DispatchMiss]) -> QuerySet:
    """Per responsible unit: the misses, the measures that missed, the rounds missed, the last."""
    return (
        misses.values("measure__responsible_unit_id", "measure__responsible_unit__name")
        .annotate(
            misses=Count("id"),
            measures=Count("measure", distinct=True),
            rounds=Count("round", distinct=True),
            last_round=Max("round__number"),
        )
        .order_by("-misses", "measure__responsible_unit__name")
    )


def misses_by_measure(misses: QuerySet[DispatchMiss]) -> QuerySet:
    """Per measure: its unit, how many rounds it missed, the first and the last."""
    return (
        misses.values(
            "measure_id",
            "measure__number",
            "measure__content",
            "measure__problem__code",
            "measure__responsible_unit__name",
            "measure__responsible_person",
            "measure__status",
        )
        .annotate(misses=Count("id"), first_round=Min("round__number"), last_round=Max("round__number"))
        .order_by("-misses", "measure__problem__code", "measure__number")
    )


def rounds_missed(misses: QuerySet[DispatchMiss], measure_ids: list[int]) -> dict[int, list[int]]:
    """The numbers of the rounds each of the measures missed (one query for a page of them)."""
    rounds: dict[int, list[int]] = {pk: [] for pk in measure_ids}
    rows = (
        misses.filter(measure_id__in=measure_ids).order_by("round__number").values_list("measure_id", "round__number")
    )
    for measure_id, number in rows:
        rounds[measure_id].append(number)
    return rounds
