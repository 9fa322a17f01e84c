"""Reads of problems, cut to what the user may see, with their measures counted and lit."""

from __future__ import annotations

import datetime as dt

from django.db.models import (
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from campaign.models import User
from campaign.selectors import (
    reads_everything,
    unit_ids_visible_to,
)
from rectification.models import (
    Measure,
    Problem,
    PublicReport,
    SiteVisit,
    TvQuestion,
)
from rectification.selectors.conditions import closed_q, light_q, narrowed, with_light
from rectification.selectors.counts import counted_per_day
from rectification.selectors.measures import measures_visible_to

Light = Measure.Light


def problems_visible_to(user: User) -> QuerySet[Problem]:
    """A problem is visible with its unit, or with any measure a visible unit is responsible for."""
    problems = Problem.objects.all()
    if reads_everything(user):
        return problems
    ids = unit_ids_visible_to(user)
    # One list of ids, the problems of the units and those of their measures, which PostgreSQL
    # collects first and then looks the problems up by key. Written as "unit in ids OR a visible
    # measure exists", the same cut was a filter tried on every problem of the campaign: 200,000
    # for an inspection group's 500 (10,000 units: ~0.45 s to count them, against ~5 ms).
    own = Problem.objects.filter(unit__in=ids).order_by().values("pk")
    via_measures = Measure.objects.filter(responsible_unit__in=ids).order_by().values("problem_id")
    return problems.filter(pk__in=own.union(via_measures, all=True))


def _counted(rows: QuerySet) -> Coalesce:
    """How many of `rows` (correlated to the outer problem) there are, as a per-row subquery."""
    return Coalesce(Subquery(rows.order_by().values("problem").annotate(n=Count("id")).values("n")), 0)


def _report_count():
    reports = PublicReport.objects.filter(problem=OuterRef("pk"))
    questions = TvQuestion.objects.filter(problem=OuterRef("pk"))
    return _counted(reports) + _counted(questions)


def with_measure_counts(problems: QuerySet[Problem], today: dt.date) -> QuerySet[Problem]:
    """Annotate each problem with its measures (all of them, closed, red and yellow) and the
    public reports and TV questions tied to it.

    Each count is a subquery of the row it belongs to, not a join with every measure grouped
    by problem: PostgreSQL then reads a page of problems in list order from its index and
    counts the measures of those rows only, where the grouped join counted the measures of
    every problem before it could sort and cut the page (200,000 problems: ~3 s, against ~2 ms).
    `.count()` leaves these subqueries out and counts the problems alone."""
    measures = Measure.objects.filter(problem=OuterRef("pk"))
    return problems.annotate(
        measure_count=_counted(measures),
        closed_count=_counted(measures.filter(closed_q(today))),
        red_count=_counted(measures.filter(light_q(Light.RED, today))),
        yellow_count=_counted(measures.filter(light_q(Light.YELLOW, today))),
        report_count=_report_count(),
    )


def problem_list(
    *,
    user: User,
    campaign_id: int | None = None,
    level: str = "",
    status: str = "",
    source: str = "",
    unit_id: int | None = None,
    light: str = "",
    search: str = "",
    today: dt.date | None = None,
) -> QuerySet[Problem]:
    today = today or timezone.localdate()
    problems = narrowed(
        problems_visible_to(user), campaign_id=campaign_id, level=level, status=status, source=source, unit_id=unit_id
    )
    if search:
        problems = problems.filter(Q(title__icontains=search) | Q(code__icontains=search))
    if light:
        problems = problems.filter(Exists(Measure.objects.filter(light_q(light, today), problem=OuterRef("pk"))))
    return with_measure_counts(problems.select_related("unit"), today).order_by("level", "code")


def problem_total(*, user: User, campaign_id: int, light: str = "", today: dt.date | None = None) -> int:
    """How many problems the unfiltered problem list (or the list of one light) shows the user.
    Office and leaders see every problem of the campaign, so theirs is a campaign-wide count,
    kept once per day and change like the light counts (`counted_per_day`); anyone else's is
    counted on their own problems."""
    today = today or timezone.localdate()
    problems = problem_list(user=user, campaign_id=campaign_id, light=light, today=today)
    if not reads_everything(user):
        return problems.count()
    counted = counted_per_day(
        f"problems:{light or 'all'}", campaign_id=campaign_id, day=today, count=lambda: {"n": problems.count()}
    )
    return counted["n"]


def problem_detail(*, user: User, problem_id: int, today: dt.date | None = None) -> Problem:
    """A problem with the measures the user may see, lit; raises Problem.DoesNotExist."""
    measures = with_light(measures_visible_to(user).select_related("responsible_unit"), today).order_by("number")
    return (
        problem_list(user=user, today=today)
        .select_related("campaign", "created_by")
        .prefetch_related(
            Prefetch("measures", queryset=measures, to_attr="visible_measures"),
            Prefetch("site_visits", queryset=SiteVisit.objects.select_related("inspector")),
        )
        .get(pk=problem_id)
    )


def problem_reports(problem: Problem) -> list:
    """The public reports and TV questions merged into (or that created) this problem."""
    return list(PublicReport.objects.filter(problem=problem).order_by("-received_at")) + list(
        TvQuestion.objects.filter(problem=problem).select_related("session")
    )
