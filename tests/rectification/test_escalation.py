"""Escalation of the lights (campaign/escalation.py), a measure moved through several weeks:
each change of colour tells the unit's liaisons once; a long red tells the inspection group and
goes into the office's daily digest; closing the measure withdraws the unread notices."""

import datetime as dt

import time_machine

from campaign.escalation import lights_escalate
from campaign.models import LightState, Notification
from rectification.services import measures as services
from tests.rectification.conftest import at, pdf


def escalate_on(day: dt.date) -> dict:
    with time_machine.travel(at(day, hour=7), tick=False):
        return lights_escalate()


def keys(user) -> list[str]:
    """The person's notices about lights (not, e.g., the closure decision's own notice)."""
    return sorted(Notification.objects.filter(user=user, key__startswith="light").values_list("key", flat=True))


def test_each_colour_change_tells_the_units_liaisons_once_and_long_reds_escalate_then_stop(world, make_measure):
    measure = make_measure()  # 1 Oct → 21 Oct, the line 0% → 100%; the campaign warns 7 days ahead
    prefix = f"light:measure:{measure.pk}:"

    escalate_on(dt.date(2026, 10, 1))
    assert keys(world.liaison_a) == []  # green: nothing to say
    assert LightState.objects.get(object_id=measure.pk).light == "green"

    with time_machine.travel(at(dt.date(2026, 10, 5)), tick=False):
        services.measure_progress_record(by=world.liaison_a, measure=measure, value_reached=50)
    escalate_on(dt.date(2026, 10, 12))  # below the line since 12 Oct
    escalate_on(dt.date(2026, 10, 12))  # a second run the same day says nothing more
    assert keys(world.liaison_a) == [f"{prefix}yellow:2026-10-12"]
    note = Notification.objects.get(user=world.liaison_a)
    assert note.title == f"滞后：{measure.code} 压减审批环节"  # in Chinese, naming the measure
    assert note.url == f"/rectification/measures/{measure.pk}/"

    with time_machine.travel(at(dt.date(2026, 10, 15)), tick=False):
        services.measure_progress_record(by=world.liaison_a, measure=measure, value_reached=100)
    escalate_on(dt.date(2026, 10, 15))  # on the line again, 6 days before the deadline: blue
    escalate_on(dt.date(2026, 10, 22))  # the deadline passed without closure: red
    assert keys(world.liaison_a) == [
        f"{prefix}blue:2026-10-15",
        f"{prefix}red:2026-10-22",
        f"{prefix}yellow:2026-10-12",
    ]
    assert keys(world.liaison_b) == []  # another unit's liaison hears nothing of it
    assert keys(world.inspector) == [] and keys(world.office) == []

    escalate_on(dt.date(2026, 10, 28))  # red for 6 days: not yet
    assert keys(world.inspector) == []
    escalate_on(dt.date(2026, 10, 29))  # red for 7 days: the unit's inspection group, and the digest
    escalate_on(dt.date(2026, 10, 30))
    assert keys(world.inspector) == [f"{prefix}red:2026-10-22:group"]
    assert keys(world.other_inspector) == []  # the other group does not cover the unit
    assert keys(world.office) == [
        f"lights-digest:{world.campaign.pk}:2026-10-29",
        f"lights-digest:{world.campaign.pk}:2026-10-30",
    ]
    digest = Notification.objects.filter(user=world.office).first()
    assert measure.code in digest.body

    # The liaison has read the red notice; then the measure is closed.
    Notification.objects.filter(user=world.liaison_a, key=f"{prefix}red:2026-10-22").update(
        read_at=at(dt.date(2026, 10, 30))
    )
    with time_machine.travel(at(dt.date(2026, 10, 30), hour=11), tick=False):
        closure = services.measure_closure_request(
            by=world.liaison_a, measure=measure, statement="完成", result_value=100, files=[pdf()]
        )
        services.closure_sign_off(by=world.inspector, closure=closure, note="现场核实")
    told = escalate_on(dt.date(2026, 10, 31))
    assert told["withdrawn"] == 3  # the unread yellow and blue, and the group's red
    assert keys(world.liaison_a) == [f"{prefix}red:2026-10-22"]  # what was read stays as the record
    assert keys(world.inspector) == []
    escalate_on(dt.date(2026, 11, 1))
    escalate_on(dt.date(2026, 11, 9))
    assert keys(world.liaison_a) == [f"{prefix}red:2026-10-22"]
    assert len(keys(world.office)) == 2  # no digest once nothing is red for long


def test_a_measure_back_on_track_withdraws_its_unread_warning(world, make_measure):
    measure = make_measure()
    with time_machine.travel(at(dt.date(2026, 10, 2)), tick=False):
        services.measure_progress_record(by=world.liaison_a, measure=measure, value_reached=10)
    escalate_on(dt.date(2026, 10, 5))
    assert keys(world.liaison_a) == [f"light:measure:{measure.pk}:yellow:2026-10-05"]
    with time_machine.travel(at(dt.date(2026, 10, 6)), tick=False):
        services.measure_progress_record(by=world.liaison_a, measure=measure, value_reached=60)
    escalate_on(dt.date(2026, 10, 6))
    assert keys(world.liaison_a) == []
    assert LightState.objects.get(object_id=measure.pk).light == "green"


def test_notice_mail_carries_an_absolute_link(world, make_measure, settings, mailoutbox):
    from campaign.services import notifications_mail

    settings.SITE_URL = "https://dc.example.gov.cn"
    world.liaison_a.email = "a@example.gov.cn"
    world.liaison_a.save()
    measure = make_measure()
    with time_machine.travel(at(dt.date(2026, 10, 2)), tick=False):
        services.measure_progress_record(by=world.liaison_a, measure=measure, value_reached=10)
    escalate_on(dt.date(2026, 10, 5))
    note = Notification.objects.get(user=world.liaison_a)
    assert notifications_mail(key=note.key, user_ids=[world.liaison_a.pk]) == 1
    assert f"https://dc.example.gov.cn/rectification/measures/{measure.pk}/" in mailoutbox[0].body
