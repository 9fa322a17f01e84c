"""The periods of the roll-ups: a day, an ISO week (Monday start), a calendar month."""

from __future__ import annotations

import datetime as dt

from reporting.models.summaries import Kind


def period_of(kind: str, day: dt.date) -> tuple[dt.date, dt.date]:
    """The period of `kind` that contains `day`, as (first day, last day)."""
    if kind == Kind.DAILY:
        return day, day
    if kind == Kind.WEEKLY:
        start = day - dt.timedelta(days=day.weekday())
        return start, start + dt.timedelta(days=6)
    if kind == Kind.MONTHLY:
        start = day.replace(day=1)
        following = (start + dt.timedelta(days=32)).replace(day=1)
        return start, following - dt.timedelta(days=1)
    raise ValueError(f"unknown roll-up kind {kind!r}")


def previous_period(kind: str, start: dt.date) -> tuple[dt.date, dt.date]:
    return period_of(kind, start - dt.timedelta(days=1))


def periods_between(kind: str, first: dt.date, last: dt.date) -> list[tuple[dt.date, dt.date]]:
    """Every period of `kind` from the one containing `first` to the one containing `last`."""
    periods = []
    start, end = period_of(kind, first)
    while start <= last:
        periods.append((start, end))
        start, end = period_of(kind, end + dt.timedelta(days=1))
    return periods


def label(kind: str, start: dt.date) -> str:
    if kind == Kind.WEEKLY:
        year, week, _day = start.isocalendar()
        return f"{year}-W{week:02d}"
    if kind == Kind.MONTHLY:
        return f"{start:%Y-%m}"
    return start.isoformat()
