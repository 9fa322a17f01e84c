"""Each summary figure of the study, research, development and institution lines, computed
from its declaration (reporting/figures/registry.py) over records made here, as of a day
(later records do not count)."""

import datetime as dt
from decimal import Decimal

import pytest

from campaign.models import User
from reporting.figures.registry import BY_KEY, FIGURES
from reporting.figures.values import figure_rows
from tasks.services import development, institutions, research, study
from tests.factories import UserFactory

D1 = dt.date(2026, 10, 1)
D2 = dt.date(2026, 10, 20)
AS_OF = dt.date(2026, 10, 10)  # D1 counts, D2 does not


class _Figures:
    """`f.<key>(campaign, day)`: the value of the figure declared under that key."""

    def __getattr__(self, key):
        return lambda campaign, day: BY_KEY[key].value(campaign, day)


f = _Figures()


@pytest.fixture
def s(world):
    """A study activity maker for the office (city level) or a unit's liaison."""

    def make(kind, date=D1, unit=None, **extra):
        by = {None: world.office, world.unit_a: world.liaison_a, world.unit_b: world.liaison_b}.get(unit, world.office)
        extra.setdefault("title", kind)
        return study.study_activity_create(by=by, campaign=world.campaign, unit=unit, kind=kind, date=date, **extra)

    return make


def test_reading_class_topics_counts_the_city_classes_distinct_topics(world, s):
    s("reading_class", topic="经济思想")
    s("reading_class", topic="经济思想")
    s("reading_class", topic="党的建设")
    s("reading_class", topic="生态文明", date=D2)
    s("reading_class", topic="单位专题", unit=world.unit_a)
    assert f.reading_class_topics(world.campaign, AS_OF) == 2


def test_units_holding_reading_classes_counts_each_unit_once(world, s):
    s("reading_class", topic="一", unit=world.unit_a)
    s("reading_class", topic="二", unit=world.unit_a)
    s("reading_class", topic="一", unit=world.unit_b, date=D2)
    s("reading_class", topic="市级")
    assert f.units_holding_reading_classes(world.campaign, AS_OF) == 1
    assert f.units_holding_reading_classes(world.campaign, D2) == 2


def test_lecture_sessions_counts_the_city_series(world, s):
    s("lecture")
    s("lecture")
    s("lecture", date=D2)
    s("lecture", unit=world.unit_a)
    assert f.lecture_sessions(world.campaign, AS_OF) == 2


def test_tutoring_sessions(world, s):
    s("tutoring", unit=world.unit_a)
    s("tutoring", unit=world.unit_b)
    s("tutoring", unit=world.unit_b, date=D2)
    assert f.tutoring_sessions(world.campaign, AS_OF) == 2


def test_excellent_party_lessons_counts_only_rated_ones(world, s):
    rated = s("party_lesson", unit=world.unit_a)
    s("party_lesson", unit=world.unit_b)
    study.study_activity_rate(activity=rated, by=world.office, excellent=True)
    assert f.excellent_party_lessons(world.campaign, AS_OF) == 1


def test_education_base_visits(world, s):
    s("base_visit", unit=world.unit_a)
    s("base_visit")
    s("theme_day")
    assert f.education_base_visits(world.campaign, AS_OF) == 2


def test_theme_day_attendance_and_viewers(world, s):
    s("theme_day", participants=800, audience=120000)
    s("theme_day", participants=50, audience=3000, unit=world.unit_a)
    s("theme_day", participants=999, audience=999, date=D2)
    assert f.theme_day_attendance(world.campaign, AS_OF) == 850
    assert f.theme_day_viewers(world.campaign, AS_OF) == 123000


def test_propaganda_lecturers_topics_sessions_and_audience(world, s):
    s("propaganda", lecturer="王教授", topic="中国式现代化", participants=200, audience=1000)
    s("propaganda", lecturer="王教授", topic="党的二十大精神", participants=300, audience=0)
    s("propaganda", lecturer="李研究员", topic="中国式现代化", participants=100, audience=50, unit=world.unit_b)
    s("propaganda", lecturer="新人", topic="新题", participants=9, date=D2)
    assert f.propaganda_lecturers(world.campaign, AS_OF) == 2
    assert f.propaganda_topics(world.campaign, AS_OF) == 2
    assert f.propaganda_sessions(world.campaign, AS_OF) == 3
    assert f.propaganda_audience(world.campaign, AS_OF) == 1650


def test_online_reports(world, s):
    s("online_report")
    s("online_report", date=D2)
    assert f.online_reports(world.campaign, AS_OF) == 1


def test_figures_are_zero_without_records(world):
    assert f.propaganda_audience(world.campaign, AS_OF) == 0
    assert f.volunteers(world.campaign, AS_OF) == 0
    assert f.satisfaction_rate(world.campaign, AS_OF) is None


