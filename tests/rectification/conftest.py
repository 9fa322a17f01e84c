"""Helpers for the rectification tests: measures made through the services, evidence files."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from rectification.services import measures as services
from tests.support import at  # noqa: F401 (the rectification tests import it from here)

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n" + b"0" * 64


def png(name: str = "photo.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def pdf(name: str = "report.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def make_problem(world):
    counter = {"n": 0}

    def make(unit=None, *, by=None, level="unit", **fields):
        counter["n"] += 1
        unit = unit or world.unit_a
        return services.problem_create(
            by=by or world.office,
            campaign=world.campaign,
            unit=unit,
            title=fields.pop("title", f"问题{counter['n']}"),
            level=level,
            **fields,
        )

    return make


@pytest.fixture
def make_measure(world, make_problem):
    """A numeric measure: baseline 0, target 100 (so value = percent), 1 Oct → 21 Oct 2026."""

    def make(problem=None, *, unit=None, **fields):
        unit = unit or (problem.unit if problem else world.unit_a)
        problem = problem or make_problem(unit)
        values = {
            "content": "压减审批环节",
            "responsible_unit": unit,
            "responsible_person": "张三",
            "start_date": dt.date(2026, 10, 1),
            "deadline": dt.date(2026, 10, 21),
            "baseline": 0,
            "target_value": 100,
            "measure_unit": "%",
        }
        values.update(fields)
        return services.measure_create(by=world.office, problem=problem, **values)

    return make


@pytest.fixture
def closable(world, make_measure):
    """A unit-A measure with progress and evidence, its closure requested by liaison A."""

    def make(**fields):
        measure = make_measure(**fields)
        services.measure_progress_record(by=world.liaison_a, measure=measure, value_reached=100, files=[png()])
        closure = services.measure_closure_request(
            by=world.liaison_a, measure=measure, statement="审批环节压减至6个", files=[pdf()]
        )
        return measure, closure

    return make
