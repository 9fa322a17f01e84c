"""Small versions of the benchmarks (bench/), so that they keep running: the generator, the
roll-ups against their floor, the pages and the load test, each at a tiny size. No timing is
asserted here; what is asserted is that each produces its table and JSON line, that the floor
computes the same numbers as the roll-up, and that query counts do not grow with the data."""

import importlib.util
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from bench import check, load, pages, rollups
from campaign.models import Campaign, Unit, User
from rectification.models import Measure, Problem
from scale.generate import generate
from tasks.models import WeeklyProgress

ROOT = Path(__file__).resolve().parents[2]


def _json_line(text: str) -> dict:
    lines = [ln for ln in text.splitlines() if ln.startswith("{")]
    assert lines, text
    return json.loads(lines[-1])


@pytest.mark.django_db
def test_generate_scale_builds_a_consistent_campaign_without_history():
    out = io.StringIO()
    call_command("generate_scale", units=20, weeks=3, quiet=True, stdout=out)
    result = _json_line(out.getvalue())["generate_scale"]
    campaign = Campaign.objects.get(pk=result["campaign_id"])
    assert Unit.objects.filter(campaign=campaign).count() == 20
    reports = WeeklyProgress.objects.filter(unit__campaign=campaign)
    # ~97% of unit-weeks have a report; a unit has one per week at most (the unique key holds).
    assert 50 <= reports.count() <= 60
    assert result["rows"]["Problem"] == 20 * 20
    assert result["rows"]["Measure"] == Measure.objects.filter(problem__campaign=campaign).count()
    # A problem is closed exactly when it has measures and all of them are closed.
    for problem in Problem.objects.filter(campaign=campaign).prefetch_related("measures")[:100]:
        statuses = {m.status for m in problem.measures.all()}
        assert (problem.status == "closed") == (bool(statuses) and statuses == {"closed"})
    # Generated data leaves no history rows and shares one password hash.
    assert Unit.history.count() == 0 and WeeklyProgress.history.count() == 0
    generated = User.objects.filter(username__contains="-liaison-")
    assert generated.count() >= 20
    assert generated.values("password").distinct().count() == 1
    assert "total" in out.getvalue()


@pytest.mark.django_db
def test_generate_scale_refuses_to_run_in_production(settings):
    settings.APP_ENV = "production"
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="production"):
        call_command("generate_scale", units=2, weeks=1, quiet=True, stdout=io.StringIO())
    assert not Campaign.objects.exists()


@pytest.mark.django_db
def test_rollup_bench_floor_agrees_and_queries_do_not_grow(capsys):
    counts = []
    for units in (10, 25):
        with transaction.atomic():
            generate(units=units, weeks=3, seed=units)
            result = rollups.measure(runs=1, warmup=0)
            transaction.set_rollback(True)
        assert result["units"] == units
        assert all(p["same_numbers"] for p in result["periods"]), result["periods"]
        counts.append([p["queries"] for p in result["periods"]])
        rollups.print_result([result])
    assert counts[0] == counts[1]
    printed = capsys.readouterr().out
    assert "run/floor" in printed and "week 2" in printed


@pytest.mark.django_db
def test_pages_bench_answers_every_page_with_constant_queries(capsys):
    results = []
    for units in (10, 25):
        with transaction.atomic():
            generate(units=units, weeks=3, seed=units)
            results.append(pages.measure(requests=1, warmup=1))
            transaction.set_rollback(True)
    for result in results:
        assert result["pages"], "no page of the benchmark exists"
        assert all(p["status"] == [200] for p in result["pages"]), result["pages"]
    assert pages.query_counts_equal(results) == []
    pages.print_result(results)
    pages.emit("pages", {"results": results})
    out = capsys.readouterr().out
    assert "median ms" in out
    assert _json_line(out)["bench"] == "pages"


@pytest.mark.skipif(importlib.util.find_spec("locust") is None, reason="locust is not installed (requirements-dev.txt)")
def test_load_bench_submits_reports_without_loss_or_duplicates(live_server, transactional_db, tmp_path):
    generate(units=12, weeks=2, seed=3)
    plan = load.plan(inspectors=2)
    assert len(plan["liaisons"]) == 12
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(json.dumps(plan))
    out_file = tmp_path / "submitted.json"
    env = {
        **os.environ,
        "BENCH_LOAD_PLAN": str(plan_file),
        "BENCH_LOAD_OUT": str(out_file),
        "BENCH_WAIT": "0.05,0.1",
    }
    run = subprocess.run(
        [sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "locustfile.py"), "--headless", "-u", "3",
         "-r", "3", "--run-time", "15s", "--host", live_server.url, "--csv", str(tmp_path / "locust"),
         "--only-summary", "--exit-code-on-error", "0"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-2000:]
    submitted = json.loads(out_file.read_text())["submitted_units"]
    assert submitted, run.stderr[-2000:]
    counts = load.count_rows(campaign_id=plan["campaign"], week_start=plan["week_start"], submitted_units=submitted)
    assert counts["lost"] == 0 and counts["duplicates"] == 0 and counts["acknowledged_twice"] == 0
    stats = {row["Name"]: row for row in load._parse_stats(tmp_path / "locust_stats.csv")}
    assert int(stats["Aggregated"]["Failure Count"]) == 0, (tmp_path / "locust_failures.csv").read_text()


