"""Hostile callers get JSON errors from the API, never a 500 (issue #12): malformed bodies of any
JSON type, malformed ids, conflicts, NUL characters, the database going away."""

import datetime as dt
from unittest import mock
from urllib.parse import urlencode

import pytest
import time_machine
from django.db import OperationalError
from django.test import RequestFactory

from config import errors
from rectification.services import public as public_services
from tasks.models import FocusArea, ResearchTopic, StudyActivity
from tasks.services import progress as progress_services

WEDNESDAY = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
MALFORMED_BODIES = ["[]", "null", '"text"', "42", "[1, 2]", "true"]


def assert_json_error(response, status: int) -> dict:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    return response.json()


@pytest.fixture
def submitted_report(world):
    with time_machine.travel(WEDNESDAY, tick=False):
        report = progress_services.report_open(unit=world.unit_a, week_start=dt.date(2026, 11, 23), by=world.liaison_a)
        texts = {"highlights": "完成专题读书班", "problems": "无", "next_week_plan": "开展调研"}
        progress_services.report_save(report=report, by=world.liaison_a, version=report.version, data=texts, items={})
        report.refresh_from_db()
        return progress_services.report_submit(report=report, by=world.liaison_a)


# --- malformed bodies ------------------------------------------------------------------------


@pytest.mark.parametrize("body", MALFORMED_BODIES)
def test_token_endpoint_refuses_a_body_that_is_not_an_object(world, client, body):
    response = client.post("/api/v1/auth/token/", body, content_type="application/json")
    assert "detail" in assert_json_error(response, 400)


def test_token_endpoint_refuses_a_username_that_is_not_text(world, client):
    response = client.post(
        "/api/v1/auth/token/", {"username": ["office"], "password": "x"}, content_type="application/json"
    )
    assert "username" in assert_json_error(response, 400)


@pytest.mark.parametrize("action", ["submit", "accept", "return"])
@pytest.mark.parametrize("body", MALFORMED_BODIES)
def test_report_actions_refuse_a_body_that_is_not_an_object(world, api_as, submitted_report, action, body):
    caller = world.liaison_a if action == "submit" else world.office
    response = api_as(caller).post(
        f"/api/v1/progress-reports/{submitted_report.pk}/{action}/", body, content_type="application/json"
    )
    assert_json_error(response, 400)


@pytest.mark.parametrize("action", ["accept", "return"])
def test_review_refuses_a_comment_that_is_not_text(world, api_as, submitted_report, action):
    response = api_as(world.office).post(
        f"/api/v1/progress-reports/{submitted_report.pk}/{action}/", {"comment": [None, None]}, format="json"
    )
    assert "comment" in assert_json_error(response, 400)
    submitted_report.refresh_from_db()
    assert submitted_report.status == "submitted"


@pytest.mark.parametrize("body", MALFORMED_BODIES)
def test_tv_question_triage_refuses_a_body_that_is_not_an_object(world, api_as, body):
    session = public_services.tv_session_record(
        by=world.office,
        campaign=world.campaign,
        number=1,
        title="电视问政第一期",
        aired_on=dt.date(2026, 11, 20),
        viewers=1000,
        questions=["道路破损"],
        departments=[],
    )
    response = api_as(world.office).post(
        f"/api/v1/tv-sessions/{session.pk}/triage/", body, content_type="application/json"
    )
    assert_json_error(response, 400)


# --- malformed ids ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "method, path",
    [
        ("get", "/api/v1/special-rectifications/{id}/"),
        ("post", "/api/v1/innovation-measures/{id}/follow-ups/"),
        ("post", "/api/v1/study-activities/{id}/rate/"),
        ("get", "/api/v1/units/{id}/"),
        ("delete", "/api/v1/focus-areas/{id}/"),
    ],
)
@pytest.mark.parametrize("bad_id", ["null,null", "-1", "1.5", "99999999999999999999999", "9223372036854775807"])
def test_a_malformed_or_impossible_id_in_the_path_is_a_json_404(world, api_as, method, path, bad_id):
    response = getattr(api_as(world.office), method)(path.format(id=bad_id), {}, format="json")
    assert "detail" in assert_json_error(response, 404)


