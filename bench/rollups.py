"""Roll-ups against their floor: the weekly and monthly roll-up of a period, timed, beside one
hand-written SQL aggregate query that computes the same per-unit numbers over the same tables.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/campaign_bench .venv/bin/python bench/rollups.py
    .venv/bin/python bench/rollups.py --databases postgres://…/campaign_bench_1k postgres://…/campaign_bench

Measured for the latest campaign of the database: the weekly roll-up of its 2nd and of its last
generated week (so week 26 against week 2 shows whether the cost follows the period's rows or
the whole history) and the monthly roll-up of its last full month. For each: `compute_period`
(the aggregate queries and the Python that merges them); `rollup_run` twice over — its first run
of the period (the period's rows deleted, untimed, before each call: every row is written) and a
re-run with nothing new (the rows compared with the stored ones, none written) — each with the
run record; and the floor. The floor's numbers are checked against the roll-up's, so the
comparison is between two computations of the same thing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import emit, machine, run_children, setup_django, stats, table, timed

TARGET_RATIO = 2.0


def _param(value, vendor: str):
    if vendor != "postgresql" and isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).replace(tzinfo=None).isoformat(" ")
    if vendor != "postgresql" and isinstance(value, dt.date):
        return value.isoformat()
    return value


FLOOR_SQL = """
WITH
rep_then AS (
    -- Each report's status at the period's end: the current one when nothing moved it since,
    -- else its latest transition by then.
    SELECT r.unit_id, r.is_late,
           CASE WHEN r.submitted_at < %(after)s AND (r.reviewed_at IS NULL OR r.reviewed_at < %(after)s)
                THEN r.status
                ELSE COALESCE((SELECT t.to_status FROM tasks_reporttransition t
                               WHERE t.report_id = r.id AND t.at < %(after)s
                               ORDER BY t.at DESC, t.id DESC LIMIT 1), 'draft') END AS st
    FROM tasks_weeklyprogress r
    WHERE r.week_start IN ({weeks}) AND r.unit_id IN (SELECT id FROM campaign_unit WHERE campaign_id = %(c)s)
),
rep AS (
    SELECT unit_id,
           COUNT(*) FILTER (WHERE st <> 'draft') AS submitted,
           COUNT(*) FILTER (WHERE st <> 'draft' AND NOT is_late) AS on_time,
           COUNT(*) FILTER (WHERE st <> 'draft' AND is_late) AS late,
           COUNT(*) FILTER (WHERE st = 'returned') AS returned,
           COUNT(*) FILTER (WHERE st = 'accepted') AS accepted
    FROM rep_then GROUP BY unit_id
),
task AS (
    SELECT lead_unit_id AS unit_id,
           CASE WHEN reported = 'done' THEN 'done'
                WHEN deadline < %(end)s THEN 'overdue'
                WHEN reported IS NOT NULL THEN 'in_progress'
                ELSE 'not_started' END AS status
    FROM (
        SELECT k.lead_unit_id, k.deadline,
               (SELECT i.status FROM tasks_progressitem i
                JOIN tasks_weeklyprogress r ON r.id = i.report_id
                WHERE i.key_task_id = k.id AND r.unit_id = k.lead_unit_id
                  AND r.status IN ('submitted', 'accepted', 'returned')
                  AND (NOT %(past)s OR r.first_submitted_at < %(after)s)
                ORDER BY r.week_start DESC LIMIT 1) AS reported
        FROM tasks_keytask k WHERE k.campaign_id = %(c)s
    ) latest
),
tasks AS (
    SELECT unit_id,
           COUNT(*) FILTER (WHERE status = 'not_started') AS not_started,
           COUNT(*) FILTER (WHERE status = 'in_progress') AS in_progress,
           COUNT(*) FILTER (WHERE status = 'done') AS done,
           COUNT(*) FILTER (WHERE status = 'overdue') AS overdue
    FROM task GROUP BY unit_id
),
-- Measures whose signed-off closure was reopened later: closed at the end / the day before.
reop_end AS (
    SELECT measure_id FROM rectification_closure
    WHERE status = 'reopened' AND decided_at < %(after)s AND reopened_at >= %(after)s
),
reop_before AS (
    SELECT measure_id FROM rectification_closure
    WHERE status = 'reopened' AND decided_at < %(first)s AND reopened_at >= %(first)s
),
-- Problems rectified then and reopened since: a reopened closure, and every measure closed then.
prob_reop_end AS (
    SELECT p2.id FROM rectification_problem p2
    WHERE p2.id IN (SELECT m.problem_id FROM rectification_measure m WHERE m.id IN (SELECT measure_id FROM reop_end))
      AND NOT EXISTS (SELECT 1 FROM rectification_measure m2 WHERE m2.problem_id = p2.id
                      AND NOT (COALESCE(m2.closed_at < %(after)s, false) OR m2.id IN (SELECT measure_id FROM reop_end)))
),
prob_reop_before AS (
    SELECT p2.id FROM rectification_problem p2
    WHERE p2.id IN (SELECT m.problem_id FROM rectification_measure m
                    WHERE m.id IN (SELECT measure_id FROM reop_before))
      AND NOT EXISTS (SELECT 1 FROM rectification_measure m2 WHERE m2.problem_id = p2.id
                      AND NOT (COALESCE(m2.closed_at < %(first)s, false)
                               OR m2.id IN (SELECT measure_id FROM reop_before)))
),
prob_then AS (
    SELECT unit_id, found_on,
           COALESCE(closed_at < %(after)s, false) OR id IN (SELECT id FROM prob_reop_end) AS closed_end,
           COALESCE(closed_at < %(first)s, false) OR id IN (SELECT id FROM prob_reop_before) AS closed_before
    FROM rectification_problem
    WHERE campaign_id = %(c)s AND found_on <= %(end)s
),
prob AS (
    SELECT unit_id,
           COUNT(*) FILTER (WHERE found_on >= %(start)s) AS found,
           COUNT(*) FILTER (WHERE closed_end AND NOT closed_before) AS closed,
           COUNT(*) FILTER (WHERE NOT closed_end) AS open
    FROM prob_then GROUP BY unit_id
),
-- Extensions approved after a day did not count on it.
ext_end AS (
    SELECT measure_id FROM rectification_extension
    WHERE status = 'approved' AND decided_at >= %(after)s AND old_deadline < %(end)s
),
ext_before AS (
    SELECT measure_id FROM rectification_extension
    WHERE status = 'approved' AND decided_at >= %(first)s AND old_deadline < %(day_before)s
),
-- Missed the last round closed out by the end, with no entry since its due day.
missed AS (
    SELECT dm.measure_id FROM rectification_dispatchmiss dm
    JOIN rectification_dispatchround r ON r.id = dm.round_id
    WHERE r.closed_out_at < %(after)s
      AND NOT EXISTS (SELECT 1 FROM rectification_dispatchround r2 WHERE r2.campaign_id = r.campaign_id
                      AND r2.number > r.number AND r2.closed_out_at < %(after)s)
      AND NOT EXISTS (SELECT 1 FROM rectification_measureprogress e WHERE e.measure_id = dm.measure_id
                      AND e.reported_on > r.due_on AND e.reported_on <= %(end)s)
),
meas_then AS (
    SELECT m.responsible_unit_id AS unit_id, m.created_at,
           COALESCE(m.closed_at < %(after)s, false) OR m.id IN (SELECT measure_id FROM reop_end) AS closed_end,
           COALESCE(m.closed_at < %(first)s, false) OR m.id IN (SELECT measure_id FROM reop_before) AS closed_before,
           m.deadline < %(end)s OR m.id IN (SELECT measure_id FROM ext_end) AS red_end,
           m.deadline < %(day_before)s OR m.id IN (SELECT measure_id FROM ext_before) AS red_before,
           CASE WHEN (m.last_progress_on IS NULL OR m.last_progress_on <= %(end)s) AND m.extension_count = 0
                THEN m.on_track_until < %(end)s
                ELSE COALESCE((SELECT e.on_track_until FROM rectification_measureprogress e
                               WHERE e.measure_id = m.id AND e.reported_on <= %(end)s
                               ORDER BY e.reported_on DESC, e.id DESC LIMIT 1), m.start_date) < %(end)s
           END OR m.id IN (SELECT measure_id FROM missed) AS behind
    FROM rectification_measure m JOIN rectification_problem p ON p.id = m.problem_id
    WHERE p.campaign_id = %(c)s AND (m.created_at < %(after)s OR m.start_date <= %(end)s)
),
meas AS (
    SELECT unit_id,
           COUNT(*) FILTER (WHERE created_at >= %(first)s AND created_at < %(after)s) AS found,
           COUNT(*) FILTER (WHERE closed_end AND NOT closed_before) AS closed,
           COUNT(*) FILTER (WHERE NOT closed_end AND red_end AND NOT red_before AND NOT closed_before)
               AS new_overdue,
           COUNT(*) FILTER (WHERE NOT closed_end AND NOT red_end AND NOT behind) AS green,
           COUNT(*) FILTER (WHERE NOT closed_end AND NOT red_end AND behind) AS yellow,
           COUNT(*) FILTER (WHERE NOT closed_end AND red_end) AS red,
           COUNT(*) FILTER (WHERE closed_end) AS closed_light
    FROM meas_then GROUP BY unit_id
),
clos AS (
    SELECT m.responsible_unit_id AS unit_id, COUNT(*) AS n
    FROM rectification_closure c JOIN rectification_measure m ON m.id = c.measure_id
    JOIN rectification_problem p ON p.id = m.problem_id
    WHERE p.campaign_id = %(c)s AND c.status IN ('signed_off', 'reopened')
      AND c.decided_at >= %(first)s AND c.decided_at < %(after)s
    GROUP BY m.responsible_unit_id
),
visit AS (
    SELECT unit_id, COUNT(*) AS n FROM rectification_sitevisit
    WHERE campaign_id = %(c)s AND visited_on BETWEEN %(start)s AND %(end)s GROUP BY unit_id
),
study AS (
    SELECT unit_id, COUNT(*) AS n FROM tasks_studyactivity
    WHERE campaign_id = %(c)s AND date BETWEEN %(start)s AND %(end)s GROUP BY unit_id
),
research AS (
    SELECT unit_id, COUNT(*) AS n FROM tasks_researchactivity
    WHERE campaign_id = %(c)s AND status = 'completed' AND completed_on BETWEEN %(start)s AND %(end)s
    GROUP BY unit_id
)
SELECT u.id,
       COALESCE(rep.submitted, 0), COALESCE(rep.on_time, 0), COALESCE(rep.late, 0),
       COALESCE(rep.returned, 0), COALESCE(rep.accepted, 0),
       COALESCE(tasks.not_started, 0), COALESCE(tasks.in_progress, 0), COALESCE(tasks.done, 0),
       COALESCE(tasks.overdue, 0),
       COALESCE(prob.found, 0), COALESCE(prob.closed, 0), COALESCE(prob.open, 0),
       COALESCE(meas.found, 0), COALESCE(meas.closed, 0), COALESCE(meas.red, 0), COALESCE(meas.new_overdue, 0),
       COALESCE(meas.green, 0), COALESCE(meas.yellow, 0), COALESCE(meas.red, 0), COALESCE(meas.closed_light, 0),
       COALESCE(clos.n, 0), COALESCE(visit.n, 0), COALESCE(study.n, 0), COALESCE(research.n, 0),
       (SELECT COUNT(*) FROM rectification_publicreport
        WHERE campaign_id = %(c)s AND received_at >= %(first)s AND received_at < %(after)s),
       (SELECT COUNT(*) FROM rectification_publicreport
        WHERE campaign_id = %(c)s AND triaged_at >= %(first)s AND triaged_at < %(after)s AND triage <> 'received')