def test_focus_areas_and_topics_by_level(world, recs, city_leader):
    research.focus_area_save(by=world.office, campaign=world.campaign, number=2, name="乡村振兴")
    research.research_topic_create(
        by=world.office, campaign=world.campaign, level="city", title="二号课题", leader=city_leader
    )
    today = recs.past + dt.timedelta(days=10)
    assert f.focus_areas(world.campaign, today) == 2
    assert f.city_research_topics(world.campaign, today) == 2
    assert f.unit_research_topics(world.campaign, today) == 2
    assert f.unit_research_topics(world.campaign, dt.date(2000, 1, 1)) == 0


def test_research_activities_by_leaders_and_by_unit_teams_count_completed_trips(world, city_leader):
    def go(unit, leader, by, complete_on):
        trip = research.research_activity_create(
            by=by,
            campaign=world.campaign,
            unit=unit,
            leader=leader,
            title="调研",
            planned_date=D1,
            place="某地",
            people="某人",
        )
        if complete_on:
            research.research_activity_complete(activity=trip, by=by, findings=["发现"], on=complete_on)

    go(None, city_leader, world.office, D1)
    go(None, city_leader, world.office, D2)  # completed after the day
    go(None, city_leader, world.office, None)  # planned only
    go(world.unit_a, None, world.liaison_a, D1)
    go(world.unit_b, None, world.liaison_b, D1)
    assert f.research_activities_by_leaders(world.campaign, AS_OF) == 1
    assert f.research_activities_by_unit_teams(world.campaign, AS_OF) == 2


def test_units_holding_exchange_meetings(world):
    for unit, by, day in [
        (world.unit_a, world.liaison_a, D1),
        (world.unit_a, world.liaison_a, D1),
        (world.unit_b, world.liaison_b, D2),
        (None, world.office, D1),
    ]:
        research.exchange_meeting_create(by=by, campaign=world.campaign, unit=unit, date=day, title="交流会")
    assert f.units_holding_exchange_meetings(world.campaign, AS_OF) == 1


def test_typical_cases_positive_and_negative(world):
    for kind, unit, by in [
        ("positive", None, world.office),
        ("positive", world.unit_a, world.liaison_a),
        ("negative", None, world.office),
    ]:
        research.typical_case_create(
            by=by, campaign=world.campaign, unit=unit, kind=kind, title="案例", date=D1, lesson="教训"
        )
    assert f.positive_typical_cases(world.campaign, AS_OF) == 2
    assert f.negative_typical_cases(world.campaign, AS_OF) == 1
    assert f.city_positive_typical_cases(world.campaign, AS_OF) == 1


def test_innovation_measures_by_level_and_development_problems_solved(world):
    def measure(unit, by, use, day=D1):
        return research.innovation_measure_create(
            by=by, campaign=world.campaign, unit=unit, title="举措", department="处室", use=use, adopted_on=day
        )

    city = measure(None, world.office, "promote_development")
    a1 = measure(world.unit_a, world.liaison_a, "solve_problem")
    a2 = measure(world.unit_a, world.liaison_a, "build_rule")
    measure(world.unit_b, world.liaison_b, "solve_problem", day=D2)
    assert f.city_innovation_measures(world.campaign, AS_OF) == 1
    assert f.unit_innovation_measures(world.campaign, AS_OF) == 2
    # Found in place from outside (not by their authors): another office member, the unit's group.
    office2 = UserFactory(username="office2", role=User.Role.OFFICE)
    research.follow_up_record(measure=city, by=office2, date=D1, note="落地", in_place=True, outcome="解决")
    research.follow_up_record(measure=a1, by=world.inspector, date=D2, note="落地", in_place=True, outcome="解决")
    research.follow_up_record(measure=a2, by=world.inspector, date=D1, note="落地", in_place=True, outcome="成制度")
    assert f.development_problems_solved(world.campaign, AS_OF) == 1  # a1 was in place later; a2 builds a rule
    assert f.development_problems_solved(world.campaign, D2) == 2


def test_appeals_resolved_satisfaction_and_economic_indicators_come_from_indicator_values(world):
    appeals = development.indicator_create(
        by=world.office, campaign=world.campaign, key="appeals_resolved", name="解决诉求", measure_unit="万件"
    )
    rate = development.indicator_create(
        by=world.office, campaign=world.campaign, key="satisfaction_rate", name="群众满意率", measure_unit="%"
    )
    gdp = development.indicator_create(
        by=world.office, campaign=world.campaign, key="gdp_growth", name="生产总值增长", measure_unit="%"
    )
    for indicator, day, value in [(appeals, D1, "12.3"), (appeals, D2, "15.8"), (rate, D1, "97.6"), (gdp, D1, "5.9")]:
        development.indicator_value_set(indicator=indicator, by=world.office, period_end=day, value=Decimal(value))
    assert f.appeals_resolved(world.campaign, AS_OF) == Decimal("12.3")
    assert f.appeals_resolved(world.campaign, D2) == Decimal("15.8")
    assert f.satisfaction_rate(world.campaign, AS_OF) == Decimal("97.6")
    rows = {row.key: row for row in figure_rows(campaign=world.campaign, as_of=AS_OF)}
    assert (
        rows["indicator:gdp_growth"].value == Decimal("5.9")
        and rows["indicator:gdp_growth"].figure.label == "生产总值增长"
    )
    assert rows["appeals_resolved"].unit == "万件"  # the unit the value is kept in
    assert "indicator:appeals_resolved" not in rows


