"""Hand-built records for the reporting tests: weekly reports written straight into the table
(their review rules are tested in tests/tasks), measures and closures through the services."""

import datetime as dt

import pytest
import time_machine
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from rectification.services import measures as rect
from tests.factories import WeeklyProgressFactory
from tests.support import at, numeric_measure

MONDAY = dt.date(2026, 11, 23)  # ISO week 2026-W48; reports due Friday 27 November 17:00
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


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
        return WeeklyProgressFactory(
            unit=unit,
            week_start=week_start,
            submitted=status != "draft",
            late=late,
            status=status,
            created_by=world.office,
        )

    return make


@pytest.fixture
def make_measure(world):
    """A measure created on `created` (default the Monday of W48), due `deadline`."""

    def make(unit=None, *, created=MONDAY, deadline=dt.date(2026, 12, 31), start=dt.date(2026, 11, 1)):
        return numeric_measure(world, unit, created=created, start=start, deadline=deadline)

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
