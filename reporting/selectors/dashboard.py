"""The dashboard as of a day: the headline numbers, the reporting by week, the closures by week
and the unit scorecard, each number a declaration of the figure registry
(reporting/figures/registry.py: DASHBOARD, WEEK_FIGURES, SCORECARD) counted over the records the
viewer may see, and each linking to the list (page and API) of exactly its records. A fixed
number of aggregate queries whatever the number of units and records: one GROUP BY per model for
a column of every unit or week."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from campaign.lights import for_few_rows
from campaign.models import Campaign, Unit, User
from campaign.selectors import change_counter, counted_per_day
from rectification.models import Measure
from rectification.selectors import SCOPE as RECT_SCOPE
from reporting.figures.registry import DASHBOARD, SCORECARD, WEEK_FIGURES
from reporting.figures.values import Viewer, dashboard_rows, grouped_values, visible_records, visible_values
from reporting.services.versions import SCOPE as DASHBOARD_SCOPE
from tasks.selectors.progress import weeks_due_by
from tasks.weeks import campaign_weeks

Light = Measure.Light
WEIGHTS = {"punctuality": 40, "on_time": 40, "returns": 20}
OVERDUE_CHART_BARS = 15  # the overdue-by-unit chart shows the units with most overdue measures
NUMBERS_FORMAT = 2  # in the cache key: a change of what `_numbers` returns never reads an older entry
CELL = "0CELL0"  # stands for a unit's or week's id in a link made once per column


def formula() -> str:
    return _(
        "Score = %(p)s × reporting punctuality + %(m)s × measures on time + %(r)s × (1 − returns ÷ reports "
        "submitted). Punctuality: reports submitted by the deadline ÷ reports due. Measures on time: measures "
        "closed by their original deadline ÷ measures due (original deadline passed, or closed); an extension "
        "does not make a measure on time. A part with nothing due yet counts in full."
    ) % {"p": WEIGHTS["punctuality"], "m": WEIGHTS["on_time"], "r": WEIGHTS["returns"]}


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def as_of_day(asked: dt.date | None) -> dt.date:
    """The day the dashboard shows: the one asked, never after today (default today)."""
    today = timezone.localdate()
    return min(asked or today, today)


class _Links:
    """Each figure's page and API links for one campaign and day, built once per figure with a
    stand-in for the cell and filled per unit or week (thousands of cells, one reverse() each)."""

    def __init__(self, campaign: Campaign, as_of: dt.date):
        self.campaign, self.as_of, self.made = campaign, as_of, {}

    def __call__(self, figure, cell) -> tuple[str, str]:
        if figure.key not in self.made:
            ids = {figure.group[0]: CELL} if figure.group else {}
            self.made[figure.key] = (
                figure.html_url(self.campaign, self.as_of, **ids),
                figure.api_url(self.campaign, self.as_of, **ids),
            )
        html, api = self.made[figure.key]
        value = cell.isoformat() if isinstance(cell, dt.date) else str(cell)
        return html.replace(CELL, value), api.replace(CELL, value)


def _cells(figures, values: dict, links: _Links, cell) -> dict:
    """{key: {"value", "url", "records", "label"}} for one unit or week."""
    out = {}
    for figure in figures:
        url, records = links(figure, cell)
        out[figure.key] = {"value": values[figure.key], "url": url, "records": records, "label": str(figure.label)}
    return out


def _numbers(viewer: Viewer, campaign: Campaign, as_of: dt.date, weeks_due: list[dt.date], by_key: dict) -> dict:
    """Every number the dashboard shows, as plain data (what the cache keeps): the per-week
    figures by week, the units taking part, the headline values, and the scorecard — a row per
    unit with its figures, score and rank, by name (`scorecard`) and by rank (`ranking`, the
    same rows)."""
    grouped = grouped_values(
        [f for f in WEEK_FIGURES + SCORECARD if f.group and f.aggregate != "weeks"],
        user=viewer,
        campaign=campaign,
        as_of=as_of,
    )
    # The units taking part on the day, of those the viewer may see: each owes a report a week.
    units = list(
        visible_records(by_key["week_reports_due"], user=viewer, campaign=campaign, as_of=as_of)
        .values("id", "name")
        .order_by("name")
    )
    # Per unit: reports, returns, measures, closures (registry SCORECARD).
    scored = [key for key in grouped if by_key[key] in SCORECARD]
    scorecard = []
    for unit in units:
        row = {"unit_id": unit["id"], "unit": unit["name"], "reports_due": len(weeks_due)}
        for key in scored:
            row[key] = grouped[key].get(unit["id"], 0)
        row["punctuality"] = _ratio(row["reports_on_time"], row["reports_due"])
        row["on_time"] = _ratio(row["measures_on_time"], row["measures_due"])
        submitted = row["reports_submitted"]
        return_rate = min(row["returns"] / submitted, 1) if submitted else 0
        row["score"] = round(
            WEIGHTS["punctuality"] * (row["punctuality"] if row["punctuality"] is not None else 1)
            + WEIGHTS["on_time"] * (row["on_time"] if row["on_time"] is not None else 1)
            + WEIGHTS["returns"] * (1 - return_rate),
            1,
        )
        scorecard.append(row)
    ranking = sorted(scorecard, key=lambda row: (-row["score"], row["unit"]))
    for place, row in enumerate(ranking, start=1):
        row["rank"] = place
    return {
        "weeks": {key: grouped[key] for key in ("week_reports_submitted", "week_reports_on_time", "week_closures")},
        "units": len(units),
        "headline": visible_values(DASHBOARD, user=viewer, campaign=campaign, as_of=as_of),
        "scorecard": scorecard,
        "ranking": ranking,
    }


def dashboard_numbers(*, viewer: Viewer, campaign: Campaign, as_of: dt.date, weeks_due: list[dt.date]) -> dict:
    """The dashboard's numbers for the viewer. The office and leaders see every unit: theirs are
    the campaign's numbers, the same for all of them, counted once per day and change of the
    records behind them (campaign.selectors.counted_per_day): the reports, closures and units
    (this app's counter, reporting/services/versions.py), the measures (rectification's), and
    the weeks whose deadline has passed, which the clock moves without any record changing.
    An inspector's few units are counted on every request."""
    by_key = {figure.key: figure for figure in WEEK_FIGURES + SCORECARD}

    def count() -> dict:
        return _numbers(viewer, campaign, as_of, weeks_due, by_key)

    if viewer.unit_ids is not None:
        with for_few_rows():  # a few units' measures: their dated lights looked up per measure
            return count()
    measures = change_counter(campaign_id=campaign.pk, scope=RECT_SCOPE)
    due = weeks_due[-1].isoformat() if weeks_due else "-"
    name = f"dashboard:{NUMBERS_FORMAT}:{measures}:{due}"
    return counted_per_day(name, campaign_id=campaign.pk, scope=DASHBOARD_SCOPE, day=as_of, count=count)


