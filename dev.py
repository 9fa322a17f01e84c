#!/usr/bin/env python3
"""The project's two commands, needing nothing but Python 3.11+:

    python3 dev.py run    # venv, install, migrate, demo data, web server + Celery worker with beat
    python3 dev.py test   # the whole test suite (pytest arguments may follow)

With DATABASE_URL and REDIS_URL (or CELERY_BROKER_URL) set, both use PostgreSQL and Redis;
without them, SQLite in WAL mode and a file-system Celery broker under var/.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / "python"


def say(message: str) -> None:
    print(f"\033[1;31m==>\033[0m {message}", flush=True)


def ensure_venv(requirements: str) -> None:
    """Create .venv and install `requirements` when they changed since the last install."""
    if not PY.exists():
        say("creating the virtual environment in .venv")
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run([str(PY), "-m", "pip", "install", "--quiet", "--upgrade", "pip"], check=True)
    wanted = _requirements_digest(ROOT / requirements)
    stamp = VENV / f".installed-{requirements}"
    if stamp.exists() and stamp.read_text() == wanted:
        return
    say(f"installing {requirements}")
    subprocess.run([str(PY), "-m", "pip", "install", "--quiet", "-r", str(ROOT / requirements)], check=True)
    stamp.write_text(wanted)


def _requirements_digest(path: Path) -> str:
    digest = hashlib.sha256()
    for line in path.read_text().splitlines():
        digest.update(line.encode())
        if line.startswith("-r "):
            digest.update(_requirements_digest(path.parent / line[3:].strip()).encode())
    return digest.hexdigest()


def manage(*args: str) -> None:
    subprocess.run([str(PY), "manage.py", *args], cwd=ROOT, check=True)


def _stop(signum, frame):
    raise KeyboardInterrupt


def run() -> int:
    signal.signal(signal.SIGTERM, _stop)
    ensure_venv("requirements.txt")
    host = os.environ.get("HOST", "127.0.0.1")
    port = os.environ.get("PORT", "8000")
    say("migrating the database")
    manage("migrate", "--noinput")
    say("loading the demo campaign")
    manage("load_demo")
    children = [
        subprocess.Popen([str(PY), "manage.py", "runserver", "--noreload", f"{host}:{port}"], cwd=ROOT),
        subprocess.Popen(
            [str(BIN / "celery"), "-A", "config", "worker", "--beat", "--loglevel=INFO", "--concurrency=2"],
            cwd=ROOT,
        ),
    ]
    time.sleep(2)
    say(f"open http://{host}:{port}/  — Ctrl-C stops everything")
    say("demo logins (password Demo@2026): office, liaison, inspector, leader")
    try:
        while all(child.poll() is None for child in children):
            time.sleep(0.5)
        say("a process stopped; stopping the rest")
    except KeyboardInterrupt:
        say("stopping")
    finally:
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        for child in children:
            try:
                child.wait(timeout=15)
            except subprocess.TimeoutExpired:
                child.kill()
    return 0


def test(args: list[str]) -> int:
    ensure_venv("requirements-dev.txt")
    return subprocess.run([str(PY), "-m", "pytest", *args], cwd=ROOT).returncode


def main() -> int:
    if sys.version_info < (3, 11):  # noqa: UP036 - the one place that tells an old Python to go
        print(f"Python 3.11 or newer is needed; this is {sys.version.split()[0]}.")
        return 2
    if len(sys.argv) < 2 or sys.argv[1] not in ("run", "test"):
        print(__doc__)
        return 2
    if sys.argv[1] == "run":
        return run()
    return test(sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
