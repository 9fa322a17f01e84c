"""The reviewer accepts a weekly report with or without a comment; a return needs one."""

import pytest
import time_machine

from tasks.models import WeeklyProgress
from tasks.services import progress as services
from tests.tasks.conftest import MONDAY
from tests.tasks.test_progress_pages import THURSDAY


@pytest.fixture
def submitted(tasks_world):
    with time_machine.travel(THURSDAY, tick=False):
        report = services.report_open(unit=tasks_world.unit_a, week_start=MONDAY, by=tasks_world.liaison_a)
        services.report_save_and_submit(
            report=report,
            by=tasks_world.liaison_a,
            version=report.version,
            data={"highlights": "完成读书班", "next_week_plan": "总结"},
            items={},
        )
        yield WeeklyProgress.objects.get(pk=report.pk)


def test_the_review_box_is_not_required_in_the_page(tasks_world, submitted, browser_as):
    page = browser_as(tasks_world.inspector).get(f"/progress/{submitted.pk}/").content.decode()
    assert 'name="comment"' in page
    assert "required" not in page.split('name="comment"')[1].split(">")[0]


def test_inspector_accepts_from_the_page_without_a_comment(tasks_world, submitted, browser_as):
    response = browser_as(tasks_world.inspector).post(
        f"/progress/{submitted.pk}/review/", {"decision": "accept", "comment": ""}, follow=True
    )
    submitted.refresh_from_db()
    assert submitted.status == "accepted"
    assert submitted.transitions.get(action="accept").comment == ""
    assert response.status_code == 200


def test_inspector_cannot_return_from_the_page_without_saying_what_to_fix(tasks_world, submitted, browser_as):
    response = browser_as(tasks_world.inspector).post(
        f"/progress/{submitted.pk}/review/", {"decision": "return", "comment": "  "}, follow=True
    )
    submitted.refresh_from_db()
    assert submitted.status == "submitted"
    page = response.content.decode()
    assert "退回" in page or "return needs a comment" in page


def test_api_inspector_accepts_without_a_comment_but_returns_only_with_one(tasks_world, submitted, api_as):
    api = api_as(tasks_world.inspector)
    refused = api.post(f"/api/v1/progress-reports/{submitted.pk}/return/", {"comment": ""}, format="json")
    assert refused.status_code == 400
    accepted = api.post(f"/api/v1/progress-reports/{submitted.pk}/accept/", {}, format="json")
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["status"] == "accepted"
