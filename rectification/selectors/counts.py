"""Campaign-wide counts of problems and measures, kept once per day and change of them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.utils import timezone

from campaign.models import User
from campaign.selectors import (
    change_counter,
    reads_everything,
)
from campaign.selectors import counted_per_day as campaign_counted_per_day
from rectification.selectors.conditions import light_counts
from rectification.selectors.measures import measures_visible_to

SCOPE = "rectification"  # the change counter of problems and measures (services/versions.py)


def data_version(*, campaign_id: int) -> int:
    """The campaign's change counter for problems and measures."""
    return change_counter(campaign_id=campaign_id, scope=SCOPE)


def counted_per_day(name: str, *, campaign_id: int, day: dt.date, count: Callable[[], dict]) -> dict:
    """`count()` over the campaign's problems or measures, once per day and change of them
    (campaign.selectors.counted_per_day)."""
    return campaign_counted_per_day(name, campaign_id=campaign_id, scope=SCOPE, day=day, count=count)


def measure_light_counts(*, user: User, campaign_id: int | None, today: dt.date | None = None) -> dict:
    """How many of the campaign's measures the user may see are green, yellow, red and closed,
    and their total. Office and leaders see every measure: theirs are the campaign's counts,
    the same for all of them, so they are counted once per day and change (`counted_per_day`);
    anyone else's are counted on their own units' measures, on every request."""
    today = today or timezone.localdate()
    measures = measures_visible_to(user).filter(problem__campaign_id=campaign_id)
    if campaign_id is None or not reads_everything(user):
        return light_counts(measures, today)
    return counted_per_day("lights", campaign_id=campaign_id, day=today, count=lambda: light_counts(measures, today))
