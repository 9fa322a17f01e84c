"""The public reporting zone belongs to a campaign: `/report/` is the campaign running today,
`/report/<id>/` a campaign's own; a finished campaign takes no new reports but its reporters
still follow theirs, and its reports stay readable for staff."""

import datetime as dt

import pytest
from django.test import Client
from rest_framework.test import APIClient

from rectification.models import PublicReport
from rectification.services import public as services
from tests.factories import CampaignFactory


@pytest.fixture
def finished(world):
    return CampaignFactory(name="第一批主题教育", start_date=dt.date(2025, 9, 1), end_date=dt.date(2026, 2, 28))


def filed(campaign, subject: str) -> PublicReport:
    return services.public_report_submit(
        campaign=campaign, subject=subject, body="详情", address=f"10.0.0.{campaign.pk % 250}"
    )


def test_the_reporting_page_names_the_campaign_running_today(world, finished):
    CampaignFactory(name="明年的主题教育", start_date=dt.date(2027, 9, 1), end_date=dt.date(2028, 2, 28))
    page = Client().get("/report/").content.decode()
    assert "主题教育" in page and "第一批主题教育" not in page and "明年的主题教育" not in page
    Client().post("/report/", {"subject": "违规收费", "body": "收取材料费"}, REMOTE_ADDR="1.2.3.4")
    assert PublicReport.objects.get().campaign == world.campaign


def test_a_campaigns_own_page_files_the_report_to_it(world, finished):
    other = CampaignFactory(name="第二批主题教育", batch=2)
    response = Client().post(
        f"/report/{other.pk}/", {"subject": "违规收费", "body": "收取材料费"}, REMOTE_ADDR="1.2.3.5"
    )
    assert response.status_code == 200
    assert PublicReport.objects.get().campaign == other
    assert Client().get("/report/999999/").status_code == 404


def test_a_finished_campaign_takes_no_new_report_and_says_where_to_go(world, finished):
    page = Client().get(f"/report/{finished.pk}/").content.decode()
    assert "2026-02-28" in page
    response = Client().post(
        f"/report/{finished.pk}/", {"subject": "违规收费", "body": "收取材料费"}, REMOTE_ADDR="1.2.3.6"
    )
    assert response.status_code == 400
    assert "不再受理" in response.content.decode()
    assert "收取材料费" in response.content.decode()  # what was typed stays
    assert not PublicReport.objects.exists()


def test_a_receipt_is_followed_on_its_own_campaigns_page_and_not_on_anothers(world, finished):
    report = filed(world.campaign, "违规收费")
    code = {"receipt": report.receipt}
    shown = f"<dd>{report.receipt}</dd>"  # the receipt's line in the status found
    own = Client().post(f"/report/{world.campaign.pk}/status/", code)
    assert own.status_code == 200 and shown in own.content.decode()
    other = Client().post(f"/report/{finished.pk}/status/", code)
    assert other.status_code == 404 and shown not in other.content.decode()
    today = Client().post("/report/status/", code)
    assert today.status_code == 200 and shown in today.content.decode()


def test_a_finished_campaigns_reports_stay_readable_for_staff(world, finished, browser_as):
    old = PublicReport.objects.create(campaign=finished, receipt="OLDRECEIPT01", subject="第一批的举报", body="x")
    filed(world.campaign, "第二批的举报")
    office = browser_as(world.office)
    page = office.get(f"/rectification/reports/?campaign={finished.pk}").content.decode()
    assert "第一批的举报" in page and "第二批的举报" not in page
    assert office.get(f"/rectification/reports/{old.pk}/").status_code == 200
    page = office.get(f"/rectification/reports/?campaign={world.campaign.pk}").content.decode()
    assert "第二批的举报" in page and "第一批的举报" not in page


def test_the_api_files_to_the_campaign_in_the_body_and_refuses_a_finished_one(world, finished):
    other = CampaignFactory(name="第二批主题教育", batch=2)
    api = APIClient()
    response = api.post(
        "/api/v1/public-reports/", {"subject": "违规收费", "body": "收费", "campaign": other.pk}, format="json"
    )
    assert response.status_code == 201, response.content
    assert PublicReport.objects.get().campaign == other
    response = api.post(
        "/api/v1/public-reports/", {"subject": "违规收费", "body": "收费", "campaign": finished.pk}, format="json"
    )
    assert response.status_code == 400 and "campaign" in response.json()
    response = api.post(
        "/api/v1/public-reports/", {"subject": "违规收费", "body": "收费", "campaign": 999999}, format="json"
    )
    assert response.status_code == 400 and "campaign" in response.json()
    receipt = PublicReport.objects.get().receipt
    assert api.get(f"/api/v1/public-reports/status/{receipt}/?campaign={other.pk}").status_code == 200
    assert api.get(f"/api/v1/public-reports/status/{receipt}/?campaign={world.campaign.pk}").status_code == 404
