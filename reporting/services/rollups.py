"""Roll-ups: each period recomputed from the source rows with a fixed number of aggregate
queries (GROUP BY unit, conditional counts), then upserted under the period's unique key.

The rules:
- a run recomputes the whole period from source rows; it never adds to what is stored, so a
  second run, or a run after a late report, leaves the rows a first run would have written;
- the rows are written with INSERT … ON CONFLICT DO UPDATE inside one transaction that holds
  the campaign row's lock, so two overlapping runs of a period cannot double a row; only the
  rows whose figures differ from the stored ones are written (a re-run with nothing new writes
  no row, and a row's `computed_at` is when its figures were last written);
- a locked period (reported upward) is never recomputed: its run is recorded as skipped;
- every run is recorded (RollupRun) with its status and, when it fails, the error.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import traceback
from collections import defaultdict

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Case, CharField, Count, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaign.models import Campaign, Unit, User
from campaign.outbox import outbox_enqueue
from campaign.services import require_office
from rectification.models import Closure, Measure, Problem, PublicReport, SiteVisit
from rectification.models.public import Triage
from rectification.selectors import closed_q, end_of, light_q, problem_closed_q, with_light
from reporting.models import RollupChange, RollupRun, Summary
from reporting.periods import period_of, previous_period
from tasks.models import KeyTask, ReportTransition, ResearchActivity, StudyActivity, WeeklyProgress
from tasks.selectors.keytasks import with_status
from tasks.weeks import deadline_for, rule_of

Light = Measure.Light

# Every figure a summary row carries, in the order pages and exports show them.
FIGURES = [
    "reports_due",
    "reports_submitted",
    "reports_on_time",
    "reports_late",
    "reports_missing",
    "reports_returned",
    "reports_accepted",
    "tasks_not_started",
    "tasks_in_progress",
    "tasks_done",
    "tasks_overdue",
    "problems_found",
    "problems_closed",
    "problems_open",
    "measures_found",
    "measures_closed",
    "measures_overdue",
    "measures_new_overdue",
    "light_green",
    "light_yellow",
    "light_red",
    "light_closed",
    "closures_signed_off",
    "site_visits",
    "study_activities",
    "research_activities",
    "public_reports_received",
    "public_reports_triaged",
]
# What each figure is called on pages and in exports.
LABELS = {
    "reports_due": gettext_lazy("Reports due"),
    "reports_submitted": gettext_lazy("Reports submitted"),
    "reports_on_time": gettext_lazy("Reports on time"),
    "reports_late": gettext_lazy("Reports late"),
    "reports_missing": gettext_lazy("Reports missing"),
    "reports_returned": gettext_lazy("Reports returned"),
    "reports_accepted": gettext_lazy("Reports accepted"),
    "tasks_not_started": gettext_lazy("Key tasks not started"),
    "tasks_in_progress": gettext_lazy("Key tasks in progress"),
    "tasks_done": gettext_lazy("Key tasks done"),
    "tasks_overdue": gettext_lazy("Key tasks overdue"),
    "problems_found": gettext_lazy("Problems found"),
    "problems_closed": gettext_lazy("Problems rectified"),
    "problems_open": gettext_lazy("Problems open"),
    "measures_found": gettext_lazy("Measures added"),
    "measures_closed": gettext_lazy("Measures closed"),
    "measures_overdue": gettext_lazy("Measures overdue"),
    "measures_new_overdue": gettext_lazy("Newly overdue"),
    "light_green": gettext_lazy("Green lights"),
    "light_yellow": gettext_lazy("Yellow lights"),
    "light_red": gettext_lazy("Red lights"),
    "light_closed": gettext_lazy("Closed (light)"),
    "closures_signed_off": gettext_lazy("Closures signed off"),
    "site_visits": gettext_lazy("Site visits"),
    "study_activities": gettext_lazy("Study activities"),
    "research_activities": gettext_lazy("Research trips completed"),
    "public_reports_received": gettext_lazy("Public reports received"),
    "public_reports_triaged": gettext_lazy("Public reports handled"),
}
# Figures that belong to no unit: only the overall row has them.
OVERALL_ONLY = {"public_reports_received", "public_reports_triaged"}


def _bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The period as [first moment, first moment after) in the campaign's time zone."""
    first = timezone.make_aware(dt.datetime.combine(start, dt.time.min))
    after = timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min))
    return first, after


