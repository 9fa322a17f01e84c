"""The one create/update every record kind goes through (tasks.services.records.record_save):
who may write is asked once, a change names only what it changes, a record moves to another
unit only by someone who may write both, and deletes go through the services."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from campaign.models import Liaison
from tasks.models import ExchangeMeeting, FocusArea, Indicator
from tasks.services import development, research


def test_an_update_asks_once_whether_the_liaison_may_write_the_unit(world, recs):
    with CaptureQueriesContext(connection) as queries:
        research.exchange_meeting_update(meeting=recs.meeting_b, by=world.liaison_b, title="改过的交流会")
    duty_checks = [q for q in queries.captured_queries if Liaison._meta.db_table in q["sql"]]
    assert len(duty_checks) == 1
    assert ExchangeMeeting.objects.get(pk=recs.meeting_b.pk).title == "改过的交流会"


def test_an_update_leaves_the_fields_it_does_not_name_as_they_were(world, recs):
    before = ExchangeMeeting.objects.get(pk=recs.meeting_b.pk)
    research.exchange_meeting_update(meeting=recs.meeting_b, by=world.liaison_b, title="只改标题")
    after = ExchangeMeeting.objects.get(pk=recs.meeting_b.pk)
    assert (after.date, after.participants, after.note, after.unit_id) == (
        before.date,
        before.participants,
        before.note,
        before.unit_id,
    )


def test_a_liaison_cannot_move_their_record_to_another_unit(world, recs):
    with pytest.raises(PermissionDenied):
        research.exchange_meeting_update(meeting=recs.meeting_b, by=world.liaison_b, unit=world.unit_a)
    assert ExchangeMeeting.objects.get(pk=recs.meeting_b.pk).unit_id == world.unit_b.pk


def test_only_the_office_deletes_a_focus_area(world, recs):
    with pytest.raises(PermissionDenied):
        research.focus_area_delete(area=recs.area, by=world.liaison_a)
    assert FocusArea.objects.filter(pk=recs.area.pk).exists()
    recs.topic_city.focus_area = None
    recs.topic_city.save()
    research.focus_area_delete(area=recs.area, by=world.office)
    assert not FocusArea.objects.filter(pk=recs.area.pk).exists()


def test_only_the_office_deletes_an_indicator(world, recs):
    with pytest.raises(PermissionDenied):
        development.indicator_delete(indicator=recs.indicator, by=world.liaison_a)
    assert Indicator.objects.filter(pk=recs.indicator.pk).exists()
