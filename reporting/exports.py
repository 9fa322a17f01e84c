"""Spreadsheets of what the reporting pages show: a period's summary, the scorecard, the figures."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Alignment

from campaign.exports import Column, styled_sheet
from campaign.xlsx import workbook_bytes
from rectification.models import Measure
from reporting.services.rollups import FIGURES, LABELS


def _bytes(workbook: Workbook) -> bytes:
    return workbook_bytes(workbook)


def summary_workbook(rows, link=None, *, caption: str = "") -> bytes:
    """One row per unit (the overall row first), one column per figure; the changes from the
    period before on a second sheet of the same layout (together, 60 columns would print too
    small to read on one page's width). With `link(row, key)`, each figure stays a number and
    links to the list of its records."""
    workbook = Workbook()
    labels = [str(LABELS[key]) for key in FIGURES]
    widths = [18, 11, 11] + [8] * len(FIGURES)
    heading = [_("Unit"), _("Period start"), _("Period end")]
    sheet = styled_sheet(workbook, _("Summary"), [*heading, *labels], widths, caption=caption)
    changes = styled_sheet(
        workbook,
        _("Changes"),
        [*heading, *[f"Δ {label}" for label in labels]],
        widths,
        caption=f"{caption} · {_('Changes')}" if caption else "",
        sheet=workbook.create_sheet(),
    )
    for row in rows:
        start = [row.unit.name if row.unit else _("Overall"), row.period_start, row.period_end]
        sheet.append([*start, *[row.figures.get(key) for key in FIGURES]])
        changes.append([*start, *[row.change.get(key) for key in FIGURES]])
        for target in (sheet, changes):
            for column in (2, 3):
                target.cell(row=target.max_row, column=column).number_format = "yyyy-mm-dd"
        if link is None:
            continue
        for offset, key in enumerate(FIGURES):
            url = link(row, key)
            if url:  # a column without a list (reports due, missing) links nowhere
                cell = sheet.cell(row=sheet.max_row, column=4 + offset)
                cell.hyperlink = url
                cell.style = "Hyperlink"
    return _bytes(workbook)


def scorecard_workbook(
    ranking: list[dict], formula: str, weeks: list[dict] | None = None, *, caption: str = ""
) -> bytes:
    """The dashboard's tables: the scorecard with its formula (a paragraph across the table's
    width, so the sheet prints on the page's width), then the reporting by week, each sheet set
    up to print like every ledger."""
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
    widths = [6, 24, 8, 10, 10, 10, 10, 10, 10, 8]
    sheet = styled_sheet(workbook, _("Scorecard"), headers, widths, caption=caption)
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
    row = sheet.max_row
    sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(headers))
    sheet.cell(row=row, column=1).alignment = Alignment(wrap_text=True, vertical="top")
    # A merged cell does not grow with its text: as many lines as the text takes across the table.
    sheet.row_dimensions[row].height = 15 * (len(formula) * 2 // sum(widths) + 2)
    if weeks is not None:
        by_week = styled_sheet(
            workbook,
            _("Reporting by week"),
            [_("Week"), _("Due"), _("Submitted"), _("On time"), _("Rate")],
            [12, 10, 10, 10, 10],
            caption=caption,
            sheet=workbook.create_sheet(),
        )
        for w in weeks:
            by_week.append([w["week"], w["due"], w["submitted"], w["on_time"], w["rate"]])
            by_week.cell(row=by_week.max_row, column=1).number_format = "yyyy-mm-dd"
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


def _closure_item(closure) -> str:
    if closure.measure_id:
        return f"{closure.measure.code} {closure.measure.content}"
    task = closure.special_task
    return f"{task.team.name} {task.number} {task.title}"


# The dashboard's drill-down lists (reporting/views/dashboard.py `records`), printed through
# campaign.exports.list_export: the page's columns and what a clerk files with them.
RECORD_COLUMNS: dict[str, tuple[str, list[Column]]] = {
    "reports": (
        gettext_lazy("Weekly reports"),
        [
            Column(gettext_lazy("Unit"), 24, lambda r: r.unit.name),
            Column(gettext_lazy("Week"), 22, lambda r: r.week_label),
            Column(gettext_lazy("Status"), 10, lambda r: r.get_status_display()),
            Column(gettext_lazy("Late"), 6, lambda r: _("yes") if r.is_late else ""),
            Column(gettext_lazy("First submitted"), 17, lambda r: r.first_submitted_at),
            Column(gettext_lazy("Last submitted"), 17, lambda r: r.submitted_at),
            Column(gettext_lazy("Reviewed at"), 17, lambda r: r.reviewed_at),
        ],
    ),
    "measures": (
        gettext_lazy("Measures"),
        [
            Column(gettext_lazy("Measure no."), 10, lambda m: m.code),
            Column(gettext_lazy("Measure"), 44, lambda m: m.content, wrap=True),
            Column(gettext_lazy("Problem"), 30, lambda m: m.problem.title, wrap=True),
            Column(gettext_lazy("Responsible unit"), 20, lambda m: m.responsible_unit.name),
            Column(gettext_lazy("Responsible person"), 12, lambda m: m.responsible_person),
            Column(gettext_lazy("Deadline"), 11, lambda m: m.deadline),
            Column(gettext_lazy("Progress (%)"), 8, lambda m: m.progress_percent),
            Column(gettext_lazy("Light"), 10, lambda m: str(Measure.Light(m.light).label)),
        ],
    ),
    "closures": (
        gettext_lazy("Closures signed off"),
        [
            Column(gettext_lazy("Kind"), 10, lambda c: _("Measure") if c.measure_id else _("Special task")),
            Column(gettext_lazy("Item"), 40, _closure_item, wrap=True),
            Column(gettext_lazy("Unit"), 20, lambda c: c.unit.name),
            Column(gettext_lazy("Requested"), 17, lambda c: c.requested_at),
            Column(gettext_lazy("Signed off at"), 17, lambda c: c.decided_at),
            Column(gettext_lazy("Signed off by"), 12, lambda c: c.decided_by.display_name if c.decided_by_id else ""),
            Column(gettext_lazy("Status"), 10, lambda c: c.get_status_display()),
        ],
    ),
}
