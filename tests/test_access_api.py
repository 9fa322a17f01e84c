"""The access policy through the API: every persona sees only its rooms; another unit's
record is 404, a forbidden write is 403, and nothing changes in the database."""

import pytest

from campaign.models import Coverage, Liaison, Unit
from tests.answers import API_NOT_AUTHENTICATED, API_NOT_FOUND


def ids(response):
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/campaigns/",
        "/api/v1/work-lines/",
        "/api/v1/units/",
        "/api/v1/users/",
        "/api/v1/liaisons/",
        "/api/v1/inspection-groups/",
        "/api/v1/users/me/",
    ],
)
def test_anonymous_caller_is_refused_with_401(client, world, path):
    response = client.get(path)
    assert response.status_code == 401 and response.json() == API_NOT_AUTHENTICATED
    assert world.unit_a.name not in response.content.decode()


def test_office_sees_every_unit(world, api_as):
    assert ids(api_as(world.office).get("/api/v1/units/")) == {world.unit_a.pk, world.unit_b.pk, world.unit_c.pk}


def test_leader_reads_every_unit(world, api_as):
    assert ids(api_as(world.leader).get("/api/v1/units/")) == {world.unit_a.pk, world.unit_b.pk, world.unit_c.pk}


def test_liaison_sees_only_their_own_unit(world, api_as):
    assert ids(api_as(world.liaison_a).get("/api/v1/units/")) == {world.unit_a.pk}


def test_inspector_sees_only_the_units_of_their_groups(world, api_as):
    assert ids(api_as(world.inspector).get("/api/v1/units/")) == {world.unit_a.pk}
    assert ids(api_as(world.other_inspector).get("/api/v1/units/")) == {world.unit_b.pk, world.unit_c.pk}


def test_group_member_sees_the_groups_units_like_its_leader(world, api_as):
    from tests.factories import UserFactory

    member = UserFactory(role="inspector")
    world.group_b.members.add(member)
    assert ids(api_as(member).get("/api/v1/units/")) == {world.unit_b.pk, world.unit_c.pk}


def test_liaison_reading_another_units_record_gets_404(world, api_as):
    response = api_as(world.liaison_a).get(f"/api/v1/units/{world.unit_b.pk}/")
    assert response.status_code == 404 and response.json() == API_NOT_FOUND


def test_inspector_reading_an_uncovered_unit_gets_404(world, api_as):
    response = api_as(world.inspector).get(f"/api/v1/units/{world.unit_c.pk}/")
    assert response.status_code == 404 and response.json() == API_NOT_FOUND
    covered = api_as(world.inspector).get(f"/api/v1/units/{world.unit_a.pk}/")
    assert covered.status_code == 200 and covered.json()["name"] == "市发展改革委"


def test_liaison_updates_their_units_contact_details(world, api_as):
    response = api_as(world.liaison_a).patch(
        f"/api/v1/units/{world.unit_a.pk}/", {"contact_phone": "0531-1234567", "head_name": "周强"}, format="json"
    )
    assert response.status_code == 200, response.content
    world.unit_a.refresh_from_db()
    assert world.unit_a.contact_phone == "0531-1234567"
    assert world.unit_a.head_name == "周强"


def test_liaison_cannot_rename_their_unit_and_nothing_changes(world, api_as):
    response = api_as(world.liaison_a).patch(
        f"/api/v1/units/{world.unit_a.pk}/", {"name": "改名", "contact_phone": "1"}, format="json"
    )
    assert response.status_code == 403
    world.unit_a.refresh_from_db()
    assert world.unit_a.name == "市发展改革委"
    assert world.unit_a.contact_phone == ""


def test_liaison_cannot_change_another_units_record(world, api_as):
    response = api_as(world.liaison_a).patch(
        f"/api/v1/units/{world.unit_b.pk}/", {"contact_phone": "110"}, format="json"
    )
    assert response.status_code == 404
    world.unit_b.refresh_from_db()
    assert world.unit_b.contact_phone == ""


@pytest.mark.parametrize("persona", ["inspector", "leader"])
def test_inspector_and_leader_cannot_change_a_unit_they_see(world, api_as, persona):
    response = api_as(getattr(world, persona)).patch(
        f"/api/v1/units/{world.unit_a.pk}/", {"contact_phone": "110"}, format="json"
    )
    assert response.status_code == 403
    world.unit_a.refresh_from_db()
    assert world.unit_a.contact_phone == ""


@pytest.mark.parametrize("persona", ["liaison_a", "inspector", "leader"])
def test_only_the_office_creates_units(world, api_as, persona):
    before = Unit.objects.count()
    response = api_as(getattr(world, persona)).post(
        "/api/v1/units/", {"campaign": world.campaign.pk, "name": "新单位", "kind": "city_organ"}, format="json"
    )
    assert response.status_code == 403
    assert Unit.objects.count() == before


def test_office_creates_a_unit(world, api_as):
    response = api_as(world.office).post(
        "/api/v1/units/", {"campaign": world.campaign.pk, "name": "市审计局", "kind": "city_organ"}, format="json"
    )
    assert response.status_code == 201, response.content
    assert Unit.objects.filter(name="市审计局", campaign=world.campaign).exists()


