"""Free texts have a length limit, stated in the form and enforced by the page, the API and the
database: a 1,000,000-character weekly text is refused with a clear message, the typed text kept."""

import pytest
from django.db import IntegrityError, transaction
from django.utils import translation

from campaign.text import LONG_TEXT
from tasks.models import WeeklyProgress
from tests.tasks.test_progress_pages import form_data, frozen, start  # noqa: F401 (fixture)

HUGE = "本周" * 500_000  # 1,000,000 characters


def test_a_million_character_weekly_text_is_refused_on_the_page_and_the_typed_text_kept(
    tasks_world,
    browser_as,
    frozen,  # noqa: F811
):
    client = browser_as(tasks_world.liaison_a)
    client.cookies["django_language"] = "en"
    report = start(client)
    response = client.post(f"/progress/{report.pk}/edit/", form_data(report, highlights=HUGE, action="save"))
    assert response.status_code == 200
    page = response.content.decode()
    assert f"at most {LONG_TEXT} characters; this text has 1000000" in page
    assert HUGE in page  # what was typed stays in the box, to be shortened
    report.refresh_from_db()
    assert report.highlights == "" and report.version == 1


def test_the_weekly_form_states_the_limit_on_each_text_box(tasks_world, browser_as, frozen):  # noqa: F811
    client = browser_as(tasks_world.liaison_a)
    report = start(client)
    page = client.get(f"/progress/{report.pk}/edit/").content.decode()
    assert page.count(f'maxlength="{LONG_TEXT}"') >= 3
    assert "js/text-limit.js" in page
    with translation.override("zh-hans"):
        assert f"最多可填写 {LONG_TEXT} 个字符" in page


def test_a_million_character_weekly_text_is_refused_by_the_api(tasks_world, api_as, frozen):  # noqa: F811
    api = api_as(tasks_world.liaison_a)
    opened = api.post("/api/v1/progress-reports/", {"unit": tasks_world.unit_a.pk, "week": "2026-W48"}, format="json")
    report = opened.json()
    response = api.patch(
        f"/api/v1/progress-reports/{report['id']}/",
        {"version": report["version"], "highlights": HUGE},
        format="json",
    )
    assert response.status_code == 400
    assert "highlights" in str(response.json())
    assert WeeklyProgress.objects.get(pk=report["id"]).highlights == ""


def test_the_database_refuses_an_over_long_weekly_text_written_around_the_services(tasks_world, browser_as, frozen):  # noqa: F811
    report = start(browser_as(tasks_world.liaison_a))
    with pytest.raises(IntegrityError), transaction.atomic():
        WeeklyProgress.objects.filter(pk=report.pk).update(next_week_plan="计" * (LONG_TEXT + 1))
    WeeklyProgress.objects.filter(pk=report.pk).update(next_week_plan="计" * LONG_TEXT)
