"""Every forbidden path, on pages and through the API: another unit's record is 404, a
forbidden write is 403, and nothing changes in the database."""

import pytest
from rest_framework.test import APIClient

from rectification.models import Closure, Measure, MeasureProgress, Problem
from tests.answers import API_NOT_AUTHENTICATED, API_NOT_FOUND, NOT_FOUND, page_text, page_title
from tests.factories import (
    ArenaRoundFactory,
    MeasureFactory,
    PetitionCaseFactory,
    ProblemFactory,
    PublicReportFactory,
    SiteVisitFactory,
    SpecialRectificationFactory,
    SpecialTaskFactory,
    TvSessionFactory,
)
from tests.rectification.conftest import png

# Each list, with a row of it in the world's campaign.
LISTS = {
    "/api/v1/problems/": lambda w: ProblemFactory(campaign=w.campaign, unit=w.unit_a),
    "/api/v1/measures/": lambda w: MeasureFactory(problem__campaign=w.campaign, problem__unit=w.unit_a),
    "/api/v1/site-visits/": lambda w: SiteVisitFactory(campaign=w.campaign, unit=w.unit_a, inspector=w.inspector),
    "/api/v1/special-rectifications/": lambda w: SpecialRectificationFactory(campaign=w.campaign),
    "/api/v1/special-tasks/": lambda w: SpecialTaskFactory(
        team__rectification__campaign=w.campaign, team__lead_unit=w.unit_a
    ),
    "/api/v1/arena-rounds/": lambda w: ArenaRoundFactory(campaign=w.campaign),
    "/api/v1/public-reports/": lambda w: PublicReportFactory(campaign=w.campaign),
    "/api/v1/tv-sessions/": lambda w: TvSessionFactory(campaign=w.campaign),
    "/api/v1/petition-cases/": lambda w: PetitionCaseFactory(campaign=w.campaign, unit=w.unit_a),
}
# Each page, with the title the office sees on it.
PAGES = {
    "/rectification/": "整改工作",
    "/rectification/problems/": "问题清单",
    "/rectification/measures/": "整改措施",
    "/rectification/review/": "审核",
    "/rectification/reports/": "群众举报",
    "/rectification/tv/": "电视问政",
    "/rectification/petitions/": "信访案件",
    "/rectification/special/": "专项整治",
    "/rectification/import/": "导入问题清单",
    "/rectification/problems/new/": "列入问题",
    "/rectification/site-visits/new/": "登记实地查看",
}


@pytest.mark.parametrize("path", LISTS)
def test_every_list_answers_the_office_and_refuses_anonymous_callers(world, api_as, path):
    row = LISTS[path](world)
    refused = APIClient().get(path)
    assert refused.status_code == 401 and refused.json() == API_NOT_AUTHENTICATED
    answer = api_as(world.office).get(path)
    assert answer.status_code == 200
    assert [r["id"] for r in answer.json()["results"]] == [row.pk]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_sends_anonymous_visitors_to_login_and_opens_for_the_office(world, client, browser_as, path):
    response = client.get(path)
    assert response.status_code == 302 and "/login/" in response.url
    page = browser_as(world.office).get(path)
    assert page.status_code == 200
    assert page_title(page) == PAGES[path]


def test_liaison_lists_only_their_units_problems_and_measures(world, make_measure, api_as):
    mine = make_measure(unit=world.unit_a)
    make_measure(unit=world.unit_b)
    rows = api_as(world.liaison_a).get("/api/v1/measures/").json()["results"]
    assert [r["id"] for r in rows] == [mine.pk]
    problems = api_as(world.liaison_a).get("/api/v1/problems/").json()["results"]
    assert [p["id"] for p in problems] == [mine.problem_id]


def test_inspector_sees_only_the_units_of_their_group(world, make_measure, api_as):
    make_measure(unit=world.unit_a)
    make_measure(unit=world.unit_b)
    units = {r["responsible_unit"] for r in api_as(world.inspector).get("/api/v1/measures/").json()["results"]}
    assert units == {world.unit_a.pk}
    assert len(api_as(world.leader).get("/api/v1/measures/").json()["results"]) == 2


