"""Helpers the tests of several apps share: a moment in Shanghai for time_machine, and the
numeric measure that the roll-up, work-queue and lights tests enter through the services."""

import contextlib
import datetime as dt
from zoneinfo import ZoneInfo

import time_machine

from rectification.models import Measure
from rectification.services import measures as rect

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    """A moment of a day in Shanghai, for time_machine."""
    return dt.datetime(day.year, day.month, day.day, hour, 0, tzinfo=SHANGHAI)


def numeric_measure(
    world,
    unit=None,
    *,
    created: dt.date | None = None,
    start: dt.date,
    deadline: dt.date,
    found_on: dt.date | None = None,
) -> Measure:
    """A measure of `unit` (default unit A) on a new problem “审批环节多”, both entered by the
    office through the services on `created` (default: now; the problem found then, or on `found_on`):
    压减审批环节, owned by 张三, baseline 0 and target 100 %, so a value reached is its percent."""
    unit = unit or world.unit_a
    with time_machine.travel(at(created), tick=False) if created else contextlib.nullcontext():
        problem = rect.problem_create(
            by=world.office, campaign=world.campaign, unit=unit, title="审批环节多", found_on=found_on
        )
        return rect.measure_create(
            by=world.office,
            problem=problem,
            content="压减审批环节",
            responsible_unit=unit,
            responsible_person="张三",
            start_date=start,
            deadline=deadline,
            baseline=0,
            target_value=100,
            measure_unit="%",
        )
