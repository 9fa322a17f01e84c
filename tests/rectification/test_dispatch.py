"""The bi-weekly dispatch job: opens the round, reminds those who have not updated (once),
records who missed it; running it twice changes nothing."""

import datetime as dt

import pytest
import time_machine

from campaign.models import Notification
from rectification.models import DispatchMiss, DispatchRound
from rectification.services import dispatch
from rectification.services import measures as services
from tests.rectification.conftest import at


@pytest.fixture
def fortnights(world):
    # Rounds: 1 = 28 Sep–11 Oct, 2 = 12–25 Oct, 3 = 26 Oct–8 Nov.
    world.campaign.start_date = dt.date(2026, 9, 28)
    world.campaign.save()
    return world


def test_job_opens_the_round_the_day_falls_in(fortnights):
    with time_machine.travel(at(dt.date(2026, 10, 14)), tick=False):
        result = dispatch.dispatch_run(campaign=fortnights.campaign)
    assert result["round"] == 2
    round_ = DispatchRound.objects.get(campaign=fortnights.campaign, number=2)
    assert (round_.opens_on, round_.due_on) == (dt.date(2026, 10, 12), dt.date(2026, 10, 25))


def test_reminds_liaisons_of_units_without_an_update_once(fortnights, make_measure):
    world = fortnights
    done = make_measure(unit=world.unit_b, start_date=dt.date(2026, 9, 28), deadline=dt.date(2026, 12, 31))
    make_measure(unit=world.unit_a, start_date=dt.date(2026, 9, 28), deadline=dt.date(2026, 12, 31))
    with time_machine.travel(at(dt.date(2026, 10, 13)), tick=False):
        services.measure_progress_record(by=world.liaison_b, measure=done, value_reached=20)
    with time_machine.travel(at(dt.date(2026, 10, 20)), tick=False):
        dispatch.dispatch_run(campaign=world.campaign)  # too early: no reminder yet
    assert not Notification.objects.filter(key__startswith="rect-dispatch").exists()
    with time_machine.travel(at(dt.date(2026, 10, 23)), tick=False):
        dispatch.dispatch_run(campaign=world.campaign)
        dispatch.dispatch_run(campaign=world.campaign)
    with time_machine.travel(at(dt.date(2026, 10, 24)), tick=False):
        dispatch.dispatch_run(campaign=world.campaign)
    reminders = Notification.objects.filter(key__startswith="rect-dispatch")
    assert list(reminders.values_list("user__username", flat=True)) == ["liaison_a"]


def test_records_who_missed_a_round_once(fortnights, make_measure):
    world = fortnights
    updated = make_measure(start_date=dt.date(2026, 9, 28), deadline=dt.date(2026, 12, 31))
    missed = make_measure(start_date=dt.date(2026, 9, 28), deadline=dt.date(2026, 12, 31))
    not_started = make_measure(start_date=dt.date(2026, 11, 1), deadline=dt.date(2026, 12, 31))
    with time_machine.travel(at(dt.date(2026, 10, 5)), tick=False):
        dispatch.dispatch_run(campaign=world.campaign)
        services.measure_progress_record(by=world.liaison_a, measure=updated, value_reached=20)
    with time_machine.travel(at(dt.date(2026, 10, 12)), tick=False):
        first = dispatch.dispatch_run(campaign=world.campaign)
        second = dispatch.dispatch_run(campaign=world.campaign)
    assert first["missed"] == 1 and second["missed"] == 0
    assert list(DispatchMiss.objects.values_list("measure_id", flat=True)) == [missed.pk]
    missed.refresh_from_db()
    updated.refresh_from_db()
    not_started.refresh_from_db()
    assert missed.missed_last_round and not updated.missed_last_round and not not_started.missed_last_round


def test_rerunning_the_job_keeps_the_same_rows(fortnights, make_measure):
    make_measure(start_date=dt.date(2026, 9, 28), deadline=dt.date(2026, 12, 31))
    with time_machine.travel(at(dt.date(2026, 11, 6)), tick=False):
        dispatch.dispatch_run(campaign=fortnights.campaign)
        counts = (DispatchRound.objects.count(), DispatchMiss.objects.count(), Notification.objects.count())
        dispatch.dispatch_run(campaign=fortnights.campaign)
    assert (DispatchRound.objects.count(), DispatchMiss.objects.count(), Notification.objects.count()) == counts
    assert counts[0] == 3 and counts[1] == 2  # rounds 1 and 2 missed; round 3 still open


def test_the_celery_task_runs_the_job_for_running_campaigns(fortnights):
    from rectification.tasks import run_dispatch

    with time_machine.travel(at(dt.date(2026, 10, 14)), tick=False):
        assert run_dispatch() == [{"round": 2, "missed": 0, "reminded": 0}]


def test_the_job_is_scheduled(settings):
    tasks = {entry["task"] for entry in getattr(settings, "CELERY_BEAT_SCHEDULE", {}).values()}
    try:  # the schedule may live in the database, installed from reporting.schedule
        from reporting.schedule import ENTRIES
    except ImportError:
        ENTRIES = {}
    tasks |= {task for task, _when, _kwargs in ENTRIES.values()}
    assert "rectification.tasks.run_dispatch" in tasks


def test_owing_filter_lists_measures_without_an_update_this_round(fortnights, make_measure, api_as):
    world = fortnights
    done = make_measure(start_date=dt.date(2026, 9, 28), deadline=dt.date(2026, 12, 31))
    owing = make_measure(start_date=dt.date(2026, 9, 28), deadline=dt.date(2026, 12, 31))
    with time_machine.travel(at(dt.date(2026, 10, 14)), tick=False):
        services.measure_progress_record(by=world.liaison_a, measure=done, value_reached=20)
        rows = api_as(world.liaison_a).get("/api/v1/measures/?owing=true").json()["results"]
    assert [row["id"] for row in rows] == [owing.pk]
