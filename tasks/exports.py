"""Spreadsheets of the tasks app that are not a record list: the unit × week reporting grid, and
the co-building projects' ledger columns (printed by campaign.exports.list_export)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Alignment, PatternFill

from campaign.exports import Column, styled_sheet
from campaign.xlsx import workbook_bytes
from tasks import weeks
from tasks.selectors.progress import Cell

# The grid's cell states as words (the page's badges), and the fill each prints with.
STATES = {
    Cell.ACCEPTED: (lambda: _("Accepted"), "E3F4E6"),
    Cell.SUBMITTED: (lambda: _("Submitted"), "E3F4E6"),
    Cell.LATE: (lambda: _("Late"), "FFF3CD"),
    Cell.RETURNED: (lambda: _("Returned"), "FDECEA"),
    Cell.MISSING: (lambda: _("Missing"), "FDECEA"),
    Cell.PENDING: (lambda: _("Not yet due"), None),
}


def grid_workbook(rows, week_starts, *, caption: str = "") -> bytes:
    """Who reported, week by week: a row per unit, a column per week, each cell the state in
    words (so it reads printed in black and white), with the unit's count of reports missing."""
    workbook = Workbook()
    headers = [_("No."), _("Unit"), *(weeks.week_label(w) for w in week_starts), _("Missing")]
    sheet = styled_sheet(workbook, _("Reporting grid"), headers, [6, 26, *([9] * len(week_starts)), 8], caption=caption)
    fills = {state: PatternFill("solid", fgColor=colour) for state, (_label, colour) in STATES.items() if colour}
    for number, row in enumerate(rows, start=1):
        states = [cell["state"] for cell in row.cells]
        sheet.append(
            [
                number,
                row.unit.name,
                *(str(STATES[s][0]()) if s in STATES else "" for s in states),
                sum(1 for s in states if s == Cell.MISSING),
            ]
        )
        for offset, state in enumerate(states, start=3):
            cell = sheet.cell(row=number + 1, column=offset)
            cell.alignment = Alignment(horizontal="center")
            if state in fills:
                cell.fill = fills[state]
    return workbook_bytes(workbook)


# The co-building projects' ledger: the columns of its page (tasks/records/co_building_list.html).
CO_BUILDING_COLUMNS = [
    Column(gettext_lazy("Agreed on"), 11, lambda p: p.agreed_on),
    Column(gettext_lazy("Project"), 30, lambda p: p.title, wrap=True),
    Column(gettext_lazy("Volunteer team"), 32, lambda p: p.team.name, wrap=True),
    Column(gettext_lazy("Unit"), 24, lambda p: p.team.unit.name if p.team.unit_id else _("City level"), wrap=True),
    Column(gettext_lazy("Paired community"), 18, lambda p: p.team.community),
    Column(gettext_lazy("Status"), 10, lambda p: _("Done") if p.done else _("Under way")),
]
