"""The public reporting zone: anonymous, rate-limited, attachments checked, a receipt code that
shows the reporter its status and nothing else; staff triage each report once."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.test import APIClient

from rectification.models import Problem, PublicReport
from rectification.services import public as services
from tests.answers import API_NOT_AUTHENTICATED, NOT_ALLOWED, page_text, page_title
from tests.rectification.conftest import pdf, png


def file_report(world, subject="小区路灯不亮", **extra):
    return services.public_report_submit(
        campaign=world.campaign, subject=subject, body="已经一个月了", address="10.0.0.9", **extra
    )


def test_anyone_can_open_the_reporting_page_without_login(world):
    response = Client().get("/report/")
    assert response.status_code == 200
    assert b"csrfmiddlewaretoken" in response.content


def test_anonymous_report_through_the_page_answers_a_receipt_code(world):
    response = Client().post(
        "/report/", {"subject": "违规收费", "body": "某窗口收取材料费", "files": [png()]}, REMOTE_ADDR="1.2.3.4"
    )
    assert response.status_code == 200
    report = PublicReport.objects.get()
    assert report.receipt.encode() in response.content
    assert report.attachments.count() == 1


def test_anonymous_report_through_the_api(world):
    response = APIClient().post(
        "/api/v1/public-reports/", {"subject": "违规收费", "body": "收取材料费", "files": [pdf()]}, format="multipart"
    )
    assert response.status_code == 201, response.content
    assert set(response.json()) == {"receipt", "message"}
    assert PublicReport.objects.get().receipt == response.json()["receipt"]


def test_reports_are_rate_limited_per_address(world, settings):
    client = Client()
    for n in range(5):
        assert client.post("/report/", {"subject": f"s{n}", "body": "b"}, REMOTE_ADDR="5.5.5.5").status_code == 200
    response = client.post("/report/", {"subject": "again", "body": "b"}, REMOTE_ADDR="5.5.5.5")
    assert response.status_code == 429
    assert PublicReport.objects.count() == 5
    # another address is not affected; the API shares the same counter
    assert client.post("/report/", {"subject": "x", "body": "b"}, REMOTE_ADDR="6.6.6.6").status_code == 200
    api = APIClient(REMOTE_ADDR="5.5.5.5")
    assert api.post("/api/v1/public-reports/", {"subject": "x", "body": "b"}).status_code == 429


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("virus.exe", b"MZ\x90\x00", content_type="application/octet-stream"),
        SimpleUploadedFile("photo.png", b"GIF89a not a png", content_type="image/png"),
        SimpleUploadedFile("big.pdf", b"%PDF" + b"0" * (6 * 1024 * 1024), content_type="application/pdf"),
    ],
    ids=["wrong-type", "renamed", "too-large"],
)
def test_bad_attachment_is_refused_and_nothing_is_stored(world, upload):
    response = Client().post("/report/", {"subject": "s", "body": "b", "files": [upload]}, REMOTE_ADDR="7.7.7.7")
    assert response.status_code == 400
    assert upload.name.encode() in response.content
    assert not PublicReport.objects.exists()


def test_more_than_three_attachments_are_refused(world):
    with pytest.raises(ValidationError):
        file_report(world, files=[png(f"{n}.png") for n in range(4)])


def test_receipt_lookup_shows_the_status_and_nothing_of_anyone_elses_report(world):
    mine = file_report(world, subject="我的举报", contact="13800000000")
    file_report(world, subject="别人的举报", contact="13911111111")
    response = Client().post("/report/status/", {"receipt": mine.receipt.lower()})
    assert response.status_code == 200
    body = response.content.decode()
    assert mine.receipt in body
    for secret in ("别人的举报", "13911111111", "13800000000", "我的举报"):
        assert secret not in body
    api = APIClient().get(f"/api/v1/public-reports/status/{mine.receipt}/").json()
    assert set(api) == {"receipt", "received_on", "status", "status_display", "reply", "rectified"}


def test_unknown_receipt_is_404_and_says_nothing_more(world):
    file_report(world)
    assert Client().post("/report/status/", {"receipt": "NOSUCHCODE22"}).status_code == 404
    response = APIClient().get("/api/v1/public-reports/status/NOSUCHCODE22/")
    assert response.status_code == 404
    assert set(response.json()) == {"detail"}


def test_receipt_lookups_are_rate_limited(world, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "public_report_status": "3/hour",
        },
    }
    client = Client()
    codes = [
        client.post("/report/status/", {"receipt": "GUESS0000000"}, REMOTE_ADDR="8.8.8.8").status_code for _ in range(4)
    ]
    assert codes == [404, 404, 404, 429]


def test_reports_are_staff_only(world, api_as, browser_as):
    report = file_report(world)
    anonymous = APIClient().get("/api/v1/public-reports/")
    assert anonymous.status_code == 401 and anonymous.json() == API_NOT_AUTHENTICATED
    liaison = api_as(world.liaison_a).get("/api/v1/public-reports/")
    assert liaison.status_code == 403 and "小区路灯不亮" not in liaison.content.decode()
    page = browser_as(world.liaison_a).get("/rectification/reports/")
    assert page.status_code == 403 and page_title(page) == NOT_ALLOWED
    assert "群众举报由办公室处理。" in page_text(page) and "小区路灯不亮" not in page_text(page)
    office = api_as(world.office).get("/api/v1/public-reports/")
    assert office.status_code == 200
    assert [(row["id"], row["subject"]) for row in office.json()["results"]] == [(report.pk, "小区路灯不亮")]
    # An inspector reads the list too; a report not yet tied to their units is not in it.
    inspector = api_as(world.inspector).get("/api/v1/public-reports/")
    assert inspector.status_code == 200 and inspector.json()["results"] == []


def test_inspector_sees_only_reports_tied_to_their_units_problems(world, api_as, browser_as, make_problem):
    untriaged = file_report(world, subject="未分办")
    theirs = file_report(world, subject="涉及本组单位")
    other = file_report(world, subject="涉及他组单位")
    services.item_triage(by=world.office, item=theirs, action="merge", problem=make_problem(world.unit_a))
    services.item_triage(by=world.office, item=other, action="merge", problem=make_problem(world.unit_b))
    seen = {row["id"] for row in api_as(world.inspector).get("/api/v1/public-reports/").json()["results"]}
    assert seen == {theirs.pk}
    assert browser_as(world.inspector).get(f"/rectification/reports/{untriaged.pk}/").status_code == 404
    assert browser_as(world.inspector).get(f"/rectification/reports/{other.pk}/").status_code == 404
    assert len(api_as(world.office).get("/api/v1/public-reports/").json()["results"]) == 3


def test_reject_needs_a_reason_and_the_reporter_sees_it(world):
    report = file_report(world)
    with pytest.raises(ValidationError):
        services.item_triage(by=world.office, item=report, action="reject", reason="")
    services.item_triage(by=world.office, item=report, action="reject", reason="不属于受理范围")
    found = services.public_report_status(receipt=report.receipt, address="x")
    assert found["status"] == "rejected" and found["reply"] == "不属于受理范围"


def test_merge_counts_the_report_on_the_problem(world, make_problem, api_as):
    problem = make_problem()
    for _n in range(2):
        services.item_triage(by=world.office, item=file_report(world), action="merge", problem=problem)
    row = api_as(world.office).get(f"/api/v1/problems/{problem.pk}/").json()
    assert row["report_count"] == 2


def test_create_lists_a_new_problem_from_the_report(world):
    report = file_report(world, subject="办事窗口推诿")
    services.item_triage(by=world.office, item=report, action="create", unit=world.unit_b)
    problem = Problem.objects.get()
    assert problem.source == Problem.Source.PUBLIC_REPORT
    assert problem.unit == world.unit_b and problem.title == "办事窗口推诿"
    report.refresh_from_db()
    assert report.problem == problem and report.triage == "created"


def test_a_report_is_handled_once_and_only_by_the_office(world, make_problem, api_as):
    report = file_report(world)
    with pytest.raises(PermissionDenied):
        services.item_triage(by=world.inspector, item=report, action="reject", reason="x")
    response = api_as(world.inspector).post(
        f"/api/v1/public-reports/{report.pk}/triage/", {"action": "reject", "reason": "x"}
    )
    assert response.status_code == 404  # an untriaged report is not among what an inspector sees
    report.refresh_from_db()
    assert report.triage == "received"
    response = api_as(world.office).post(
        f"/api/v1/public-reports/{report.pk}/triage/", {"action": "merge", "problem": make_problem().pk}
    )
    assert response.status_code == 200, response.content
    with pytest.raises(ValidationError):
        services.item_triage(by=world.office, item=report, action="reject", reason="x")


def test_tv_questions_are_triaged_the_same_way(world, api_as):
    response = api_as(world.office).post(
        "/api/v1/tv-sessions/",
        {
            "number": 1,
            "title": "问政第一期",
            "aired_on": "2026-10-20",
            "viewers": 123000,
            "question_texts": ["占道经营", "噪音扰民"],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    session = response.json()
    assert session["question_count"] == 2
    question = session["questions"][0]["id"]
    url = f"/api/v1/tv-sessions/{session['id']}/triage/"
    response = api_as(world.office).post(url, {"question": question, "action": "create", "unit": world.unit_a.pk})
    assert response.status_code == 200, response.content
    assert Problem.objects.get().source == Problem.Source.TV_QUESTIONING
    assert api_as(world.liaison_a).post(url, {"question": question, "action": "reject"}).status_code == 403


def test_a_forged_forwarded_for_header_does_not_dodge_the_limit(world):
    client = Client()
    codes = [
        client.post(
            "/report/", {"subject": "s", "body": "b"}, REMOTE_ADDR="9.9.9.9", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}"
        ).status_code
        for n in range(6)
    ]
    assert codes == [200] * 5 + [429]


def test_report_attachments_open_for_staff_only(world, browser_as):
    from rectification.models import PublicReportAttachment

    report = file_report(world, files=[pdf()])
    attachment = PublicReportAttachment.objects.get(report=report)
    url = f"/rectification/reports/attachments/{attachment.pk}/"
    assert browser_as(world.office).get(url).status_code == 200
    assert browser_as(world.liaison_a).get(url).status_code == 403
    assert Client().get(url).status_code == 302
    page = browser_as(world.office).get(f"/rectification/reports/{report.pk}/").content.decode()
    assert url in page
