"""Hand-built records for the reporting tests: weekly reports written straight into the table
(their review rules are tested in tests/tasks), measures and closures through the services."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from rectification.services import measures as rect
from tasks.models import WeeklyProgress
from tasks.weeks import deadline_for

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY = dt.date(2026, 11, 23)  # ISO week 2026-W48; reports due Friday 27 November 17:00
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, 0, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture(autouse=True)
def _empty_cache():
    # Campaign-wide counts are cached per day and data version (rectification.selectors).
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def make_report(world):
    def make(unit, week_start=MONDAY, status="submitted", late=False):
        deadline = deadline_for(world.campaign, week_start)
        submitted = None if status == "draft" else deadline + dt.timedelta(hours=5 if late else -5)
        return WeeklyProgress.objects.create(
            unit=unit,
            week_start=week_start,
            deadline=deadline,
            status=status,
            first_submitted_at=submitted,
            submitted_at=submitted,
            is_late=late,
            highlights="本周召开专题会议",
            created_by=world.office,
            updated_by=world.office,
        )

    return make


@pytest.fixture
def make_measure(world):
    """A measure created on `created` (default the Monday of W48), due `deadline`."""

    def make(unit=None, *, created=MONDAY, deadline=dt.date(2026, 12, 31), start=dt.date(2026, 11, 1)):
        unit = unit or world.unit_a
        with time_machine.travel(at(created), tick=False):
            problem = rect.problem_create(by=world.office, campaign=world.campaign, unit=unit, title="审批环节多")
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

    return make


@pytest.fixture
def close_measure(world):
    """Close a measure as the closure rules allow: the office asks (the result at the target, with
    the request's own evidence) and the inspection group covering the unit signs off (the office
    never signs off its own request)."""

    def close(measure, on: dt.date):
        reviewer = world.inspector if measure.responsible_unit_id == world.unit_a.pk else world.other_inspector
        with time_machine.travel(at(on), tick=False):
            files = [SimpleUploadedFile("photo.png", PNG, content_type="image/png")]
            closure = rect.measure_closure_request(
                by=world.office, measure=measure, statement="已完成", result_value=100, files=files
            )
            return rect.closure_sign_off(by=reviewer, closure=closure)

    return close
