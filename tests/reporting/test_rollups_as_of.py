"""Past periods stand as they were at their end: later sign-offs, reopenings, progress,
extensions and reviews leave them; only a back-entered record changes them, and the change is
recorded with its reason and shown on the roll-ups page."""

import datetime as dt

import time_machine
from django.urls import reverse

from rectification.services import measures as rect
from reporting.models import RollupChange, Summary
from reporting.services.rollups import rollup_run, rollup_scheduled
from tests.support import at, numeric_measure

W40 = dt.date(2026, 9, 28)  # Monday of ISO week 2026-W40
OCTOBER = dt.date(2026, 10, 1)


def stored(campaign, kind, start):
    return {s.unit_key: s.figures for s in Summary.objects.filter(campaign=campaign, kind=kind, period_start=start)}


def _measure(world, unit, *, found_on, start, deadline, created):
    return numeric_measure(world, unit, created=created, start=start, deadline=deadline, found_on=found_on)


def _scenario(world, close_measure):
    """Unit A: a problem found 09-29 whose measure closed 10-05; a second measure due 10-20,
    behind its line. Unit B: a measure due 10-10 that nobody closed in October."""
    closed_early = _measure(
        world,
        world.unit_a,
        found_on=W40 + dt.timedelta(days=1),
        start=W40,
        deadline=dt.date(2026, 10, 31),
        created=dt.date(2026, 10, 4),
    )
    close_measure(closed_early, dt.date(2026, 10, 5))
    behind = _measure(
        world,
        world.unit_a,
        found_on=W40 + dt.timedelta(days=2),
        start=W40,
        deadline=dt.date(2026, 10, 20),
        created=dt.date(2026, 10, 4),
    )
    overdue = _measure(
        world,
        world.unit_b,
        found_on=W40 + dt.timedelta(days=3),
        start=W40,
        deadline=dt.date(2026, 10, 10),
        created=dt.date(2026, 10, 4),
    )
    return closed_early, behind, overdue


def test_past_week_and_month_stay_equal_after_later_sign_offs_progress_and_beats_refresh(world, close_measure):
    closed_early, behind, overdue = _scenario(world, close_measure)
    with time_machine.travel(at(dt.date(2026, 11, 2), 9), tick=False):
        rollup_run(campaign=world.campaign, kind="weekly", day=W40)
        rollup_run(campaign=world.campaign, kind="monthly", day=OCTOBER)
    week, month = stored(world.campaign, "weekly", W40), stored(world.campaign, "monthly", OCTOBER)
    assert week[0]["problems_found"] == 3 and week[0]["light_closed"] == 0
    assert month[0]["measures_closed"] == 1 and month[0]["light_red"] == 2 and month[0]["light_closed"] == 1

    # Weeks later: everything is closed, reopened and closed again, progress and an extension come in.
    with time_machine.travel(at(dt.date(2026, 11, 20), 11), tick=False):
        rect.measure_progress_record(by=world.office, measure=behind, value_reached=100)
        rect.measure_reopen(by=world.office, measure=closed_early, reason="群众重复举报")
    close_measure(behind, dt.date(2026, 11, 24))
    close_measure(overdue, dt.date(2026, 11, 25))
    close_measure(closed_early, dt.date(2026, 11, 26))
    # Beat's refresh of the previous period, and an explicit re-run of both.
    with time_machine.travel(at(dt.date(2026, 12, 1), 8), tick=False):
        rollup_scheduled(kind="monthly")
    with time_machine.travel(at(dt.date(2026, 12, 1), 9), tick=False):
        rollup_run(campaign=world.campaign, kind="weekly", day=W40)
        rollup_run(campaign=world.campaign, kind="monthly", day=OCTOBER)

    assert stored(world.campaign, "weekly", W40) == week
    assert stored(world.campaign, "monthly", OCTOBER) == month
    assert not RollupChange.objects.exists()


def test_a_measure_closed_on_10_05_is_closed_as_of_10_10_and_open_as_of_10_01_and_between_reopen_and_reclose(
    world, close_measure
):
    from rectification.models import Measure
    from rectification.selectors import light_counts

    closed_early, _behind, _overdue = _scenario(world, close_measure)
    with time_machine.travel(at(dt.date(2026, 10, 12)), tick=False):
        rect.measure_reopen(by=world.office, measure=closed_early, reason="抽查未达标")
    close_measure(closed_early, dt.date(2026, 10, 16))
    one = Measure.objects.filter(pk=closed_early.pk)
    with time_machine.travel(at(dt.date(2026, 11, 30)), tick=False):
        assert light_counts(one, dt.date(2026, 10, 1))["closed"] == 0
        assert light_counts(one, dt.date(2026, 10, 5))["closed"] == 1
        assert light_counts(one, dt.date(2026, 10, 10))["closed"] == 1
        assert light_counts(one, dt.date(2026, 10, 13))["closed"] == 0
        assert light_counts(one, dt.date(2026, 10, 16))["closed"] == 1


