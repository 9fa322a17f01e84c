"""Reading and writing the office's spreadsheets: a header row, then one record per row."""

from __future__ import annotations

import datetime as dt
import math
import zipfile
from copy import copy
from io import BytesIO

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet._reader import WorkSheetParser
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.worksheet import Worksheet

MAX_ROWS = 5000
# A cell's text quoted back in an error: enough to find the cell, never the whole of it.
QUOTE_CHARS = 30
# Text a spreadsheet program would read as the start of a formula (or of a DDE call).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


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


def quote(text: str) -> str:
    """A short prefix of a cell, for an error message."""
    return text if len(text) <= QUOTE_CHARS else text[:QUOTE_CHARS] + "…"


def _megabytes(size: int) -> str:
    return f"{size / 1048576:.1f}"


def check_package(data: bytes) -> None:
    """Refuse a file before any of its cells is read: by its size, and by what its zip
    members declare they unpack to (a 200 KB file can hold a 200 MB cell). zipfile never
    yields more than a member declares, so the declared sizes bound what parsing costs."""
    limit = settings.SPREADSHEET_MAX_BYTES
    if len(data) > limit:
        raise SheetError(
            _("The file is %(size).1f MB; the limit is %(limit).0f MB.")
            % {"size": len(data) / 1048576, "limit": limit / 1048576}
        )
    try:
        with zipfile.ZipFile(BytesIO(data)) as package:
            members = package.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise SheetError(_("The file is not an Excel .xlsx workbook.")) from exc
    unpacked_limit = settings.SPREADSHEET_MAX_UNPACKED_BYTES
    total = 0
    for member in members:
        total += member.file_size
        if member.file_size > unpacked_limit or total > unpacked_limit:
            raise SheetError(
                _("The workbook unpacks to more than %(limit)s MB (%(part)s); save a smaller file.")
                % {"limit": _megabytes(unpacked_limit), "part": quote(member.filename)}
            )


def _check_dimension(sheet) -> None:
    """The sheet's declared used range, read before its rows: a file declaring five million
    rows is refused here instead of being walked row by row."""
    max_rows, max_columns = settings.SPREADSHEET_MAX_ROWS, settings.SPREADSHEET_MAX_COLUMNS
    if (sheet.max_row or 0) > max_rows:
        raise SheetError(_("The sheet has more than %(max)d rows.") % {"max": max_rows})
    if (sheet.max_column or 0) > max_columns:
        raise SheetError(_("The sheet has more than %(max)d columns.") % {"max": max_columns})


def _rows(workbook, sheet):
    """(row number, values) for the rows the sheet's XML holds, streamed; gaps are not filled
    in, so a lone row numbered in the millions costs nothing before it is refused."""
    max_rows, max_columns = settings.SPREADSHEET_MAX_ROWS, settings.SPREADSHEET_MAX_COLUMNS
    with sheet._get_source() as source:
        parser = WorkSheetParser(
            source,
            sheet._shared_strings,
            data_only=True,
            epoch=workbook.epoch,
            date_formats=workbook._date_formats,
            timedelta_formats=workbook._timedelta_formats,
        )
        for number, cells in parser.parse():
            cells = [cell for cell in cells if cell["value"] is not None]
            if not cells:
                continue
            if number > max_rows:
                raise SheetError(_("The sheet has more than %(max)d rows.") % {"max": max_rows})
            width = max(cell["column"] for cell in cells)
            if width > max_columns:
                raise SheetError(_("The sheet has more than %(max)d columns.") % {"max": max_columns})
            values = [None] * width
            for cell in cells:
                values[cell["column"] - 1] = cell["value"]
            yield number, values


