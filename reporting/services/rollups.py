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
import logging
from collections import defaultdict
from contextlib import contextmanager

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from campaign.jobs import job_failure_notify
from campaign.models import Campaign, Unit, User
from campaign.outbox import outbox_enqueue
from campaign.services import require_office
from rectification.models import Measure, Problem
from rectification.selectors import end_of
from reporting.figures import rollups as declared
from reporting.models import RollupChange, RollupRun, Summary
from reporting.periods import period_of, previous_period
from tasks.models import ResearchActivity, StudyActivity

logger = logging.getLogger(__name__)

Light = Measure.Light

# Every figure a summary row carries, in the order pages and exports show them, and what each is
# called: the roll-up columns' declarations (reporting/figures/rollups.py).
FIGURES = [column.key for column in declared.COLUMNS]
LABELS = {column.key: column.label for column in declared.COLUMNS}
# Figures that belong to no unit: only the overall row has them.
OVERALL_ONLY = {column.key for column in declared.COLUMNS if column.overall_only}


def _bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The period as [first moment, first moment after) in the campaign's time zone."""
    first = timezone.make_aware(dt.datetime.combine(start, dt.time.min))
    after = timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min))
    return first, after


_due_weeks = declared.due_weeks


def count_family(
    family: declared.Family,
    columns: list[declared.Column],
    *,
    campaign: Campaign,
    start: dt.date,
    end: dt.date,
    days: dict | None = None,
) -> list[dict]:
    """The columns of one family counted per unit in one grouped query: each column's count keeps
    to the rows its list shows with its filters (`ListFilters.where`: the same conditions `apply`
    filters the list with). The filters every column shares narrow the rows first."""
    days = days or declared.period_days(campaign, start, end)
    params = {column.key: column.params(campaign, start, end, days=days) for column in columns}
    shared = {
        name: value
        for name, value in params[columns[0].key].items()
        if name != "campaign" and all(p.get(name) == value for p in params.values())
    }
    rows = family.list_filters.apply(family.model._default_manager.all(), {"campaign": str(campaign.pk)})
    rows, condition = family.list_filters.where(rows, shared)
    rows = rows.filter(condition)
    counts, first_of = {}, {}
    own = {column.key: _own(params[column.key], shared) for column in columns}
    for column in columns:
        # Two columns with the same filters (overdue measures, red lights) are one count.
        if first_of.setdefault(own[column.key], column.key) != column.key:
            continue
        rows, condition = family.list_filters.where(rows, dict(own[column.key]))
        counts[column.key] = Count("pk", filter=condition) if condition else Count("pk")
    copies = {column.key: first_of[own[column.key]] for column in columns}
    if family.unit_path is None:
        counted = [{"unit_id": None, **rows.order_by().aggregate(**counts)}]
    else:
        unit = f"{family.unit_path}_id"
        counted = [{"unit_id": row.pop(unit), **row} for row in rows.order_by().values(unit).annotate(**counts)]
    return [{"unit_id": row["unit_id"], **{key: row[first] for key, first in copies.items()}} for row in counted]


def _own(params: dict, shared: dict) -> tuple:
    """A column's own filters: those not shared by its whole family, as a hashable key."""
    return tuple(sorted((name, value) for name, value in params.items() if name != "campaign" and name not in shared))


