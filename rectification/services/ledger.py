"""The rectification ledger (整改台账) as .xlsx; the problem list read back is
`problem_import.py`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from io import BytesIO

from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, PatternFill

from campaign.export_jobs import export_job_total
from campaign.exports import styled_sheet
from campaign.lights import LIGHT_FILLS
from campaign.listfilters import parse_day
from campaign.models import User
from campaign.xlsx import CellStyle, safe_value, workbook_bytes
from rectification import forms, selectors
from rectification.models import Measure, Problem


def missed_deadline(measure: Measure) -> dt.date:
    """The deadline the measure is held to when counting days overdue: the one in force, or the
    one it had already missed when an extension was granted (`overdue_since` keeps it red)."""
    if measure.overdue_since is not None:
        return measure.overdue_since - dt.timedelta(days=1)
    return measure.deadline


def days_overdue(measure: Measure, today: dt.date) -> int | None:
    """Days past the missed deadline: until today while open, until the sign-off day once closed
    (a measure closed late keeps how late it was); None when it was never overdue."""
    end = timezone.localtime(measure.closed_at).date() if measure.closed_at else today
    days = (end - missed_deadline(measure)).days
    return days if days > 0 else None


# Narrow enough for A3 to print at a readable size: the long texts wrap within their cells.
LEDGER_WIDTHS = [5, 10, 18, 6, 14, 10, 10, 7, 9, 6, 26, 14, 9, 11, 11, 11, 5, 16, 16, 7, 11, 8, 9, 11, 9, 6]
DATE = CellStyle(number_format="yyyy-mm-dd")
WRAPPED = CellStyle(alignment=Alignment(wrap_text=True, vertical="top"))
LIGHT_CELLS = {light: CellStyle(fill=PatternFill("solid", fgColor=color)) for light, color in LIGHT_FILLS.items()}
PROGRESS_EVERY = 1000


def ledger_headers() -> list[str]:
    return [
        _("No."),
        _("Problem code"),
        _("Problem"),
        _("Level"),
        _("Problem unit"),
        _("Source"),
        _("Category"),
        _("Severity"),
        _("Problem status"),
        _("Measure no."),
        _("Measure"),
        _("Responsible unit"),
        _("Responsible person"),
        _("Start"),
        _("Deadline"),
        _("Original deadline"),
        _("Extensions"),
        _("Target"),
        _("Acceptance criteria"),
        _("Progress (%)"),
        _("Last update"),
        _("Light"),
        _("Measure status"),
        _("Closed on"),
        _("Signed off by"),
        _("Days overdue"),
    ]


class _Labels(dict):
    """Choice labels by value; a value with no label shows as itself, as get_FOO_display does."""

    def __missing__(self, value):
        return value


def _labels(model, field: str) -> dict:
    return _Labels({value: str(label) for value, label in model._meta.get_field(field).flatchoices})


def ledger_write(
    measures, out, *, caption: str = "", progress: Callable[[int], None] | None = None, chunk: int = 2000
) -> int:
    """Write the ledger to `out` (a path or a binary file): one row per measure, the problem's
    columns repeated on each, the light as the fill of its cell, then the sign-off day, who
    signed off and the days overdue. `measures` comes lit and with
    problem and unit selected (selectors.measure_list); it is read in chunks and the rows are
    streamed to the file (openpyxl's write-only mode), so neither the measures nor the sheet are
    held in memory whole. `progress(rows written)` is called every PROGRESS_EVERY rows.
    Returns the number of measures written."""
    today = timezone.localdate()
    measures = selectors.with_sign_off(measures)
    workbook = Workbook(write_only=True)
    sheet = styled_sheet(workbook, _("Rectification ledger"), ledger_headers(), LEDGER_WIDTHS, caption=caption)
    # Each choice's label translated once: get_FOO_display() translates it again for every row.
    labels = {light: str(Measure.Light(light).label) for light in Measure.Light.values}  # an annotation
    levels, sources = _labels(Problem, "level"), _labels(Problem, "source")
    severities, problem_statuses, measure_statuses = (
        _labels(Problem, "severity"),
        _labels(Problem, "status"),
        _labels(Measure, "status"),
    )
    number = 0
    for number, m in enumerate(measures.iterator(chunk_size=chunk), start=1):
        p = m.problem
        sheet.append(
            [
                number,
                safe_value(sheet, p.code),
                WRAPPED.cell(sheet, p.title),
                levels[p.level],
                WRAPPED.cell(sheet, p.unit.name if hasattr(p, "unit") else ""),
                sources[p.source],
                safe_value(sheet, p.category),
                severities[p.severity],
                problem_statuses[p.status],
                m.number,
                WRAPPED.cell(sheet, m.content),
                WRAPPED.cell(sheet, m.responsible_unit.name),
                safe_value(sheet, m.responsible_person),
                DATE.cell(sheet, m.start_date),
                DATE.cell(sheet, m.deadline),
                DATE.cell(sheet, m.original_deadline),
                m.extension_count,
                WRAPPED.cell(sheet, m.target_text),
                WRAPPED.cell(sheet, m.acceptance_criteria),
                m.progress_percent,
                DATE.cell(sheet, m.last_progress_on),
                LIGHT_CELLS[m.light].cell(sheet, labels[m.light]),
                measure_statuses[m.status],
                DATE.cell(sheet, timezone.localtime(m.closed_at).date() if m.closed_at else None),
                safe_value(sheet, m.signed_off_by_name or ""),
                days_overdue(m, today),
            ]
        )
        if progress is not None and number % PROGRESS_EVERY == 0:
            progress(number)
    workbook.save(out)
    return number


def ledger_measures(*, user: User, campaign_id: int | None, source: str, params: QueryDict):
    """The measures of the ledger exported from the problem list (`source` "problems": every
    measure of the problems listed) or the measure list ("measures"), with the list's filters
    (`params`, as the address has them), as `user` sees them. Used by the page that answers a
    small export itself and by the worker that writes a large one, so both write the same rows.
    Each measure is lit as it stood on the list's `as_of` day (today without one), as the list shows it."""
    as_of = parse_day(params.get("as_of"))
    if source == "problems":
        filters = forms.ProblemFilterForm(params or None).filters()
        problems = selectors.problem_list(user=user, campaign_id=campaign_id, **filters)
        problems = selectors.LIST_FILTERS[Problem].apply(problems, params)
        measures = selectors.ledger_rows(
            user=user, campaign_id=campaign_id, level=filters["level"], today=as_of
        ).filter(problem__in=problems.values("pk"))
    else:
        filters = forms.MeasureFilterForm(params or None).filters()
        filters.pop("light")  # the list filters' light (as of the day asked), not the selector's
        measures = selectors.measure_list(user=user, campaign_id=campaign_id, today=as_of, **filters)
        measures = selectors.LIST_FILTERS[Measure].apply(measures, params)
    return measures.select_related("problem__unit", "responsible_unit")


def ledger_export_job(*, job, out, progress: Callable[[int], None]) -> int:
    """The ledger of an export job (campaign/export_jobs.py), rebuilt from its filters."""
    params = QueryDict(mutable=True)
    for name, values in (job.params.get("query") or {}).items():
        params.setlist(name, values)
    measures = ledger_measures(user=job.requested_by, campaign_id=job.campaign_id, source=job.source, params=params)
    export_job_total(job_id=job.pk, total=measures.order_by().count())
    return ledger_write(measures, out, caption=job.caption, progress=progress)


def ledger_workbook(measures, *, caption: str = "") -> bytes:
    """The ledger as bytes, for an export answered in the request (a small list)."""
    out = BytesIO()
    ledger_write(measures, out, caption=caption)
    return out.getvalue()


def closures_workbook(closures, *, caption: str = "") -> bytes:
    """The closure ledger (销号台账): one row per closure request of a measure or a special task,
    exactly the requests listed (selectors.closures_for_review, filtered), with the claim
    against the target, the shortfall, the original deadline, late and re-closed flags, the
    evidence files and the decision."""
    workbook = Workbook()
    headers = [
        _("No."),
        _("Kind"),
        _("Item"),
        _("Unit"),
        _("Result against the target"),
        _("Share of the target reached (%)"),
        _("Why the target was not reached"),
        _("Original deadline"),
        _("Late"),
        _("Asked again after a reopen"),
        _("Evidence"),
        _("Requested"),
        _("Requested by"),
        _("Status"),
        _("Decided"),
        _("Decided by"),
        _("Decision note"),
    ]
    widths = [6, 10, 40, 20, 40, 10, 30, 11, 6, 8, 30, 11, 12, 10, 11, 12, 30]
    sheet = styled_sheet(workbook, _("Closure ledger"), headers, widths, caption=caption)
    yes, no = _("yes"), _("no")
    for number, c in enumerate(closures, start=1):
        if c.measure_id:
            kind, item = _("Measure"), f"{c.measure.problem.code}-{c.measure.number} {c.measure.content}"
        else:
            kind, item = _("Special task"), f"{c.special_task.team.name} {c.special_task.number} {c.special_task.title}"
        sheet.append(
            [
                number,
                str(kind),
                item,
                c.unit.name,
                c.statement,
                c.result_percent,
                c.shortfall,
                c.due_on,
                str(yes if c.late else no),
                str(yes if c.after_reopen else no),
                "、".join(e.name for e in c.evidence.all()),
                timezone.localtime(c.requested_at).date() if c.requested_at else None,
                c.requested_by.display_name if c.requested_by else "",
                c.get_status_display(),
                timezone.localtime(c.decided_at).date() if c.decided_at else None,
                c.decided_by.display_name if c.decided_by else "",
                c.decision_note,
            ]
        )
        row = sheet.max_row
        for column in (8, 12, 15):
            sheet.cell(row=row, column=column).number_format = "yyyy-mm-dd"
        for column in (3, 5, 7, 17):
            sheet.cell(row=row, column=column).alignment = Alignment(wrap_text=True, vertical="top")
        if c.shortfall:
            sheet.cell(row=row, column=7).fill = PatternFill("solid", fgColor="FFF3CD")
    return workbook_bytes(workbook)
