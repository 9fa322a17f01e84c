"""The access policy on the pages: each role lands on its own home page and sees only
what its role allows; another unit's page is 404, a forbidden change 403, and nothing changes."""

import pytest

from campaign.models import Unit
from tests.answers import NOT_ALLOWED, NOT_FOUND, NOT_FOUND_TEXT, page_text, page_title


def test_anonymous_visitor_is_sent_to_the_chinese_login_page(client, world):
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/login/")
    assert "登录" in response.content.decode()


def test_office_lands_on_the_campaign_overview(world, browser_as):
    page = browser_as(world.office).get("/").content.decode()
    assert "主题教育" in page
    assert "第一巡回指导组" in page and "第二巡回指导组" in page


def test_office_overview_counts_active_units_without_a_liaison_or_a_group(world, browser_as):
    from tests.factories import UnitFactory

    UnitFactory(campaign=world.campaign, name="市档案馆")  # no liaison, no group
    UnitFactory(campaign=world.campaign, name="已撤并单位", is_active=False)  # not counted
    overview = browser_as(world.office).get("/").context["overview"]
    assert overview["units"] == 4
    assert (overview["units_without_liaison"], overview["units_without_group"]) == (2, 1)


def test_liaison_lands_on_their_unit_and_sees_no_other_unit(world, browser_as):
    page = browser_as(world.liaison_a).get("/").content.decode()
    assert "市发展改革委" in page
    assert "中山区" not in page


def test_inspector_lands_on_their_groups_units_only(world, browser_as):
    page = browser_as(world.inspector).get("/").content.decode()
    assert "市发展改革委" in page
    assert "中山区" not in page and "市水务集团" not in page


def test_unit_list_is_cut_to_the_inspectors_units(world, browser_as):
    page = browser_as(world.inspector).get("/units/").content.decode()
    assert "市发展改革委" in page
    assert "中山区" not in page


@pytest.mark.parametrize("persona", ["liaison_a", "inspector"])
def test_another_units_page_is_404(world, browser_as, persona):
    response = browser_as(getattr(world, persona)).get(f"/units/{world.unit_b.pk}/")
    assert response.status_code == 404 and page_title(response) == NOT_FOUND
    assert NOT_FOUND_TEXT in page_text(response) and "中山区" not in page_text(response)


def test_liaison_edits_their_units_contact_details(world, browser_as):
    client = browser_as(world.liaison_a)
    response = client.post(
        f"/units/{world.unit_a.pk}/edit/",
        {"head_name": "周强", "contact_phone": "0531-88886666", "address": "市政路1号"},
    )
    assert response.status_code == 302
    world.unit_a.refresh_from_db()
    assert (world.unit_a.head_name, world.unit_a.contact_phone) == ("周强", "0531-88886666")


def test_liaison_edit_form_cannot_rename_the_unit(world, browser_as):
    client = browser_as(world.liaison_a)
    client.post(f"/units/{world.unit_a.pk}/edit/", {"name": "改名", "kind": "district", "head_name": "周强"})
    world.unit_a.refresh_from_db()
    assert world.unit_a.name == "市发展改革委"
    assert world.unit_a.kind == "city_organ"


def test_liaison_cannot_edit_another_unit(world, browser_as):
    response = browser_as(world.liaison_a).post(f"/units/{world.unit_b.pk}/edit/", {"head_name": "x"})
    assert response.status_code == 404
    world.unit_b.refresh_from_db()
    assert world.unit_b.head_name == ""


@pytest.mark.parametrize("persona", ["inspector", "leader"])
def test_inspector_and_leader_cannot_edit_a_unit_they_see(world, browser_as, persona):
    response = browser_as(getattr(world, persona)).post(f"/units/{world.unit_a.pk}/edit/", {"head_name": "x"})
    assert response.status_code == 403
    world.unit_a.refresh_from_db()
    assert world.unit_a.head_name == ""


