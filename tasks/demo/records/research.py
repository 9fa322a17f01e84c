"""Demo research records: focus areas, city and unit topics, trips with findings and spot
checks, measures with follow-up visits, typical cases and exchange meetings."""

from __future__ import annotations

import datetime as dt
import random

from campaign.demo import _upsert, person_name
from campaign.models import User
from tasks.demo.records.calendar import LAST, random_day
from tasks.models import (
    ExchangeMeeting,
    Finding,
    FocusArea,
    FollowUpVisit,
    InnovationMeasure,
    ResearchActivity,
    ResearchTopic,
    SpotCheck,
    TypicalCase,
)

FOCUS = [
    "经略海洋",
    "打造乡村振兴齐鲁样板先行区",
    "实体经济和招商引资",
    "城市更新和城市建设",
    "作风能力和营商环境",
    "民生保障和社会治理",
]


CITY_TOPICS = [
    ("构建作风能力提升常态化长效化机制", 4),
    ("推进城市更新和城市建设三年攻坚", 3),
    ("海洋经济高质量发展路径", 0),
    ("重点产业链招商引资精准化", 2),
    ("城中村改造群众工作方法", 3),
    ("中小企业融资难融资贵破解", 2),
    ("乡村振兴片区化推进", 1),
    ("12345热线诉求“一门进一门出”", 5),
    ("老旧小区改造长效管护", 3),
    ("港产城融合发展", 0),
    ("优化营商环境条例落地", 4),
    ("教育医疗养老资源倍增", 5),
]


UNIT_TOPIC_TEMPLATES = ["本系统{x}突出问题调研", "服务企业发展{x}调研", "基层减负与{x}调研"]


UNIT_TOPIC_X = ["审批提速", "项目落地", "群众诉求", "安全生产", "人才引进", "数字赋能", "资金保障", "社区治理"]


PLACES = ["西海岸新区", "即墨区", "胶州市", "平度市", "莱西市", "城阳区", "崂山区", "李沧区"]


VISITED = [
    "海尔卡奥斯工业互联网平台",
    "青岛港前湾码头",
    "中车四方股份",
    "某新能源汽车产业园",
    "胶东国际机场临空区",
    "某社区老旧小区改造现场",
    "某农业产业化龙头企业",
    "某城中村改造项目",
    "某海洋生物医药企业",
    "某专精特新“小巨人”企业",
]


FINDINGS = [
    "企业反映融资审批链条长",
    "项目用地指标落实慢",
    "高端人才住房保障不足",
    "涉企检查多头重复",
    "老旧小区加装电梯协调难",
    "物流通道集疏运能力不足",
    "惠企政策知晓率不高",
    "基层报表负担重",
    "村集体经济增收渠道窄",
    "夜间施工扰民投诉多",
]


MEASURES = [
    "建立重点企业“服务专员”制度",
    "推行涉企检查“综合查一次”",
    "设立融资对接常态化平台",
    "实行项目用地“预审+承诺”",
    "建立人才住房“即申即享”机制",
    "推行基层报表“一表通”",
    "建立加装电梯“居民议事会”",
    "推出惠企政策“免申即享”清单",
]


DEPARTMENTS = ["综合处", "政策法规处", "项目推进处", "营商环境处", "财金处", "人事处", "城建科", "社会事务科"]


CASES_POS = ["“尹花创新团队”集智攻关", "“班组一线工作法”推广", "城市更新“片区统筹”做法", "热线诉求“接诉即办”"]


CASES_NEG = ["搞“政绩工程”“形象工程”“面子工程”", "调研“走过场”“打卡式”调研", "文山会海反弹"]


