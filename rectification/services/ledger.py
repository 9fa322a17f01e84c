"""The rectification ledger (整改台账) as .xlsx, and the problem list imported from .xlsx."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from io import BytesIO

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, PatternFill

from campaign.exports import styled_sheet
from campaign.models import Campaign, Unit, User
from campaign.services import require_office
from campaign.xlsx import CellStyle, SheetError, read_sheet, safe_value, workbook_bytes
from rectification import forms, selectors
from rectification.models import Measure, Problem, ProblemImport
from rectification.services.measures import measure_check, measure_create, problem_create, problem_found_on_check

LIGHT_FILLS = {
    Measure.Light.RED: "FF4D4F",
    Measure.Light.YELLOW: "FFC000",
    Measure.Light.GREEN: "70AD47",
    Measure.Light.CLOSED: "BFBFBF",
}


LEDGER_WIDTHS = [6, 10, 30, 8, 20, 12, 12, 8, 12, 8, 40, 20, 12, 11, 11, 11, 6, 24, 24, 8, 11, 10, 12]
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
    columns repeated on each, the light as the fill of its cell. `measures` comes lit and with
    problem and unit selected (selectors.measure_list); it is read in chunks and the rows are
    streamed to the file (openpyxl's write-only mode), so neither the measures nor the sheet are
    held in memory whole. `progress(rows written)` is called every PROGRESS_EVERY rows.
    Returns the number of measures written."""
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
                safe_value(sheet, p.unit.name if hasattr(p, "unit") else ""),
                sources[p.source],
                safe_value(sheet, p.category),
                severities[p.severity],
                problem_statuses[p.status],
                m.number,
                WRAPPED.cell(sheet, m.content),
                safe_value(sheet, m.responsible_unit.name),
                safe_value(sheet, m.responsible_person),
                DATE.cell(sheet, m.start_date),
                DATE.cell(sheet, m.deadline),
                DATE.cell(sheet, m.original_deadline),
                m.extension_count,
                safe_value(sheet, m.target_text),
                WRAPPED.cell(sheet, m.acceptance_criteria),
                m.progress_percent,
                DATE.cell(sheet, m.last_progress_on),
                LIGHT_CELLS[m.light].cell(sheet, labels[m.light]),
                measure_statuses[m.status],
            ]
        )
        if progress is not None and number % PROGRESS_EVERY == 0:
            progress(number)
    workbook.save(out)
    return number


def ledger_measures(*, user, campaign_id: int | None, source: str, params: QueryDict):
    """The measures of the ledger exported from the problem list (`source` "problems": every
    measure of the problems listed) or the measure list ("measures"), with the list's filters
    (`params`, as the address has them), as `user` sees them. Used by the page that answers a
    small export itself and by the worker that writes a large one, so both write the same rows."""
    if source == "problems":
        filters = forms.ProblemFilterForm(params or None).filters()
        problems = selectors.problem_list(user=user, campaign_id=campaign_id, **filters)
        problems = selectors.LIST_FILTERS[Problem].apply(problems, params)
        measures = selectors.ledger_rows(user=user, campaign_id=campaign_id, level=filters["level"]).filter(
            problem__in=problems.values("pk")
        )
    else:
        filters = forms.MeasureFilterForm(params or None).filters()
        filters.pop("light")  # the list filters' light (as of the day asked), not the selector's
        measures = selectors.measure_list(user=user, campaign_id=campaign_id, **filters)
        measures = selectors.LIST_FILTERS[Measure].apply(measures, params)
    return measures.select_related("problem__unit", "responsible_unit")


def ledger_export_job(*, job, out, progress: Callable[[int], None]) -> int:
    """The ledger of an export job (campaign/export_jobs.py), rebuilt from its filters."""
    from campaign.export_jobs import export_job_total

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


# --- import ----------------------------------------------------------------------------

