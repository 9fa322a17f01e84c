"""The day a record started counting — a unit joined, a key task was assigned, a focus area set,
a work team formed, a special-rectification task assigned — is entered in the office's forms
(today by default), refused in the future, before the campaign began or before its parent's
day with a message naming the day allowed, the typed values kept, and kept in the history."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from campaign.history import record_history
from campaign.models import Unit, WorkLine
from rectification.models import SpecialRectification, SpecialTask, WorkTeam
from tasks.models import FocusArea, KeyTask

TODAY = dt.datetime(2026, 11, 20, 10, tzinfo=ZoneInfo("Asia/Shanghai"))

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clock():
    # Before the world is made, so that its rows are written on the same (frozen) day.
    with time_machine.travel(TODAY, tick=False):
        yield TODAY.date()


@pytest.fixture
def office(world, browser_as, clock):
    return browser_as(world.office)


def _unit_form(unit: Unit, **changes) -> dict:
    data = {
        "name": unit.name,
        "kind": unit.kind,
        "parent": "",
        "batch": unit.batch,
        "is_active": "on",
        "joined_on": unit.joined_on.isoformat(),
        "head_name": "",
        "contact_phone": "",
        "address": "",
    }
    data.update(changes)
    return data


def test_the_unit_form_edits_the_day_the_unit_joined_and_the_history_keeps_it(world, office):
    url = f"/units/{world.unit_a.pk}/edit/"
    assert 'name="joined_on"' in office.get(url).content.decode()
    response = office.post(url, _unit_form(world.unit_a, joined_on="2026-09-15"))
    assert response.status_code == 302
    world.unit_a.refresh_from_db()
    assert world.unit_a.joined_on == dt.date(2026, 9, 15)
    changes = [(c.old, c.new) for entry in record_history(world.unit_a) for c in entry.changes]
    assert ("2026-09-01", "2026-09-15") in changes


@pytest.mark.parametrize(
    ("day", "allowed"),
    [("2026-11-21", "2026-11-20"), ("2026-08-31", "2026-09-01")],
    ids=["in the future", "before the campaign"],
)
def test_the_unit_form_refuses_a_joining_day_out_of_range_naming_the_day_allowed(world, office, day, allowed):
    response = office.post(f"/units/{world.unit_a.pk}/edit/", _unit_form(world.unit_a, joined_on=day, head_name="王五"))
    body = response.content.decode()
    assert response.status_code == 200 and allowed in body
    assert 'value="王五"' in body and f'value="{day}"' in body  # what was typed is kept
    world.unit_a.refresh_from_db()
    assert world.unit_a.joined_on == dt.date(2026, 9, 1)


def test_a_sub_unit_cannot_join_before_the_unit_it_sits_under(world, office):
    Unit.objects.filter(pk=world.unit_b.pk).update(joined_on=dt.date(2026, 10, 1))
    response = office.post(
        f"/units/{world.unit_c.pk}/edit/", _unit_form(world.unit_c, parent=world.unit_b.pk, joined_on="2026-09-20")
    )
    assert response.status_code == 200 and "2026-10-01" in response.content.decode()
    world.unit_c.refresh_from_db()
    assert world.unit_c.parent_id is None and world.unit_c.joined_on == dt.date(2026, 9, 1)


def _key_task_form(world, **changes) -> dict:
    data = {
        "number": 1,
        "title": "推动营商环境改善",
        "work_line": WorkLine.objects.get(code="development").pk,
        "lead_unit": world.unit_a.pk,
        "assigned_on": "2026-10-08",
        "deadline": "2026-12-31",
        "done_definition": "",
        "metric_unit": "",
        "metric_target": "",
    }
    data.update(changes)
    return data


def test_a_key_task_is_assigned_on_the_day_entered_today_by_default(world, office, clock):
    page = office.get("/key-tasks/new/").content.decode()
    assert f'name="assigned_on" value="{clock.isoformat()}"' in page
    assert office.post("/key-tasks/new/", _key_task_form(world)).status_code == 302
    assert KeyTask.objects.get().assigned_on == dt.date(2026, 10, 8)


def test_a_key_task_cannot_be_assigned_in_the_future_and_the_form_keeps_what_was_typed(world, office):
    response = office.post("/key-tasks/new/", _key_task_form(world, assigned_on="2026-12-01"))
    body = response.content.decode()
    assert "2026-11-20" in body and "推动营商环境改善" in body
    assert not KeyTask.objects.exists()


def test_a_key_task_date_changed_through_the_api_is_checked_and_recorded(world, api_as, clock):
    api = api_as(world.office)
    created = api.post(
        "/api/v1/key-tasks/",
        {**_key_task_form(world), "work_line": "development", "campaign": world.campaign.pk, "metric_target": None},
        format="json",
    )
    assert created.status_code == 201, created.json()
    task_id = created.json()["id"]
    refused = api.patch(f"/api/v1/key-tasks/{task_id}/", {"assigned_on": "2026-08-01"}, format="json")
    assert refused.status_code == 400 and "2026-09-01" in str(refused.json())
    assert api.patch(f"/api/v1/key-tasks/{task_id}/", {"assigned_on": "2026-10-20"}, format="json").status_code == 200
    task = KeyTask.objects.get(pk=task_id)
    assert task.assigned_on == dt.date(2026, 10, 20)
    assert task.history.count() == 2


def test_a_focus_area_is_set_on_the_day_entered_and_refused_before_the_campaign(world, office, clock):
    page = office.get("/records/focus-areas/new/").content.decode()
    assert f'value="{clock.isoformat()}"' in page
    refused = office.post(
        "/records/focus-areas/new/", {"number": 1, "name": "产业发展", "set_on": "2026-08-01", "description": ""}
    )
    assert "2026-09-01" in refused.content.decode() and "产业发展" in refused.content.decode()
    assert not FocusArea.objects.exists()
    office.post(
        "/records/focus-areas/new/", {"number": 1, "name": "产业发展", "set_on": "2026-09-10", "description": ""}
    )
    assert FocusArea.objects.get().set_on == dt.date(2026, 9, 10)


@pytest.fixture
def special(world):
    return SpecialRectification.objects.create(
        campaign=world.campaign, title="营商环境专项整治", plan_document="方案", plan_issued_on=dt.date(2026, 9, 20)
    )


def test_a_work_team_is_formed_on_the_day_entered_never_before_its_plan(world, office, special, clock):
    url = f"/rectification/special/{special.pk}/teams/new/"
    assert f'value="{clock.isoformat()}"' in office.get(url).content.decode()
    refused = office.post(url, {"name": "优化审批专班", "lead_unit": world.unit_a.pk, "formed_on": "2026-09-10"})
    assert refused.status_code == 400 and "2026-09-20" in refused.content.decode()
    assert "优化审批专班" in refused.content.decode()
    office.post(url, {"name": "优化审批专班", "lead_unit": world.unit_a.pk, "formed_on": "2026-09-25"})
    assert WorkTeam.objects.get().formed_on == dt.date(2026, 9, 25)


def test_a_special_task_is_assigned_on_the_day_entered_never_before_its_team_was_formed(world, office, special):
    team = WorkTeam.objects.create(
        rectification=special, name="优化审批专班", lead_unit=world.unit_a, formed_on=dt.date(2026, 10, 1)
    )
    url = f"/rectification/special/teams/{team.pk}/tasks/new/"
    data = {"title": "压缩审批时限", "owner_unit": world.unit_a.pk, "deadline": "2026-12-31"}
    refused = office.post(url, {**data, "assigned_on": "2026-09-25"})
    assert refused.status_code == 400 and "2026-10-01" in refused.content.decode()
    future = office.post(url, {**data, "assigned_on": "2026-11-25"})
    assert future.status_code == 400 and "2026-11-20" in future.content.decode()
    office.post(url, {**data, "assigned_on": "2026-10-05"})
    assert SpecialTask.objects.get().assigned_on == dt.date(2026, 10, 5)


def test_the_api_takes_the_day_a_team_was_formed_and_a_task_assigned(world, api_as, special, clock):
    api = api_as(world.office)
    team = api.post(
        f"/api/v1/special-rectifications/{special.pk}/teams/",
        {"name": "专班一", "lead_unit": world.unit_a.pk, "formed_on": "2026-10-02"},
        format="json",
    )
    assert team.status_code == 201 and team.json()["formed_on"] == "2026-10-02"
    task = api.post(
        "/api/v1/special-tasks/",
        {"team": team.json()["id"], "title": "任务一", "owner_unit": world.unit_a.pk, "deadline": "2026-12-31"},
        format="json",
    )
    assert task.status_code == 201 and task.json()["assigned_on"] == clock.isoformat()
    late = api.post(
        "/api/v1/special-tasks/",
        {
            "team": team.json()["id"],
            "title": "任务二",
            "owner_unit": world.unit_a.pk,
            "deadline": "2026-12-31",
            "assigned_on": "2026-10-01",
        },
        format="json",
    )
    assert late.status_code == 400 and "2026-10-02" in str(late.json())


def test_the_office_enters_the_day_a_group_was_formed_through_the_api(world, api_as, clock):
    url = f"/api/v1/inspection-groups/{world.group_a.pk}/"
    refused = api_as(world.office).patch(url, {"formed_on": "2026-12-01"}, format="json")
    assert refused.status_code == 400 and "2026-11-20" in str(refused.json())
    assert api_as(world.inspector).patch(url, {"formed_on": "2026-09-05"}, format="json").status_code == 403
    assert api_as(world.office).patch(url, {"formed_on": "2026-09-05"}, format="json").status_code == 200
    world.group_a.refresh_from_db()
    assert world.group_a.formed_on == dt.date(2026, 9, 5)
    assert world.group_a.units.count() == 1  # the coverage stays as it was
