"""Records of the study, research, development and institution lines, entered through the
services as a unit or the office would, for unit A, unit B and the city level."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone

from campaign.models import User
from tasks.services import development, institutions, research, study
from tests.factories import UserFactory


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def city_leader(db):
    return UserFactory(username="changwei", full_name="李振华", role=User.Role.LEADER)


@pytest.fixture
def recs(world, city_leader, today):
    """One record of every kind in unit A, one in unit B, and the city-level ones."""
    w = world
    past = today - dt.timedelta(days=10)
    s_a = study.study_activity_create(
        by=w.liaison_a,
        campaign=w.campaign,
        unit=w.unit_a,
        kind="reading_class",
        title="发改委读书班",
        topic="习近平经济思想",
        date=past,
        participants=30,
        absentees=["张三", "李四"],
    )
    s_b = study.study_activity_create(
        by=w.liaison_b,
        campaign=w.campaign,
        unit=w.unit_b,
        kind="reading_class",
        title="中山区读书班",
        topic="习近平经济思想",
        date=past,
        participants=40,
        absentees=["王五"],
    )
    area = research.focus_area_save(by=w.office, campaign=w.campaign, number=1, name="经略海洋")
    t_city = research.research_topic_create(
        by=w.office, campaign=w.campaign, level="city", title="城市更新和城市建设", leader=city_leader, focus_area=area
    )
    t_a = research.research_topic_create(
        by=w.liaison_a, campaign=w.campaign, level="unit", unit=w.unit_a, title="民营经济发展", claimed_by="周强"
    )
    t_b = research.research_topic_create(
        by=w.liaison_b, campaign=w.campaign, level="unit", unit=w.unit_b, title="老旧小区改造", claimed_by="吴敏"
    )
    a_a = research.research_activity_create(
        by=w.liaison_a,
        campaign=w.campaign,
        unit=w.unit_a,
        topic=t_a,
        title="走访民营企业",
        planned_date=past,
        place="高新区",
        visited="海尔卡奥斯",
        people="周强 等3人",
    )
    a_a = research.research_activity_complete(activity=a_a, by=w.liaison_a, findings=["融资难"], on=past)
    a_b = research.research_activity_create(
        by=w.liaison_b,
        campaign=w.campaign,
        unit=w.unit_b,
        topic=t_b,
        title="调研老旧小区",
        planned_date=today,
        place="中山区",
        people="吴敏",
        register=True,
    )
    m_a = research.innovation_measure_create(
        by=w.liaison_a,
        campaign=w.campaign,
        unit=w.unit_a,
        finding=a_a.findings.get(),
        title="设立民企融资服务专班",
        department="金融处",
        use="solve_problem",
        adopted_on=past,
    )
    m_b = research.innovation_measure_create(
        by=w.liaison_b,
        campaign=w.campaign,
        unit=w.unit_b,
        topic=t_b,
        title="小区改造居民议事会",
        department="城建科",
        use="build_rule",
        adopted_on=past,
    )
    meeting_b = research.exchange_meeting_create(
        by=w.liaison_b, campaign=w.campaign, unit=w.unit_b, date=past, title="中山区调研成果交流会"
    )
    case_b = research.typical_case_create(
        by=w.liaison_b,
        campaign=w.campaign,
        unit=w.unit_b,
        kind="negative",
        title="形象工程",
        date=past,
        lesson="杜绝面子工程",
    )
    ind = development.indicator_create(
        by=w.office, campaign=w.campaign, key="satisfaction_rate", name="群众满意率", measure_unit="%"
    )
    item_b = development.livelihood_item_create(
        by=w.liaison_b, campaign=w.campaign, unit=w.unit_b, kind="problem", title="菜市场脏乱", listed_on=past
    )
    team_b = development.volunteer_team_create(
        by=w.liaison_b,
        campaign=w.campaign,
        unit=w.unit_b,
        name="中山区红色志愿服务队",
        community="海滨社区",
        formed_on=past,
        volunteers=25,
    )
    doc_b = institutions.institution_document_create(
        by=w.liaison_b,
        campaign=w.campaign,
        unit=w.unit_b,
        issued_by="unit",
        title="中山区调研工作规则",
        started_on=past,
        institutionalises="调研报备",
    )
    return SimpleNamespace(
        study_a=s_a,
        study_b=s_b,
        area=area,
        topic_city=t_city,
        topic_a=t_a,
        topic_b=t_b,
        activity_a=a_a,
        activity_b=a_b,
        measure_a=m_a,
        measure_b=m_b,
        meeting_b=meeting_b,
        case_b=case_b,
        indicator=ind,
        item_b=item_b,
        team_b=team_b,
        document_b=doc_b,
        past=past,
    )
