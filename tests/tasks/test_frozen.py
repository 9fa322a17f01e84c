"""Frozen means frozen, on the tasks side: a submitted weekly report and an issued institution
document change only through their services (return), never through the admin, its history,
the API, the record pages or a write straight to the database."""

import datetime as dt

import pytest
import time_machine
from django.db import DatabaseError, transaction

from campaign.models import User
from tasks.models import InstitutionDocument, WeeklyProgress
from tasks.services import institutions
from tasks.services import progress as services
from tests.answers import page_text
from tests.factories import ResearchActivityFactory
from tests.tasks.conftest import MONDAY
from tests.tasks.test_progress import BEFORE_DEADLINE, open_and_fill


@pytest.fixture
def office_admin(world, client):
    User.objects.filter(pk=world.office.pk).update(is_staff=True, is_superuser=True)
    client.force_login(User.objects.get(pk=world.office.pk))
    return client


@pytest.fixture
def submitted(tasks_world):
    with time_machine.travel(BEFORE_DEADLINE, tick=False):
        return services.report_submit(report=open_and_fill(tasks_world), by=tasks_world.liaison_a)


@pytest.fixture
def issued(world):
    document = institutions.institution_document_create(
        by=world.liaison_a,
        campaign=world.campaign,
        unit=world.unit_a,
        title="项目审批容缺受理办法",
        issued_by="unit",
        started_on=dt.date(2026, 10, 1),
        institutionalises="容缺受理",
    )
    return institutions.institution_document_issue(
        document=document, by=world.liaison_a, issued_on=dt.date(2026, 10, 20), doc_number="发改发〔2026〕9号"
    )


def test_admin_history_never_reverts_a_submitted_weekly_report(tasks_world, submitted, office_admin):
    draft = submitted.history.filter(status="draft").earliest("history_date")
    url = f"/admin/tasks/weeklyprogress/{submitted.pk}/history/{draft.history_id}/"
    page = office_admin.get(url)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert office_admin.post(url, {"status": "draft", "highlights": "旧文本"}).status_code == 403
    submitted.refresh_from_db()
    assert submitted.status == WeeklyProgress.Status.SUBMITTED


def test_admin_shows_a_weekly_report_read_only(tasks_world, submitted, office_admin):
    url = f"/admin/tasks/weeklyprogress/{submitted.pk}/change/"
    page = office_admin.get(url)
    assert page.status_code == 200
    assert submitted.highlights in page_text(page) and 'name="_save"' not in page_text(page)
    assert office_admin.post(url, {"highlights": "管理后台改的"}).status_code == 403
    assert WeeklyProgress.objects.get(pk=submitted.pk).highlights == submitted.highlights


def test_database_refuses_to_rewrite_a_submitted_reports_text(tasks_world, submitted):
    with pytest.raises(DatabaseError), transaction.atomic():
        WeeklyProgress.objects.filter(pk=submitted.pk).update(highlights="悄悄改掉")
    returned = services.report_return(report=submitted, by=tasks_world.inspector, comment="请补充佐证")
    assert returned.status == WeeklyProgress.Status.RETURNED  # the return, a service, still works
    assert returned.week_start == MONDAY


def test_an_issued_document_cannot_be_patched_through_the_api(world, issued, api_as):
    response = api_as(world.liaison_a).patch(
        f"/api/v1/institution-documents/{issued.pk}/", {"title": "改名后的办法"}, format="json"
    )
    assert response.status_code == 400
    assert "已于2026-10-20印发" in response.json()["title"][0]
    assert InstitutionDocument.objects.get(pk=issued.pk).title == "项目审批容缺受理办法"


def test_an_issued_document_cannot_be_deleted_through_the_api(world, issued, api_as):
    response = api_as(world.office).delete(f"/api/v1/institution-documents/{issued.pk}/")
    assert response.status_code == 400
    assert InstitutionDocument.objects.filter(pk=issued.pk).exists()


def test_an_issued_documents_page_offers_no_edit(world, issued, browser_as):
    client = browser_as(world.liaison_a)
    page = client.get(f"/records/documents/{issued.pk}/").content.decode()
    assert f"/records/documents/{issued.pk}/edit/" not in page
    assert client.post(f"/records/documents/{issued.pk}/edit/", {"title": "改"}).status_code == 403


def test_admin_shows_an_issued_document_read_only(world, issued, office_admin):
    url = f"/admin/tasks/institutiondocument/{issued.pk}/change/"
    assert office_admin.post(url, {"title": "后台改名"}).status_code == 403
    assert InstitutionDocument.objects.get(pk=issued.pk).title == "项目审批容缺受理办法"


def test_database_refuses_to_redate_an_issued_document(world, issued):
    with pytest.raises(DatabaseError), transaction.atomic():
        InstitutionDocument.objects.filter(pk=issued.pk).update(issued_on=dt.date(2026, 11, 1))


def test_admin_keeps_a_research_trips_registration_and_completion_read_only(world, office_admin):
    activity = ResearchActivityFactory(
        campaign=world.campaign, unit=world.unit_a, created_by=world.liaison_a, leader=world.leader, is_major=True
    )
    page = office_admin.get(f"/admin/tasks/researchactivity/{activity.pk}/change/").content.decode()
    for field in ("status", "is_major", "registered_on", "completed_on"):
        assert f'name="{field}"' not in page, field
    assert 'name="title"' in page
