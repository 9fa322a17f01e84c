"""Demo development records: indicators with monthly values, the livelihood list, volunteer
teams with their co-building projects."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from campaign.demo import _upsert
from campaign.models import Unit
from tasks.models import (
    CoBuildingProject,
    Indicator,
    IndicatorValue,
    LivelihoodItem,
    VolunteerTeam,
)

LIVELIHOOD_PROBLEMS = [
    "老旧小区雨污管网混接",
    "学校周边交通拥堵",
    "农贸市场环境脏乱",
    "社区养老服务供给不足",
    "夜间停车难",
    "城乡供水水压不稳",
    "背街小巷路灯不亮",
    "公共厕所数量不足",
    "地铁接驳公交班次少",
    "医院就诊排队时间长",
    "城中村消防通道堵塞",
    "口袋公园缺少健身设施",
]


PRACTICAL_MATTERS = [
    "新增中小学学位2万个",
    "改造老旧小区300个",
    "新建社区食堂50处",
    "新增公办托位3000个",
    "改造城市道路20条",
    "建设口袋公园100处",
    "城乡公益性岗位扩容",
    "新增停车泊位1万个",
    "打通未贯通道路10条",
    "实施城中村改造项目8个",
    "建设充电桩5000个",
    "新改建农村公路300公里",
    "建设社区嵌入式服务设施30处",
    "开放森林公园2处",
    "实施饮用水提质工程",
]


BUSINESS_PROBLEMS = [
    "企业开办跨部门材料重复提交",
    "工程建设项目审批时限长",
    "不动产登记“最后一公里”",
    "政府采购保证金退还慢",
    "涉企收费不透明",
    "水电气报装环节多",
    "惠企资金兑现慢",
    "跨境贸易通关时间长",
]


INDICATORS = [
    ("appeals_resolved", "诉求解决件数", "万件", None, "12345政务服务便民热线", [8.6, 13.9, 18.2]),
    ("satisfaction_rate", "群众满意率", "%", Decimal("95"), "12345政务服务便民热线", [96.8, 97.3, 97.6]),
    ("gdp_growth", "地区生产总值增长", "%", Decimal("6"), "市统计局", [5.6, 5.8, 5.9]),
    ("budget_revenue_growth", "一般公共预算收入增长", "%", None, "市财政局", [4.1, 4.9, 5.3]),
    ("new_urban_jobs", "城镇新增就业", "万人", Decimal("15"), "市人力资源社会保障局", [4.2, 8.7, 12.1]),
    ("compounds_renovated", "开工改造老旧小区", "个", Decimal("300"), "市住房城乡建设局", [96, 188, 263]),
    ("major_projects_signed", "新签约10亿元以上大项目", "个", None, "市商务局", [18, 35, 52]),
    ("roads_opened", "开工建设未贯通道路", "条", Decimal("20"), "市住房城乡建设局", [6, 11, 15]),
    ("land_freed", "低效片区新腾空土地", "万亩", None, "市自然资源和规划局", [0.4, 0.9, 1.3]),
    ("villages_signed", "城中村改造签约", "万户", None, "市住房城乡建设局", [1.2, 2.3, 3.1]),
]


COMMUNITIES = ["中山区海滨社区", "东港区朝阳社区", "西城区和平社区", "南湖区幸福社区", "北岭区文化社区"]


def load_development(campaign, rng, units, office, liaison_of) -> int:
    made = 0
    for key, name, unit_of_measure, target, source, values in INDICATORS:
        indicator = _upsert(
            Indicator,
            {"campaign": campaign, "key": key},
            {"name": name, "measure_unit": unit_of_measure, "target": target, "source": source, "created_by": office},
        )
        for period_end, value in zip(
            (dt.date(2026, 9, 30), dt.date(2026, 10, 31), dt.date(2026, 11, 20)), values, strict=True
        ):
            _upsert(
                IndicatorValue,
                {"indicator": indicator, "period_end": period_end},
                {"value": Decimal(str(value)), "source": source, "entered_by": office},
            )
        made += 4
    for i, title in enumerate(LIVELIHOOD_PROBLEMS):
        solved = i % 3 != 2
        listed = dt.date(2026, 9, 10) + dt.timedelta(days=i)
        _upsert(
            LivelihoodItem,
            {"campaign": campaign, "unit": None, "title": title},
            {
                "kind": "problem",
                "listed_on": listed,
                "responsible": rng.choice(["市住房城乡建设局", "市民政局", "市交通运输局"]),
                "status": "solved" if solved else "underway",
                "solved_on": listed + dt.timedelta(days=40) if solved else None,
                "result": "已完成整治并建立长效管护机制" if solved else "",
                "created_by": office,
            },
        )
        made += 1
    for i, title in enumerate(PRACTICAL_MATTERS):
        _upsert(
            LivelihoodItem,
            {"campaign": campaign, "unit": None, "title": title},
            {
                "kind": "practical_matter",
                "listed_on": dt.date(2026, 9, 5),
                "status": "underway",
                "responsible": "市政府办公室",
                "result": "取得阶段性明显成效" if i % 2 == 0 else "",
                "created_by": office,
            },
        )
        made += 1
    for i, title in enumerate(BUSINESS_PROBLEMS):
        unit = units[i % len(units)]
        listed = dt.date(2026, 9, 8) + dt.timedelta(days=3 * i)
        solved = i % 4 != 3
        _upsert(
            LivelihoodItem,
            {"campaign": campaign, "unit": unit, "title": title},
            {
                "kind": "business_environment",
                "listed_on": listed,
                "responsible": unit.name,
                "status": "solved" if solved else "listed",
                "solved_on": listed + dt.timedelta(days=30) if solved else None,
                "created_by": liaison_of[unit.pk],
            },
        )
        made += 1
    organs = [u for u in units if u.kind == Unit.Kind.CITY_ORGAN]
    for index, unit in enumerate(organs):
        team = _upsert(
            VolunteerTeam,
            {"campaign": campaign, "name": f"{unit.name}“红色志愿服务”队"},
            {
                "unit": unit,
                "community": COMMUNITIES[index % len(COMMUNITIES)],
                "formed_on": dt.date(2026, 9, 10) + dt.timedelta(days=index),
                "volunteers": rng.randrange(20, 90),
                "created_by": liaison_of[unit.pk],
            },
        )
        made += 1
        for j in range(1 + index % 3):
            _upsert(
                CoBuildingProject,
                {
                    "team": team,
                    "title": ["认领“微心愿”", "社区助老送餐", "楼院环境共治", "青少年四点半课堂"][(index + j) % 4],
                },
                {"agreed_on": team.formed_on + dt.timedelta(days=7 * (j + 1)), "done": j == 0},
            )
            made += 1
    return made
