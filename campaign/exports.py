"""Spreadsheets the office hands on: the unit register (单位名册)."""

from urllib.parse import quote

from django.http import HttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from campaign.xlsx import workbook_bytes

HEADER_FILL = PatternFill("solid", fgColor="C00000")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def download(content: bytes, filename: str, content_type: str = XLSX) -> HttpResponse:
    """A file the browser saves under its (possibly Chinese) name."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def styled_sheet(workbook: Workbook, title: str, headers: list[str], widths: list[int]):
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center")
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = width
    sheet.freeze_panes = "A2"
    return sheet


def units_workbook(units) -> bytes:
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
    sheet = styled_sheet(workbook, _("Units"), headers, [6, 30, 12, 24, 6, 18, 20, 28, 12, 16, 8])
    for number, unit in enumerate(units, start=1):
        liaisons = [li.user for li in unit.liaisons.all()]
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
