"""ISO weeks (Monday start) in Asia/Shanghai, and each week's reporting deadline."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from campaign.models import Campaign


def week_start_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def current_week_start(now: dt.datetime | None = None) -> dt.date:
    return week_start_of(timezone.localdate(now or timezone.now()))


def week_label(week_start: dt.date) -> str:
    year, week, _day = week_start.isocalendar()
    return f"{year}-W{week:02d}"


def parse_week(value: str) -> dt.date | None:
    """'2026-W48' or a date inside the week -> that week's Monday; None when unreadable."""
    value = (value or "").strip()
    try:
        if "-W" in value:
            year, week = value.split("-W")
            return dt.date.fromisocalendar(int(year), int(week), 1)
        return week_start_of(dt.date.fromisoformat(value))
    except ValueError:
        return None


def rule_of(campaign: Campaign):
    """The campaign's reporting rule, created with the defaults (Friday 17:00) when missing."""
    from tasks.models import ReportingRule

    rule, _created = ReportingRule.objects.get_or_create(campaign=campaign)
    return rule


def deadline_for(campaign: Campaign, week_start: dt.date, rule=None) -> dt.datetime:
    rule = rule or rule_of(campaign)
    day = week_start + dt.timedelta(days=rule.deadline_weekday)
    return timezone.make_aware(dt.datetime.combine(day, rule.deadline_time))


def campaign_weeks(campaign: Campaign, *, until: dt.date | None = None) -> list[dt.date]:
    """The Mondays of the campaign's weeks, up to `until` (default: this week)."""
    last = week_start_of(min(until or timezone.localdate(), campaign.end_date))
    week = week_start_of(campaign.start_date)
    weeks = []
    while week <= last:
        weeks.append(week)
        week += dt.timedelta(days=7)
    return weeks