def without_jit() -> None:
    """Turn PostgreSQL's JIT compiler off for the rest of the transaction. A family's grouped count
    carries every column's conditions (with their subqueries), which the planner costs far above
    the JIT thresholds: compiling them took 2.0 of the 2.3 s of the measures' count at 2,000 units,
    to save a few milliseconds of execution (bench/README.md)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")


def compute_period(*, campaign: Campaign, start: dt.date, end: dt.date) -> dict[int, dict[str, int]]:
    """The figures of a period by unit id (0 = overall), from source rows, as its columns declare
    them (reporting/figures/rollups.py).

    A fixed number of queries whatever the number of units and records: one GROUP BY unit per
    family of columns. Records of the city level (no unit) count in the overall row only."""
    unit_ids = list(Unit.objects.filter(campaign=campaign, is_active=True).values_list("id", flat=True))
    rows: dict[int | None, dict[str, int]] = defaultdict(lambda: dict.fromkeys(FIGURES, 0))
    public: dict[str, int] = {}
    weeks = declared.due_weeks(campaign, start, end)
    days = declared.period_days(campaign, start, end, weeks=weeks)
    with transaction.atomic(savepoint=False):
        without_jit()
        for family, columns in declared.families():
            for counted in count_family(family, columns, campaign=campaign, start=start, end=end, days=days):
                unit_id = counted.pop("unit_id")
                if family.unit_path is None:
                    public.update(counted)
                    continue
                row = rows[unit_id]
                for key, value in counted.items():
                    row[key] += value or 0

    # A unit owes one report per week due in the period; what it has not submitted is missing.
    for unit_id in unit_ids:
        row = rows[unit_id]
        row["reports_due"] = len(weeks)
        row["reports_missing"] = max(len(weeks) - row["reports_submitted"], 0)

    overall = dict.fromkeys(FIGURES, 0)
    for row in rows.values():
        for key, value in row.items():
            overall[key] += value
    overall.update(public)
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
    with _alive(run):
        return _rollup_run(run=run, campaign=campaign, kind=kind, start=start, end=end)


def _run_lock_key(run: RollupRun) -> int:
    # Negative keys: the app takes no other advisory lock, and a run's id is never negative.
    return -run.pk


@contextmanager
def _alive(run: RollupRun):
    """While the run works, its session holds a PostgreSQL advisory lock named after it. The
    lock goes with the session: a worker killed, or its connection cut, releases it at once,
    which is how the sweep tells a dead run from a slow one (elsewhere, by ROLLUP_RUN_TIMEOUT)."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [_run_lock_key(run)])
    try:
        yield
    finally:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [_run_lock_key(run)])
        except DatabaseError:
            # The connection is broken: closed, the session ends and the lock with it.
            if not connection.in_atomic_block:
                connection.close()


def _nobody_runs(run: RollupRun) -> bool:
    """PostgreSQL only: no session holds the run's lock (held by this transaction until it ends)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [_run_lock_key(run)])
        return cursor.fetchone()[0]


def _rollup_run(*, run: RollupRun, campaign: Campaign, kind: str, start: dt.date, end: dt.date) -> RollupRun:
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
    except Exception as exc:
        # The page shows what failed; the traceback goes to the log, and the office is told.
        logger.exception("Roll-up %s of %s (campaign %s) failed.", kind, start, campaign.pk)
        run.status = RollupRun.Status.FAILED
        run.error = f"{type(exc).__name__}: {exc}"[:2000]
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "error", "finished_at"])
        _tell_office(run, reason=run.error)
        raise
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "rows", "finished_at"])
    return run


def _tell_office(run: RollupRun, *, reason: str) -> None:
    """A failed or stuck run is a notice to the office: once per period and day."""
    job = _("Roll-up %(kind)s from %(start)s") % {"kind": run.get_kind_display(), "start": run.period_start}
    job_failure_notify(
        key=f"rollup:{run.campaign_id}:{run.kind}:{run.period_start}:{timezone.localdate():%Y-%m-%d}",
        job=job,
        reason=reason,
        path=reverse("reporting-rollups"),
    )


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
    """Runs left "running" by a dead worker (a run is one transaction that either commits or
    vanishes): mark them failed as abandoned, and queue their period again unless a run of it
    started since has succeeded or is still running. Returns the abandoned runs. Beat calls this
    every five minutes.

    On PostgreSQL a run is dead when no session holds its lock (`_alive`) and it started more
    than ROLLUP_RUN_GRACE seconds ago (the moment between writing the record and taking the
    lock); a slow run, or one waiting for another, is left alone however long it takes.
    Elsewhere a run still "running" after ROLLUP_RUN_TIMEOUT is taken for dead."""
    now = now or timezone.now()
    on_postgresql = connection.vendor == "postgresql"
    wait = settings.ROLLUP_RUN_GRACE if on_postgresql else settings.ROLLUP_RUN_TIMEOUT
    stale_before = now - dt.timedelta(seconds=wait)
    with transaction.atomic():
        stale = [
            run
            for run in RollupRun.objects.select_for_update(skip_locked=True).filter(
                status=RollupRun.Status.RUNNING, started_at__lt=stale_before
            )
            if not on_postgresql or _nobody_runs(run)
        ]
        if not stale:
            return []
        error = _("Abandoned: its worker is gone (the run stopped without finishing); the period is run again.")
        for run in stale:  # saved one by one, so that the run's history shows the change
            run.status = RollupRun.Status.FAILED
            run.error = error
            run.finished_at = now
            run.save(update_fields=["status", "error", "finished_at"])
        for run in stale:
            _tell_office(run, reason=run.error)
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
