"""The rectification ledger (整改台账) as .xlsx, and the problem list imported from .xlsx."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from io import BytesIO

from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Alignment, PatternFill

from campaign.export_jobs import export_job_total
from campaign.exports import styled_sheet
from campaign.imports import with_export_headers
from campaign.lights import LIGHT_FILLS
from campaign.models import Campaign, Unit, User
from campaign.services import require_office
from campaign.xlsx import CellStyle, safe_value, template_workbook, workbook_bytes
from rectification import forms, selectors
from rectification.models import Measure, Problem
from rectification.services.measuring import measure_check, measure_create
from rectification.services.problems import problem_create, problem_found_on_check, problem_update


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
# The ledger's columns as ledger_workbook writes them: the import reads these headers too, in
# either language, so an exported ledger comes back unchanged.
EXPORT_HEADERS = {
    "code": gettext_lazy("Problem code"),
    "level": gettext_lazy("Level"),
    "unit": gettext_lazy("Problem unit"),
    "title": gettext_lazy("Problem"),
    "source": gettext_lazy("Source"),
    "category": gettext_lazy("Category"),
    "severity": gettext_lazy("Severity"),
    "measure": gettext_lazy("Measure"),
    "responsible_unit": gettext_lazy("Responsible unit"),
    "responsible_person": gettext_lazy("Responsible person"),
    "start_date": gettext_lazy("Start"),
    "deadline": gettext_lazy("Deadline"),
    "acceptance": gettext_lazy("Acceptance criteria"),
}


def import_columns() -> dict[str, tuple[str, ...]]:
    """The headers the import accepts for each column: its own and the ledger export's."""
    return with_export_headers(COLUMNS, EXPORT_HEADERS)


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
    by_word = {v: v for v in choices.values}
    for language in ("zh-hans", "en"):  # the words the export writes, in either language
        with translation.override(language):
            by_word.update({str(label).lower(): v for v, label in choices.choices})
    by_word.update(ALIASES.get(field, {}))
    return by_word.get(raw.strip().lower()) or by_word.get(raw.strip())


def _date(raw: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(raw[:10]) if raw else None
    except ValueError:
        return None


def problem_import_template() -> bytes:
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
            "",  # found on: today when left empty
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
        widths=[10, 8, 20, 30, 30, 12, 10, 12, 8, 30, 20, 10, 12, 12, 8, 8, 8, 30, 30],
    )


def problem_rows_check(*, campaign: Campaign, rows: list[dict], check) -> None:
    """Every bad row by row and column (into `check`, an imports.Check) against the campaign as it
    is now, and what the import would do. Rows sharing a code are one problem.

    A row whose code is a problem already in this campaign's list is that problem: the columns
    the sheet has among its wording and classification (title, description, source, category,
    severity, day found) UPDATE it, through problem_update as an edit on its page would, so an
    exported ledger with a few cells changed comes back as those changes and nothing added; a
    ledger imported unchanged changes nothing. What an import does not do is listed as an error
    on the row: move a problem to another unit or level (a code of another unit's problem, e.g.
    a ledger of another campaign, is caught here), change a rectified problem, or change a listed
    problem's measures (a measure is changed or added on the problem's page). Rows without a
    code are new problems."""
    units = {u.name: u.pk for u in Unit.objects.filter(campaign=campaign)}
    listed = {
        p.code: p
        for p in Problem.objects.filter(campaign=campaign)
        .exclude(code="")
        .select_related("unit")
        .prefetch_related("measures")
    }
    error = check.error
    seen: dict[str, dict] = {}
    new_problems: set[str] = set()
    updated: set[str] = set()
    measures = unchanged = 0
    for row in rows:
        number = row["row"]
        bad = len(check.errors)
        code = row.get("code", "")
        old = listed.get(code) if code else None
        unit_id = units.get(row.get("unit", ""))
        if unit_id is None:
            error(row, "unit", _("Unknown unit “%(name)s”.") % {"name": row.get("unit", "")})
        level = _choice("level", row.get("level", ""), Problem.Level) or Problem.Level.UNIT
        source = _choice("source", row.get("source", ""), Problem.Source) or Problem.Source.SELF_EXAMINATION
        severity = _choice("severity", row.get("severity", ""), Problem.Severity) or Problem.Severity.GENERAL
        for field, choices in (("level", Problem.Level), ("source", Problem.Source), ("severity", Problem.Severity)):
            if row.get(field) and _choice(field, row[field], choices) is None:
                error(
                    row,
                    field,
                    _("“%(value)s” is not a valid %(field)s.") % {"value": row[field], "field": COLUMNS[field][1]},
                )
        changes: dict = {}
        if old is not None and unit_id is not None and old.unit_id != unit_id:
            error(
                row,
                "unit",
                _("Problem %(code)s is %(unit)s's: an import does not move a problem to another unit.")
                % {"code": code, "unit": old.unit.name},
            )
        elif old is not None and "level" in row and row["level"] and level != old.level:
            error(row, "level", _("Problem %(code)s keeps its level: an import does not change it.") % {"code": code})
        elif old is not None:
            changes = _problem_changes(old, row, source=source, severity=severity)
            if changes and old.status == Problem.Status.CLOSED:
                error(
                    row,
                    "code",
                    _("Problem %(code)s is rectified: the office reopens a measure before it changes.")
                    % {"code": code},
                )
        if code and code in seen and seen[code]["title"] != row.get("title"):
            error(row, "code", _("The code %(code)s is used for two different problems.") % {"code": code})
        found_on = _date(row.get("found_on", "")) if row.get("found_on") else None
        if row.get("found_on") and found_on is None:
            error(row, "found_on", _("The day found “%(value)s” is not a date.") % {"value": row["found_on"]})
        elif found_on is not None and old is None:
            try:
                problem_found_on_check(campaign=campaign, found_on=found_on)
            except ValidationError as exc:
                for message in exc.message_dict["found_on"]:
                    error(row, "found_on", message)
        measure = None
        if row.get("measure") and old is not None:
            if not any(m.content == row["measure"] for m in old.measures.all()):
                error(
                    row,
                    "measure",
                    _("Problem %(code)s is already in the list: add a new measure on the problem's page.")
                    % {"code": code},
                )
        elif row.get("measure"):
            r_unit = units.get(row.get("responsible_unit") or row.get("unit", ""))
            if r_unit is None:
                error(
                    row,
                    "responsible_unit",
                    _("Unknown responsible unit “%(name)s”.") % {"name": row.get("responsible_unit", "")},
                )
            milestones = [m for m in row.get("milestones", "").replace("；", ";").split(";") if m.strip()]
            start, deadline = _date(row.get("start_date", "")), _date(row.get("deadline", ""))
            if row.get("start_date") and start is None:
                error(row, "start_date", _("The start “%(value)s” is not a date.") % {"value": row["start_date"]})
            if row.get("deadline") and deadline is None:
                error(row, "deadline", _("The deadline “%(value)s” is not a date.") % {"value": row["deadline"]})
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
                for field, messages in exc.message_dict.items():
                    for message in messages:
                        error(row, MEASURE_FIELD_COLUMNS.get(field, "measure"), message)
            measure = {
                "content": row["measure"],
                "responsible_unit": r_unit,
                "responsible_person": row.get("responsible_person", ""),
                "start_date": start,
                "deadline": deadline,
                "baseline": row.get("baseline") or None,
                "target_value": row.get("target_value") or None,
                "measure_unit": row.get("measure_unit", ""),
                "milestones": milestones,
                "acceptance_criteria": row.get("acceptance", ""),
            }
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
            "found_on": found_on,
            "measure": measure,
            "listed": old is not None,
            "changes": changes,
        }
        if code:
            seen.setdefault(code, record)
        if len(check.errors) > bad:
            continue
        if old is not None and changes:
            updated.add(code)
        elif old is not None:
            unchanged += 1
        else:
            new_problems.add(code or f"row{number}")
            measures += 1 if measure else 0
        check.rows.append(record)
    check.summary = {
        "problems": len(new_problems),
        "measures": measures,
        "updated": len(updated),
        "unchanged": unchanged,
    }