def test_duplicate_unit_name_is_refused_with_a_message(world, api_as):
    response = api_as(world.office).post(
        "/api/v1/units/", {"campaign": world.campaign.pk, "name": "中山区", "kind": "district"}, format="json"
    )
    assert response.status_code == 400
    assert Unit.objects.filter(name="中山区").count() == 1


@pytest.mark.parametrize("persona", ["liaison_a", "inspector", "leader"])
def test_only_the_office_deletes_units(world, api_as, persona):
    response = api_as(getattr(world, persona)).delete(f"/api/v1/units/{world.unit_a.pk}/")
    assert response.status_code == 403
    assert Unit.objects.filter(pk=world.unit_a.pk).exists()


def test_liaison_register_is_cut_to_the_callers_units(world, api_as):
    rows = api_as(world.liaison_a).get("/api/v1/liaisons/").json()["results"]
    assert {row["unit"] for row in rows} == {world.unit_a.pk}


def test_liaison_cannot_assign_liaisons(world, api_as):
    from tests.factories import UserFactory

    newcomer = UserFactory(role="liaison")
    response = api_as(world.liaison_a).post(
        "/api/v1/liaisons/", {"user": newcomer.pk, "unit": world.unit_a.pk}, format="json"
    )
    assert response.status_code == 403
    assert not Liaison.objects.filter(user=newcomer).exists()


def test_a_unit_takes_at_most_two_liaisons(world, api_as):
    from tests.factories import UserFactory

    client = api_as(world.office)
    second, third = UserFactory(role="liaison"), UserFactory(role="liaison")
    assert (
        client.post("/api/v1/liaisons/", {"user": second.pk, "unit": world.unit_a.pk}, format="json").status_code == 201
    )
    response = client.post("/api/v1/liaisons/", {"user": third.pk, "unit": world.unit_a.pk}, format="json")
    assert response.status_code == 400
    assert "2" in str(response.json())
    assert Liaison.objects.filter(unit=world.unit_a).count() == 2


def test_inspector_cannot_change_group_coverage(world, api_as):
    response = api_as(world.inspector).patch(
        f"/api/v1/inspection-groups/{world.group_a.pk}/", {"units": [world.unit_a.pk, world.unit_c.pk]}, format="json"
    )
    assert response.status_code == 403
    assert Coverage.objects.get(unit=world.unit_c).group == world.group_b


def test_office_moves_a_unit_to_another_group(world, api_as):
    response = api_as(world.office).patch(
        f"/api/v1/inspection-groups/{world.group_a.pk}/", {"units": [world.unit_a.pk, world.unit_c.pk]}, format="json"
    )
    assert response.status_code == 200, response.content
    assert Coverage.objects.get(unit=world.unit_c).group == world.group_a


def test_inspector_sees_only_their_own_groups(world, api_as):
    assert ids(api_as(world.inspector).get("/api/v1/inspection-groups/")) == {world.group_a.pk}


def test_liaison_looks_up_only_people_around_their_unit(world, api_as):
    visible = {row["username"] for row in api_as(world.liaison_a).get("/api/v1/users/").json()["results"]}
    assert visible == {"liaison_a", "inspector"}


def test_users_me_answers_the_caller(world, api_as):
    body = api_as(world.liaison_a).get("/api/v1/users/me/").json()
    assert body["username"] == "liaison_a"
    assert body["liaison_unit"] == world.unit_a.pk


def test_bad_filter_value_gets_a_400_that_names_the_parameter(world, api_as):
    response = api_as(world.office).get("/api/v1/units/?batch=abc")
    assert response.status_code == 400
    assert "batch" in response.json()


def test_unit_filters_by_kind_and_search(world, api_as):
    client = api_as(world.office)
    assert ids(client.get("/api/v1/units/?kind=district")) == {world.unit_b.pk}
    assert ids(client.get("/api/v1/units/?search=水务")) == {world.unit_c.pk}
    assert ids(client.get(f"/api/v1/units/?group={world.group_b.pk}")) == {world.unit_b.pk, world.unit_c.pk}


def test_token_endpoint_answers_a_token_for_good_credentials(world, client):
    response = client.post(
        "/api/v1/auth/token/", {"username": "liaison_a", "password": "Demo@2026"}, content_type="application/json"
    )
    assert response.status_code == 200
    token = response.json()["token"]
    me = client.get("/api/v1/users/me/", HTTP_AUTHORIZATION=f"Token {token}")
    assert me.json()["username"] == "liaison_a"


def test_api_errors_follow_the_callers_language(world, client):
    response = client.get("/api/v1/units/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 401
    assert "credentials" in response.json()["detail"]
    chinese = client.get("/api/v1/units/")
    assert "身份" in chinese.json()["detail"] or "认证" in chinese.json()["detail"]


def test_openapi_schema_lists_the_structure_resources(world, api_as):
    response = api_as(world.office).get("/api/schema/?format=json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for resource in ("campaigns", "work-lines", "units", "users", "liaisons", "inspection-groups"):
        assert f"/api/v1/{resource}/" in paths


def test_work_lines_are_the_six_lines_in_order(world, api_as):
    rows = api_as(world.liaison_a).get("/api/v1/work-lines/").json()
    assert [row["code"] for row in rows] == [
        "push",
        "study",
        "research",
        "development",
        "rectification",
        "institutions",
    ]
