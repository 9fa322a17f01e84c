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
