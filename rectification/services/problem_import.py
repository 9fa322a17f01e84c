"""The problem list imported from .xlsx (a rectification ledger reads back: listed problems are
updated, new rows added), checked row by row and applied through the same services as a typed edit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaign.imports import with_export_headers
from campaign.models import Campaign, Unit, User
from campaign.services import require_office
from campaign.xlsx import template_workbook
from rectification.models import Problem
from rectification.services.measuring import measure_check, measure_create
from rectification.services.problems import problem_create, problem_found_on_check, problem_update

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
