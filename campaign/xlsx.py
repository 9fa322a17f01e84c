"""Reading and writing the office's spreadsheets: a header row, then one record per row."""

from __future__ import annotations

import datetime as dt
from io import BytesIO
from zipfile import BadZipFile

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

MAX_ROWS = 5000


class SheetError(Exception):
    """The file as a whole cannot be read."""


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def read_sheet(
    data: bytes, *, columns: dict[str, tuple[str, ...]], required: tuple[str, ...], max_rows: int = MAX_ROWS
) -> list[dict]:
    """Rows of the first sheet as dicts keyed by column, each with its spreadsheet row number.

    `columns` maps a key to the headers accepted for it (the first is the one shown)."""
    try:
        workbook = load_workbook(BytesIO(data), read_only=True, data_only=True)
    except (BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise SheetError(_("The file is not an Excel .xlsx workbook.")) from exc
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None)
    if not header:
        raise SheetError(_("The first sheet is empty: the first row must hold the column headers."))
    lookup = {alias.lower(): key for key, aliases in columns.items() for alias in aliases}
    positions: dict[str, int] = {}
    for index, title in enumerate(header):
        key = lookup.get(cell_text(title).lower())
        if key and key not in positions:
            positions[key] = index
    missing = [columns[key][0] for key in required if key not in positions]
    if missing:
        raise SheetError(_("The header row lacks the column(s): %(columns)s.") % {"columns": "、".join(missing)})
    parsed = []
    for number, values in enumerate(rows, start=2):
        record = {key: cell_text(values[pos]) if pos < len(values) else "" for key, pos in positions.items()}
        if not any(record.values()):
            continue
        record["row"] = number
        parsed.append(record)
        if len(parsed) > max_rows:
            raise SheetError(_("The file has more than %(max)d rows.") % {"max": max_rows})
    workbook.close()
    if not parsed:
        raise SheetError(_("The file has a header row but no data rows."))
    return parsed


def template_workbook(
    *, title: str, headers: list[str], example: list, widths: list[int], more: list[list] = ()
) -> bytes:
    """A sheet with the header row and an example row (and `more` rows to fill), for the office
    to fill in."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append(headers)
    sheet.append(example)
    for row in more:
        sheet.append(row)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="FDE9D9")
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()