def dashboard(*, user: User, campaign: Campaign, today: dt.date | None = None) -> dict:
    """Everything the dashboard shows, as of `today` (the day asked, never after the real today).

    The scorecard's rows carry their values, score and rank; the links of their cells are added
    by `scorecard_cells` for the rows shown (a page of the ranking, or of the API's scorecard):
    at 10,000 units, 90,000 links nobody sees cost more than the numbers."""
    as_of = as_of_day(today)
    viewer = Viewer(user)  # the units they may see, read once
    links = _Links(campaign, as_of)
    by_key = {figure.key: figure for figure in WEEK_FIGURES + SCORECARD}
    weeks_due = weeks_due_by(campaign, as_of) if as_of >= campaign.start_date else []
    numbers = dashboard_numbers(viewer=viewer, campaign=campaign, as_of=as_of, weeks_due=weeks_due)
    grouped, units = numbers["weeks"], numbers["units"]

    # Reporting rate by week.
    weeks = []
    for week in weeks_due:
        values = {
            "week_reports_due": units,
            "week_reports_submitted": grouped["week_reports_submitted"].get(week, 0),
            "week_reports_on_time": grouped["week_reports_on_time"].get(week, 0),
        }
        cells = _cells([by_key[key] for key in values], values, links, week)
        due, submitted = values["week_reports_due"], values["week_reports_submitted"]
        weeks.append(
            {
                "week": week,
                "due": due,
                "submitted": submitted,
                "on_time": values["week_reports_on_time"],
                "rate": round(100 * submitted / due, 1) if due else 0,
                "cells": cells,
            }
        )

    # The headline numbers: measures by light, closures signed off (registry DASHBOARD).
    counted = {
        row.key: row for row in dashboard_rows(user=viewer, campaign=campaign, as_of=as_of, values=numbers["headline"])
    }
    lights = {
        "total": counted["measures"].value,
        **{light: counted[f"measures_{light}"].value for light in Light.values},
    }
    light_links = {light: counted[f"measures_{light}"].url for light in Light.values}

    # Closures signed off (measures and special-rectification tasks alike), by week.
    closing = by_key["week_closures"]
    closure_weeks = []
    if as_of >= campaign.start_date:
        for week in campaign_weeks(campaign, until=as_of):
            url, records = links(closing, week)
            n = grouped["week_closures"].get(week, 0)
            closure_weeks.append({"week": week, "n": n, "url": url, "records": records})

    # Per unit (registry SCORECARD), by name and by rank: the same rows.
    scorecard, ranking = numbers["scorecard"], numbers["ranking"]
    overdue_units = sorted((row for row in scorecard if row["overdue"]), key=lambda row: (-row["overdue"], row["unit"]))
    overdue_by_unit = overdue_units[:OVERDUE_CHART_BARS]
    scorecard_cells(links, overdue_by_unit)  # the chart's bars open their lists
    return {
        "today": as_of,
        "as_of": as_of,
        "units": units,
        "weeks": weeks,
        "headline": list(counted.values()),
        "lights": lights,
        "light_links": light_links,
        "closure_weeks": closure_weeks,
        "closures_total": counted["closures"].value,
        "closures_link": counted["closures"].url,
        "overdue_by_unit": overdue_by_unit,
        "overdue_units_total": len(overdue_units),  # the chart says "top N of M" when it cuts
        "scorecard": scorecard,
        "ranking": ranking,
        "links": links,
        "formula": formula(),
    }


def scorecard_cells(links: _Links, rows: list[dict]) -> list[dict]:
    """Give each scorecard row its cells (`row["cells"]`: each figure's value, label and the
    page and API lists of exactly its records), once; returns the rows."""
    for row in rows:
        if "cells" not in row:
            values = {figure.key: row[figure.key] for figure in SCORECARD}
            row["cells"] = _cells(SCORECARD, values, links, row["unit_id"])
    return rows


def unit_name(unit_id: int) -> str:
    return Unit.objects.filter(pk=unit_id).values_list("name", flat=True).first() or ""
