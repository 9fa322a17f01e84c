"""Load: locust against gunicorn, liaisons submitting weekly reports before the deadline while
inspectors read their dashboards; then the rows are counted.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/campaign_bench \
        .venv/bin/python bench/load.py --users 200 --spawn-rate 50 --run-time 60s --workers 4

What it does, in order:
1. plans the run on the latest campaign: one API token per unit (its first liaison; tokens are
   created in bulk, so no login and no password hashing is on the measured path), a database
   session for a few inspection-group leaders, and the current ISO week (the generator leaves
   it empty); units that already have a report for the week are left out;
2. starts gunicorn on 127.0.0.1 (loopback only) with `AXES_ENABLED=false`, DEBUG off and a
   high token throttle, and a Celery worker for the copy-paste checks on a queue of its own
   (Redis database 15, emptied first), and waits for them;
3. runs locust headless for a bounded time (`--run-time`), writing its CSV stats, then waits
   for the worker's queue to empty; reads the CPU time gunicorn, the worker, locust and the
   whole machine spent meanwhile;
4. stops both and counts: the week's reports in the database against the submissions that
   got a 200 — a lost report (acknowledged but not submitted in the database) or a duplicate
   (two rows for one unit and week) fails the run.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, emit, machine, setup_django
from bench.load_report import TARGET_P95_MS, TARGET_SUBMISSIONS_PER_S, print_result


def plan(*, inspectors: int = 10, limit: int | None = None, every_unit: bool = False) -> dict:
    """Tokens, sessions and units for the run, on the latest campaign; the week is this one.
    The units are those without a report this week, or all of them (`every_unit`, the floor)."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.db.models import Exists, OuterRef
    from rest_framework.authtoken.models import Token

    from campaign.models import Campaign, InspectionGroup, Liaison, Unit
    from tasks import weeks
    from tasks.models import KeyTask, WeeklyProgress

    campaign = Campaign.objects.order_by("-start_date", "-batch", "-pk").first()
    week_start = weeks.current_week_start()
    units = Unit.objects.filter(campaign=campaign, is_active=True).order_by("pk")
    if not every_unit:
        units = units.exclude(Exists(WeeklyProgress.objects.filter(unit=OuterRef("pk"), week_start=week_start)))
    unit_ids = list(units.values_list("pk", flat=True)[:limit] if limit else units.values_list("pk", flat=True))
    first_liaison = {}
    for unit_id, user_id in Liaison.objects.filter(unit_id__in=unit_ids).order_by("-pk").values_list("unit", "user"):
        first_liaison[unit_id] = user_id
    Token.objects.filter(user_id__in=first_liaison.values()).delete()
    tokens = [Token(user_id=user_id, key=Token.generate_key()) for user_id in first_liaison.values()]
    Token.objects.bulk_create(tokens, batch_size=5000)
    key_of = {t.user_id: t.key for t in tokens}
    led = dict(KeyTask.objects.filter(campaign=campaign).values_list("pk", "lead_unit"))
    coop = {}
    for task_id, unit_id in KeyTask.cooperating_units.through.objects.filter(keytask__campaign=campaign).values_list(
        "keytask", "unit"
    ):
        coop.setdefault(unit_id, []).append(task_id)
    for task_id, unit_id in led.items():
        coop.setdefault(unit_id, []).append(task_id)
    liaisons = [[key_of[first_liaison[u]], u, sorted(coop.get(u, []))[:6]] for u in unit_ids if u in first_liaison]

    store = import_module(settings.SESSION_ENGINE).SessionStore
    sessions = []
    for group in InspectionGroup.objects.filter(campaign=campaign, leader__isnull=False).select_related("leader")[
        :inspectors
    ]:
        s = store()
        s[SESSION_KEY] = str(group.leader.pk)
        s[BACKEND_SESSION_KEY] = next(b for b in settings.AUTHENTICATION_BACKENDS if "axes" not in b.lower())
        s[HASH_SESSION_KEY] = group.leader.get_session_auth_hash()
        s.create()
        sessions.append(s.session_key)
    return {
        "campaign": campaign.pk,
        "week": weeks.week_label(week_start),
        "week_start": week_start.isoformat(),
        "liaisons": liaisons,
        "inspector_sessions": sessions,
        "session_cookie": settings.SESSION_COOKIE_NAME,
    }


