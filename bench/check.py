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
CHECK_TASK = "tasks.tasks.flag_similar_reports"


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
        if self.explain and not many and context["connection"].vendor == "postgresql" and _explainable(sql):
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


def _explainable(sql: str) -> bool:
    """A statement EXPLAIN takes (not a SAVEPOINT or its release)."""
    return sql.lstrip().split(None, 1)[0].upper() in {"SELECT", "WITH", "INSERT", "UPDATE", "DELETE"}


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
    return "tasks_similarityband" in sql and "tasks_weeklyprogress" in sql and "LATERAL" in sql


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


def _check(ids: list[int], *, explain: bool) -> tuple[StatementTimer, float, float]:
    """What the check worker does for the reports `ids` submitted together, rolled back: one
    queued job (outbox row) per report, then each job's message handled by `outbox_run` in
    turn, as the worker receives them. Its statements (the savepoints the surrounding rollback
    adds left out), its wall milliseconds and this process's CPU milliseconds (Python, the
    driver: what the worker spends)."""
    from django.db import connection, transaction
    from django.utils import timezone

    from campaign.models import OutboxMessage
    from campaign.outbox import outbox_run

    timer = StatementTimer(explain=explain)
    with transaction.atomic():
        # Jobs left waiting in the database by other runs are not this measure's.
        OutboxMessage.objects.filter(done_at__isnull=True).update(done_at=timezone.now())
        now = timezone.now()
        jobs = OutboxMessage.objects.bulk_create(
            [OutboxMessage(task=CHECK_TASK, kwargs={"report_id": pk}, sent_at=now) for pk in ids]
        )
        started, cpu = time.perf_counter(), time.process_time()
        with connection.execute_wrapper(timer):
            for job in jobs:
                outbox_run(message_id=job.pk)
        cpu = (time.process_time() - cpu) * 1000
        wall = (time.perf_counter() - started) * 1000
        timer.statements = [s for s in timer.statements if _explainable(s[0])]
        transaction.set_rollback(True)
    return timer, wall, cpu