def read_sheet(
    data: bytes, *, columns: dict[str, tuple[str, ...]], required: tuple[str, ...], max_rows: int = MAX_ROWS
) -> list[dict]:
    """Rows of the first sheet as dicts keyed by column, each with its spreadsheet row number.

    `columns` maps a key to the headers accepted for it (the first is the one shown).
    The file's size, what it unpacks to and its declared dimension are checked before any
    cell is read; the rows are then streamed and each cell's length checked as it comes."""
    check_package(data)
    try:
        workbook = load_workbook(BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, TypeError) as exc:
        raise SheetError(_("The file is not an Excel .xlsx workbook.")) from exc
    try:
        if not workbook.worksheets:
            raise SheetError(_("The file is not an Excel .xlsx workbook."))
        sheet = workbook.worksheets[0]
        _check_dimension(sheet)
        return _records(_rows(workbook, sheet), columns=columns, required=required, max_rows=max_rows)
    finally:
        workbook.close()


def _records(rows, *, columns, required, max_rows) -> list[dict]:
    max_chars = settings.SPREADSHEET_MAX_CELL_CHARS
    _number, header = next(rows, (None, None))
    if not header:
        raise SheetError(_("The first sheet is empty: the first row must hold the column headers."))
    lookup = {alias.lower(): key for key, aliases in columns.items() for alias in aliases}
    positions: dict[str, int] = {}
    for index, title in enumerate(header):
        key = lookup.get(cell_text(title)[:100].lower())
        if key and key not in positions:
            positions[key] = index
    missing = [columns[key][0] for key in required if key not in positions]
    if missing:
        raise SheetError(_("The header row lacks the column(s): %(columns)s.") % {"columns": "、".join(missing)})
    parsed = []
    for number, values in rows:
        record = {}
        for key, pos in positions.items():
            text = cell_text(values[pos]) if pos < len(values) else ""
            if len(text) > max_chars:
                raise SheetError(
                    _("Row %(row)d, column %(column)s holds %(length)d characters (at most %(max)d): “%(start)s”.")
                    % {
                        "row": number,
                        "column": columns[key][0],
                        "length": len(text),
                        "max": max_chars,
                        "start": quote(text),
                    }
                )
            record[key] = text
        if not any(record.values()):
            continue
        record["row"] = number
        parsed.append(record)
        if len(parsed) > max_rows:
            raise SheetError(_("The file has more than %(max)d rows.") % {"max": max_rows})
    if not parsed:
        raise SheetError(_("The file has a header row but no data rows."))
    return parsed


def text_safe(workbook: Workbook) -> Workbook:
    """Every text cell stays text: a value that starts like a formula (= + - @, tab, CR) is
    stored as a string with Excel's quote prefix (the apostrophe), so opening, editing or
    re-saving the file never turns a user's words into a live formula. Exports hold no
    formulas of their own, so every formula-typed cell is user text."""
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                value = cell.value
                if isinstance(value, str) and value.startswith(FORMULA_STARTS):
                    cell.data_type = "s"
                    cell.quotePrefix = True
    return workbook


def _display_width(text: str) -> float:
    """Width in a column's units (the width of a "0"): a Chinese character (or full-width sign)
    takes about 1.75 of them as LibreOffice and Excel set the sheets' CJK fonts."""
    return sum(1.75 if ord(char) >= 0x2E80 else 1 for char in text)


def _aligned(alignment, **changes) -> Alignment:
    """The cell's alignment with `changes` (openpyxl's styles are immutable)."""
    keep = ("horizontal", "vertical", "wrap_text", "shrink_to_fit", "indent", "text_rotation")
    return Alignment(**{**{name: getattr(alignment, name) for name in keep}, **changes})


LINE_POINTS = 15  # the height of one line of 11-point text


