"""Dates of things that happened are never in the future.

A model lists in `HAPPENED` the date fields that record an event (a study session held, a visit
made, a document issued, a case resolved); `clean()` refuses any of them after today, naming
the field. Every service saves through `full_clean()`, and so does the admin, so this is one
rule on every path. Plans (a trip's planned date, a deadline) are not listed."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _


def future_date_errors(record, names: tuple[str, ...], today: dt.date | None = None) -> dict[str, str]:
    today = today or timezone.localdate()
    errors = {}
    for name in names:
        value = getattr(record, name, None)
        if isinstance(value, dt.datetime):
            value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
        if value is not None and value > today:
            errors[name] = _(
                "%(field)s: %(date)s has not come yet; a date of something that happened is today or earlier."
            ) % {
                "field": record._meta.get_field(name).verbose_name,
                "date": value.isoformat(),
            }
    return errors


class HappenedDates:
    """Mixin for models: refuse `HAPPENED` dates after today in `clean()`."""

    HAPPENED: tuple[str, ...] = ()

    def clean(self):
        super().clean()
        errors = future_date_errors(self, self.HAPPENED)
        if errors:
            raise ValidationError(errors)


def start_day_errors(
    record,
    name: str,
    *,
    campaign,
    after: tuple[dt.date | None, str] | None = None,
    today: dt.date | None = None,
) -> dict[str, str]:
    """The day a record started counting (a unit joined, a group or team formed, a task assigned,
    a liaison's duty began): today or earlier, never before its campaign began, and — for a
    record that belongs to another — never before that one's own day (`after`: the day and what
    it is, e.g. the unit's joining). Returns {field: message}, the message naming the day allowed."""
    today = today or timezone.localdate()
    value = getattr(record, name, None)
    if value is None:
        return {}
    label = record._meta.get_field(name).verbose_name
    if campaign is not None and today < campaign.start_date:
        # Set up ahead of its campaign: it takes part from the campaign's first day.
        if value != campaign.start_date:
            message = _("%(field)s: the campaign begins on %(start)s; what is set up before it dates from that day.")
            return {name: message % {"field": label, "start": campaign.start_date.isoformat()}}
        return {}
    if value > today:
        message = _("%(field)s: %(date)s has not come yet; enter today (%(today)s) or an earlier day.") % {
            "field": label,
            "date": value.isoformat(),
            "today": today.isoformat(),
        }
        return {name: message}
    if campaign is not None and value < campaign.start_date:
        message = _("%(field)s: %(date)s is before the campaign began (%(start)s); enter %(start)s or later.") % {
            "field": label,
            "date": value.isoformat(),
            "start": campaign.start_date.isoformat(),
        }
        return {name: message}
    if after is not None and after[0] is not None and value < after[0]:
        message = _("%(field)s: %(date)s is before %(what)s (%(day)s); enter %(day)s or later.") % {
            "field": label,
            "date": value.isoformat(),
            "what": after[1],
            "day": after[0].isoformat(),
        }
        return {name: message}
    return {}


def default_start_day(campaign, today: dt.date | None = None) -> dt.date:
    """The day a new record starts counting when nobody enters one: today, or the campaign's
    first day for what is set up before the campaign begins."""
    today = today or timezone.localdate()
    return max(today, campaign.start_date) if campaign is not None else today
