"""The demo campaign: a city's first-batch campaign with its units, liaisons and groups.

Loading is idempotent: rows are looked up by natural keys and only saved when a value
differs, so a second run changes nothing (not even the audit history)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from campaign.models import Campaign, Coverage, InspectionGroup, Liaison, Phase, Unit, User, WorkLine

PASSWORD = "Demo@2026"
CAMPAIGN_NAME = "学习贯彻习近平新时代中国特色社会主义思想主题教育"

PHASES = [
    (1, "动员部署", dt.date(2026, 9, 1), dt.date(2026, 9, 14)),
    (2, "理论学习", dt.date(2026, 9, 15), dt.date(2026, 10, 31)),
    (3, "调查研究", dt.date(2026, 10, 1), dt.date(2026, 11, 30)),
    (4, "检视整改", dt.date(2026, 11, 1), dt.date(2027, 1, 15)),
    (5, "总结评估", dt.date(2027, 1, 16), dt.date(2027, 2, 28)),
]

CITY_ORGANS = [
    "市委办公室",
    "市政府办公室",
    "市委组织部",
    "市委宣传部",
    "市委政法委",
    "市纪委监委机关",
    "市发展改革委",
    "市教育局",
    "市科技局",
    "市工业和信息化局",
    "市公安局",
    "市民政局",
    "市财政局",
    "市人力资源社会保障局",
    "市自然资源和规划局",
    "市生态环境局",
    "市住房城乡建设局",
    "市交通运输局",
    "市水务管理局",
    "市农业农村局",
    "市商务局",
    "市文化和旅游局",
    "市卫生健康委",
    "市应急管理局",
    "市市场监管局",
    "市行政审批服务局",
    "市信访局",
]
DISTRICTS = ["中山区", "东港区", "西城区", "南湖区", "北岭区", "高新区", "临海市", "安平市", "青溪市", "云台县"]
ENTERPRISES = ["市城市建设投资集团", "市交通运输集团", "市水务集团", "市国有资本投资运营集团"]
INSTITUTIONS = ["市第一人民医院", "市职业技术学院"]

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任"
    "沈姚卢傅钟姜崔谭廖范汪陆金石戴贾韦夏邱方侯邹熊孟秦白江阎薛尹段雷黎史龙陶贺顾毛郝龚邵万钱严"
)
GIVEN = [
    "建国",
    "晓明",
    "海燕",
    "志强",
    "丽华",
    "伟",
    "静",
    "敏",
    "磊",
    "娜",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "涛",
    "明",
    "超",
    "秀英",
    "霞",
    "平",
    "刚",
    "桂英",
    "文",
    "鹏",
    "玲",
    "斌",
    "慧",
    "婷",
    "宇",
]

GROUPS = 6
INSPECTOR_GROUP = 1  # the demo `inspector` leads the first group


def person_name(index: int) -> str:
    return SURNAMES[index % len(SURNAMES)] + GIVEN[(index * 7) % len(GIVEN)]


def _upsert(model, lookup: dict, values: dict):
    """Create, or update only the fields that differ; returns the row."""
    row = model.objects.filter(**lookup).first()
    if row is None:
        return model.objects.create(**lookup, **values)
    changed = [field for field, value in values.items() if getattr(row, field) != value]
    if changed:
        for field in changed:
            setattr(row, field, values[field])
        row.save(update_fields=changed)
    return row


def _user(username: str, role: str, full_name: str, *, phone: str = "", work_unit=None, staff=False) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(
            username=username,
            role=role,
            full_name=full_name,
            phone=phone,
            work_unit=work_unit,
            is_staff=staff,
            is_superuser=staff,
        )
        user.set_password(PASSWORD)
        user.save()
        return user
    return _upsert(
        User,
        {"pk": user.pk},
        {
            "role": role,
            "full_name": full_name,
            "phone": phone,
            "work_unit": work_unit,
            "is_staff": staff,
            "is_superuser": staff,
        },
    )


def load() -> str:
    campaign = load_structure()
    return f"{campaign.name}: {campaign.units.count()} units"


def demo_campaign() -> Campaign:
    """The demo campaign, for the other apps' demo loaders."""
    return Campaign.objects.get(name=CAMPAIGN_NAME, batch=1)


