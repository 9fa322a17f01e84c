"""The office sets up special rectifications, teams, tasks, arena rounds, TV sessions and
petition cases on pages; nobody else may."""

import pytest

from rectification.models import ArenaRound, PetitionCase, SpecialRectification, SpecialTask, TvSession, WorkTeam
from tests.answers import NOT_ALLOWED, page_text, page_title

# Each setup page, with the title the office sees on it.
NEW_PAGES = {
    "/rectification/petitions/new/": "登记信访案件",
    "/rectification/tv/new/": "登记电视问政",
    "/rectification/special/new/": "新建专项整治",
    "/rectification/arena/new/": "设立擂台比武轮次",
}
SETUP_MODELS = (ArenaRound, PetitionCase, SpecialRectification, TvSession)


@pytest.mark.parametrize("url", NEW_PAGES)
def test_only_the_office_opens_the_setup_pages(world, browser_as, url):
    page = browser_as(world.office).get(url)
    assert page.status_code == 200 and page_title(page) == NEW_PAGES[url]
    for person in (world.liaison_a, world.inspector, world.leader):
        refused = browser_as(person).get(url)
        assert refused.status_code == 403 and page_title(refused) == NOT_ALLOWED
        assert "仅领导小组办公室可访问此页面。" in page_text(refused)
        assert browser_as(person).post(url, {"title": "x"}).status_code == 403
    assert not any(model.objects.exists() for model in SETUP_MODELS)


def test_office_sets_up_a_special_rectification_on_pages(world, browser_as):
    office = browser_as(world.office)
    response = office.post("/rectification/special/new/", {"title": "欠薪专项整治", "plan_document": "〔2026〕9号"})
    special = SpecialRectification.objects.get()
    assert response.status_code == 302 and response.url == f"/rectification/special/{special.pk}/"
    response = office.post(
        f"/rectification/special/{special.pk}/teams/new/",
        {"name": "欠薪治理专班", "lead_unit": world.unit_a.pk, "member_units": [world.unit_b.pk]},
    )
    team = WorkTeam.objects.get()
    assert response.status_code == 302
    # the lead department's liaison may add tasks to its team; another unit's may not
    url = f"/rectification/special/teams/{team.pk}/tasks/new/"
    task = {"title": "建立欠薪台账", "owner_unit": world.unit_a.pk, "deadline": "2026-12-31"}
    assert browser_as(world.liaison_b).post(url, task).status_code == 403
    assert browser_as(world.liaison_a).post(url, task).status_code == 302
    assert SpecialTask.objects.get().number == 1
    response = office.post(
        "/rectification/arena/new/",
        {
            "title": "擂台比武",
            "held_on": "2026-11-20",
            "teams": [team.pk],
            "criteria": "成效：60\n满意度: 40",
            "attendees": [world.leader.pk],
        },
    )
    assert response.status_code == 302, response.content
    assert list(ArenaRound.objects.get().criteria.values_list("name", "max_score")) == [("成效", 60), ("满意度", 40)]
    bad = office.post(
        "/rectification/arena/new/",
        {
            "title": "x",
            "held_on": "2026-11-20",
            "teams": [team.pk],
            "criteria": "no maximum",
            "attendees": [world.leader.pk],
        },
    )
    assert bad.status_code == 400 and ArenaRound.objects.count() == 1


def test_office_records_a_tv_session_and_a_petition_case_on_pages(world, browser_as):
    office = browser_as(world.office)
    response = office.post(
        "/rectification/tv/new/",
        {
            "number": 1,
            "title": "问政第一期",
            "aired_on": "2026-10-20",
            "viewers": 120000,
            "departments": [world.unit_a.pk],
            "questions": "占道经营\n\n噪音扰民\n",
        },
    )
    assert response.status_code == 302
    assert TvSession.objects.get().questions.count() == 2
    response = office.post(
        "/rectification/petitions/new/",
        {
            "code": "XF-9",
            "kind": "leader_case",
            "title": "征收补偿",
            "unit": world.unit_b.pk,
            "leader": "",
            "received_on": "2026-10-01",
            "deadline": "2026-11-30",
        },
    )
    assert response.status_code == 400  # a leader-led case names its leader
    assert not PetitionCase.objects.exists()
    response = office.post(
        "/rectification/petitions/new/",
        {
            "code": "XF-9",
            "kind": "leader_case",
            "title": "征收补偿",
            "unit": world.unit_b.pk,
            "leader": world.leader.pk,
            "received_on": "2026-10-01",
            "deadline": "2026-11-30",
        },
    )
    assert response.status_code == 302 and PetitionCase.objects.get().leader == world.leader
