"""The roll-up columns, each declared once: for a period [start, end] (and one unit, or every
unit for the overall row) the list that shows the records the column counts, with the filters
that select them. The records, the number stored in the period's row (reporting/services/
rollups.py counts each family of columns per unit in one grouped query, with these very filters
as the aggregates' conditions), the link of each cell of the roll-up page and the API list all
come from the declaration, so a cell and the list it opens cannot disagree.

A column's filters are query parameters of its list (campaign/listfilters.py), written with the
period's days: `{start}`, `{end}`, and for the weekly reports `{week_from}`/`{week_to}` (the
Mondays of the weeks whose reporting deadline falls in the period). Columns that are states at
the period's end (lights, open problems, report statuses, key-task statuses) read that state as
of `{end}` from the dated transitions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Model, QuerySet
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from campaign.listfilters import ListFilters
from campaign.models import Campaign
from rectification import selectors as rect_selectors
from rectification.models import Closure, Measure, Problem, PublicReport, SiteVisit
from reporting.figures.declaration import API_ROOT
from tasks.models import KeyTask, ResearchActivity, StudyActivity, WeeklyProgress
from tasks.selectors import records as record_selectors
from tasks.selectors.keytasks import KEY_TASK_FILTERS
from tasks.selectors.progress import REPORT_FILTERS
from tasks.weeks import deadline_for, rule_of


@dataclass(frozen=True)
class Family:
    """Records of one model, counted per unit in one grouped query: the list that shows them
    (page and API), its filters, and the unit a record counts for (`unit_path`; None: the
    records belong to no unit and only the overall row has them)."""

    name: str
    model: type[Model]
    list_filters: ListFilters
    unit_path: str | None = "unit"
    unit_param: str = "unit"  # the list's parameter that keeps one unit's records
    html: tuple[str, tuple] | None = None
    api: str | None = None


@dataclass(frozen=True)
class Column:
    """One roll-up column. `filters` select its records on its family's list; a `derived` column
    (reports due, reports missing) counts no records of its own: it is worked out from the due
    weeks and another column, and opens no list."""

    key: str
    label: str | Promise
    family: Family | None
    filters: Mapping[str, str] = field(default_factory=dict)
    derived: bool = False

    @property
    def overall_only(self) -> bool:
        return self.family is not None and self.family.unit_path is None

    def params(
        self, campaign: Campaign, start: dt.date, end: dt.date, unit_id: int | None = None, days: dict | None = None
    ) -> dict[str, str]:
        """The list's query parameters that select this column's records of the period (one
        unit's with `unit_id`); `days`: the period's `period_days`, when the caller has them."""
        days = days or period_days(campaign, start, end)
        query = {"campaign": str(campaign.pk)}
        query.update({name: value.format(**days) for name, value in self.filters.items()})
        if unit_id and self.family is not None and self.family.unit_path is not None:
            query[self.family.unit_param] = str(unit_id)
        return query

    def records(self, campaign: Campaign, start: dt.date, end: dt.date, unit_id: int | None = None) -> QuerySet:
        """Exactly the records the column counts for the period (one unit's, or every unit's)."""
        family = self.family
        rows = family.model._default_manager.all()
        return family.list_filters.apply(rows, self.params(campaign, start, end, unit_id))

    def html_url(self, campaign: Campaign, start: dt.date, end: dt.date, unit_id: int | None = None, days=None) -> str:
        """The list page of the column's records (one unit's with `unit_id`)."""
        if self.derived or self.family.html is None:
            return ""
        name, args = self.family.html
        return f"{reverse(name, args=args)}?{urlencode(self.params(campaign, start, end, unit_id, days))}"

    def api_url(self, campaign: Campaign, start: dt.date, end: dt.date, unit_id: int | None = None, days=None) -> str:
        """The API list of the column's records (one unit's with `unit_id`): its `count` is the figure."""
        if self.derived or self.family.api is None:
            return ""
        return f"{API_ROOT}{self.family.api}?{urlencode(self.params(campaign, start, end, unit_id, days))}"


def due_weeks(campaign: Campaign, start: dt.date, end: dt.date) -> list[dt.date]:
    """The Mondays of the ISO weeks whose reporting deadline falls inside the period."""
    from django.utils import timezone

    first = timezone.make_aware(dt.datetime.combine(start, dt.time.min))
    after = timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min))
    rule = rule_of(campaign)
    monday = start - dt.timedelta(days=start.weekday() + 7)
    weeks = []
    while monday <= end:
        if first <= deadline_for(campaign, monday, rule) < after:
            weeks.append(monday)
        monday += dt.timedelta(days=7)
    return weeks


def period_days(campaign: Campaign, start: dt.date, end: dt.date, weeks: list[dt.date] | None = None) -> dict:
    """What a column's filters are written with: the period's first and last day and the range
    of the weeks due in it (`weeks`, when the caller has them)."""
    weeks = due_weeks(campaign, start, end) if weeks is None else weeks
    # No week due (a daily period without a deadline): a week range that holds no week.
    week_from, week_to = (weeks[0], weeks[-1]) if weeks else (end + dt.timedelta(days=1), start - dt.timedelta(days=1))
    return {"start": start, "end": end, "week_from": week_from, "week_to": week_to}


# --- The families: one list each -------------------------------------------------------------

REPORTS = Family(
    "reports",
    WeeklyProgress,
    REPORT_FILTERS,
    html=("reporting-records", ("reports",)),
    api="progress-reports/",
)
KEY_TASKS = Family(
    "key_tasks",
    KeyTask,
    KEY_TASK_FILTERS,
    unit_path="lead_unit",
    unit_param="lead_unit",
    html=("key-task-list", ()),
    api="key-tasks/",
)
PROBLEMS = Family(
    "problems",
    Problem,
    rect_selectors.LIST_FILTERS[Problem],
    html=("rect-problem-list", ()),
    api="problems/",
)
MEASURES = Family(
    "measures",
    Measure,
    rect_selectors.LIST_FILTERS[Measure],
    unit_path="responsible_unit",
    html=("rect-measure-list", ()),
    api="measures/",
)
# Measures' and special-rectification tasks' closures alike, by the unit that asked.
CLOSURES = Family(
    "closures",
    Closure,
    rect_selectors.CLOSURE_FILTERS,
    html=("reporting-records", ("closures",)),
)
SITE_VISITS = Family(
    "site_visits",
    SiteVisit,
    rect_selectors.LIST_FILTERS[SiteVisit],
    html=("rect-site-visit-list", ()),
    api="site-visits/",
)
STUDY = Family(
    "study",
    StudyActivity,
    record_selectors.LIST_FILTERS[StudyActivity],
    html=("record-list", ("study",)),
    api="study-activities/",
)
RESEARCH = Family(
    "research",
    ResearchActivity,
    record_selectors.LIST_FILTERS[ResearchActivity],
    html=("record-list", ("research",)),
    api="research-activities/",
)
PUBLIC_REPORTS = Family(
    "public_reports",
    PublicReport,
    rect_selectors.LIST_FILTERS[PublicReport],
    unit_path=None,
    html=("rect-report-list", ()),
    api="public-reports/",
)

START, END = "{start}", "{end}"
WEEKS = {"week_from": "{week_from}", "week_to": "{week_to}"}
REPORTED = {**WEEKS, "as_of": "{end}"}  # submitted by the period's end, in the status then
TASKS_THEN = {"status_on": "{end}"}
FOUND = {"as_of": "{end}"}  # problems found by the period's end
BEGUN = {"began_by": "{end}"}  # measures that count by the period's end

COLUMNS: list[Column] = [
    Column("reports_due", _("Reports due"), None, derived=True),
    Column("reports_submitted", _("Reports submitted"), REPORTS, REPORTED),
    Column("reports_on_time", _("Reports on time"), REPORTS, {**REPORTED, "on_time": "1"}),
    Column("reports_late", _("Reports late"), REPORTS, {**REPORTED, "late": "1"}),
    Column("reports_missing", _("Reports missing"), None, derived=True),
    Column("reports_returned", _("Reports returned"), REPORTS, {**REPORTED, "status_then": "returned"}),
    Column("reports_accepted", _("Reports accepted"), REPORTS, {**REPORTED, "status_then": "accepted"}),
    Column("tasks_not_started", _("Key tasks not started"), KEY_TASKS, {**TASKS_THEN, "status_then": "not_started"}),
    Column("tasks_in_progress", _("Key tasks in progress"), KEY_TASKS, {**TASKS_THEN, "status_then": "in_progress"}),
    Column("tasks_done", _("Key tasks done"), KEY_TASKS, {**TASKS_THEN, "status_then": "done"}),
    Column("tasks_overdue", _("Key tasks overdue"), KEY_TASKS, {**TASKS_THEN, "status_then": "overdue"}),
    Column("problems_found", _("Problems found"), PROBLEMS, {"found_from": "{start}", "found_to": "{end}"}),
    Column(
        "problems_closed",
        _("Problems rectified"),
        PROBLEMS,
        {**FOUND, "rectified_from": "{start}", "rectified_to": "{end}"},
    ),
    Column("problems_open", _("Problems open"), PROBLEMS, {**FOUND, "open_on": "{end}"}),
    Column("measures_found", _("Measures added"), MEASURES, {**BEGUN, "entered_from": START, "entered_to": END}),
    Column("measures_closed", _("Measures closed"), MEASURES, {**BEGUN, "closed_on": END, "closed_from": START}),
    Column("measures_overdue", _("Measures overdue"), MEASURES, {**BEGUN, "red_on": "{end}"}),
    Column("measures_new_overdue", _("Newly overdue"), MEASURES, {**BEGUN, "red_on": END, "overdue_from": START}),
    Column("light_green", _("Green lights"), MEASURES, {**BEGUN, "green_on": "{end}"}),
    Column("light_blue", _("Blue lights"), MEASURES, {**BEGUN, "blue_on": "{end}"}),
    Column("light_yellow", _("Yellow lights"), MEASURES, {**BEGUN, "yellow_on": "{end}"}),
    Column("light_red", _("Red lights"), MEASURES, {**BEGUN, "red_on": "{end}"}),
    Column("light_closed", _("Closed (light)"), MEASURES, {**BEGUN, "closed_on": "{end}"}),
    Column("closures_signed_off", _("Closures signed off"), CLOSURES, {"signed_from": "{start}", "signed_to": "{end}"}),
    Column("site_visits", _("Site visits"), SITE_VISITS, {"visited_from": "{start}", "visited_to": "{end}"}),
    Column("study_activities", _("Study activities"), STUDY, {"date_from": "{start}", "date_to": "{end}"}),
    Column(
        "research_activities",
        _("Research trips completed"),
        RESEARCH,
        {"completed_from": "{start}", "completed_to": "{end}"},
    ),
    Column(
        "public_reports_received",
        _("Public reports received"),
        PUBLIC_REPORTS,
        {"received_from": "{start}", "received_to": "{end}"},
    ),
    Column(
        "public_reports_triaged",
        _("Public reports handled"),
        PUBLIC_REPORTS,
        {"triaged_from": "{start}", "triaged_to": "{end}"},
    ),
]

BY_KEY = {column.key: column for column in COLUMNS}


def families() -> list[tuple[Family, list[Column]]]:
    """The counted columns by family, in the order of their first column."""
    grouped: dict[str, tuple[Family, list[Column]]] = {}
    for column in COLUMNS:
        if not column.derived:
            grouped.setdefault(column.family.name, (column.family, []))[1].append(column)
    return list(grouped.values())


def cell_links(campaign: Campaign, start: dt.date, end: dt.date) -> dict[str, tuple[str, str]]:
    """Each counted column's list page for the period, every unit's, and the parameter that keeps
    one unit's records: a cell's link is the page with `&<parameter>=<unit id>` added (the
    overall row's: the page as it is), built without reversing a URL per cell."""
    days = period_days(campaign, start, end)
    links = {}
    for column in COLUMNS:
        url = column.html_url(campaign, start, end, days=days)
        if url:
            links[column.key] = (url, "" if column.overall_only else column.family.unit_param)
    return links


def cell_link(links: dict[str, tuple[str, str]], key: str, unit_id: int | None) -> str:
    """The list behind one cell: the column's page, for the unit (None: the overall row)."""
    url, param = links.get(key, ("", ""))
    if not url or (unit_id and not param):
        return ""
    return f"{url}&{param}={unit_id}" if unit_id else url
