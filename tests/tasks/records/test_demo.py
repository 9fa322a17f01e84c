"""The demo's records: a realistic spread of every kind, loaded twice without a change."""

import pytest
from django.apps import apps
from django.utils import timezone

from campaign import demo as campaign_demo
from tasks.demo import records
from tasks.selectors import figures


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
    for key, _line, _label, selector, kwargs in figures.FIGURES:
        value = selector(campaign, today, **kwargs)
        assert value, key