def test_volunteer_teams_projects_and_volunteers(world):
    t1 = development.volunteer_team_create(
        by=world.liaison_a,
        campaign=world.campaign,
        unit=world.unit_a,
        name="一队",
        community="甲社区",
        formed_on=D1,
        volunteers=30,
    )
    development.volunteer_team_create(
        by=world.liaison_b,
        campaign=world.campaign,
        unit=world.unit_b,
        name="二队",
        community="乙社区",
        formed_on=D1,
        volunteers=12,
    )
    development.volunteer_team_create(
        by=world.liaison_b,
        campaign=world.campaign,
        unit=world.unit_b,
        name="三队",
        community="丙社区",
        formed_on=D2,
        volunteers=99,
    )
    development.co_building_project_add(team=t1, by=world.liaison_a, title="共建一", agreed_on=D1)
    development.co_building_project_add(team=t1, by=world.liaison_a, title="共建二", agreed_on=D2)
    assert f.volunteer_teams(world.campaign, AS_OF) == 2
    assert f.volunteers(world.campaign, AS_OF) == 42
    assert f.co_building_projects(world.campaign, AS_OF) == 1


def test_livelihood_problems_practical_matters_and_business_environment(world):
    def item(kind, status="listed", solved_on=None, unit=None, listed_on=D1):
        by = world.liaison_a if unit else world.office
        return development.livelihood_item_create(
            by=by,
            campaign=world.campaign,
            unit=unit,
            kind=kind,
            title="事项",
            listed_on=listed_on,
            status=status,
            solved_on=solved_on,
        )

    item("problem", "solved", D1)
    item("problem", "solved", D2)
    item("problem", unit=world.unit_a)
    item("practical_matter")
    item("practical_matter", unit=world.unit_a)
    item("business_environment", "solved", D1, unit=world.unit_a)
    item("business_environment")
    assert f.livelihood_problems_listed(world.campaign, AS_OF) == 3
    assert f.livelihood_problems_solved(world.campaign, AS_OF) == 1
    assert f.practical_matters(world.campaign, AS_OF) == 1
    assert f.business_environment_problems_solved(world.campaign, AS_OF) == 1


def test_institution_documents_issued_drafting_and_in_the_citys_name(world):
    def doc(issued_by, unit=None, issue_on=None, started_on=D1):
        by = world.liaison_a if unit else world.office
        document = institutions.institution_document_create(
            by=by,
            campaign=world.campaign,
            unit=unit,
            issued_by=issued_by,
            title="文件",
            started_on=started_on,
            institutionalises="机制",
        )
        if issue_on:
            institutions.institution_document_issue(document=document, by=by, issued_on=issue_on)

    doc("city_committee", issue_on=D1)
    doc("government_office", issue_on=D2)  # drafting on AS_OF, issued later
    doc("unit", unit=world.unit_a, issue_on=D1)
    doc("unit", unit=world.unit_a)
    doc("city_government", started_on=D2)  # not yet begun on AS_OF
    assert f.institution_documents(world.campaign, AS_OF) == 4
    assert f.institution_documents_issued(world.campaign, AS_OF) == 2  # so two were drafting
    assert f.institution_documents_by_city(world.campaign, AS_OF) == 1
    assert f.institution_documents_by_city(world.campaign, D2) == 2


def test_every_figure_is_counted_in_one_query(world, recs, django_assert_num_queries):
    for figure in FIGURES:
        with django_assert_num_queries(1):
            figure.value(world.campaign, AS_OF)


def test_the_figures_page_values_are_each_declarations_own_count(world, recs, s):
    """The figures page reads every figure at once: each must be what its declaration counts."""
    s("reading_class", topic="经济思想")
    s("lecture")
    s("lecture", unit=world.unit_a)
    s("tutoring", unit=world.unit_b)
    study.study_activity_rate(activity=s("party_lesson", unit=world.unit_a), by=world.office, excellent=True)
    s("party_lesson", unit=world.unit_b)
    s("base_visit", unit=world.unit_a)
    s("theme_day", participants=800, audience=120000)
    s("propaganda", lecturer="王教授", topic="中国式现代化", participants=200, audience=1000)
    s("propaganda", lecturer="李研究员", topic="中国式现代化", participants=100, audience=50, unit=world.unit_b)
    s("online_report", date=D2)
    for as_of in (AS_OF, D2, recs.past + dt.timedelta(days=10)):
        every = {row.key: row.value for row in figure_rows(campaign=world.campaign, as_of=as_of)}
        assert {figure.key: every[figure.key] for figure in FIGURES} == {
            figure.key: figure.value(world.campaign, as_of) for figure in FIGURES
        }
    assert every["propaganda_audience"] == 1350 and every["lecture_sessions"] == 1
