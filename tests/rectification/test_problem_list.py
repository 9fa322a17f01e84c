"""The problem list (HTML and API): each problem's measure, light and report counts, who sees
which problems, and a number of queries that does not grow with the problems listed."""

import datetime as dt

import pytest
import time_machine
from django.db.models import Count, Q
from django.utils import timezone

from rectification.models import Measure, Problem, PublicReport
from rectification.selectors import Light, light_q
from tests.rectification.conftest import at

OCT_10 = dt.date(2026, 10, 10)
COUNTS = ("measure_count", "closed_count", "red_count", "yellow_count", "report_count")


def set_light(measure: Measure, light: str) -> None:
    """Give a measure the state behind a light on 10 October (its deadline is 21 October)."""
    if light == Light.CLOSED:
        Measure.objects.filter(pk=measure.pk).update(status=Measure.Status.CLOSED, closed_at=timezone.now())
    elif light == Light.RED:
        Measure.objects.filter(pk=measure.pk).update(
            start_date=dt.date(2026, 9, 1), deadline=dt.date(2026, 10, 1), original_deadline=dt.date(2026, 10, 1)
        )
    elif light == Light.YELLOW:
        Measure.objects.filter(pk=measure.pk).update(missed_last_round=True)
    else:
        Measure.objects.filter(pk=measure.pk).update(on_track_until=dt.date(2026, 10, 21))


def report(problem: Problem) -> PublicReport:
    """A public report tied to the problem."""
    n = PublicReport.objects.count() + 1
    return PublicReport.objects.create(
        campaign=problem.campaign,
        receipt=f"R{n:06d}",
        subject="群众反映",
        body="办事难",
        triage="merged",
        problem=problem,
    )


@pytest.fixture
def varied(world, make_problem, make_measure):
    """Problems with no measure, one of each light, several of one light, and public reports."""
    empty = make_problem(title="尚无措施")
    mixed = make_problem(title="四色俱全")
    for light in (Light.GREEN, Light.YELLOW, Light.RED, Light.CLOSED):
        set_light(make_measure(mixed), light)
    reds = make_problem(world.unit_b, title="两项逾期")
    for _ in range(2):
        set_light(make_measure(reds), Light.RED)
    set_light(make_measure(reds), Light.YELLOW)
    report(mixed)
    report(mixed)
    return {"empty": empty, "mixed": mixed, "reds": reds}


def counted_with_a_join(today: dt.date) -> dict[int, tuple]:
    """The counts the way the list used to make them (every measure joined and grouped by
    problem): the reference the per-row counts must equal."""
    problems = Problem.objects.annotate(
        measure_count=Count("measures", distinct=True),
        closed_count=Count("measures", filter=Q(measures__status=Measure.Status.CLOSED), distinct=True),
        red_count=Count("measures", filter=light_q(Light.RED, today, "measures__"), distinct=True),
        yellow_count=Count("measures", filter=light_q(Light.YELLOW, today, "measures__"), distinct=True),
    )
    reports = dict(PublicReport.objects.values_list("problem").annotate(n=Count("pk")).order_by())
    return {p.pk: (*(getattr(p, name) for name in COUNTS[:-1]), reports.get(p.pk, 0)) for p in problems}


def test_each_problem_shows_its_measures_lights_and_reports_as_before(world, varied, api_as):
    with time_machine.travel(at(OCT_10), tick=False):
        rows = api_as(world.office).get("/api/v1/problems/").json()["results"]
        expected = counted_with_a_join(OCT_10)
    shown = {row["id"]: tuple(row[name] for name in COUNTS) for row in rows}
    assert shown == expected
    assert shown[varied["mixed"].pk] == (4, 1, 1, 1, 2)
    assert shown[varied["reds"].pk] == (3, 0, 2, 1, 0)
    assert shown[varied["empty"].pk] == (0, 0, 0, 0, 0)


def test_problem_page_shows_the_closed_measures_and_warnings_of_each_row(world, varied, browser_as):
    with time_machine.travel(at(OCT_10), tick=False):
        response = browser_as(world.office).get("/rectification/problems/")
    rows = {p.pk: p for p in response.context["page"].object_list}
    assert response.context["page"].paginator.count == 3
    assert (rows[varied["mixed"].pk].closed_count, rows[varied["mixed"].pk].measure_count) == (1, 4)
    page = response.content.decode()
    assert ">1/4<" in page and ">0/3<" in page and ">0/0<" in page
    assert "2 条举报" in page


def test_inspector_lists_another_units_problem_through_a_measure_of_their_unit_with_all_its_measures(
    world, make_problem, make_measure, api_as, browser_as
):
    shared = make_problem(world.unit_b, level="city", title="市级问题")
    make_measure(shared, unit=world.unit_a)
    make_measure(shared, unit=world.unit_b)
    make_measure(unit=world.unit_b)  # unit B's own problem: not the inspector's
    own = make_measure(unit=world.unit_a).problem
    rows = api_as(world.inspector).get("/api/v1/problems/").json()["results"]
    assert {r["id"]: r["measure_count"] for r in rows} == {shared.pk: 2, own.pk: 1}
    page = browser_as(world.inspector).get("/rectification/problems/").context["page"]
    assert page.paginator.count == 2
    assert {p.pk for p in page.object_list} == {shared.pk, own.pk}


def grow(world, make_problem, make_measure, n: int) -> None:
    for i in range(n):
        unit = (world.unit_a, world.unit_b)[i % 2]
        problem = make_problem(unit)
        for _ in range(1 + i % 3):
            make_measure(problem, unit=unit)
        report(problem)


@pytest.mark.parametrize("url", ["/rectification/problems/", "/api/v1/problems/"])
@pytest.mark.parametrize("persona", ["office", "inspector", "liaison_a"])
def test_problem_list_makes_the_same_number_of_queries_for_2_and_14_problems(
    world, make_problem, make_measure, browser_as, url, persona, django_assert_max_num_queries
):
    client = browser_as(getattr(world, persona))
    grow(world, make_problem, make_measure, 2)
    with django_assert_max_num_queries(12) as small:
        assert client.get(url).status_code == 200
    grow(world, make_problem, make_measure, 12)
    with django_assert_max_num_queries(len(small.captured_queries)) as large:
        assert client.get(url).status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)


@pytest.mark.django_db(transaction=True)
def test_office_problem_count_includes_a_problem_listed_right_after_it_was_read(world, make_problem, browser_as):
    make_problem()
    client = browser_as(world.office)
    with time_machine.travel(at(OCT_10), tick=False):
        assert client.get("/rectification/problems/").context["page"].paginator.count == 1
        assert client.get("/rectification/problems/").context["page"].paginator.count == 1
        added = make_problem(world.unit_b)
        response = client.get("/rectification/problems/")
    assert response.context["page"].paginator.count == 2
    assert added in response.context["page"].object_list


@pytest.mark.django_db(transaction=True)
def test_office_count_of_problems_with_a_red_measure_follows_a_new_overdue_measure_and_the_day(
    world, make_measure, browser_as
):
    make_measure()  # due 21 October
    client = browser_as(world.office)

    def red_problems() -> int:
        response = client.get("/rectification/problems/?light=red")
        assert len(response.context["page"].object_list) == response.context["page"].paginator.count
        return response.context["page"].paginator.count

    with time_machine.travel(at(OCT_10), tick=False):
        assert red_problems() == 0
        make_measure(unit=world.unit_b, start_date=dt.date(2026, 9, 1), deadline=dt.date(2026, 10, 9))
        assert red_problems() == 1
    with time_machine.travel(at(dt.date(2026, 10, 22)), tick=False):
        assert red_problems() == 2
