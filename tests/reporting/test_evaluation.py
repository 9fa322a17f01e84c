"""The summary-evaluation draft reads as the office writes: 万 for large counts, units as
recorded, the economic indicators, the city's own typical cases, ＊ where nothing is counted."""

import datetime as dt
from decimal import Decimal
from io import BytesIO

from docx import Document

from reporting.figures.values import campaign_figures
from reporting.services.evaluation import evaluation_docx, evaluation_text, in_wan
from tasks.services import development, research, study

DAY = dt.date(2026, 11, 20)


def test_large_counts_are_written_in_wan_with_yu_when_rounded_down():
    assert in_wan(9_999) == "9999"
    assert in_wan(10_000) == "1万"
    assert in_wan(23_456) == "2.3万余"
    assert in_wan(430_987) == "43万余"
    assert in_wan(1_234_567) == "123万余"


def _draft(world) -> str:
    groups = campaign_figures(campaign=world.campaign, as_of=DAY)
    return "\n".join(text for _heading, text in evaluation_text(groups))


def test_the_draft_writes_the_office_s_units_indicators_and_wan(world):
    appeals = development.indicator_create(
        by=world.office, campaign=world.campaign, key="appeals_resolved", name="解决诉求", measure_unit="万件"
    )
    gdp = development.indicator_create(
        by=world.office, campaign=world.campaign, key="gdp_growth", name="地区生产总值增长", measure_unit="%"
    )
    development.indicator_create(
        by=world.office, campaign=world.campaign, key="new_urban_jobs", name="城镇新增就业", measure_unit="万人"
    )
    development.indicator_value_set(indicator=appeals, by=world.office, period_end=DAY, value=Decimal("18.2"))
    development.indicator_value_set(indicator=gdp, by=world.office, period_end=DAY, value=Decimal("5.9"))
    study.study_activity_create(
        by=world.office, campaign=world.campaign, kind="propaganda", title="宣讲", date=DAY, lecturer="王教授",
        topic="中国式现代化", participants=3456, audience=20000,
    )  # fmt: skip
    text = _draft(world)
    assert "三类诉求18.2万件" in text  # as recorded, in 万件: not 182000, not 18.2件
    assert "覆盖2.3万余人次" in text  # 23,456 person-times
    assert "选拔1名专家" in text and "阐释宣讲1场次" in text
    assert "经济指标方面，地区生产总值增长5.9%，城镇新增就业＊万人" in text  # every indicator; one not entered
    assert "群众满意率达到＊%" in text  # not counted: ＊ in its place, the sentence kept
    assert "0万" not in text


def test_the_standing_committee_s_typical_cases_are_the_city_s_own(world):
    def case(kind, unit=None):
        by = world.liaison_a if unit else world.office
        research.typical_case_create(
            by=by, campaign=world.campaign, unit=unit, kind=kind, title="案例", date=DAY, lesson="启示"
        )

    case("positive")
    case("positive", world.unit_a)
    case("negative", world.unit_a)
    text = _draft(world)
    assert "市委常委会剖析1个正面典型案例、0个反面典型案例" in text
    assert "各单位结合实际确定2个典型案例" in text


def test_the_word_draft_carries_the_filled_sections(world):
    groups = campaign_figures(campaign=world.campaign, as_of=DAY)
    document = Document(BytesIO(evaluation_docx(campaign=world.campaign, groups=groups, as_of=DAY)))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "六、坚持把建章立制贯穿始终" in text and "成立2个巡回指导组" in text
