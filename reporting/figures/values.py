"""The figures' values as of a day, read from their declarations (registry.py), and the rows the
figures page, the records hub, the API, the .xlsx and the .docx show.

Every value is one database aggregate over its declaration's records. They are computed once per
day and change of the records they count (campaign.selectors.counted_per_day, keyed on the
change counter of the figure's `scope`); figures without a change counter are counted live."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import Coalesce, TruncDate
from django.utils.translation import gettext

from campaign.models import Campaign, User
from campaign.selectors import counted_per_day
from reporting.figures.declaration import COUNT, INDICATOR, Figure
from reporting.figures.registry import DASHBOARD, FIGURES, LINES, RECORDS, indicator
from tasks.models import Indicator

MAIN_INDICATORS = ("appeals_resolved", "satisfaction_rate")


@dataclass
class FigureRow:
    """A figure as of a day: its declaration, value and the two lists behind it."""

    figure: Figure
    value: int | Decimal | None
    url: str  # the list page
    records: str  # the API list
    label: str
    unit: object  # the unit of measure, translated when shown (a lazy string) or as recorded

    @property
    def key(self) -> str:
        return self.figure.key

    @property
    def line(self) -> str:
        return self.figure.line

    @property
    def aggregate(self) -> str:
        return self.figure.aggregate

    @property
    def computed(self) -> bool:
        return self.value is not None

    @property
    def display(self) -> str:
        """The value as a person writes it: 18.2, not 18.2000000000000."""
        if self.value is None:
            return ""
        if isinstance(self.value, int):
            return str(self.value)
        return f"{Decimal(str(self.value)).quantize(Decimal('0.01')).normalize():f}"


def _indicators(campaign: Campaign) -> list[dict]:
    return list(
        Indicator.objects.filter(campaign=campaign).order_by("name").values("id", "key", "name", "measure_unit")
    )


def _count(figures: list[Figure], campaign: Campaign, as_of: dt.date) -> dict:
    """Each figure's value, the figures of one model in one aggregate query: each aggregate keeps
    to its own figure's records (FILTER (WHERE id IN …)) over that model's rows of the campaign,
    the same records `Figure.value` aggregates one by one."""
    values, batches = {}, {}
    for figure in figures:
        if figure.aggregate == INDICATOR or figure.total in figure.list_filters.counts:
            values[figure.key] = figure.value(campaign, as_of)  # the newest value / a join: on its own
        else:
            batches.setdefault(figure.model, []).append(figure)
    for model, batch in batches.items():
        rows = batch[0].list_filters.apply(model._default_manager.all(), {"campaign": str(campaign.pk)})
        aggregates = {}
        for figure in batch:
            only = Q(pk__in=figure.records(campaign, as_of).order_by().values("pk"))
            if figure.aggregate == COUNT:
                aggregates[figure.key] = Count("pk", filter=only)
            else:
                aggregates[figure.key] = Coalesce(figure.list_filters.expression(figure.total, filter=only), 0)
        values.update(rows.order_by().aggregate(**aggregates))
    return values


def _count_records(figures: list[Figure], campaign: Campaign, as_of: dt.date) -> dict:
    """The records' figures and the campaign's indicators (with their values) in one cached read."""
    indicators = _indicators(campaign)
    others = [indicator(row["key"], row["name"], row["measure_unit"]) for row in indicators]
    extra = [f for f in others if f.key not in MAIN_INDICATORS]
    return {"values": _count(figures + extra, campaign, as_of), "indicators": indicators}


def figure_rows(*, campaign: Campaign, as_of: dt.date, lines: tuple[str, ...] = ()) -> list[FigureRow]:
    """Every figure as of the day (or those of `lines`), in the registry's order, the economic
    indicators after the development line's own figures."""
    values: dict = {}
    by_scope: dict[str | None, list[Figure]] = {}
    for figure in FIGURES:
        if lines and figure.line not in lines:
            continue
        by_scope.setdefault(figure.scope, []).append(figure)
    indicators: list[dict] = []
    for scope, figures in by_scope.items():
        if scope is None:
            values.update(_count(figures, campaign, as_of))
        elif scope == RECORDS:
            counted = counted_per_day(
                f"figure-registry:{','.join(lines)}",
                campaign_id=campaign.pk,
                scope=scope,
                day=as_of,
                count=lambda figures=figures: _count_records(figures, campaign, as_of),
            )
            values.update(counted["values"])
            indicators = counted["indicators"]
        else:
            values.update(
                counted_per_day(
                    f"figure-registry:{','.join(lines)}",
                    campaign_id=campaign.pk,
                    scope=scope,
                    day=as_of,
                    count=lambda figures=figures: _count(figures, campaign, as_of),
                )
            )
    by_key = {row["key"]: row for row in indicators}
    declared = [figure for figure in FIGURES if not lines or figure.line in lines]
    at = max((i for i, f in enumerate(declared) if f.line == "development"), default=len(declared) - 1) + 1
    declared[at:at] = [
        indicator(row["key"], row["name"], row["measure_unit"])
        for row in indicators
        if row["key"] not in MAIN_INDICATORS
    ]
    rows = []
    for figure in declared:
        ids = {}
        label, unit = str(figure.label), figure.unit
        if figure.key.startswith("indicator:"):
            label = gettext("Economic indicator: %(name)s") % {"name": label}
        if figure.aggregate == INDICATOR:
            recorded = by_key.get(figure.filters["key"])
            if recorded is not None:
                ids["indicator"] = recorded["id"]
                unit = recorded["measure_unit"] or unit  # the unit the value is kept in (万件, %)
        available = figure.aggregate != INDICATOR or ids
        rows.append(
            FigureRow(
                figure=figure,
                value=values.get(figure.key),
                url=figure.html_url(campaign, as_of, **ids) if available else "",
                records=figure.api_url(campaign, as_of, **ids) if available else "",
                label=label,
                unit=unit,
            )
        )
    return rows