@pytest.mark.parametrize("path", ["/api/v1/liaisons/", "/api/v1/problems/", "/api/v1/study-activities/"])
@pytest.mark.parametrize("bad", ["null,null", "99999999999999999999999", "²", "-3"])
def test_a_malformed_id_in_a_unit_filter_is_a_400_naming_it(world, api_as, path, bad):
    response = api_as(world.office).get(path, {"unit": bad})
    assert "unit" in assert_json_error(response, 400)


def test_an_unknown_api_address_is_a_json_404_and_a_page_stays_html(world, api_as, browser_as):
    assert_json_error(api_as(world.office).get("/api/v1/no-such-thing/"), 404)
    page = browser_as(world.office).get("/no-such-page/")
    assert page.status_code == 404
    assert page["Content-Type"].startswith("text/html")


# --- conflicts -------------------------------------------------------------------------------


def test_deleting_a_focus_area_in_use_is_a_409_and_keeps_it(world, api_as):
    area = FocusArea.objects.create(campaign=world.campaign, number=1, name="营商环境")
    ResearchTopic.objects.create(
        campaign=world.campaign,
        work_line_id=_line("research"),
        focus_area=area,
        level="city",
        title="优化营商环境课题",
        leader=world.leader,
    )
    response = api_as(world.office).delete(f"/api/v1/focus-areas/{area.pk}/")
    assert "detail" in assert_json_error(response, 409)
    assert FocusArea.objects.filter(pk=area.pk).exists()


def _line(code: str) -> int:
    from campaign.models import WorkLine

    return WorkLine.objects.get(code=code).pk


# --- NUL and other invalid characters ---------------------------------------------------------

SEARCHED_LISTS = [
    ("/api/v1/units/", "/units/"),
    ("/api/v1/key-tasks/", "/key-tasks/"),
    ("/api/v1/problems/", "/rectification/problems/"),
    ("/api/v1/measures/", "/rectification/measures/"),
    ("/api/v1/study-activities/", "/records/study/"),
    ("/api/v1/research-activities/", "/records/research/"),
    ("/api/v1/institution-documents/", "/records/documents/"),
]


@pytest.mark.parametrize("api_path, page_path", SEARCHED_LISTS)
def test_a_nul_in_a_search_is_refused_on_the_api_and_on_the_page(world, api_as, browser_as, api_path, page_path):
    assert "detail" in assert_json_error(api_as(world.office).get(api_path, {"search": "\x00"}), 400)
    page = browser_as(world.office).get(page_path, {"search": "a\x00b"})
    assert page.status_code == 400
    assert "空字符" in page.content.decode()  # the message says what to remove
    assert browser_as(world.office).get(page_path, {"search": "ab"}).status_code == 200


def test_a_nul_in_a_submitted_text_field_is_refused_naming_the_field(world, api_as):
    response = api_as(world.office).post(
        "/api/v1/focus-areas/", {"number": 3, "name": "营商\x00环境", "campaign": world.campaign.pk}, format="json"
    )
    assert "name" in assert_json_error(response, 400)
    assert not FocusArea.objects.filter(number=3).exists()


def test_a_nul_in_a_submitted_form_is_refused_with_a_message(world, browser_as):
    page = browser_as(world.office).post(
        f"/units/{world.unit_a.pk}/edit/",
        urlencode({"head_name": "张\x00三", "contact_phone": "0532-1234567"}),
        content_type="application/x-www-form-urlencoded",
    )
    assert page.status_code == 400
    assert "空字符" in page.content.decode()
    world.unit_a.refresh_from_db()
    assert "\x00" not in world.unit_a.head_name


# --- the server's own failures ----------------------------------------------------------------


def test_an_uncaught_error_under_the_api_is_a_json_500(world, api_as):
    with mock.patch("tasks.api.study.study_activity_list", side_effect=RuntimeError("boom")):
        response = api_as(world.office).get("/api/v1/study-activities/")
    body = assert_json_error(response, 500)
    assert "boom" not in body["detail"]


def test_the_database_unreachable_is_a_503_with_retry_after_on_the_api(world, api_as):
    with mock.patch("tasks.api.study.study_activity_list", side_effect=OperationalError("server closed")):
        response = api_as(world.office).get("/api/v1/study-activities/")
    assert "detail" in assert_json_error(response, 503)
    assert int(response["Retry-After"]) > 0


