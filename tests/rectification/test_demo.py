"""The rectification demo: every state and light, and a second run writes nothing."""

import datetime as dt

import time_machine
from django.apps import apps
from django.utils import timezone

from campaign import demo as campaign_demo
from rectification import demo, selectors
from rectification.models import Closure, Measure, PetitionCase, Problem, PublicReport
from tests.rectification.conftest import at


def counts() -> dict:
    return {m.__name__: m.objects.count() for m in apps.get_app_config("rectification").get_models()}


def test_demo_loads_every_state_and_light_and_a_second_run_changes_nothing(db):
    campaign_demo.load()
    demo.load()
    first = counts()
    demo.load()
    assert counts() == first  # history rows included
    assert first["Problem"] == 200 and 450 <= first["Measure"] <= 560
    with time_machine.travel(at(demo.REFERENCE), tick=False):
        lights = selectors.light_counts(Measure.objects.all())
    assert all(lights[light] > 0 for light in ("green", "yellow", "red", "closed"))
    assert set(Measure.objects.values_list("status", flat=True)) == set(Measure.Status.values)
    assert set(Closure.objects.values_list("status", flat=True)) == set(Closure.Status.values)
    assert set(Problem.objects.values_list("status", flat=True)) >= {"closed", "in_progress"}
    assert set(PublicReport.objects.values_list("triage", flat=True)) == {"received", "rejected", "merged", "created"}
    assert Problem.objects.filter(level="city").exists() and Problem.objects.filter(level="unit").exists()
    assert dt.date(2026, 9, 1) <= demo.REFERENCE
    # No petition stage is dated after the demo's "today" (nor the real one): nothing resolved in the future.
    cap = min(demo.REFERENCE, timezone.localdate())
    for field in ("received_on", "investigated_on", "consulted_on", "resolved_on"):
        assert not PetitionCase.objects.filter(**{f"{field}__gt": cap}).exists(), field
    assert PetitionCase.objects.filter(stage="resolved").exists()


def test_the_demos_measures_existed_before_they_began_so_a_past_day_counts_them(db):
    campaign_demo.load()
    with time_machine.travel(at(dt.date(2026, 12, 1)), tick=False):
        demo.load()
    day = dt.date(2026, 11, 1)
    for measure in Measure.objects.all():
        assert timezone.localtime(measure.created_at).date() < measure.start_date
    existed = Measure.objects.filter(created_at__lt=at(day + dt.timedelta(days=1), 0))
    closed_by_then = Measure.objects.filter(closed_at__lt=at(day + dt.timedelta(days=1), 0))
    assert existed.count() > 0 and set(closed_by_then) <= set(existed)  # no closure of an unwritten measure
