"""Spreadsheets of what the reporting pages show: a period's summary, the scorecard, the figures."""

from __future__ import annotations

from django.utils.translation import gettext as _
from openpyxl import Workbook

from campaign.exports import styled_sheet
from campaign.xlsx import workbook_bytes
from reporting.services.rollups import FIGURES, LABELS


def _bytes(workbook: Workbook) -> bytes:
    return workbook_bytes(workbook)


def summary_workbook(rows, link=None) -> bytes:
    """One row per unit (the overall row first), one column per figure, then the changes. With
    `link(row, key)`, each figure stays a number and links to the list of its records."""
    workbook = Workbook()
    labels = [str(LABELS[key]) for key in FIGURES]
    headers = [_("Unit"), _("Period start"), _("Period end"), *labels, *[f"Δ {label}" for label in labels]]
    sheet = styled_sheet(workbook, _("Summary"), headers, [24, 12, 12] + [10] * (2 * len(FIGURES)))
    for row in rows:
        sheet.append(
            [
                row.unit.name if row.unit else _("Overall"),
                row.period_start,
                row.period_end,
                *[row.figures.get(key) for key in FIGURES],
                *[row.change.get(key) for key in FIGURES],
            ]
        )
        if link is None:
            continue
        for offset, key in enumerate(FIGURES):
            url = link(row, key)
            if url:  # a column without a list (reports due, missing) links nowhere
                cell = sheet.cell(row=sheet.max_row, column=4 + offset)
                cell.hyperlink = url
                cell.style = "Hyperlink"
    return _bytes(workbook)


def scorecard_workbook(ranking: list[dict], formula: str, weeks: list[dict] | None = None) -> bytes:
    """The dashboard's tables: the scorecard with its formula, then the reporting by week."""
    workbook = Workbook()
    headers = [
        _("Rank"),
        _("Unit"),
        _("Score"),
        _("Reports due"),
        _("Reports on time"),
        _("Measures due"),
        _("Measures on time"),
        _("Overdue measures"),
        _("Closures signed off"),
        _("Returns"),
    ]
    sheet = styled_sheet(workbook, _("Scorecard"), headers, [6, 24, 8, 10, 10, 10, 10, 10, 10, 8])
    for row in ranking:
        sheet.append(
            [
                row["rank"],
                row["unit"],
                row["score"],
                row["reports_due"],
                row["reports_on_time"],
                row["measures_due"],
                row["measures_on_time"],
                row["overdue"],
                row["closures"],
                row["returns"],
            ]
        )
    sheet.append([])
    sheet.append([formula])
    if weeks is not None:
        by_week = workbook.create_sheet(_("Reporting by week"))
        by_week.append([_("Week"), _("Due"), _("Submitted"), _("On time"), _("Rate")])
        for w in weeks:
            by_week.append([w["week"], w["due"], w["submitted"], w["on_time"], w["rate"]])
    return _bytes(workbook)


def figures_workbook(groups, as_of) -> bytes:
    workbook = Workbook()
    headers = [_("Line"), _("Figure"), _("Value"), _("Key")]
    sheet = styled_sheet(workbook, _("Figures"), headers, [20, 44, 14, 34])
    for _code, label, figures in groups:
        for figure in figures:
            value = figure.value if figure.computed else _("not computed")
            sheet.append([str(label), figure.label, value, figure.key])
    sheet.append([])
    sheet.append([_("As of"), as_of])
    return _bytes(workbook)
