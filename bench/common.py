"""What the benchmark scripts share: Django set-up, timing statistics, the table and the JSON line.

Each script measures the database named by DATABASE_URL (PostgreSQL for real figures: the
numbers on SQLite mean little). With `--databases URL [URL ...]` a script runs itself once per
database in a child process and prints the results side by side, which is how the same pages
or roll-ups are compared at 1,000 and 10,000 units.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_django() -> None:
    """Make the project importable and configured, as manage.py does."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django
    from django.apps import apps

    if not apps.ready:
        django.setup()


def timed(fn: Callable[[], object], *, runs: int, warmup: int = 1) -> list[float]:
    """Milliseconds of `runs` calls of `fn`, after `warmup` untimed calls."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return times


def stats(ms: list[float]) -> dict:
    ordered = sorted(ms)
    p95 = ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]
    return {
        "runs": len(ms),
        "median_ms": round(statistics.median(ordered), 2),
        "p95_ms": round(p95, 2),
        "min_ms": round(ordered[0], 2),
        "max_ms": round(ordered[-1], 2),
    }


def table(headers: list[str], rows: list[list]) -> str:
    """A plain text table, columns padded to their widest cell."""
    cells = [[str(h) for h in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def machine() -> dict:
    """The machine the figures come from."""
    info = {"cpus": os.cpu_count(), "python": platform.python_version()}
    try:
        with open("/proc/meminfo") as f:
            info["mem_total_gb"] = round(int(f.readline().split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    try:
        from django.db import connection

        info["database"] = connection.vendor
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SHOW server_version")
                info["postgresql"] = cursor.fetchone()[0]
    except Exception:  # noqa: BLE001 - informational only
        pass
    return info


def emit(name: str, result: dict) -> None:
    """The one machine-readable line: {"bench": name, ...}."""
    print(json.dumps({"bench": name, **result}, ensure_ascii=False, default=str))


def run_children(script: str, databases: list[str], args: list[str]) -> list[dict]:
    """Run `script --child ARGS` once per database URL; return each child's JSON result."""
    results = []
    for url in databases:
        env = {**os.environ, "DATABASE_URL": url}
        out = subprocess.run(
            [sys.executable, script, "--child", *args], env=env, capture_output=True, text=True, check=False
        )
        if out.returncode != 0:
            sys.stderr.write(out.stdout + out.stderr)
            raise SystemExit(f"{script} failed on {url}")
        line = [ln for ln in out.stdout.splitlines() if ln.startswith('{"bench"')][-1]
        results.append({"database": url.rsplit("/", 1)[-1], **json.loads(line)})
    return results


DOINGS = ["召开专题会议", "开展走访调研", "组织集中学习", "推进问题整改", "召开座谈会", "开展督导检查", "举办专题党课"]
RESULTS = ["解决群众急难愁盼问题", "完善制度机制", "形成调研报告", "整改措施按期推进", "建立工作台账", "压实工作责任"]
ISSUES = ["部分任务进度滞后", "基层负担仍然较重", "整改成效不够明显", "学习深度不够", "协调联动不足"]


def unit_report_text(unit_id: int, tasks: list[int]) -> dict:
    """A unit's own weekly-report text (copy-paste between units is what the similarity check
    flags; a realistic week has little of it): the three narrative fields and one note per task."""
    import random

    pick = random.Random(unit_id)
    doing, result = pick.choice(DOINGS), pick.choice(RESULTS)
    return {
        "highlights": f"{doing}{pick.randint(2, 9)}次，{result}，涉及{unit_id}号单位{pick.randint(10, 99)}人。",
        "problems": f"{pick.choice(ISSUES)}，{pick.choice(ISSUES)}。",
        "next_week_plan": f"下周{pick.choice(DOINGS)}，{pick.choice(RESULTS)}。",
        "notes": {t: f"{pick.choice(RESULTS)}（{pick.randint(1, 100)}%）" for t in tasks},
    }