COLUMNS = {
    "code": ("Code", "编号", "问题编号"),
    "level": ("Level", "层级"),
    "unit": ("Unit", "单位", "责任单位（问题）"),
    "title": ("Problem", "问题", "问题名称"),
    "description": ("Description", "问题描述"),
    "found_on": ("Found on", "发现日期"),
    "source": ("Source", "来源"),
    "category": ("Category", "类别"),
    "severity": ("Severity", "严重程度"),
    "measure": ("Measure", "整改措施"),
    "responsible_unit": ("Responsible unit", "责任单位"),
    "responsible_person": ("Responsible person", "责任人"),
    "start_date": ("Start", "开始日期"),
    "deadline": ("Deadline", "完成时限"),
    "baseline": ("Baseline", "基数"),
    "target_value": ("Target value", "目标值"),
    "measure_unit": ("Unit of measure", "计量单位"),
    "milestones": ("Milestones", "节点"),
    "acceptance": ("Acceptance criteria", "验收标准"),
}
REQUIRED = ("unit", "title")
# Spreadsheet words for the choices (the office's sheets are in Chinese).
ALIASES = {
    "level": {"市级": "city", "单位": "unit", "单位级": "unit", "city": "city", "unit": "unit"},
    "source": {
        "查摆": "self",
        "自查": "self",
        "巡回指导": "inspection",
        "督导发现": "inspection",
        "群众举报": "public_report",
        "举报": "public_report",
        "电视问政": "tv",
        "信访": "petition",
        "调研": "research",
    },
    "severity": {"一般": "general", "较重": "serious", "严重": "serious", "重大": "major"},
}


def _choice(field: str, raw: str, choices) -> str | None:
    if not raw:
        return None
    by_word = {**{v: v for v in choices.values}, **{str(label).lower(): v for v, label in choices.choices}}
    by_word.update(ALIASES.get(field, {}))
    return by_word.get(raw.strip().lower()) or by_word.get(raw.strip())


