"""Repeat one request of bench/pages.py for some seconds, for a sampling profiler to watch.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/campaign_bench \
    .venv/bin/py-spy record --format raw -o var/bench/profiles/grid-10k.txt -- \
        .venv/bin/python bench/profile_requests.py "unit × week grid" --seconds 20

NAME is a page of bench/pages.py (its name in the table: "unit × week grid", "figures",
"office dashboard", …) requested as pages.py does (Django's test client, `force_login` as the
office or an inspection-group leader), or `open+submit`: the liaison's open and one-step submit
through the API, each pair for another unit with no report this week; the week's reports written
are removed at the end (bench/load.py reset_week), as pages.py does. `--cache-miss` requests the
page with the per-day counts' cache missing every time (pages.py's "cache miss" column).

The requests run inside `_repeat`, so a profile can be cut to them (the set-up left out):
`bench/profile_summary.py` keeps only the samples under `_repeat`.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import emit, setup_django

WRITES = "open+submit"


def page_request(name: str, *, cache_miss: bool = False):
    """A function making one request of the page `name` of bench/pages.py, and a context to run it in."""
    from unittest import mock

    from django.core.cache.backends.dummy import DummyCache
    from django.test import Client
    from django.utils import timezone

    from bench import pages
    from campaign import selectors as campaign_selectors
    from campaign.models import Campaign

    found = [page for page in pages.PAGES if page[0] == name]
    if not found:
        raise SystemExit(f"No page {name!r}; one of: {WRITES!r}, " + ", ".join(repr(p[0]) for p in pages.PAGES))
    _, path, role = found[0]
    campaign = Campaign.objects.order_by("-start_date", "-batch", "-pk").first()
    if campaign is None:
        raise SystemExit("No campaign: run `manage.py generate_scale` first.")
    today = timezone.localdate()
    midway = campaign.start_date + (min(today, campaign.end_date) - campaign.start_date) / 2
    path = path.format(midway=midway.isoformat())
    client = Client(HTTP_HOST="localhost")
    client.force_login(pages.people(campaign)[role])

    def request():
        response = client.get(path, HTTP_ACCEPT="text/html,application/json")
        if response.status_code != 200:
            raise SystemExit(f"{name}: {response.status_code}")

    context = (
        mock.patch.object(campaign_selectors, "cache", DummyCache("bench", {}))
        if cache_miss
        else contextlib.nullcontext()
    )
    return request, context


@contextlib.contextmanager
def open_and_submit():
    """A function opening and submitting one unit's report through the API as its liaison, for
    the next unit with no report this week each time; the week's reports are removed after."""
    from django.db.models import Exists, OuterRef
    from rest_framework.test import APIClient

    from bench.common import report_body
    from bench.load import reset_week
    from campaign.models import Campaign, Liaison, Unit
    from tasks import weeks
    from tasks.models import KeyTask, WeeklyProgress

    campaign = Campaign.objects.order_by("-start_date", "-batch", "-pk").first()
    week_start = weeks.current_week_start()
    week = weeks.week_label(week_start)
    units = iter(
        Unit.objects.filter(campaign=campaign, is_active=True)
        .exclude(Exists(WeeklyProgress.objects.filter(unit=OuterRef("pk"), week_start=week_start)))
        .order_by("pk")
        .values_list("pk", flat=True)
    )

    def request():
        unit_id = next(units)  # StopIteration: every unit has reported this week
        user = Liaison.objects.filter(unit_id=unit_id).select_related("user").first().user
        tasks = sorted(
            set(KeyTask.objects.filter(campaign=campaign, lead_unit_id=unit_id).values_list("pk", flat=True))
            | set(KeyTask.objects.filter(campaign=campaign, cooperating_units=unit_id).values_list("pk", flat=True))
        )[:6]
        client = APIClient(HTTP_HOST="localhost")
        client.force_authenticate(user)
        opened = client.post("/api/v1/progress-reports/", {"unit": unit_id, "week": week}, format="json")
        if opened.status_code not in (200, 201):
            raise SystemExit(f"open: {opened.status_code} {opened.content[:300]!r}")
        report = opened.json()
        body = report_body(report["version"], unit_id, tasks)
        submitted = client.post(f"/api/v1/progress-reports/{report['id']}/submit/", body, format="json")
        if submitted.status_code != 200:
            raise SystemExit(f"submit: {submitted.status_code} {submitted.content[:300]!r}")

    try:
        yield request
    finally:
        reset_week()


def _repeat(request, *, seconds: float) -> dict:
    """Call `request` for `seconds` (at least once): the calls and their wall and CPU time."""
    calls, started, cpu = 0, time.perf_counter(), time.process_time()
    while calls == 0 or time.perf_counter() - started < seconds:
        request()
        calls += 1
    return {
        "calls": calls,
        "wall_ms_per_call": round((time.perf_counter() - started) * 1000 / calls, 1),
        "cpu_ms_per_call": round((time.process_time() - cpu) * 1000 / calls, 1),
    }


def run(name: str, *, seconds: float = 20, warmup: int = 2, cache_miss: bool = False) -> dict:
    """`warmup` requests (outside `_repeat`: imports, compiled templates), then `seconds` of them."""
    with contextlib.ExitStack() as stack:
        if name == WRITES:
            request = stack.enter_context(open_and_submit())
        else:
            request, context = page_request(name, cache_miss=cache_miss)
            stack.enter_context(context)
        for _ in range(warmup):
            request()
        done = _repeat(request, seconds=seconds)
    return {"request": name, "cache_miss": cache_miss, "seconds": seconds, **done}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("name", help=f"A page of bench/pages.py (its name in the table), or {WRITES!r}.")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--cache-miss", action="store_true", help="The per-day counts' cache missing every time.")
    args = parser.parse_args(argv)
    setup_django()
    emit("profile_requests", run(args.name, seconds=args.seconds, warmup=args.warmup, cache_miss=args.cache_miss))
    return 0


if __name__ == "__main__":
    sys.exit(main())
