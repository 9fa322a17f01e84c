"""The research rules that cannot be stepped around: a major trip (须报备) keeps its registration
duty whatever is edited, and an innovation measure is found in place by someone outside it."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from campaign.models import User
from tasks.models import InnovationMeasure, ResearchActivity
from tasks.services import research
from tests.factories import LiaisonFactory, UserFactory


def major_trip(world, planned: dt.date) -> ResearchActivity:
    return research.research_activity_create(
        by=world.liaison_a,
        campaign=world.campaign,
        unit=world.unit_a,
        title="走访重点企业",
        planned_date=planned,
        place="即墨区",
        visited="青岛港",
        people="周强",
        is_major=True,
    )


def edit_form(activity: ResearchActivity, **changes) -> dict:
    data = {
        "unit": activity.unit_id,
        "title": activity.title,
        "planned_date": activity.planned_date.isoformat(),
        "place": activity.place,
        "visited": activity.visited,
        "people": activity.people,
        "summary": activity.summary,
    }
    if activity.is_major:
        data["is_major"] = "on"
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


# --- 报备: a major trip past its date, never registered ------------------------------------


def test_api_a_major_trip_missed_its_registration_cannot_be_unticked_and_completed(world, api_as, today):
    activity = major_trip(world, today - dt.timedelta(days=2))
    api = api_as(world.liaison_a)
    unticked = api.patch(f"/api/v1/research-activities/{activity.pk}/", {"is_major": False}, format="json")
    assert unticked.status_code == 400
    assert "is_major" in unticked.json()
    completed = api.post(
        f"/api/v1/research-activities/{activity.pk}/complete/", {"findings": ["企业反映融资难"]}, format="json"
    )
    assert completed.status_code == 400
    activity.refresh_from_db()
    assert (activity.is_major, activity.status) == (True, "planned")


def test_page_a_major_trip_missed_its_registration_cannot_be_unticked_and_completed(world, browser_as, today):
    activity = major_trip(world, today - dt.timedelta(days=2))
    client = browser_as(world.liaison_a)
    form = client.get(f"/records/research/{activity.pk}/edit/").content.decode()
    assert 'name="is_major"' in form and "disabled" in form.split('name="is_major"')[1].split(">")[0]
    client.post(f"/records/research/{activity.pk}/edit/", edit_form(activity, is_major=None))
    activity.refresh_from_db()
    assert activity.is_major is True
    client.post(f"/records/research/{activity.pk}/complete/", {"findings": "企业反映融资难"})
    activity.refresh_from_db()
    assert activity.status == "planned"


def test_a_major_trip_missed_its_registration_cannot_move_to_a_new_date_to_register_it(world, api_as, today):
    activity = major_trip(world, today - dt.timedelta(days=2))
    moved = api_as(world.liaison_a).patch(
        f"/api/v1/research-activities/{activity.pk}/",
        {"planned_date": (today + dt.timedelta(days=3)).isoformat()},
        format="json",
    )
    assert moved.status_code == 400 and "planned_date" in moved.json()
    activity.refresh_from_db()
    assert activity.planned_date == today - dt.timedelta(days=2)


def test_on_the_trip_day_a_major_trip_cannot_be_unticked(world, today):
    activity = major_trip(world, today)
    with pytest.raises(ValidationError) as refused:
        research.research_activity_update(activity=activity, by=world.liaison_a, is_major=False)
    assert "is_major" in refused.value.message_dict


def test_a_registered_major_trip_stays_major_even_before_its_date(world, api_as, today):
    activity = major_trip(world, today + dt.timedelta(days=5))
    research.research_activity_register(activity=activity, by=world.liaison_a)
    response = api_as(world.liaison_a).patch(
        f"/api/v1/research-activities/{activity.pk}/", {"is_major": False}, format="json"
    )
    assert response.status_code == 400 and "is_major" in response.json()
    activity.refresh_from_db()
    assert activity.is_major is True


def test_before_its_date_a_planned_trip_may_still_be_declared_major_or_not(world, api_as, today):
    activity = major_trip(world, today + dt.timedelta(days=5))
    api = api_as(world.liaison_a)
    response = api.patch(f"/api/v1/research-activities/{activity.pk}/", {"is_major": False}, format="json")
    assert response.status_code == 200, response.content
    activity.refresh_from_db()
    assert activity.is_major is False
    response = api.patch(f"/api/v1/research-activities/{activity.pk}/", {"is_major": True}, format="json")
    assert response.status_code == 200
    activity.refresh_from_db()
    assert activity.is_major is True


# --- 回访: who may find a measure in place ---------------------------------------------------


def test_the_author_of_a_measure_cannot_find_it_in_place(world, recs, today):
    with pytest.raises(ValidationError) as refused:
        research.follow_up_record(
            measure=recs.measure_a, by=world.liaison_a, date=today, note="已落地", in_place=True, outcome="解决"
        )
    assert "in_place" in refused.value.message_dict
    recs.measure_a.refresh_from_db()
    assert recs.measure_a.status != "in_place"


def test_a_colleague_of_the_same_unit_cannot_find_it_in_place_but_records_progress(world, recs, api_as, today):
    colleague = LiaisonFactory(unit=world.unit_a, user__username="liaison_a2").user
    api = api_as(colleague)
    refused = api.post(
        f"/api/v1/innovation-measures/{recs.measure_a.pk}/follow-ups/",
        {"date": today.isoformat(), "note": "已落地", "in_place": True, "outcome": "解决"},
        format="json",
    )
    assert refused.status_code == 400 and "in_place" in refused.json()
    progress = api.post(
        f"/api/v1/innovation-measures/{recs.measure_a.pk}/follow-ups/",
        {"date": today.isoformat(), "note": "正在推进", "in_place": False},
        format="json",
    )
    assert progress.status_code == 201, progress.content
    recs.measure_a.refresh_from_db()
    assert recs.measure_a.status == "underway"


def test_the_covering_inspector_finds_it_in_place_through_the_api(world, recs, api_as, today):
    response = api_as(world.inspector).post(
        f"/api/v1/innovation-measures/{recs.measure_a.pk}/follow-ups/",
        {"date": today.isoformat(), "note": "运行良好", "in_place": True, "outcome": "12家企业获贷"},
        format="json",
    )
    assert response.status_code == 201, response.content
    recs.measure_a.refresh_from_db()
    assert recs.measure_a.status == "in_place"


def test_page_the_unit_cannot_tick_in_place_and_a_forged_tick_is_refused(world, recs, browser_as, today):
    client = browser_as(world.liaison_a)
    page = client.get(f"/records/measures/{recs.measure_a.pk}/").content.decode()
    assert "disabled" in page.split('name="in_place"')[1].split(">")[0]
    client.post(
        f"/records/measures/{recs.measure_a.pk}/follow-up/",
        {"date": today.isoformat(), "note": "已落地", "in_place": "on", "outcome": "解决"},
    )
    recs.measure_a.refresh_from_db()
    assert recs.measure_a.status != "in_place"
    inspector_page = browser_as(world.inspector).get(f"/records/measures/{recs.measure_a.pk}/").content.decode()
    assert "disabled" not in inspector_page.split('name="in_place"')[1].split(">")[0]


def test_a_city_measure_is_found_in_place_by_another_office_member_not_its_author(world, today):
    measure = research.innovation_measure_create(
        by=world.office,
        campaign=world.campaign,
        unit=None,
        title="市级举措",
        department="市发展改革委",
        use="solve_problem",
        adopted_on=today,
    )
    with pytest.raises(ValidationError):
        research.follow_up_record(
            measure=measure, by=world.office, date=today, note="已落地", in_place=True, outcome="解决"
        )
    colleague = UserFactory(username="office2", role=User.Role.OFFICE)
    research.follow_up_record(measure=measure, by=colleague, date=today, note="已落地", in_place=True, outcome="解决")
    assert InnovationMeasure.objects.get(pk=measure.pk).status == "in_place"


# --- The admin is no side door --------------------------------------------------------------


def test_admin_shows_a_trips_major_flag_and_registration_read_only(world, admin_client, today):
    activity = major_trip(world, today - dt.timedelta(days=2))
    page = admin_client.get(f"/admin/tasks/researchactivity/{activity.pk}/change/").content.decode()
    assert 'name="is_major"' not in page and 'name="planned_date"' not in page
    assert 'name="registered_on"' not in page and 'name="status"' not in page


def test_admin_cannot_add_a_follow_up_or_set_a_measure_in_place(world, recs, admin_client):
    page = admin_client.get(f"/admin/tasks/innovationmeasure/{recs.measure_a.pk}/change/").content.decode()
    assert 'name="status"' not in page and 'name="in_place_on"' not in page
    assert 'name="visits-0-in_place"' not in page