def _date(raw: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(raw[:10]) if raw else None
    except ValueError:
        return None


def problem_import_template() -> bytes:
    from campaign.xlsx import template_workbook

    keys = list(COLUMNS)
    return template_workbook(
        title=_("Problem list"),
        headers=[COLUMNS[k][1] for k in keys],
        example=[
            "",
            "单位",
            "市发展改革委",
            "项目审批环节多、时限长",
            "",
            "查摆",
            "营商环境",
            "一般",
            "压减审批环节",
            "市发展改革委",
            "张三",
            "2026-10-01",
            "2026-12-31",
            "12",
            "6",
            "个",
            "",
            "审批环节压减至6个以内",
        ],
        widths=[10, 8, 20, 30, 30, 10, 12, 8, 30, 20, 10, 12, 12, 8, 8, 8, 30, 30],
    )


def _check_rows(campaign: Campaign, rows: list[dict]) -> tuple[list[dict], list[dict]]:
    """Check every row against the campaign as it is now; returns (clean rows, errors)."""
    units = {u.name: u.pk for u in Unit.objects.filter(campaign=campaign)}
    taken = set(Problem.objects.filter(campaign=campaign).values_list("code", flat=True))
    errors: list[dict] = []
    clean: list[dict] = []
    seen: dict[str, dict] = {}
    for row in rows:
        number = row["row"]
        problems_here = []

        def fail(message, number=number, problems_here=problems_here):
            problems_here.append(message)

        unit_id = units.get(row.get("unit", ""))
        if unit_id is None:
            fail(_("Unknown unit “%(name)s”.") % {"name": row.get("unit", "")})
        level = _choice("level", row.get("level", ""), Problem.Level) or Problem.Level.UNIT
        source = _choice("source", row.get("source", ""), Problem.Source) or Problem.Source.SELF_EXAMINATION
        severity = _choice("severity", row.get("severity", ""), Problem.Severity) or Problem.Severity.GENERAL
        for field, choices in (("level", Problem.Level), ("source", Problem.Source), ("severity", Problem.Severity)):
            if row.get(field) and _choice(field, row[field], choices) is None:
                fail(_("“%(value)s” is not a valid %(field)s.") % {"value": row[field], "field": COLUMNS[field][0]})
        code = row.get("code", "")
        if code and code in taken:
            fail(_("The code %(code)s is already in the problem list.") % {"code": code})
        if code and code in seen and seen[code]["title"] != row.get("title"):
            fail(_("The code %(code)s is used for two different problems.") % {"code": code})
        found_on = _date(row.get("found_on", "")) if row.get("found_on") else None
        if row.get("found_on") and found_on is None:
            fail(_("The day found “%(value)s” is not a date.") % {"value": row["found_on"]})
        elif found_on is not None:
            try:
                problem_found_on_check(campaign=campaign, found_on=found_on)
            except ValidationError as exc:
                for message in exc.message_dict["found_on"]:
                    fail(message)
        measure = None
        if row.get("measure"):
            r_unit = units.get(row.get("responsible_unit") or row.get("unit", ""))
            if r_unit is None:
                fail(_("Unknown responsible unit “%(name)s”.") % {"name": row.get("responsible_unit", "")})
            milestones = [m for m in row.get("milestones", "").replace("；", ";").split(";") if m.strip()]
            start, deadline = _date(row.get("start_date", "")), _date(row.get("deadline", ""))
            if row.get("start_date") and start is None:
                fail(_("The start “%(value)s” is not a date.") % {"value": row["start_date"]})
            if row.get("deadline") and deadline is None:
                fail(_("The deadline “%(value)s” is not a date.") % {"value": row["deadline"]})
            try:
                measure_check(
                    responsible_unit=r_unit or 0,
                    responsible_person=row.get("responsible_person", ""),
                    start_date=start,
                    deadline=deadline,
                    baseline=row.get("baseline"),
                    target_value=row.get("target_value"),
                    milestones=milestones,
                    measure_unit=row.get("measure_unit", ""),
                    campaign=campaign,
                )
            except ValidationError as exc:
                for messages in exc.message_dict.values():
                    for message in messages:
                        fail(message)
            measure = {
                "content": row["measure"],
                "responsible_unit": r_unit,
                "responsible_person": row.get("responsible_person", ""),
                "start_date": start.isoformat() if start else None,
                "deadline": deadline.isoformat() if deadline else None,
                "baseline": row.get("baseline") or None,
                "target_value": row.get("target_value") or None,
                "measure_unit": row.get("measure_unit", ""),
                "milestones": milestones,
                "acceptance_criteria": row.get("acceptance", ""),
            }
        for message in problems_here:
            errors.append({"row": number, "message": str(message)})
        record = {
            "row": number,
            "code": code,
            "level": level,
            "unit": unit_id,
            "title": row.get("title", ""),
            "description": row.get("description", ""),
            "source": source,
            "category": row.get("category", ""),
            "severity": severity,
            "found_on": found_on.isoformat() if found_on else None,
            "measure": measure,
        }
        if code:
            seen.setdefault(code, record)
        clean.append(record)
    return clean, errors


def problem_import_check(*, by: User, campaign: Campaign, filename: str, data: bytes) -> ProblemImport:
    """The dry run: read the sheet and check each row; nothing in the problem list changes."""
    require_office(by, _("import problem lists"))
    record = ProblemImport(campaign=campaign, created_by=by, filename=filename[:255])
    try:
        rows = read_sheet(data, columns=COLUMNS, required=REQUIRED)
    except SheetError as exc:
        record.status = ProblemImport.Status.INVALID
        record.errors = [{"row": None, "message": str(exc)}]
        record.save()
        return record
    clean, errors = _check_rows(campaign, rows)
    record.rows = rows
    record.errors = errors
    record.summary = {
        "problems": len({r["code"] or f"row{r['row']}" for r in clean}),
        "measures": sum(1 for r in clean if r["measure"]),
    }
    record.status = ProblemImport.Status.INVALID if errors else ProblemImport.Status.VALIDATED
    record.save()
    return record


@transaction.atomic
def problem_import_apply(*, by: User, problem_import: ProblemImport) -> ProblemImport:
    """Apply a clean dry run whole, or nothing: the rows are checked again against the problem
    list as it is now, and any failure rolls every row back."""
    require_office(by, _("import problem lists"))
    record = ProblemImport.objects.select_for_update().get(pk=problem_import.pk)
    if record.status != ProblemImport.Status.VALIDATED:
        raise ValidationError(_("Only a checked file without errors can be imported."))
    clean, errors = _check_rows(record.campaign, record.rows)
    if errors:
        raise ValidationError(_("The problem list changed since the check; check the file again."))
    units = {u.pk: u for u in Unit.objects.filter(campaign=record.campaign)}
    made: dict[str, Problem] = {}
    for row in clean:
        key = row["code"] or f"row{row['row']}"
        problem = made.get(key)
        if problem is None:
            problem = problem_create(
                by=by,
                campaign=record.campaign,
                unit=units[row["unit"]],
                title=row["title"],
                level=row["level"],
                source=row["source"],
                category=row["category"],
                severity=row["severity"],
                description=row["description"],
                code=row["code"],
                found_on=dt.date.fromisoformat(row["found_on"]) if row.get("found_on") else None,
            )
            made[key] = problem
        m = row["measure"]
        if m:
            measure_create(
                by=by,
                problem=problem,
                content=m["content"],
                responsible_unit=units[m["responsible_unit"]],
                responsible_person=m["responsible_person"],
                start_date=dt.date.fromisoformat(m["start_date"]),
                deadline=dt.date.fromisoformat(m["deadline"]),
                baseline=m["baseline"],
                target_value=m["target_value"],
                measure_unit=m["measure_unit"],
                milestones=m["milestones"],
                acceptance_criteria=m["acceptance_criteria"],
            )
    record.status = ProblemImport.Status.APPLIED
    record.save(update_fields=["status"])
    return record
