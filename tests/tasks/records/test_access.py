"""The access policy on the records, through the API and the pages: every list answers the
office and refuses anonymous callers; another unit's record is 404; a forbidden write is 403
and changes nothing."""

import pytest

from tasks.models import ResearchActivity, SpotCheck, StudyActivity
from tests.answers import API_NOT_FOUND, NOT_ALLOWED, NOT_FOUND, page_text, page_title
from tests.factories import ResearchActivityFactory

PATHS = [
    "study-activities",
    "focus-areas",
    "research-topics",
    "research-activities",
    "exchange-meetings",
    "typical-cases",
    "innovation-measures",
    "indicators",
    "livelihood-items",
    "volunteer-teams",
    "institution-documents",
]


def named(record) -> str:
    """What a person reads a record by: its title (a volunteer team's name)."""
    return getattr(record, "title", None) or record.name


def ids(response):
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


@pytest.mark.parametrize("path", PATHS)
def test_every_list_answers_the_office_and_refuses_anonymous_callers(client, world, recs, api_as, path):
    assert client.get(f"/api/v1/{path}/").status_code == 401
    response = api_as(world.office).get(f"/api/v1/{path}/")
    assert response.status_code == 200
    assert response.json()["count"] >= 1


def test_a_liaison_lists_only_their_units_and_the_city_records(world, recs, api_as):
    assert ids(api_as(world.liaison_a).get("/api/v1/study-activities/")) == {recs.study_a.pk}
    assert ids(api_as(world.liaison_a).get("/api/v1/research-topics/")) == {recs.topic_city.pk, recs.topic_a.pk}
    assert ids(api_as(world.inspector).get("/api/v1/innovation-measures/")) == {recs.measure_a.pk}


@pytest.mark.parametrize(
    "path,attr",
    [
        ("study-activities", "study_b"),
        ("research-topics", "topic_b"),
        ("research-activities", "activity_b"),
        ("exchange-meetings", "meeting_b"),
        ("typical-cases", "case_b"),
        ("innovation-measures", "measure_b"),
        ("livelihood-items", "item_b"),
        ("volunteer-teams", "team_b"),
        ("institution-documents", "document_b"),
    ],
)
def test_another_units_record_is_404_to_a_liaison_and_an_uncovering_inspector(world, recs, api_as, path, attr):
    record = getattr(recs, attr)
    pk = record.pk
    for person in (world.liaison_a, world.inspector):
        refused = api_as(person).get(f"/api/v1/{path}/{pk}/")
        assert refused.status_code == 404 and refused.json() == API_NOT_FOUND
    patched = api_as(world.liaison_a).patch(f"/api/v1/{path}/{pk}/", {"title": "改"}, format="json")
    assert patched.status_code == 404
    shown = api_as(world.other_inspector).get(f"/api/v1/{path}/{pk}/")
    assert shown.status_code == 200 and shown.json()["id"] == pk
    record.refresh_from_db()
    assert named(record) != "改" and named(record) in shown.content.decode()


def test_a_liaison_creating_a_record_for_another_unit_is_403_and_nothing_is_written(world, recs, api_as):
    before = StudyActivity.objects.count()
    response = api_as(world.liaison_a).post(
        "/api/v1/study-activities/",
        {"unit": world.unit_b.pk, "kind": "tutoring", "title": "越权", "date": "2026-10-01"},
        format="json",
    )
    assert response.status_code == 403
    assert StudyActivity.objects.count() == before


