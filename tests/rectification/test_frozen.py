"""Frozen means frozen: a closed problem, measure or special task changes only through its
services (reopen with a reason), whichever door is tried: the page, the API, the admin, an
import, or a write straight to the database."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import DatabaseError, transaction

from campaign import imports
from campaign.models import User
from rectification.models import Closure, Measure, Problem, SpecialTask
from rectification.services import measures as services
from rectification.services import special
from tests.rectification.conftest import pdf


@pytest.fixture
def closed(world, closable, make_problem):
    """A unit-A measure closed by the inspector; its problem (a major one from a public report)
    is rectified with it."""
    measure, closure = closable(problem=make_problem(source="public_report", severity="major"))
    services.closure_sign_off(by=world.inspector, closure=closure)
    measure.refresh_from_db()
    measure.problem.refresh_from_db()
    assert measure.problem.status == Problem.Status.CLOSED
    return measure


@pytest.fixture
def office_admin(world, client):
    """The office as the demo has it: a Django superuser."""
    User.objects.filter(pk=world.office.pk).update(is_staff=True, is_superuser=True)
    client.force_login(User.objects.get(pk=world.office.pk))
    return client


# --- problems: API and page -------------------------------------------------------------------


def test_liaison_cannot_patch_a_rectified_problems_title_source_or_severity(world, closed, api_as):
    problem = closed.problem
    before = (problem.title, problem.source, problem.severity)
    response = api_as(world.liaison_a).patch(
        f"/api/v1/problems/{problem.pk}/",
        {"title": "改过的标题", "source": "self", "severity": "general"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 400
    body = response.json()
    assert set(body) >= {"title", "source", "severity"}
    assert "已整改" in body["title"][0] and "标题" in body["title"][0]
    problem.refresh_from_db()
    assert (problem.title, problem.source, problem.severity) == before


def test_patching_a_rectified_problem_with_its_own_values_changes_nothing_and_passes(world, closed, api_as):
    problem = closed.problem
    before = (problem.title, problem.status, problem.closed_at)
    history = problem.history.count()
    response = api_as(world.office).patch(f"/api/v1/problems/{problem.pk}/", {"title": problem.title}, format="json")
    assert response.status_code == 200
    assert response.json()["title"] == problem.title and response.json()["status"] == "closed"
    problem.refresh_from_db()
    assert (problem.title, problem.status, problem.closed_at) == before
    assert problem.history.count() == history  # nothing changed, so the history shows no change


def test_a_rectified_problems_page_offers_no_edit_and_the_edit_form_refuses(world, closed, browser_as):
    client = browser_as(world.liaison_a)
    problem = closed.problem
    detail = client.get(f"/rectification/problems/{problem.pk}/")
    assert detail.status_code == 200
    assert f"/rectification/problems/{problem.pk}/edit/" not in detail.content.decode()
    response = client.post(
        f"/rectification/problems/{problem.pk}/edit/",
        {"title": "页面上改的标题", "description": "", "category": "", "severity": "general", "source": "self"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "已整改" in page and "页面上改的标题" in page  # the refusal, and what was typed is kept
    problem.refresh_from_db()
    assert problem.title != "页面上改的标题"


def test_a_problem_changes_again_once_the_office_reopens_its_measure(world, closed, api_as):
    services.measure_reopen(by=world.office, measure=closed, reason="群众再次反映")
    response = api_as(world.liaison_a).patch(
        f"/api/v1/problems/{closed.problem_id}/", {"title": "重新整改的问题"}, format="json"
    )
    assert response.status_code == 200
    assert Problem.objects.get(pk=closed.problem_id).title == "重新整改的问题"


# --- the admin, as the office superuser -----------------------------------------------------------


def test_admin_shows_a_closed_measure_read_only_and_refuses_to_change_its_target(world, closed, office_admin):
    url = f"/admin/rectification/measure/{closed.pk}/change/"
    page = office_admin.get(url)
    assert page.status_code == 200
    assert 'name="target_value"' not in page.content.decode()
    response = office_admin.post(url, {"target_value": "5", "progress_percent": "100", "content": "改"})
    assert response.status_code == 403
    closed.refresh_from_db()
    assert closed.target_value == Decimal(100)


def test_admin_never_edits_a_closure_status(world, closed, office_admin):
    closure = closed.closures.get()
    page = office_admin.get(f"/admin/rectification/closure/{closure.pk}/change/")
    assert page.status_code == 200 and 'name="status"' not in page.content.decode()
    response = office_admin.post(f"/admin/rectification/closure/{closure.pk}/change/", {"status": "requested"})
    assert response.status_code == 403
    assert Closure.objects.get(pk=closure.pk).status == Closure.Status.SIGNED_OFF
    assert office_admin.get("/admin/rectification/closure/add/").status_code == 403


def test_admin_keeps_an_open_measures_deadlines_start_progress_and_status_read_only(world, make_measure, office_admin):
    measure = make_measure()
    url = f"/admin/rectification/measure/{measure.pk}/change/"
    page = office_admin.get(url).content.decode()
    for field in ("status", "deadline", "original_deadline", "start_date", "extension_count", "progress_percent"):
        assert f'name="{field}"' not in page, field
    assert 'name="content"' in page  # the wording is still the office's to correct


def test_admin_history_never_reverts_a_submitted_weekly_report_or_a_closed_measure(world, closed, office_admin):
    version = closed.history.earliest("history_date")
    url = f"/admin/rectification/measure/{closed.pk}/history/{version.history_id}/"
    page = office_admin.get(url)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()  # no revert button
    assert office_admin.post(url, {"content": version.content}).status_code == 403
    closed.refresh_from_db()
    assert closed.status == Measure.Status.CLOSED


def test_admin_refuses_to_delete_a_closed_measure(world, closed, office_admin):
    response = office_admin.post(f"/admin/rectification/measure/{closed.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert Measure.objects.filter(pk=closed.pk).exists()


def test_admin_shows_a_closed_special_task_read_only(world, office_admin):
    task = _closed_special_task(world)
    url = f"/admin/rectification/specialtask/{task.pk}/change/"
    assert office_admin.post(url, {"title": "改", "status": "open"}).status_code == 403
    assert SpecialTask.objects.get(pk=task.pk).status == SpecialTask.Status.CLOSED


# --- the database refuses what got past everything else -----------------------------------


def _closed_special_task(world) -> SpecialTask:
    plan = special.special_rectification_create(
        by=world.office, campaign=world.campaign, title="专项整治", plan_document="方案"
    )
    team = special.work_team_create(
        by=world.office, rectification=plan, name="专班", lead_unit=world.unit_a, member_units=[]
    )
    task = special.special_task_create(
        by=world.office, team=team, title="清理台账", owner_unit=world.unit_a, deadline=dt.date(2026, 12, 1)
    )
    special.special_task_request_closure(
        by=world.liaison_a, task=task, statement="已清理完毕", result_percent=100, files=[pdf()]
    )
    special.special_task_decide(by=world.inspector, task=task, approve=True)
    return SpecialTask.objects.get(pk=task.pk)


def test_database_refuses_to_change_a_closed_measures_target_or_progress(world, closed):
    with pytest.raises(DatabaseError), transaction.atomic():
        Measure.objects.filter(pk=closed.pk).update(target_value=5)
    with pytest.raises(DatabaseError), transaction.atomic():
        Measure.objects.filter(pk=closed.pk).update(progress_percent=5)
    assert Measure.objects.get(pk=closed.pk).target_value == Decimal(100)


def test_database_refuses_to_rename_a_rectified_problem_or_rewrite_a_decided_closure(world, closed):
    with pytest.raises(DatabaseError), transaction.atomic():
        Problem.objects.filter(pk=closed.problem_id).update(severity="general")
    with pytest.raises(DatabaseError), transaction.atomic():
        Problem.objects.filter(pk=closed.problem_id).update(found_on=dt.date(2026, 9, 1))
    with pytest.raises(DatabaseError), transaction.atomic():
        Closure.objects.filter(measure=closed).update(statement="另一个说法")


def test_database_refuses_a_later_deadline_that_no_extension_approved(world, make_measure):
    measure = make_measure()
    with pytest.raises(DatabaseError), transaction.atomic():
        Measure.objects.filter(pk=measure.pk).update(deadline=dt.date(2026, 12, 31))


def test_database_refuses_to_retitle_a_closed_special_task(world):
    task = _closed_special_task(world)
    with pytest.raises(DatabaseError), transaction.atomic():
        SpecialTask.objects.filter(pk=task.pk).update(title="换个说法")


def test_reopening_through_the_service_still_works_under_the_database_guard(world, closed):
    closure = services.measure_reopen(by=world.office, measure=closed, reason="回访发现反弹")
    closed.refresh_from_db()
    assert closed.status == Measure.Status.OPEN and closure.status == Closure.Status.REOPENED
    assert Problem.objects.get(pk=closed.problem_id).status == Problem.Status.IN_PROGRESS


# --- imports ---------------------------------------------------------------------------------


def test_the_problem_import_cannot_overwrite_a_rectified_problem(world, closed):
    from campaign.xlsx import template_workbook

    data = template_workbook(
        title="问题清单",
        headers=["编号", "问题", "单位", "来源", "严重程度"],
        example=[closed.problem.code, "覆盖已整改的问题", world.unit_a.name, "自查", "一般"],
        widths=[10, 30, 16, 10, 10],
    )
    record = imports.import_upload(
        kind="problems", campaign=world.campaign, by=world.office, filename="p.xlsx", data=data
    )
    assert record.status == "invalid"
    assert any(closed.problem.code in e["message"] for e in record.errors)
    closed.problem.refresh_from_db()
    assert closed.problem.title != "覆盖已整改的问题"
