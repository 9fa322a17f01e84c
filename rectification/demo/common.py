"""What every part of the rectification demo shares: the fixed dates, the word lists, the
seeded draw, and the idempotent writes (rows matched on their natural keys)."""

from __future__ import annotations

import datetime as dt
import random
import struct
import zlib
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from simple_history.utils import bulk_create_with_history

from campaign.demo import demo_campaign
from campaign.models import Campaign, Coverage, Liaison, Unit, User

SHANGHAI = ZoneInfo("Asia/Shanghai")
REFERENCE = dt.date(2026, 11, 27)  # the demo's "today": lights are drawn against it
EXTENSIONS_DECIDED = dt.date(2026, 11, 10)  # the day the office approved the demo's extensions


def png(width: int = 48, height: int = 32, rgb: tuple[int, int, int] = (90, 140, 90)) -> bytes:
    """A real one-colour PNG, so the evidence previews show a picture."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b"")


PNG = png()

PROBLEMS = [
    ("企业开办审批环节多、时限长", "营商环境"),
    ("惠企政策兑现慢、“最后一公里”不通", "营商环境"),
    ("涉企检查多头重复", "营商环境"),
    ("工程项目审批“体外循环”", "营商环境"),
    ("老旧小区加装电梯推进慢", "民生"),
    ("城中村改造回迁安置滞后", "民生"),
    ("背街小巷路灯不亮、路面破损", "民生"),
    ("群众诉求办理“转而不办”", "作风"),
    ("文山会海、督查检查考核过多", "作风"),
    ("调查研究浮于表面、成果转化不够", "作风"),
    ("重点项目建设进度滞后", "发展"),
    ("招商引资项目落地率不高", "发展"),
    ("农村人居环境整治不彻底", "民生"),
    ("学校周边交通拥堵", "民生"),
    ("医院预约挂号难", "民生"),
    ("执法不规范、“一刀切”", "作风"),
    ("基层减负措施落实不到位", "作风"),
    ("信访积案化解不力", "信访"),
    ("欠薪问题反复出现", "民生"),
    ("政务服务“一网通办”覆盖不全", "营商环境"),
]
# Owners of the demo measures: people, as the measure rules ask (not "有关同志").
OWNERS = ["王建国", "李秀英", "张伟", "刘洋", "陈静", "杨帆", "赵磊", "黄敏", "周涛", "吴婷", "徐刚", "孙丽"]
MEASURES = [
    ("压减审批环节，推行并联审批", 12, 6, "个"),
    ("建立政策兑现“免申即享”清单", 0, 30, "项"),
    ("推行“综合查一次”联合检查", 0, 80, "%"),
    ("完成改造任务", 0, 40, "个"),
    ("限时办结群众诉求", 60, 95, "%"),
    ("开展专项排查整治", 0, 120, "处"),
    ("压减会议文件数量", 100, 70, "%"),
    ("回访企业和群众", 0, 200, "户"),
]
MILESTONES = [
    ["制定工作方案", "完成摸底排查", "集中整治", "验收评估"],
    ["出台制度文件", "组织培训", "全面推开"],
    ["梳理问题清单", "逐项整改", "回头看"],
]
SCENARIOS = [
    ("green", 26),
    ("behind", 12),
    ("missed", 8),
    ("red", 10),
    ("requested", 8),
    ("returned", 5),
    ("closed", 22),
    ("reopened", 3),
    ("extended", 4),
    ("new", 2),
]


def moment(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, 0, tzinfo=SHANGHAI)


def sync(model, queryset, key: tuple[str, ...], rows: list[dict]) -> dict:
    """Create missing rows in bulk (with history); save existing ones only where a value differs.
    Returns every row of `queryset` by key."""
    existing = {tuple(getattr(o, k) for k in key): o for o in queryset}
    fresh = []
    for row in rows:
        found = existing.get(tuple(row[k] for k in key))
        if found is None:
            fresh.append(model(**row))
            continue
        changed = [field for field, value in row.items() if getattr(found, field) != value]
        if changed:
            for field in changed:
                setattr(found, field, row[field])
            found.save(update_fields=[model._meta.get_field(f).name for f in changed])
    if fresh:
        bulk_create_with_history(fresh, model, batch_size=500)
    return {tuple(getattr(o, k) for k in key): o for o in queryset.all()}


def set_m2m(manager, ids) -> None:
    if set(manager.values_list("pk", flat=True)) != set(ids):
        manager.set(ids)


def demo_file(name: str) -> str:
    path = f"rectification/demo/{name}"
    if not default_storage.exists(path):
        default_storage.save(path, ContentFile(PNG))
    return path


def sync_one(model, queryset, key: tuple[str, ...], row: dict):
    """`sync` of a single row: the row, created or brought up to date."""
    return sync(model, queryset, key, [row])[tuple(row[k] for k in key)]


@dataclass
class Demo:
    """The demo campaign and the people the rectification records name, read once."""

    campaign: Campaign
    rng: random.Random
    units: list[Unit]
    organs: list[Unit]
    liaison_of: dict[int, User]
    inspector_of: dict[int, User]
    office: User
    leaders: list[User]


def demo_context() -> Demo:
    campaign = demo_campaign()
    rng = random.Random(42)
    units = list(Unit.objects.filter(campaign=campaign).order_by("kind", "name"))
    organs = [u for u in units if u.kind == Unit.Kind.CITY_ORGAN]
    liaison_of = {}
    for li in Liaison.objects.filter(unit__campaign=campaign).select_related("user").order_by("user__username"):
        liaison_of.setdefault(li.unit_id, li.user)
    inspector_of = {
        c.unit_id: c.group.leader
        for c in Coverage.objects.filter(unit__campaign=campaign).select_related("group__leader")
    }
    office = User.objects.get(username="office")
    leaders = list(User.objects.filter(role=User.Role.LEADER).order_by("username"))
    return Demo(
        campaign=campaign,
        rng=rng,
        units=units,
        organs=organs,
        liaison_of=liaison_of,
        inspector_of=inspector_of,
        office=office,
        leaders=leaders,
    )
