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

    loaded = campaign._state.fields_cache.get("reporting_rule")  # read with the campaign (select_related)
    if loaded is not None:
        return loaded
    rule, _created = ReportingRule.objects.get_or_create(campaign=campaign)
    return rule


def report_deadline(*, week_start: dt.date, weekday: int, at: dt.time) -> dt.datetime:
    """A week's report is due on the rule's weekday of that week at the rule's time (by default
    Friday 17:00), local time. Pure: the service and the generator (scale/) both call it."""
    return timezone.make_aware(dt.datetime.combine(week_start + dt.timedelta(days=weekday), at))


def submission_is_late(*, submitted_at: dt.datetime, deadline: dt.datetime) -> bool:
    """A report is late when what counts (its first submission, or its resubmission after a
    withdrawal) came in after the week's deadline."""
    return submitted_at > deadline


def deadline_for(campaign: Campaign, week_start: dt.date, rule=None) -> dt.datetime:
    rule = rule or rule_of(campaign)
    return report_deadline(week_start=week_start, weekday=rule.deadline_weekday, at=rule.deadline_time)


def campaign_weeks(campaign: Campaign, *, until: dt.date | None = None) -> list[dt.date]:
    """The Mondays of the campaign's weeks, up to `until` (default: this week)."""
    last = week_start_of(min(until or timezone.localdate(), campaign.end_date))
    week = week_start_of(campaign.start_date)
    weeks = []
    while week <= last:
        weeks.append(week)
        week += dt.timedelta(days=7)
    return weeks
