"""Closure (销号) requests of measures and special tasks, for the people who review them."""

from __future__ import annotations

from django.db.models import (
    Prefetch,
    QuerySet,
)

from campaign.models import User
from campaign.selectors import (
    cut_to_units,
    is_inspector,
    is_office,
)
from rectification.models import (
    Closure,
    Extension,
)
from rectification.selectors.conditions import narrowed


def closures_awaiting(*, user: User) -> QuerySet[Closure]:
    """Closure requests the user may decide: the office all, an inspector their groups' units."""
    return closures_for_review(user=user, status=Closure.Status.REQUESTED)


REVIEW_STATES = ("waiting", "signed_off", "returned", "reopened", "all")


def closures_for_review(
    *,
    user: User,
    status: str = Closure.Status.REQUESTED,
    kind: str = "",
    below_target: bool = False,
    late: bool = False,
    reclosed: bool = False,
) -> QuerySet[Closure]:
    """Closure requests of measures and special-rectification tasks alike, for the office (all)
    and the inspection groups (their units): each with its item, deadlines, evidence and the
    item's earlier closures and extensions, read in a fixed number of queries.

    Filters: below the target (a shortfall was stated), late (asked for after the original
    deadline) and re-closed (asked for again after a reopen)."""
    closures = Closure.objects.all()
    if not (is_office(user) or is_inspector(user)):
        return closures.none()
    closures = narrowed(
        cut_to_units(closures, user, path="unit"),
        status="" if status == "all" else status,
        late=late,
        after_reopen=reclosed,
    )
    if kind == "measure":
        closures = closures.filter(measure__isnull=False)
    elif kind == "special":
        closures = closures.filter(special_task__isnull=False)
    if below_target:
        closures = closures.filter(result_percent__lt=100)
    earlier = Closure.objects.select_related("requested_by", "decided_by", "reopened_by").order_by("requested_at")
    return closures.select_related(
        "measure__problem",
        "special_task__team",
        "unit",
        "requested_by",
        "decided_by",
    ).prefetch_related(
        "evidence",
        Prefetch("measure__closures", queryset=earlier),
        Prefetch("special_task__closures", queryset=earlier),
        Prefetch("measure__extensions", queryset=Extension.objects.order_by("requested_at")),
    )