def test_another_units_measure_is_404_on_pages_and_api(world, make_measure, api_as, browser_as):
    theirs = make_measure(unit=world.unit_b, content="中山区的整改措施")
    for path in (f"/api/v1/measures/{theirs.pk}/", f"/api/v1/problems/{theirs.problem_id}/"):
        answer = api_as(world.liaison_a).get(path)
        assert answer.status_code == 404 and answer.json() == API_NOT_FOUND
    for person, path in (
        (world.liaison_a, f"/rectification/measures/{theirs.pk}/"),
        (world.liaison_a, f"/rectification/problems/{theirs.problem_id}/"),
        (world.inspector, f"/rectification/measures/{theirs.pk}/"),
    ):
        page = browser_as(person).get(path)
        assert page.status_code == 404 and page_title(page) == NOT_FOUND
        assert theirs.problem.title not in page_text(page) and "中山区的整改措施" not in page_text(page)


@pytest.mark.parametrize(
    ("action", "data"),
    [
        ("progress/", {"value_reached": "50"}),
        ("close/", {"statement": "完成"}),
        ("sign-off/", {}),
        ("return/", {"reason": "x"}),
        ("reopen/", {"reason": "x"}),
        ("extension/", {"new_deadline": "2027-01-01", "reason": "x"}),
    ],
)
def test_writing_to_another_units_measure_is_404_and_changes_nothing(world, make_measure, api_as, action, data):
    theirs = make_measure(unit=world.unit_b)
    before = Measure.objects.get(pk=theirs.pk)
    response = api_as(world.liaison_a).post(f"/api/v1/measures/{theirs.pk}/{action}", data)
    assert response.status_code == 404
    after = Measure.objects.get(pk=theirs.pk)
    assert (after.status, after.progress_percent, after.deadline) == (
        before.status,
        before.progress_percent,
        before.deadline,
    )
    assert not MeasureProgress.objects.exists() and not Closure.objects.exists()


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/rectification/measures/{pk}/progress/", {"value_reached": "50"}),
        ("/rectification/measures/{pk}/close/", {"statement": "完成"}),
        ("/rectification/measures/{pk}/sign-off/", {}),
        ("/rectification/measures/{pk}/reopen/", {"reason": "x"}),
        ("/rectification/measures/{pk}/extension/", {"new_deadline": "2027-01-01", "reason": "x"}),
    ],
)
def test_posting_to_another_units_measure_page_is_404(world, make_measure, browser_as, path, data):
    theirs = make_measure(unit=world.unit_b)
    response = browser_as(world.liaison_a).post(path.format(pk=theirs.pk), data)
    assert response.status_code == 404
    assert not MeasureProgress.objects.exists() and not Closure.objects.exists()


def test_forbidden_writes_on_a_visible_measure_are_403_and_change_nothing(world, make_measure, api_as, browser_as):
    measure = make_measure(unit=world.unit_a)
    inspector = api_as(world.inspector)
    assert inspector.post(f"/api/v1/measures/{measure.pk}/progress/", {"value_reached": "50"}).status_code == 403
    assert inspector.post(f"/api/v1/measures/{measure.pk}/close/", {"statement": "x"}).status_code == 403
    assert (
        api_as(world.leader).post(f"/api/v1/measures/{measure.pk}/progress/", {"value_reached": "5"}).status_code == 403
    )
    page = browser_as(world.inspector).post(f"/rectification/measures/{measure.pk}/progress/", {"value_reached": "50"})
    assert page.status_code == 403
    measure.refresh_from_db()
    assert measure.progress_percent == 0 and not MeasureProgress.objects.exists()


def test_liaison_cannot_sign_off_through_the_api_or_the_page(world, closable, api_as, browser_as):
    measure, _closure = closable()
    assert api_as(world.liaison_a).post(f"/api/v1/measures/{measure.pk}/sign-off/").status_code == 403
    assert browser_as(world.liaison_a).post(f"/rectification/measures/{measure.pk}/sign-off/").status_code == 403
    measure.refresh_from_db()
    assert measure.status == Measure.Status.CLOSURE_REQUESTED