def _due_weeks(campaign: Campaign, start: dt.date, end: dt.date) -> list[dt.date]:
    """The ISO weeks whose reporting deadline falls inside the period."""
    first, after = _bounds(start, end)
    rule = rule_of(campaign)
    monday = start - dt.timedelta(days=start.weekday() + 7)
    weeks = []
    while monday <= end:
        if first <= deadline_for(campaign, monday, rule) < after:
            weeks.append(monday)
        monday += dt.timedelta(days=7)
    return weeks


def _reports_then(reports, day: dt.date):
    """Weekly reports annotated with `then`, the status each had at the end of `day`: the
    current status when nothing moved it since, else the latest transition by then (a report
    accepted or returned after the day was still waiting on it)."""
    after = end_of(day)
    unmoved = Q(submitted_at__lt=after) & (Q(reviewed_at__isnull=True) | Q(reviewed_at__lt=after))
    latest = (
        ReportTransition.objects.filter(report=OuterRef("pk"), at__lt=after).order_by("-at", "-pk").values("to_status")
    )
    return reports.annotate(
        then=Case(
            When(unmoved, then=F("status")),
            default=Coalesce(Subquery(latest[:1]), Value(WeeklyProgress.Status.DRAFT)),
            output_field=CharField(),
        )
    )


