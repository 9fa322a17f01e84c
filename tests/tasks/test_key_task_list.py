"""The key-task list (HTML, API, export) with many cooperating units: each task's cooperating
units as before, in the units' order, and a number of queries that does not grow with them."""

import datetime as dt
from io import BytesIO

import pytest
from openpyxl import load_workbook

from campaign.models import Unit, WorkLine
from tasks.models import KeyTask
from tests.factories import UnitFactory


def cooperating(task: KeyTask) -> list[Unit]:
    """The task's cooperating units as the model gives them (Unit.Meta.ordering)."""
    return list(task.cooperating_units.all())


def add_tasks(world, n: int, units_each: int, start: int = 10) -> list[KeyTask]:
    """`n` tasks led by unit A, each with `units_each` new cooperating units of mixed kinds, named
    so that their order (kind, name) differs from the order they were made in."""
    line = WorkLine.objects.get(code="push")
    kinds = [Unit.Kind.INSTITUTION, Unit.Kind.CITY_ORGAN, Unit.Kind.ENTERPRISE, Unit.Kind.DISTRICT]
    tasks = []
    for i in range(n):
        task = KeyTask.objects.create(
            campaign=world.campaign,
            number=start + i,
            title=f"任务{start + i}",
            work_line=line,
            lead_unit=world.unit_a,
            deadline=dt.date(2026, 12, 31),
        )
        units = [
            UnitFactory(campaign=world.campaign, kind=kinds[j % 4], name=f"单位{start + i}-{units_each - j:03d}")
            for j in range(units_each)
        ]
        task.cooperating_units.add(*units, world.unit_b)
        tasks.append(task)
    return tasks


def test_api_lists_each_tasks_cooperating_unit_ids_in_the_units_order(tasks_world, api_as):
    tasks = add_tasks(tasks_world, 3, 6)
    rows = api_as(tasks_world.office).get("/api/v1/key-tasks/").json()["results"]
    by_number = {row["number"]: row["cooperating_units"] for row in rows}
    for task in [tasks_world.task_a, tasks_world.task_b, tasks_world.task_c, *tasks]:
        assert by_number[task.number] == [u.pk for u in cooperating(task)]
    assert len(by_number[10]) == 7


def test_api_key_task_read_on_its_own_lists_its_cooperating_units(tasks_world, api_as):
    (task,) = add_tasks(tasks_world, 1, 4)
    row = api_as(tasks_world.office).get(f"/api/v1/key-tasks/{task.pk}/").json()
    assert row["cooperating_units"] == [u.pk for u in cooperating(task)]


def test_office_sets_and_changes_cooperating_units_through_the_api(tasks_world, api_as):
    w = tasks_world
    api = api_as(w.office)
    created = api.post(
        "/api/v1/key-tasks/",
        {
            "campaign": w.campaign.pk,
            "number": 9,
            "title": "新任务",
            "work_line": "push",
            "lead_unit": w.unit_a.pk,
            "cooperating_units": [w.unit_c.pk, w.unit_b.pk],
            "deadline": "2026-12-31",
        },
        format="json",
    )
    assert created.status_code == 201
    task = KeyTask.objects.get(number=9)
    assert created.json()["cooperating_units"] == [u.pk for u in cooperating(task)]
    assert {u.pk for u in cooperating(task)} == {w.unit_b.pk, w.unit_c.pk}
    changed = api.patch(f"/api/v1/key-tasks/{task.pk}/", {"cooperating_units": [w.unit_c.pk]}, format="json")
    assert changed.status_code == 200
    assert changed.json()["cooperating_units"] == [w.unit_c.pk]
    assert [u.pk for u in cooperating(task)] == [w.unit_c.pk]
    refused = api.patch(f"/api/v1/key-tasks/{task.pk}/", {"cooperating_units": [w.unit_a.pk]}, format="json")
    assert refused.status_code == 400 and "cooperating_units" in refused.json()


def test_api_refuses_an_unknown_cooperating_unit(tasks_world, api_as):
    response = api_as(tasks_world.office).patch(
        f"/api/v1/key-tasks/{tasks_world.task_a.pk}/", {"cooperating_units": [999999]}, format="json"
    )
    assert response.status_code == 400 and "cooperating_units" in response.json()
    assert cooperating(tasks_world.task_a) == []


def test_list_page_shows_how_many_units_cooperate_on_each_task(tasks_world, browser_as):
    add_tasks(tasks_world, 1, 5)
    response = browser_as(tasks_world.office).get("/key-tasks/")
    counts = {t.number: t.cooperating_count for t in response.context["page"].object_list}
    assert counts == {1: 0, 2: 1, 3: 0, 10: 6}
    page = response.content.decode()
    assert "+6</small>" in page and "+1</small>" in page and "+0" not in page


def test_export_names_each_tasks_cooperating_units_in_the_units_order(tasks_world, browser_as):
    tasks = add_tasks(tasks_world, 2, 4)
    response = browser_as(tasks_world.office).get("/key-tasks/?export=xlsx")
    rows = {r[0]: r for r in load_workbook(BytesIO(response.content)).active.iter_rows(min_row=2, values_only=True)}
    for task in tasks:
        assert rows[task.number][4] == "、".join(u.name for u in cooperating(task))
    assert rows[1][4] is None or rows[1][4] == ""


@pytest.mark.parametrize("url", ["/key-tasks/", "/api/v1/key-tasks/", "/key-tasks/?export=xlsx"])
@pytest.mark.parametrize("persona", ["office", "inspector", "liaison_b"])
def test_key_task_list_makes_the_same_number_of_queries_for_few_and_many_cooperating_units(
    tasks_world, browser_as, url, persona, django_assert_max_num_queries
):
    client = browser_as(getattr(tasks_world, persona))
    add_tasks(tasks_world, 1, 2)
    with django_assert_max_num_queries(12) as small:
        assert client.get(url).status_code == 200
    add_tasks(tasks_world, 6, 8, start=20)
    with django_assert_max_num_queries(len(small.captured_queries)) as large:
        assert client.get(url).status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)


def test_api_unit_filter_lists_each_task_the_unit_leads_or_cooperates_on_once(tasks_world, api_as):
    w = tasks_world
    w.task_c.cooperating_units.add(w.unit_a, w.unit_b)
    rows = api_as(w.office).get(f"/api/v1/key-tasks/?unit={w.unit_a.pk}").json()["results"]
    assert [r["number"] for r in rows] == [1, 2, 3]
    rows = api_as(w.office).get(f"/api/v1/key-tasks/?unit={w.unit_c.pk}").json()["results"]
    assert [r["number"] for r in rows] == [3]
