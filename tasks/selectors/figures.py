"""The figures of the campaign summary (DOMAIN.md, "The figures a summary must be able to
fill") for the study, research, development and institution lines: one selector per figure,
each a single database aggregate over the records as they stood on `as_of` (a record counts
from its own date: the day of the activity, the day a trip was completed, the day a measure
was in place, the day a document was issued); none loops over rows in Python. Pages read them
all at once through `all_figures` (the thirteen study figures in one aggregate), cached per
campaign, day and change of the records counted (tasks/services/versions.py).

Figures that are outside statistics (appeals resolved, satisfaction rate, GDP growth…) come
from Indicator values: the latest value for a period ending on or before `as_of`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from functools import partial

from django.db.models import Aggregate, Count, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from campaign.models import Campaign
from campaign.selectors import change_counter, counted_per_day
from tasks.models import (
    CoBuildingProject,
    ExchangeMeeting,
    FocusArea,
    IndicatorValue,
    InnovationMeasure,
    InstitutionDocument,
    LivelihoodItem,
    ResearchActivity,
    ResearchTopic,
    StudyActivity,
    TypicalCase,
    VolunteerTeam,
)
from tasks.models.research import Level

Kind = StudyActivity.Kind
RECORDS_SCOPE = "records"  # the change counter moved by tasks/services/versions.py


LEVELS = {"city": Q(unit__isnull=True), "unit": Q(unit__isnull=False), None: Q()}


def _level(rows: QuerySet, level: str | None) -> QuerySet:
    return rows.filter(LEVELS[level])


def _int(rows: QuerySet, expression) -> int:
    return rows.aggregate(n=Coalesce(expression, 0))["n"]


# --- Study (理论学习) ------------------------------------------------------------------------


def _kind(kind: str, level: str | None = None, **more) -> Q:
    """The study activities of a kind (and level) among those of the day."""
    return Q(kind=kind, **more) & LEVELS[level]


# What each study figure counts: (which of the day's activities, the aggregate over them). The
# selectors below count one each, with the kind in WHERE (the campaign-kind-date index);
# `study_figures` counts them all in one pass over the campaign's activities.
STUDY: dict[str, tuple[Q, Callable[..., Aggregate]]] = {
    "reading_class_topics": (_kind(Kind.READING_CLASS, "city"), partial(Count, "topic", distinct=True)),
    "units_holding_reading_classes": (_kind(Kind.READING_CLASS, "unit"), partial(Count, "unit", distinct=True)),
    "lecture_sessions": (_kind(Kind.LECTURE, "city"), partial(Count, "id")),
    "tutoring_sessions": (_kind(Kind.TUTORING), partial(Count, "id")),
    "excellent_party_lessons": (_kind(Kind.PARTY_LESSON, rated_excellent=True), partial(Count, "id")),
    "education_base_visits": (_kind(Kind.BASE_VISIT), partial(Count, "id")),
    "theme_day_attendance": (_kind(Kind.THEME_DAY), partial(Sum, "participants")),
    "theme_day_viewers": (_kind(Kind.THEME_DAY), partial(Sum, "audience")),
    "propaganda_lecturers": (_kind(Kind.PROPAGANDA), partial(Count, "lecturer", distinct=True)),
    "propaganda_topics": (_kind(Kind.PROPAGANDA), partial(Count, "topic", distinct=True)),
    "propaganda_sessions": (_kind(Kind.PROPAGANDA), partial(Count, "id")),
    "propaganda_audience": (_kind(Kind.PROPAGANDA), partial(Sum, F("participants") + F("audience"))),
    "online_reports": (_kind(Kind.ONLINE_REPORT), partial(Count, "id")),
}


def _study(campaign: Campaign, as_of: dt.date, which: Q, aggregate: Callable[..., Aggregate]) -> int:
    return _int(StudyActivity.objects.filter(which, campaign=campaign, date__lte=as_of), aggregate())


def study_figures(campaign: Campaign, as_of: dt.date) -> dict[str, int]:
    """Every figure of STUDY in one aggregate, each filtered to its own activities: the numbers
    of the selectors below (at their default levels), one scan instead of thirteen."""
    rows = StudyActivity.objects.filter(campaign=campaign, date__lte=as_of)
    return rows.aggregate(**{key: Coalesce(aggregate(filter=which), 0) for key, (which, aggregate) in STUDY.items()})


def reading_class_topics(campaign: Campaign, as_of: dt.date) -> int:
    """市委分*个专题举办读书班: the topics of the city-level reading classes."""
    return _study(campaign, as_of, *STUDY["reading_class_topics"])


def units_holding_reading_classes(campaign: Campaign, as_of: dt.date) -> int:
    """督促指导*个单位领导班子跟进举办 (读书班): units that held a reading class."""
    return _study(campaign, as_of, *STUDY["units_holding_reading_classes"])


def lecture_sessions(campaign: Campaign, as_of: dt.date, level: str | None = "city") -> int:
    """举办*期干部讲堂: sessions of the city's lecture series (level=None counts every unit's too)."""
    return _study(campaign, as_of, _kind(Kind.LECTURE, level), partial(Count, "id"))


def tutoring_sessions(campaign: Campaign, as_of: dt.date, level: str | None = None) -> int:
    """开展专题辅导交流*多次: tutoring sessions (expert tutoring, veterans on tradition…)."""
    return _study(campaign, as_of, _kind(Kind.TUTORING, level), partial(Count, "id"))


def excellent_party_lessons(campaign: Campaign, as_of: dt.date) -> int:
    """评选*篇优秀党课: party lessons the office rated excellent."""
    return _study(campaign, as_of, *STUDY["excellent_party_lessons"])


def education_base_visits(campaign: Campaign, as_of: dt.date, level: str | None = None) -> int:
    """运用红色教育资源和党性教育基地开展学习*多次: education-base visits."""
    return _study(campaign, as_of, _kind(Kind.BASE_VISIT, level), partial(Count, "id"))


def theme_day_attendance(campaign: Campaign, as_of: dt.date) -> int:
    """主题党日…*余名党员、干部现场参加: people present at theme party days."""
    return _study(campaign, as_of, *STUDY["theme_day_attendance"])


def theme_day_viewers(campaign: Campaign, as_of: dt.date) -> int:
    """观看人数达到*万人次: people who watched the theme party day (person-times)."""
    return _study(campaign, as_of, *STUDY["theme_day_viewers"])


def propaganda_lecturers(campaign: Campaign, as_of: dt.date) -> int:
    """选拔*名专家组成宣讲团: the distinct lecturers of propaganda sessions."""
    return _study(campaign, as_of, *STUDY["propaganda_lecturers"])


def propaganda_topics(campaign: Campaign, as_of: dt.date) -> int:
    """确定*个宣讲课题: the distinct topics of propaganda sessions."""
    return _study(campaign, as_of, *STUDY["propaganda_topics"])


def propaganda_sessions(campaign: Campaign, as_of: dt.date) -> int:
    """阐释宣讲*场次: propaganda sessions held."""
    return _study(campaign, as_of, *STUDY["propaganda_sessions"])


def propaganda_audience(campaign: Campaign, as_of: dt.date) -> int:
    """覆盖*.*万余人次: people reached by propaganda sessions, present and beyond (person-times)."""
    return _study(campaign, as_of, *STUDY["propaganda_audience"])


def online_reports(campaign: Campaign, as_of: dt.date) -> int:
    """云报告*场: online reports held."""
    return _study(campaign, as_of, *STUDY["online_reports"])


# --- Research (调查研究) ----------------------------------------------------------------------


def focus_areas(campaign: Campaign, as_of: dt.date) -> int:
    """确定…*个方面调研重点: the research plan's focus areas (the plan as it stands)."""
    return _int(FocusArea.objects.filter(campaign=campaign), Count("id"))


