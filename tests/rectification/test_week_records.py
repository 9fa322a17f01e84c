"""The weekly report form lists the measure progress the unit already recorded that week."""

import datetime as dt

import time_machine

from rectification.services import measures as services
from tasks.selectors.progress import week_records

SH = dt.timezone(dt.timedelta(hours=8))


def test_a_units_measure_progress_this_week_appears_in_its_week_records(world, make_measure):
    measure = make_measure()
    with time_machine.travel(dt.datetime(2026, 10, 14, 10, tzinfo=SH), tick=False):
        services.measure_progress_record(by=world.liaison_a, measure=measure, value_reached=40)
    ours = {r["label"]: r["count"] for r in week_records(unit=world.unit_a, week_start=dt.date(2026, 10, 12))}
    assert any(count == 1 for count in ours.values())
    theirs = week_records(unit=world.unit_b, week_start=dt.date(2026, 10, 12))
    assert theirs == []  # nothing recorded by unit B: rows with a zero count are left out
    later = week_records(unit=world.unit_a, week_start=dt.date(2026, 10, 19))
    assert later == []
