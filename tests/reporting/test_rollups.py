"""Roll-ups against hand-built records: the figures, re-runs, late reports, locks, query counts."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from campaign.models import WorkLine
from reporting.models import RollupRun, Summary
from reporting.services.rollups import compute_period, period_lock, period_unlock, rollup_run
from tasks.models import KeyTask
from tests.factories import UnitFactory
from tests.reporting.conftest import MONDAY, at

FRIDAY = MONDAY + dt.timedelta(days=4)
SUNDAY = MONDAY + dt.timedelta(days=6)


def rows(campaign, kind="weekly", start=MONDAY):
    return {
        s.unit_key: (s.figures, s.change, s.period_end)
        for s in Summary.objects.filter(campaign=campaign, kind=kind, period_start=start)
    }


@pytest.fixture
def week(world, make_report, make_measure, close_measure):
    """W48: unit A on time and accepted, unit B late, unit C missing; measures of A: one found
    and closed this week, one overdue since Wednesday; a key task of B overdue."""
    make_report(world.unit_a, status="accepted")
    make_report(world.unit_b, late=True)
    make_report(world.unit_a, week_start=MONDAY - dt.timedelta(days=7), status="returned")
    done = make_measure(world.unit_a)
    close_measure(done, MONDAY + dt.timedelta(days=2))
    make_measure(world.unit_a, created=dt.date(2026, 11, 2), deadline=MONDAY + dt.timedelta(days=1))
    make_measure(world.unit_b, created=dt.date(2026, 11, 2))
    KeyTask.objects.create(
        campaign=world.campaign,
        number=1,
        title="集团整改",
        work_line=WorkLine.objects.get(code="rectification"),
        lead_unit=world.unit_b,
        deadline=MONDAY,
    )
    return world


def test_weekly_summary_counts_reports_measures_closures_and_tasks_per_unit_and_overall(week):
    with time_machine.travel(at(SUNDAY, 22), tick=False):
        run = rollup_run(campaign=week.campaign, kind="weekly", day=FRIDAY)
    assert run.status == RollupRun.Status.SUCCEEDED and run.rows == 4
    stored = rows(week.campaign)
    a, b, c, overall = (stored[week.unit_a.pk][0], stored[week.unit_b.pk][0], stored[week.unit_c.pk][0], stored[0][0])
    assert stored[0][2] == SUNDAY
    assert (a["reports_due"], a["reports_submitted"], a["reports_on_time"], a["reports_accepted"]) == (1, 1, 1, 1)
    assert (b["reports_submitted"], b["reports_late"], b["reports_missing"]) == (1, 1, 0)
    assert (c["reports_submitted"], c["reports_missing"]) == (0, 1)
    assert (a["measures_found"], a["measures_closed"], a["closures_signed_off"]) == (1, 1, 1)
    assert (a["measures_overdue"], a["measures_new_overdue"], a["light_red"], a["light_closed"]) == (1, 1, 1, 1)
    assert b["measures_found"] == 0 and b["light_red"] == 0
    assert b["tasks_overdue"] == 1 and a["tasks_overdue"] == 0
    assert overall["reports_submitted"] == 2 and overall["reports_missing"] == 1
    assert overall["measures_found"] == 1 and overall["problems_found"] == 1 and overall["problems_closed"] == 1


def test_running_a_period_twice_leaves_identical_rows(week):
    with time_machine.travel(at(SUNDAY, 22), tick=False):
        rollup_run(campaign=week.campaign, kind="weekly", day=FRIDAY)
        first = rows(week.campaign)
        ids = set(Summary.objects.values_list("pk", flat=True))
        rollup_run(campaign=week.campaign, kind="weekly", day=MONDAY)
    assert rows(week.campaign) == first
    assert set(Summary.objects.values_list("pk", flat=True)) == ids


def test_a_rerun_with_nothing_new_writes_no_summary_row_and_records_none_written(week):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with time_machine.travel(at(SUNDAY, 22), tick=False):
        first = rollup_run(campaign=week.campaign, kind="weekly", day=FRIDAY)
    written = {s.unit_key: s.computed_at for s in Summary.objects.filter(kind="weekly")}
    with time_machine.travel(at(SUNDAY, 23), tick=False), CaptureQueriesContext(connection) as ctx:
        again = rollup_run(campaign=week.campaign, kind="weekly", day=FRIDAY)
    assert (first.rows, again.rows) == (4, 0)
    assert again.status == RollupRun.Status.SUCCEEDED
    assert not [q for q in ctx.captured_queries if "reporting_summary" in q["sql"] and "INSERT" in q["sql"]]
    assert {s.unit_key: s.computed_at for s in Summary.objects.filter(kind="weekly")} == written


def test_a_late_report_rewrites_only_its_units_row_and_the_overall_row(week, make_report):
    rollup_run(campaign=week.campaign, kind="weekly", day=FRIDAY)
    untouched = Summary.objects.get(kind="weekly", unit=week.unit_a).computed_at
    make_report(week.unit_c, late=True)
    with time_machine.travel(at(SUNDAY + dt.timedelta(days=1)), tick=False):
        run = rollup_run(campaign=week.campaign, kind="weekly", day=FRIDAY)
    assert run.rows == 2
    assert rows(week.campaign)[week.unit_c.pk][0]["reports_late"] == 1
    assert rows(week.campaign)[0][0]["reports_late"] == 2
    assert Summary.objects.get(kind="weekly", unit=week.unit_a).computed_at == untouched


def test_a_rerun_of_the_previous_period_rewrites_the_change_of_the_next_one(week, make_report):
    rollup_run(campaign=week.campaign, kind="weekly", day=MONDAY - dt.timedelta(days=7))
    rollup_run(campaign=week.campaign, kind="weekly", day=MONDAY)
    make_report(week.unit_b, week_start=MONDAY - dt.timedelta(days=7))
    rollup_run(campaign=week.campaign, kind="weekly", day=MONDAY - dt.timedelta(days=7))
    run = rollup_run(campaign=week.campaign, kind="weekly", day=MONDAY)
    # W48's figures are the same; its change since W47 (now two reports there) is not.
    assert run.rows == 2  # unit B and the overall row
    overall = Summary.objects.get(kind="weekly", period_start=MONDAY, unit__isnull=True)
    assert overall.change["reports_submitted"] == 0


def test_the_periods_page_shows_when_a_period_was_last_run_even_if_nothing_changed(week, browser_as):
    with time_machine.travel(at(SUNDAY, 22), tick=False):
        rollup_run(campaign=week.campaign, kind="weekly", day=FRIDAY)
    with time_machine.travel(at(SUNDAY + dt.timedelta(days=2), 9), tick=False):
        rollup_run(campaign=week.campaign, kind="weekly", day=FRIDAY)
    periods = browser_as(week.office).get("/reporting/rollups/?kind=weekly").context["periods"]
    assert [p["computed"] for p in periods] == [at(SUNDAY + dt.timedelta(days=2), 9)]


def test_a_report_arriving_after_the_run_is_counted_when_the_period_is_run_again(week, make_report):
    rollup_run(campaign=week.campaign, kind="weekly", day=FRIDAY)
    assert rows(week.campaign)[week.unit_c.pk][0]["reports_missing"] == 1
    make_report(week.unit_c, late=True)
    rollup_run(campaign=week.campaign, kind="weekly", day=FRIDAY)
    figures = rows(week.campaign)[week.unit_c.pk][0]
    assert (figures["reports_missing"], figures["reports_late"]) == (0, 1)
    assert rows(week.campaign)[0][0]["reports_missing"] == 0
    assert Summary.objects.filter(kind="weekly").count() == 4


def test_change_since_the_previous_week(week, make_report):
    rollup_run(campaign=week.campaign, kind="weekly", day=MONDAY - dt.timedelta(days=7))
    rollup_run(campaign=week.campaign, kind="weekly", day=MONDAY)
    overall = Summary.objects.get(kind="weekly", period_start=MONDAY, unit__isnull=True)
    # W47: only unit A's (returned) report; W48: two reports.
    assert overall.change["reports_submitted"] == 1
    assert overall.change["measures_closed"] == 1


def test_daily_dispatch_counts_what_moved_that_day(week):
    rollup_run(campaign=week.campaign, kind="daily", day=MONDAY + dt.timedelta(days=2))
    overall = Summary.objects.get(kind="daily", unit__isnull=True)
    assert (overall.figures["measures_closed"], overall.figures["closures_signed_off"]) == (1, 1)
    assert overall.figures["reports_due"] == 0  # no deadline on a Wednesday
    rollup_run(campaign=week.campaign, kind="daily", day=FRIDAY)
    friday = Summary.objects.get(kind="daily", period_start=FRIDAY, unit__isnull=True)
    assert friday.figures["reports_due"] == 3 and friday.figures["measures_closed"] == 0


def test_monthly_summary_covers_the_calendar_month(week):
    rollup_run(campaign=week.campaign, kind="monthly", day=MONDAY)
    overall = Summary.objects.get(kind="monthly", unit__isnull=True)
    assert (overall.period_start, overall.period_end) == (dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    assert overall.figures["measures_found"] == 3  # two created on 2 November, one on the 23rd
    assert overall.figures["reports_due"] == 4 * 3  # four Friday deadlines in November, three units


def test_a_locked_period_is_not_recomputed(week, make_report):
    rollup_run(campaign=week.campaign, kind="weekly", day=FRIDAY)
    period_lock(campaign=week.campaign, kind="weekly", start=MONDAY, by=week.office)
    before = rows(week.campaign)
    make_report(week.unit_c)
    run = rollup_run(campaign=week.campaign, kind="weekly", day=FRIDAY)
    assert run.status == RollupRun.Status.SKIPPED
    assert rows(week.campaign) == before
    period_unlock(campaign=week.campaign, kind="weekly", start=MONDAY, by=week.office)
    rollup_run(campaign=week.campaign, kind="weekly", day=FRIDAY)
    assert rows(week.campaign)[week.unit_c.pk][0]["reports_missing"] == 0


def test_only_the_office_locks_a_period(week):
    rollup_run(campaign=week.campaign, kind="weekly", day=FRIDAY)
    with pytest.raises(PermissionDenied):
        period_lock(campaign=week.campaign, kind="weekly", start=MONDAY, by=week.inspector)
    assert not Summary.objects.filter(locked_at__isnull=False).exists()


def test_a_failing_run_is_recorded_with_its_error(week, monkeypatch):
    import reporting.services.rollups as rollups

    def broken(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(rollups, "compute_period", broken)
    with pytest.raises(RuntimeError):
        rollup_run(campaign=week.campaign, kind="weekly", day=FRIDAY)
    run = RollupRun.objects.get()
    assert run.status == RollupRun.Status.FAILED and "database went away" in run.error
    assert not Summary.objects.exists()


def _grow(world, make_report, make_measure, n):
    for i in range(n):
        unit = UnitFactory(campaign=world.campaign, name=f"扩展单位{n}-{i}")
        make_report(unit, late=i % 2 == 0)
        make_measure(unit)


@pytest.mark.parametrize("extra", [0, 12])
def test_the_number_of_queries_does_not_grow_with_units_and_records(
    week, make_report, make_measure, extra, django_assert_max_num_queries
):
    _grow(week, make_report, make_measure, extra)
    # 21, and on PostgreSQL the run's liveness lock taken and let go (reporting/services/rollups.py).
    with django_assert_max_num_queries(23):
        rollup_run(campaign=week.campaign, kind="weekly", day=FRIDAY)
    assert Summary.objects.filter(kind="weekly").count() == 4 + extra


def test_compute_period_uses_the_same_queries_at_two_sizes(week, make_report, make_measure, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        compute_period(campaign=week.campaign, start=MONDAY, end=SUNDAY)
    _grow(week, make_report, make_measure, 10)
    with django_assert_num_queries(len(small)):
        compute_period(campaign=week.campaign, start=MONDAY, end=SUNDAY)
