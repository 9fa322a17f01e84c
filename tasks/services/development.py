"""Writes to the development records: indicators and their values (entered or imported by
the office), the livelihood list, volunteer teams and co-building projects."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaign import xlsx
from campaign.models import Campaign, Unit, User
from campaign.services import require_office
from tasks.models import CoBuildingProject, Indicator, IndicatorValue, LivelihoodItem, VolunteerTeam
from tasks.services.records import UNSET, record_delete, record_save, require_unit_writer

MANAGE_INDICATORS = gettext_lazy("manage indicators")


def _check_target(indicator: Indicator, fields: dict) -> None:
    probe = Indicator(
        key=fields.get("key", indicator.key),
        name=fields.get("name", indicator.name),
        measure_unit=fields.get("measure_unit", indicator.measure_unit) or "",
    )
    target = fields.get("target", indicator.target)
    problem = probe.value_error(None if target is None else Decimal(target), field=_("Target"))
    if problem:
        raise ValidationError({"target": problem})


def indicator_create(
    *,
    by: User,
    campaign: Campaign,
    key: str = UNSET,
    name: str = UNSET,
    measure_unit: str = UNSET,
    target: Decimal | None = UNSET,
    source: str = UNSET,
    description: str = UNSET,
) -> Indicator:
    """Indicators are the office's: outside figures it enters from their sources."""
    values = {"key": key, "name": name, "measure_unit": measure_unit, "target": target, "source": source}
    values["description"] = description
    return record_save(
        model=Indicator,
        record=None,
        by=by,
        campaign=campaign,
        values=values,
        office_act=str(MANAGE_INDICATORS),
        before=_check_target,
    )


def indicator_update(
    *,
    indicator: Indicator,
    by: User,
    key: str = UNSET,
    name: str = UNSET,
    measure_unit: str = UNSET,
    target: Decimal | None = UNSET,
    source: str = UNSET,
    description: str = UNSET,
) -> Indicator:
    values = {"key": key, "name": name, "measure_unit": measure_unit, "target": target, "source": source}
    values["description"] = description
    return record_save(
        model=Indicator,
        record=indicator,
        by=by,
        values=values,
        office_act=str(MANAGE_INDICATORS),
        before=_check_target,
    )


def indicator_delete(*, indicator: Indicator, by: User) -> None:
    """The office removes an indicator (with its values)."""
    record_delete(record=indicator, by=by, office_act=str(MANAGE_INDICATORS))


@transaction.atomic
def indicator_value_set(
    *, indicator: Indicator, by: User, period_end: dt.date, value: Decimal, source: str = ""
) -> IndicatorValue:
    """Enter (or correct) an indicator's value for the period ending on a day; one value a
    period. Saved only when something differs, so entering the same figure twice is a no-op."""
    require_office(by, _("enter indicator values"))
    problem = indicator.value_error(value)
    if problem:
        raise ValidationError({"value": problem})
    if period_end > timezone.localdate():
        raise ValidationError({"period_end": _("Period ending: a value is reported for a day that has passed.")})
    row = IndicatorValue.objects.select_for_update().filter(indicator=indicator, period_end=period_end).first()
    source = source or indicator.source
    if row is None:
        row = IndicatorValue(indicator=indicator, period_end=period_end, value=value, source=source, entered_by=by)
    elif row.value == value and row.source == source:
        return row
    else:
        row.value, row.source, row.entered_by = value, source, by
    row.full_clean()
    row.save()
    return row


IMPORT_COLUMNS = {
    # The indicator as people call it (its name), or its code.
    "key": ("指标名称", "指标", "指标代码", "indicator", "Indicator", "key", "Key"),
    "period_end": ("截至日期", "period ending", "Period ending", "period_end"),
    "value": ("数值", "value", "Value"),
    "source": ("来源", "source", "Source"),
}
# The indicator list's export (tasks/views/kinds/development.py) read back as values: its latest value of
# each indicator, in either language, so an exported list imports back unchanged.
EXPORT_HEADERS = {
    "key": gettext_lazy("Indicator"),
    "period_end": gettext_lazy("Period ending"),
    "value": gettext_lazy("Latest value"),
}