def _topics(campaign: Campaign, as_of: dt.date, level: str) -> int:
    rows = ResearchTopic.objects.filter(campaign=campaign, level=level, created_at__date__lte=as_of)
    return _int(rows, Count("id"))


def city_research_topics(campaign: Campaign, as_of: dt.date) -> int:
    """确定*个市级重点课题: city-level key topics, each led by a leader."""
    return _topics(campaign, as_of, Level.CITY)


def unit_research_topics(campaign: Campaign, as_of: dt.date) -> int:
    """确定*余个专项课题: unit topics, each claimed by a member of a unit's leadership team."""
    return _topics(campaign, as_of, Level.UNIT)


def _trips(campaign: Campaign, as_of: dt.date) -> QuerySet:
    return ResearchActivity.objects.filter(
        campaign=campaign, status=ResearchActivity.Status.COMPLETED, completed_on__lte=as_of
    )


def research_activities_by_leaders(campaign: Campaign, as_of: dt.date) -> int:
    """市委常委同志…已开展调查研究*次: completed research trips led by a city leader."""
    return _int(_trips(campaign, as_of).filter(leader__isnull=False), Count("id"))


def research_activities_by_unit_teams(campaign: Campaign, as_of: dt.date) -> int:
    """各单位领导班子成员…领题调研*多次: completed research trips of the units' teams."""
    return _int(_trips(campaign, as_of).filter(unit__isnull=False, leader__isnull=True), Count("id"))