def compute_period(*, campaign: Campaign, start: dt.date, end: dt.date) -> dict[int, dict[str, int]]:
    """The figures of a period by unit id (0 = overall), from source rows.

    A fixed number of queries whatever the number of units and records: one GROUP BY unit per
    kind of record. Records of the city level (no unit) count in the overall row only."""
    first, after = _bounds(start, end)
    unit_ids = list(Unit.objects.filter(campaign=campaign, is_active=True).values_list("id", flat=True))
    rows: dict[int | None, dict[str, int]] = defaultdict(lambda: dict.fromkeys(FIGURES, 0))

    def add(unit_id, **values):
        row = rows[unit_id]
        for key, value in values.items():
            row[key] += value or 0

    # Weekly reports of the weeks due in the period; a unit owes one report per due week.
    weeks = _due_weeks(campaign, start, end)
    # Grouped by the status each had at the period's end, so that status (a subquery for a
    # report reviewed after the period) is worked out once per report, not once per count.
    reports = (
        _reports_then(WeeklyProgress.objects.filter(unit__campaign=campaign, week_start__in=weeks), end)
        .values("unit_id", "then")
        .annotate(n=Count("id"), late=Count("id", filter=Q(is_late=True)))
        .order_by()
    )
    for r in reports:
        if r["then"] == WeeklyProgress.Status.DRAFT:
            continue
        add(
            r["unit_id"],
            reports_submitted=r["n"],
            reports_on_time=r["n"] - r["late"],
            reports_late=r["late"],
            reports_returned=r["n"] if r["then"] == WeeklyProgress.Status.RETURNED else 0,
            reports_accepted=r["n"] if r["then"] == WeeklyProgress.Status.ACCEPTED else 0,
        )
    for unit_id in unit_ids:
        row = rows[unit_id]
        row["reports_due"] = len(weeks)
        row["reports_missing"] = max(len(weeks) - row["reports_submitted"], 0)

    # Key tasks by the status they had at the end of the period, by lead unit.
    tasks = (
        with_status(KeyTask.objects.filter(campaign=campaign), today=end)
        .values("lead_unit_id", "status")
        .annotate(n=Count("id"))
        .order_by()
    )
    for t in tasks:
        add(t["lead_unit_id"], **{f"tasks_{t['status']}": t["n"]})

    # Problems by the day they were found; rectified and open as they stood at the period's
    # end (a past period reads the dated closures, so a later sign-off or reopening leaves it).
    before = start - dt.timedelta(days=1)
    problem_closed_end, problem_closed_before = problem_closed_q(end), problem_closed_q(before)
    problems = (
        Problem.objects.filter(campaign=campaign, found_on__lte=end)
        .values("unit_id")
        .annotate(
            found=Count("id", filter=Q(found_on__gte=start)),
            closed=Count("id", filter=problem_closed_end & ~problem_closed_before),
            open=Count("id", filter=~problem_closed_end),
        )
        .order_by()
    )
    for p in problems:
        add(p["unit_id"], problems_found=p["found"], problems_closed=p["closed"], problems_open=p["open"])

    # Measures grouped by their light at the period's end (on a past day a CASE over the dated
    # transitions, with a subquery for the expected-progress line: worked out once per measure).
    closed_before = closed_q(before)
    red_before = light_q(Light.RED, before, as_of=True)
    # A measure counts from its entry or its start, whichever is first (a ledger imported
    # late still lights its measures from the day they began).
    measures = (
        with_light(
            Measure.objects.filter(Q(created_at__lt=after) | Q(start_date__lte=end), problem__campaign=campaign),
            end,
        )
        .values("responsible_unit_id", "light")
        .annotate(
            n=Count("id"),
            found=Count("id", filter=Q(created_at__gte=first, created_at__lt=after)),
            # Of the closed: not yet closed the day before the period (closed in it).
            fresh=Count("id", filter=~closed_before),
            # Of the red: past the deadline it had at the end, not yet the day before.
            new_overdue=Count("id", filter=~red_before & ~closed_before),
        )
        .order_by()
    )
    for m in measures:
        light = m["light"]
        add(
            m["responsible_unit_id"],
            measures_found=m["found"],
            measures_closed=m["fresh"] if light == Light.CLOSED else 0,
            measures_new_overdue=m["new_overdue"] if light == Light.RED else 0,
            measures_overdue=m["n"] if light == Light.RED else 0,
            **{f"light_{light}": m["n"]},
        )

    closures = (
        # measures' and special-rectification tasks' closures alike, by the unit that asked
        Closure.objects.filter(
            unit__campaign=campaign,
            # A sign-off reopened later was a sign-off of its day all the same.
            status__in=(Closure.Status.SIGNED_OFF, Closure.Status.REOPENED),
            decided_at__gte=first,
            decided_at__lt=after,
        )
        .values("unit_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    for c in closures:
        add(c["unit_id"], closures_signed_off=c["n"])

    for model, key, date_filter in (
        (SiteVisit, "site_visits", {"visited_on__range": (start, end)}),
        (StudyActivity, "study_activities", {"date__range": (start, end)}),
        (
            ResearchActivity,
            "research_activities",
            {"completed_on__range": (start, end), "status": ResearchActivity.Status.COMPLETED},
        ),
    ):
        for r in (
            model.objects.filter(campaign=campaign, **date_filter).values("unit_id").annotate(n=Count("id")).order_by()
        ):
            add(r["unit_id"], **{key: r["n"]})

    public = PublicReport.objects.filter(campaign=campaign).aggregate(
        received=Count("id", filter=Q(received_at__gte=first, received_at__lt=after)),
        triaged=Count("id", filter=Q(triaged_at__gte=first, triaged_at__lt=after) & ~Q(triage=Triage.RECEIVED)),
    )

    overall = dict.fromkeys(FIGURES, 0)
    for row in rows.values():
        for key, value in row.items():
            overall[key] += value
    overall["public_reports_received"] = public["received"]
    overall["public_reports_triaged"] = public["triaged"]
    result = {unit_id: rows[unit_id] for unit_id in unit_ids}
    result[0] = overall
    return result


def _change(now: dict, before: dict | None) -> dict:
    if before is None:
        return {}
    return {key: now[key] - before.get(key, 0) for key in now if isinstance(now[key], int)}


def period_is_locked(*, campaign: Campaign, kind: str, start: dt.date) -> bool:
    return Summary.objects.filter(campaign=campaign, kind=kind, period_start=start, locked_at__isnull=False).exists()


def rollup_run(*, campaign: Campaign, kind: str, day: dt.date, by: User | None = None) -> RollupRun:
    """Compute the period of `kind` containing `day` and upsert its rows (one per active unit
    and one overall) where they changed. Records the run and the number of rows it wrote; a
    failure is recorded and raised again so that the scheduler can retry it."""
    start, end = period_of(kind, day)
    run = RollupRun.objects.create(campaign=campaign, kind=kind, period_start=start, started_by=by)
    try:
        with transaction.atomic():
            # Serialises runs and locks of the campaign's periods (a no-op lock on SQLite,
            # whose writers are serialised anyway).
            Campaign.objects.select_for_update().filter(pk=campaign.pk).exists()
            if period_is_locked(campaign=campaign, kind=kind, start=start):
                run.status = RollupRun.Status.SKIPPED
            else:
                run.rows = _upsert(campaign=campaign, kind=kind, start=start, end=end, run=run)
                run.status = RollupRun.Status.SUCCEEDED
    except Exception:
        run.status = RollupRun.Status.FAILED
        run.error = traceback.format_exc(limit=5)
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "error", "finished_at"])
        raise
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "rows", "finished_at"])
    return run


