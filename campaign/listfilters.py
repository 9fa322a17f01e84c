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
from dataclasses import dataclass, field, replace

from django.db.models import Aggregate, Count, F, Q, QuerySet, Sum
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
class Where:
    """A filter written as a condition (`condition(value) -> Q`, after the optional `prepare(rows,
    value)` annotates what the condition reads), so that a grouped count can use the very same
    condition as an aggregate's FILTER: a roll-up column (reporting/figures/rollups.py) counts per
    unit, in one query, exactly the rows its list shows with these filters."""

    condition: Callable[..., Q]
    prepare: Callable[..., QuerySet] | None = None

    def __call__(self, rows: QuerySet, value=None) -> QuerySet:
        if self.prepare is not None:
            rows = self.prepare(rows, value)
        return rows.filter(self.condition(value))


@dataclass(frozen=True)
class DatedWhere(Where):
    """A `dated_choices` filter written as a condition: `condition(value, day) -> Q`, the day being
    the one asked (`as_of`, None for today), e.g. a measure's light as it stood that day."""

    def __call__(self, rows: QuerySet, value=None, day=None) -> QuerySet:
        if self.prepare is not None:
            rows = self.prepare(rows, value)
        return rows.filter(self.condition(value, day))


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

    def where(self, rows: QuerySet, params: Mapping[str, str]) -> tuple[QuerySet, Q]:
        """What `apply` does, as (the rows with what the conditions read annotated, one condition):
        `apply(rows, params)` is `rows.filter(condition)`. Every filter present in `params` must be
        a `Where` (the campaign, read by `apply`, is left to the caller)."""
        condition = Q()
        for value, narrow in self._present(params):
            if not isinstance(narrow, Where):
                raise TypeError(f"{narrow!r} is not a Where: it cannot be counted in a grouped query")
            if isinstance(narrow, DatedWhere):
                (value, day) = value
                if narrow.prepare is not None:
                    rows = narrow.prepare(rows, value)
                condition &= narrow.condition(value, day)
                continue
            if narrow.prepare is not None:
                rows = narrow.prepare(rows, value)
            condition &= narrow.condition(value)
        return rows, condition

    def _present(self, params: Mapping[str, str]):
        """(value, filter) of each filter present in `params`, in `apply`'s order."""
        day = parse_day(params.get("as_of"))
        if self.as_of is not None and day is not None:
            yield day, self.as_of
        for name, narrow in self.days.items():
            value = parse_day(params.get(name))
            if value is not None:
                yield value, narrow
        for name, narrow in self.flags.items():
            if (params.get(name) or "").lower() in TRUE:
                yield None, narrow
        for name, narrow in self.choices.items():
            value = (params.get(name) or "").strip()
            if value:
                yield value, narrow
        for name, narrow in self.dated_choices.items():
            value = (params.get(name) or "").strip()
            if value:
                yield (value, day), narrow

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


def by_field(name: str) -> Callable[[QuerySet, str], QuerySet]:
    """A choice filter on one field (`kind=…`)."""
    return lambda rows, value: rows.filter(**{name: value})


def extended(filters: ListFilters, *, as_of: Where | None = None, **more: Mapping) -> ListFilters:
    """`filters` with more day filters, flags or choices (and, given, another `as_of` that selects
    the same rows as a `Where`): how a module adds filters to a list it does not own without
    rewriting that list's declaration."""
    changes = {name: {**getattr(filters, name), **values} for name, values in more.items()}
    if as_of is not None:
        changes["as_of"] = as_of
    return replace(filters, **changes)


def by_id(path: str) -> Where:
    """A choice filter on a foreign key given as an id (`unit=12`); anything else is left to the
    list's own form (e.g. a unit typed by name), as a value that does not parse is ignored."""
    return Where(lambda value: Q(**{f"{path}_id": int(value)}) if value.isdigit() else Q())


def on_or_after(path: str) -> Where:
    return Where(lambda day: Q(**{f"{path}__gte": day}))


def on_or_before(path: str) -> Where:
    return Where(lambda day: Q(**{f"{path}__lte": day}))