FROM campaign_unit u
LEFT JOIN rep ON rep.unit_id = u.id
LEFT JOIN tasks ON tasks.unit_id = u.id
LEFT JOIN prob ON prob.unit_id = u.id
LEFT JOIN meas ON meas.unit_id = u.id
LEFT JOIN clos ON clos.unit_id = u.id
LEFT JOIN visit ON visit.unit_id = u.id
LEFT JOIN study ON study.unit_id = u.id
LEFT JOIN research ON research.unit_id = u.id
WHERE u.campaign_id = %(c)s AND u.is_active
"""

FLOOR_FIGURES = [
    "reports_submitted", "reports_on_time", "reports_late", "reports_returned", "reports_accepted",
    "tasks_not_started", "tasks_in_progress", "tasks_done", "tasks_overdue",
    "problems_found", "problems_closed", "problems_open",
    "measures_found", "measures_closed", "measures_overdue", "measures_new_overdue",
    "light_green", "light_yellow", "light_red", "light_closed",
    "closures_signed_off", "site_visits", "study_activities", "research_activities",
]  # fmt: skip


def floor(*, campaign, start: dt.date, end: dt.date) -> dict[int, dict[str, int]]:
    """The same per-unit figures as `compute_period`, in one SQL statement."""
    from django.db import connection
    from django.utils import timezone

    from reporting.services.rollups import _bounds, _due_weeks

    vendor = connection.vendor
    first, after = _bounds(start, end)
    weeks = _due_weeks(campaign, start, end)
    week_marks = ", ".join(f"%(w{i})s" for i in range(len(weeks))) or "NULL"
    params = {
        "c": campaign.pk,
        "start": start,
        "end": end,
        "day_before": start - dt.timedelta(days=1),
        "past": end < timezone.localdate(),
        "first": first,
        "after": after,
        **{f"w{i}": week for i, week in enumerate(weeks)},
    }
    params = {k: _param(v, vendor) for k, v in params.items()}
    sql = FLOOR_SQL.format(weeks=week_marks)
    if vendor != "postgresql":
        sql = sql.replace("NOT is_late", "is_late = 0").replace("AND is_late)", "AND is_late = 1)")
        sql = sql.replace("NOT m.missed_last_round", "m.missed_last_round = 0").replace(
            "u.is_active", "u.is_active = 1"
        )
    from django.db import transaction

    from reporting.services.rollups import without_jit

    # Without PostgreSQL's JIT, as the roll-up runs: compiling the statement's many conditions
    # costs seconds and saves milliseconds (bench/README.md, section 2).
    with transaction.atomic(), connection.cursor() as cursor:
        without_jit()
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    result = {}
    for row in rows:
        values = dict(zip(FLOOR_FIGURES, row[1:25], strict=True))
        values["reports_due"] = len(weeks)
        values["reports_missing"] = max(len(weeks) - values["reports_submitted"], 0)
        result[row[0]] = values
    if rows:
        result[0] = {"public_reports_received": rows[0][25], "public_reports_triaged": rows[0][26]}
    return result


def _same(rollup: dict, floor_rows: dict) -> bool:
    for unit_id, values in floor_rows.items():
        mine = rollup.get(unit_id)
        if mine is None or any(mine[k] != v for k, v in values.items()):
            return False
    return len([k for k in rollup if k]) == len([k for k in floor_rows if k])


def measure(*, runs: int = 5, warmup: int = 1) -> dict:
    """Time the roll-ups of the latest campaign's week 2, last week and last full month."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from campaign.models import Campaign, Unit
    from reporting.models import Summary
    from reporting.periods import period_of
    from reporting.services.rollups import compute_period, rollup_run

    campaign = Campaign.objects.order_by("-start_date", "-batch", "-pk").first()
    if campaign is None:
        raise SystemExit("No campaign: run `manage.py generate_scale` first.")
    units = Unit.objects.filter(campaign=campaign).count()
    # The generated weeks: from the campaign's start to the week before this one.
    from django.utils import timezone

    today = timezone.localdate()
    last_monday = today - dt.timedelta(days=today.weekday() + 7)
    week_count = (last_monday - campaign.start_date).days // 7 + 1
    periods = [
        ("weekly", "week 2", campaign.start_date + dt.timedelta(weeks=1)),
        ("weekly", f"week {week_count}", last_monday),
    ]
    month_start, month_end = period_of("monthly", last_monday)
    if month_end >= today or month_start < campaign.start_date:
        month_start, _e = period_of("monthly", month_start - dt.timedelta(days=1))
    periods.append(("monthly", f"month {month_start:%Y-%m}", month_start))

    rows = []
    for kind, label, day in periods:
        start, end = period_of(kind, day)
        floor_ms = timed(lambda s=start, e=end: floor(campaign=campaign, start=s, end=e), runs=runs, warmup=warmup)
        compute_ms = timed(
            lambda s=start, e=end: compute_period(campaign=campaign, start=s, end=e), runs=runs, warmup=warmup
        )
        stored = Summary.objects.filter(campaign=campaign, kind=kind, period_start=start)
        first_ms, first_rows = [], 0
        for i in range(warmup + runs):
            stored.filter(locked_at__isnull=True).delete()  # untimed: the period as before its first run
            started = time.perf_counter()
            first_rows = rollup_run(campaign=campaign, kind=kind, day=day).rows
            if i >= warmup:
                first_ms.append((time.perf_counter() - started) * 1000)
        run_ms = timed(lambda k=kind, d=day: rollup_run(campaign=campaign, kind=k, day=d), runs=runs, warmup=warmup)
        with CaptureQueriesContext(connection) as ctx:
            rerun_rows = rollup_run(campaign=campaign, kind=kind, day=day).rows
        same = _same(
            compute_period(campaign=campaign, start=start, end=end), floor(campaign=campaign, start=start, end=end)
        )
        f, c, w, r = stats(floor_ms), stats(compute_ms), stats(first_ms), stats(run_ms)
        rows.append(
            {
                "kind": kind,
                "period": label,
                "start": start.isoformat(),
                "summary_rows": stored.count(),
                "floor_ms": f["median_ms"],
                "compute_ms": c["median_ms"],
                "first_run_ms": w["median_ms"],
                "first_run_rows": first_rows,
                "rollup_run_ms": r["median_ms"],
                "rerun_rows": rerun_rows,
                "compute_ratio": round(c["median_ms"] / f["median_ms"], 2) if f["median_ms"] else None,
                "first_run_ratio": round(w["median_ms"] / f["median_ms"], 2) if f["median_ms"] else None,
                "run_ratio": round(r["median_ms"] / f["median_ms"], 2) if f["median_ms"] else None,
                "queries": len(ctx.captured_queries),
                "same_numbers": same,
            }
        )
    weekly = [r for r in rows if r["kind"] == "weekly"]
    growth = round(weekly[1]["rollup_run_ms"] / weekly[0]["rollup_run_ms"], 2) if weekly[0]["rollup_run_ms"] else None
    first_growth = (
        round(weekly[1]["first_run_ms"] / weekly[0]["first_run_ms"], 2) if weekly[0]["first_run_ms"] else None
    )
    return {
        "campaign": campaign.pk,
        "units": units,
        "weeks": week_count,
        "runs": runs,
        "periods": rows,
        "last_week_over_week2": growth,
        "last_week_over_week2_first_run": first_growth,
        "target_ratio": TARGET_RATIO,
        "machine": machine(),
    }