def reset_week() -> int:
    """Remove this week's reports of the latest campaign (and what hangs off them), so that a
    run starts from the state the generator left. Raw SQL: the ORM's delete would write a
    history row per deleted row. Only for a benchmark database."""
    from django.db import connection, transaction

    from campaign.models import Campaign
    from tasks import weeks

    campaign = Campaign.objects.order_by("-start_date", "-batch", "-pk").first()
    week = (
        "SELECT r.id FROM tasks_weeklyprogress r JOIN campaign_unit u ON u.id = r.unit_id"
        " WHERE u.campaign_id = %s AND r.week_start = %s"
    )
    params = [campaign.pk, weeks.current_week_start()]
    with transaction.atomic(), connection.cursor() as cursor:
        for table, column in (
            ("tasks_similarityband", "report_id"),
            ("tasks_reportsentence", "report_id"),
            ("tasks_similarityflag", "report_id"),
            ("tasks_similarityflag", "other_id"),
            ("tasks_progressitem", "report_id"),
            ("tasks_reporttransition", "report_id"),
            ("tasks_reportattachment", "report_id"),
        ):
            cursor.execute(f"DELETE FROM {table} WHERE {column} IN ({week})", params)  # noqa: S608
        cursor.execute(f"DELETE FROM tasks_weeklyprogress WHERE id IN ({week})", params)  # noqa: S608
        return cursor.rowcount


