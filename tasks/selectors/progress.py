"""Reads of weekly progress, cut by the access policy: the unit × week grid and the reports."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Case, CharField, Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from campaign import contributions
from campaign import selectors as access
from campaign.listfilters import ListFilters, Where, by_id, day_end, on_or_after, on_or_before
from campaign.models import Unit
from tasks import weeks
from tasks.models import ProgressItem, ReportTransition, SimilarityFlag, WeeklyProgress

Status = WeeklyProgress.Status


class Cell:
    ACCEPTED = "accepted"
    SUBMITTED = "submitted"
    LATE = "late"
    RETURNED = "returned"
    MISSING = "missing"
    PENDING = "pending"


def submitted_only() -> Q:
    """A report ever submitted (it may have been returned since): what reviewers and readers see."""
    return Q(first_submitted_at__isnull=False)


def reports_visible_to(user) -> QuerySet[WeeklyProgress]:
    """The reports the user may read. A draft is the unit's own until it is first submitted:
    its liaisons see it, nobody else does (not the office, the inspection group or a leader),
    nor its attachments. A returned report stays visible to them: it was submitted."""
    reports = access.cut_to_units(WeeklyProgress.objects.all(), user)
    if access.is_liaison(user):
        return reports  # already cut to the liaison's own unit: its drafts are theirs
    return reports.filter(submitted_only())


# What a report's detail shows besides the report: its lines, moves, flags and files. A write
# that already holds the report applies these to it (prefetch_related_objects), skipping any the
# service handed back already loaded, instead of reading the report again.
REPORT_ITEMS = Prefetch("items", queryset=ProgressItem.objects.select_related("key_task__work_line"))
REPORT_DETAIL_PREFETCHES = (
    REPORT_ITEMS,
    Prefetch("transitions", queryset=ReportTransition.objects.select_related("by")),
    Prefetch("similarity_flags", queryset=SimilarityFlag.objects.select_related("other__unit")),
    "attachments",
)


def report_detail(*, user, report_id: int) -> WeeklyProgress:
    """One report the user may see (WeeklyProgress.DoesNotExist otherwise, shown as 404)."""
    return (
        reports_visible_to(user)
        .select_related("unit__campaign", "unit__coverage__group", "created_by", "updated_by")
        .prefetch_related(*REPORT_DETAIL_PREFETCHES)
        .get(pk=report_id)
    )


def similar_pairs(*, user, campaign) -> QuerySet[SimilarityFlag]:
    """The copy-paste flags a reviewer may look at: those on reports they may read, each pair
    once (a pair is flagged on both reports; where the viewer may read both, the flag on the
    later-submitted one stands for the pair), newest week first, closest first."""
    visible = reports_visible_to(user).filter(unit__campaign=campaign).filter(submitted_only())
    flags = SimilarityFlag.objects.filter(report__in=visible.values("pk"))
    both_visible_mirror = Q(other__in=visible.values("pk")) & Q(report_id__lt=F("other_id"))
    return (
        flags.exclude(both_visible_mirror)
        .select_related("report__unit", "other__unit")
        .order_by("-report__week_start", "-score", "report__unit__name")
    )


def values_reported_before(report: WeeklyProgress) -> dict[int, Decimal]:
    """Each key task's value in the unit's latest earlier report that was submitted (one query):
    a value reached is cumulative, so a lower one this week is a correction to be confirmed."""
    rows = (
        ProgressItem.objects.filter(
            report__unit_id=report.unit_id,
            report__week_start__lt=report.week_start,
            report__first_submitted_at__isnull=False,
            value__isnull=False,
        )
        .order_by("-report__week_start")
        .values_list("key_task_id", "value")
    )
    latest: dict[int, Decimal] = {}
    for task_id, value in rows:  # one row per task and earlier week: a few hundred at most
        latest.setdefault(task_id, value)
    return latest


def lowered_values(report: WeeklyProgress, typed: dict[int, dict]) -> list[dict]:
    """The key tasks whose typed value is below the value last reported for them."""
    before = values_reported_before(report)
    lowered = []
    for item in report.items.select_related("key_task").order_by("key_task__number"):
        value = typed.get(item.key_task_id, {}).get("value", item.value)
        previous = before.get(item.key_task_id)
        if value is not None and previous is not None and value < previous:
            lowered.append({"task": item.key_task, "before": previous, "now": value})
    return lowered


def cell_state(*, status: str | None, is_late: bool, deadline: dt.datetime, now: dt.datetime) -> str:
    if status == Status.ACCEPTED:
        return Cell.ACCEPTED
    if status == Status.RETURNED:
        return Cell.RETURNED
    if status == Status.SUBMITTED:
        return Cell.LATE if is_late else Cell.SUBMITTED
    return Cell.MISSING if now > deadline else Cell.PENDING


@dataclass
class GridRow:
    unit: Unit
    cells: list[dict]


def progress_grid(
    *, user, campaign, units: QuerySet[Unit], week_starts: list[dt.date], now: dt.datetime | None = None
) -> list[GridRow]:
    """One row per unit (of the given, already cut and paginated units), one cell per week:
    three queries whatever the number of units and weeks (reports, their copy-paste flags). A
    unit's draft is not shown (nor linked): until submitted, the week reads as not yet reported."""
    now = now or timezone.now()
    rule = weeks.rule_of(campaign)
    deadlines = {w: weeks.deadline_for(campaign, w, rule) for w in week_starts}
    unit_list = list(units)
    reports = reports_visible_to(user).filter(unit__in=[u.pk for u in unit_list], week_start__in=week_starts)
    reports = reports.filter(submitted_only()).values("pk", "unit_id", "week_start", "status", "is_late")
    by_key = {(r["unit_id"], r["week_start"]): r for r in reports}
    # Through the reports' unit and week, not a list of ~1,300 report ids to bind one by one.
    flagged = set(
        SimilarityFlag.objects.filter(
            report__unit__in=[u.pk for u in unit_list], report__week_start__in=week_starts
        ).values_list("report_id", flat=True)
    )
    rows = []
    for unit in unit_list:
        cells = []
        for week_start in week_starts:
            report = by_key.get((unit.pk, week_start))
            cells.append(
                {
                    "week": week_start,
                    "report_id": report["pk"] if report else None,
                    "state": cell_state(
                        status=report["status"] if report else None,
                        is_late=bool(report and report["is_late"]),
                        deadline=deadlines[week_start],
                        now=now,
                    ),
                    "late": bool(report and report["is_late"]),
                    "flagged": bool(report and report["pk"] in flagged),
                }
            )
        rows.append(GridRow(unit=unit, cells=cells))
    return rows


