"""The demo's records: a realistic spread of every kind, loaded twice without a change."""

import pytest
from django.apps import apps
from django.utils import timezone

from campaign import demo as campaign_demo
from reporting.figures.registry import FIGURES
from tasks.demo import records


def tasks_rows() -> dict:
    return {m._meta.label: m._default_manager.count() for m in apps.get_models() if m._meta.app_label == "tasks"}


@pytest.mark.django_db
def test_loading_the_records_twice_changes_nothing_not_even_history():
    campaign_demo.load()
    records.load()
    first = tasks_rows()
    records.load()
    assert tasks_rows() == first


@pytest.mark.django_db
def test_the_demo_fills_every_figure_of_the_four_lines():
    campaign_demo.load()
    records.load()
    campaign = campaign_demo.demo_campaign()
    today = timezone.localdate()
    for figure in FIGURES:
        if figure.line in ("study", "research", "development", "institutions"):
            assert figure.value(campaign, today), figure.key