def test_office_edit_with_a_bad_value_keeps_what_was_typed(world, browser_as):
    response = browser_as(world.office).post(
        f"/units/{world.unit_a.pk}/edit/",
        {"name": "市发展和改革委员会", "kind": "city_organ", "batch": "0", "head_name": "周强"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "市发展和改革委员会" in page and "周强" in page
    world.unit_a.refresh_from_db()
    assert world.unit_a.name == "市发展改革委"


def test_office_cannot_put_a_unit_under_its_own_child(world, browser_as):
    child = Unit.objects.create(
        campaign=world.campaign, name="市发改委下属中心", kind="institution", parent=world.unit_a
    )
    response = browser_as(world.office).post(
        f"/units/{world.unit_a.pk}/edit/",
        {"name": world.unit_a.name, "kind": "city_organ", "batch": "1", "parent": child.pk, "is_active": "on"},
    )
    assert response.status_code == 200
    world.unit_a.refresh_from_db()
    assert world.unit_a.parent_id is None


@pytest.mark.parametrize("persona", ["liaison_a", "inspector", "leader"])
def test_only_the_office_opens_the_roster_import(world, browser_as, persona):
    refused = browser_as(getattr(world, persona)).get("/roster/")
    assert refused.status_code == 403 and page_title(refused) == NOT_ALLOWED
    assert "只有领导小组办公室可以导入表格。" in page_text(refused)


def test_liaison_cannot_open_the_inspection_group_page(world, browser_as):
    refused = browser_as(world.liaison_a).get("/inspection-groups/")
    assert refused.status_code == 403 and page_title(refused) == NOT_ALLOWED
    assert "仅办公室、市级领导和巡回指导组可访问此页面。" in page_text(refused)
    assert "第一巡回指导组" not in page_text(refused)


def test_unit_list_filters_by_kind_and_paginates(world, browser_as):
    for n in range(30):
        Unit.objects.create(campaign=world.campaign, name=f"测试区{n:02d}", kind="district")
    client = browser_as(world.office)
    first = client.get("/units/?kind=district").content.decode()
    assert "测试区00" in first and "市发展改革委" not in first
    second = client.get("/units/?kind=district&page=2").content.decode()
    assert "测试区29" in second


def test_unit_list_shows_an_empty_state(world, browser_as):
    page = browser_as(world.office).get("/units/?q=不存在的单位").content.decode()
    assert 'class="empty"' in page


def test_unit_page_query_count_does_not_grow_with_units(world, browser_as, django_assert_max_num_queries):
    client = browser_as(world.office)
    with django_assert_max_num_queries(12):
        client.get("/units/")
    for n in range(40):
        Unit.objects.create(campaign=world.campaign, name=f"加测单位{n}", kind="city_organ")
    with django_assert_max_num_queries(12):
        client.get("/units/")


def test_office_home_query_count_does_not_grow_with_units(world, browser_as, django_assert_max_num_queries):
    client = browser_as(world.office)
    for n in range(40):
        Unit.objects.create(campaign=world.campaign, name=f"加测单位{n}", kind="city_organ")
    # The overview and the work queue (one or two queries per line, none per unit or record).
    with django_assert_max_num_queries(32):
        client.get("/")


def test_office_home_lists_the_first_inspection_groups_and_links_to_them_all(world, browser_as):
    """A province has hundreds of groups: the home shows a bounded table and the way to the rest."""
    from campaign.views import HOME_GROUPS
    from tests.factories import InspectionGroupFactory

    existing = world.campaign.inspection_groups.count()
    for n in range(HOME_GROUPS + 5):
        InspectionGroupFactory(campaign=world.campaign, name=f"加测指导组{n}")
    page = browser_as(world.office).get("/").content.decode()
    assert page.count('href="/units/?group=') == HOME_GROUPS
    assert f"全部 {existing + HOME_GROUPS + 5} 个巡回指导组" in page and 'href="/inspection-groups/"' in page