def week_counts(*, campaign, units: QuerySet[Unit], week_start: dt.date, now: dt.datetime | None = None) -> dict:
    """Counts for one week over the given units, in one aggregate query."""
    now = now or timezone.now()
    deadline = weeks.deadline_for(campaign, week_start)
    reports = WeeklyProgress.objects.filter(unit__in=units.values("pk"), week_start=week_start)
    counts = reports.aggregate(
        submitted=Count("pk", filter=Q(first_submitted_at__isnull=False)),
        late=Count("pk", filter=Q(is_late=True)),
        returned=Count("pk", filter=Q(status=Status.RETURNED)),
        accepted=Count("pk", filter=Q(status=Status.ACCEPTED)),
    )
    total = units.count()
    counts["units"] = total
    counts["missing"] = total - counts["submitted"] if now > deadline else 0
    counts["pending"] = 0 if now > deadline else total - counts["submitted"]
    counts["deadline"] = deadline
    return counts


def units_without_report(units: QuerySet[Unit], week_start: dt.date) -> QuerySet[Unit]:
    """Of `units`, those with nothing submitted for the week (a draft is nothing yet): the grid's
    `unsubmitted=1` and the work queue's reports not in (before the deadline) or missing (after)."""
    submitted = WeeklyProgress.objects.filter(week_start=week_start).filter(submitted_only())
    return units.exclude(pk__in=submitted.values("unit_id"))


def latest_week_due(campaign, now: dt.datetime | None = None) -> dt.date | None:
    """The latest campaign week whose report deadline has passed (None before the first)."""
    now = now or timezone.now()
    rule = weeks.rule_of(campaign)
    for week in reversed(weeks.campaign_weeks(campaign, until=timezone.localdate(now))):
        if weeks.deadline_for(campaign, week, rule) <= now:
            return week
    return None


def reports_of_unit(unit: Unit) -> QuerySet[WeeklyProgress]:
    return WeeklyProgress.objects.filter(unit=unit).order_by("-week_start")


