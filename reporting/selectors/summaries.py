"""Reads of stored roll-ups and bulletins, cut to what the caller may see."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from campaign import selectors as access
from campaign.models import User
from reporting.models import Bulletin, RollupChange, RollupRun, Summary


def summaries_visible_to(user: User) -> QuerySet[Summary]:
    """Office and leaders: every row. Inspectors and liaisons: their units' rows, never the
    overall row (it holds other units' figures)."""
    rows = Summary.objects.select_related("unit")
    if access.reads_everything(user):
        return rows
    return rows.filter(unit__in=access.unit_ids_visible_to(user))


def summary_list(
    *, user, kind: str = "", day: dt.date | None = None, unit_id: int | None = None, overall: bool = False
) -> QuerySet[Summary]:
    rows = summaries_visible_to(user)
    if kind:
        rows = rows.filter(kind=kind)
    if day:
        rows = rows.filter(period_start__lte=day, period_end__gte=day)
    if unit_id:
        rows = rows.filter(unit_id=unit_id)
    if overall:
        rows = rows.filter(unit__isnull=True)
    return rows.order_by("-period_start", "kind", "unit_key")


def periods_overview(*, campaign, kind: str) -> QuerySet:
    """One line per computed period: rows, locked or not, when computed.

    "Computed" is the period's last successful run: a re-run that found nothing new writes no
    row (so no row's `computed_at` moves), but the figures were computed then all the same."""
    last_run = (
        RollupRun.objects.filter(
            campaign=campaign, kind=kind, period_start=OuterRef("period_start"), status=RollupRun.Status.SUCCEEDED
        )
        .order_by("-finished_at")
        .values("finished_at")[:1]
    )
    return (
        Summary.objects.filter(campaign=campaign, kind=kind)
        .values("period_start", "period_end")
        .annotate(
            rows=Count("id"),
            locked=Count("id", filter=Q(locked_at__isnull=False)),
            computed=Coalesce(Subquery(last_run), Max("computed_at")),
        )
        .order_by("-period_start")
    )


def recent_runs(*, campaign, limit: int = 20) -> QuerySet[RollupRun]:
    return RollupRun.objects.filter(campaign=campaign).select_related("started_by")[:limit]


def runs_failed_unresolved(*, campaign) -> QuerySet[RollupRun]:
    """Failed roll-up runs whose period no later run has computed (or skipped as locked) since:
    the failures still standing, newest first (a failure redone since is history)."""
    redone = RollupRun.objects.filter(
        campaign=OuterRef("campaign"),
        kind=OuterRef("kind"),
        period_start=OuterRef("period_start"),
        status__in=(RollupRun.Status.SUCCEEDED, RollupRun.Status.SKIPPED),
        started_at__gt=OuterRef("started_at"),
    )
    return (
        RollupRun.objects.filter(campaign=campaign, status=RollupRun.Status.FAILED)
        .exclude(Exists(redone))
        .select_related("started_by")
    )


def recent_changes(*, campaign, kind: str, limit: int = 100) -> QuerySet[RollupChange]:
    """What re-runs changed in the stored periods of a kind, newest run first (the office's
    roll-up page: a past period changes only when a record was back-entered for it)."""
    return (
        RollupChange.objects.filter(campaign=campaign, kind=kind)
        .select_related("run", "run__started_by", "unit")
        .order_by("-run_id", "period_start", "unit_id", "figure")[:limit]
    )


def bulletins_visible_to(user: User) -> QuerySet[Bulletin]:
    """Published bulletins are for everyone on staff; drafts are the office's."""
    bulletins = Bulletin.objects.all()
    if not access._is_authenticated(user):
        return bulletins.none()
    if access.is_office(user):
        return bulletins
    if access.reads_everything(user) or access.is_inspector(user):
        return bulletins.filter(status=Bulletin.Status.PUBLISHED)
    return bulletins.none()