def measure(*, reports: int = 30, seed: int = 3, batch: int = 1) -> dict:
    """Two passes over the same reports, `batch` submitted together at a time (1: one by one):
    the first times the checks as they run (wall time, client-side statement time, this
    process's CPU, and the PostgreSQL backend's CPU time over the pass), the second asks
    PostgreSQL for each statement's own time (EXPLAIN ANALYZE). Every figure is per report
    (a batch's divided by its reports)."""
    from django.db import connection

    from tasks.models import SimilarityBand
    from tasks.services import similarity

    week, ids = pick_reports(n=reports, seed=seed)
    chunks = [ids[i : i + batch] for i in range(0, len(ids), batch)]
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
        _check(chunks[0], explain=False)  # warm-up
        compared.clear()
        cpu_before = backend_cpu_ms() if pg else 0.0
        for chunk in chunks:
            timer, wall, cpu = _check(chunk, explain=False)
            n = len(chunk)
            rows.append(
                {
                    "reports": chunk,
                    "statements": len(timer.statements) / n,
                    "client_ms": sum(ms for _sql, ms, _server in timer.statements) / n,
                    "wall_ms": wall / n,
                    "cpu_ms": cpu / n,
                }
            )
        cpu_ms = (backend_cpu_ms() - cpu_before) / len(ids) if pg and ids else None
        per_statement: dict[tuple[int, str], list[float]] = {}
        for row in rows if pg else []:
            timer, _wall, _cpu = _check(row["reports"], explain=True)
            n = len(row["reports"])
            row["server_ms"] = sum(server or 0.0 for _sql, _ms, server in timer.statements) / n
            row["lookup_ms"] = (
                sum(server or 0.0 for sql, _ms, server in timer.statements if is_candidate_lookup(sql)) / n
            )
            for i, (sql, _ms, server) in enumerate(timer.statements):
                per_statement.setdefault((i, " ".join(sql.split())[:80]), []).append(server or 0.0)
    finally:
        similarity.log.info = original
    explained = explain_lookup(chunks[0]) if pg and ids and hasattr(similarity, "_OTHERS_SQL") else ""

    def summary(key):
        values = [r[key] for r in rows if key in r]
        return stats(values) if values else {}

    counts = sorted(r["statements"] for r in rows)
    return {
        "week": week,
        "band_rows": SimilarityBand.objects.count(),
        "checks": len(ids),
        "batch": batch,
        "server_ms": summary("server_ms"),
        "lookup_ms": summary("lookup_ms"),
        "client_ms": summary("client_ms"),
        "wall_ms": summary("wall_ms"),
        "cpu_ms": summary("cpu_ms"),
        "backend_cpu_ms_per_check": round(cpu_ms, 2) if cpu_ms is not None else None,
        "statements": {"median": counts[len(counts) // 2], "max": counts[-1]} if counts else {},
        "compared_median": sorted(compared)[len(compared) // 2] if compared else 0,
        "target_db_ms": TARGET_DB_MS,
        "explain": explained,
        "statements_ms": [
            {"n": n, "sql": sql, "median_ms": stats(ms)["median_ms"], "runs": len(ms)}
            for (n, sql), ms in sorted(per_statement.items())
        ],
    }


def explain_lookup(report_ids: list[int]) -> str:
    """EXPLAIN ANALYZE of the read of what the reports are compared with (the candidate lookup
    and the earlier weeks, with their texts), as the check sends it."""
    from django.db import connection

    from tasks.services import similarity

    with connection.cursor() as cursor:
        cursor.execute(similarity._OWN_SQL, [report_ids])
        own = cursor.fetchall()
        params = [[row[0] for row in own], [row[1] for row in own], [row[2] for row in own], [row[4] for row in own]]
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {similarity._OTHERS_SQL}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def print_result(result: dict) -> None:
    together = "one by one" if result["batch"] == 1 else f"submitted {result['batch']} at a time"
    print(
        f"copy-paste check, week {result['week']}, {result['checks']} reports {together}, "
        f"{result['band_rows']:,} band rows in the index"
    )
    rows = []
    for label, key in (
        ("PostgreSQL time, all statements (EXPLAIN ANALYZE)", "server_ms"),
        ("  the candidate lookup", "lookup_ms"),
        ("statements' time seen by the client", "client_ms"),
        ("whole check (database + Python)", "wall_ms"),
        ("worker CPU (this process: Python, the driver)", "cpu_ms"),
    ):
        s = result[key]
        rows.append([label, s.get("median_ms", "-"), s.get("p95_ms", "-"), s.get("max_ms", "-")])
    print(table(["per report", "median ms", "p95 ms", "max ms"], rows))
    server = result["server_ms"]
    met = bool(server) and server["median_ms"] < result["target_db_ms"]
    print(
        f"PostgreSQL backend CPU per report: {result['backend_cpu_ms_per_check']} ms; "
        f"statements per report: {result['statements']}; reports compared (median): {result['compared_median']}; "
        f"target, PostgreSQL time under {result['target_db_ms']} ms per report: {'met' if met else 'NOT met'}"
    )
    if result["batch"] == 1:  # a batch's list is the same statements, one after the other
        print(
            table(
                ["#", "statement", "PostgreSQL median ms", "runs"],
                [[s["n"], s["sql"], s["median_ms"], s["runs"]] for s in result["statements_ms"]],
            )
        )
    if result["explain"]:
        print("\nEXPLAIN ANALYZE of the read of what the reports are compared with:\n" + result["explain"])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reports", type=int, default=30)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument(
        "--reset-week", action="store_true", help="Empty the current week first (bench databases only)."
    )
    parser.add_argument("--prefill", type=float, default=0.0, help="Share of units whose report of this week is in.")
    parser.add_argument(
        "--batch", type=int, nargs="+", default=[1], help="Reports submitted together (one run for each value)."
    )
    args = parser.parse_args(argv)
    setup_django()
    from bench.load import prefill_week, reset_week

    if args.reset_week:
        reset_week()
    if args.prefill:
        prefill_week(share=args.prefill)
        from django.db import connection

        with connection.cursor() as cursor:  # the official-phrase lookup is planned on its row count
            cursor.execute("ANALYZE tasks_reportsentence")
    for batch in args.batch:
        result = measure(reports=args.reports, seed=args.seed, batch=batch)
        print_result(result)
        emit("check", {"machine": machine(), **result})


if __name__ == "__main__":
    main()