def _upsert(*, campaign: Campaign, kind: str, start: dt.date, end: dt.date, run: RollupRun | None = None) -> int:
    """Write the rows of the period whose figures (or change, or end) differ from the stored
    ones, and only those: a re-run that finds nothing new writes nothing, and a run after one
    late report rewrites that unit's row and the overall row, not one row per unit. Returns the
    number of rows written."""
    figures = compute_period(campaign=campaign, start=start, end=end)
    previous_start, _previous_end = previous_period(kind, start)
    stored: dict[dt.date, dict[int, tuple]] = {start: {}, previous_start: {}}
    # The period's rows and the previous period's (for the change), in one query.
    for period_start, unit_key, period_end, values, change in Summary.objects.filter(
        campaign=campaign, kind=kind, period_start__in=[start, previous_start]
    ).values_list("period_start", "unit_key", "period_end", "figures", "change"):
        stored[period_start][unit_key] = (period_end, values, change)
    before = {unit_key: values for unit_key, (_end, values, _change) in stored[previous_start].items()}
    new, changed = [], []
    for unit_id, values in figures.items():
        change = _change(values, before.get(unit_id))
        old = stored[start].get(unit_id)
        if old == (end, values, change):
            continue
        (changed if old else new).append((unit_id, values, change))
    now = timezone.now()
    if run is not None and changed:
        _record_changes(run=run, start=start, end=end, stored=stored[start], rows=changed)
    _insert_new(campaign=campaign, kind=kind, start=start, end=end, rows=new, now=now)
    if changed:
        Summary.objects.bulk_create(
            [_summary(campaign, kind, start, end, row, now) for row in changed],
            update_conflicts=True,
            unique_fields=["campaign", "kind", "period_start", "unit_key"],
            update_fields=["period_end", "figures", "change", "computed_at"],
        )
    return len(new) + len(changed)


def _record_changes(*, run: RollupRun, start: dt.date, end: dt.date, stored: dict, rows: list[tuple]) -> None:
    """Keep, for each stored figure a re-run changed, its from → to and the back-entries that
    explain it (records dated in the period but entered after its end)."""
    # Records entered since the period was last computed explain what moved.
    last = (
        RollupRun.objects.filter(
            campaign=run.campaign, kind=run.kind, period_start=start, status=RollupRun.Status.SUCCEEDED
        )
        .exclude(pk=run.pk)
        .order_by("-started_at")
        .values_list("started_at", flat=True)
        .first()
    )
    reasons = back_entries(campaign=run.campaign, start=start, end=end, since=last)
    changes = []
    for unit_id, values, _change in rows:
        _end, old, _old_change = stored[unit_id]
        for figure in FIGURES:
            before, after = old.get(figure, 0), values.get(figure, 0)
            if before == after:
                continue
            why = [
                text
                for (unit, key), texts in reasons.items()
                if key == figure and unit_id in (0, unit)
                for text in texts
            ]
            changes.append(
                RollupChange(
                    run=run,
                    campaign=run.campaign,
                    kind=run.kind,
                    period_start=start,
                    unit_id=unit_id or None,
                    figure=figure,
                    before=before,
                    after=after,
                    reasons=why[:20],
                )
            )
    RollupChange.objects.bulk_create(changes, batch_size=1000)


