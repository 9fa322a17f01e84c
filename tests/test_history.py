"""History you can read: a record page shows its changes field by field, in Chinese (field
names and choice labels, not raw values), from → to, who, when and why; key tasks included;
the page's query count does not grow with the history."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from campaign.history import record_history
from campaign.models import WorkLine
from rectification.services import measures as rect
from tasks.services import keytasks
from tests.rectification.conftest import pdf, png


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def problem(world):
    return rect.problem_create(by=world.office, campaign=world.campaign, unit=world.unit_a, title="审批环节多")


@pytest.fixture
def key_task(world):
    return keytasks.keytask_create(
        by=world.office,
        campaign=world.campaign,
        number=1,
        title="举办专题读书班",
        work_line=WorkLine.objects.get(code="study"),
        lead_unit=world.unit_a,
        deadline=dt.date(2026, 12, 31),
    )


def _text(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def test_problem_page_shows_a_change_by_field_name_and_choice_labels_and_who_made_it(world, problem, browser_as):
    liaison = browser_as(world.liaison_a)
    liaison.post(
        f"/rectification/problems/{problem.pk}/edit/",
        {"title": problem.title, "description": "", "category": "", "severity": "major", "source": "public_report"},
    )
    page = _text(browser_as(world.office).get(f"/rectification/problems/{problem.pk}/"))
    assert "变更记录" in page
    assert "严重程度" in page and "<del>一般</del> → <ins>重大</ins>" in page
    assert "<del>自查</del>" in page or "来源" in page
    assert world.liaison_a.display_name in page
    assert "major" not in page.split('id="history"')[1]  # labels, never raw values


def test_measure_page_shows_why_it_was_reopened(world, browser_as):
    problem = rect.problem_create(by=world.office, campaign=world.campaign, unit=world.unit_a, title="窗口排队")
    measure = rect.measure_create(
        by=world.office,
        problem=problem,
        content="增设窗口",
        responsible_unit=world.unit_a,
        responsible_person="张三",
        start_date=dt.date(2026, 10, 1),
        deadline=dt.date(2026, 10, 21),
        baseline=0,
        target_value=100,
        measure_unit="%",
    )
    rect.measure_progress_record(by=world.liaison_a, measure=measure, value_reached=100, files=[png()])
    closure = rect.measure_closure_request(by=world.liaison_a, measure=measure, statement="已增设", files=[pdf()])
    rect.closure_sign_off(by=world.inspector, closure=closure)
    rect.measure_reopen(by=world.office, measure=measure, reason="群众再次反映排队时间长")
    page = _text(browser_as(world.office).get(f"/rectification/measures/{measure.pk}/"))
    history = page.split('id="history"')[1]
    assert "群众再次反映排队时间长" in history
    assert "<del>已销号</del> → <ins>推进中</ins>" in history
    assert "进度" in history


def test_key_task_page_shows_its_history_with_unit_names(world, key_task, browser_as):
    keytasks.keytask_update(task=key_task, by=world.office, lead_unit=world.unit_b, cooperating_units=[world.unit_c])
    page = _text(browser_as(world.office).get(f"/key-tasks/{key_task.pk}/"))
    history = page.split('id="history"')[1]
    assert "牵头单位" in history
    assert f"<del>{world.unit_a.name}</del> → <ins>{world.unit_b.name}</ins>" in history
    assert f"<ins>{world.unit_c.name}</ins>" in history


def test_history_reads_in_the_same_number_of_queries_however_long_it_is(world, key_task):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            record_history(key_task)
        return len(captured)

    keytasks.keytask_update(task=key_task, by=world.office, title="改一次")
    few = queries()
    for n in range(12):
        keytasks.keytask_update(
            task=key_task, by=world.office, title=f"改第{n}次", lead_unit=[world.unit_a, world.unit_b][n % 2]
        )
    assert queries() == few


def test_a_save_that_changes_nothing_visible_is_not_listed(world, key_task):
    keytasks.keytask_update(task=key_task, by=world.office, title=key_task.title)
    entries = record_history(key_task)
    assert [e.action for e in entries] == ["创建"]