def units_holding_exchange_meetings(campaign: Campaign, as_of: dt.date) -> int:
    """*个单位全部召开调研成果交流暨典型案例剖析会: units that held an exchange meeting."""
    rows = ExchangeMeeting.objects.filter(campaign=campaign, date__lte=as_of, unit__isnull=False)
    return _int(rows, Count("unit", distinct=True))


def typical_cases(campaign: Campaign, as_of: dt.date, kind: str, level: str | None = None) -> int:
    """*个正面典型案例 / *个反面典型案例 (kind "positive" or "negative"); level "city" for the
    standing committee's cases, "unit" for the units'."""
    rows = _level(TypicalCase.objects.filter(campaign=campaign, kind=kind, date__lte=as_of), level)
    return _int(rows, Count("id"))


def innovation_measures(campaign: Campaign, as_of: dt.date, level: str) -> int:
    """市委常委会形成*条创新举措 (level "city") / 各单位形成*条创新举措 (level "unit")."""
    rows = _level(InnovationMeasure.objects.filter(campaign=campaign, adopted_on__lte=as_of), level)
    return _int(rows, Count("id"))


def development_problems_solved(campaign: Campaign, as_of: dt.date) -> int:
    """已破解发展难题*个: measures found in place by a follow-up visit whose use was to solve a
    problem or promote development (rule-building measures count as institutions)."""
    rows = InnovationMeasure.objects.filter(
        campaign=campaign,
        status=InnovationMeasure.Status.IN_PLACE,
        in_place_on__lte=as_of,
        use__in=(InnovationMeasure.Use.SOLVE_PROBLEM, InnovationMeasure.Use.PROMOTE_DEVELOPMENT),
    )
    return _int(rows, Count("id"))


# --- Development (推动发展) -------------------------------------------------------------------


def indicator_value(campaign: Campaign, as_of: dt.date, key: str) -> Decimal | None:
    """The latest value of an indicator (by key) for a period ending on or before `as_of`."""
    return (
        IndicatorValue.objects.filter(indicator__campaign=campaign, indicator__key=key, period_end__lte=as_of)
        .order_by("-period_end")
        .values_list("value", flat=True)
        .first()
    )


def appeals_resolved(campaign: Campaign, as_of: dt.date) -> Decimal | None:
    """有效解决民生、发展、执法三类诉求*万件: from the appeal platform (indicator appeals_resolved)."""
    return indicator_value(campaign, as_of, "appeals_resolved")


def satisfaction_rate(campaign: Campaign, as_of: dt.date) -> Decimal | None:
    """群众满意率达到*.*%: from the appeal platform (indicator satisfaction_rate)."""
    return indicator_value(campaign, as_of, "satisfaction_rate")


def economic_indicators(campaign: Campaign, as_of: dt.date) -> dict[str, Decimal | None]:
    """Every indicator's latest value as of the day (GDP growth, revenue, new jobs, compounds
    renovated, projects signed…), keyed by indicator key, in one query."""
    from tasks.models import Indicator

    latest = IndicatorValue.objects.filter(indicator=OuterRef("pk"), period_end__lte=as_of).order_by("-period_end")
    rows = Indicator.objects.filter(campaign=campaign).annotate(v=Subquery(latest.values("value")[:1]))
    return dict(rows.values_list("key", "v"))


