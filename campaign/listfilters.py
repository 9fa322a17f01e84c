"""The filters that make a list show exactly the records behind a figure, shared by a list's
page and its API endpoint.

A list declares its filters once (`ListFilters`): the day filter `as_of` (what existed on that
day, by the record's own date), flags such as `excellent=1` or `by_city=1`, and the totals the
list can print (`total=participants` sums a column, `total=distinct:topic` counts distinct
values), so a summed or distinct-count figure reads the same number off its list. The campaign
figures (reporting/figures/) link to these lists with these parameters; a test walks every
figure and checks the list's count (or total) against it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from django.db.models import Aggregate, Count, F, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

TRUE = {"1", "true", "yes", "on"}


def day_end(day: dt.date) -> dt.datetime:
    """The first moment after `day` ends (Asia/Shanghai): what a timestamp must be below to fall on
    or before that day."""
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


def parse_day(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat((value or "").strip())
    except ValueError:
        return None


@dataclass(frozen=True)
class ListFilters:
    """`as_of(rows, day)`: the rows that existed (or had happened) on the day; `days`: other
    filters taking a day (e.g. `closed_by`); `flags`: filters switched on by `=1`; `choices`:
    filters taking a value; `dated_choices`: filters taking a value that also read the day asked
    (`as_of`, None for today), e.g. a measure's light as it stood that day; `sums`: the columns
    `total=` may sum (a name may sum several columns); `distinct`: the columns
    `total=distinct:<name>` may count once each; `counts`: the related rows `total=<name>` may
    count."""

    as_of: Callable[[QuerySet, dt.date], QuerySet] | None = None
    days: Mapping[str, Callable[[QuerySet, dt.date], QuerySet]] = field(default_factory=dict)
    flags: Mapping[str, Callable[[QuerySet], QuerySet]] = field(default_factory=dict)
    choices: Mapping[str, Callable[[QuerySet, str], QuerySet]] = field(default_factory=dict)
    dated_choices: Mapping[str, Callable[[QuerySet, str, dt.date | None], QuerySet]] = field(default_factory=dict)
    sums: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    distinct: tuple[str, ...] = ()
    counts: Mapping[str, str] = field(default_factory=dict)  # `total=<name>` counts the related rows
    campaign_path: str = "campaign"  # `campaign=<id>` narrows to that campaign's rows

    def names(self) -> list[str]:
        """Every query parameter these filters read (for the API schema)."""
        return [*(["as_of"] if self.as_of else []), *self.days, *self.flags, *self.choices, *self.dated_choices]

    def apply(self, rows: QuerySet, params: Mapping[str, str]) -> QuerySet:
        """The rows narrowed by every filter present in `params`; a value that does not parse is
        ignored, as the other filters of the lists do."""
        campaign = (params.get("campaign") or "").strip()
        if campaign.isdigit() and self.campaign_path:
            rows = rows.filter(**{f"{self.campaign_path}_id": int(campaign)})

        day = parse_day(params.get("as_of"))
        if self.as_of is not None and day is not None:
            rows = self.as_of(rows, day)
        for name, narrow in self.days.items():
            value = parse_day(params.get(name))
            if value is not None:
                rows = narrow(rows, value)
        for name, narrow in self.flags.items():
            if (params.get(name) or "").lower() in TRUE:
                rows = narrow(rows)
        for name, narrow in self.choices.items():
            value = (params.get(name) or "").strip()
            if value:
                rows = narrow(rows, value)
        for name, narrow in self.dated_choices.items():
            value = (params.get(name) or "").strip()
            if value:
                rows = narrow(rows, value, day)
        return rows

    def total(self, rows: QuerySet, params: Mapping[str, str]) -> int | None:
        """The total asked for with `total=` over the (filtered) rows, or None when none was asked
        or the list does not offer it."""
        expression = self.expression((params.get("total") or "").strip())
        if expression is None:
            return None
        # Over the bare rows: a list's own annotations (per-row counts) must not group the total.
        plain = rows.model._default_manager.filter(pk__in=rows.order_by().values("pk"))
        return plain.aggregate(n=Coalesce(expression, 0))["n"]

    def expression(self, wanted: str, **extra) -> Aggregate | None:
        """The aggregate `total=<wanted>` computes (with `extra`, e.g. a `filter=`), or None."""
        if wanted.startswith("distinct:") and wanted.removeprefix("distinct:") in self.distinct:
            name = wanted.removeprefix("distinct:")
            return Count(name, distinct=True, **extra)
        if wanted in self.counts:
            return Count(self.counts[wanted], **extra)
        if wanted in self.sums:
            columns = self.sums[wanted]
            summed = F(columns[0])
            for column in columns[1:]:
                summed = summed + F(column)
            return Sum(summed, **extra)
        return None


NONE = ListFilters()


def by_level(rows: QuerySet, level: str) -> QuerySet:
    """`level=city`: the city's own records (no unit); `level=unit`: the units'."""
    if level == "city":
        return rows.filter(unit__isnull=True)
    if level == "unit":
        return rows.filter(unit__isnull=False)
    return rows


def by_id(name: str) -> Callable[[QuerySet, str], QuerySet]:
    """A choice filter on a foreign key (`unit=<id>`); a value that is not an id is ignored."""
    return lambda rows, value: rows.filter(**{name: int(value)}) if value.isdigit() else rows


def by_field(name: str) -> Callable[[QuerySet, str], QuerySet]:
    """A choice filter on one field (`kind=…`)."""
    return lambda rows, value: rows.filter(**{name: value})
