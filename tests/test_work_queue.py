"""The home pages are work queues: each role's numbers of what waits on them today, each a link
to the list of exactly what it counts (the list's count is the number, on the page and through
`GET /api/v1/work-queue/`), cut to what the person may see."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from campaign.models import Campaign, OutboxMessage, Unit, User
from rectification.models import Measure
from rectification.services import measures as rect
from reporting.models import RollupRun
from reporting.selectors.work_queue import work_queue
from tasks.models import WeeklyProgress
from tests.factories import WeeklyProgressFactory
from tests.support import at, numeric_measure

MONDAY = dt.date(2026, 11, 23)  # week 2026-W48, reports due Friday 27 November 17:00
PDF = SimpleUploadedFile("a.pdf", b"%PDF-1.4\n" + b"0" * 64, content_type="application/pdf")


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    cache.clear()
    yield
    cache.clear()


def listed(client: Client, item: dict) -> int:
    """What the page behind a work-queue line counts (its `data-count`, the review page's
    extensions, or the admin changelist's result count)."""
    url = item["url"].removeprefix("http://testserver")
    response = client.get(url)
    assert response.status_code == 200, url
    if item["key"] == "jobs_given_up":
        return response.context["cl"].result_count
    attribute = "data-extension-count" if item["key"] == "extensions_to_decide" else "data-count"
    found = re.search(rf'{attribute}="(\d+)"', response.content.decode())
    assert found, f"{url} shows no {attribute}"
    return int(found.group(1))


def walk(user: User, api_client, campaign: Campaign) -> tuple[dict[str, int], list[str]]:
    """Each line of the user's work queue (API) against its list page, and against the home page."""
    browser = Client()
    browser.force_login(user)
    body = api_client.get(f"/api/v1/work-queue/?campaign={campaign.pk}").json()
    wrong = []
    counts = {}
    home = browser.get(f"/?campaign={campaign.pk}").content.decode()
    for item in body["results"]:
        counts[item["key"]] = item["count"]
        if item["status"]:
            continue  # one fact about the person's own work: it opens the form, not a list
        shown = listed(browser, item)
        if shown != item["count"]:
            wrong.append(f"{user.username} {item['key']}: {item['count']}, its list {shown} ({item['url']})")
        on_home = re.search(rf'data-key="{item["key"]}".*?data-queue-count="(\d+)"', home, re.S)
        if item["count"] and (on_home is None or int(on_home.group(1)) != item["count"]):
            wrong.append(f"{user.username} {item['key']}: the home page does not show {item['count']}")
    return counts, wrong


@pytest.mark.django_db
def test_every_number_of_every_home_on_the_demo_equals_its_list(api_as):
    call_command("load_demo")
    campaign = Campaign.objects.get()
    # A failed roll-up nobody redid and a job given up: the office's failed jobs.
    RollupRun.objects.create(campaign=campaign, kind="weekly", period_start=campaign.start_date, status="failed")
    OutboxMessage.objects.create(task="tasks.check_similarity", failed_at=timezone.now(), last_error="boom")
    results = {}
    for username in ("office", "leader", "inspector", "liaison"):
        user = User.objects.get(username=username)
        counts, wrong = walk(user, api_as(user), campaign)
        assert wrong == []
        results[username] = counts
    office = results["office"]
    assert office["rollups_failed"] == 1 and office["jobs_given_up"] == 1
    assert office["reports_to_review"] and office["closures_to_sign_off"] and office["public_reports_to_triage"]
    assert "jobs_given_up" not in results["leader"] and "closures_to_sign_off" not in results["leader"]
    assert results["inspector"]["measures_red"] <= Measure.objects.filter(deadline__lt=timezone.localdate()).count()
    assert {"my_reports_returned", "my_measures_owing", "unread_notices"} <= set(results["liaison"])


# --- A hand-built campaign: who sees what --------------------------------------------------------


def _report(world, unit, week_start, status="submitted"):
    return WeeklyProgressFactory(
        unit=unit, week_start=week_start, submitted=True, status=status, created_by=world.office
    )


def _measure(world, unit, *, deadline, start=dt.date(2026, 11, 1)):
    return numeric_measure(world, unit, created=MONDAY - dt.timedelta(days=14), start=start, deadline=deadline)


@pytest.fixture
def busy(world):
    """Unit A and unit B each with a report waiting for review (week 47), a measure that goes
    overdue on Tuesday 24 November and a closure request; unit C has reported nothing."""
    for unit in (world.unit_a, world.unit_b):
        _report(world, unit, MONDAY - dt.timedelta(days=7))
        _measure(world, unit, deadline=MONDAY)  # red from the 24th
        done = _measure(world, unit, deadline=dt.date(2026, 12, 31))
        liaison = world.liaison_a if unit == world.unit_a else world.liaison_b
        with time_machine.travel(at(MONDAY), tick=False):
            rect.measure_progress_record(by=liaison, measure=done, value_reached=100)
            rect.measure_closure_request(
                by=liaison,
                measure=done,
                statement="完成",
                files=[SimpleUploadedFile("a.pdf", b"%PDF-1.4\n" + b"0" * 64, content_type="application/pdf")],
            )
    return world


def _counts(user, day: dt.datetime) -> dict[str, int]:
    with time_machine.travel(day, tick=False):
        return {item.key: item.count for item in work_queue(user=user, campaign=user_campaign(user))}


def user_campaign(_user) -> Campaign:
    return Campaign.objects.get()


def test_the_office_counts_every_unit_the_inspector_their_group_the_liaison_their_unit(busy, api_as):
    tuesday = at(MONDAY + dt.timedelta(days=1))
    office = _counts(busy.office, tuesday)
    inspector = _counts(busy.inspector, tuesday)  # covers unit A only
    liaison = _counts(busy.liaison_a, tuesday)
    assert (office["reports_to_review"], inspector["reports_to_review"]) == (2, 1)
    assert (office["closures_to_sign_off"], inspector["closures_to_sign_off"]) == (2, 1)
    assert (office["measures_turned_red"], inspector["measures_turned_red"]) == (2, 1)
    assert inspector["measures_red"] == 1
    # Week 47's deadline has passed: only unit C never reported it (unit C is not the inspector's).
    assert (office["reports_missing"], inspector["reports_missing"]) == (1, 0)
    assert office["reports_not_in"] == 3  # nobody has sent week 48 yet, due Friday
    assert liaison["measures_red"] == 1
    assert liaison["my_closures_waiting"] == 1
    assert "reports_to_review" not in liaison and "closures_to_sign_off" not in liaison
    with time_machine.travel(tuesday, tick=False):
        for user in (busy.office, busy.inspector, busy.liaison_a):
            counts, wrong = walk(user, api_as(user), busy.campaign)
            assert wrong == []


def test_a_measure_turning_red_is_in_the_queue_the_day_it_turns_and_not_the_next(busy):
    monday, tuesday, wednesday = (at(MONDAY + dt.timedelta(days=n)) for n in range(3))
    assert _counts(busy.office, monday)["measures_turned_red"] == 0  # due today: not yet late
    assert _counts(busy.office, tuesday)["measures_turned_red"] == 2
    assert _counts(busy.office, wednesday)["measures_turned_red"] == 0  # still red, no longer news


def test_a_returned_closure_and_report_wait_on_the_liaison_until_they_act(busy):
    closure = busy.unit_a.closures.get()
    report = WeeklyProgress.objects.get(unit=busy.unit_a)
    with time_machine.travel(at(MONDAY + dt.timedelta(days=1)), tick=False):
        rect.closure_return(by=busy.office, closure=closure, reason="证明材料不足")
        WeeklyProgress.objects.filter(pk=report.pk).update(status=WeeklyProgress.Status.RETURNED)
    counts = _counts(busy.liaison_a, at(MONDAY + dt.timedelta(days=1), 11))
    assert counts["my_closures_returned"] == 1 and counts["my_closures_waiting"] == 0
    assert counts["my_reports_returned"] == 1
    assert _counts(busy.liaison_b, at(MONDAY + dt.timedelta(days=1), 11))["my_closures_returned"] == 0


def test_an_office_with_nothing_waiting_reads_that_there_is_nothing_to_do_today(world, browser_as):
    with time_machine.travel(at(dt.date(2026, 8, 20)), tick=False):  # before the campaign
        page = browser_as(world.office).get("/").content.decode()
    assert "今天没有待办事项" in page


def test_the_liaison_sees_this_week_s_report_with_its_due_time_on_the_phone_home(world, browser_as):
    with time_machine.travel(at(MONDAY + dt.timedelta(days=2)), tick=False):
        page = browser_as(world.liaison_a).get("/").content.decode()
    assert "本周报告尚未报送" in page and "11-27 17:00" in page
    _report(world, world.unit_a, MONDAY)
    with time_machine.travel(at(MONDAY + dt.timedelta(days=2)), tick=False):
        page = browser_as(world.liaison_a).get("/").content.decode()
    assert "本周报告已报送" in page


def test_the_work_queue_api_answers_only_the_caller_s_own_lines(busy, api_as):
    with time_machine.travel(at(MONDAY + dt.timedelta(days=1)), tick=False):
        body = api_as(busy.liaison_b).get(f"/api/v1/work-queue/?campaign={busy.campaign.pk}").json()
    keys = {row["key"]: row for row in body["results"]}
    assert keys["my_closures_waiting"]["count"] == 1  # unit B's own, not unit A's
    assert "closures_to_sign_off" not in keys and "jobs_given_up" not in keys
    assert all({"key", "label", "count", "url"} <= set(row) for row in body["results"])


@pytest.mark.parametrize("persona", ["office", "inspector", "liaison_a"])
def test_a_home_s_queries_do_not_grow_with_units_and_records(busy, persona, browser_as, django_assert_max_num_queries):
    client = browser_as(getattr(busy, persona))
    tuesday = at(MONDAY + dt.timedelta(days=1))
    with time_machine.travel(tuesday, tick=False):
        client.get("/")  # warm the per-day counts
        with django_assert_max_num_queries(45) as before:
            client.get("/")
        queries = len(before.captured_queries)  # read now: the next request clears the log
    for n in range(30):
        unit = Unit.objects.create(campaign=busy.campaign, name=f"加测单位{n}", kind="city_organ")
        busy.group_a.coverage.create(unit=unit)
        _report(busy, unit, MONDAY - dt.timedelta(days=7))
        _measure(busy, unit, deadline=MONDAY)
    with time_machine.travel(tuesday, tick=False):
        client.get("/")
        with django_assert_max_num_queries(queries):
            client.get("/")


def test_a_key_task_turning_red_is_in_the_queue_the_day_after_its_deadline_and_opens_its_list(busy, api_as):
    from campaign.models import WorkLine
    from tasks.models import KeyTask

    KeyTask.objects.create(
        campaign=busy.campaign,
        number=1,
        title="优化营商环境专项行动",
        work_line=WorkLine.objects.first(),
        lead_unit=busy.unit_a,
        assigned_on=dt.date(2026, 11, 1),
        deadline=MONDAY,
        acknowledged_at=timezone.make_aware(dt.datetime(2026, 11, 2, 9)),
        acknowledged_by=busy.liaison_a,
    )
    monday, tuesday, wednesday = (at(MONDAY + dt.timedelta(days=n)) for n in range(3))
    assert _counts(busy.office, monday)["key_tasks_turned_red"] == 0  # due today: not yet late
    assert _counts(busy.office, tuesday)["key_tasks_turned_red"] == 1
    assert _counts(busy.inspector, tuesday)["key_tasks_turned_red"] == 1  # unit A is in their group
    assert _counts(busy.office, wednesday)["key_tasks_turned_red"] == 0  # still red, no longer news
    with time_machine.travel(tuesday, tick=False):
        item = next(i for i in work_queue(user=busy.office, campaign=busy.campaign) if i.key == "key_tasks_turned_red")
        browser = Client()
        browser.force_login(busy.office)
        assert listed(browser, {"key": item.key, "url": item.url}) == 1