def volunteer_teams(campaign: Campaign, as_of: dt.date) -> int:
    """组建*支“红色志愿服务”队伍: volunteer teams formed."""
    return _int(VolunteerTeam.objects.filter(campaign=campaign, formed_on__lte=as_of), Count("id"))


def co_building_projects(campaign: Campaign, as_of: dt.date) -> int:
    """与结对社区确定*个共建项目: co-building projects agreed with paired communities."""
    rows = CoBuildingProject.objects.filter(team__campaign=campaign, agreed_on__lte=as_of)
    return _int(rows, Count("id"))


def volunteers(campaign: Campaign, as_of: dt.date) -> int:
    """吸纳*余名“红色志愿者”: volunteers in the teams formed."""
    return _int(VolunteerTeam.objects.filter(campaign=campaign, formed_on__lte=as_of), Sum("volunteers"))


def _items(campaign: Campaign, as_of: dt.date, kind: str) -> QuerySet:
    return LivelihoodItem.objects.filter(campaign=campaign, kind=kind, listed_on__lte=as_of)


def business_environment_problems_solved(campaign: Campaign, as_of: dt.date) -> int:
    """解决*件营商环境问题: business-environment problems solved."""
    rows = _items(campaign, as_of, LivelihoodItem.Kind.BUSINESS_ENVIRONMENT)
    return _int(rows.filter(status=LivelihoodItem.Status.SOLVED, solved_on__lte=as_of), Count("id"))


def livelihood_problems_listed(campaign: Campaign, as_of: dt.date) -> int:
    """确定民生领域突出问题*个: prominent livelihood problems listed."""
    return _int(_items(campaign, as_of, LivelihoodItem.Kind.PROBLEM), Count("id"))


def livelihood_problems_solved(campaign: Campaign, as_of: dt.date) -> int:
    """(民生领域突出问题) 已解决*个: of them, solved."""
    rows = _items(campaign, as_of, LivelihoodItem.Kind.PROBLEM)
    return _int(rows.filter(status=LivelihoodItem.Status.SOLVED, solved_on__lte=as_of), Count("id"))


def practical_matters(campaign: Campaign, as_of: dt.date, level: str | None = "city") -> int:
    """抓实*项市办民生实事: practical matters for the people (the city's, by default)."""
    return _int(_level(_items(campaign, as_of, LivelihoodItem.Kind.PRACTICAL_MATTER), level), Count("id"))


# --- Institution building (建章立制) -----------------------------------------------------------


def institution_documents(campaign: Campaign, as_of: dt.date, status: str | None = None, by_city: bool = False) -> int:
    """已出台和正在拟定的制度文件*个 (status None: issued or drafting on the day; "issued";
    "drafting"); by_city=True: 以市委、市政府及“两办”名义制发的文件*个 (issued in those names)."""
    issued = Q(issued_on__lte=as_of)
    drafting = Q(started_on__lte=as_of) & (Q(issued_on__isnull=True) | Q(issued_on__gt=as_of))
    condition = {"issued": issued, "drafting": drafting}.get(status or "", issued | drafting)
    rows = InstitutionDocument.objects.filter(condition, campaign=campaign)
    if by_city:
        rows = rows.filter(issued_by__in=InstitutionDocument.CITY_BODIES)
    return _int(rows, Count("id"))