def load_research(campaign, rng, units, office, leaders, liaison_of, groups) -> int:
    made = 0
    areas = [
        _upsert(FocusArea, {"campaign": campaign, "number": i + 1}, {"name": name, "set_on": campaign.start_date})
        for i, name in enumerate(FOCUS)
    ]
    made += len(areas)
    city_topics = []
    for i, (title, area) in enumerate(CITY_TOPICS):
        status = ResearchTopic.Status.CONCLUDED if i % 4 == 0 else ResearchTopic.Status.OPEN
        city_topics.append(
            _upsert(
                ResearchTopic,
                {"campaign": campaign, "unit": None, "title": title},
                {
                    "level": "city",
                    "leader": leaders[i % 2],
                    "focus_area": areas[area],
                    "status": status,
                    "created_by": office,
                },
            )
        )
    made += len(city_topics)
    # City leaders' weekend trips to enterprises and projects.
    for i in range(20):
        topic = city_topics[i % len(city_topics)]
        day = random_day(rng, dt.date(2026, 9, 12), dt.date(2026, 11, 22))
        activity = _trip(
            campaign,
            None,
            topic,
            f"{topic.leader.display_name}第{i + 1}次周末调研：{VISITED[i % len(VISITED)]}",
            office,
            leader=topic.leader,
            planned_date=day,
            place=PLACES[i % len(PLACES)],
            visited=VISITED[i % len(VISITED)],
            people=f"{topic.leader.display_name}及市直有关部门负责同志",
            is_major=True,
            status=ResearchActivity.Status.COMPLETED,
            registered_on=day - dt.timedelta(days=3),
            completed_on=day,
        )
        made += 1 + _findings(activity, rng)
    office_colleague = (
        User.objects.filter(role=User.Role.OFFICE).exclude(pk=office.pk).order_by("username").first() or office
    )
    city_measures = []
    for i in range(10):
        topic = city_topics[i]
        finding = Finding.objects.filter(activity__topic=topic).order_by("pk").first()
        city_measures.append(
            _measure(
                campaign,
                None,
                topic,
                finding,
                f"市委常委会举措：{MEASURES[i % len(MEASURES)]}（{topic.title[:6]}）",
                office,
                rng,
                department=f"市{['发展改革委', '住房城乡建设局', '行政审批服务局', '财政局', '商务局'][i % 5]}",
                verifier=office_colleague,
            )
        )
    made += len(city_measures)
    _upsert(
        ExchangeMeeting,
        {"campaign": campaign, "unit": None, "title": "市委常委会主题教育调研成果交流暨典型案例剖析会"},
        {"date": dt.date(2026, 11, 10), "participants": 35, "note": "常委同志逐一交流调研成果", "created_by": office},
    )
    for title in CASES_POS[:2]:
        _upsert(
            TypicalCase,
            {"campaign": campaign, "unit": None, "title": title},
            {"kind": "positive", "date": dt.date(2026, 11, 10), "lesson": "总结推广经验做法", "created_by": office},
        )
    _upsert(
        TypicalCase,
        {"campaign": campaign, "unit": None, "title": CASES_NEG[0]},
        {"kind": "negative", "date": dt.date(2026, 11, 10), "lesson": "以案为鉴，树立正确政绩观", "created_by": office},
    )
    made += 4
    # Every unit: two topics claimed by team members, trips in every state, results.
    for index, unit in enumerate(units):
        by = liaison_of[unit.pk]
        topics = []
        for j in range(2):
            title = UNIT_TOPIC_TEMPLATES[(index + j) % 3].format(x=UNIT_TOPIC_X[(index * 2 + j) % len(UNIT_TOPIC_X)])
            topics.append(
                _upsert(
                    ResearchTopic,
                    {"campaign": campaign, "unit": unit, "title": title},
                    {
                        "level": "unit",
                        "claimed_by": person_name(900 + index * 2 + j),
                        "focus_area": areas[(index + j) % 6],
                        "created_by": by,
                    },
                )
            )
        made += 2
        for j in range(3):
            topic = topics[j % 2]
            day = random_day(rng, dt.date(2026, 9, 20), dt.date(2026, 11, 20))
            major = j == 0
            state = ResearchActivity.Status.COMPLETED if j < 2 or index % 3 == 0 else ResearchActivity.Status.REGISTERED
            values = {
                "planned_date": day,
                "place": rng.choice(PLACES),
                "visited": rng.choice(VISITED),
                "people": f"{topic.claimed_by}等{rng.randrange(2, 6)}人",
                "is_major": major,
                "status": state,
                "registered_on": day - dt.timedelta(days=2) if major or state == "registered" else None,
                "completed_on": day if state == ResearchActivity.Status.COMPLETED else None,
            }
            activity = _trip(
                campaign, unit, topic, f"{topic.claimed_by}赴{values['visited']}调研（第{j + 1}次）", by, **values
            )
            made += 1
            if state == ResearchActivity.Status.COMPLETED:
                made += _findings(activity, rng)
            if index % 4 == 0 and j == 0 and unit.pk in groups:
                group = groups[unit.pk]
                _upsert(
                    SpotCheck,
                    {"activity": activity, "group": group},
                    {
                        "checked_by": group.leader,
                        "date": day,
                        "method": rng.choice(["random_check", "joined", "called"]),
                        "result": "issue" if index % 8 == 0 else "as_registered",
                        "note": "随行人员与报备不一致，已要求更正" if index % 8 == 0 else "",
                    },
                )
                made += 1
        if index % 5 != 4:
            _upsert(
                ExchangeMeeting,
                {"campaign": campaign, "unit": unit, "title": f"{unit.name}调研成果交流暨典型案例剖析会"},
                {
                    "date": random_day(rng, dt.date(2026, 11, 1)),
                    "participants": rng.randrange(10, 40),
                    "created_by": by,
                },
            )
            _upsert(
                TypicalCase,
                {"campaign": campaign, "unit": unit, "title": f"{unit.name}：{rng.choice(CASES_POS + CASES_NEG)}"},
                {
                    "kind": "positive" if index % 3 else "negative",
                    "date": random_day(rng, dt.date(2026, 11, 1)),
                    "lesson": "举一反三，建立长效机制",
                    "topic": topics[0],
                    "created_by": by,
                },
            )
            made += 2
        for j in range(1 + index % 2):
            finding = Finding.objects.filter(activity__unit=unit, activity__topic=topics[j]).order_by("pk").first()
            _measure(
                campaign,
                unit,
                topics[j],
                finding,
                f"{MEASURES[(index + j) % len(MEASURES)]}（{unit.name}）",
                by,
                rng,
                department=DEPARTMENTS[(index + j) % len(DEPARTMENTS)],
                verifier=groups[unit.pk].leader if unit.pk in groups else office_colleague,
            )
            made += 1
    # The demo liaison (市发展改革委) has a major trip coming that still needs registering.
    ndrc = next((u for u in units if u.name == "市发展改革委"), None)
    if ndrc is not None:
        topic = ResearchTopic.objects.filter(unit=ndrc).order_by("pk").first()
        _trip(
            campaign,
            ndrc,
            topic,
            "赴胶州上合示范区调研物流枢纽建设",
            liaison_of[ndrc.pk],
            planned_date=dt.date(2026, 12, 3),
            place="胶州市",
            visited="上合示范区多式联运中心",
            people=f"{topic.claimed_by}等4人",
            is_major=True,
            status=ResearchActivity.Status.PLANNED,
        )
        made += 1
    return made


