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