def prefill_week(*, share: float, seed: int = 7) -> int:
    """Before the rush: `share` of the units have already submitted this week's report (the
    last hour before the deadline starts with most of the week in). Written in bulk like the
    generator's weeks, each unit with its own text."""
    import datetime as dt
    import random

    from django.db import connection, transaction
    from django.db.models import Exists, OuterRef
    from django.utils import timezone

    from bench.common import unit_report_text
    from campaign.models import Campaign, Liaison, Unit
    from scale.copy import Writer
    from tasks import weeks
    from tasks.models import KeyTask, ProgressItem, ReportTransition, WeeklyProgress
    from tasks.services.similarity import reports_fingerprint

    campaign = Campaign.objects.order_by("-start_date", "-batch", "-pk").first()
    week_start = weeks.current_week_start()
    deadline = weeks.deadline_for(campaign, week_start)
    open_units = list(
        Unit.objects.filter(campaign=campaign, is_active=True)
        .exclude(Exists(WeeklyProgress.objects.filter(unit=OuterRef("pk"), week_start=week_start)))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    total = Unit.objects.filter(campaign=campaign, is_active=True).count()
    want = max(0, int(total * share) - (total - len(open_units)))
    rng = random.Random(seed)
    chosen = rng.sample(open_units, k=min(want, len(open_units)))
    liaison = dict(Liaison.objects.filter(unit_id__in=chosen).values_list("unit", "user"))
    tasks = {}
    for task_id, unit_id in KeyTask.objects.filter(campaign=campaign).values_list("pk", "lead_unit"):
        tasks.setdefault(unit_id, []).append(task_id)
    for task_id, unit_id in KeyTask.cooperating_units.through.objects.filter(keytask__campaign=campaign).values_list(
        "keytask", "unit"
    ):
        tasks.setdefault(unit_id, []).append(task_id)
    now = timezone.now()
    w = Writer(now)
    with transaction.atomic():
        first = w.reserve(WeeklyProgress, len(chosen))
        reports, items, moves = [], [], []
        for i, unit_id in enumerate(chosen):
            at = now - dt.timedelta(minutes=rng.randrange(5, 3 * 24 * 60))
            user = liaison[unit_id]
            text = unit_report_text(unit_id, tasks.get(unit_id, [])[:6])
            reports.append(
                (first + i, unit_id, week_start, deadline, "submitted", "", text["highlights"], text["problems"],
                 text["next_week_plan"], at, at, at > deadline, 3, user, user, at - dt.timedelta(hours=1), at)
            )  # fmt: skip
            for task_id, note in text["notes"].items():
                items.append((first + i, task_id, "in_progress", note))
            moves.append((first + i, "submit", "draft", "submitted", user, at))
        w.write(
            WeeklyProgress,
            ["id", "unit", "week_start", "deadline", "status", "expectation", "highlights", "problems",
             "next_week_plan", "first_submitted_at", "submitted_at", "is_late", "version", "created_by",
             "updated_by", "created_at", "updated_at"],
            reports,
        )  # fmt: skip
        w.write(ProgressItem, ["report", "key_task", "status", "note"], items)
        w.write(ReportTransition, ["report", "action", "from_status", "to_status", "by", "at"], moves)
        # Their copy-paste index, as their submissions would have written it, so that the run's
        # checks search a week of this size rather than an empty index.
        reports_fingerprint(reports=WeeklyProgress.objects.filter(pk__gte=first, pk__lt=first + len(chosen)))
    with connection.cursor() as cursor:  # fresh statistics for the week's new rows, as the generator leaves them
        cursor.execute("ANALYZE tasks_weeklyprogress, tasks_progressitem, tasks_similarityband")
    return len(chosen)


def count_rows(
    *, campaign_id: int, week_start: str, submitted_units: list[int], units: list[int] | None = None
) -> dict:
    """The week's reports of the planned `units` in the database against what locust was told
    was submitted."""
    from django.db.models import Count

    from tasks.models import ReportTransition, WeeklyProgress

    rows = WeeklyProgress.objects.filter(unit__campaign_id=campaign_id, week_start=week_start)
    if units is not None:
        rows = rows.filter(unit_id__in=units)
    by_status = dict(rows.values_list("status").annotate(n=Count("id")).order_by())
    duplicates = rows.values("unit").annotate(n=Count("id")).filter(n__gt=1).count()
    in_db = set(rows.exclude(status="draft").values_list("unit_id", flat=True))
    acknowledged = set(submitted_units)
    submits = ReportTransition.objects.filter(report__in=rows, action="submit").count()
    return {
        "reports_in_db": rows.count(),
        "by_status": by_status,
        "acknowledged_submissions": len(submitted_units),
        "acknowledged_twice": len(submitted_units) - len(acknowledged),
        "lost": len(acknowledged - in_db),
        "duplicates": duplicates,
        "submit_transitions": submits,
        "submitted_without_ack": len(in_db - acknowledged),
    }


def prefilled_total(p: dict) -> int:
    """Reports of the week already in when the run started (this run's units had none)."""
    from tasks.models import WeeklyProgress

    return WeeklyProgress.objects.filter(unit__campaign_id=p["campaign"], week_start=p["week_start"]).count()


def _wait_http(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 - loopback only
            return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"gunicorn did not answer at {url}")


BENCH_BROKER = "redis://127.0.0.1:6379/15"
# The check runs as the outbox's job (campaign.tasks.run_outbox_message), or as its own task.
_SUCCEEDED = re.compile(r"(?:flag_similar_reports|run_outbox_message)\[[^\]]+\] succeeded in ([0-9.]+)s")
_COMPARED = re.compile(r"copy-paste check of report \d+: (\d+) reports compared, (\d+) flags")


def _cpu_of_tree(pid: int) -> float:
    """CPU seconds used so far by a process, its live descendants and the children it reaped."""
    import psutil

    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0.0
    total = 0.0
    for proc in procs:
        try:
            t = proc.cpu_times()
            total += t.user + t.system + t.children_user + t.children_system
        except psutil.NoSuchProcess:
            pass
    return total


def _cpu_of_named(*prefixes: str) -> float:
    """CPU seconds used so far by every process whose name starts with one of `prefixes`
    (PostgreSQL's backends and helpers, Redis), alive now."""
    import psutil

    total = 0.0
    for proc in psutil.process_iter(["name"]):
        if (proc.info["name"] or "").startswith(prefixes):
            try:
                t = proc.cpu_times()
                total += t.user + t.system
            except psutil.NoSuchProcess:
                pass
    return total


WEB_SESSIONS, CHECK_SESSIONS = "bench-web", "bench-check"  # DB_APPLICATION_NAME of each


def _sessions_cpu() -> dict[int, tuple[str, float]]:
    """Each PostgreSQL session alive now on this database: its application_name and the CPU
    seconds its backend has used so far."""
    import psutil
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid, application_name FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        names = dict(cursor.fetchall())
    sessions = {}
    for pid, name in names.items():
        try:
            t = psutil.Process(pid).cpu_times()
        except psutil.NoSuchProcess:
            continue
        sessions[pid] = (name, t.user + t.system)
    return sessions


def _postgresql_cpu_by_who(before: dict[int, tuple[str, float]]) -> dict[str, float]:
    """PostgreSQL's CPU since `before` in the web's sessions and in the check worker's (their
    connections are kept, so their backends live through the run)."""
    spent = {"postgresql_web": 0.0, "postgresql_check": 0.0}
    for pid, (name, cpu) in _sessions_cpu().items():
        key = {WEB_SESSIONS: "postgresql_web", CHECK_SESSIONS: "postgresql_check"}.get(name)
        if key:
            spent[key] += cpu - before.get(pid, (name, 0.0))[1]
    return spent


def _kernel_cpu() -> dict[str, float]:
    import psutil

    t = psutil.cpu_times()
    return {"interrupts": t.irq + t.softirq, "steal": getattr(t, "steal", 0.0)}


def _busy_cpu() -> float:
    """CPU seconds the whole machine has spent busy (every process, PostgreSQL included)."""
    import psutil

    t = psutil.cpu_times()
    return sum(t) - t.idle - getattr(t, "iowait", 0.0)


def _queue_drained(broker, timeout: float = 900) -> float:
    """Seconds until the worker's queue is empty and nothing is in flight."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if broker.llen("celery") == 0 and broker.hlen("unacked") == 0:
            return time.monotonic() - started
        time.sleep(0.2)
    raise SystemExit("the Celery worker did not drain its queue")


def _parse_stats(path: Path) -> list[dict]:
    with open(path) as f:
        return list(csv.DictReader(f))


def run(
    *,
    users: int,
    spawn_rate: int,
    run_time: str,
    workers: int,
    port: int,
    wait: str,
    out_dir: Path,
    liaison_weight: int = 9,
    inspector_weight: int = 1,
    threads: int = 1,
    limit: int | None = None,
    prefill: float = 0.0,
    reset: bool = False,
    check_workers: int = 1,
    broker_url: str = BENCH_BROKER,
    flow: str = "save-then-submit",
) -> dict:
    out_dir.mkdir(parents=True, exist_ok=True)
    removed = reset_week() if reset else 0
    prefilled = prefill_week(share=prefill) if prefill else 0
    p = plan(limit=limit)
    week_before = prefilled_total(p)
    plan_file = out_dir / "plan.json"
    plan_file.write_text(json.dumps(p))
    result_file = out_dir / "submitted.json"
    result_file.unlink(missing_ok=True)
    env = {
        **os.environ,
        "AXES_ENABLED": "false",
        "DEBUG": "false",
        "TOKEN_THROTTLE_RATE": "1000000/min",
        "BENCH_LOAD_PLAN": str(plan_file),
        "BENCH_LOAD_OUT": str(result_file),
        "BENCH_WAIT": wait,
        "BENCH_FLOW": flow,
        "BENCH_LIAISON_WEIGHT": str(liaison_weight),
        "BENCH_INSPECTOR_WEIGHT": str(inspector_weight),
        # The copy-paste checks go to a worker of their own queue (Redis database 15).
        "CELERY_BROKER_URL": broker_url,
    }
    import redis

    broker = redis.Redis.from_url(broker_url)
    broker.delete("celery", "unacked", "unacked_index")
    bin_dir = Path(sys.executable).parent
    log = open(out_dir / "gunicorn.log", "w")  # noqa: SIM115 - closed after the run
    worker_log = out_dir / "worker.log"
    worker_log.unlink(missing_ok=True)  # celery appends: a reused --out must not mix two runs
    gunicorn = subprocess.Popen(
        [str(bin_dir / "gunicorn"), "config.wsgi", "-b", f"127.0.0.1:{port}", "-w", str(workers),
         "--threads", str(threads), "--log-level", "warning", "--timeout", "60"],
        cwd=ROOT, env={**env, "DB_APPLICATION_NAME": WEB_SESSIONS}, start_new_session=True, stdout=log, stderr=log,
    )  # fmt: skip
    worker = subprocess.Popen(
        [str(bin_dir / "celery"), "-A", "config", "worker", "--concurrency", str(check_workers), "--loglevel", "INFO",
         "--without-gossip", "--without-mingle", "--without-heartbeat", "--logfile", str(worker_log)],
        cwd=ROOT, env={**env, "DB_APPLICATION_NAME": CHECK_SESSIONS}, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        _wait_http(f"http://127.0.0.1:{port}/api/v1/")
        time.sleep(3)  # the worker's start-up, so its CPU is not counted as the run's
        cpu_before = {"gunicorn": _cpu_of_tree(gunicorn.pid), "worker": _cpu_of_tree(worker.pid)}
        busy_before, children_before = _busy_cpu(), os.times()
        services_before = {"postgresql": _cpu_of_named("postgres"), "redis": _cpu_of_named("redis")}
        kernel_before = _kernel_cpu()
        sessions_before = _sessions_cpu()
        started = time.monotonic()
        locust = subprocess.run(
            [str(bin_dir / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless", "-u", str(users),
             "-r", str(spawn_rate), "--run-time", run_time, "--host", f"http://127.0.0.1:{port}",
             "--csv", str(out_dir / "locust"), "--only-summary", "--exit-code-on-error", "0"],
            cwd=ROOT, env=env, capture_output=True, text=True, check=False, timeout=3600,
        )  # fmt: skip
        children_after = os.times()
        drain_s = _queue_drained(broker)
        elapsed = time.monotonic() - started
        cpu = {
            "gunicorn": _cpu_of_tree(gunicorn.pid) - cpu_before["gunicorn"],
            "worker": _cpu_of_tree(worker.pid) - cpu_before["worker"],
            "locust": (children_after.children_user + children_after.children_system)
            - (children_before.children_user + children_before.children_system),
        }
        cpu["machine"] = _busy_cpu() - busy_before
        # Backends that ended during the run are not counted: gunicorn's and the worker's
        # connections are persistent (DB_CONN_MAX_AGE), so these are nearly all of it.
        cpu["postgresql"] = _cpu_of_named("postgres") - services_before["postgresql"]
        cpu["redis"] = _cpu_of_named("redis") - services_before["redis"]
        # Of which the web's sessions and the check's: the check costs the worker plus its share.
        cpu.update(_postgresql_cpu_by_who(sessions_before))
        # Interrupt work (the loopback's packets) belongs to no process; steal is time the
        # hypervisor gave another guest, counted busy by the machine's total.
        cpu.update({k: v - kernel_before[k] for k, v in _kernel_cpu().items()})
        # PostgreSQL's backends, the kernel's loopback traffic, Redis, autovacuum, the driver:
        cpu["postgresql_and_rest"] = cpu["machine"] - cpu["gunicorn"] - cpu["worker"] - cpu["locust"]
    finally:
        os.killpg(gunicorn.pid, signal.SIGTERM)
        os.killpg(worker.pid, signal.SIGTERM)
        gunicorn.wait(timeout=30)
        worker.wait(timeout=60)
        log.close()
    if locust.returncode != 0:
        sys.stderr.write(locust.stdout[-3000:] + locust.stderr[-3000:])
        raise SystemExit("locust failed")
    stats = _parse_stats(out_dir / "locust_stats.csv")
    history = (
        _parse_stats(out_dir / "locust_stats_history.csv") if (out_dir / "locust_stats_history.csv").exists() else []
    )
    seconds = _run_seconds(run_time)
    submitted = json.loads(result_file.read_text())["submitted_units"] if result_file.exists() else []
    rows = []
    for s in stats:
        rows.append(
            {
                "name": s["Name"],
                "requests": int(s["Request Count"]),
                "failures": int(s["Failure Count"]),
                "median_ms": float(s["Median Response Time"] or 0),
                "p95_ms": float(s["95%"] or 0) if s.get("95%") not in (None, "N/A") else None,
                "rps": round(float(s["Requests/s"] or 0), 1),
            }
        )
    submit = next((r for r in rows if r["name"].endswith("/submit")), None)
    total = next((r for r in rows if r["name"] == "Aggregated"), None)
    failures_text = (out_dir / "locust_failures.csv").read_text() if (out_dir / "locust_failures.csv").exists() else ""
    counts = count_rows(
        campaign_id=p["campaign"],
        week_start=p["week_start"],
        submitted_units=submitted,
        units=[unit_id for _token, unit_id, _tasks in p["liaisons"]],
    )
    submissions_per_s = round(len(submitted) / seconds, 1)
    worker_text = worker_log.read_text() if worker_log.exists() else ""
    checks = [float(x) * 1000 for x in _SUCCEEDED.findall(worker_text)]
    compared = [int(n) for n, _flags in _COMPARED.findall(worker_text)]
    flagged = sum(int(f) for _n, f in _COMPARED.findall(worker_text))
    per_submission = {k: round(v * 1000 / max(len(submitted), 1), 1) for k, v in cpu.items()}
    del history
    return {
        "users": users,
        "spawn_rate": spawn_rate,
        "prefilled_reports": prefilled,
        "reset_removed": removed,
        "week_reports_before": week_before,
        "run_time_s": seconds,
        "gunicorn_workers": workers,
        "gunicorn_threads": threads,
        "flow": flow,
        "wait_s": wait,
        "submissions": len(submitted),
        "submissions_per_s": submissions_per_s,
        "submit_p95_ms": submit["p95_ms"] if submit else None,
        "all_p95_ms": total["p95_ms"] if total else None,
        "errors": total["failures"] if total else None,
        "endpoints": rows,
        "copy_paste_checks": len(checks),
        "check_median_ms": round(statistics.median(checks), 1) if checks else None,
        "check_p95_ms": round(sorted(checks)[int(0.95 * (len(checks) - 1))], 1) if checks else None,
        "check_compared_median": statistics.median(compared) if compared else None,
        "check_compared_max": max(compared) if compared else None,
        "flags_raised": flagged,
        "queue_drained_after_s": round(drain_s, 1),
        "wall_s": round(elapsed, 1),
        "cpu_s": {k: round(v, 1) for k, v in cpu.items()},
        "cpu_ms_per_submission": per_submission,
        "failures": failures_text.strip().splitlines()[1:6],
        "rows": counts,
        "targets": {"submissions_per_s": TARGET_SUBMISSIONS_PER_S, "p95_ms": TARGET_P95_MS},
        "meets_target": bool(
            submissions_per_s >= TARGET_SUBMISSIONS_PER_S
            and total
            and (total["p95_ms"] or 0) < TARGET_P95_MS
            and total["failures"] == 0
            and counts["lost"] == 0
            and counts["duplicates"] == 0
        ),
        "machine": machine(),
    }


def run_floor(
    *, users: int, spawn_rate: int, run_time: str, workers: int, port: int, wait: str, out_dir: Path, threads: int = 1
) -> dict:
    """The same load against the floor (bench/floor.py): the same units and texts, the same
    gunicorn set-up and database, two requests per submission, no inspectors and no worker."""
    import bench.floor as floor

    floor.prepare()
    out_dir.mkdir(parents=True, exist_ok=True)
    p = plan(every_unit=True)  # the floor's rows are its own: every unit can submit to it
    plan_file = out_dir / "floor-plan.json"
    plan_file.write_text(json.dumps(p))
    result_file = out_dir / "floor-submitted.json"
    result_file.unlink(missing_ok=True)
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update(
        {"BENCH_LOAD_PLAN": str(plan_file), "BENCH_LOAD_OUT": str(result_file), "BENCH_WAIT": wait,
         "BENCH_FLOW": "floor", "BENCH_LIAISON_WEIGHT": "1", "BENCH_INSPECTOR_WEIGHT": "0"}
    )  # fmt: skip
    bin_dir = Path(sys.executable).parent
    log = open(out_dir / "floor-gunicorn.log", "w")  # noqa: SIM115 - closed after the run
    gunicorn = subprocess.Popen(
        [str(bin_dir / "gunicorn"), "bench.floor:application", "-b", f"127.0.0.1:{port}", "-w", str(workers),
         "--threads", str(threads), "--log-level", "warning", "--timeout", "60"],
        cwd=ROOT, env=env, start_new_session=True, stdout=log, stderr=log,
    )  # fmt: skip
    try:
        _wait_http(f"http://127.0.0.1:{port}/floor/open/")
        cpu_before, busy_before = _cpu_of_tree(gunicorn.pid), _busy_cpu()
        locust = subprocess.run(
            [str(bin_dir / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless", "-u", str(users),
             "-r", str(spawn_rate), "--run-time", run_time, "--host", f"http://127.0.0.1:{port}",
             "--csv", str(out_dir / "floor"), "--only-summary", "--exit-code-on-error", "0"],
            cwd=ROOT, env=env, capture_output=True, text=True, check=False, timeout=3600,
        )  # fmt: skip
        cpu = {"gunicorn": _cpu_of_tree(gunicorn.pid) - cpu_before, "machine": _busy_cpu() - busy_before}
    finally:
        os.killpg(gunicorn.pid, signal.SIGTERM)
        gunicorn.wait(timeout=30)
        log.close()
    if locust.returncode != 0:
        sys.stderr.write(locust.stdout[-3000:] + locust.stderr[-3000:])
        raise SystemExit("locust failed (floor)")
    stats = _parse_stats(out_dir / "floor_stats.csv")
    total = next((s for s in stats if s["Name"] == "Aggregated"), None)
    submitted = json.loads(result_file.read_text())["submitted_units"] if result_file.exists() else []
    in_db = floor.submitted_pairs(p["week"])
    seconds = _run_seconds(run_time)
    return {
        "submissions": len(submitted),
        "submissions_per_s": round(len(submitted) / seconds, 1),
        "all_p95_ms": float(total["95%"]) if total and total.get("95%") not in (None, "N/A") else None,
        "errors": int(total["Failure Count"]) if total else None,
        "lost": len({(unit_id, week) for unit_id, week in submitted} - in_db),
        "cpu_ms_per_submission": {k: round(v * 1000 / max(len(submitted), 1), 1) for k, v in cpu.items()},
    }


def _run_seconds(run_time: str) -> float:
    units = {"s": 1, "m": 60, "h": 3600}
    total, number = 0.0, ""
    for ch in run_time:
        if ch.isdigit() or ch == ".":
            number += ch
        else:
            total += float(number) * units[ch]
            number = ""
    return total + (float(number) if number else 0)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--spawn-rate", type=int, default=50)
    parser.add_argument("--run-time", default="60s")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--wait", default="0.5,1.5", help="Think time between requests, seconds: min,max.")
    parser.add_argument("--liaison-weight", type=int, default=9)
    parser.add_argument("--inspector-weight", type=int, default=1)
    parser.add_argument("--reset-week", action="store_true", help="Remove this week's reports first (bench DB only).")
    parser.add_argument("--limit", type=int, default=None, help="Plan at most this many units.")
    parser.add_argument(
        "--prefill", type=float, default=0.0, help="Share of units (0-1) that submitted this week before the run."
    )
    parser.add_argument(
        "--flow",
        choices=["save-then-submit", "one-step"],
        default="save-then-submit",
        help="Open, save, submit (3 requests) or open, then submit with the texts (2 requests).",
    )
    parser.add_argument("--check-workers", type=int, default=1, help="Celery worker processes for the checks.")
    parser.add_argument("--broker", default=BENCH_BROKER, help="The run's own Celery broker (emptied first).")
    parser.add_argument(
        "--floor", action="store_true", help="First run the same load against the floor (bench/floor.py)."
    )
    parser.add_argument("--out", default=None, help="Folder for the plan and locust's CSV (default: a temp dir).")
    args = parser.parse_args(argv)
    setup_django()
    out = Path(args.out) if args.out else Path(tempfile.mkdtemp(prefix="bench-load-"))
    floor = None
    if args.floor:
        floor = run_floor(
            users=args.users, spawn_rate=args.spawn_rate, run_time=args.run_time, workers=args.workers,
            port=args.port, wait=args.wait, out_dir=out, threads=args.threads,
        )  # fmt: skip
    res = run(
        users=args.users, spawn_rate=args.spawn_rate, run_time=args.run_time, workers=args.workers, port=args.port,
        wait=args.wait, out_dir=out, liaison_weight=args.liaison_weight, inspector_weight=args.inspector_weight,
        threads=args.threads, limit=args.limit, prefill=args.prefill, reset=args.reset_week,
        check_workers=args.check_workers, broker_url=args.broker, flow=args.flow,
    )  # fmt: skip
    if floor:
        res["floor"] = floor
        res["floor_ratio"] = res["submissions_per_s"] / floor["submissions_per_s"] if floor["submissions_per_s"] else 0
    print_result(res)
    emit("load", res)
    return 0 if res["meets_target"] else 1


if __name__ == "__main__":
    sys.exit(main())