@pytest.mark.django_db
def test_generated_measures_obey_the_rules_the_services_keep():
    """The generator writes around the services, so it writes what they would have: a later
    deadline only with its approved extension (asked before the original deadline), and a
    closed measure whose last progress entry is its 100%."""
    from django.db.models import F, OuterRef, Subquery

    from rectification.models import Extension, MeasureProgress

    out = io.StringIO()
    call_command("generate_scale", units=20, weeks=3, quiet=True, stdout=out)
    measures = Measure.objects.filter(problem__campaign_id=_json_line(out.getvalue())["generate_scale"]["campaign_id"])
    for measure in measures.filter(extension_count__gt=0):
        extension = Extension.objects.get(measure=measure, status="approved")
        assert (extension.old_deadline, extension.new_deadline) == (measure.original_deadline, measure.deadline)
        assert extension.requested_at.date() <= measure.original_deadline
    assert not measures.filter(extension_count=0).exclude(deadline=F("original_deadline")).exists()
    last = MeasureProgress.objects.filter(measure=OuterRef("pk")).order_by("-reported_on", "-id").values("percent")[:1]
    closed = measures.filter(status="closed").annotate(last_percent=Subquery(last))
    assert closed.exists() and set(closed.values_list("last_percent", flat=True)) == {100}


@pytest.mark.django_db
def test_the_check_benchmark_times_the_worker_per_report_one_by_one_and_in_a_batch():
    call_command("generate_scale", units=20, weeks=3, quiet=True, stdout=io.StringIO())
    one_by_one = check.measure(reports=4)
    together = check.measure(reports=4, batch=4)
    assert one_by_one["checks"] == together["checks"] == 4
    assert one_by_one["cpu_ms"]["runs"] == 4 and together["cpu_ms"]["runs"] == 1
    assert one_by_one["server_ms"]["runs"] == 4 and one_by_one["explain"]  # PostgreSQL's own times, the plan
    # The batch's reads are shared: fewer statements per report than a check alone.
    assert together["statements"]["max"] < one_by_one["statements"]["median"]
    check.print_result(together)


@pytest.mark.django_db
def test_the_profiling_loop_repeats_a_page_and_open_and_submit_and_leaves_the_week_as_it_was():
    from bench import profile_requests
    from tasks import weeks

    generate(units=10, weeks=3, seed=5)
    week = WeeklyProgress.objects.filter(week_start=weeks.current_week_start())
    before = week.count()
    for name in ("figures", profile_requests.WRITES):
        result = profile_requests.run(name, seconds=0.05, warmup=1)
        assert result["calls"] >= 1 and result["cpu_ms_per_call"] > 0
    assert profile_requests.run("figures", seconds=0.01, warmup=0, cache_miss=True)["calls"] >= 1
    assert week.count() == before  # the reports opened and submitted are removed after


def test_the_profile_summary_counts_only_the_requests_by_frame_and_area():
    from bench import profile_summary

    root = "process 1;<module> (bench/profile_requests.py:1);run (/x/bench/profile_requests.py:9)"
    request = f"{root};_repeat (/x/bench/profile_requests.py:130);request (/x/bench/profile_requests.py:60)"
    view = "figures (/x/reporting/views/figures.py:20)"
    lines = [
        f"{root};setup (/v/lib/python3.11/site-packages/django/__init__.py:24) 50",
        f"{request};{view};_execute (/v/lib/python3.11/site-packages/django/db/backends/utils.py:103) 30",
        f"{request};{view};render (/v/lib/python3.11/site-packages/django/template/base.py:1008) 10",
    ]
    result = profile_summary.summarise(lines, top=5)
    assert result["samples"] == 40  # the set-up left out
    assert result["self"][0] == ("_execute (django/db/backends/utils.py)", 30, 75.0)
    assert {a: n for a, n, _ in result["areas"]} == {
        "SQL: the driver, waits on PostgreSQL": 30,
        "templates": 10,
    }
    assert result["total"] == [("figures (reporting/views/figures.py)", 40, 100.0)]
    assert profile_summary.summarise(lines, under="render")["samples"] == 10