def print_result(results: list[dict]) -> None:
    headers = ["units", "period", "floor ms", "compute ms", "compute/floor", "first run ms", "first/floor",
               "rows", "re-run ms", "re-run/floor", "rows", "queries", "same numbers"]  # fmt: skip
    body = []
    for res in results:
        for p in res["periods"]:
            body.append(
                [res["units"], p["period"], p["floor_ms"], p["compute_ms"], p["compute_ratio"], p["first_run_ms"],
                 p["first_run_ratio"], p["first_run_rows"], p["rollup_run_ms"], p["run_ratio"], p["rerun_rows"],
                 p["queries"], "yes" if p["same_numbers"] else "NO"]
            )  # fmt: skip
    print(table(headers, body))
    for res in results:
        print(
            f"{res['units']} units: week {res['weeks']} / week 2 = {res['last_week_over_week2_first_run']}× "
            f"(first run), {res['last_week_over_week2']}× (re-run)"
        )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--databases", nargs="*", default=[], help="Run once per database URL, side by side.")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.databases:
        results = run_children(__file__, args.databases, ["--runs", str(args.runs)])
        print_result(results)
        emit("rollups", {"results": results})
        return 0
    setup_django()
    result = measure(runs=args.runs)
    if not args.child:
        print_result([result])
    emit("rollups", result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