def campaign_figures(*, campaign: Campaign, as_of: dt.date) -> list[tuple[str, str, list[FigureRow]]]:
    """Every figure, grouped by line in the seed's order: [(line, label, [FigureRow…])…]."""
    rows = figure_rows(campaign=campaign, as_of=as_of)
    return [(code, label, [row for row in rows if row.line == code]) for code, label in LINES]


def figure_values(groups) -> dict[str, int | Decimal | None]:
    return {row.key: row.value for _code, _label, rows in groups for row in rows}


def figure_units(groups) -> dict[str, str]:
    return {row.key: str(row.unit) for _code, _label, rows in groups for row in rows}


class Viewer:
    """Who reads the dashboard, with the ids of the units they may see read once (None: every
    unit). A literal list of ids lets PostgreSQL cut each figure's records to an inspector's few
    units by index before it evaluates a light as of a past day, not after (bench/README.md)."""

    def __init__(self, user: User):
        from campaign.selectors import reads_everything, unit_ids_visible_to

        self.user = user
        self.unit_ids = None if reads_everything(user) else list(unit_ids_visible_to(user).values_list("id", flat=True))


def _viewer(user: User) -> Viewer:
    return user if isinstance(user, Viewer) else Viewer(user)


def _visible(model, user: User) -> QuerySet:
    """The rows of `model` the user may see, by the access policy of their own lists
    (campaign.selectors.units_visible_to; weekly reports once submitted)."""
    from campaign.models import Unit
    from rectification.models import Closure, Measure
    from tasks.models import WeeklyProgress
    from tasks.selectors.progress import submitted_only

    viewer = _viewer(user)
    unit_path = {Measure: "responsible_unit_id", WeeklyProgress: "unit_id", Closure: "unit_id", Unit: "pk"}[model]
    rows = model._default_manager.all()
    if model is WeeklyProgress:
        rows = rows.filter(submitted_only())  # the dashboard is never a liaison's: no drafts
    if viewer.unit_ids is not None:
        rows = rows.filter(**{f"{unit_path}__in": viewer.unit_ids})
    return rows


def visible_records(figure: Figure, *, user: User, campaign: Campaign, as_of: dt.date, **ids) -> QuerySet:
    """The figure's records as of the day among those `user` may see: what its lists show them."""
    return figure.records(campaign, as_of, among=_visible(figure.model, user), **ids)


