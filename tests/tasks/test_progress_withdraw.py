"""A unit takes back its submitted weekly report before review, to correct it: visibly, and
without making a late report punctual."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from tasks.models import ReportTransition, WeeklyProgress
from tasks.services import progress as services
from tests.tasks.conftest import MONDAY

SH = dt.timezone(dt.timedelta(hours=8))
THURSDAY = dt.datetime(2026, 11, 26, 10, 0, tzinfo=SH)
SATURDAY = dt.datetime(2026, 11, 28, 10, 0, tzinfo=SH)  # after Friday 17:00, the deadline


def _submitted(world):
    report = services.report_open(unit=world.unit_a, week_start=MONDAY, by=world.liaison_a)
    return services.report_save_and_submit(
        report=report,
        by=world.liaison_a,
        version=report.version,
        data={"highlights": "读书班。", "next_week_plan": "调研。"},
        items={},
    )


@pytest.fixture
def submitted(tasks_world):
    with time_machine.travel(THURSDAY, tick=False):
        yield _submitted(tasks_world)


def test_the_liaison_withdraws_before_review_corrects_and_submits_again_on_time(tasks_world, submitted, browser_as):
    client = browser_as(tasks_world.liaison_a)
    with time_machine.travel(THURSDAY + dt.timedelta(hours=1), tick=False):
        assert "撤回" in client.get(f"/progress/{submitted.pk}/").content.decode()
        response = client.post(f"/progress/{submitted.pk}/withdraw/", {"reason": "数字填错"})
        assert response.status_code == 302 and response.url == f"/progress/{submitted.pk}/edit/"
        assert "撤回修改" in client.get(response.url).content.decode()
        report = WeeklyProgress.objects.get(pk=submitted.pk)
        services.report_save_and_submit(
            report=report,
            by=tasks_world.liaison_a,
            version=report.version,
            data={"highlights": "读书班两期。"},
            items={},
        )
    report.refresh_from_db()
    assert report.status == "submitted" and not report.is_late and report.highlights == "读书班两期。"
    actions = list(report.transitions.order_by("at", "pk").values_list("action", "comment"))
    assert actions == [("submit", ""), ("withdraw", "数字填错"), ("resubmit", "")]
    assert "撤回" in browser_as(tasks_world.office).get(f"/progress/{report.pk}/").content.decode()  # in the history


def test_a_withdrawn_report_sent_again_after_the_deadline_is_late(tasks_world, submitted):
    with time_machine.travel(THURSDAY + dt.timedelta(hours=1), tick=False):
        services.report_withdraw(report=submitted, by=tasks_world.liaison_a)
    with time_machine.travel(SATURDAY, tick=False):
        report = services.report_submit(report=WeeklyProgress.objects.get(pk=submitted.pk), by=tasks_world.liaison_a)
    assert report.is_late


def test_a_reviewed_report_cannot_be_withdrawn(tasks_world, submitted):
    with time_machine.travel(THURSDAY, tick=False):
        services.report_accept(report=submitted, by=tasks_world.office)
        with pytest.raises(ValidationError):
            services.report_withdraw(report=submitted, by=tasks_world.liaison_a)
    assert WeeklyProgress.objects.get(pk=submitted.pk).status == "accepted"


def test_only_the_units_liaison_withdraws(tasks_world, submitted, browser_as, api_as):
    with time_machine.travel(THURSDAY, tick=False):
        for person in (tasks_world.office, tasks_world.inspector):
            with pytest.raises(PermissionDenied):
                services.report_withdraw(report=submitted, by=person)
        assert browser_as(tasks_world.liaison_b).post(f"/progress/{submitted.pk}/withdraw/").status_code == 404
        assert (
            api_as(tasks_world.liaison_b).post(f"/api/v1/progress-reports/{submitted.pk}/withdraw/").status_code == 404
        )
    assert WeeklyProgress.objects.get(pk=submitted.pk).status == "submitted"
    assert not ReportTransition.objects.filter(action="withdraw").exists()


def test_the_api_withdraws_with_what_to_correct(tasks_world, submitted, api_as):
    with time_machine.travel(THURSDAY, tick=False):
        response = api_as(tasks_world.liaison_a).post(
            f"/api/v1/progress-reports/{submitted.pk}/withdraw/", {"comment": "补充照片"}, format="json"
        )
    assert response.status_code == 200 and response.json()["status"] == "returned"
    assert ReportTransition.objects.get(action="withdraw").comment == "补充照片"