def back_entries(
    *, campaign: Campaign, start: dt.date, end: dt.date, since: dt.datetime | None = None
) -> dict[tuple[int, str], list[str]]:
    """Records dated in the period but entered after its end (and after `since`, when the
    period was last computed), by (unit id, figure), each as a sentence: what re-running a
    past period may change, and why."""
    after = max(end_of(end), since) if since else end_of(end)
    found: dict[tuple[int, str], list[str]] = defaultdict(list)
    problems = Problem.objects.filter(campaign=campaign, found_on__range=(start, end), created_at__gte=after).order_by(
        "found_on", "code"
    )
    for p in problems.values("unit_id", "code", "found_on", "created_at")[:200]:
        text = _("Problem %(code)s, found on %(found)s, was entered on %(entered)s.") % {
            "code": p["code"],
            "found": p["found_on"],
            "entered": timezone.localdate(p["created_at"]),
        }
        for figure in ("problems_found", "problems_open"):
            found[(p["unit_id"], figure)].append(text)
    dated = (
        (StudyActivity, "study_activities", "date", _("A study activity of %(day)s was entered on %(entered)s.")),
        (
            ResearchActivity,
            "research_activities",
            "completed_on",
            _("A research trip completed on %(day)s was recorded on %(entered)s."),
        ),
    )
    for model, figure, field, sentence in dated:
        field_of_entry = "updated_at" if model is ResearchActivity else "created_at"
        rows = model.objects.filter(
            campaign=campaign, **{f"{field}__range": (start, end), f"{field_of_entry}__gte": after}
        ).values("unit_id", field, field_of_entry)[:200]
        for r in rows:
            found[(r["unit_id"], figure)].append(
                sentence % {"day": r[field], "entered": timezone.localdate(r[field_of_entry])}
            )
    measures = Measure.objects.filter(
        problem__campaign=campaign, start_date__range=(start, end), created_at__gte=after
    ).select_related("problem")[:200]
    for m in measures:
        text = _("Measure %(code)s, started on %(day)s, was entered on %(entered)s.") % {
            "code": m.code,
            "day": m.start_date,
            "entered": timezone.localdate(m.created_at),
        }
        for light in Light.values:
            found[(m.responsible_unit_id, f"light_{light}")].append(text)
        found[(m.responsible_unit_id, "measures_overdue")].append(text)
    return found


def _summary(campaign: Campaign, kind: str, start: dt.date, end: dt.date, row: tuple, now: dt.datetime) -> Summary:
    unit_id, values, change = row
    return Summary(
        campaign=campaign,
        kind=kind,
        period_start=start,
        period_end=end,
        unit_id=unit_id or None,
        unit_key=unit_id,
        figures=values,
        change=change,
        computed_at=now,
    )


