"""The copy-paste check's database time per report (issue 14: under 20 ms at 10,000 units).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/campaign_bench .venv/bin/python bench/check.py --reports 50
    DATABASE_URL=… .venv/bin/python bench/check.py --reports 50 --reset-week --prefill 0.6

Runs `report_flag_similar` — what the check worker runs after a submission — on a sample of
reports of one week, each inside a transaction that is rolled back (the database is left as it
was), and times every SQL statement it sends with `connection.execute_wrapper`: the time from
sending a statement to having its rows, i.e. PostgreSQL's time plus the loopback round trip.
Printed per check: statements, their total time, the candidate lookup's time (the statement
reading the reports that share a band), the reports compared, and the whole check's wall time
(database + Python). Then `EXPLAIN (ANALYZE, BUFFERS)` of one candidate lookup.

The week is the current one if it has reported reports (`--prefill` writes them, with their
texts and bands, as bench/load.py does), else the latest generated week, whose band rows
the generator wrote (pseudo-random keys: bench/README.md).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import emit, machine, setup_django, stats, table

TARGET_DB_MS = 20


class StatementTimer:
    """An execute wrapper that keeps each statement's milliseconds: wall time from the client
    (PostgreSQL's time, the round trip, and any wait for a CPU on a loaded machine) and, with
    `explain`, PostgreSQL's own planning + execution time of the same statement, from an
    `EXPLAIN (ANALYZE)` of it run first inside a savepoint that is rolled back."""

    def __init__(self, *, explain: bool = False):
        self.explain = explain
        self.statements: list[tuple[str, float, float | None]] = []

    def __call__(self, execute, sql, params, many, context):
        server = None
        if self.explain and not many and context["connection"].vendor == "postgresql":
            server = self._server_ms(context["connection"].connection, sql, params)
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.statements.append((sql, (time.perf_counter() - started) * 1000, server))

    @staticmethod
    def _server_ms(raw, sql: str, params) -> float:
        with raw.cursor() as cursor:
            cursor.execute("SAVEPOINT bench_explain")
            cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", params)
            plan = cursor.fetchone()[0][0]
            cursor.execute("ROLLBACK TO SAVEPOINT bench_explain")
        return plan.get("Planning Time", 0.0) + plan["Execution Time"]


def backend_cpu_ms() -> float:
    """CPU time (user + system) of this connection's PostgreSQL backend process so far."""
    import psutil
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    times = psutil.Process(pid).cpu_times()
    return (times.user + times.system) * 1000


def is_candidate_lookup(sql: str) -> bool:
    return "tasks_similarityband" in sql and "tasks_weeklyprogress" in sql and sql.lstrip().startswith("SELECT")


def pick_reports(*, n: int, seed: int) -> tuple[str, list[int]]:
    from django.db.models import Exists, OuterRef

    from campaign.models import Campaign
    from tasks import weeks
    from tasks.models import SimilarityBand, WeeklyProgress
    from tasks.services.similarity import REPORTED

    campaign = Campaign.objects.order_by("-start_date", "-batch", "-pk").first()
    reported = WeeklyProgress.objects.filter(unit__campaign=campaign, status__in=REPORTED).filter(
        Exists(SimilarityBand.objects.filter(report=OuterRef("pk")))
    )
    week = weeks.current_week_start()
    if not reported.filter(week_start=week).exists():
        week = reported.order_by("-week_start").values_list("week_start", flat=True).first()
    ids = list(reported.filter(week_start=week).values_list("pk", flat=True))
    return week.isoformat(), sorted(random.Random(seed).sample(ids, k=min(n, len(ids))))


def _check(pk: int, *, explain: bool) -> tuple[StatementTimer, float]:
    """One check of report `pk`, rolled back; its statements and its wall milliseconds."""
    from django.db import connection, transaction

    from tasks.models import WeeklyProgress
    from tasks.services import similarity

    timer = StatementTimer(explain=explain)
    with transaction.atomic():
        report = WeeklyProgress.objects.select_related("unit").get(pk=pk)
        started = time.perf_counter()
        with connection.execute_wrapper(timer):
            similarity.report_flag_similar(report=report)
        wall = (time.perf_counter() - started) * 1000
        transaction.set_rollback(True)
    return timer, wall


def measure(*, reports: int = 30, seed: int = 3) -> dict:
    """Two passes over the same reports: the first times the checks as they run (wall time,
    client-side statement time, and the PostgreSQL backend's CPU time over the pass, divided
    by the checks), the second asks PostgreSQL for each statement's own time (EXPLAIN ANALYZE)."""
    from django.db import connection

    from tasks.models import SimilarityBand, WeeklyProgress
    from tasks.services import similarity

    week, ids = pick_reports(n=reports, seed=seed)
    compared: list[int] = []
    original = similarity.log.info

    def count_compared(message, *args):
        if "reports compared" in message:
            compared.append(args[1])
        original(message, *args)

    pg = connection.vendor == "postgresql"
    rows = []
    similarity.log.info = count_compared
    try:
        _check(ids[0], explain=False)  # warm-up
        cpu_before = backend_cpu_ms() if pg else 0.0
        for pk in ids:
            timer, wall = _check(pk, explain=False)
            rows.append(
                {
                    "report": pk,
                    "statements": len(timer.statements),
                    "client_ms": sum(ms for _sql, ms, _server in timer.statements),
                    "wall_ms": wall,
                    "compared": compared[-1] if compared else 0,
                }
            )
        cpu_ms = (backend_cpu_ms() - cpu_before) / len(ids) if pg and ids else None
        per_statement: dict[tuple[int, str], list[float]] = {}
        for row in rows if pg else []:
            timer, _wall = _check(row["report"], explain=True)
            row["server_ms"] = sum(server or 0.0 for _sql, _ms, server in timer.statements)
            row["lookup_ms"] = sum(server or 0.0 for sql, _ms, server in timer.statements if is_candidate_lookup(sql))
            for n, (sql, _ms, server) in enumerate(timer.statements):
                per_statement.setdefault((n, " ".join(sql.split())[:80]), []).append(server or 0.0)
    finally:
        similarity.log.info = original
    explained = ""
    if pg and ids:
        report = WeeklyProgress.objects.select_related("unit").get(pk=ids[0])
        explained = explain_lookup(
            report, set(SimilarityBand.objects.filter(report=report).values_list("band", flat=True))
        )

    def summary(key):
        values = [r[key] for r in rows if key in r]
        return stats(values) if values else {}

    return {
        "week": week,
        "band_rows": SimilarityBand.objects.count(),
        "checks": len(rows),
        "server_ms": summary("server_ms"),
        "lookup_ms": summary("lookup_ms"),
        "client_ms": summary("client_ms"),
        "wall_ms": summary("wall_ms"),
        "backend_cpu_ms_per_check": round(cpu_ms, 2) if cpu_ms is not None else None,
        "statements": max((r["statements"] for r in rows), default=0),
        "compared_median": sorted(r["compared"] for r in rows)[len(rows) // 2] if rows else 0,
        "target_db_ms": TARGET_DB_MS,
        "explain": explained,
        "statements_ms": [
            {"n": n, "sql": sql, "median_ms": stats(ms)["median_ms"], "runs": len(ms)}
            for (n, sql), ms in sorted(per_statement.items())
        ],
    }


def explain_lookup(report, bands: list[int]) -> str:
    """EXPLAIN ANALYZE of the candidate lookup as the check sends it."""
    from django.db import connection

    from tasks.services.similarity import ranked_candidates

    sql, params = ranked_candidates(report=report, bands=set(bands)).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def print_result(result: dict) -> None:
    print(
        f"copy-paste check, week {result['week']}, {result['checks']} reports, "
        f"{result['band_rows']:,} band rows in the index"
    )
    rows = []
    for label, key in (
        ("PostgreSQL time, all statements (EXPLAIN ANALYZE)", "server_ms"),
        ("  the candidate lookup", "lookup_ms"),
        ("statements' time seen by the client", "client_ms"),
        ("whole check (database + Python)", "wall_ms"),
    ):
        s = result[key]
        rows.append([label, s.get("median_ms", "-"), s.get("p95_ms", "-"), s.get("max_ms", "-")])
    print(table(["per check", "median ms", "p95 ms", "max ms"], rows))
    server = result["server_ms"]
    met = bool(server) and server["median_ms"] < result["target_db_ms"]
    print(
        f"PostgreSQL backend CPU per check: {result['backend_cpu_ms_per_check']} ms; "
        f"statements per check: {result['statements']}; reports compared (median): {result['compared_median']}; "
        f"target, PostgreSQL time under {result['target_db_ms']} ms per report: {'met' if met else 'NOT met'}"
    )
    print(
        table(
            ["#", "statement", "PostgreSQL median ms", "checks"],
            [[s["n"], s["sql"], s["median_ms"], s["runs"]] for s in result["statements_ms"]],
        )
    )
    if result["explain"]:
        print("\nEXPLAIN ANALYZE of one candidate lookup:\n" + result["explain"])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reports", type=int, default=30)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument(
        "--reset-week", action="store_true", help="Empty the current week first (bench databases only)."
    )
    parser.add_argument("--prefill", type=float, default=0.0, help="Share of units whose report of this week is in.")
    args = parser.parse_args(argv)
    setup_django()
    from bench.load import prefill_week, reset_week

    if args.reset_week:
        reset_week()
    if args.prefill:
        prefill_week(share=args.prefill)
    result = measure(reports=args.reports, seed=args.seed)
    print_result(result)
    emit("check", {"machine": machine(), **result})


if __name__ == "__main__":
    main()