def import_columns() -> dict[str, tuple[str, ...]]:
    from campaign.imports import with_export_headers

    return with_export_headers(IMPORT_COLUMNS, EXPORT_HEADERS)


def indicator_value_rows_check(*, campaign: Campaign, rows: list[dict], check) -> None:
    """Every bad row by row and column (into `check`, an imports.Check), the indicator named as
    people call it (or by its code), and what the import would do: values added, corrected or
    already there. A template row left unfilled is skipped. Writes nothing."""
    indicators = {}
    for indicator in Indicator.objects.filter(campaign=campaign):
        indicators[indicator.key] = indicators[indicator.name] = indicator
    stored = {(v.indicator_id, v.period_end): v for v in IndicatorValue.objects.filter(indicator__campaign=campaign)}
    names = "、".join(sorted({i.name for i in indicators.values()})) or "—"
    seen: dict = {}
    created = updated = unchanged = 0
    error = check.error
    for row in rows:
        if not row.get("period_end") and not row.get("value"):
            continue  # a row of the template left unfilled: nothing to import for that indicator
        bad = len(check.errors)
        indicator = indicators.get(row.get("key", ""))
        if indicator is None:
            error(
                row,
                "key",
                _("no indicator is named “%(key)s”: use one of %(names)s")
                % {"key": row.get("key", ""), "names": names},
            )
        try:
            period_end = dt.date.fromisoformat(row.get("period_end", "")[:10])
        except ValueError:
            period_end = None
            error(row, "period_end", _("“%(v)s” is not a date (YYYY-MM-DD)") % {"v": row.get("period_end", "")})
        try:
            value = Decimal(row.get("value", "").replace(",", "").rstrip("%"))
        except InvalidOperation:
            value = None
            error(row, "value", _("“%(v)s” is not a number") % {"v": row.get("value", "")})
        if indicator is not None and value is not None and indicator.value_error(value):
            error(row, "value", indicator.value_error(value))
        if period_end is not None and period_end > timezone.localdate():
            error(row, "period_end", _("Period ending: a value is reported for a day that has passed."))
        if indicator is not None and (indicator.pk, period_end) in seen:
            error(
                row,
                "period_end",
                _("the same indicator and period appear twice (also on row %(row)d)")
                % {"row": seen[(indicator.pk, period_end)]},
            )
        if indicator is not None:
            seen.setdefault((indicator.pk, period_end), row["row"])
        if len(check.errors) > bad:
            continue
        old = stored.get((indicator.pk, period_end))
        # No source in the file: a value already there keeps its own, a new one takes the usual
        source = row.get("source", "") or (old.source if old is not None else indicator.source)
        if old is None:
            created += 1
        elif old.value == value and old.source == source:
            unchanged += 1
        else:
            updated += 1
        check.rows.append({"indicator": indicator, "period_end": period_end, "value": value, "source": source})
    check.summary = {"rows": len(check.rows), "created": created, "updated": updated, "unchanged": unchanged}


def indicator_value_rows_apply(*, by: User, rows: list[dict], progress=None) -> None:
    """Write checked rows (indicator_value_rows_check), each through indicator_value_set: a value
    already there is left as it is. Called inside the import's transaction."""
    require_office(by, _("import indicator values"))
    for done, row in enumerate(rows, start=1):
        if progress is not None:
            progress(done)
        indicator_value_set(by=by, **row)