def week_records(*, unit: Unit, week_start: dt.date) -> list[dict]:
    """What the unit already recorded this week in the other rooms (study and research
    activities, measure progress, closures...), for the form to show instead of asking.

    Each app registers its own (`campaign.contributions.week_records`), as dicts with `label`,
    `count` and `url`."""
    records = contributions.week_records_of(unit=unit, start=week_start, end=week_start + dt.timedelta(days=6))
    return [r for r in records if r.get("count")]


# --- The weekly reports' list filters (the roll-up columns of reports) --------------------------


def reports_then(reports: QuerySet[WeeklyProgress], day: dt.date) -> QuerySet[WeeklyProgress]:
    """Weekly reports annotated with `status_then`, the status each had at the end of `day`: the
    current status when nothing moved it since, else the latest transition by then (a report
    accepted or returned after the day was still waiting on it)."""
    if "status_then" in reports.query.annotations:
        return reports
    after = day_end(day)
    unmoved = Q(submitted_at__lt=after) & (Q(reviewed_at__isnull=True) | Q(reviewed_at__lt=after))
    latest = (
        ReportTransition.objects.filter(report=OuterRef("pk"), at__lt=after).order_by("-at", "-pk").values("to_status")
    )
    return reports.annotate(
        status_then=Case(
            When(unmoved, then=F("status")),
            default=Coalesce(Subquery(latest[:1]), Value(WeeklyProgress.Status.DRAFT)),
            output_field=CharField(),
        )
    )


def _status_now(reports: QuerySet, _value=None) -> QuerySet:
    if "status_then" in reports.query.annotations:
        return reports
    return reports.annotate(status_then=F("status"))


# --- The filters that show exactly the reports behind a dashboard number ------------------------


def weeks_due_by(campaign, day: dt.date) -> list[dt.date]:
    """The campaign's weeks whose report deadline had passed by the end of `day` (and by now):
    the weeks a unit owed a report on that day."""
    cut = min(day_end(day), timezone.now())
    rule = weeks.rule_of(campaign)
    return [w for w in weeks.campaign_weeks(campaign, until=day) if weeks.deadline_for(campaign, w, rule) <= cut]


# Written as conditions (`Where`): a dashboard number is one aggregate's FILTER over the
# campaign's reports (reporting/figures/values.py), with the very condition its list filters with.


def _reports_due_by(day: dt.date) -> Q:
    """`due_by=`: the reports of the weeks whose deadline had passed by the end of the day (and by
    now), by the deadline each report carries (its week's, set from the rule when it was opened)."""
    return Q(deadline__lte=min(day_end(day), timezone.now()))


def _reports_submitted_by(day: dt.date) -> Q:
    """`submitted_by=`: first submitted by the end of the day (a return since does not undo it)."""
    return Q(first_submitted_at__lt=day_end(day))


def _reports_returned_by(day: dt.date) -> Q:
    """`returned_by=`: sent back to the unit at least once by the end of the day."""
    returned = ReportTransition.objects.filter(action=ReportTransition.Action.RETURN, at__lt=day_end(day))
    return Q(pk__in=returned.values("report_id"))


def _in_week(value: str) -> Q:
    """`week=`: the reports of the week holding that day (YYYY-MM-DD) or ISO week (2026-W48)."""
    week = weeks.parse_week(value)
    return Q(week_start=week) if week else Q()


REPORT_FILTERS = ListFilters(
    # As of a day: the reports submitted by its end, each in the status it then had.
    as_of=Where(lambda day: ~Q(status_then=WeeklyProgress.Status.DRAFT), prepare=reports_then),
    days={
        "week_from": on_or_after("week_start"),
        "week_to": on_or_before("week_start"),
        # the dashboard's numbers (reporting/figures/registry.py)
        "due_by": Where(_reports_due_by),
        "submitted_by": Where(_reports_submitted_by),
        "returned_by": Where(_reports_returned_by),
    },
    flags={"late": Where(lambda _v: Q(is_late=True)), "on_time": Where(lambda _v: Q(is_late=False))},
    # The status on the `as_of` day (without one: now).
    choices={
        "unit": by_id("unit"),
        "status_then": Where(lambda value: Q(status_then=value), prepare=_status_now),
        "week": Where(_in_week),
    },
    campaign_path="unit__campaign",
)