def _problem_changes(problem: Problem, row: dict, *, source: str, severity: str) -> dict:
    """The problem's fields the row sets to something else (problem_update's `data`): only the
    columns the sheet has, so a ledger without a description column leaves descriptions alone."""
    wanted = {
        "title": row.get("title", "").strip(),
        "description": row.get("description", "").strip(),
        "category": row.get("category", "").strip(),
        "source": source,
        "severity": severity,
        "found_on": _date(row.get("found_on", "")),
    }
    return {
        name: value
        for name, value in wanted.items()
        if name in row and (name != "found_on" or value is not None) and getattr(problem, name) != value
    }


MEASURE_FIELD_COLUMNS = {
    "responsible_unit": "responsible_unit",
    "responsible_person": "responsible_person",
    "start_date": "start_date",
    "deadline": "deadline",
    "baseline": "baseline",
    "target_value": "target_value",
    "milestones": "milestones",
    "measure_unit": "measure_unit",
}


def problem_rows_apply(
    *, by: User, campaign: Campaign, rows: list[dict], progress: Callable[[int], None] | None = None
) -> None:
    """Write checked rows (problem_rows_check): each new problem once, each of its measures,
    through problem_create and measure_create, so an imported row obeys the rules a typed one
    does. A listed problem the rows change is updated once, through problem_update (its history
    records the change); other rows about listed problems are left alone. Called inside the
    import's transaction."""
    require_office(by, _("import problem lists"))
    units = {u.pk: u for u in Unit.objects.filter(campaign=campaign)}
    made: dict[str, Problem] = {}
    for done, row in enumerate(rows, start=1):
        if progress is not None:
            progress(done)
        if row["listed"]:
            if row["changes"] and row["code"] not in made:
                problem = Problem.objects.get(campaign=campaign, code=row["code"])
                made[row["code"]] = problem_update(problem=problem, by=by, **row["changes"])
            continue
        key = row["code"] or f"row{row['row']}"
        problem = made.get(key)
        if problem is None:
            problem = problem_create(
                by=by,
                campaign=campaign,
                unit=units[row["unit"]],
                title=row["title"],
                level=row["level"],
                source=row["source"],
                category=row["category"],
                severity=row["severity"],
                description=row["description"],
                code=row["code"],
                found_on=row["found_on"],
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
                start_date=m["start_date"],
                deadline=m["deadline"],
                baseline=m["baseline"],
                target_value=m["target_value"],
                measure_unit=m["measure_unit"],
                milestones=m["milestones"],
                acceptance_criteria=m["acceptance_criteria"],
            )