def indicator_values_template(*, campaign: Campaign) -> bytes:
    """The sheet to fill: a row per indicator of the campaign, by name, with its usual source and
    the unit its value is kept in (the last column is a reminder, not read back)."""
    indicators = list(Indicator.objects.filter(campaign=campaign).order_by("name"))
    headers = [*(IMPORT_COLUMNS[k][0] for k in ("key", "period_end", "value", "source")), _("Unit (for reference)")]
    rows = [[i.name, "", "", i.source, i.measure_unit] for i in indicators] or [
        ["诉求解决件数", "2026-10-31", 18.2, "12345政务服务便民热线", "万件"]
    ]
    return xlsx.template_workbook(
        title=_("Indicator values"), headers=headers, example=rows[0], widths=[26, 14, 14, 30, 14], more=rows[1:]
    )


def _solved(item: LivelihoodItem, values: dict) -> None:
    """A solved item carries the day it was solved; an item not solved has no such day."""
    if values.get("status") == LivelihoodItem.Status.SOLVED and not values.get("solved_on"):
        raise ValidationError({"solved_on": _("Give the day it was solved.")})
    if values.get("status") and values["status"] != LivelihoodItem.Status.SOLVED:
        values["solved_on"] = None


def livelihood_item_create(
    *,
    by: User,
    campaign: Campaign,
    unit: Unit | None = None,
    kind: str = UNSET,
    title: str = UNSET,
    responsible: str = UNSET,
    listed_on: dt.date = UNSET,
    status: str = UNSET,
    solved_on: dt.date | None = UNSET,
    result: str = UNSET,
) -> LivelihoodItem:
    """A unit (or the office, for the city's list) lists a livelihood problem, practical matter
    or business-environment problem; solved ones carry their date."""
    values = {"unit": unit, "kind": kind, "title": title, "responsible": responsible, "listed_on": listed_on}
    values |= {"status": status, "solved_on": solved_on, "result": result}
    return record_save(model=LivelihoodItem, record=None, by=by, campaign=campaign, values=values, before=_solved)


def livelihood_item_update(
    *,
    item: LivelihoodItem,
    by: User,
    unit: Unit | None = UNSET,
    kind: str = UNSET,
    title: str = UNSET,
    responsible: str = UNSET,
    listed_on: dt.date = UNSET,
    status: str = UNSET,
    solved_on: dt.date | None = UNSET,
    result: str = UNSET,
) -> LivelihoodItem:
    values = {"unit": unit, "kind": kind, "title": title, "responsible": responsible, "listed_on": listed_on}
    values |= {"status": status, "solved_on": solved_on, "result": result}
    return record_save(model=LivelihoodItem, record=item, by=by, values=values, before=_solved)


def volunteer_team_create(
    *,
    by: User,
    campaign: Campaign,
    unit: Unit | None = None,
    name: str = UNSET,
    community: str = UNSET,
    formed_on: dt.date = UNSET,
    volunteers: int = UNSET,
) -> VolunteerTeam:
    """A unit's volunteer team (红色志愿服务队), its paired community and volunteer count."""
    values = {"unit": unit, "name": name, "community": community, "formed_on": formed_on, "volunteers": volunteers}
    return record_save(model=VolunteerTeam, record=None, by=by, campaign=campaign, values=values)


def volunteer_team_update(
    *,
    team: VolunteerTeam,
    by: User,
    unit: Unit | None = UNSET,
    name: str = UNSET,
    community: str = UNSET,
    formed_on: dt.date = UNSET,
    volunteers: int = UNSET,
) -> VolunteerTeam:
    values = {"unit": unit, "name": name, "community": community, "formed_on": formed_on, "volunteers": volunteers}
    return record_save(model=VolunteerTeam, record=team, by=by, values=values)


def co_building_project_add(
    *, team: VolunteerTeam, by: User, title: str, agreed_on: dt.date, done: bool = False
) -> CoBuildingProject:
    """A co-building project (共建项目) agreed between a team and its community."""
    require_unit_writer(by, team.unit)
    project = CoBuildingProject(team=team, title=title.strip(), agreed_on=agreed_on, done=done)
    project.full_clean()
    project.save()
    return project
