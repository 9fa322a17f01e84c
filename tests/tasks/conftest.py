import datetime as dt

import pytest

from campaign.models import WorkLine
from tasks.models import KeyTask

MONDAY = dt.date(2026, 11, 23)  # ISO week 2026-W48; the deadline is Friday 27 November, 17:00


@pytest.fixture
def tasks_world(world):
    line = WorkLine.objects.get(code="study")
    world.task_a = KeyTask.objects.create(
        campaign=world.campaign,
        number=1,
        title="举办专题读书班",
        work_line=line,
        lead_unit=world.unit_a,
        deadline=dt.date(2026, 12, 31),
        metric_unit="期",
        metric_target=5,
    )
    world.task_b = KeyTask.objects.create(
        campaign=world.campaign,
        number=2,
        title="区级调研",
        work_line=line,
        lead_unit=world.unit_b,
        deadline=dt.date(2026, 12, 31),
    )
    world.task_b.cooperating_units.add(world.unit_a)
    world.task_c = KeyTask.objects.create(
        campaign=world.campaign,
        number=3,
        title="集团整改",
        work_line=line,
        lead_unit=world.unit_c,
        deadline=dt.date(2026, 10, 31),
    )
    return world
