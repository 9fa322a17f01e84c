"""Around the problem list: site visits, special rectification with its task ledger, the
arena's explained ranking, and petition cases through their stages."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from campaign.models import User
from rectification import selectors
from rectification.models import Measure, PetitionCase, Problem, SiteVisit, SpecialTask
from rectification.services import measures as measure_services
from rectification.services import public as public_services
from rectification.services import special as services
from tests.answers import API_NOT_FOUND, page_text, page_title
from tests.factories import UserFactory
from tests.rectification.conftest import pdf


def test_site_visit_finding_lists_a_new_problem(world, api_as):
    response = api_as(world.inspector).post(
        "/api/v1/site-visits/",
        {
            "unit": world.unit_a.pk,
            "visited_on": "2026-10-20",
            "findings": "台账不全",
            "new_problem_title": "台账不规范",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    problem = Problem.objects.get()
    assert problem.source == Problem.Source.INSPECTION and response.json()["problems"] == [problem.pk]


def test_site_visit_finding_reopens_a_closure(world, closable):
    measure, closure = closable()
    measure_services.closure_sign_off(by=world.office, closure=closure)
    services.site_visit_record(
        by=world.inspector,
        unit=world.unit_a,
        visited_on=dt.date(2026, 11, 2),
        findings="抽查不合格",
        reopen_measure=measure,
    )
    measure.refresh_from_db()
    closure.refresh_from_db()
    assert measure.status == Measure.Status.OPEN and closure.reopen_reason == "抽查不合格"


def test_inspector_cannot_record_visits_to_units_outside_their_group(world, api_as):
    response = api_as(world.inspector).post(
        "/api/v1/site-visits/", {"unit": world.unit_b.pk, "visited_on": "2026-10-20", "findings": "x"}, format="json"
    )
    assert response.status_code == 404 and response.json() == API_NOT_FOUND
    response = api_as(world.liaison_a).post(
        "/api/v1/site-visits/", {"unit": world.unit_a.pk, "visited_on": "2026-10-20", "findings": "x"}, format="json"
    )
    assert response.status_code == 403 and response.json()["detail"]
    assert not SiteVisit.objects.exists()


@pytest.fixture
def team(world):
    special = services.special_rectification_create(
        by=world.office, campaign=world.campaign, title="营商环境专项整治", plan_document="〔2026〕5号"
    )
    return services.work_team_create(
        by=world.office, rectification=special, name="审批提速专班", lead_unit=world.unit_a, member_units=[world.unit_b]
    )


def test_special_task_closes_only_when_signed_off(world, team, api_as):
    task = services.special_task_create(
        by=world.office, team=team, title="清理证明事项", owner_unit=world.unit_a, deadline=dt.date(2026, 12, 1)
    )
    url = f"/api/v1/special-tasks/{task.pk}/"
    claim = {"statement": "已清理21项", "result_percent": "100", "files": [pdf()]}
    assert api_as(world.liaison_a).post(url + "close/", claim, format="multipart").status_code == 201
    assert api_as(world.liaison_a).post(url + "sign-off/").status_code == 403
    assert api_as(world.inspector).post(url + "return/", {"reason": ""}).status_code == 400
    assert api_as(world.inspector).post(url + "return/", {"reason": "清单未公布"}).status_code == 200
    task.refresh_from_db()
    assert task.status == SpecialTask.Status.OPEN and task.returned_reason == "清单未公布"
    claim = {"statement": "清单已公布", "result_percent": "100", "files": [pdf()]}
    assert api_as(world.liaison_a).post(url + "close/", claim, format="multipart").status_code == 201
    assert api_as(world.inspector).post(url + "sign-off/").status_code == 200
    task.refresh_from_db()
    assert task.status == SpecialTask.Status.CLOSED and task.signed_off_by == world.inspector
    detail = api_as(world.office).get(f"/api/v1/special-rectifications/{team.rectification_id}/").json()
    assert detail["closed_count"] == 1 and detail["teams"][0]["tasks"][0]["status"] == "closed"


def test_special_tasks_are_cut_to_the_owner_unit(world, team, api_as):
    services.special_task_create(
        by=world.office, team=team, title="A", owner_unit=world.unit_a, deadline=dt.date(2026, 12, 1)
    )
    other = services.special_task_create(
        by=world.office, team=team, title="B", owner_unit=world.unit_b, deadline=dt.date(2026, 12, 1)
    )
    rows = api_as(world.liaison_a).get("/api/v1/special-tasks/").json()["results"]
    assert [r["title"] for r in rows] == ["A"]
    assert (
        api_as(world.liaison_a).post(f"/api/v1/special-tasks/{other.pk}/close/", {"statement": "x"}).status_code == 404
    )


def test_arena_ranking_is_computed_and_shows_each_teams_scores(world, team, api_as, browser_as):
    second = services.work_team_create(
        by=world.office, rectification=team.rectification, name="治理欠薪专班", lead_unit=world.unit_b, member_units=[]
    )
    judges = [UserFactory(role=User.Role.OFFICE), world.leader]
    arena = services.arena_round_create(
        by=world.office,
        campaign=world.campaign,
        title="第一次擂台比武",
        held_on=dt.date(2026, 11, 5),
        teams=[team, second],
        criteria=[("工作成效", 60), ("群众评价", 40)],
        attendees=judges,
    )
    work, people = arena.criteria.order_by("order")
    services.arena_score_submit(by=judges[0], arena=arena, team=team, scores={work.pk: 50, people.pk: 30})
    services.arena_score_submit(by=world.leader, arena=arena, team=team, scores={work.pk: 40, people.pk: 36})
    services.arena_score_submit(by=judges[0], arena=arena, team=second, scores={work.pk: 55, people.pk: 35})
    with pytest.raises(ValidationError):
        services.arena_score_submit(by=world.leader, arena=arena, team=second, scores={work.pk: 61})
    with pytest.raises(PermissionDenied):
        services.arena_score_submit(by=world.liaison_a, arena=arena, team=second, scores={work.pk: 60})
    ranking = selectors.arena_ranking(round_=arena)
    assert [(r["rank"], r["team"].name, r["cells"], r["total"]) for r in ranking] == [
        (1, "治理欠薪专班", [55.0, 35.0], 90.0),
        (2, "审批提速专班", [45.0, 33.0], 78.0),
    ]
    sheet = selectors.arena_score_sheet(round_=arena)
    assert len(sheet) == 3 and sorted(float(v) for v in sheet[0]["cells"]) in ([30.0, 50.0], [36.0, 40.0])
    # unpublished: the office sees the ranking, others do not
    assert api_as(world.liaison_a).get(f"/api/v1/arena-rounds/{arena.pk}/").json()["ranking"] is None
    assert api_as(world.office).post(f"/api/v1/arena-rounds/{arena.pk}/publish/").status_code == 200
    shown = api_as(world.liaison_a).get(f"/api/v1/arena-rounds/{arena.pk}/").json()["ranking"]
    assert shown[0]["team_name"] == "治理欠薪专班" and shown[0]["scores"] == [55.0, 35.0]
    # each score cell carries its criterion's name, which the phone layout shows beside it
    page = browser_as(world.office).get(f"/rectification/arena/{arena.pk}/").content.decode()
    assert '<td data-label="工作成效">55.0</td>' in page and '<td data-label="群众评价">35.0</td>' in page
    with pytest.raises(ValidationError):
        services.arena_score_submit(by=world.leader, arena=arena, team=second, scores={work.pk: 10})


def test_petition_case_moves_one_stage_at_a_time_and_resolution_needs_its_text(world, api_as):
    response = api_as(world.office).post(
        "/api/v1/petition-cases/",
        {
            "code": "XF-001",
            "kind": "leader_case",
            "title": "征收补偿争议",
            "unit": world.unit_b.pk,
            "leader": world.leader.pk,
            "received_on": "2026-10-01",
            "deadline": "2026-11-30",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    url = f"/api/v1/petition-cases/{response.json()['id']}/advance/"
    assert api_as(world.leader).post(url, {"stage": "handling"}).status_code == 400
    assert api_as(world.leader).post(url, {"stage": "consultation", "on": "2026-10-10"}).status_code == 200
    assert api_as(world.liaison_a).post(url, {"stage": "handling"}).status_code == 404
    assert api_as(world.liaison_b).post(url, {"stage": "handling"}).status_code == 200
    assert api_as(world.leader).post(url, {"stage": "resolved"}).status_code == 400
    assert api_as(world.leader).post(url, {"stage": "resolved", "resolution": "达成协议"}).status_code == 200
    case = PetitionCase.objects.get()
    assert case.investigated_on == dt.date(2026, 10, 10) and case.resolved_on is not None


def test_the_petition_page_offers_the_next_step_so_pressing_move_on_unchanged_moves_the_case(world, browser_as):
    case = public_services.petition_case_create(
        by=world.office,
        campaign=world.campaign,
        code="XF-002",
        kind="leader_case",
        title="征收补偿争议",
        unit=world.unit_b,
        leader=world.leader,
        received_on=dt.date(2026, 10, 1),
        deadline=dt.date(2026, 11, 30),
    )
    client = browser_as(world.office)
    page = client.get(f"/rectification/petitions/{case.pk}/").content.decode()
    assert 'value="consultation" selected' in page and 'value="investigation"' not in page
    response = client.post(f"/rectification/petitions/{case.pk}/advance/", {"stage": "consultation"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.stage == "consultation" and case.investigated_on is not None
    page = client.get(f"/rectification/petitions/{case.pk}/").content.decode()
    assert 'value="handling" selected' in page and 'value="consultation"' not in page


def test_leader_case_needs_a_leader(world):
    with pytest.raises(ValidationError):
        public_services.petition_case_create(
            by=world.office,
            campaign=world.campaign,
            code="XF-2",
            kind="leader_case",
            title="x",
            unit=world.unit_a,
            received_on=dt.date(2026, 10, 1),
            deadline=dt.date(2026, 11, 1),
        )


def test_hub_and_detail_pages_render_for_each_role(world, team, browser_as, closable):
    services.special_task_create(
        by=world.office, team=team, title="A", owner_unit=world.unit_a, deadline=dt.date(2026, 12, 1)
    )
    arena = services.arena_round_create(
        by=world.office,
        campaign=world.campaign,
        title="擂台",
        held_on=dt.date(2026, 11, 5),
        teams=[team],
        criteria=[("成效", 10)],
        attendees=[world.leader],
    )
    measure, _closure = closable()
    for person in (world.office, world.leader, world.inspector, world.liaison_a):
        client = browser_as(person)
        for url, title in (
            ("/rectification/", "整改工作"),
            (f"/rectification/special/{team.rectification_id}/", "营商环境专项整治"),
            (f"/rectification/arena/{arena.pk}/", "擂台"),
            (f"/rectification/problems/{measure.problem_id}/", measure.problem.code),
            (f"/rectification/measures/{measure.pk}/", measure.code),
        ):
            page = client.get(url)
            assert page.status_code == 200, (person.username, url)
            assert page_title(page) == title, (person.username, url)
        assert measure.problem.title in page_text(client.get(f"/rectification/problems/{measure.problem_id}/"))


def test_office_sets_up_teams_tasks_and_an_arena_round_through_the_api(world, api_as):
    office = api_as(world.office)
    special = office.post(
        "/api/v1/special-rectifications/", {"title": "欠薪专项整治", "plan_document": "〔2026〕9号"}, format="json"
    ).json()
    url = f"/api/v1/special-rectifications/{special['id']}/teams/"
    assert api_as(world.liaison_a).post(url, {"name": "x", "lead_unit": world.unit_a.pk}).status_code == 403
    team = office.post(url, {"name": "欠薪治理专班", "lead_unit": world.unit_a.pk, "member_units": [world.unit_b.pk]})
    assert team.status_code == 201, team.content
    task = {"team": team.json()["id"], "title": "建立台账", "owner_unit": world.unit_b.pk, "deadline": "2026-12-31"}
    assert api_as(world.liaison_b).post("/api/v1/special-tasks/", task).status_code == 403
    assert office.post("/api/v1/special-tasks/", task).status_code == 201
    arena = {
        "title": "擂台比武",
        "held_on": "2026-11-20",
        "teams": [team.json()["id"]],
        "criteria": [{"name": "成效", "max_score": 60}, {"name": "满意度", "max_score": 40}],
        "attendees": [world.leader.pk],
    }
    assert api_as(world.leader).post("/api/v1/arena-rounds/", arena, format="json").status_code == 403
    created = office.post("/api/v1/arena-rounds/", arena, format="json")
    assert created.status_code == 201, created.content
    assert [c["max_score"] for c in created.json()["criteria"]] == [60, 40]


def test_a_batch_of_repeat_petitions_is_registered_whole_or_not_at_all(world, api_as):
    case = {"title": "拖欠工程款", "unit": world.unit_b.pk, "received_on": "2026-10-01", "deadline": "2026-12-01"}
    bad = {
        "batch": "中央交办第三批",
        "cases": [{**case, "code": "R-1"}, {**case, "code": "R-2", "deadline": "2026-09-01"}],
    }
    response = api_as(world.office).post("/api/v1/petition-cases/batch/", bad, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and "Case 2" in str(response.json())
    assert not PetitionCase.objects.exists()
    good = {"batch": "中央交办第三批", "cases": [{**case, "code": "R-1"}, {**case, "code": "R-2"}]}
    assert api_as(world.liaison_b).post("/api/v1/petition-cases/batch/", good, format="json").status_code == 403
    response = api_as(world.office).post("/api/v1/petition-cases/batch/", good, format="json")
    assert response.status_code == 201, response.content
    assert set(PetitionCase.objects.values_list("batch", "kind")) == {("中央交办第三批", "repeat")}


def test_site_visit_page_reopens_a_closed_measure_of_the_unit(world, closable, browser_as):
    measure, closure = closable()
    measure_services.closure_sign_off(by=world.office, closure=closure)
    inspector = browser_as(world.inspector)
    label = f"{world.unit_a.name} · {measure.code}"
    assert label in inspector.get("/rectification/site-visits/new/").content.decode()
    assert label not in browser_as(world.other_inspector).get("/rectification/site-visits/new/").content.decode()
    response = inspector.post(
        "/rectification/site-visits/new/",
        {"unit": world.unit_a.pk, "visited_on": "2026-11-02", "findings": "抽查发现反弹", "reopen_measure": measure.pk},
    )
    assert response.status_code == 302
    measure.refresh_from_db()
    assert measure.status == Measure.Status.OPEN
    assert (
        not browser_as(world.other_inspector)
        .get("/rectification/site-visits/new/")
        .content.decode()
        .count(f'value="{measure.pk}"')
    )
