"""What a figure is: one declaration says which list (with which filters) holds the records it
counts as of a day, how they are aggregated, in which unit of measure, and on which line.

The value, the link behind it, the API's `records` URL, the dashboard cell, the .xlsx and the
.docx all read the declaration; the list's own filters (campaign/listfilters.py) select the
records, so the number and the list it opens cannot drift apart."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Model, QuerySet
from django.urls import reverse
from django.utils.functional import Promise

from campaign.listfilters import ListFilters
from campaign.models import Campaign

COUNT = "count"
DISTINCT = "distinct"
SUM = "sum"
INDICATOR = "indicator"  # the latest value of an outside statistic, as entered
WEEKS = "weeks"  # the campaign's weeks whose report deadline had passed (not records): its list shows their reports
AGGREGATES = (COUNT, DISTINCT, SUM, INDICATOR, WEEKS)

API_ROOT = "/api/v1/"


@dataclass(frozen=True)
class Figure:
    """One figure of the campaign. `model` and `filters` (query parameters of its list, read by
    `list_filters`) select the records as of a day; `base` narrows the model to the campaign
    (its path to the campaign); `total` names the column a `sum` or `distinct` figure reads
    (the list's `total=` parameter); `html` is the list page (URL name and arguments), `api`
    its API list path under /api/v1/.

    A dashboard or scorecard number is one figure per unit or per week: its filters name the
    cell with placeholders (`unit={unit}`, `week={week}`, filled by `**ids` like the URL's
    arguments), and `group` says how one GROUP BY computes every cell at once: (placeholder,
    column), or (placeholder, "week:<timestamp>") for the week a moment falls in. A filter whose
    placeholder is not given is left out (every unit's, or every week's, records)."""

    key: str
    line: str
    label: str | Promise
    unit: str | Promise
    aggregate: str
    model: type[Model]
    list_filters: ListFilters
    filters: Mapping[str, str] = field(default_factory=dict)
    total: str = ""
    html: tuple[str, tuple] | None = None
    html_filters: Mapping[str, str] | None = None  # where the page names a filter differently
    api: str | None = None
    scope: str | None = None  # the change counter its cached value keys on (None: counted live)
    seed: str = ""  # the sentence of the seed report the figure fills
    group: tuple[str, str] = ()  # (placeholder, column): a figure per unit or per week

    def __post_init__(self):
        assert self.aggregate in AGGREGATES, self.aggregate
        assert self.aggregate in (COUNT, INDICATOR, WEEKS) or self.total, (
            f"{self.key}: a {self.aggregate} needs a total"
        )

    # --- the records and the value -----------------------------------------------------------

    def params(self, campaign: Campaign, as_of: dt.date, **ids) -> dict[str, str]:
        return self._query(self.filters, campaign, as_of, ids)

    def records(self, campaign: Campaign, as_of: dt.date, *, among: QuerySet | None = None, **ids) -> QuerySet:
        """Exactly the records the figure counts as of the day (every unit's: the figures are the
        office's and leaders', who read everything), or those of `among` (the dashboard's: the
        rows its viewer may see)."""
        rows = self.model._default_manager.all() if among is None else among
        return self.list_filters.apply(rows, self.params(campaign, as_of, **ids))

    def value(self, campaign: Campaign, as_of: dt.date) -> int | Decimal | None:
        """The figure, one database aggregate over `records()`; an indicator nobody entered for a
        period ending by the day is None (not counted), never 0."""
        rows = self.records(campaign, as_of)
        if self.aggregate == INDICATOR:
            return rows.order_by("-period_end").values_list("value", flat=True).first()
        if self.aggregate == COUNT:
            return rows.count()
        return self.list_filters.total(rows, {"total": self.total})

    # --- the lists that show them ----------------------------------------------------------------

    def _query(self, filters: Mapping[str, str], campaign: Campaign, as_of: dt.date, ids=None) -> dict[str, str]:
        day = as_of.isoformat()
        query = {}
        for name, value in filters.items():
            value = value.replace("{as_of}", day)
            for placeholder, given in (ids or {}).items():
                value = value.replace(f"{{{placeholder}}}", str(given))
            if "{" not in value:  # a cell's placeholder not given: every cell's records
                query[name] = value
        query.update(campaign=str(campaign.pk), as_of=day)
        if self.total:
            query["total"] = self.total
        return query

    def html_url(self, campaign: Campaign, as_of: dt.date, **ids) -> str:
        if self.html is None:
            return ""
        name, args = self.html
        path = reverse(name, args=[a.format(**ids) if isinstance(a, str) else a for a in args])
        if self.aggregate == INDICATOR:
            return path  # the indicator's page lists its values by period
        filters = self.filters if self.html_filters is None else self.html_filters
        return f"{path}?{urlencode(self._query(filters, campaign, as_of, ids))}"

    def api_url(self, campaign: Campaign, as_of: dt.date, **ids) -> str:
        if self.api is None:
            return ""
        path = API_ROOT + self.api.format(**ids)
        if self.aggregate == INDICATOR:
            return f"{path}?{urlencode({'as_of': as_of.isoformat()})}"
        return f"{path}?{urlencode(self._query(self.filters, campaign, as_of, ids))}"
