"""Key tasks have lights (an expected line from the day assigned to the deadline) and are
acknowledged (签收) by their lead unit's liaison; an unacknowledged one is a warning."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from tasks.models import KeyTask
from tasks.selectors.keytasks import key_task_list
from tests.support import at


@pytest.fixture
def dated(tasks_world):
    """task_a: 1 Oct → 31 Dec, 5 sessions, unit A leads; task_b: unit B leads, unit A cooperates."""
    KeyTask.objects.filter(pk__in=[tasks_world.task_a.pk, tasks_world.task_b.pk]).update(
        assigned_on=dt.date(2026, 10, 1)
    )
    return tasks_world


def light_of(task, user, day):
    with time_machine.travel(at(day), tick=False):
        return key_task_list(user=user).get(pk=task.pk).light


def test_an_unacknowledged_task_turns_yellow_after_the_campaigns_days_and_is_listed(dated, browser_as):
    world = dated
    assert light_of(world.task_b, world.office, dt.date(2026, 10, 4)) == "green"  # within 3 days
    assert light_of(world.task_b, world.office, dt.date(2026, 10, 5)) == "yellow"
    with time_machine.travel(at(dt.date(2026, 10, 5)), tick=False):
        page = browser_as(world.office).get("/key-tasks/?unacknowledged=1")
    text = page.content.decode()
    assert "区级调研" in text and 'data-light="yellow"' in text
    assert "未签收" in text


def test_a_task_behind_its_expected_line_is_yellow_and_shows_both_percentages(dated, browser_as):
    world = dated
    KeyTask.objects.filter(pk=world.task_a.pk).update(
        acknowledged_at=at(dt.date(2026, 10, 2)), acknowledged_by=world.liaison_a
    )
    # Nothing reported against 5 sessions: on 1 Nov 31 of 91 days have gone (34%).
    assert light_of(world.task_a, world.office, dt.date(2026, 10, 1)) == "green"
    assert light_of(world.task_a, world.office, dt.date(2026, 11, 1)) == "yellow"
    with time_machine.travel(at(dt.date(2026, 11, 1)), tick=False):
        text = browser_as(world.office).get("/key-tasks/?light=yellow").content.decode()
    assert "举办专题读书班" in text and "0%" in text and "序时 34%" in text
    assert light_of(world.task_a, world.office, dt.date(2026, 12, 25)) == "yellow"  # still behind wins over blue
    KeyTask.objects.filter(pk=world.task_a.pk).update(metric_target=Decimal("0"))
    assert light_of(world.task_a, world.office, dt.date(2026, 12, 25)) == "blue"  # the deadline is near
    assert light_of(world.task_a, world.office, dt.date(2027, 1, 1)) == "red"


def test_the_lead_units_liaison_acknowledges_and_the_history_keeps_it(dated, browser_as):
    world = dated
    client = browser_as(world.liaison_a)
    page = client.get(f"/key-tasks/{world.task_a.pk}/").content.decode()
    assert "签收" in page and f"/key-tasks/{world.task_a.pk}/acknowledge/" in page
    response = client.post(f"/key-tasks/{world.task_a.pk}/acknowledge/")
    assert response.status_code == 302
    task = KeyTask.objects.get(pk=world.task_a.pk)
    assert task.acknowledged_by == world.liaison_a and task.acknowledged_at is not None
    assert task.history.filter(acknowledged_by=world.liaison_a).exists()
    page = client.get(f"/key-tasks/{world.task_a.pk}/").content.decode()
    assert f"/key-tasks/{world.task_a.pk}/acknowledge/" not in page  # done once


def test_a_liaison_of_another_unit_cannot_acknowledge_on_the_page(dated, browser_as):
    world = dated
    # Unit A only cooperates on task B: its liaison sees the task but is refused.
    page = browser_as(world.liaison_a).get(f"/key-tasks/{world.task_b.pk}/").content.decode()
    assert f"/key-tasks/{world.task_b.pk}/acknowledge/" not in page
    assert browser_as(world.liaison_a).post(f"/key-tasks/{world.task_b.pk}/acknowledge/").status_code == 403
    # Unit B's liaison does not even see task A.
    assert browser_as(world.liaison_b).post(f"/key-tasks/{world.task_a.pk}/acknowledge/").status_code == 404
    assert browser_as(world.office).post(f"/key-tasks/{world.task_a.pk}/acknowledge/").status_code == 403
    assert not KeyTask.objects.filter(acknowledged_at__isnull=False).exists()


def test_acknowledgement_over_the_api(dated, api_as):
    world = dated
    refused = api_as(world.liaison_a).post(f"/api/v1/key-tasks/{world.task_b.pk}/acknowledge/")
    assert refused.status_code == 403
    assert api_as(world.liaison_b).post(f"/api/v1/key-tasks/{world.task_a.pk}/acknowledge/").status_code == 404
    done = api_as(world.liaison_a).post(f"/api/v1/key-tasks/{world.task_a.pk}/acknowledge/")
    assert done.status_code == 200
    assert done.json()["acknowledged_by"] == world.liaison_a.pk and done.json()["light"]
    again = api_as(world.liaison_a).post(f"/api/v1/key-tasks/{world.task_a.pk}/acknowledge/")
    assert again.status_code == 400


def test_key_task_list_queries_do_not_grow_with_rows(dated, browser_as, django_assert_max_num_queries):
    world = dated
    client = browser_as(world.office)
    client.get("/key-tasks/")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get("/key-tasks/")
    for n in range(10, 30):
        KeyTask.objects.create(
            campaign=world.campaign,
            number=n,
            title=f"任务{n}",
            work_line=world.task_a.work_line,
            lead_unit=world.unit_b,
            deadline=dt.date(2026, 12, 31),
        )
    with django_assert_max_num_queries(len(few)):
        client.get("/key-tasks/")


def test_the_key_task_list_as_of_a_past_day_shows_each_task_lit_as_it_stood_that_day(dated, browser_as, api_as):
    """Blue on 25 December (its deadline near), red since 1 January: asked on 5 January, the list
    and the API as of 25 December select it as blue and show it blue, not today's red."""
    world = dated
    KeyTask.objects.filter(pk=world.task_a.pk).update(
        acknowledged_at=at(dt.date(2026, 10, 2)), acknowledged_by=world.liaison_a, metric_target=Decimal("0")
    )
    with time_machine.travel(at(dt.date(2027, 1, 5)), tick=False):
        page = browser_as(world.office).get("/key-tasks/?as_of=2026-12-25&light=blue").content.decode()
        assert "举办专题读书班" in page and 'data-light="blue"' in page and 'data-light="red"' not in page
        rows = api_as(world.office).get("/api/v1/key-tasks/?as_of=2026-12-25&light=blue").json()["results"]
        assert [(row["id"], row["light"]) for row in rows] == [(world.task_a.pk, "blue")]
        today = api_as(world.office).get("/api/v1/key-tasks/?light=red").json()["results"]
        assert (world.task_a.pk, "red") in [(row["id"], row["light"]) for row in today]
