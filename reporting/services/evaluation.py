"""The summary-evaluation draft (总结评估): the seed report's six sections, each opened with the
seed's own heading and filled with the campaign's figures as of a day. A figure the system does
not compute is left as ＊ for the office to fill in, never written as 0."""

from __future__ import annotations

import datetime as dt

from reporting import docx
from reporting.selectors.figures import figure_values


def _fill(values: dict, key: str) -> str:
    value = values.get(key)
    if value is None:
        return "＊"
    if hasattr(value, "normalize"):
        return f"{value.normalize():f}"
    return str(value)


SECTIONS = [
    (
        "一、坚持把顶格推进贯穿始终，确保坚决扛牢主题教育重大政治责任。",
        "同步制定{key_tasks}项重点任务清单。组织编发周报{weekly_reports_issued}期、简报{briefings_issued}期。"
        "建立每日调度、每周汇总、每月总结制度。成立{inspection_groups}个巡回指导组。在第一批主题教育单位设立"
        "{liaisons_in_first_batch_units}名联络员、在{districts}个区市设立{liaisons_in_districts}名联络员，"
        "建立起{liaisons}人的联络员队伍。",
    ),
    (
        "二、坚持把理论学习贯穿始终，确保凝心铸魂、筑牢根本。",
        "市委分{reading_class_topics}个专题举办读书班，督促指导第一批主题教育{units_holding_reading_classes}个单位"
        "领导班子跟进举办。举办{lecture_sessions}期干部讲堂，开展专题辅导交流{tutoring_sessions}次。组织评选"
        "{excellent_party_lessons}篇优秀党课。运用红色教育资源和党性教育基地开展学习{education_base_visits}次。"
        "主题党日现场参加{theme_day_attendance}人，观看人数达到{theme_day_viewers}人次。选拔{propaganda_lecturers}名"
        "专家组成宣讲团，确定{propaganda_topics}个宣讲课题，阐释宣讲{propaganda_sessions}场次，覆盖"
        "{propaganda_audience}人次。举办云报告{online_reports}场。",
    ),
    (
        "三、坚持把调查研究贯穿始终，确保摸清问题、破解难题。",
        "确定{focus_areas}个方面调研重点，确定{city_research_topics}个市级重点课题，指导各单位确定"
        "{unit_research_topics}个专项课题。市委常委同志已开展调查研究{research_activities_by_leaders}次，各单位领导"
        "班子成员领题调研{research_activities_by_unit_teams}次。{units_holding_exchange_meetings}个单位召开调研成果"
        "交流暨典型案例剖析会，剖析正面典型案例{positive_typical_cases}个、反面典型案例{negative_typical_cases}个。"
        "市委常委会形成{city_innovation_measures}条创新举措，各单位形成{unit_innovation_measures}条创新举措。"
        "已破解发展难题{development_problems_solved}个。",
    ),
    (
        "四、坚持把推动发展贯穿始终，确保提质增效、为民造福。",
        "有效解决民生、发展、执法三类诉求{appeals_resolved}件，群众满意率达到{satisfaction_rate}%。组建"
        "{volunteer_teams}支“红色志愿服务”队伍，确定{co_building_projects}个共建项目，吸纳{volunteers}名"
        "“红色志愿者”。解决{business_environment_problems_solved}件营商环境问题。确定民生领域突出问题"
        "{livelihood_problems_listed}个，已解决{livelihood_problems_solved}个；抓实{practical_matters}项市办民生实事。",
    ),
    (
        "五、坚持把检视整改贯穿始终，确保动真碰硬、真查实改。",
        "市级查摆突出问题{problems_city}个、各单位查摆突出问题{problems_units}个，市级制定{measures_city}条整改措施，"
        "各单位制定{measures_units}条整改措施。到现场实地查看重点问题整改完成情况{site_visits}次。目前，市级问题"
        "已整改完成{problems_rectified_city}个，各单位问题已整改完成{problems_rectified_units}个。制定印发"
        "{special_plans}个方案，组建{special_teams}个工作专班，各单位共确定{special_tasks}个专项整治任务。分"
        "{tv_sessions}期开展专题问政，网络直播收看量{tv_viewers}，收集群众问题和建议{tv_questions}个。市委常委同志"
        "带头包案{petition_cases_led}件，已攻坚化解{petition_cases_resolved}件。中央交办重复信访事项"
        "{repeat_petitions}件，已化解{repeat_petitions_resolved}件。",
    ),
    (
        "六、坚持把建章立制贯穿始终，确保堵塞漏洞、常态长效。",
        "指导各单位形成建章立制工作清单，已出台和正在拟定的制度文件{institution_documents}个。其中，以市委、市政府"
        "及“两办”名义制发的文件{institution_documents_by_city}个。",
    ),
]


class _Values(dict):
    def __missing__(self, key):
        return "＊"


def evaluation_text(groups) -> list[tuple[str, str]]:
    values = figure_values(groups)
    filled = _Values({key: _fill(values, key) for key in values})
    return [(heading, text.format_map(filled)) for heading, text in SECTIONS]


def evaluation_docx(*, campaign, groups, as_of: dt.date) -> bytes:
    document = docx.new_document()
    docx.title(document, f"关于{campaign.name}开展情况的总结评估（初稿）")
    docx.body(document, f"（数据截至{as_of:%Y年%m月%d日}，由系统根据台账记录生成；＊为系统未统计的数字，请补充。）")
    for heading, text in evaluation_text(groups):
        docx.heading(document, heading)
        docx.body(document, text)
    docx.body(document, "专此报告。")
    return docx.to_bytes(document)