def visible_values(figures: list[Figure], *, user: User, campaign: Campaign, as_of: dt.date) -> dict:
    """Each (ungrouped) figure's value for `user`: the figures of one model in one aggregate over
    the rows of the campaign the user may see."""
    values = {}
    by_model: dict = {}
    for figure in figures:
        by_model.setdefault(figure.model, []).append(figure)
    for model, batch in by_model.items():
        visible = _visible(model, user)
        if _past(as_of):
            # As of a past day a light or a closure is read through correlated subqueries, which
            # PostgreSQL may re-run per row inside FILTER (WHERE id IN …): count each on its own.
            values.update({f.key: f.records(campaign, as_of, among=visible).order_by().count() for f in batch})
            continue
        rows = batch[0].list_filters.apply(visible, {"campaign": str(campaign.pk)})
        rows, aggregates = _counts(batch, rows, visible, campaign=campaign, as_of=as_of)
        values.update(rows.order_by().aggregate(**aggregates))
    return values


def _counts(figures: list[Figure], rows: QuerySet, visible: QuerySet, *, campaign: Campaign, as_of: dt.date):
    """(rows, {key: Count}): each figure counted over `rows` (the campaign's visible rows of its
    model) with its own records' condition as the aggregate's FILTER — its list's filters written
    as conditions (`ListFilters.where`, the same conditions its list filters with), so one scan
    counts every figure. A figure with a filter that is no condition keeps to its records by id
    (FILTER (WHERE id IN (its records))), which costs a second reading of the rows per figure."""
    aggregates = {}
    for figure in figures:
        params = {name: value for name, value in figure.params(campaign, as_of).items() if name != "campaign"}
        try:
            rows, condition = figure.list_filters.where(rows, params)
        except TypeError:
            # each figure's records among the visible ones: an inspector's few units, not the campaign's
            records = figure.records(campaign, as_of, among=visible).order_by().values("pk")
            condition = Q(pk__in=records)
        aggregates[figure.key] = Count("pk", filter=condition) if condition else Count("pk")
    return rows, aggregates


def _past(day: dt.date) -> bool:
    from django.utils import timezone

    return day < timezone.localdate()


def grouped_values(figures: list[Figure], *, user: User, campaign: Campaign, as_of: dt.date) -> dict[str, dict]:
    """Each per-unit or per-week figure's value for every unit or week at once, {key: {id: value}},
    for `user`: one GROUP BY per model and grouping (however many units), each figure an aggregate
    over its own records (those its cells' lists show, without the cell's filter)."""
    values: dict[str, dict] = {figure.key: {} for figure in figures}
    families: dict = {}
    for figure in figures:
        families.setdefault((figure.model, figure.group[1]), []).append(figure)
    for (model, column), batch in families.items():
        visible = _visible(model, user)
        weekly = column.startswith("week:")
        group = TruncDate(column.removeprefix("week:")) if weekly else F(column)
        if _past(as_of):  # each figure grouped on its own (see visible_values)
            for figure in batch:
                rows = figure.records(campaign, as_of, among=visible).annotate(cell=group)
                for row in rows.values("cell").annotate(n=Count("pk")).order_by():
                    cell = row["cell"]
                    if cell is None:
                        continue
                    if weekly:
                        cell = cell - dt.timedelta(days=cell.weekday())
                    values[figure.key][cell] = values[figure.key].get(cell, 0) + row["n"]
            continue
        rows = batch[0].list_filters.apply(visible, {"campaign": str(campaign.pk)})
        rows, aggregates = _counts(batch, rows, visible, campaign=campaign, as_of=as_of)
        for row in rows.annotate(cell=group).values("cell").annotate(**aggregates).order_by():
            cell = row["cell"]
            if cell is None:
                continue
            if weekly:  # the Monday of the day's week
                cell = cell - dt.timedelta(days=cell.weekday())
            for figure in batch:
                values[figure.key][cell] = values[figure.key].get(cell, 0) + row[figure.key]
    return values


def dashboard_rows(*, user: User, campaign: Campaign, as_of: dt.date, values: dict | None = None) -> list[FigureRow]:
    """The dashboard's headline numbers for `user`: each declaration's records among those the
    user may see (an inspector's groups' units), one aggregate per model; each links to the same
    list, which the API and the pages cut to the same user. `values`: the numbers, when the
    caller has them (reporting.selectors.dashboard keeps the office's per day and change)."""
    if values is None:
        values = visible_values(DASHBOARD, user=user, campaign=campaign, as_of=as_of)
    return [
        FigureRow(
            figure=figure,
            value=values[figure.key],
            url=figure.html_url(campaign, as_of),
            records=figure.api_url(campaign, as_of),
            label=str(figure.label),
            unit=figure.unit,
        )
        for figure in DASHBOARD
    ]