@transaction.atomic
def load_structure() -> Campaign:
    # The six lines come from a data migration; a flushed test database may have lost them.
    for number, code in enumerate(WorkLine.Code.values, start=1):
        _upsert(WorkLine, {"code": code}, {"number": number})
    campaign = _upsert(
        Campaign,
        {"name": CAMPAIGN_NAME, "batch": 1},
        {"start_date": dt.date(2026, 9, 1), "end_date": dt.date(2027, 2, 28)},
    )
    for order, name, start, end in PHASES:
        _upsert(Phase, {"campaign": campaign, "order": order}, {"name": name, "start_date": start, "end_date": end})

    units: list[Unit] = []
    for names, kind, batch in (
        (CITY_ORGANS, Unit.Kind.CITY_ORGAN, 1),
        (DISTRICTS, Unit.Kind.DISTRICT, 1),
        (ENTERPRISES, Unit.Kind.ENTERPRISE, 1),
        (INSTITUTIONS, Unit.Kind.INSTITUTION, 1),
    ):
        for name in names:
            units.append(
                _upsert(
                    Unit,
                    {"campaign": campaign, "name": name},
                    {"kind": kind, "batch": batch, "joined_on": campaign.start_date},
                )
            )
    by_name = {u.name: u for u in units}
    # The hospital and college sit under the health and education bureaus.
    _upsert(Unit, {"pk": by_name["市第一人民医院"].pk}, {"parent": by_name["市卫生健康委"]})
    _upsert(Unit, {"pk": by_name["市职业技术学院"].pk}, {"parent": by_name["市教育局"]})

    _user("office", User.Role.OFFICE, "王明远", phone="13905310001", staff=True)
    for n in range(2, 5):
        _user(f"office{n}", User.Role.OFFICE, person_name(200 + n), phone=f"1390531000{n}")
    _user("leader", User.Role.LEADER, "李振华", phone="13905310100")
    _user("leader2", User.Role.LEADER, "张立新", phone="13905310101")

    groups = []
    for number in range(1, GROUPS + 1):
        username = "inspector" if number == INSPECTOR_GROUP else f"inspector{number}"
        head = _user(username, User.Role.INSPECTOR, person_name(100 + number), phone=f"1380531{number:04d}")
        member = _user(
            f"inspector{number}m", User.Role.INSPECTOR, person_name(120 + number), phone=f"1380532{number:04d}"
        )
        group = _upsert(
            InspectionGroup,
            {"campaign": campaign, "number": number},
            {"name": f"第{'一二三四五六'[number - 1]}巡回指导组", "leader": head, "formed_on": dt.date(2026, 9, 3)},
        )
        if set(group.members.values_list("pk", flat=True)) != {member.pk}:
            group.members.set([member])
        groups.append(group)

    # Units are dealt to the six groups in turn, so each covers six or seven.
    for index, unit in enumerate(units):
        group = groups[index % GROUPS]
        _upsert(Coverage, {"unit": unit}, {"group": group})

    # Every unit has a liaison; districts and the bigger organs have two.
    person = 0
    for index, unit in enumerate(units):
        slots = 2 if unit.kind == Unit.Kind.DISTRICT or index % 3 == 0 else 1
        for slot in range(1, slots + 1):
            person += 1
            username = "liaison" if (unit.name == "市发展改革委" and slot == 1) else f"liaison{index + 1:02d}{slot}"
            user = _user(username, User.Role.LIAISON, person_name(person), phone=f"1370531{person:04d}", work_unit=unit)
            _upsert(Liaison, {"user": user}, {"unit": unit, "since": dt.date(2026, 9, 1)})
    return campaign
