import datetime as dt
import functools

import pytest

from tests.factories import KeyTaskFactory, work_line

DEC_31 = dt.date(2026, 12, 31)
MONDAY = dt.date(2026, 11, 23)  # ISO week 2026-W48; the deadline is Friday 27 November, 17:00


@pytest.fixture
def tasks_world(world):
    """The world with a key task led by each unit: A's has a target (5 期), B's has A cooperating,
    C's was due at the end of October."""
    task = functools.partial(KeyTaskFactory, campaign=world.campaign, work_line=work_line("study"))
    world.task_a = task(
        number=1, title="举办专题读书班", lead_unit=world.unit_a, deadline=DEC_31, metric_unit="期", metric_target=5
    )
    world.task_b = task(
        number=2, title="区级调研", lead_unit=world.unit_b, deadline=DEC_31, cooperating_units=[world.unit_a]
    )
    world.task_c = task(number=3, title="集团整改", lead_unit=world.unit_c, deadline=dt.date(2026, 10, 31))
    return world
