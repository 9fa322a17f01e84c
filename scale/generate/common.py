"""What every part of the generator shares: the sizes, the sample texts, the progress bar."""

from __future__ import annotations

import datetime as dt
import sys
import time

from django.utils import timezone

from campaign.models import Unit
from rectification import derive

ROUND_DAYS = derive.ROUND_DAYS
UNITS_PER_GROUP = 25
KEY_TASKS = 60
PROBLEMS_PER_UNIT = 20
CHUNK_UNITS = 250
# Copy-paste index rows per reported report: 25 bands for each of the four texts a real
# report has long enough to be compared (highlights, problems, plan or task notes, the whole).
BANDS_PER_REPORT = 100

KIND_MIX = [
    (Unit.Kind.CITY_ORGAN, "市直单位", 0.2),
    (Unit.Kind.DISTRICT, "区县", 0.1),
    (Unit.Kind.ENTERPRISE, "企业", 0.3),
    (Unit.Kind.INSTITUTION, "事业单位", 0.4),
]
HIGHLIGHTS = [
    "召开专题会议{n}次，部署推进主题教育重点任务，班子成员带头讲党课。",
    "组织集中学习研讨，围绕调查研究形成调研报告{n}篇，梳理问题清单。",
    "推动检视整改，本周新完成整改措施{n}项，群众反映问题得到回应。",
    "开展走访调研{n}次，解决企业和群众急难愁盼问题，建立长效机制。",
]
PROBLEM_TITLES = [
    "审批流程繁琐",
    "服务窗口排队时间长",
    "项目推进迟缓",
    "制度执行不到位",
    "基层负担较重",
    "资金拨付滞后",
    "信息公开不及时",
    "安全隐患排查不彻底",
    "作风不实",
    "群众诉求回应慢",
]


class Progress:
    """A text progress bar on stderr: one line per phase, redrawn in place."""

    def __init__(self, stream=None, enabled: bool = True):
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self.started = time.monotonic()

    def __call__(self, label: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        share = done / total if total else 1.0
        bar = "#" * int(share * 30)
        elapsed = time.monotonic() - self.started
        end = "\n" if done >= total else ""
        self.stream.write(f"\r{label:<10} [{bar:<30}] {share:4.0%} {done:>7}/{total:<7} {elapsed:6.1f}s{end}")
        self.stream.flush()


def aware(day: dt.date, hour: int = 9, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))