def _insert_new(
    *, campaign: Campaign, kind: str, start: dt.date, end: dt.date, rows: list[tuple], now: dt.datetime
) -> None:
    """Insert rows the period does not have yet (the caller holds the campaign's lock, so no
    other run can add them meanwhile; the unique key would refuse a double all the same).

    On PostgreSQL with COPY: the first run of a period writes one row per unit, and as one
    INSERT … VALUES that is megabytes of SQL to build in Python and parse in the server
    (~1.4 s for 10,001 rows, against ~0.3 s with COPY; bench/README.md)."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        Summary.objects.bulk_create([_summary(campaign, kind, start, end, row, now) for row in rows])
        return
    # COPY's text format: tab-separated, \N for NULL (the overall row's unit), backslashes
    # doubled (JSON of whole numbers has none, but nothing here relies on that).
    head, tail, null = f"{campaign.pk}\t{kind}\t{start}\t{end}\t", f"\t{now.isoformat()}\n", "\\N"

    def text(value: dict) -> str:
        return json.dumps(value).replace("\\", "\\\\")

    buffer = io.StringIO()
    for unit_id, values, change in rows:
        buffer.write(f"{head}{unit_id or null}\t{unit_id}\t{text(values)}\t{text(change)}{tail}")
    buffer.seek(0)
    fields = ["campaign", "kind", "period_start", "period_end", "unit", "unit_key", "figures", "change", "computed_at"]
    columns = ", ".join(Summary._meta.get_field(name).column for name in fields)
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(f"COPY {Summary._meta.db_table} ({columns}) FROM STDIN", buffer)


def rollup_scheduled(*, kind: str, day: dt.date | None = None) -> list[RollupRun]:
    """What beat calls: the period containing `day` (default today; for the monthly summary,
    which runs on the first of the month, yesterday's month) for every campaign running then.

    The period before it is recomputed too, unless it is locked, so that what arrived late
    (a report after the weekly run, a closure signed off after 21:00) is in the stored rows
    without anyone having to re-run it by hand."""
    today = day or timezone.localdate()
    if kind == Summary.Kind.MONTHLY and day is None:
        today -= dt.timedelta(days=1)
    previous, _end = previous_period(kind, period_of(kind, today)[0])
    campaigns = Campaign.objects.filter(start_date__lte=today, end_date__gte=today - dt.timedelta(days=31))
    runs, failed = [], []
    for campaign in campaigns:
        days = [previous] if previous >= period_of(kind, campaign.start_date)[0] else []
        # Each period is tried on its own: the previous one failing (its failure recorded on
        # its run) does not keep today's from being computed.
        for period_day in [*days, today]:
            try:
                runs.append(rollup_run(campaign=campaign, kind=kind, day=period_day))
            except Exception as exc:
                failed.append(f"{campaign.pk} {kind} {period_of(kind, period_day)[0]}: {exc!r}")
    if failed:
        raise RollupFailed(failed, runs)
    return runs


class RollupFailed(Exception):
    """Some periods of a scheduled run failed (each recorded on its RollupRun); the others were
    computed all the same (`runs`)."""

    def __init__(self, failed: list[str], runs: list[RollupRun]):
        super().__init__("; ".join(failed))
        self.runs = runs


def rollup_runs_sweep(*, now: dt.datetime | None = None) -> list[RollupRun]:
    """Runs left "running" longer than ROLLUP_RUN_TIMEOUT were left by a dead worker (a run is
    one transaction that either commits or vanishes): mark them failed as abandoned, and queue
    their period again unless a run of it started since has succeeded or is still running.
    Returns the abandoned runs. Beat calls this every five minutes."""
    now = now or timezone.now()
    stale_before = now - dt.timedelta(seconds=settings.ROLLUP_RUN_TIMEOUT)
    with transaction.atomic():
        stale = list(
            RollupRun.objects.select_for_update(skip_locked=True).filter(
                status=RollupRun.Status.RUNNING, started_at__lt=stale_before
            )
        )
        if not stale:
            return []
        error = _("Abandoned: still running after %(minutes)d minutes, its worker is gone; the period is run again.")
        for run in stale:  # saved one by one, so that the run's history shows the change
            run.status = RollupRun.Status.FAILED
            run.error = error % {"minutes": settings.ROLLUP_RUN_TIMEOUT // 60}
            run.finished_at = now
            run.save(update_fields=["status", "error", "finished_at"])
        periods = {(run.campaign_id, run.kind, run.period_start): run for run in stale}
        for (campaign_id, kind, start), run in periods.items():
            redone = RollupRun.objects.filter(
                campaign_id=campaign_id,
                kind=kind,
                period_start=start,
                started_at__gt=run.started_at,
                status__in=(RollupRun.Status.SUCCEEDED, RollupRun.Status.SKIPPED, RollupRun.Status.RUNNING),
            ).exists()
            if not redone:
                outbox_enqueue(
                    task="reporting.tasks.run_rollup_period",
                    campaign_id=campaign_id,
                    kind=kind,
                    day=start.isoformat(),
                )
    return stale


@transaction.atomic
def period_lock(*, campaign: Campaign, kind: str, start: dt.date, by: User) -> int:
    """Lock a computed period once it is reported upward: its numbers never change again."""
    require_office(by, _("lock a period"))
    Campaign.objects.select_for_update().filter(pk=campaign.pk).exists()
    rows = Summary.objects.filter(campaign=campaign, kind=kind, period_start=start)
    if not rows.exists():
        raise ValidationError(_("This period has not been computed yet; run it before locking it."))
    return rows.filter(locked_at__isnull=True).update(locked_at=timezone.now())


@transaction.atomic
def period_unlock(*, campaign: Campaign, kind: str, start: dt.date, by: User) -> int:
    """Unlock a period so that it can be recomputed (the office's deliberate decision)."""
    require_office(by, _("unlock a period"))
    Campaign.objects.select_for_update().filter(pk=campaign.pk).exists()
    return Summary.objects.filter(campaign=campaign, kind=kind, period_start=start).update(locked_at=None)
