"""Writes to the key-task list: the office builds it in the browser or imports it from .xlsx."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaign import xlsx
from campaign.dates import default_start_day, start_day_errors
from campaign.models import Campaign, Unit, User, WorkLine
from campaign.selectors import is_unit_liaison
from campaign.services import require_office
from tasks.models import KeyTask
from tasks.services.records import UNSET


def _check(task: KeyTask, cooperating: list[Unit], *, dated: bool = True) -> None:
    errors = start_day_errors(task, "assigned_on", campaign=task.campaign) if dated else {}
    if task.lead_unit_id and task.lead_unit.campaign_id != task.campaign_id:
        errors["lead_unit"] = _("The lead unit belongs to another campaign.")
    if any(u.campaign_id != task.campaign_id for u in cooperating):
        errors["cooperating_units"] = _("Every cooperating unit must belong to the campaign.")
    if task.lead_unit_id and any(u.pk == task.lead_unit_id for u in cooperating):
        errors["cooperating_units"] = _("The lead unit cannot also be a cooperating unit.")
    if task.metric_target is not None and not task.metric_unit:
        errors["metric_unit"] = _("A task with a target needs its unit of measure (e.g. 场次, 个, 万元).")
    if task.deadline and task.deadline < task.campaign.start_date:
        errors["deadline"] = _("The deadline is before the campaign starts (%(d)s).") % {"d": task.campaign.start_date}
    if task.deadline and task.deadline > task.campaign.end_date:
        errors["deadline"] = _("Deadline: the campaign ends on %(d)s; a key task is due by then.") % {
            "d": task.campaign.end_date
        }
    if task.metric_target is not None and task.metric_target < 0:
        errors["metric_target"] = _("Target: a target is a number of things to reach, 0 or more.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def keytask_create(
    *,
    by: User,
    campaign: Campaign,
    number: int,
    title: str,
    work_line: WorkLine,
    lead_unit: Unit,
    deadline: dt.date,
    cooperating_units: list[Unit] | None = None,
    assigned_on: dt.date = UNSET,
    done_definition: str = "",
    metric_unit: str = "",
    metric_target: Decimal | None = None,
) -> KeyTask:
    """The office adds a task to the list; the number is unique in the campaign."""
    require_office(by, _("edit the key-task list"))
    cooperating = list(cooperating_units or [])
    task = KeyTask(
        campaign=campaign,
        number=number,
        title=title,
        work_line=work_line,
        lead_unit=lead_unit,
        assigned_on=default_start_day(campaign) if assigned_on is UNSET else assigned_on,
        deadline=deadline,
        done_definition=done_definition,
        metric_unit=metric_unit,
        metric_target=metric_target,
    )
    _check(task, cooperating)
    task.full_clean()
    task.save()
    task.cooperating_units.set(cooperating)
    return task


@transaction.atomic
def keytask_update(
    *,
    task: KeyTask,
    by: User,
    cooperating_units: list[Unit] | None = None,
    number: int = UNSET,
    title: str = UNSET,
    work_line: WorkLine = UNSET,
    lead_unit: Unit = UNSET,
    assigned_on: dt.date = UNSET,
    deadline: dt.date = UNSET,
    done_definition: str = UNSET,
    metric_unit: str = UNSET,
    metric_target: Decimal | None = UNSET,
) -> KeyTask:
    """The office changes a task; a new lead unit acknowledges it afresh."""
    require_office(by, _("edit the key-task list"))
    task = KeyTask.objects.select_for_update().get(pk=task.pk)
    lead_before = task.lead_unit_id
    values = {"number": number, "title": title, "work_line": work_line, "lead_unit": lead_unit}
    values |= {"assigned_on": assigned_on, "deadline": deadline, "done_definition": done_definition}
    values |= {"metric_unit": metric_unit, "metric_target": metric_target}
    values = {name: value for name, value in values.items() if value is not UNSET}
    for name, value in values.items():
        setattr(task, name, value)
    if task.lead_unit_id != lead_before:
        # A new lead unit is newly assigned the task: its liaison acknowledges it afresh.
        task.acknowledged_at, task.acknowledged_by = None, None
    cooperating = list(cooperating_units) if cooperating_units is not None else list(task.cooperating_units.all())
    _check(task, cooperating, dated="assigned_on" in values)
    task.full_clean()
    task.save()
    if cooperating_units is not None:
        task.cooperating_units.set(cooperating)
    return task


@transaction.atomic
def keytask_acknowledge(*, task: KeyTask, by: User) -> KeyTask:
    """签收: a current liaison of the task's lead unit acknowledges the task, once; the day and
    the person are kept on the task and in its history. Anyone else is refused."""
    task = KeyTask.objects.select_for_update().get(pk=task.pk)
    if not is_unit_liaison(by, task.lead_unit_id):
        raise PermissionDenied(_("Only a liaison of the lead unit may acknowledge the task."))
    if task.acknowledged_at is not None:
        raise ValidationError(
            _("The task was acknowledged on %(day)s.") % {"day": timezone.localdate(task.acknowledged_at)}
        )
    task.acknowledged_at, task.acknowledged_by = timezone.now(), by
    task._change_reason = _("Acknowledged (签收)")
    task.save(update_fields=["acknowledged_at", "acknowledged_by"])
    return task


def keytask_delete(*, task: KeyTask, by: User) -> None:
    """A task that units have already reported on cannot be deleted."""
    require_office(by, _("edit the key-task list"))
    if task.progress_items.exists():
        raise ValidationError(_("Units have already reported on this task; it cannot be deleted."))
    task.delete()


# --- Import ---------------------------------------------------------------------------

COLUMNS = {
    "number": ("序号", "编号", "number"),
    "title": ("任务名称", "重点任务", "title"),
    "work_line": ("工作主线", "work line"),
    "lead_unit": ("牵头单位", "lead unit"),
    "cooperating": ("配合单位", "cooperating units"),
    "deadline": ("完成时限", "deadline"),
    "done_definition": ("完成标准", "done means"),
    "metric_unit": ("计量单位", "unit of measure"),
    "metric_target": ("目标值", "target"),
}
REQUIRED = ("number", "title", "work_line", "lead_unit", "deadline")
# The key-task list's columns as the export writes them (tasks/views/keytasks.py); the import
# reads these headers too, in either language, so an exported list comes back unchanged.
EXPORT_HEADERS = {
    "number": gettext_lazy("No."),
    "title": gettext_lazy("Task"),
    "work_line": gettext_lazy("Work line"),
    "lead_unit": gettext_lazy("Lead unit"),
    "cooperating": gettext_lazy("Cooperating units"),
    "deadline": gettext_lazy("Deadline"),
    "done_definition": gettext_lazy("What done means"),
    "metric_unit": gettext_lazy("Unit of measure"),
    "metric_target": gettext_lazy("Target"),
}


def import_columns() -> dict[str, tuple[str, ...]]:
    """The headers the import accepts for each column: its own and the export's (Chinese and English)."""
    columns = {}
    for key, aliases in COLUMNS.items():
        names = list(aliases)
        for language in ("zh-hans", "en"):
            with translation.override(language):
                names.append(str(EXPORT_HEADERS[key]))
        columns[key] = tuple(dict.fromkeys(names))
    return columns


