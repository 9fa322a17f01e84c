"""The summary-evaluation draft (总结评估): the seed report's six sections, each opened with the
seed's own heading and filled with the campaign's figures as of a day, written as the office
writes them:

- every number carries its unit of measure from the figure's declaration (reporting/figures/);
  an outside statistic carries the unit it is kept in (18.2万件, 97.6%), never multiplied out;
- a count of ten thousand or more is written in 万, with 余 when rounded down (23456 人次 →
  2.3万余人次);
- the economic indicators the office keeps are written out, each with its name and unit;
- the typical cases the standing committee analysed are the city's own, the units' are theirs;
- a figure the system does not count is written ＊ (with its unit) for the office to fill in,
  never 0 and never left out."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_DOWN, Decimal

from django.utils import translation

from campaign.models import Campaign
from reporting import docx
from reporting.figures.values import FigureRow

MISSING = "＊"


def in_wan(number: int) -> str:
    """A count as the office writes it: below 10,000 as it is; from 10,000 in 万 with one decimal
    (whole 万 from a hundred 万 up) and 余 when something was rounded away."""
    if number < 10_000:
        return str(number)
    wan = Decimal(number) / Decimal(10_000)
    step = Decimal("1") if wan >= 100 else Decimal("0.1")
    shown = wan.quantize(step, rounding=ROUND_DOWN)
    text = f"{shown.normalize():f}"
    return f"{text}万余" if shown != wan else f"{text}万"


def written(value, unit: str) -> str:
    """A figure and its unit as the draft writes them."""
    if value is None:
        return f"{MISSING}{unit}"
    if isinstance(value, int):
        return f"{in_wan(value)}{unit}"
    return f"{Decimal(str(value)).normalize():f}{unit}"  # an indicator: as recorded, in its own unit


SECTIONS = [
    (
        "一、坚持把顶格推进贯穿始终，确保坚决扛牢主题教育重大政治责任。",
        "同步制定{key_tasks}重点任务清单。组织编发周报{weekly_reports_issued}、简报{briefings_issued}。"
        "建立每日调度、每周汇总、每月总结制度。成立{inspection_groups}巡回指导组。在第一批主题教育单位设立"
        "{liaisons_in_first_batch_units}联络员、在{districts}区市设立{liaisons_in_districts}联络员，"
        "建立起{liaisons}的联络员队伍。",
    ),
    (
        "二、坚持把理论学习贯穿始终，确保凝心铸魂、筑牢根本。",
        "市委分{reading_class_topics}专题举办读书班，督促指导第一批主题教育{units_holding_reading_classes}单位"
        "领导班子跟进举办。举办{lecture_sessions}干部讲堂，开展专题辅导交流{tutoring_sessions}。组织评选"
        "{excellent_party_lessons}优秀党课。运用红色教育资源和党性教育基地开展学习{education_base_visits}。"
        "主题党日现场参加{theme_day_attendance}，观看人数达到{theme_day_viewers}。选拔{propaganda_lecturers}"
        "专家组成宣讲团，确定{propaganda_topics}宣讲课题，阐释宣讲{propaganda_sessions}，覆盖"
        "{propaganda_audience}。举办云报告{online_reports}。",
    ),
    (
        "三、坚持把调查研究贯穿始终，确保摸清问题、破解难题。",
        "确定{focus_areas}方面调研重点，确定{city_research_topics}市级重点课题，指导各单位确定"
        "{unit_research_topics}专项课题。市委常委同志已开展调查研究{research_activities_by_leaders}，各单位领导"
        "班子成员领题调研{research_activities_by_unit_teams}。市委常委会和{units_holding_exchange_meetings}单位"
        "召开调研成果交流暨典型案例剖析会，市委常委会剖析{city_positive_typical_cases}正面典型案例、"
        "{city_negative_typical_cases}反面典型案例，各单位结合实际确定{unit_typical_cases}典型案例。"
        "市委常委会形成{city_innovation_measures}创新举措，各单位形成{unit_innovation_measures}创新举措。"
        "已破解发展难题{development_problems_solved}。",
    ),
    (
        "四、坚持把推动发展贯穿始终，确保提质增效、为民造福。",
        "有效解决民生、发展、执法三类诉求{appeals_resolved}，群众满意率达到{satisfaction_rate}。组建"
        "{volunteer_teams}“红色志愿服务”队伍，确定{co_building_projects}共建项目，吸纳{volunteers}"
        "“红色志愿者”。解决{business_environment_problems_solved}营商环境问题。{economic_indicators}确定民生领域"
        "突出问题{livelihood_problems_listed}，已解决{livelihood_problems_solved}；抓实{practical_matters}"
        "市办民生实事。",
    ),
    (
        "五、坚持把检视整改贯穿始终，确保动真碰硬、真查实改。",
        "市级查摆突出问题{problems_city}、各单位查摆突出问题{problems_units}，市级制定{measures_city}整改措施，"
        "各单位制定{measures_units}整改措施。到现场实地查看重点问题整改完成情况{site_visits}。目前，市级问题"
        "已整改完成{problems_rectified_city}，各单位问题已整改完成{problems_rectified_units}。制定印发"
        "{special_plans}方案，组建{special_teams}工作专班，各单位共确定{special_tasks}专项整治任务。分"
        "{tv_sessions}开展专题问政，网络直播收看量{tv_viewers}，收集群众问题和建议{tv_questions}。市委常委同志"
        "带头包案{petition_cases_led}，已攻坚化解{petition_cases_resolved}。中央交办重复信访事项"
        "{repeat_petitions}，已化解{repeat_petitions_resolved}。",
    ),
    (
        "六、坚持把建章立制贯穿始终，确保堵塞漏洞、常态长效。",
        "指导各单位形成建章立制工作清单，已出台和正在拟定的制度文件{institution_documents}。其中，以市委、市政府"
        "及“两办”名义制发的文件{institution_documents_by_city}。",
    ),
]


def _economic_indicators(rows) -> str:
    """One sentence with every economic indicator the office keeps, each as recorded."""
    parts = [
        f"{row.figure.label}{written(row.value, str(row.unit))}" for row in rows if row.key.startswith("indicator:")
    ]
    return "经济指标方面，" + "，".join(parts) + "。" if parts else ""


class _Filled(dict):
    def __missing__(self, key):
        return MISSING  # a figure the registry does not declare (yet): for the office to fill in


def evaluation_text(groups: list[tuple[str, str, list[FigureRow]]]) -> list[tuple[str, str]]:
    """The six sections' headings and texts, filled with the figures of `groups`."""
    rows = [row for _code, _label, figures in groups for row in figures]
    with translation.override("zh-hans"):  # the draft is Chinese whatever the reader's language
        filled = _Filled({row.key: written(row.value, str(row.unit)) for row in rows})
        filled["economic_indicators"] = _economic_indicators(rows)
    return [(heading, text.format_map(filled)) for heading, text in SECTIONS]


def evaluation_docx(*, campaign: Campaign, groups: list[tuple[str, str, list[FigureRow]]], as_of: dt.date) -> bytes:
    document = docx.new_document()
    docx.title(document, f"关于{campaign.name}开展情况的总结评估（初稿）")
    docx.body(document, f"（数据截至{as_of:%Y年%m月%d日}，由系统根据台账记录生成；＊为系统未统计的数字，请补充。）")
    for heading, text in evaluation_text(groups):
        docx.heading(document, heading)
        docx.body(document, text)
    docx.body(document, "专此报告。")
    return docx.to_bytes(document)