def test_back_entered_problem_changes_the_past_week_and_the_change_is_shown_with_its_reason(
    world, close_measure, client
):
    _scenario(world, close_measure)
    with time_machine.travel(at(dt.date(2026, 10, 5), 9), tick=False):
        rollup_run(campaign=world.campaign, kind="weekly", day=W40)
    before = stored(world.campaign, "weekly", W40)
    with time_machine.travel(at(dt.date(2026, 11, 30), 10), tick=False):
        late = rect.problem_create(
            by=world.office, campaign=world.campaign, unit=world.unit_b, title="迟报问题", found_on=dt.date(2026, 10, 3)
        )
        run = rollup_run(campaign=world.campaign, kind="weekly", day=W40, by=world.office)
    after = stored(world.campaign, "weekly", W40)
    assert after[0]["problems_found"] == before[0]["problems_found"] + 1
    assert after[world.unit_b.pk]["problems_found"] == before[world.unit_b.pk]["problems_found"] + 1
    assert after[world.unit_a.pk] == before[world.unit_a.pk]
    change = RollupChange.objects.get(run=run, unit=world.unit_b, figure="problems_found")
    assert (change.before, change.after) == (1, 2)
    assert change.reasons == [f"问题{late.code}于2026-10-03发现，2026-11-30才录入。"]

    client.force_login(world.office)
    with time_machine.travel(at(dt.date(2026, 11, 30), 11), tick=False):
        page = client.get(reverse("reporting-rollups") + "?kind=weekly").content.decode()
    assert "于2026-10-03发现，2026-11-30才录入" in page and world.unit_b.name in page


def test_a_locked_past_period_is_not_changed_by_a_back_entry(world, close_measure):
    from reporting.services.rollups import period_lock

    _scenario(world, close_measure)
    with time_machine.travel(at(dt.date(2026, 10, 5), 9), tick=False):
        rollup_run(campaign=world.campaign, kind="weekly", day=W40)
        period_lock(campaign=world.campaign, kind="weekly", start=W40, by=world.office)
    before = stored(world.campaign, "weekly", W40)
    with time_machine.travel(at(dt.date(2026, 11, 30), 10), tick=False):
        rect.problem_create(
            by=world.office, campaign=world.campaign, unit=world.unit_b, title="迟报问题", found_on=dt.date(2026, 10, 3)
        )
        rollup_run(campaign=world.campaign, kind="weekly", day=W40)
    assert stored(world.campaign, "weekly", W40) == before
    assert not RollupChange.objects.exists()


def test_a_report_accepted_after_the_week_counts_as_waiting_in_that_week(world):
    from tasks.models import ReportTransition
    from tests.factories import WeeklyProgressFactory

    accepted = at(dt.date(2026, 10, 8), 9)
    report = WeeklyProgressFactory(
        unit=world.unit_a,
        week_start=W40,
        submitted=True,
        status="accepted",
        reviewed_at=accepted,
        created_by=world.office,
    )
    submitted = report.first_submitted_at
    for action, before, after, moment in (
        ("submit", "draft", "submitted", submitted),
        ("accept", "submitted", "accepted", accepted),
    ):
        transition = ReportTransition.objects.create(
            report=report, action=action, from_status=before, to_status=after, by=world.office
        )
        ReportTransition.objects.filter(pk=transition.pk).update(at=moment)
    with time_machine.travel(at(dt.date(2026, 11, 30)), tick=False):
        rollup_run(campaign=world.campaign, kind="weekly", day=W40)
        rollup_run(campaign=world.campaign, kind="weekly", day=dt.date(2026, 10, 5))
    week40 = stored(world.campaign, "weekly", W40)[world.unit_a.pk]
    week41 = stored(world.campaign, "weekly", dt.date(2026, 10, 5))[world.unit_a.pk]
    assert (week40["reports_submitted"], week40["reports_accepted"]) == (1, 0)
    assert week41["reports_submitted"] == 0  # W41's own report is missing; W40's was accepted in W41