LINE_NAMES = {
    "顶格推进": "push",
    "理论学习": "study",
    "调查研究": "research",
    "推动发展": "development",
    "检视整改": "rectification",
    "建章立制": "institutions",
}
SPLIT = re.compile(r"[、,，;；/\s]+")


def keytask_rows_check(*, campaign: Campaign, rows: list[dict], check) -> None:
    """Every reason a row cannot be imported, by row and column (into `check`, an imports.Check),
    and what the import would do: tasks created, updated, or left as they are. Writes nothing."""
    units = {u.name: u.pk for u in Unit.objects.filter(campaign=campaign)}
    lines = {str(w.number): w.pk for w in WorkLine.objects.all()}
    lines.update({w.code: w.pk for w in WorkLine.objects.all()})
    lines.update({name: lines[code] for name, code in LINE_NAMES.items()})
    for language in ("zh-hans", "en"):  # the names the export writes, in either language
        with translation.override(language):
            lines.update({str(w.name): w.pk for w in WorkLine.objects.all()})
    existing = {t.number: t for t in KeyTask.objects.filter(campaign=campaign).prefetch_related("cooperating_units")}
    seen: dict[int, int] = {}
    error = check.error
    created = updated = unchanged = 0

    for row in rows:
        clean = {"row": row["row"]}
        bad = len(check.errors)
        number = row.get("number", "")
        if not number.isdigit() or int(number) < 1:
            error(row, "number", _("The number must be a whole number from 1, not “%(v)s”.") % {"v": number})
        elif int(number) in seen:
            error(
                row,
                "number",
                _("Number %(n)s is used twice (also on row %(row)d).") % {"n": number, "row": seen[int(number)]},
            )
        else:
            clean["number"] = int(number)
            seen[int(number)] = row["row"]
        clean["title"] = row.get("title", "")
        if not clean["title"]:
            error(row, "title", _("The task name is empty."))
        elif len(clean["title"]) > 300:
            error(row, "title", _("The task name is longer than 300 characters."))
        line = lines.get(row.get("work_line", ""))
        if line is None:
            error(
                row,
                "work_line",
                _("Unknown work line “%(v)s”: use one of %(names)s.")
                % {"v": row.get("work_line", ""), "names": "、".join(LINE_NAMES)},
            )
        clean["work_line"] = line
        lead = units.get(row.get("lead_unit", ""))
        if lead is None:
            error(
                row,
                "lead_unit",
                _("The lead unit “%(v)s” is not a unit of this campaign.") % {"v": row.get("lead_unit", "")},
            )
        clean["lead_unit"] = lead
        cooperating = []
        for name in SPLIT.split(row.get("cooperating", "")):
            if not name:
                continue
            if name not in units:
                error(
                    row, "cooperating", _("The cooperating unit “%(v)s” is not a unit of this campaign.") % {"v": name}
                )
            elif units[name] == lead:
                error(row, "cooperating", _("The lead unit cannot also be a cooperating unit."))
            else:
                cooperating.append(units[name])
        clean["cooperating"] = cooperating
        try:
            clean["deadline"] = dt.date.fromisoformat(row.get("deadline", "")[:10])
        except ValueError:
            error(
                row,
                "deadline",
                _("The deadline “%(v)s” is not a date like 2026-10-31.") % {"v": row.get("deadline", "")},
            )
        else:
            if clean["deadline"] < campaign.start_date:
                error(
                    row,
                    "deadline",
                    _("The deadline is before the campaign starts (%(d)s).") % {"d": campaign.start_date},
                )
            elif clean["deadline"] > campaign.end_date:
                ends = campaign.end_date
                error(
                    row, "deadline", _("Deadline: the campaign ends on %(d)s; a key task is due by then.") % {"d": ends}
                )
        clean["done_definition"] = row.get("done_definition", "")
        clean["metric_unit"] = row.get("metric_unit", "")[:20]
        target = row.get("metric_target", "")
        clean["metric_target"] = None
        if target:
            try:
                clean["metric_target"] = Decimal(target)
            except InvalidOperation:
                error(row, "metric_target", _("The target “%(v)s” is not a number.") % {"v": target})
            else:
                if clean["metric_target"] < 0:
                    error(row, "metric_target", _("Target: a target is a number of things to reach, 0 or more."))
            if not clean["metric_unit"]:
                error(row, "metric_unit", _("A task with a target needs its unit of measure (e.g. 场次, 个, 万元)."))
        if len(check.errors) > bad:
            continue
        task = existing.get(clean["number"])
        if task is None:
            created += 1
        elif _same(task, clean):
            unchanged += 1
            clean["unchanged"] = True
        else:
            updated += 1
        check.rows.append(clean)
    check.summary = {"rows": len(rows), "created": created, "updated": updated, "unchanged": unchanged}