def fit_rows(workbook: Workbook) -> Workbook:
    """A text wider than its column wraps within it, and each row with wrapped text gets the
    height its longest cell needs in its column's width: neither LibreOffice nor Excel grows such
    a row when it opens a file written by openpyxl, so a wrapped cell would print as its first
    line only, and an unwrapped one runs over its neighbours (or off the page from the last
    column). Rows given a height are left alone."""
    for sheet in workbook.worksheets:
        widths = {letter: dimension.width for letter, dimension in sheet.column_dimensions.items()}
        for row in sheet.iter_rows():
            lines = 1
            for cell in row:
                if not isinstance(cell.value, str) or not cell.value:
                    continue
                # The cell's padding takes about a character, bold type about one more.
                padding = 2 if cell.font.bold else 1
                usable = max((widths.get(cell.column_letter) or 8.43) - padding, 1)
                parts = cell.value.split("\n")
                if not cell.alignment.wrap_text:
                    if len(parts) == 1 and _display_width(cell.value) <= usable:
                        continue
                    # A text wider than its column would run over its neighbours or off the page.
                    cell.alignment = _aligned(cell.alignment, wrap_text=True, vertical="top")
                lines = max(lines, sum(max(1, math.ceil(_display_width(part) / usable)) for part in parts))
            dimension = sheet.row_dimensions[row[0].row]
            if lines > 1 and dimension.height is None:
                dimension.height = LINE_POINTS * min(lines, 20)
                for cell in row:  # a tall row reads from its top, every cell alike
                    if cell.value is not None and cell.alignment.vertical is None:
                        cell.alignment = _aligned(cell.alignment, vertical="top")
    return workbook


def safe_cell(cell):
    """`text_safe` for one cell, as a write-only sheet needs it (its cells cannot be walked
    after they are written)."""
    if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def safe_value(sheet, value):
    """A value for a write-only row: as it is, or a text cell when it reads like a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return safe_cell(WriteOnlyCell(sheet, value))
    return value


class CellStyle:
    """A cell style (font, fill, alignment, number format) registered with the workbook once
    and stamped on each cell that has it: a ledger of 500,000 rows styles millions of cells,
    and assigning the style objects to each one registers them again every time."""

    def __init__(self, **attributes):
        self.attributes = attributes
        self._arrays: dict[int, object] = {}

    def _array(self, sheet):
        key = id(sheet.parent)
        if key not in self._arrays:
            model = WriteOnlyCell(sheet)
            for name, value in self.attributes.items():
                setattr(model, name, value)
            self._arrays[key] = model._style
        return self._arrays[key]

    def cell(self, sheet, value=None):
        """A write-only cell with this style (text kept as text, `safe_cell`)."""
        cell = WriteOnlyCell(sheet, value)
        cell._style = copy(self._array(sheet))
        return safe_cell(cell)

    def stamp(self, cell) -> None:
        """Give an existing cell of a normal sheet this style."""
        cell._style = copy(self._array(cell.parent))


def workbook_bytes(workbook: Workbook) -> bytes:
    """The .xlsx file of an export, its user text kept as text (`text_safe`), its wrapped rows as
    tall as their text (`fit_rows`)."""
    out = BytesIO()
    if getattr(workbook, "write_only", False):
        workbook.save(out)  # its cells were made safe as they were written (safe_value, CellStyle)
    else:
        fit_rows(text_safe(workbook)).save(out)
    return out.getvalue()


def template_workbook(
    *, title: str, headers: list[str], example: list, widths: list[int], more: list[list] = ()
) -> bytes:
    """A sheet with the header row and an example row (and `more` rows to fill), for the office
    to fill in, set up to print on the page's width like the ledgers (a form handed round on paper)."""

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
    print_setup(sheet, title, wide=sum(widths) > WIDE)
    return workbook_bytes(workbook)


WIDE = 220  # characters of column width beyond which a ledger prints on A3 to stay legible


def print_setup(sheet, caption: str, *, wide: bool = False) -> None:
    """Landscape (A4, or A3 for a wide ledger), fit to the page's width, the header row on every
    page, the caption and the day of printing at the top, page numbers at the bottom."""
    sheet.page_setup.orientation = Worksheet.ORIENTATION_LANDSCAPE
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A3 if wide else Worksheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "1:1"
    sheet.print_options.horizontalCentered = True
    sheet.page_margins = PageMargins(left=0.4, right=0.4, top=0.8, bottom=0.6, header=0.3, footer=0.3)
    # "&" starts a code in a page header: a caption's own "&" is doubled.
    header, footer = sheet.HeaderFooter.oddHeader, sheet.HeaderFooter.oddFooter  # a write-only sheet has no shortcut
    header.center.text = caption.replace("&", "&&")
    header.center.size = 12
    header.center.font = "宋体,Bold"
    header.right.text = _("Printed &D")
    header.right.size = 9
    footer.center.text = _("Page &P of &N")
    footer.center.size = 9
