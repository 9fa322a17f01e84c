"""Correcting a listed problem from its page: the office or the unit's liaison, nobody else."""

import pytest


def test_liaison_corrects_their_units_problem_from_the_page(world, browser_as, make_problem):
    problem = make_problem(world.unit_a, title="会议多", by=world.liaison_a)
    client = browser_as(world.liaison_a)
    assert (
        f"/rectification/problems/{problem.pk}/edit/"
        in client.get(f"/rectification/problems/{problem.pk}/").content.decode()
    )
    response = client.post(
        f"/rectification/problems/{problem.pk}/edit/",
        {
            "title": "文山会海问题突出",
            "source": problem.source,
            "category": "作风",
            "severity": problem.severity,
            "description": "全年发文过多",
        },
    )
    assert response.status_code == 302
    problem.refresh_from_db()
    assert (problem.title, problem.category) == ("文山会海问题突出", "作风")


def test_an_empty_title_is_refused_and_what_was_typed_is_kept(world, browser_as, make_problem):
    problem = make_problem(world.unit_a, title="会议多")
    response = browser_as(world.office).post(
        f"/rectification/problems/{problem.pk}/edit/",
        {
            "title": "",
            "source": problem.source,
            "category": "作风改进",
            "severity": problem.severity,
        },
    )
    assert response.status_code == 200
    assert "作风改进" in response.content.decode()
    problem.refresh_from_db()
    assert problem.title == "会议多"


@pytest.mark.parametrize("persona, status", [("liaison_b", 404), ("inspector", 403), ("leader", 403)])
def test_others_cannot_edit_the_problem(world, browser_as, make_problem, persona, status):
    problem = make_problem(world.unit_a, title="会议多")
    response = browser_as(getattr(world, persona)).post(
        f"/rectification/problems/{problem.pk}/edit/",
        {
            "title": "改掉",
            "source": problem.source,
            "severity": problem.severity,
        },
    )
    assert response.status_code == status
    problem.refresh_from_db()
    assert problem.title == "会议多"
