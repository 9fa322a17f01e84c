"""What a liaison's open and submit cost the server (issue 14): a bounded number of statements,
whatever the unit's key tasks, one move of the dashboard's counter per submission, and two
liaisons opening the same week at the same moment getting one report."""

from __future__ import annotations

import contextlib
from unittest import mock

import pytest
import time_machine
from django.db import transaction
from django.db.models import QuerySet

from campaign.models import ChangeCounter
from tasks import weeks
from tasks.models import ProgressItem, WeeklyProgress
from tasks.services import progress as services
from tests.factories import KeyTaskFactory, LiaisonFactory
from tests.test_outbox import MONDAY, THURSDAY


def open_and_submit(api_as, user, unit, *, assert_queries=lambda _n: contextlib.nullcontext()):
    caller = api_as(user)
    with assert_queries(12):
        opened = caller.post("/api/v1/progress-reports/", {"unit": unit.pk, "week": "2026-W48"}, format="json")
    assert opened.status_code == 201, opened.content
    report = opened.json()
    body = {
        "version": report["version"],
        "highlights": "本周召开专题读书班一期，完成调研走访三次。",
        "next_week_plan": "下周完成读书班总结。",
        "items": [{"key_task": i["key_task"], "status": "in_progress", "note": "推进中"} for i in report["items"]],
    }
    with assert_queries(20):
        submitted = caller.post(f"/api/v1/progress-reports/{report['id']}/submit/", body, format="json")
    assert submitted.status_code == 200, submitted.content
    return report, submitted.json()


@pytest.mark.parametrize("tasks", [1, 8])
def test_opening_and_submitting_a_report_takes_the_same_few_statements_whatever_the_unit_reports_on(
    world, api_as, django_assert_max_num_queries, tasks
):
    weeks.rule_of(world.campaign)  # a campaign's reporting rule exists once it has run a week
    for _ in range(tasks):
        KeyTaskFactory(campaign=world.campaign, lead_unit=world.unit_a)
    with time_machine.travel(THURSDAY, tick=True):
        opened, submitted = open_and_submit(
            api_as, world.liaison_a, world.unit_a, assert_queries=django_assert_max_num_queries
        )
    assert len(opened["items"]) == tasks
    assert submitted["status"] == "submitted" and [t["action"] for t in submitted["transitions"]] == ["submit"]
    assert {item["note"] for item in submitted["items"]} == {"推进中"}
    assert submitted["similarity_flags"] == [] and submitted["attachments"] == []
    saved = WeeklyProgress.objects.get(pk=opened["id"])
    assert saved.status == "submitted" and saved.highlights.startswith("本周")
    assert saved.history.filter(status="submitted").count() == 1
    assert ProgressItem.history.filter(report_id=saved.pk, note="推进中").count() == tasks


def test_a_submission_with_its_texts_answers_what_a_fresh_read_of_the_report_shows(world, api_as):
    KeyTaskFactory(campaign=world.campaign, lead_unit=world.unit_a)
    with time_machine.travel(THURSDAY, tick=True):
        _opened, submitted = open_and_submit(api_as, world.liaison_a, world.unit_a)
        read = api_as(world.liaison_a).get(f"/api/v1/progress-reports/{submitted['id']}/").json()
    assert submitted == read


@pytest.mark.django_db(transaction=True)
def test_writes_to_a_campaigns_reports_in_one_transaction_move_its_dashboard_counter_once(world):
    def counter():
        return ChangeCounter.objects.get(campaign=world.campaign, scope="dashboard").value

    text = {"highlights": "本周召开专题读书班一期。", "next_week_plan": "下周总结。"}
    with time_machine.travel(THURSDAY, tick=True):
        report = services.report_open(unit=world.unit_a, week_start=MONDAY, by=world.liaison_a)
        other = services.report_open(unit=world.unit_b, week_start=MONDAY, by=world.liaison_b)
        before = counter()
        with transaction.atomic():
            report = services.report_save(
                report=report, by=world.liaison_a, version=report.version, data=text, items={}
            )
            services.report_submit(report=report, by=world.liaison_a)
            services.report_save_and_submit(
                report=other, by=world.liaison_b, version=other.version, data=text, items={}
            )
        assert counter() == before + 1  # three saves of two reports, one commit: one move
        services.report_withdraw(report=report, by=world.liaison_a)
        assert counter() == before + 2  # and the next commit moves it again


def test_two_liaisons_opening_the_same_week_at_the_same_moment_get_one_report(world):
    colleague = LiaisonFactory(unit=world.unit_a, user__username="liaison_a2").user
    with time_machine.travel(THURSDAY, tick=True):
        theirs = services.report_open(unit=world.unit_a, week_start=MONDAY, by=colleague)
        real_first = QuerySet.first
        missed = []

        def read_before_the_colleague_committed(queryset):
            # Our read of the week's report ran just before the colleague's open committed.
            if queryset.model is WeeklyProgress and not missed:
                missed.append(True)
                return None
            return real_first(queryset)

        with mock.patch.object(QuerySet, "first", read_before_the_colleague_committed):
            mine = services.report_open(unit=world.unit_a, week_start=MONDAY, by=world.liaison_a)
    assert missed and mine.pk == theirs.pk
    assert WeeklyProgress.objects.filter(unit=world.unit_a, week_start=MONDAY).count() == 1
