"""Facts carry the day they happened: a problem's found-on day and a trip's completion day are
entered by the person (today by default), never in the future, never before the campaign or
the trip."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from rectification.models import Problem
from rectification.services import measures as services
from tests.rectification.conftest import at

TODAY = dt.date(2026, 11, 30)


def test_problem_found_on_defaults_to_today_and_keeps_the_day_entered(world):
    with time_machine.travel(at(TODAY), tick=False):
        today = services.problem_create(by=world.office, campaign=world.campaign, unit=world.unit_a, title="甲")
        earlier = services.problem_create(
            by=world.office, campaign=world.campaign, unit=world.unit_a, title="乙", found_on=dt.date(2026, 10, 3)
        )
    assert today.found_on == TODAY
    assert earlier.found_on == dt.date(2026, 10, 3)
    assert earlier.history.first().found_on == dt.date(2026, 10, 3)


@pytest.mark.parametrize(
    ("found_on", "message"),
    # The sentence names the day that bounds it: today, or the campaign's start.
    [(dt.date(2026, 12, 1), "2026-11-30"), (dt.date(2026, 8, 31), "2026-09-01")],
)
def test_problem_found_in_the_future_or_before_the_campaign_is_refused_naming_the_field(world, found_on, message):
    with time_machine.travel(at(TODAY), tick=False), pytest.raises(ValidationError) as refused:
        services.problem_create(
            by=world.office, campaign=world.campaign, unit=world.unit_a, title="甲", found_on=found_on
        )
    assert message in refused.value.message_dict["found_on"][0]
    assert not Problem.objects.exists()


def test_problem_form_takes_the_found_on_day_and_keeps_what_was_typed_when_refused(world, client):
    client.force_login(world.office)
    client.cookies["django_language"] = "zh-hans"
    data = {"title": "审批慢", "unit": world.unit_a.pk, "level": "unit", "source": "self", "severity": "general"}
    with time_machine.travel(at(TODAY), tick=False):
        refused = client.post(reverse("rect-problem-new"), {**data, "found_on": "2026-12-05"})
        assert refused.status_code == 200
        page = refused.content.decode()
        assert "发现日期不能晚于今天" in page and "审批慢" in page and "2026-12-05" in page
        client.post(reverse("rect-problem-new"), {**data, "found_on": "2026-10-03"})
    assert Problem.objects.get().found_on == dt.date(2026, 10, 3)


def test_api_creates_a_problem_with_the_day_it_was_found(world, client):
    client.force_login(world.office)
    with time_machine.travel(at(TODAY), tick=False):
        answer = client.post(
            "/api/v1/problems/",
            {"title": "审批慢", "unit": world.unit_a.pk, "found_on": "2026-09-15"},
            content_type="application/json",
        )
    assert answer.status_code == 201, answer.content
    assert answer.json()["found_on"] == "2026-09-15"


def test_problem_edit_moves_the_found_on_day_within_the_rules(world):
    with time_machine.travel(at(TODAY), tick=False):
        problem = services.problem_create(by=world.office, campaign=world.campaign, unit=world.unit_a, title="甲")
        services.problem_update(problem=problem, by=world.office, found_on=dt.date(2026, 9, 20))
        with pytest.raises(ValidationError):
            services.problem_update(problem=problem, by=world.office, found_on=dt.date(2027, 1, 1))
    problem.refresh_from_db()
    assert problem.found_on == dt.date(2026, 9, 20)