def test_liaison_cannot_list_problems_for_another_unit(world, api_as):
    response = api_as(world.liaison_a).post("/api/v1/problems/", {"title": "x", "unit": world.unit_b.pk})
    assert response.status_code == 404
    response = api_as(world.liaison_a).post(
        "/api/v1/problems/", {"title": "x", "unit": world.unit_a.pk, "level": "city"}
    )
    assert response.status_code == 403
    assert not Problem.objects.exists()
    response = api_as(world.liaison_a).post("/api/v1/problems/", {"title": "自查问题", "unit": world.unit_a.pk})
    assert response.status_code == 201, response.content


def test_liaison_cannot_add_a_measure_making_another_unit_responsible(world, make_problem, api_as):
    problem = make_problem(world.unit_a)
    data = {
        "problem": problem.pk,
        "content": "措施",
        "responsible_unit": world.unit_b.pk,
        "responsible_person": "王五",
        "start_date": "2026-10-01",
        "deadline": "2026-12-31",
        "target_value": "10",
    }
    assert api_as(world.liaison_a).post("/api/v1/measures/", data).status_code == 404
    assert not Measure.objects.exists()


def test_api_measure_validation_says_what_is_missing(world, make_problem, api_as):
    problem = make_problem(world.unit_a)
    data = {"problem": problem.pk, "content": "措施", "responsible_unit": world.unit_a.pk, "start_date": "2026-10-01"}
    response = api_as(world.liaison_a).post("/api/v1/measures/", data)
    assert response.status_code == 400
    assert {"responsible_person", "deadline", "target_value"} <= set(response.json())


def test_evidence_download_is_cut_to_the_unit(world, make_measure, browser_as):
    from rectification.models import Evidence
    from rectification.services import measures as services

    measure = make_measure(unit=world.unit_a)
    services.measure_progress_record(by=world.liaison_a, measure=measure, value_reached=10, files=[png()])
    evidence = Evidence.objects.get()
    download = browser_as(world.liaison_a).get(f"/rectification/evidence/{evidence.pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == png().read()
    for person in (world.liaison_b, world.other_inspector):
        refused = browser_as(person).get(f"/rectification/evidence/{evidence.pk}/")
        assert refused.status_code == 404 and page_title(refused) == NOT_FOUND


def test_liaison_pages_flow_progress_then_closure(world, make_measure, browser_as):
    from tests.rectification.conftest import pdf

    measure = make_measure(unit=world.unit_a)
    liaison = browser_as(world.liaison_a)
    page = liaison.get(f"/rectification/measures/{measure.pk}/")
    assert (
        b"rect-measure" not in page.content
        and f"/rectification/measures/{measure.pk}/progress/".encode() in page.content
    )
    response = liaison.post(
        f"/rectification/measures/{measure.pk}/progress/", {"value_reached": "100", "files": [png()]}
    )
    assert response.status_code == 302
    response = liaison.post(f"/rectification/measures/{measure.pk}/close/", {"statement": "", "files": [pdf()]})
    assert response.status_code == 400  # the statement is missing; the page says so
    response = liaison.post(f"/rectification/measures/{measure.pk}/close/", {"statement": "完成", "files": [pdf()]})
    assert response.status_code == 302
    inspector = browser_as(world.inspector)
    assert b"sign-off" in inspector.get(f"/rectification/measures/{measure.pk}/").content
    assert inspector.get("/rectification/review/").content.count(f"/rectification/measures/{measure.pk}/".encode()) == 1
    assert inspector.post(f"/rectification/measures/{measure.pk}/return/", {"reason": "补充照片"}).status_code == 302
    measure.refresh_from_db()
    assert measure.status == Measure.Status.OPEN


def test_menu_shows_rectification_rooms_by_role(world):
    from django.contrib.auth.models import AnonymousUser

    from rectification.contributions import nav_items

    def urls(user):
        return {url for _order, _label, url in nav_items(user)}

    assert "/rectification/review/" in urls(world.office)
    assert "/rectification/review/" in urls(world.inspector)
    assert "/rectification/review/" not in urls(world.liaison_a)
    assert "/rectification/measures/" in urls(world.liaison_a)
    assert all(40 <= order <= 49 for order, _label, _url in nav_items(world.leader))
    assert nav_items(AnonymousUser()) == []
