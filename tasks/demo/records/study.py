"""Demo study activities: the city's reading classes, lectures and propaganda tours, and every
unit's classes with absentees, some made up."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from campaign.demo import _upsert, person_name
from campaign.models import Campaign, User
from tasks.demo.records.calendar import START, random_day
from tasks.models import (
    Absence,
    MakeUpSession,
    StudyActivity,
)

K = StudyActivity.Kind


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


def _activity(campaign: Campaign, unit, title: str, by: User, **values) -> StudyActivity:
    return _upsert(StudyActivity, {"campaign": campaign, "unit": unit, "title": title}, {"created_by": by, **values})


def load_study(campaign, rng, units, office, liaison_of) -> int:
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
            date=random_day(rng, dt.date(2026, 9, 20)),
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
        day = random_day(rng, dt.date(2026, 9, 15), dt.date(2026, 10, 31))
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
                date=random_day(rng, dt.date(2026, 9, 20)),
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
            date=random_day(rng, dt.date(2026, 10, 8)),
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
                date=random_day(rng, dt.date(2026, 9, 15)),
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
