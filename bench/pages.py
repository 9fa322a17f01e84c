"""Pages and API at scale: server time and queries per request of the pages people open most.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/campaign_bench .venv/bin/python bench/pages.py --requests 30
    .venv/bin/python bench/pages.py --databases postgres://…/campaign_bench_1k postgres://…/campaign_bench

Each page is requested in-process with Django's test client, logged in with `force_login` as
the person who reads it (the office, or an inspection-group leader for the inspector's
dashboard); a few warm-up requests, then N timed ones. Server time is the time of the whole
request through the middleware, the view and the template; no network. The pages whose
campaign-wide counts are cached per day and change are timed a second time with those caches
missing on every request ("cache miss": the first request after a measure or problem, and for the
figures also a study, research, development or institution record, changed).
With two databases the query counts per request must be equal (asserted): they may not grow
with the data.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import emit, machine, run_children, setup_django, stats, table, timed

TARGET_MEDIAN_MS = 150
TARGET_P95_MS = 400

# (name, path, who): who is "office" or "inspector".
PAGES = [
    ("office home", "/", "office"),
    ("unit × week grid", "/progress/grid/", "office"),
    ("measures with lights", "/rectification/measures/", "office"),
    ("inspector dashboard", "/reporting/", "inspector"),
    # The dashboard as of a past day (mid-way through the generated weeks): lights, closures and
    # the scorecard as they stood then, from the dated transitions.
    ("inspector dashboard, past day", "/reporting/?as_of={midway}", "inspector"),
    ("API dashboard", "/api/v1/dashboard/", "inspector"),
    # The office's dashboard: every unit of the campaign in the scorecard (10,000 at scale).
    ("office dashboard", "/reporting/", "office"),
    ("office dashboard, past day", "/reporting/?as_of={midway}", "office"),
    ("API dashboard, office", "/api/v1/dashboard/", "office"),
    ("figures", "/reporting/figures/", "office"),
    ("API progress reports", "/api/v1/progress-reports/", "office"),
    ("API measures", "/api/v1/measures/", "office"),
    # Beyond the five: the other lists an office opens every day.
    ("problem list", "/rectification/problems/", "office"),
    ("key-task list", "/key-tasks/", "office"),
    ("study ledger", "/records/study/", "office"),
    ("research ledger", "/records/research/", "office"),
    ("API problems", "/api/v1/problems/", "office"),
    ("API key tasks", "/api/v1/key-tasks/", "office"),
    ("API study activities", "/api/v1/study-activities/", "office"),
]
# Pages whose campaign-wide counts are cached per day and change counter
# (campaign.selectors.counted_per_day, used by rectification and tasks): also timed with
# those caches missing every time, i.e. as the first request after the records behind them changed.
CACHED_COUNTS = {
    "measures with lights",
    "figures",
    # the office's dashboard numbers, kept per day and change of reports, closures, units and
    # measures (reporting.selectors.dashboard.dashboard_numbers)
    "office dashboard",
    "office dashboard, past day",
    "API dashboard, office",
}


def people(campaign):
    """The office user and an inspection-group leader of the campaign."""
    from campaign.models import InspectionGroup, User

    office = User.objects.filter(role=User.Role.OFFICE, is_active=True).order_by("pk").first()
    group = InspectionGroup.objects.filter(campaign=campaign, leader__isnull=False).order_by("number").first()
    return {"office": office, "inspector": group.leader if group else None}


def available(pages=PAGES) -> tuple[list, list[str]]:
    """The pages whose URL resolves in this checkout, and the names of those that do not."""
    from django.urls import Resolver404, resolve

    present, missing = [], []
    for page in pages:
        try:
            resolve(page[1].split("?", 1)[0])
            present.append(page)
        except Resolver404:
            missing.append(page[0])
    return present, missing


def measure_writes(*, requests: int = 10, warmup: int = 2) -> list[dict]:
    """Open and submit (one-step, with the texts) as a liaison through the API, each time for a
    unit with no report this week, as bench/load.py's liaisons do: server time, CPU time of this
    process (Django, DRF and the database driver; not PostgreSQL's) and queries per request.
    The week's reports written here are removed afterwards (bench/load.py reset_week)."""
    import time

    from django.db import connection
    from django.db.models import Exists, OuterRef
    from django.test.utils import CaptureQueriesContext
    from rest_framework.test import APIClient

    from bench.common import report_body
    from bench.load import reset_week
    from campaign.models import Campaign, Liaison, Unit
    from tasks import weeks
    from tasks.models import KeyTask, WeeklyProgress

    campaign = Campaign.objects.order_by("-start_date", "-batch", "-pk").first()
    week_start = weeks.current_week_start()
    units = list(
        Unit.objects.filter(campaign=campaign, is_active=True)
        .exclude(Exists(WeeklyProgress.objects.filter(unit=OuterRef("pk"), week_start=week_start)))
        .order_by("pk")
        .values_list("pk", flat=True)[: requests + warmup]
    )
    tasks: dict[int, list[int]] = {}
    for task_id, unit_id in KeyTask.objects.filter(campaign=campaign).values_list("pk", "lead_unit"):
        tasks.setdefault(unit_id, []).append(task_id)
    for task_id, unit_id in KeyTask.cooperating_units.through.objects.filter(
        keytask__campaign=campaign, unit_id__in=units
    ).values_list("keytask", "unit"):
        tasks.setdefault(unit_id, []).append(task_id)
    timings: dict[str, list[tuple[float, float, int]]] = {"API open (liaison)": [], "API submit (liaison)": []}
    week = weeks.week_label(week_start)
    try:
        for n, unit_id in enumerate(units):
            user = Liaison.objects.filter(unit_id=unit_id).select_related("user").first().user
            client = APIClient(HTTP_HOST="localhost")
            client.force_authenticate(user)
            unit_tasks = sorted(tasks.get(unit_id, []))[:6]

            def call(name, method, path, body, client=client, n=n):
                started, cpu = time.perf_counter(), time.process_time()
                with CaptureQueriesContext(connection) as ctx:
                    response = getattr(client, method)(path, body, format="json")
                took = ((time.perf_counter() - started) * 1000, (time.process_time() - cpu) * 1000)
                if response.status_code not in (200, 201):
                    raise SystemExit(f"{name}: {response.status_code} {response.content[:300]!r}")
                if n >= warmup:
                    timings[name].append((*took, len(ctx.captured_queries)))
                return response.json()

            report = call("API open (liaison)", "post", "/api/v1/progress-reports/", {"unit": unit_id, "week": week})
            body = report_body(report["version"], unit_id, unit_tasks)
            call("API submit (liaison)", "post", f"/api/v1/progress-reports/{report['id']}/submit/", body)
    finally:
        reset_week()
    rows = []
    for name, values in timings.items():
        if not values:
            continue
        s = stats([v[0] for v in values])
        rows.append(
            {
                "page": name,
                "path": "/api/v1/progress-reports/" + ("" if "open" in name else ":id/submit/"),
                "as": "liaison",
                "status": [200],
                "bytes": 0,
                "queries": max(v[2] for v in values),
                "cpu_ms": round(statistics.median(v[1] for v in values), 1),
                **s,
                "meets_target": s["median_ms"] < TARGET_MEDIAN_MS and s["p95_ms"] < TARGET_P95_MS,
            }
        )
    return rows


def measure(
    *, requests: int = 20, warmup: int = 3, pages=PAGES, writes: bool = False, miss_requests: int | None = None
) -> dict:
    from unittest import mock

    from django.core.cache.backends.dummy import DummyCache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from campaign import selectors as campaign_selectors
    from campaign.models import Campaign, Unit

    campaign = Campaign.objects.order_by("-start_date", "-batch", "-pk").first()
    if campaign is None:
        raise SystemExit("No campaign: run `manage.py generate_scale` first.")
    who = people(campaign)
    present, missing = available(pages)
    clients = {}
    for role, user in who.items():
        client = Client(HTTP_HOST="localhost")
        client.force_login(user)
        clients[role] = client
    today = timezone.localdate()
    midway = campaign.start_date + (min(today, campaign.end_date) - campaign.start_date) / 2
    rows = []
    for name, path, role in present:
        path = path.format(midway=midway.isoformat())
        client = clients[role]
        statuses = set()

        def get(client=client, path=path, statuses=statuses):
            response = client.get(path, HTTP_ACCEPT="text/html,application/json")
            statuses.add(response.status_code)
            return response

        cpu = time.process_time()
        ms = timed(get, runs=requests, warmup=warmup)
        cpu_ms = (time.process_time() - cpu) * 1000 / (requests + warmup)
        with CaptureQueriesContext(connection) as ctx:
            response = get()
        queries = len(ctx.captured_queries)  # now: the log is read lazily, and more requests follow
        s = stats(ms)
        miss = {}
        if name in CACHED_COUNTS:
            nothing = DummyCache("bench", {})
            with mock.patch.object(campaign_selectors, "cache", nothing):
                m = stats(timed(get, runs=miss_requests or requests, warmup=0))
            miss = {"miss_median_ms": m["median_ms"], "miss_p95_ms": m["p95_ms"]}
        rows.append(
            {
                "page": name,
                "path": path,
                "as": role,
                "status": sorted(statuses),
                "bytes": len(response.content),
                "queries": queries,
                "cpu_ms": round(cpu_ms, 1),
                **s,
                **miss,
                "meets_target": s["median_ms"] < TARGET_MEDIAN_MS and s["p95_ms"] < TARGET_P95_MS,
            }
        )
    if writes:
        rows.extend(measure_writes(requests=requests))
    return {
        "campaign": campaign.pk,
        "units": Unit.objects.filter(campaign=campaign).count(),
        "requests": requests,
        "pages": rows,
        "missing_pages": missing,
        "targets": {"median_ms": TARGET_MEDIAN_MS, "p95_ms": TARGET_P95_MS},
        "machine": machine(),
    }


def query_counts_equal(results: list[dict]) -> list[str]:
    """The pages whose query count differs between the results (data sizes)."""
    counts: dict[str, set[int]] = {}
    for res in results:
        for p in res["pages"]:
            counts.setdefault(p["page"], set()).add(p["queries"])
    return [page for page, seen in counts.items() if len(seen) > 1]


def print_result(results: list[dict]) -> None:
    headers = ["units", "page", "as", "status", "queries", "CPU ms", "median ms", "p95 ms", "target", "cache miss ms"]
    body = []
    for res in results:
        for p in res["pages"]:
            miss = f"{p['miss_median_ms']} / {p['miss_p95_ms']}" if "miss_median_ms" in p else ""
            body.append(
                [res["units"], p["page"], p["as"], ",".join(map(str, p["status"])), p["queries"], p.get("cpu_ms", ""),
                 p["median_ms"],
                 p["p95_ms"], "met" if p["meets_target"] else "MISSED", miss]
            )  # fmt: skip
    print(table(headers, body))
    for res in results:
        if res["missing_pages"]:
            print(f"not in this checkout: {', '.join(res['missing_pages'])}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument(
        "--miss-requests", type=int, default=0, help="Cache-miss requests per cached page (default: --requests)."
    )
    parser.add_argument("--only", nargs="*", default=[], help="Only these pages (names as in the table).")
    parser.add_argument("--databases", nargs="*", default=[], help="Run once per database URL, side by side.")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument(
        "--no-writes", action="store_true", help="Do not time open and submit (they write, then reset the week)."
    )
    args = parser.parse_args(argv)
    if args.databases:
        extra = ["--miss-requests", str(args.miss_requests)] + (["--only", *args.only] if args.only else [])
        results = run_children(
            __file__,
            args.databases,
            ["--requests", str(args.requests), "--warmup", str(args.warmup), *extra]
            + (["--no-writes"] if args.no_writes else []),
        )
        print_result(results)
        differ = query_counts_equal(results)
        emit("pages", {"results": results, "query_counts_constant": not differ, "differ": differ})
        if differ:
            print(f"QUERY COUNT GROWS WITH THE DATA: {', '.join(differ)}", file=sys.stderr)
            return 1
        return 0
    setup_django()
    pages = [page for page in PAGES if not args.only or page[0] in args.only]
    result = measure(
        requests=args.requests,
        warmup=args.warmup,
        pages=pages,
        writes=not args.no_writes,
        miss_requests=args.miss_requests,
    )
    if not args.child:
        print_result([result])
    emit("pages", result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
