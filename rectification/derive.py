"""Rectification's derived columns, one pure function per rule: values in, derived values out,
no database access.

The services call these to fill what is never typed (a measure's percent and its
expected-progress date, a problem's status, a dispatch round's bounds and who missed it, a
closure's lateness), and so does the benchmark generator (scale/), which writes the same rows
around the ORM. A rule changed here changes both; tests/scale/test_generator_matches_services.py
checks that they agree.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Q

from rectification.models import Measure, Problem

# The bi-weekly dispatch (每两周调度): rounds run fortnight by fortnight from the campaign's start.
ROUND_DAYS = 14


def round_bounds(*, campaign_start: dt.date, on: dt.date) -> tuple[int, dt.date, dt.date]:
    """The dispatch round a day falls in: (number, opens, due), numbered from 1 at the start."""
    number = max((on - campaign_start).days // ROUND_DAYS, 0) + 1
    opens = campaign_start + dt.timedelta(days=(number - 1) * ROUND_DAYS)
    return number, opens, opens + dt.timedelta(days=ROUND_DAYS - 1)


def rounds_until(*, campaign_start: dt.date, today: dt.date) -> list[tuple[int, dt.date, dt.date]]:
    """Every round opened by `today`, first to current: [(number, opens, due), ...]."""
    last, _opens, _due = round_bounds(campaign_start=campaign_start, on=today)
    return [
        round_bounds(campaign_start=campaign_start, on=campaign_start + dt.timedelta(days=(n - 1) * ROUND_DAYS))
        for n in range(1, last + 1)
    ]


def owes_round_entry(*, status: str, start_date: dt.date, due_on: dt.date) -> bool:
    """A measure owes a progress entry in a round when it is open and started by the round's due day."""
    return status == Measure.Status.OPEN and start_date <= due_on


def owes_round_entry_q(*, due_on: dt.date) -> Q:
    """`owes_round_entry` as a filter on measures, for the close-out that reads them in bulk."""
    return Q(status=Measure.Status.OPEN, start_date__lte=due_on)


def round_missed(*, status: str, start_date: dt.date, due_on: dt.date, has_entry: bool) -> bool:
    """Recorded as a miss when the round is closed out: it owed an entry and has none."""
    return owes_round_entry(status=status, start_date=start_date, due_on=due_on) and not has_entry


def missed_last_round(*, missed_latest_closed_round: bool, entry_since: bool) -> bool:
    """A measure lights yellow for a miss in the latest round closed out, until its next entry."""
    return missed_latest_closed_round and not entry_since


def progress_percent(
    *,
    target_value: Decimal | None,
    baseline: Decimal | None,
    value: Decimal | None,
    milestones_done: int,
    milestone_count: int,
) -> int:
    """A progress entry's percent: the value reached between the baseline (0%) and the target
    (100%), or the share of milestones done; between 0 and 100."""
    if target_value is not None:
        base = baseline or Decimal(0)
        share = (value - base) / (target_value - base) * 100
        return max(0, min(100, int(share)))
    return milestones_done * 100 // max(milestone_count, 1)


def on_track_until(*, start: dt.date, deadline: dt.date, percent: int) -> dt.date:
    """The last day on which `percent` is still at or above the expected-progress line (序时进度),
    drawn from 0% on `start` to 100% on `deadline`."""
    span = (deadline - start).days
    return start + dt.timedelta(days=(span * min(percent, 100)) // 100)


def problem_status(*, measures: int, closed: int) -> str:
    """A problem is rectified when it has measures and every one is closed; without measures it
    has none yet; otherwise it is being rectified."""
    if measures == 0:
        return Problem.Status.NO_MEASURES
    if closed == measures:
        return Problem.Status.CLOSED
    return Problem.Status.IN_PROGRESS


def closure_late(*, asked_on: dt.date, due_on: dt.date) -> bool:
    """A closure asked for after the measure's original deadline is late (a fact of the request)."""
    return asked_on > due_on
