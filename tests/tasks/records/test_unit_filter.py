"""The ledgers' unit filter: a list for a person who sees a city's units, a typed name for
one who sees a province's (a 10,000-option list would be half a megabyte per page)."""

import pytest

from campaign.forms import UnitField


@pytest.fixture
def many_units(monkeypatch):
    """Behave as if the office saw more units than a list can carry."""
    monkeypatch.setattr(UnitField, "LIST_LIMIT", 2)


def test_a_city_office_picks_the_unit_from_a_list(world, recs, browser_as):
    html = browser_as(world.office).get("/records/study/").content.decode()
    assert '<select name="unit"' in html and "中山区</option>" in html


def test_a_province_office_types_part_of_the_units_name_and_sees_its_records(world, recs, browser_as, many_units):
    client = browser_as(world.office)
    page = client.get("/records/study/")
    html = page.content.decode()
    assert '<select name="unit"' not in html and 'name="unit"' in html and "中山区</option>" not in html

    html = client.get("/records/study/", {"unit": "中山"}).content.decode()

    assert "中山区读书班" in html and "发改委读书班" not in html
    assert 'value="中山"' in html  # what was typed stays in the box


def test_a_link_with_the_units_number_still_filters_and_shows_its_name(world, recs, browser_as, many_units):
    html = browser_as(world.office).get("/records/study/", {"unit": world.unit_b.pk}).content.decode()
    assert "中山区读书班" in html and "发改委读书班" not in html
    assert 'value="中山区"' in html


def test_a_name_several_units_share_asks_for_more_and_keeps_what_was_typed(world, recs, browser_as, many_units):
    html = browser_as(world.office).get("/records/study/", {"unit": "市"}).content.decode()
    assert "type more of the name" in html or "请再多输入" in html
    assert 'value="市"' in html


def test_an_inspector_cannot_reach_a_unit_outside_their_groups_by_typing_it(world, recs, browser_as, monkeypatch):
    monkeypatch.setattr(UnitField, "LIST_LIMIT", 0)  # the inspector's one unit, typed
    html = browser_as(world.inspector).get("/records/study/", {"unit": "中山区"}).content.decode()
    assert "中山区读书班" not in html
    assert "No unit you may see" in html or "没有您可查看的" in html
