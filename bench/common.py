"""What the benchmark scripts share: Django set-up, timing statistics, the table and the JSON line.

Each script measures the database named by DATABASE_URL (PostgreSQL for real figures: the
numbers on SQLite mean little). With `--databases URL [URL ...]` a script runs itself once per
database in a child process and prints the results side by side, which is how the same pages
or roll-ups are compared at 1,000 and 10,000 units.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_django() -> None:
    """Make the project importable and configured, as manage.py does."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django
    from django.apps import apps

    if not apps.ready:
        django.setup()


def timed(fn: Callable[[], object], *, runs: int, warmup: int = 1) -> list[float]:
    """Milliseconds of `runs` calls of `fn`, after `warmup` untimed calls."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return times


def stats(ms: list[float]) -> dict:
    ordered = sorted(ms)
    p95 = ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]
    return {
        "runs": len(ms),
        "median_ms": round(statistics.median(ordered), 2),
        "p95_ms": round(p95, 2),
        "min_ms": round(ordered[0], 2),
        "max_ms": round(ordered[-1], 2),
    }


def table(headers: list[str], rows: list[list]) -> str:
    """A plain text table, columns padded to their widest cell."""
    cells = [[str(h) for h in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def machine() -> dict:
    """The machine the figures come from."""
    info = {"cpus": os.cpu_count(), "python": platform.python_version()}
    try:
        with open("/proc/meminfo") as f:
            info["mem_total_gb"] = round(int(f.readline().split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    try:
        from django.db import connection

        info["database"] = connection.vendor
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SHOW server_version")
                info["postgresql"] = cursor.fetchone()[0]
    except Exception:  # noqa: BLE001 - informational only
        pass
    return info


def emit(name: str, result: dict) -> None:
    """The one machine-readable line: {"bench": name, ...}."""
    print(json.dumps({"bench": name, **result}, ensure_ascii=False, default=str))


def run_children(script: str, databases: list[str], args: list[str]) -> list[dict]:
    """Run `script --child ARGS` once per database URL; return each child's JSON result."""
    results = []
    for url in databases:
        env = {**os.environ, "DATABASE_URL": url}
        out = subprocess.run(
            [sys.executable, script, "--child", *args], env=env, capture_output=True, text=True, check=False
        )
        if out.returncode != 0:
            sys.stderr.write(out.stdout + out.stderr)
            raise SystemExit(f"{script} failed on {url}")
        line = [ln for ln in out.stdout.splitlines() if ln.startswith('{"bench"')][-1]
        results.append({"database": url.rsplit("/", 1)[-1], **json.loads(line)})
    return results


# The pieces of a unit's weekly report. Each sentence has fixed words and slots the unit fills
# with its own places, projects, people and numbers, as real reports do: two units' reports
# share the campaign's stock phrases (pairwise shingle similarity mostly 0.05–0.3, measured in
# bench/README.md) but a report is not another unit's copy.
DOINGS = [
    "召开{org}专题会议{n}次，研究{topic}等事项{m}项",
    "{leader}带队到{place}开展走访调研，走访{who}{n}户，收集意见建议{m}条",
    "组织{org}干部集中学习{n}次，围绕{topic}开展交流研讨，{m}名同志作发言",
    "推进{topic}问题整改，已完成{m}项，剩余{n}项明确了责任人和时限",
    "在{place}召开{who}座谈会，听取对{topic}的意见{m}条，现场答复{n}条",
    "对{place}开展督导检查，发现{topic}方面问题{n}个，已督促整改{m}个",
    "{leader}为{org}讲专题党课，{who}{n}人参加，结合{topic}谈体会",
    "完成{project}前期手续{n}项，协调解决{topic}难题{m}个",
    "梳理{topic}台账{n}本，逐项销号{m}项，形成{doc}一份",
]
RESULTS = [
    "{project}已完成投资{n}万元，占年度计划的{m}%",
    "为{who}办理实事{n}件，群众满意率{m}%",
    "形成《{topic}调研报告》初稿，提出对策建议{n}条",
    "修订完善{doc}{n}项，新建制度{m}项",
    "{place}{project}提前{n}天完工，惠及{who}{m}户",
    "建立{topic}工作台账，明确责任单位{n}个、时限{m}项",
]
ISSUES = [
    "{place}{project}因{cause}进度滞后约{n}天",
    "{topic}整改涉及{org}等多个部门，协调难度较大",
    "部分{who}对{topic}政策知晓率不高，仅约{m}%",
    "{doc}落实不够到位，{place}有{n}项工作未按期完成",
    "{cause}导致{project}资金缺口约{n}万元",
]
_SLOTS = {
    "org": ["党组", "党委", "领导班子", "机关支部", "局务会", "党工委", "班子成员"],
    "topic": [
        "营商环境",
        "老旧小区改造",
        "基层减负",
        "安全生产",
        "养老服务",
        "就业帮扶",
        "河湖治理",
        "食品安全",
        "信访积案",
        "农村人居环境",
        "物业管理",
        "停车难",
        "入学难",
        "政务服务",
    ],  # fmt: skip
    "place": [
        "东城街道",
        "西湖社区",
        "新港片区",
        "北山镇",
        "滨江园区",
        "南门村",
        "高新区",
        "老城区",
        "城南街道",
        "工业园",
        "河西社区",
        "东湖村",
    ],  # fmt: skip
    "leader": ["主要负责同志", "分管负责同志", "班子成员", "党组书记", "局长", "副区长"],
    "who": ["企业", "居民", "群众", "村民", "老党员", "个体工商户", "退役军人", "困难家庭"],
    "project": [
        "污水管网改造",
        "便民服务中心",
        "口袋公园",
        "道路提升工程",
        "充电桩建设",
        "农贸市场改造",
        "学校扩建",
        "社区食堂",
        "排涝泵站",
        "背街小巷整治",
    ],  # fmt: skip
    "doc": ["议事规则", "工作制度", "考核办法", "实施方案", "管理细则", "应急预案"],
    "cause": ["征地拆迁", "资金拨付滞后", "天气原因", "设计变更", "审批周期长", "施工力量不足"],
}


def _fill(pick, template: str, unit_id: int) -> str:
    values = {name: pick.choice(options) for name, options in _SLOTS.items()}
    return template.format(n=pick.randint(2, 60), m=pick.randint(1, 99), u=unit_id, **values)


def report_body(version: int, unit_id: int, tasks: list[int]) -> dict:
    """The API body a liaison's save or submit sends for the unit's week: the report's `version`
    and the unit's own text (`unit_report_text`), each task in progress with its note."""
    text = unit_report_text(unit_id, tasks)
    return {
        "version": version,
        "highlights": text["highlights"],
        "problems": text["problems"],
        "next_week_plan": text["next_week_plan"],
        "items": [{"key_task": t, "status": "in_progress", "note": note} for t, note in text["notes"].items()],
    }


def unit_report_text(unit_id: int, tasks: list[int]) -> dict:
    """A unit's own weekly-report text (copy-paste between units is what the similarity check
    flags; a realistic week has little of it): the three narrative fields and one note per task."""
    import random

    pick = random.Random(unit_id)

    def sentences(pool: list[str], count: int) -> str:
        return "；".join(_fill(pick, t, unit_id) for t in pick.sample(pool, count)) + "。"

    return {
        "highlights": sentences(DOINGS, 3) + sentences(RESULTS, 2),
        "problems": sentences(ISSUES, 2),
        "next_week_plan": "下周" + sentences(DOINGS, 2),
        "notes": {t: sentences(RESULTS, 1) for t in tasks},
    }
