"""Demo study, research, development and institution records over the demo campaign's units:
city-level reading classes, lectures and propaganda tours; every unit's classes with
absentees (some made up), topics, research trips with findings and spot checks, measures
with follow-up visits, cases, meetings; indicators with monthly values; the livelihood list;
volunteer teams; rules drafted and issued.

Idempotent: rows are found by natural keys and saved only when a value differs, so a second
run writes nothing (not even history). Deterministic: one seeded random generator."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction

from campaign.demo import _upsert, demo_campaign, person_name
from campaign.models import Campaign, Coverage, Unit, User
from tasks.models import (
    Absence,
    CoBuildingProject,
    ExchangeMeeting,
    Finding,
    FocusArea,
    FollowUpVisit,
    Indicator,
    IndicatorValue,
    InnovationMeasure,
    InstitutionDocument,
    LivelihoodItem,
    MakeUpSession,
    ResearchActivity,
    ResearchTopic,
    SpotCheck,
    StudyActivity,
    TypicalCase,
    VolunteerTeam,
)

K = StudyActivity.Kind
START = dt.date(2026, 9, 1)
LAST = dt.date(2026, 11, 25)  # the demo's records stop here, whatever day it is loaded

READING_TOPICS = ["习近平经济思想", "党的二十大精神", "新时代党的建设", "习近平生态文明思想", "总体国家安全观"]
PROPAGANDA_TOPICS = [
    "中国式现代化的本质要求",
    "以学铸魂 以学增智",
    "高质量发展是首要任务",
    "全过程人民民主",
    "“千万工程”经验",
    "新时代“枫桥经验”",
]
LECTURERS = [
    "王立群",
    "陈思远",
    "刘海涛",
    "赵文博",
    "孙晓燕",
    "周建华",
    "吴国庆",
    "郑丽君",
    "冯志刚",
    "褚明",
    "卫红",
    "蒋学文",
]
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
CITY_DOCS = [
    ("关于推动作风能力提升常态化长效化的意见", "city_committee"),
    ("市委主题教育领导小组工作规则", "committee_office"),
    ("支持黄河流域生态保护和高质量发展财政政策", "city_government"),
    ("中小学校集中配餐（食堂）管理规范", "government_office"),
    ("中小企业发展促进条例实施办法", "city_government"),
    ("巡回指导组指导要求清单", "committee_office"),
    ("关于深化“双报到”工作的通知", "committee_office"),
    ("重大调研活动报备管理办法", "committee_office"),
]
COMMUNITIES = ["中山区海滨社区", "东港区朝阳社区", "西城区和平社区", "南湖区幸福社区", "北岭区文化社区"]
DOC_PREFIX = {"city_committee": "发", "city_government": "政发"}


def _day(rng: random.Random, start: dt.date = START, end: dt.date = LAST) -> dt.date:
    return start + dt.timedelta(days=rng.randrange((end - start).days + 1))


@transaction.atomic
def load() -> str:
    campaign = demo_campaign()
    rng = random.Random(4)
    units = list(Unit.objects.filter(campaign=campaign).order_by("kind", "name"))
    office = User.objects.get(username="office")
    leaders = [User.objects.get(username="leader"), User.objects.get(username="leader2")]
    liaison_of = {}
    for unit in units:
        liaison = User.objects.filter(liaison__unit=unit).order_by("username").first()
        liaison_of[unit.pk] = liaison or office
    groups = {c.unit_id: c.group for c in Coverage.objects.select_related("group__leader")}
    counts = {
        "study": _study(campaign, rng, units, office, liaison_of),
        "research": _research(campaign, rng, units, office, leaders, liaison_of, groups),
        "development": _development(campaign, rng, units, office, liaison_of),
        "documents": _documents(campaign, rng, units, office, liaison_of),
    }
    return ", ".join(f"{n} {what} records" for what, n in counts.items())


def _activity(campaign: Campaign, unit, title: str, by: User, **values) -> StudyActivity:
    return _upsert(StudyActivity, {"campaign": campaign, "unit": unit, "title": title}, {"created_by": by, **values})


def _study(campaign, rng, units, office, liaison_of) -> int:
    made = 0
    # City level: the standing committee's reading classes, the lecture series, propaganda tours.
    for i, topic in enumerate(READING_TOPICS):
        _activity(
            campaign,
            None,
            f"市委主题教育读书班（第{i + 1}专题）",
            office,
            kind=K.READING_CLASS,
            topic=topic,
            date=START + dt.timedelta(days=14 + 4 * i),
            place="市委党校",
            organiser="市委办公室",
            participants=60 + i,
        )
        made += 1
    for n in range(1, 9):
        _activity(
            campaign,
            None,
            f"“干部讲堂”第{n}期",
            office,
            kind=K.LECTURE,
            session_number=n,
            topic=PROPAGANDA_TOPICS[n % 6],
            lecturer=LECTURERS[n],
            date=START + dt.timedelta(days=10 * n),
            place="市级机关会议中心",
            organiser="市委宣传部",
            participants=300 + 10 * n,
        )
        made += 1
    for n in range(1, 37):
        unit = units[(n * 5) % len(units)]
        _activity(
            campaign,
            None,
            f"宣讲团第{n}场·走进{unit.name}",
            office,
            kind=K.PROPAGANDA,
            topic=PROPAGANDA_TOPICS[n % len(PROPAGANDA_TOPICS)],
            lecturer=LECTURERS[n % len(LECTURERS)],
            date=_day(rng, dt.date(2026, 9, 20)),
            place=unit.name,
            organiser="市委党校",
            participants=rng.randrange(80, 400),
            audience=rng.choice([0, 0, 500, 1200, 3000]),
        )
        made += 1
    for n in range(1, 7):
        _activity(
            campaign,
            None,
            f"“老干部讲党课”云报告第{n}场",
            office,
            kind=K.ONLINE_REPORT,
            date=START + dt.timedelta(days=12 * n),
            organiser="市委老干部局",
            audience=rng.randrange(2000, 9000),
        )
        made += 1
    _activity(
        campaign,
        None,
        "“人民至上”主题党日",
        office,
        kind=K.THEME_DAY,
        date=dt.date(2026, 10, 1),
        place="市人民会堂",
        organiser="市委组织部",
        participants=1200,
        audience=386000,
    )
    made += 1
    # Every unit: a reading class with absentees, tutoring, a party lesson, a base visit, theme days.
    for index, unit in enumerate(units):
        by = liaison_of[unit.pk]
        topic = READING_TOPICS[index % len(READING_TOPICS)]
        day = _day(rng, dt.date(2026, 9, 15), dt.date(2026, 10, 31))
        if index % 9 != 8:  # a few units have not yet held theirs
            cls = _activity(
                campaign,
                unit,
                f"{unit.name}领导班子专题读书班",
                by,
                kind=K.READING_CLASS,
                topic=topic,
                date=day,
                place="本单位会议室",
                organiser=f"{unit.name}党组（党委）",
                participants=rng.randrange(12, 40),
            )
            made += 1
            absent = [person_name(500 + index * 3 + j) for j in range(rng.choice([0, 1, 1, 2, 3]))]
            rows = [
                _upsert(Absence, {"activity": cls, "name": name}, {"reason": rng.choice(["出差", "病假", "公务"])})
                for name in absent
            ]
            if rows and index % 3:
                session = _upsert(
                    MakeUpSession,
                    {"activity": cls, "date": day + dt.timedelta(days=7)},
                    {"content": f"补学“{topic}”专题", "hours": Decimal("3.0"), "created_by": by},
                )
                for row in rows[: max(1, len(rows) - 1)]:
                    _upsert(Absence, {"pk": row.pk}, {"made_up_in": session})
        for n in range(rng.randrange(1, 4)):
            _activity(
                campaign,
                unit,
                f"{unit.name}专题辅导（{n + 1}）",
                by,
                kind=K.TUTORING,
                topic=rng.choice(PROPAGANDA_TOPICS),
                lecturer=person_name(700 + index + n),
                date=_day(rng, dt.date(2026, 9, 20)),
                participants=rng.randrange(30, 120),
            )
            made += 1
        _activity(
            campaign,
            unit,
            f"{unit.name}主要负责同志讲专题党课",
            by,
            kind=K.PARTY_LESSON,
            topic=topic,
            lecturer=unit.head_name or person_name(800 + index),
            date=_day(rng, dt.date(2026, 10, 8)),
            participants=rng.randrange(40, 200),
            rated_excellent=index % 4 == 0,
        )
        made += 1
        if index % 2 == 0:
            _activity(
                campaign,
                unit,
                f"{unit.name}赴党性教育基地现场教学",
                by,
                kind=K.BASE_VISIT,
                place=rng.choice(["中共党史纪念馆", "马克思主义情境教学基地", "革命烈士纪念馆"]),
                date=_day(rng, dt.date(2026, 9, 15)),
                participants=rng.randrange(20, 80),
            )
            made += 1
        _activity(
            campaign,
            unit,
            f"{unit.name}10月主题党日",
            by,
            kind=K.THEME_DAY,
            date=dt.date(2026, 10, 15),
            participants=rng.randrange(30, 150),
            audience=rng.randrange(0, 2000),
        )
        made += 1
    return made


def _research(campaign, rng, units, office, leaders, liaison_of, groups) -> int:
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
        day = _day(rng, dt.date(2026, 9, 12), dt.date(2026, 11, 22))
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
            day = _day(rng, dt.date(2026, 9, 20), dt.date(2026, 11, 20))
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
                {"date": _day(rng, dt.date(2026, 11, 1)), "participants": rng.randrange(10, 40), "created_by": by},
            )
            _upsert(
                TypicalCase,
                {"campaign": campaign, "unit": unit, "title": f"{unit.name}：{rng.choice(CASES_POS + CASES_NEG)}"},
                {
                    "kind": "positive" if index % 3 else "negative",
                    "date": _day(rng, dt.date(2026, 11, 1)),
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
    adopted = (finding.activity.completed_on if finding else None) or _day(
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


def _development(campaign, rng, units, office, liaison_of) -> int:
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


def _documents(campaign, rng, units, office, liaison_of) -> int:
    made = 0
    for i, (title, body) in enumerate(CITY_DOCS):
        issued = i < 6
        started = dt.date(2026, 9, 10) + dt.timedelta(days=6 * i)
        _upsert(
            InstitutionDocument,
            {"campaign": campaign, "unit": None, "title": title},
            {
                "issued_by": body,
                "started_on": started,
                "status": "issued" if issued else "drafting",
                "issued_on": started + dt.timedelta(days=30) if issued else None,
                "doc_number": f"青{DOC_PREFIX.get(body, '办发')}〔2026〕{10 + i}号" if issued else "",
                "institutionalises": "把主题教育中的经验做法固化为制度",
                "created_by": office,
            },
        )
        made += 1
    for index, unit in enumerate(units):
        if index % 3 == 2:
            continue
        started = _day(rng, dt.date(2026, 9, 20), dt.date(2026, 11, 1))
        issued = index % 2 == 0
        _upsert(
            InstitutionDocument,
            {"campaign": campaign, "unit": unit, "title": f"{unit.name}调研成果转化运用工作办法"},
            {
                "issued_by": "unit",
                "started_on": started,
                "status": "issued" if issued else "drafting",
                "issued_on": started + dt.timedelta(days=20) if issued else None,
                "institutionalises": "调研成果转化清单、回访和销号",
                "created_by": liaison_of[unit.pk],
            },
        )
        made += 1
    return made
