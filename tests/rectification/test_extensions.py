"""Deadline extensions: asked before the deadline (after it only the office extends, marked
late), at most the campaign's limit per measure (default 2), never to a date already past; a
measure overdue when an extension is granted stays red; on time is counted against the
original deadline."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError

from rectification import selectors
from rectification.models import Extension, Measure
from rectification.services import measures as services
from reporting.selectors.dashboard import dashboard
from tests.rectification.conftest import at, pdf

BEFORE = at(dt.date(2026, 10, 10))  # the fixture measure runs 1 Oct -> 21 Oct 2026
AFTER = at(dt.date(2026, 10, 25))


def _light(measure: Measure, day: dt.date) -> str:
    return selectors.with_light(Measure.objects.filter(pk=measure.pk), day).get().light


def _extend(world, measure, new_deadline, by=None):
    extension = services.extension_request(
        by=by or world.liaison_a, measure=measure, new_deadline=new_deadline, reason="需跨部门协调"
    )
    if extension.status == Extension.Status.PENDING:
        services.extension_decide(by=world.office, extension=extension, approve=True)
    measure.refresh_from_db()
    return extension


def test_liaison_cannot_ask_for_an_extension_after_the_deadline(world, make_measure):
    measure = make_measure()
    with time_machine.travel(AFTER, tick=False), pytest.raises(ValidationError) as exc:
        services.extension_request(
            by=world.liaison_a, measure=measure, new_deadline=dt.date(2026, 11, 30), reason="来不及"
        )
    assert "new_deadline" in exc.value.message_dict
    assert not Extension.objects.exists()


def test_office_grants_a_late_extension_at_once_marked_late_and_the_light_stays_red(world, make_measure):
    measure = make_measure()
    with time_machine.travel(AFTER, tick=False):
        extension = _extend(world, measure, dt.date(2026, 11, 30), by=world.office)
    assert extension.status == Extension.Status.APPROVED and extension.late
    assert measure.deadline == dt.date(2026, 11, 30) and measure.original_deadline == dt.date(2026, 10, 21)
    assert measure.overdue_since == dt.date(2026, 10, 22)
    assert _light(measure, dt.date(2026, 10, 25)) == Measure.Light.RED


def test_an_extension_approved_after_the_deadline_passed_does_not_turn_red_to_yellow(world, make_measure):
    measure = make_measure()
    with time_machine.travel(BEFORE, tick=False):
        extension = services.extension_request(
            by=world.liaison_a, measure=measure, new_deadline=dt.date(2026, 11, 30), reason="需跨部门协调"
        )
    with time_machine.travel(AFTER, tick=False):
        services.extension_decide(by=world.office, extension=extension, approve=True)
    measure.refresh_from_db()
    assert _light(measure, dt.date(2026, 10, 26)) == Measure.Light.RED


def test_an_extension_approved_in_time_moves_the_light_to_the_new_deadline(world, make_measure):
    measure = make_measure()
    with time_machine.travel(BEFORE, tick=False):
        _extend(world, measure, dt.date(2026, 11, 30))
    assert measure.overdue_since is None
    assert _light(measure, dt.date(2026, 10, 25)) != Measure.Light.RED


def test_at_most_two_extensions_by_default(world, make_measure):
    measure = make_measure()
    with time_machine.travel(BEFORE, tick=False):
        _extend(world, measure, dt.date(2026, 11, 1))
        _extend(world, measure, dt.date(2026, 11, 15))
        with pytest.raises(ValidationError) as exc:
            services.extension_request(
                by=world.liaison_a, measure=measure, new_deadline=dt.date(2026, 12, 1), reason="再延"
            )
    assert "new_deadline" in exc.value.message_dict and measure.extension_count == 2


def test_the_limit_is_a_campaign_setting(world, make_measure):
    world.campaign.max_extensions_per_measure = 1
    world.campaign.save()
    measure = make_measure()
    with time_machine.travel(BEFORE, tick=False):
        _extend(world, measure, dt.date(2026, 11, 1))
        with pytest.raises(ValidationError):
            services.extension_request(
                by=world.liaison_a, measure=measure, new_deadline=dt.date(2026, 11, 15), reason="再延"
            )


def test_never_to_a_date_already_past_nor_after_the_campaign(world, make_measure):
    measure = make_measure()
    with time_machine.travel(at(dt.date(2026, 11, 30)), tick=False):  # the 10-26 → 11-25 case, by the office
        with pytest.raises(ValidationError) as exc:
            services.extension_request(
                by=world.office, measure=measure, new_deadline=dt.date(2026, 11, 25), reason="补批"
            )
        assert "new_deadline" in exc.value.message_dict
        with pytest.raises(ValidationError):
            services.extension_request(
                by=world.office, measure=measure, new_deadline=dt.date(2027, 3, 31), reason="补批"
            )
    assert not Extension.objects.exists()


def test_office_cannot_approve_a_request_whose_new_deadline_has_passed(world, make_measure):
    measure = make_measure()
    with time_machine.travel(BEFORE, tick=False):
        extension = services.extension_request(
            by=world.liaison_a, measure=measure, new_deadline=dt.date(2026, 10, 28), reason="需协调"
        )
    with time_machine.travel(at(dt.date(2026, 11, 2)), tick=False), pytest.raises(ValidationError):
        services.extension_decide(by=world.office, extension=extension, approve=True)
    measure.refresh_from_db()
    assert measure.deadline == dt.date(2026, 10, 21)


def test_api_refuses_a_liaisons_extension_after_the_deadline(world, make_measure, api_as):
    measure = make_measure()
    with time_machine.travel(AFTER, tick=False):
        response = api_as(world.liaison_a).post(
            f"/api/v1/measures/{measure.pk}/extension/", {"new_deadline": "2026-11-30", "reason": "来不及"}
        )
    assert response.status_code == 400 and "new_deadline" in response.json()


def test_page_refuses_a_liaisons_extension_after_the_deadline_in_chinese(world, make_measure, browser_as):
    measure = make_measure()
    with time_machine.travel(AFTER, tick=False):
        response = browser_as(world.liaison_a).post(
            f"/rectification/measures/{measure.pk}/extension/", {"new_deadline": "2026-11-30", "reason": "来不及"}
        )
    assert response.status_code == 400
    assert "新的完成时限" in response.content.decode() and "来不及" in response.content.decode()


def test_dashboard_counts_on_time_against_the_original_deadline(world, make_measure):
    with time_machine.travel(BEFORE, tick=False):  # the dashboard counts as of its day what existed then
        measure = make_measure()
        _extend(world, measure, dt.date(2026, 11, 30))
    with time_machine.travel(AFTER, tick=False):
        services.measure_progress_record(by=world.liaison_a, measure=measure, value_reached=100)
        closure = services.measure_closure_request(by=world.liaison_a, measure=measure, statement="完成", files=[pdf()])
        services.closure_sign_off(by=world.inspector, closure=closure)
        data = dashboard(user=world.office, campaign=world.campaign, today=dt.date(2026, 10, 25))
    row = next(r for r in data["scorecard"] if r["unit_id"] == world.unit_a.pk)
    assert row["measures_due"] == 1 and row["measures_on_time"] == 0
    assert closure.late