# The reporting app's index: figure key → (line, what the seed says, selector, keyword arguments).
FIGURES: list[tuple[str, str, str, object, dict]] = [
    ("reading_class_topics", "study", "读书班专题", reading_class_topics, {}),
    ("units_holding_reading_classes", "study", "跟进举办读书班的单位", units_holding_reading_classes, {}),
    ("lecture_sessions", "study", "干部讲堂期数", lecture_sessions, {}),
    ("tutoring_sessions", "study", "专题辅导交流次数", tutoring_sessions, {}),
    ("excellent_party_lessons", "study", "优秀党课", excellent_party_lessons, {}),
    ("education_base_visits", "study", "党性教育基地学习次数", education_base_visits, {}),
    ("theme_day_attendance", "study", "主题党日现场参加人数", theme_day_attendance, {}),
    ("theme_day_viewers", "study", "主题党日观看人次", theme_day_viewers, {}),
    ("propaganda_lecturers", "study", "宣讲团专家", propaganda_lecturers, {}),
    ("propaganda_topics", "study", "宣讲课题", propaganda_topics, {}),
    ("propaganda_sessions", "study", "宣讲场次", propaganda_sessions, {}),
    ("propaganda_audience", "study", "宣讲覆盖人次", propaganda_audience, {}),
    ("online_reports", "study", "云报告场次", online_reports, {}),
    ("focus_areas", "research", "调研重点", focus_areas, {}),
    ("city_research_topics", "research", "市级重点课题", city_research_topics, {}),
    ("unit_research_topics", "research", "专项课题", unit_research_topics, {}),
    ("research_activities_by_leaders", "research", "市委常委调研次数", research_activities_by_leaders, {}),
    ("research_activities_by_unit_teams", "research", "单位班子领题调研次数", research_activities_by_unit_teams, {}),
    ("units_holding_exchange_meetings", "research", "召开成果交流会的单位", units_holding_exchange_meetings, {}),
    ("positive_typical_cases", "research", "正面典型案例", typical_cases, {"kind": "positive"}),
    ("negative_typical_cases", "research", "反面典型案例", typical_cases, {"kind": "negative"}),
    ("city_innovation_measures", "research", "市委常委会创新举措", innovation_measures, {"level": "city"}),
    ("unit_innovation_measures", "research", "各单位创新举措", innovation_measures, {"level": "unit"}),
    ("development_problems_solved", "research", "破解发展难题", development_problems_solved, {}),
    ("appeals_resolved", "development", "解决诉求", appeals_resolved, {}),
    ("satisfaction_rate", "development", "群众满意率", satisfaction_rate, {}),
    ("volunteer_teams", "development", "红色志愿服务队伍", volunteer_teams, {}),
    ("co_building_projects", "development", "共建项目", co_building_projects, {}),
    ("volunteers", "development", "红色志愿者", volunteers, {}),
    (
        "business_environment_problems_solved",
        "development",
        "解决营商环境问题",
        business_environment_problems_solved,
        {},
    ),
    ("livelihood_problems_listed", "development", "民生领域突出问题", livelihood_problems_listed, {}),
    ("livelihood_problems_solved", "development", "已解决民生问题", livelihood_problems_solved, {}),
    ("practical_matters", "development", "市办民生实事", practical_matters, {}),
    ("economic_indicators", "development", "经济指标", economic_indicators, {}),
    ("institution_documents", "institutions", "已出台和正在拟定的制度文件", institution_documents, {}),
    ("institution_documents_issued", "institutions", "已出台的制度文件", institution_documents, {"status": "issued"}),
    (
        "institution_documents_by_city",
        "institutions",
        "以市委、市政府及“两办”名义制发的文件",
        institution_documents,
        {"status": "issued", "by_city": True},
    ),
]


# --- Every figure at once, once per day and change -------------------------------------------


def records_version(*, campaign_id: int) -> int:
    """The campaign's change counter for the records the figures count (tasks/services/versions.py)."""
    return change_counter(campaign_id=campaign_id, scope=RECORDS_SCOPE)


def _count_all(campaign: Campaign, as_of: dt.date) -> dict:
    values = study_figures(campaign, as_of)
    for key, _line, _label, selector, kwargs in FIGURES:
        if key not in values:
            values[key] = selector(campaign, as_of, **kwargs)
    return values


def all_figures(*, campaign: Campaign, as_of: dt.date) -> dict:
    """Every figure of FIGURES as of the day, by key (the study ones in one aggregate): counted once
    per day and change of the campaign's counted records (campaign.selectors.counted_per_day),
    so the next request after a change counts again and no figure is stale."""
    return counted_per_day(
        "figures", campaign_id=campaign.pk, scope=RECORDS_SCOPE, day=as_of, count=lambda: _count_all(campaign, as_of)
    )