def test_the_database_unreachable_is_a_plain_chinese_503_page(world, browser_as):
    with mock.patch("campaign.views.selectors.unit_list", side_effect=OperationalError("server closed")):
        page = browser_as(world.office).get("/units/")
    assert page.status_code == 503
    assert int(page["Retry-After"]) > 0
    assert "服务暂时不可用" in page.content.decode()


@pytest.mark.parametrize("path, kind", [("/api/v1/units/", "application/json"), ("/units/", "text/html")])
def test_a_database_error_outside_any_view_is_a_503_too(path, kind):
    request = RequestFactory().get(path)
    try:
        raise OperationalError("could not connect to server")
    except OperationalError:
        response = errors.server_error(request)
    assert response.status_code == 503
    assert response["Content-Type"].startswith(kind)
    assert response["Retry-After"]


def test_a_city_level_record_answers_its_unit_name_as_null(world, api_as):
    activity = StudyActivity.objects.create(
        campaign=world.campaign, work_line_id=_line("study"), kind="lecture", title="讲堂", date=dt.date(2026, 11, 2)
    )
    listed = api_as(world.office).get("/api/v1/study-activities/").json()
    row = next(r for r in listed["results"] if r["id"] == activity.pk)
    assert row["unit_name"] is None  # declared nullable in the schema
    patched = api_as(world.office).patch(
        f"/api/v1/study-activities/{activity.pk}/", {"place": "市委党校"}, format="json"
    )
    assert patched.status_code == 200
    assert patched.json()["unit_name"] is None  # a PATCH answers the whole record


def test_an_api_error_speaks_the_callers_language(world, api_as):
    caller = api_as(world.office)
    english = caller.get("/api/v1/units/", {"search": "\x00"}, HTTP_ACCEPT_LANGUAGE="en")
    assert "NUL" in assert_json_error(english, 400)["detail"]
    chinese = caller.get("/api/v1/units/", {"search": "\x00"})
    assert "空字符" in assert_json_error(chinese, 400)["detail"]


def test_arena_scores_under_something_else_than_a_criterion_id_are_a_400(world, api_as):
    from rectification.services import special

    plan = special.special_rectification_create(
        by=world.office, campaign=world.campaign, title="营商环境专项整治", plan_document="〔2026〕5号"
    )
    team = special.work_team_create(
        by=world.office, rectification=plan, name="审批提速专班", lead_unit=world.unit_a, member_units=[]
    )
    arena = special.arena_round_create(
        by=world.office,
        campaign=world.campaign,
        title="第一次擂台比武",
        held_on=dt.date(2026, 11, 5),
        teams=[team],
        criteria=[("工作成效", 60)],
        attendees=[world.leader],
    )
    criterion = arena.criteria.get()
    caller = api_as(world.leader)
    for scores in ({"abc": 5}, {"\x00": 5}, {"99999999999999999999999": 5}):
        address = f"/api/v1/arena-rounds/{arena.pk}/score/"
        response = caller.post(address, {"team": team.pk, "scores": scores}, format="json")
        assert "scores" in assert_json_error(response, 400)
    saved = caller.post(
        f"/api/v1/arena-rounds/{arena.pk}/score/", {"team": team.pk, "scores": {str(criterion.pk): 50}}, format="json"
    )
    assert saved.status_code == 200 and saved.json() == {"saved": 1}


def test_deleting_a_unit_that_has_records_is_a_409_saying_what_to_do(world, api_as):
    StudyActivity.objects.create(
        campaign=world.campaign,
        work_line_id=_line("study"),
        unit=world.unit_c,
        kind="lecture",
        title="讲堂",
        date=dt.date(2026, 11, 2),
    )
    response = api_as(world.office).delete(f"/api/v1/units/{world.unit_c.pk}/")
    assert assert_json_error(response, 409)["detail"]
    assert world.unit_c.__class__.objects.filter(pk=world.unit_c.pk).exists()


def test_a_missing_record_is_not_found_in_the_callers_language_without_naming_the_model(world, api_as):
    response = api_as(world.office).get("/api/v1/measures/99999999/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 404
    assert response.json()["detail"] == "未找到。" and "Measure" not in response.content.decode()
    english = api_as(world.office).get("/api/v1/measures/99999999/", HTTP_ACCEPT_LANGUAGE="en")
    assert english.json()["detail"] == "Not found."