def _trip(campaign, unit, topic, title, by, **values) -> ResearchActivity:
    return _upsert(
        ResearchActivity,
        {"campaign": campaign, "unit": unit, "title": title},
        {"topic": topic, "created_by": by, **values},
    )


def _findings(activity: ResearchActivity, rng: random.Random) -> int:
    texts = rng.sample(FINDINGS, rng.choice([1, 2, 2, 3]))
    for text in texts:
        _upsert(Finding, {"activity": activity, "text": text}, {})
    return len(texts)


def _measure(campaign, unit, topic, finding, title, by, rng, *, department, verifier) -> InnovationMeasure:
    """A measure written by `by`; the visit that finds it in place is made by `verifier`, someone
    outside its unit who did not write it (its inspection group, or another office member)."""
    adopted = (finding.activity.completed_on if finding else None) or random_day(
        rng, dt.date(2026, 10, 10), dt.date(2026, 11, 1)
    )
    use = rng.choice(["solve_problem", "solve_problem", "promote_development", "build_rule"])
    stage = rng.choice(["proposed", "underway", "in_place", "in_place"])
    in_place_on = adopted + dt.timedelta(days=21) if stage == "in_place" else None
    if in_place_on and in_place_on > LAST:
        stage, in_place_on = "underway", None
    if stage == "underway" and adopted + dt.timedelta(days=10) > LAST:
        stage = "proposed"  # too recent for a follow-up visit
    measure = _upsert(
        InnovationMeasure,
        {"campaign": campaign, "unit": unit, "title": title},
        {
            "topic": topic,
            "finding": finding,
            "department": department,
            "use": use,
            "adopted_on": adopted,
            "status": stage,
            "in_place_on": in_place_on,
            "outcome": f"{finding.text if finding else '相关问题'}得到解决，形成可复制做法"
            if stage == "in_place"
            else "",
            "description": "明确责任处室、时间节点和量化目标",
            "created_by": by,
        },
    )
    if stage != "proposed":
        _upsert(
            FollowUpVisit,
            {"measure": measure, "date": adopted + dt.timedelta(days=10)},
            {"visited_by": by, "note": "已部署推进，部分企业反映效果初显", "in_place": False},
        )
    if stage == "in_place":
        _upsert(
            FollowUpVisit,
            {"measure": measure, "date": in_place_on},
            {"visited_by": verifier, "note": "回访确认已落地见效", "in_place": True},
        )
    return measure