def test_a_liaison_creates_their_units_record_through_the_api(world, recs, api_as):
    response = api_as(world.liaison_a).post(
        "/api/v1/study-activities/",
        {
            "unit": world.unit_a.pk,
            "kind": "reading_class",
            "title": "API读书班",
            "topic": "专题",
            "date": "2026-10-01",
            "absentees": ["甲", "乙"],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    activity = StudyActivity.objects.get(title="API读书班")
    assert activity.absences.count() == 2
    owed = api_as(world.liaison_a).get("/api/v1/study-activities/owed/").json()
    assert {row["name"] for row in owed["results"]} == {"张三", "李四", "甲", "乙"}


def test_inspectors_and_leaders_read_but_may_not_write(world, recs, api_as):
    for user in (world.inspector, world.leader):
        response = api_as(user).patch(f"/api/v1/study-activities/{recs.study_a.pk}/", {"title": "改"}, format="json")
        assert response.status_code == 403
    recs.study_a.refresh_from_db()
    assert recs.study_a.title == "发改委读书班"


def test_a_liaison_may_not_write_indicators_or_city_records(world, recs, api_as):
    response = api_as(world.liaison_a).post(
        "/api/v1/indicators/", {"key": "x", "name": "x", "measure_unit": "个"}, format="json"
    )
    assert response.status_code == 403
    response = api_as(world.liaison_a).patch(
        f"/api/v1/research-topics/{recs.topic_city.pk}/", {"title": "改"}, format="json"
    )
    assert response.status_code == 403
    recs.topic_city.refresh_from_db()
    assert recs.topic_city.title == "城市更新和城市建设"


def test_register_and_complete_through_the_api(world, recs, api_as, today):
    client = api_as(world.liaison_a)
    response = client.post(
        "/api/v1/research-activities/",
        {
            "unit": world.unit_a.pk,
            "title": "API调研",
            "planned_date": today.isoformat(),
            "place": "港区",
            "people": "周强",
            "is_major": True,
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    refused = client.post(
        f"/api/v1/research-activities/{pk}/complete/", {"findings": ["发现"]}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert refused.status_code == 400
    assert "registered" in str(refused.json())
    in_chinese = client.post(f"/api/v1/research-activities/{pk}/complete/", {"findings": ["发现"]}, format="json")
    assert "报备" in str(in_chinese.json())
    assert client.post(f"/api/v1/research-activities/{pk}/register/").json()["status"] == "registered"
    done = client.post(f"/api/v1/research-activities/{pk}/complete/", {"findings": ["发现一"]}, format="json")
    assert done.json()["status"] == "completed"
    assert [f["text"] for f in done.json()["findings"]] == ["发现一"]
    assert ResearchActivity.objects.get(pk=pk).findings.count() == 1
    chain = client.get(f"/api/v1/research-topics/{recs.topic_a.pk}/chain/").json()
    assert chain["activities"][0]["findings"][0]["measures"][0]["title"] == "设立民企融资服务专班"


def test_another_liaisons_spot_check_or_follow_up_is_refused(world, recs, api_as, today):
    response = api_as(world.liaison_b).post(
        f"/api/v1/research-activities/{recs.activity_b.pk}/spot-checks/",
        {"group": world.group_b.pk, "date": today.isoformat(), "method": "joined", "result": "as_registered"},
        format="json",
    )
    assert response.status_code == 403 and response.json()["detail"]
    assert not SpotCheck.objects.exists()
    response = api_as(world.other_inspector).post(
        f"/api/v1/research-activities/{recs.activity_b.pk}/spot-checks/",
        {"group": world.group_b.pk, "date": today.isoformat(), "method": "joined", "result": "as_registered"},
        format="json",
    )
    assert response.status_code == 201
    check = SpotCheck.objects.get()
    assert (check.activity, check.checked_by, check.method) == (recs.activity_b, world.other_inspector, "joined")


# --- Pages --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "slug,attr",
    [
        ("study", "study_b"),
        ("topics", "topic_b"),
        ("research", "activity_b"),
        ("measures", "measure_b"),
        ("documents", "document_b"),
    ],
)
def test_another_units_record_page_is_404(world, recs, browser_as, slug, attr):
    record = getattr(recs, attr)
    client = browser_as(world.liaison_a)
    for path in (f"/records/{slug}/{record.pk}/", f"/records/{slug}/{record.pk}/edit/"):
        page = client.get(path)
        assert page.status_code == 404 and page_title(page) == NOT_FOUND
        assert named(record) not in page_text(page)


def test_the_liaisons_list_holds_only_their_unit(world, recs, browser_as):
    page = browser_as(world.liaison_a).get("/records/study/").content.decode()
    assert "发改委读书班" in page
    assert "中山区读书班" not in page


def test_an_inspector_cannot_edit_a_covered_units_record_and_nothing_changes(world, recs, browser_as):
    client = browser_as(world.inspector)
    assert client.get(f"/records/study/{recs.study_a.pk}/").status_code == 200
    response = client.post(
        f"/records/study/{recs.study_a.pk}/edit/",
        {
            "unit": world.unit_a.pk,
            "kind": "reading_class",
            "title": "改了",
            "topic": "x",
            "date": "2026-10-01",
            "participants": 1,
            "audience": 0,
        },
    )
    assert response.status_code == 403
    recs.study_a.refresh_from_db()
    assert recs.study_a.title == "发改委读书班"


def test_a_liaison_cannot_register_another_units_trip_from_the_page(world, recs, browser_as):
    response = browser_as(world.liaison_b).post(f"/records/research/{recs.activity_a.pk}/register/")
    assert response.status_code == 404
    recs.activity_a.refresh_from_db()
    assert recs.activity_a.status == "completed"


def test_a_liaison_may_not_open_the_indicator_import(world, browser_as):
    for path, reason in (
        ("/records/indicators/import/", "只有领导小组办公室可以导入表格。"),
        ("/records/indicators/new/", "您无权新增该类记录。"),
    ):
        page = browser_as(world.liaison_a).get(path)
        assert page.status_code == 403 and page_title(page) == NOT_ALLOWED
        assert reason in page_text(page)


def test_anonymous_visitors_are_sent_to_log_in(client, world, recs):
    response = client.get("/records/study/")
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_city_leaders_research_trips_are_read_by_the_office_and_leaders_only(world, recs, city_leader, api_as, today):
    trip = research_trip_of_leader(world, city_leader, today)
    assert trip.pk in ids(api_as(world.leader).get("/api/v1/research-activities/"))
    assert trip.pk not in ids(api_as(world.liaison_a).get("/api/v1/research-activities/"))
    assert api_as(world.inspector).get(f"/api/v1/research-activities/{trip.pk}/").status_code == 404


def research_trip_of_leader(world, leader, today):
    """A city leader's trip the office planned: of no unit."""
    return ResearchActivityFactory(
        campaign=world.campaign, unit=None, leader=leader, created_by=world.office, planned_date=today, place="港区"
    )


def test_an_inspector_deleting_a_covered_units_record_is_403_and_it_stays(world, recs, api_as):
    response = api_as(world.inspector).delete(f"/api/v1/innovation-measures/{recs.measure_a.pk}/")
    assert response.status_code == 403
    assert type(recs.measure_a).objects.filter(pk=recs.measure_a.pk).exists()


def test_office_enters_indicator_values_and_issues_a_document_through_the_api(world, recs, api_as, today):
    client = api_as(world.office)
    response = client.post(
        f"/api/v1/indicators/{recs.indicator.pk}/values/",
        {"period_end": "2026-10-31", "value": "97.50", "source": "热线"},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert client.get("/api/v1/indicators/").json()["results"][0]["latest_value"] == "97.50"
    assert (
        api_as(world.liaison_a)
        .post(
            f"/api/v1/indicators/{recs.indicator.pk}/values/", {"period_end": "2026-11-30", "value": "1"}, format="json"
        )
        .status_code
        == 403
    )
    response = api_as(world.liaison_b).post(
        f"/api/v1/institution-documents/{recs.document_b.pk}/issue/",
        {"issued_on": today.isoformat(), "doc_number": "中发〔2026〕1号"},
        format="json",
    )
    assert response.json()["status"] == "issued"
    by_city = client.get("/api/v1/institution-documents/?by_city=true").json()
    assert by_city["count"] == 0


def test_a_liaison_adds_a_co_building_project_and_a_makeup_through_the_api(world, recs, api_as, today):
    client = api_as(world.liaison_b)
    response = client.post(
        f"/api/v1/volunteer-teams/{recs.team_b.pk}/projects/",
        {"title": "认领微心愿", "agreed_on": today.isoformat()},
        format="json",
    )
    assert response.status_code == 201
    absence = recs.study_b.absences.get()
    response = client.post(
        f"/api/v1/study-activities/{recs.study_b.pk}/makeups/",
        {"date": today.isoformat(), "content": "补课", "absences": [absence.pk]},
        format="json",
    )
    assert response.status_code == 201, response.content
    absence.refresh_from_db()
    assert absence.made_up_in_id == response.json()["id"]
