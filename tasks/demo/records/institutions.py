"""Demo institution documents: rules drafted and issued, the city's and the units'."""

from __future__ import annotations

import datetime as dt

from campaign.demo import _upsert
from tasks.demo.records.calendar import random_day
from tasks.models import (
    InstitutionDocument,
)

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


DOC_PREFIX = {"city_committee": "发", "city_government": "政发"}


def load_documents(campaign, rng, units, office, liaison_of) -> int:
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
        started = random_day(rng, dt.date(2026, 9, 20), dt.date(2026, 11, 1))
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
