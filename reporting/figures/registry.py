"""Every figure of the campaign summary (DOMAIN.md, "The figures a summary must be able to
fill"), declared once, in the seed report's order, line by line. To add a figure, add one
`Figure(...)` here: its list and the filters that select its records (add a filter to the list's
`LIST_FILTERS` if it lacks one), its aggregate and its unit. tests/reporting/test_registry.py
then checks it against its list on several days."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from campaign import selectors as campaign_selectors
from campaign.models import InspectionGroup, Liaison, Unit
from rectification import selectors as rect_selectors
from rectification.models import (
    Closure,
    Measure,
    PetitionCase,
    Problem,
    SiteVisit,
    SpecialRectification,
    SpecialTask,
    TvSession,
    WorkTeam,
)
from reporting.figures.declaration import COUNT, DISTINCT, INDICATOR, SUM, WEEKS, Figure
from reporting.listfilters import BULLETIN_FILTERS
from reporting.models import Bulletin
from tasks.models import (
    CoBuildingProject,
    ExchangeMeeting,
    FocusArea,
    IndicatorValue,
    InnovationMeasure,
    InstitutionDocument,
    KeyTask,
    LivelihoodItem,
    ResearchActivity,
    ResearchTopic,
    StudyActivity,
    TypicalCase,
    VolunteerTeam,
    WeeklyProgress,
)
from tasks.selectors import records as record_selectors
from tasks.selectors.keytasks import KEY_TASK_FILTERS
from tasks.selectors.progress import REPORT_FILTERS


def _unit(text: str):
    return pgettext_lazy("unit of measure", text)


ITEMS = _unit("items")  # 个
MEASURES = _unit("measures")  # 条
PERSON_TIMES = _unit("person-times")  # 人次
PEOPLE = _unit("people")  # 人
PERSONS = _unit("persons")  # 名
TIMES = _unit("times")  # 次
SESSIONS = _unit("sessions")  # 场次
ISSUES = _unit("issues")  # 期
CASES = _unit("cases")  # 件
PIECES = _unit("pieces")  # 篇
TEAMS = _unit("teams")  # 支
TASKS = _unit("tasks")  # 项

LINES = [
    ("push", _("Pushing the work forward")),
    ("study", _("Theory study")),
    ("research", _("Research")),
    ("development", _("Promoting development")),
    ("rectification", _("Examination and rectification")),
    ("institutions", _("Institution building")),
]

RECORDS = record_selectors.RECORDS_SCOPE
RECT = rect_selectors.SCOPE

_study = {"model": StudyActivity, "list_filters": record_selectors.LIST_FILTERS[StudyActivity], "scope": RECORDS}
_study_lists = {"html": ("record-list", ("study",)), "api": "study-activities/"}


def study(key, label, unit, aggregate=COUNT, total="", **filters) -> Figure:
    return Figure(key, "study", label, unit, aggregate, total=total, filters=filters, **_study, **_study_lists)


def record(key, line, label, unit, model, slug, api, aggregate=COUNT, total="", html_filters=None, **filters):
    return Figure(
        key,
        line,
        label,
        unit,
        aggregate,
        model=model,
        list_filters=record_selectors.LIST_FILTERS[model],
        total=total,
        filters=filters,
        html=("record-list", (slug,)) if slug else None,
        html_filters=html_filters,
        api=api,
        scope=RECORDS,
    )


K = StudyActivity.Kind
_liaisons = {
    "model": Liaison,
    "list_filters": campaign_selectors.LIST_FILTERS[Liaison],
    "html": ("liaison-list", ()),
    "api": "liaisons/",
}
_bulletins = {
    "model": Bulletin,
    "list_filters": BULLETIN_FILTERS,
    "html": ("reporting-bulletins", ()),
    "api": "bulletins/",
}


def rect(key, label, unit, model, html, api, aggregate=COUNT, total="", scope=None, **filters) -> Figure:
    return Figure(
        key,
        "rectification",
        label,
        unit,
        aggregate,
        model=model,
        list_filters=rect_selectors.LIST_FILTERS[model],
        total=total,
        filters=filters,
        html=(html, ()) if html else None,
        api=api,
        scope=scope,
    )


def indicator(key: str, label, unit) -> Figure:
    """An outside statistic (the appeal platform's, the statistics bureau's): the value of its
    latest period ending by the day, in the unit it is kept in."""
    return Figure(
        f"indicator:{key}" if key not in ("appeals_resolved", "satisfaction_rate") else key,
        "development",
        label,
        unit,
        INDICATOR,
        model=IndicatorValue,
        list_filters=record_selectors.LIST_FILTERS[IndicatorValue],
        filters={"key": key},
        html=("record-detail", ("indicators", "{indicator}")),
        api="indicators/{indicator}/values/",
        scope=RECORDS,
    )


FIGURES: list[Figure] = [
    # --- 顶格推进 -------------------------------------------------------------------------------
    Figure(
        "key_tasks", "push", _("Key tasks listed"), TASKS, COUNT, model=KeyTask, list_filters=KEY_TASK_FILTERS,
        html=("key-task-list", ()), api="key-tasks/",
    ),
    Figure("weekly_reports_issued", "push", _("Weekly reports issued"), ISSUES, COUNT, filters={"kind": "weekly"},
           **_bulletins),
    Figure("briefings_issued", "push", _("Briefings issued"), ISSUES, COUNT, filters={"kind": "briefing"},
           **_bulletins),
    Figure(
        "inspection_groups", "push", _("Inspection groups"), ITEMS, COUNT, model=InspectionGroup,
        list_filters=campaign_selectors.LIST_FILTERS[InspectionGroup], html=("inspection-groups", ()),
        api="inspection-groups/",
    ),
    Figure("liaisons_in_first_batch_units", "push", _("Liaisons in first-batch units"), PERSONS, COUNT,
           filters={"first_batch": "1"}, **_liaisons),
    Figure(
        "districts", "push", _("Districts"), ITEMS, COUNT, model=Unit,
        list_filters=campaign_selectors.LIST_FILTERS[Unit], filters={"kind": Unit.Kind.DISTRICT},
        html=("unit-list", ()), api="units/",
    ),
    Figure("liaisons_in_districts", "push", _("Liaisons in districts"), PERSONS, COUNT,
           filters={"unit_kind": Unit.Kind.DISTRICT}, **_liaisons),
    Figure("liaisons", "push", _("Liaisons in all"), PEOPLE, COUNT, **_liaisons),
    # --- 理论学习 -------------------------------------------------------------------------------
    study("reading_class_topics", _("Reading-class topics"), ITEMS, DISTINCT, "distinct:topic", kind=K.READING_CLASS,
          level="city"),
    study("units_holding_reading_classes", _("Units holding reading classes"), ITEMS, DISTINCT, "distinct:unit",
          kind=K.READING_CLASS, level="unit"),
    study("lecture_sessions", _("Cadre lecture sessions"), ISSUES, kind=K.LECTURE, level="city"),
    study("tutoring_sessions", _("Tutoring sessions"), TIMES, kind=K.TUTORING),
    study("excellent_party_lessons", _("Excellent party lessons"), PIECES, kind=K.PARTY_LESSON, excellent="1"),
    study("education_base_visits", _("Education-base visits"), TIMES, kind=K.BASE_VISIT),
    study("theme_day_attendance", _("Present at theme party days"), PEOPLE, SUM, "participants", kind=K.THEME_DAY),
    study("theme_day_viewers", _("Theme party day viewers"), PERSON_TIMES, SUM, "audience", kind=K.THEME_DAY),
    study("propaganda_lecturers", _("Propaganda lecturers"), PERSONS, DISTINCT, "distinct:lecturer",
          kind=K.PROPAGANDA),
    study("propaganda_topics", _("Propaganda topics"), ITEMS, DISTINCT, "distinct:topic", kind=K.PROPAGANDA),
    study("propaganda_sessions", _("Propaganda sessions"), SESSIONS, kind=K.PROPAGANDA),
    study("propaganda_audience", _("Propaganda audience"), PERSON_TIMES, SUM, "reach", kind=K.PROPAGANDA),
    study("online_reports", _("Online reports"), SESSIONS, kind=K.ONLINE_REPORT),
    # --- 调查研究 -------------------------------------------------------------------------------
    record("focus_areas", "research", _("Research focus areas"), ITEMS, FocusArea, "focus-areas", "focus-areas/"),
    record("city_research_topics", "research", _("City-level key topics"), ITEMS, ResearchTopic, "topics",
           "research-topics/", level="city"),
    record("unit_research_topics", "research", _("Unit topics"), ITEMS, ResearchTopic, "topics", "research-topics/",
           level="unit"),
    record("research_activities_by_leaders", "research", _("Research trips by city leaders"), TIMES,
           ResearchActivity, "research", "research-activities/", completed_by="{as_of}", by_leader="1"),
    record("research_activities_by_unit_teams", "research", _("Research trips by unit teams"), TIMES,
           ResearchActivity, "research", "research-activities/", completed_by="{as_of}", by_unit_team="1"),
    record("units_holding_exchange_meetings", "research", _("Units holding results-exchange meetings"), ITEMS,
           ExchangeMeeting, "meetings", "exchange-meetings/", DISTINCT, "distinct:unit", level="unit"),
    record("positive_typical_cases", "research", _("Positive typical cases"), ITEMS, TypicalCase, "cases",
           "typical-cases/", kind="positive"),
    record("negative_typical_cases", "research", _("Negative typical cases"), ITEMS, TypicalCase, "cases",
           "typical-cases/", kind="negative"),
    record("city_positive_typical_cases", "research", _("Positive typical cases of the city"), ITEMS, TypicalCase,
           "cases", "typical-cases/", kind="positive", level="city"),
    record("city_negative_typical_cases", "research", _("Negative typical cases of the city"), ITEMS, TypicalCase,
           "cases", "typical-cases/", kind="negative", level="city"),
    record("unit_typical_cases", "research", _("Typical cases of the units"), ITEMS, TypicalCase, "cases",
           "typical-cases/", level="unit"),
    record("city_innovation_measures", "research", _("Innovation measures of the standing committee"), MEASURES,
           InnovationMeasure, "measures", "innovation-measures/", level="city"),
    record("unit_innovation_measures", "research", _("Innovation measures of the units"), MEASURES,
           InnovationMeasure, "measures", "innovation-measures/", level="unit"),
    record("development_problems_solved", "research", _("Development problems solved"), ITEMS, InnovationMeasure,
           "measures", "innovation-measures/", in_place_by="{as_of}",
           uses=f"{InnovationMeasure.Use.SOLVE_PROBLEM},{InnovationMeasure.Use.PROMOTE_DEVELOPMENT}"),
    # --- 推动发展 -------------------------------------------------------------------------------
    indicator("appeals_resolved", _("Appeals resolved"), _unit("10k cases")),
    indicator("satisfaction_rate", _("Satisfaction rate"), "%"),
    record("volunteer_teams", "development", _("Volunteer teams"), TEAMS, VolunteerTeam, "volunteers",
           "volunteer-teams/"),
    Figure("co_building_projects", "development", _("Co-building projects"), ITEMS, COUNT, model=CoBuildingProject,
           list_filters=record_selectors.LIST_FILTERS[CoBuildingProject], html=("co-building-list", ()),
           api="co-building-projects/", scope=RECORDS),
    record("volunteers", "development", _("Volunteers"), PERSONS, VolunteerTeam, "volunteers", "volunteer-teams/",
           SUM, "volunteers"),
    record("business_environment_problems_solved", "development", _("Business-environment problems solved"), CASES,
           LivelihoodItem, "livelihood", "livelihood-items/", kind="business_environment", solved_by="{as_of}"),
    record("livelihood_problems_listed", "development", _("Livelihood problems listed"), ITEMS, LivelihoodItem,
           "livelihood", "livelihood-items/", kind="problem"),
    record("livelihood_problems_solved", "development", _("Livelihood problems solved"), ITEMS, LivelihoodItem,
           "livelihood", "livelihood-items/", kind="problem", solved_by="{as_of}"),
    record("practical_matters", "development", _("Practical matters of the city"), TASKS, LivelihoodItem,
           "livelihood", "livelihood-items/", kind="practical_matter", level="city"),
    # --- 检视整改 -------------------------------------------------------------------------------
    rect("problems_city", _("Problems found at city level"), ITEMS, Problem, "rect-problem-list", "problems/",
         scope=RECT, level=Problem.Level.CITY),
    rect("problems_units", _("Problems found by the units"), ITEMS, Problem, "rect-problem-list", "problems/",
         scope=RECT, level=Problem.Level.UNIT),
    rect("measures_city", _("Measures at city level"), MEASURES, Measure, "rect-measure-list", "measures/",
         scope=RECT, level=Problem.Level.CITY),
    rect("measures_units", _("Measures of the units"), MEASURES, Measure, "rect-measure-list", "measures/",
         scope=RECT, level=Problem.Level.UNIT),
    rect("site_visits", _("On-site visits"), TIMES, SiteVisit, "rect-site-visit-list", "site-visits/"),
    rect("problems_rectified_city", _("City-level problems rectified"), ITEMS, Problem, "rect-problem-list",
         "problems/", scope=RECT, level=Problem.Level.CITY, closed_by="{as_of}"),
    rect("problems_rectified_units", _("Units' problems rectified"), ITEMS, Problem, "rect-problem-list",
         "problems/", scope=RECT, level=Problem.Level.UNIT, closed_by="{as_of}"),
    rect("special_plans", _("Special-rectification plans"), ITEMS, SpecialRectification, "rect-special-list",
         "special-rectifications/"),
    rect("special_teams", _("Work teams"), ITEMS, WorkTeam, "rect-work-team-list", "work-teams/"),
    rect("special_tasks", _("Special-rectification tasks"), ITEMS, SpecialTask, "rect-special-task-list",
         "special-tasks/"),
    rect("tv_sessions", _("TV questioning sessions"), ISSUES, TvSession, "rect-tv-list", "tv-sessions/"),
    rect("tv_viewers", _("Live-stream viewers"), PERSON_TIMES, TvSession, "rect-tv-list", "tv-sessions/", SUM,
         "viewers"),
    rect("tv_questions", _("Questions and suggestions collected"), ITEMS, TvSession, "rect-tv-list", "tv-sessions/",
         SUM, "questions"),
    rect("petition_cases_led", _("Petition cases led by leaders"), CASES, PetitionCase, "rect-petition-list",
         "petition-cases/", kind=PetitionCase.Kind.LEADER_CASE),
    rect("petition_cases_resolved", _("Led cases resolved"), CASES, PetitionCase, "rect-petition-list",
         "petition-cases/", kind=PetitionCase.Kind.LEADER_CASE, resolved_by="{as_of}"),
    rect("repeat_petitions", _("Repeat petitions handed down"), CASES, PetitionCase, "rect-petition-list",
         "petition-cases/", kind=PetitionCase.Kind.REPEAT),
    rect("repeat_petitions_resolved", _("Repeat petitions resolved"), CASES, PetitionCase, "rect-petition-list",
         "petition-cases/", kind=PetitionCase.Kind.REPEAT, resolved_by="{as_of}"),
    # --- 建章立制 -------------------------------------------------------------------------------
    record("institution_documents", "institutions", _("Documents issued or drafting"), ITEMS, InstitutionDocument,
           "documents", "institution-documents/"),
    record("institution_documents_issued", "institutions", _("Documents issued"), ITEMS, InstitutionDocument,
           "documents", "institution-documents/", issued_as_of="{as_of}"),
    record("institution_documents_by_city", "institutions",
           _("Documents issued in the names of the city committee, the government and their offices"), ITEMS,
           InstitutionDocument, "documents", "institution-documents/", issued_as_of="{as_of}", by_city="1"),
]  # fmt: skip

BY_KEY = {figure.key: figure for figure in FIGURES}


# --- The dashboard's numbers (cut to what the viewer may see: reporting/figures/values.py) -----

Light = Measure.Light


def _measures(key, label, **filters) -> Figure:
    return Figure(
        key, "dashboard", label, MEASURES, COUNT, model=Measure, list_filters=rect_selectors.LIST_FILTERS[Measure],
        filters=filters, html=("rect-measure-list", ()), api="measures/",
    )  # fmt: skip


DASHBOARD: list[Figure] = [
    _measures("measures", _("Measures")),
    _measures("measures_red", _("Red: overdue"), light=Light.RED),
    _measures("measures_yellow", _("Yellow: behind"), light=Light.YELLOW),
    _measures("measures_blue", _("Blue: deadline near"), light=Light.BLUE),
    _measures("measures_green", _("Green: on track"), light=Light.GREEN),
    _measures("measures_closed", _("Closed"), light=Light.CLOSED),
    Figure(
        "closures", "dashboard", _("Closures signed off"), ITEMS, COUNT, model=Closure,
        list_filters=rect_selectors.LIST_FILTERS[Closure], html=("reporting-records", ("closures",)), api="closures/",
    ),
]  # fmt: skip


# --- The dashboard's tables: one figure per week or per unit (values.dashboard_table_values) ---
# Each cell links to the list of exactly its records; one GROUP BY per model computes a column
# for every week or unit (`group`). The reports of a week or a unit are those submitted by the
# day asked; the measures and closures, as they stood that day.

REPORTS = _unit("reports")  # 份
WEEKS_OWED = _unit("weeks")  # 周
_week_reports = {
    "model": WeeklyProgress, "list_filters": REPORT_FILTERS, "html": ("reporting-records", ("reports",)),
    "api": "progress-reports/", "group": ("week", "week_start"),
}  # fmt: skip
_unit_reports = {**_week_reports, "group": ("unit", "unit_id")}
_unit_measures = {
    "model": Measure, "list_filters": rect_selectors.LIST_FILTERS[Measure],
    "html": ("reporting-records", ("measures",)), "api": "measures/", "group": ("unit", "responsible_unit_id"),
}  # fmt: skip
_closures = {
    "model": Closure, "list_filters": rect_selectors.LIST_FILTERS[Closure],
    "html": ("reporting-records", ("closures",)), "api": "closures/",
}  # fmt: skip
_submitted = {"due_by": "{as_of}", "submitted_by": "{as_of}"}

WEEK_FIGURES: list[Figure] = [
    # every unit taking part on the day owes each week's report
    Figure("week_reports_due", "dashboard", _("Due"), REPORTS, COUNT, model=Unit,
           list_filters=campaign_selectors.LIST_FILTERS[Unit], html=("unit-list", ()), api="units/"),
    Figure("week_reports_submitted", "dashboard", _("Submitted"), REPORTS, COUNT, **_week_reports,
           filters={"week": "{week}", **_submitted}),
    Figure("week_reports_on_time", "dashboard", _("On time"), REPORTS, COUNT, **_week_reports,
           filters={"week": "{week}", **_submitted, "on_time": "1"}),
    Figure("week_closures", "dashboard", _("Closures signed off"), ITEMS, COUNT, **_closures,
           filters={"signed_off_in_week": "{week}"}, group=("week", "week:decided_at")),
]  # fmt: skip

SCORECARD: list[Figure] = [
    # weeks, not records: the weeks whose deadline had passed; its lists show the unit's reports of them
    Figure("reports_due", "dashboard", _("Reports due (weeks)"), WEEKS_OWED, WEEKS, **_unit_reports,
           filters={"unit": "{unit}", "due_by": "{as_of}"}),
    Figure("reports_submitted", "dashboard", _("Reports submitted"), REPORTS, COUNT, **_unit_reports,
           filters={"unit": "{unit}", **_submitted}),
    Figure("reports_on_time", "dashboard", _("Reports on time"), REPORTS, COUNT, **_unit_reports,
           filters={"unit": "{unit}", **_submitted, "on_time": "1"}),
    Figure("measures", "dashboard", _("Measures"), MEASURES, COUNT, **_unit_measures, filters={"unit": "{unit}"}),
    Figure("measures_due", "dashboard", _("Measures due"), MEASURES, COUNT, **_unit_measures,
           filters={"unit": "{unit}", "due_by": "{as_of}"}),
    Figure("measures_on_time", "dashboard", _("Measures on time"), MEASURES, COUNT, **_unit_measures,
           filters={"unit": "{unit}", "on_time_by": "{as_of}"}),
    Figure("overdue", "dashboard", _("Overdue"), MEASURES, COUNT, **_unit_measures,
           filters={"unit": "{unit}", "light": Light.RED}),
    Figure("closures", "dashboard", _("Closures signed off"), ITEMS, COUNT, **_closures, filters={"unit": "{unit}"},
           group=("unit", "unit_id")),
    Figure("returns", "dashboard", _("Returns"), REPORTS, COUNT, **_unit_reports,
           filters={"unit": "{unit}", "returned_by": "{as_of}"}),
]  # fmt: skip
