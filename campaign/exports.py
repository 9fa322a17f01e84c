"""Spreadsheets the office hands on: the unit register (单位名册), and any list page's rows as a
printed ledger (`list_export`: the columns declared once, the page's own filtered rows)."""

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from campaign.listfilters import parse_day
from campaign.xlsx import WIDE, CellStyle, print_setup, workbook_bytes

HEADER_FILL = PatternFill("solid", fgColor="C00000")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def download(content: bytes, filename: str, content_type: str = XLSX) -> HttpResponse:
    """A file the browser saves under its (possibly Chinese) name."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def export_caption(request, campaign, title: str) -> str:
    """What a printed ledger says at the top of each page: the campaign, the ledger, the day it
    stands as of, and the filters the list was narrowed by (as the address has them)."""
    day = parse_day(request.GET.get("as_of")) or timezone.localdate()
    filters = [
        f"{name}={value}"
        for name, value in request.GET.items()
        if value and name not in ("export", "page", "as_of", "campaign")
    ]
    parts = [campaign.name if campaign else "", str(title), _("as of %(day)s") % {"day": f"{day:%Y-%m-%d}"}]
    if filters:
        parts.append(_("filtered by %(filters)s") % {"filters": ", ".join(filters)})
    return " · ".join(part for part in parts if part)


def styled_sheet(
    workbook: Workbook, title: str, headers: list[str], widths: list[int], *, caption: str = "", sheet=None
):
    """The ledger's sheet: a red header row (frozen on screen, repeated on every printed page)
    and a page set up to print as an office files it: landscape A4 (A3 when wide), every column on the page's
    width, the ledger's name (`caption`: campaign, as-of day, filters) and the date printed at
    the top of each page, 第 N 页 共 M 页 at the bottom. The grid itself starts with the header
    row, so an export that has an import re-imports unchanged. `sheet`: a further sheet of the
    workbook (default its first).

    A write-only workbook (`Workbook(write_only=True)`, campaign/xlsx.py) gets the same sheet:
    its widths, panes and page are set before the header row, as that mode requires."""
    write_only = getattr(workbook, "write_only", False)
    if write_only:
        sheet = workbook.create_sheet(title[:31])
    else:
        sheet = sheet if sheet is not None else workbook.active
        sheet.title = title[:31]
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    print_setup(sheet, caption or title, wide=sum(widths) > WIDE)
    header = CellStyle(
        font=Font(bold=True, color="FFFFFF"),
        fill=HEADER_FILL,
        alignment=Alignment(horizontal="center", vertical="center", wrap_text=True),
    )
    if write_only:
        sheet.append([header.cell(sheet, text) for text in headers])
    else:
        sheet.append(headers)
        for cell in sheet[1]:
            header.stamp(cell)
    return sheet


def units_workbook(units, *, caption: str = "") -> bytes:
    """One row per unit with its group and liaisons; `units` should prefetch liaisons__user."""
    workbook = Workbook()
    headers = [
        _("No."),
        _("Unit"),
        _("Kind"),
        _("Parent unit"),
        _("Batch"),
        _("Inspection group"),
        _("Liaisons"),
        _("Liaison phones"),
        _("Principal"),
        _("Contact phone"),
        _("Active"),
    ]
    sheet = styled_sheet(workbook, _("Units"), headers, [6, 30, 12, 24, 6, 18, 20, 28, 12, 16, 8], caption=caption)
    for number, unit in enumerate(units, start=1):
        liaisons = [li.user for li in unit.liaisons.all() if li.is_current]
        coverage = getattr(unit, "coverage", None)
        sheet.append(
            [
                number,
                unit.name,
                unit.get_kind_display(),
                unit.parent.name if unit.parent else "",
                unit.batch,
                coverage.group.name if coverage else "",
                "、".join(u.display_name for u in liaisons),
                "、".join(u.phone for u in liaisons if u.phone),
                unit.head_name,
                unit.contact_phone,
                _("Yes") if unit.is_active else _("No"),
            ]
        )
    return workbook_bytes(workbook)


@dataclass(frozen=True)
class Column:
    """One column of a list's ledger: its header, its width in characters and the cell's value
    for a row. Dates print as yyyy-mm-dd; `wrap` lets a long text run over several lines."""

    header: Any  # a (lazy) translated string
    width: int
    value: Callable[[Any], Any]
    wrap: bool = False


def _cell_value(value):
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    return value


TOP, TOP_WRAPPED = Alignment(vertical="top"), Alignment(wrap_text=True, vertical="top")


def list_workbook(rows: Iterable, *, title: str, columns: list[Column], caption: str = "") -> bytes:
    """The rows of a list page as a ledger set up to print (`styled_sheet`), numbered from 1."""
    workbook = Workbook()
    headers = [_("No."), *(str(column.header) for column in columns)]
    sheet = styled_sheet(workbook, title, headers, [6, *(column.width for column in columns)], caption=caption)
    for number, row in enumerate(rows, start=1):
        sheet.append([number, *(_cell_value(column.value(row)) for column in columns)])
        sheet.cell(row=sheet.max_row, column=1).alignment = TOP
        for index, column in enumerate(columns, start=2):
            cell = sheet.cell(row=sheet.max_row, column=index)
            if isinstance(cell.value, dt.datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
            elif isinstance(cell.value, dt.date):
                cell.number_format = "yyyy-mm-dd"
            # Every cell of a row at its top, so a short cell lines up with a wrapped one's first line.
            cell.alignment = TOP_WRAPPED if column.wrap else TOP
    return workbook_bytes(workbook)


def list_export(request, rows: Iterable, *, campaign, title: str, columns: list[Column], filename: str):
    """The `?export=xlsx` answer of a list page: exactly the rows the page lists (its selector,
    its filters, its search), every one rather than a page of them, with the campaign, the
    ledger's name, the as-of day and the filters printed at the top of each page."""
    content = list_workbook(rows, title=title, columns=columns, caption=export_caption(request, campaign, title))
    return download(content, f"{filename}-{timezone.localdate():%Y%m%d}.xlsx")


def _coverage_group(unit) -> str:
    coverage = getattr(unit, "coverage", None)  # a unit no group covers has none
    return coverage.group.name if coverage else ""


# The liaison register's ledger: the columns of its page (campaign/liaison_list.html).
LIAISON_COLUMNS = [
    Column(gettext_lazy("Name"), 14, lambda li: li.user.display_name),
    Column(gettext_lazy("Unit"), 28, lambda li: li.unit.name, wrap=True),
    Column(gettext_lazy("Kind"), 12, lambda li: li.unit.get_kind_display()),
    Column(gettext_lazy("Mobile phone"), 16, lambda li: li.user.phone),
    Column(gettext_lazy("Inspection group"), 18, lambda li: _coverage_group(li.unit)),
    Column(gettext_lazy("Since"), 11, lambda li: li.since),
    Column(gettext_lazy("Until"), 11, lambda li: li.until),
]
