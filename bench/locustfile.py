"""The last hour before the weekly deadline: liaisons submitting reports, inspectors reading.

Run by `bench/load.py`, which prepares the plan (tokens, sessions, units, the week) and
starts gunicorn; by hand:

    BENCH_LOAD_PLAN=var/bench/plan.json .venv/bin/locust -f bench/locustfile.py --headless \
        -u 200 -r 50 --run-time 60s --host http://127.0.0.1:8765

The plan is JSON: {"week": "2026-W48", "liaisons": [[token, unit_id, [key_task_id, …]], …],
"inspector_sessions": [session_key, …], "session_cookie": "sessionid"}. Each liaison user
takes the next unit of the plan (a unit is submitted once, never twice), opens its report
(POST), saves it with the version it read (PATCH) and submits it (POST …/submit/); with
BENCH_FLOW=one-step it sends the texts with the submission instead (POST …/submit/ with the
version and the fields), two requests as the phone form makes; BENCH_FLOW=floor sends the
same two requests to the one-module floor (bench/floor.py) instead. Every
submission that got its 200 is written to BENCH_LOAD_OUT when locust quits, so the driver can
check the rows in the database against it: none lost, none twice.
"""

from __future__ import annotations

import json
import os
import random
import sys
from itertools import count
from pathlib import Path

from locust import FastHttpUser, HttpUser, between, events, task

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import report_body, unit_report_text  # noqa: E402 - after the project root is importable

PLAN = json.loads(Path(os.environ["BENCH_LOAD_PLAN"]).read_text()) if os.environ.get("BENCH_LOAD_PLAN") else {}
LIAISONS = PLAN.get("liaisons", [])
NEXT = count()
SUBMITTED: list[int] = []
WAIT = tuple(float(x) for x in os.environ.get("BENCH_WAIT", "0.5,1.5").split(","))
FLOW = os.environ.get("BENCH_FLOW", "save-then-submit")


def next_unit():
    i = next(NEXT)
    if FLOW == "floor" and LIAISONS:
        # The floor runs out of units within a run: it goes round again, each round a week of
        # its own ("2026-W49" then "2026-W49r1", …), so no row is written twice.
        token, unit_id, tasks = LIAISONS[i % len(LIAISONS)]
        week = PLAN["week"] + (f"r{i // len(LIAISONS)}" if i >= len(LIAISONS) else "")
        return token, unit_id, tasks, week
    return (*LIAISONS[i], PLAN["week"]) if i < len(LIAISONS) else None


def floor_flow(client, *, unit_id: int, week: str, tasks: list[int]) -> int | None:
    """The floor's two requests (bench/floor.py): open the unit's row, submit it with the texts."""
    with client.post(
        "/floor/open/", json={"unit": unit_id, "week": week}, name="POST floor/open", catch_response=True
    ) as r:
        if r.status_code != 200:
            r.failure(f"open: {r.status_code} {r.text[:200]}")
            return None
        report = r.json()
    text = unit_report_text(unit_id, tasks)
    body = {"id": report["id"], "version": report["version"], "highlights": text["highlights"],
            "problems": text["problems"], "next_week_plan": text["next_week_plan"],
            "notes": {str(t): note for t, note in text["notes"].items()}}  # fmt: skip
    with client.post("/floor/submit/", json=body, name="POST floor/submit", catch_response=True) as r:
        if r.status_code != 200:
            r.failure(f"submit: {r.status_code} {r.text[:200]}")
            return None
    return report["id"]


def submit_flow(client, *, token: str, unit_id: int, week: str, tasks: list[int]) -> int | None:
    """Open, save and submit one unit's report; the report id when the submission succeeded."""
    if FLOW == "floor":
        return floor_flow(client, unit_id=unit_id, week=week, tasks=tasks)
    headers = {"Authorization": f"Token {token}"}
    with client.post(
        "/api/v1/progress-reports/", json={"unit": unit_id, "week": week}, headers=headers,
        name="POST progress-reports (open)", catch_response=True,
    ) as r:  # fmt: skip
        if r.status_code not in (200, 201):
            r.failure(f"open: {r.status_code} {r.text[:200]}")
            return None
        report = r.json()
    body = report_body(report["version"], unit_id, tasks)
    if FLOW == "save-then-submit":
        with client.patch(
            f"/api/v1/progress-reports/{report['id']}/", json=body, headers=headers,
            name="PATCH progress-reports/:id (save)", catch_response=True,
        ) as r:  # fmt: skip
            if r.status_code != 200:
                r.failure(f"save: {r.status_code} {r.text[:200]}")
                return None
        submit = {}
    else:  # "one-step": the texts go with the submission, as the phone form's Submit button sends them
        submit = body
    with client.post(
        f"/api/v1/progress-reports/{report['id']}/submit/", json=submit, headers=headers,
        name="POST progress-reports/:id/submit", catch_response=True,
    ) as r:  # fmt: skip
        if r.status_code != 200:
            r.failure(f"submit: {r.status_code} {r.text[:200]}")
            return None
    return report["id"]


class Liaison(FastHttpUser):
    """geventhttpclient rather than requests: the load generator shares the two cores with the
    server, and each of its requests then costs it a fraction of the CPU (the floor's run uses
    the same user, so the ratio compares like with like)."""

    weight = int(os.environ.get("BENCH_LIAISON_WEIGHT", "9"))
    wait_time = between(*WAIT)

    @task
    def submit_weekly_report(self):
        plan = next_unit()
        if plan is None:
            self.stop()
            return
        token, unit_id, tasks, week = plan
        report_id = submit_flow(self.client, token=token, unit_id=unit_id, week=week, tasks=tasks)
        if report_id is not None:
            SUBMITTED.append([unit_id, week] if FLOW == "floor" else unit_id)


class Inspector(HttpUser):
    weight = int(os.environ.get("BENCH_INSPECTOR_WEIGHT", "1"))
    wait_time = between(*WAIT)

    def on_start(self):
        sessions = PLAN.get("inspector_sessions") or [""]
        self.client.cookies.set(PLAN.get("session_cookie", "sessionid"), random.choice(sessions))

    def read(self, path: str, name: str) -> None:
        with self.client.get(path, name=name, allow_redirects=False, catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"{path}: {r.status_code}")

    @task(2)
    def dashboard(self):
        self.read("/reporting/", "GET /reporting/ (dashboard)")

    @task(1)
    def grid(self):
        self.read("/progress/grid/", "GET /progress/grid/")


@events.quitting.add_listener
def _write_submitted(environment, **kwargs):
    out = os.environ.get("BENCH_LOAD_OUT")
    if out:
        with open(out, "w") as f:
            json.dump({"submitted_units": SUBMITTED}, f)
