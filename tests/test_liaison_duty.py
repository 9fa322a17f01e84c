"""Removing a liaison ends their duty instead of deleting it: from that day they no longer see
or act for the unit (pages and API), get its reminders or count among its current liaisons,
while the figures of earlier days stay as they were and the unit page shows them as former."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from campaign import selectors, services
from campaign.models import Liaison
from reporting.figures.registry import BY_KEY
from tests.factories import UserFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = dt.datetime(2026, 11, 20, 10, tzinfo=SHANGHAI)

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock():
    with time_machine.travel(TODAY, tick=False):
        yield TODAY.date()


def _duty(user) -> Liaison:
    return Liaison.objects.get(user=user)


def test_ending_a_duty_keeps_the_row_with_its_last_day(world, clock):
    duty = services.liaison_remove(liaison=_duty(world.liaison_a), by=world.office, until=dt.date(2026, 11, 10))
    assert Liaison.objects.filter(pk=duty.pk, until=dt.date(2026, 11, 10)).exists()


def test_a_duty_ends_today_when_no_day_is_entered(world, clock):
    duty = services.liaison_remove(liaison=_duty(world.liaison_a), by=world.office)
    assert duty.until == clock


@pytest.mark.parametrize(
    ("until", "message"),
    [(dt.date(2026, 11, 21), "2026-11-20"), (dt.date(2026, 8, 31), "2026-09-01")],
    ids=["in the future", "before the duty began"],
)
def test_a_duty_cannot_end_in_the_future_or_before_it_began(world, clock, until, message):
    with pytest.raises(ValidationError) as refused:
        services.liaison_remove(liaison=_duty(world.liaison_a), by=world.office, until=until)
    assert message in " ".join(refused.value.messages)
    assert _duty(world.liaison_a).until is None


def test_only_the_office_ends_a_duty(world, clock):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.liaison_remove(liaison=_duty(world.liaison_a), by=world.inspector)


def test_an_ended_liaison_no_longer_sees_their_unit_on_pages_or_api(world, clock, browser_as, api_as):
    assert browser_as(world.liaison_a).get(f"/units/{world.unit_a.pk}/").status_code == 200
    services.liaison_remove(liaison=_duty(world.liaison_a), by=world.office)
    assert list(selectors.units_visible_to(world.liaison_a)) == []
    browser = browser_as(world.liaison_a)
    assert browser.get(f"/units/{world.unit_a.pk}/").status_code == 404
    assert browser.get(f"/units/{world.unit_a.pk}/edit/").status_code == 404
    api = api_as(world.liaison_a)
    assert api.get(f"/api/v1/units/{world.unit_a.pk}/").status_code == 404
    assert api.get("/api/v1/units/").json()["count"] == 0
    assert api.get("/api/v1/users/me/").json()["liaison_unit"] is None
    assert api.get("/api/v1/liaisons/").json()["count"] == 0


def test_an_ended_liaison_keeps_access_until_the_day_their_duty_ends(world, browser_as):
    with time_machine.travel(dt.datetime(2026, 11, 10, 10, tzinfo=SHANGHAI), tick=False):
        services.liaison_remove(liaison=_duty(world.liaison_a), by=world.office)
    with time_machine.travel(dt.datetime(2026, 11, 9, 10, tzinfo=SHANGHAI), tick=False):
        # the day before the duty ended (a late back-entry of the end)
        assert world.unit_a in selectors.units_visible_to(world.liaison_a)
    with time_machine.travel(dt.datetime(2026, 11, 10, 10, tzinfo=SHANGHAI), tick=False):
        assert world.unit_a not in selectors.units_visible_to(world.liaison_a)


def test_an_ended_liaison_gets_no_reminders_and_counts_no_more_today(world, clock):
    from tasks.services.progress import _liaisons_of  # noqa: PLC2701 — the recipients of a reminder

    services.liaison_remove(liaison=_duty(world.liaison_a), by=world.office)
    assert world.liaison_a not in _liaisons_of([world.unit_a])
    overview = selectors.campaign_overview(campaign=world.campaign)
    assert overview["liaisons"] == 1 and overview["units_without_liaison"] == 2
    unit_row = selectors.unit_list(user=world.office, campaign=world.campaign).get(pk=world.unit_a.pk)
    assert unit_row.liaison_count == 0


def test_the_liaisons_figure_of_earlier_days_stays_after_a_duty_ends(world, clock):
    figure = BY_KEY["liaisons"]
    before = figure.value(world.campaign, dt.date(2026, 11, 1))
    services.liaison_remove(liaison=_duty(world.liaison_a), by=world.office, until=dt.date(2026, 11, 10))
    assert figure.value(world.campaign, dt.date(2026, 11, 1)) == before == 2
    assert figure.value(world.campaign, dt.date(2026, 11, 9)) == 2
    assert figure.value(world.campaign, dt.date(2026, 11, 10)) == 1


def test_the_liaison_list_counts_as_the_figure_on_the_day_and_shows_former_ones(world, clock, browser_as):
    import re

    services.liaison_remove(liaison=_duty(world.liaison_a), by=world.office, until=dt.date(2026, 11, 10))
    client = browser_as(world.office)

    def count(**params):
        page = client.get("/liaisons/", params).content.decode()
        return int(re.search(r'data-count="(\d+)"', page).group(1))

    assert count() == 1  # current
    assert count(status="former") == 1
    assert count(status="all") == 2
    assert count(as_of="2026-11-09", campaign=world.campaign.pk) == 2
    assert count(as_of="2026-11-10", campaign=world.campaign.pk) == 1
    assert "data-former" in client.get("/liaisons/", {"status": "former"}).content.decode()


def test_the_unit_page_shows_an_ended_liaison_dimmed_as_former_with_dates(world, clock, browser_as):
    services.liaison_remove(liaison=_duty(world.liaison_a), by=world.office, until=dt.date(2026, 11, 10))
    page = browser_as(world.office).get(f"/units/{world.unit_a.pk}/").content.decode()
    assert 'class="former muted" data-former' in page
    assert "2026-09-01" in page and "2026-11-10" in page


def test_the_office_ends_a_duty_from_the_unit_page_with_the_day_entered(world, clock, browser_as):
    client = browser_as(world.office)
    duty = _duty(world.liaison_a)
    refused = client.post(f"/liaisons/{duty.pk}/end/", {"until": "2026-12-01"}, follow=True)
    assert "2026-12-01" in refused.content.decode()
    assert _duty(world.liaison_a).until is None
    client.post(f"/liaisons/{duty.pk}/end/", {"until": "2026-11-15"})
    assert _duty(world.liaison_a).until == dt.date(2026, 11, 15)
    assert browser_as(world.liaison_a).post(f"/liaisons/{duty.pk}/end/", {}).status_code == 403


def test_the_api_ends_a_duty_on_the_day_given_and_delete_ends_it_today(world, clock, api_as):
    api = api_as(world.office)
    duty_a, duty_b = _duty(world.liaison_a), _duty(world.liaison_b)
    response = api.post(f"/api/v1/liaisons/{duty_a.pk}/end/", {"until": "2026-11-12"}, format="json")
    assert response.status_code == 200 and response.json()["until"] == "2026-11-12"
    assert api.post(f"/api/v1/liaisons/{duty_b.pk}/end/", {"until": "2027-01-01"}, format="json").status_code == 400
    assert api.delete(f"/api/v1/liaisons/{duty_b.pk}/").status_code == 204
    assert _duty(world.liaison_b).until == clock
    assert Liaison.objects.count() == 2


def test_a_person_can_serve_again_after_their_duty_ended_and_both_duties_are_kept(world, clock):
    services.liaison_remove(liaison=_duty(world.liaison_a), by=world.office, until=dt.date(2026, 11, 1))
    again = services.liaison_assign(unit=world.unit_c, user=world.liaison_a, by=world.office, since=clock)
    assert again.since == clock
    assert Liaison.objects.filter(user=world.liaison_a).count() == 2
    assert list(selectors.units_visible_to(world.liaison_a)) == [world.unit_c]


def test_moving_a_liaison_ends_the_old_duty_the_day_the_new_one_begins(world, clock):
    services.liaison_assign(unit=world.unit_c, user=world.liaison_a, by=world.office, since=dt.date(2026, 11, 5))
    old = Liaison.objects.get(user=world.liaison_a, unit=world.unit_a)
    assert old.until == dt.date(2026, 11, 5)
    assert list(selectors.units_visible_to(world.liaison_a)) == [world.unit_c]


@pytest.mark.parametrize(
    ("since", "names"),
    [(dt.date(2026, 11, 21), "2026-11-20"), (dt.date(2026, 8, 20), "2026-09-01")],
    ids=["in the future", "before the campaign"],
)
def test_a_duty_cannot_begin_in_the_future_or_before_the_campaign(world, clock, since, names):
    person = UserFactory(username="new_liaison")
    with pytest.raises(ValidationError) as refused:
        services.liaison_assign(unit=world.unit_c, user=person, by=world.office, since=since)
    assert names in " ".join(refused.value.messages)
    assert not Liaison.objects.filter(user=person).exists()


def test_a_duty_cannot_begin_before_its_unit_joined_the_campaign(world, clock):
    world.unit_c.joined_on = dt.date(2026, 10, 1)
    world.unit_c.save()
    with pytest.raises(ValidationError) as refused:
        services.liaison_assign(
            unit=world.unit_c, user=UserFactory(username="early"), by=world.office, since=dt.date(2026, 9, 15)
        )
    assert "2026-10-01" in " ".join(refused.value.messages)


def test_the_office_home_s_liaison_numbers_open_lists_of_as_many(world, clock, browser_as):
    import html
    import re

    services.liaison_remove(liaison=_duty(world.liaison_b), by=world.office, until=dt.date(2026, 11, 10))
    client = browser_as(world.office)
    home = client.get("/").content.decode()
    stats = re.findall(r'<a class="stat" href="(/liaisons/[^"]*)"><b>(\d+)</b>', home)
    assert len(stats) == 3
    for url, number in stats:
        page = client.get(html.unescape(url)).content.decode()
        assert re.search(r'data-count="(\d+)"', page).group(1) == number, url


def test_the_office_assigns_a_liaison_on_the_unit_page_from_the_day_entered(world, clock, browser_as):
    person = UserFactory(username="new_liaison", full_name="新联络员")
    client = browser_as(world.office)
    url = f"/units/{world.unit_c.pk}/liaisons/"
    assert 'action="' + url + '"' in client.get(f"/units/{world.unit_c.pk}/").content.decode()
    refused = client.post(url, {"username": "new_liaison", "since": "2026-12-01"}, follow=True)
    assert "2026-11-20" in refused.content.decode()
    assert not Liaison.objects.filter(user=person).exists()
    client.post(url, {"username": "new_liaison", "since": "2026-11-02"})
    assert Liaison.objects.get(user=person).since == dt.date(2026, 11, 2)
    assert list(selectors.units_visible_to(person)) == [world.unit_c]
    assert browser_as(world.liaison_a).post(url, {"username": "liaison_a"}).status_code == 403


def test_the_admin_cannot_delete_a_liaison_duty_nor_end_it_in_the_future(world, clock, browser_as):
    world.office.is_staff = world.office.is_superuser = True
    world.office.save()
    client = browser_as(world.office)
    duty = _duty(world.liaison_a)
    assert client.get(f"/admin/campaign/liaison/{duty.pk}/delete/").status_code == 403
    duty.until = dt.date(2026, 12, 1)
    with pytest.raises(ValidationError):
        duty.full_clean()