def _same(task: KeyTask, row: dict) -> bool:
    """Whether a row says what the task already holds (an exported list imported back)."""
    target = task.metric_target
    return (
        task.title == row["title"]
        and task.work_line_id == row["work_line"]
        and task.lead_unit_id == row["lead_unit"]
        and task.deadline == row["deadline"]
        and task.done_definition == row["done_definition"]
        and task.metric_unit == row["metric_unit"]
        and (target is None) == (row["metric_target"] is None)
        and (target is None or target == row["metric_target"])
        and {u.pk for u in task.cooperating_units.all()} == set(row["cooperating"])
    )


def keytask_rows_apply(*, campaign: Campaign, by: User, rows: list[dict], progress=None) -> None:
    """Write checked rows (keytask_rows_check): tasks matched by number, created or updated,
    each through keytask_create / keytask_update so an imported row obeys the rules a typed one
    does; a row that says what the task holds is left alone. Called inside the import's
    transaction."""
    require_office(by, _("edit the key-task list"))
    existing = {t.number: t for t in KeyTask.objects.select_for_update().filter(campaign=campaign)}
    units = Unit.objects.in_bulk([u for row in rows for u in [row["lead_unit"], *row["cooperating"]]])
    lines = WorkLine.objects.in_bulk([row["work_line"] for row in rows])
    for done, row in enumerate(rows, start=1):
        if progress is not None:
            progress(done)
        if row.get("unchanged"):
            continue
        values = {
            "title": row["title"],
            "work_line": lines[row["work_line"]],
            "lead_unit": units[row["lead_unit"]],
            "deadline": row["deadline"],
            "done_definition": row["done_definition"],
            "metric_unit": row["metric_unit"],
            "metric_target": row["metric_target"],
        }
        cooperating = [units[pk] for pk in row["cooperating"]]
        task = existing.get(row["number"])
        try:
            if task is None:
                keytask_create(by=by, campaign=campaign, number=row["number"], cooperating_units=cooperating, **values)
            else:
                keytask_update(task=task, by=by, cooperating_units=cooperating, **values)
        except ValidationError as exc:
            raise ValidationError(
                _("Row %(row)d: %(errors)s") % {"row": row["row"], "errors": "；".join(exc.messages)}
            ) from exc


def keytask_template() -> bytes:
    return xlsx.template_workbook(
        title="重点任务清单",
        headers=[aliases[0] for aliases in COLUMNS.values()],
        example=[
            1,
            "召开全市主题教育工作会议",
            "顶格推进",
            "市委组织部",
            "市委宣传部、市委办公室",
            "2026-09-10",
            "会议召开并印发实施意见",
            "",
            "",
        ],
        widths=[6, 40, 12, 18, 30, 12, 30, 10, 10],
    )
