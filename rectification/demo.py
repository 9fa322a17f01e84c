"""The rectification part of the demo campaign: ~200 problems and ~500 measures in every state
and light, the dispatch rounds, a special rectification with its work teams, an arena round,
public reports, TV questioning and petition cases.

Idempotent: everything is drawn from `random.Random(42)` against fixed dates, rows are
matched on their natural keys, created in bulk (with their history) when missing and saved
only when a value differs, so a second run writes nothing."""

from __future__ import annotations

import datetime as dt
import random
import struct
import zlib
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from campaign.demo import demo_campaign
from campaign.models import Coverage, Liaison, Unit, User
from rectification.models import (
    ArenaCriterion,
    ArenaRound,
    ArenaScore,
    Closure,
    DispatchMiss,
    DispatchRound,
    Evidence,
    Extension,
    Measure,
    MeasureProgress,
    PetitionCase,
    Problem,
    PublicReport,
    SiteVisit,
    SpecialRectification,
    SpecialTask,
    TvQuestion,
    TvSession,
    WorkTeam,
)
from rectification.services.dispatch import ROUND_DAYS
from rectification.services.measuring import on_track_until

SHANGHAI = ZoneInfo("Asia/Shanghai")
REFERENCE = dt.date(2026, 11, 27)  # the demo's "today": lights are drawn against it
EXTENSIONS_DECIDED = dt.date(2026, 11, 10)  # the day the office approved the demo's extensions


def _png(width: int = 48, height: int = 32, rgb: tuple[int, int, int] = (90, 140, 90)) -> bytes:
    """A real one-colour PNG, so the evidence previews show a picture."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b"")


PNG = _png()

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


def _moment(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, 0, tzinfo=SHANGHAI)


def _sync(model, queryset, key: tuple[str, ...], rows: list[dict]) -> dict:
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


def _set_m2m(manager, ids) -> None:
    if set(manager.values_list("pk", flat=True)) != set(ids):
        manager.set(ids)


def _file(name: str) -> str:
    path = f"rectification/demo/{name}"
    if not default_storage.exists(path):
        default_storage.save(path, ContentFile(PNG))
    return path


@transaction.atomic
def load() -> str:
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

    # --- dispatch rounds: the past ones closed out ----------------------------------
    round_rows = []
    number, opens = 1, campaign.start_date
    while opens <= REFERENCE:
        due = opens + dt.timedelta(days=ROUND_DAYS - 1)
        over = due < REFERENCE
        round_rows.append(
            {
                "campaign_id": campaign.pk,
                "number": number,
                "opens_on": opens,
                "due_on": due,
                "reminded_at": _moment(due - dt.timedelta(days=3), 8) if over else None,
                "closed_out_at": _moment(due + dt.timedelta(days=1), 8) if over else None,
            }
        )
        number, opens = number + 1, opens + dt.timedelta(days=ROUND_DAYS)
    rounds = _sync(DispatchRound, DispatchRound.objects.filter(campaign=campaign), ("number",), round_rows)
    closed_rounds = [r for (_n,), r in sorted(rounds.items()) if r.closed_out_at]
    last_closed = closed_rounds[-1]

    # --- problems and measures ---------------------------------------------------------
    problem_rows, measure_plans = [], []
    for index in range(200):
        city = index < 40
        unit = organs[index % len(organs)] if city else units[(index * 7) % len(units)]
        title, category = PROBLEMS[rng.randrange(len(PROBLEMS))]
        source = rng.choices([s.value for s in Problem.Source], weights=[50, 20, 8, 6, 6, 10])[0]
        code = f"C{index + 1:03d}" if city else f"U{index - 39:03d}"
        problem_rows.append(
            {
                "campaign_id": campaign.pk,
                "code": code,
                "title": title if city else f"{unit.name}{title}",
                "description": f"{title}，群众反映集中，需限期整改。",
                "level": Problem.Level.CITY if city else Problem.Level.UNIT,
                "unit_id": unit.pk,
                "source": source,
                "category": category,
                "severity": rng.choices(["general", "serious", "major"], weights=[6, 3, 1])[0],
                "created_by_id": office.pk,
            }
        )
        owners = [unit] + ([organs[(index + k) % len(organs)] for k in (3, 11)] if city else [])
        rectified = rng.random() < 0.3  # about a third of the problems are fully rectified
        for number in range(1, rng.choice([2, 2, 3, 3, 3]) + 1):
            scenario = rng.choices([s for s, _w in SCENARIOS], weights=[w for _s, w in SCENARIOS])[0]
            scenario = "closed" if rectified else scenario
            measure_plans.append(
                (code, number, owners[(number - 1) % len(owners)], scenario, rng.random(), rng.random())
            )

    # A problem was found before its first measure began (an inspection, a complaint, the
    # self-examination), spread from the campaign's start to late October, so that every past
    # period of the demo shows problems found; never after the day the demo is loaded.
    first_start: dict[str, dt.date] = {}
    for code, _number, _owner, scenario, a, _b in measure_plans:
        start = campaign.start_date + dt.timedelta(days=14 + int(a * 40))
        if scenario != "new":
            first_start[code] = min(first_start.get(code, start), start)
    for index, row in enumerate(problem_rows):
        found = first_start.get(row["code"], REFERENCE) - dt.timedelta(days=1 + index % 12)
        row["found_on"] = min(max(found, campaign.start_date), timezone.localdate())

    # Closures are spread over the last eight weeks (never before a measure has run a week),
    # so the closures-over-time chart has a history.
    closing_day: dict[tuple, dt.date] = {}
    for code, number, _owner, _scenario, a, _b in measure_plans:
        start = campaign.start_date + dt.timedelta(days=14 + int(a * 40))
        weeks_ago = (number * 3 + len(code) + int(a * 10)) % 8
        closing_day[(code, number)] = max(
            start + dt.timedelta(days=7), REFERENCE - dt.timedelta(days=2 + 7 * weeks_ago)
        )

    # A problem's status follows its measures.
    closed_by_problem: dict[str, list] = {}
    for code, number, _owner, scenario, _a, _b in measure_plans:
        closed_by_problem.setdefault(code, []).append(closing_day[(code, number)] if scenario == "closed" else None)
    for row in problem_rows:
        days = closed_by_problem[row["code"]]
        all_closed = all(days)
        row["status"] = Problem.Status.CLOSED if all_closed else Problem.Status.IN_PROGRESS
        row["closed_at"] = _moment(max(days), 16) if all_closed else None
    problems = _sync(Problem, Problem.objects.filter(campaign=campaign), ("code",), problem_rows)

    measure_rows, progress_plan, closure_plan, extension_plan, misses = [], [], [], [], []
    for code, number, owner, scenario, a, b in measure_plans:
        problem = problems[(code,)]
        start = campaign.start_date + dt.timedelta(days=14 + int(a * 40))
        deadline = dt.date(2026, 12, 15) + dt.timedelta(days=int(b * 75))
        original = deadline
        if scenario == "red":
            deadline = REFERENCE - dt.timedelta(days=3 + int(b * 30))
            original = deadline
        if scenario == "new":
            start = REFERENCE - dt.timedelta(days=2)
        if scenario == "extended":
            original = deadline - dt.timedelta(days=30)
        span = max((deadline - start).days, 1)
        expected = min(100, max(0, (REFERENCE - start).days * 100 // span))
        percent = {
            "green": min(100, expected + 5 + int(a * 15)),
            "behind": max(0, expected - 15 - int(b * 20)),
            "missed": min(100, expected + 10),
            "red": 55 + int(a * 35),
            "requested": 100,
            "returned": 90,
            "closed": 100,
            "reopened": 80,
            "extended": min(100, expected + 8),
            "new": 0,
        }[scenario]
        template = MEASURES[(number + len(code)) % len(MEASURES)]
        numeric = (number + int(a * 10)) % 10 < 7
        closed = scenario == "closed"
        last_day = min(REFERENCE - dt.timedelta(days=1), last_closed.due_on - dt.timedelta(days=2))
        if scenario == "missed":
            last_day = closed_rounds[-2].due_on - dt.timedelta(days=2)
        measure_rows.append(
            {
                "problem_id": problem.pk,
                "number": number,
                "content": template[0],
                "responsible_unit_id": owner.pk,
                "responsible_person": OWNERS[(number * 7 + len(code) + owner.pk) % len(OWNERS)],
                "start_date": start,
                "deadline": deadline,
                "original_deadline": original,
                "extension_count": 1 if scenario == "extended" else 0,
                "baseline": Decimal(template[1]) if numeric else None,
                "target_value": Decimal(template[2]) if numeric else None,
                "measure_unit": template[3] if numeric else "",
                "milestones": [] if numeric else MILESTONES[number % len(MILESTONES)],
                "milestone_count": 0 if numeric else len(MILESTONES[number % len(MILESTONES)]),
                "acceptance_criteria": "以台账、现场核查和群众评价为准",
                "status": {"requested": Measure.Status.CLOSURE_REQUESTED, "closed": Measure.Status.CLOSED}.get(
                    scenario, Measure.Status.OPEN
                ),
                "progress_percent": percent,
                "on_track_until": on_track_until(start=start, deadline=deadline, percent=percent),
                "last_progress_on": None if percent == 0 else last_day,
                "missed_last_round": scenario == "missed",
                "closed_at": _moment(closing_day[(code, number)], 16) if closed else None,
            }
        )
        progress_plan.append((code, number, start, last_day, percent, numeric, template, deadline, original))
        if scenario in ("requested", "returned", "closed", "reopened"):
            closure_plan.append((code, number, owner, scenario))
        # a pending request is asked before the deadline and stays within the campaign (the
        # extension rules): some measures running behind wait for the office's decision
        if scenario in ("extended",) or (
            scenario == "behind" and a < 0.5 and deadline + dt.timedelta(days=20) <= campaign.end_date
        ):
            extension_plan.append((code, number, owner, scenario, original, deadline))
        if scenario == "missed":
            misses.append((code, number))
    measures = _sync(
        Measure, Measure.objects.filter(problem__campaign=campaign), ("problem_id", "number"), measure_rows
    )
    by_code = {(problems[(code,)].pk, n): measures[(problems[(code,)].pk, n)] for code, n, *_rest in measure_plans}

    def measure_of(code, number):
        return by_code[(problems[(code,)].pk, number)]

    # --- progress entries, one per round up to the last update -------------------------
    progress_rows = []
    for code, number, start, last_day, percent, numeric, template, deadline, original in progress_plan:
        if percent == 0:
            continue
        measure = measure_of(code, number)
        owner = liaison_of.get(measure.responsible_unit_id, office)
        days = [r.opens_on + dt.timedelta(days=4) for r in rounds.values() if r.opens_on >= start - dt.timedelta(13)]
        days = sorted(d for d in days if start <= d <= last_day) or [last_day]
        days[-1] = last_day
        for step, day in enumerate(days, start=1):
            share = percent * step // len(days)
            value = None
            done = []
            if numeric:
                value = (Decimal(template[1]) + (Decimal(template[2]) - Decimal(template[1])) * share / 100).quantize(
                    Decimal("0.01")
                )
            else:
                done = list(range(measure.milestone_count * share // 100))
            round_number = (day - campaign.start_date).days // ROUND_DAYS + 1
            # The line of the day: the deadline before an extension approved later (11-10).
            line_deadline = original if day < EXTENSIONS_DECIDED else deadline
            progress_rows.append(
                {
                    "measure_id": measure.pk,
                    "round_id": rounds[(round_number,)].pk,
                    "reported_on": day,
                    "value_reached": value,
                    "milestones_done": done,
                    "percent": share,
                    "on_track_until": on_track_until(start=start, deadline=line_deadline, percent=share),
                    "note": "按计划推进" if step < len(days) else "本轮完成阶段目标",
                    "reported_by_id": owner.pk,
                }
            )
    _sync(
        MeasureProgress,
        MeasureProgress.objects.filter(measure__problem__campaign=campaign),
        ("measure_id", "reported_on"),
        progress_rows,
    )
    _sync(
        DispatchMiss,
        DispatchMiss.objects.filter(round__campaign=campaign),
        ("round_id", "measure_id"),
        [{"round_id": last_closed.pk, "measure_id": measure_of(c, n).pk} for c, n in misses],
    )

    # --- closures, with their evidence -------------------------------------------------
    closure_rows = []
    for code, number, owner, scenario in closure_plan:
        measure = measure_of(code, number)
        requester = liaison_of.get(owner.pk, office)
        reviewer = inspector_of.get(owner.pk) or office
        decided_day = closing_day[(code, number)]
        asked = _moment(
            decided_day - dt.timedelta(days=4) if scenario != "requested" else REFERENCE - dt.timedelta(days=2)
        )
        claimed = 90 if scenario == "returned" else 100
        base = {
            "measure_id": measure.pk,
            "unit_id": owner.pk,
            "statement": "已完成整改目标，附现场照片和验收材料。",
            "result_percent": claimed,
            "shortfall": "" if claimed >= 100 else "尚有少量事项需跨部门协调，已明确完成时间。",
            "due_on": measure.original_deadline,
            "late": asked.date() > measure.original_deadline,
            "after_reopen": False,
            "snapshot": {
                "target": measure.target_text,
                "acceptance_criteria": measure.acceptance_criteria,
                "deadline": measure.deadline.isoformat(),
                "progress_percent": 100,
                "last_progress": None,
                "evidence": [f"{code}-{number}-现场照片.png"],
            },
            "requested_by_id": requester.pk,
            "requested_at": asked,
            "decided_by_id": None,
            "decided_at": None,
            "decision_note": "",
            "reopened_by_id": None,
            "reopened_at": None,
            "reopen_reason": "",
            "status": Closure.Status.REQUESTED,
        }
        if scenario == "returned":
            base.update(
                status=Closure.Status.RETURNED,
                decided_by_id=reviewer.pk,
                decided_at=asked + dt.timedelta(days=1),
                decision_note="佐证材料不足，请补充验收记录",
            )
        elif scenario in ("closed", "reopened"):
            base.update(
                status=Closure.Status.SIGNED_OFF if scenario == "closed" else Closure.Status.REOPENED,
                decided_by_id=reviewer.pk,
                decided_at=_moment(decided_day, 16),
            )
            if scenario == "reopened":
                base.update(
                    reopened_by_id=office.pk,
                    reopened_at=_moment(REFERENCE - dt.timedelta(days=1), 9),
                    reopen_reason="群众重复举报，实地抽查未达标",
                )
        closure_rows.append(base)
    closures = _sync(
        Closure,
        Closure.objects.filter(measure__problem__campaign=campaign),
        ("measure_id", "requested_at"),
        closure_rows,
    )
    evidence_rows = []
    for closure in closures.values():
        name = closure.snapshot["evidence"][0]
        evidence_rows.append(
            {
                "closure_id": closure.pk,
                "progress_id": None,
                "name": name,
                "size": len(PNG),
                "uploaded_by_id": closure.requested_by_id,
                "file": _file(f"closure-{closure.measure_id}.png"),
            }
        )
    _sync(
        Evidence,
        Evidence.objects.filter(closure__measure__problem__campaign=campaign),
        ("closure_id", "name"),
        evidence_rows,
    )

    extension_rows = []
    for code, number, owner, scenario, original, deadline in extension_plan:
        measure = measure_of(code, number)
        approved = scenario == "extended"
        extension_rows.append(
            {
                "measure_id": measure.pk,
                "old_deadline": original if approved else deadline,
                "new_deadline": deadline if approved else deadline + dt.timedelta(days=20),
                "reason": "涉及多部门协调，原定时限内难以完成",
                "status": Extension.Status.APPROVED if approved else Extension.Status.PENDING,
                "requested_by_id": liaison_of.get(owner.pk, office).pk,
                "decided_by_id": office.pk if approved else None,
                "decided_at": _moment(EXTENSIONS_DECIDED) if approved else None,
                "decision_note": "",
            }
        )
    _sync(
        Extension,
        Extension.objects.filter(measure__problem__campaign=campaign),
        ("measure_id", "old_deadline"),
        extension_rows,
    )

    # --- public reports, TV questioning ------------------------------------------------
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    report_rows = []
    public_problems = [p for (code,), p in sorted(problems.items()) if p.source == Problem.Source.PUBLIC_REPORT]
    for n in range(40):
        triage = ["received", "rejected", "merged", "created"][n % 4]
        title, _category = PROBLEMS[rng.randrange(len(PROBLEMS))]
        problem = None
        if triage in ("merged", "created"):
            problem = public_problems[n % len(public_problems)]
        report_rows.append(
            {
                "campaign_id": campaign.pk,
                "receipt": "".join(rng.choice(alphabet) for _i in range(12)),
                "channel": ["online", "online", "newspaper", "phone"][n % 4],
                "subject": title,
                "body": f"反映{title}的问题，希望尽快解决。",
                "about_unit": units[(n * 5) % len(units)].name,
                "contact": "" if n % 3 else f"1390000{n:04d}",
                "triage": triage,
                "triage_note": "不属于本次专项整治受理范围，已转相关部门" if triage == "rejected" else "",
                "problem_id": problem.pk if problem else None,
                "triaged_by_id": office.pk if triage != "received" else None,
                "triaged_at": _moment(dt.date(2026, 11, 1) + dt.timedelta(days=n % 20))
                if triage != "received"
                else None,
            }
        )
    _sync(PublicReport, PublicReport.objects.filter(campaign=campaign), ("receipt",), report_rows)

    tv_problems = [p for (code,), p in sorted(problems.items()) if p.source == Problem.Source.TV_QUESTIONING]
    session_rows = [
        {
            "campaign_id": campaign.pk,
            "number": 1,
            "title": "问政营商环境：审批提速了吗",
            "aired_on": dt.date(2026, 10, 22),
            "viewers": 186000,
        },
        {
            "campaign_id": campaign.pk,
            "number": 2,
            "title": "问政城市更新：老旧小区改造",
            "aired_on": dt.date(2026, 11, 12),
            "viewers": 243500,
        },
    ]
    sessions = _sync(TvSession, TvSession.objects.filter(campaign=campaign), ("number",), session_rows)
    _set_m2m(sessions[(1,)].departments, [u.pk for u in organs[5:8]])
    _set_m2m(sessions[(2,)].departments, [u.pk for u in organs[15:18]])
    question_rows = []
    for n in range(16):
        session = sessions[(1 + n % 2,)]
        triage = ["received", "merged", "created", "rejected"][n % 4]
        problem = tv_problems[n % len(tv_problems)] if triage in ("merged", "created") else None
        question_rows.append(
            {
                "session_id": session.pk,
                "text": f"网友提问{n + 1}：{PROBLEMS[(n * 3) % len(PROBLEMS)][0]}什么时候能解决？",
                "triage": triage,
                "triage_note": "已在节目现场答复" if triage == "rejected" else "",
                "problem_id": problem.pk if problem else None,
                "triaged_by_id": office.pk if triage != "received" else None,
                "triaged_at": _moment(session.aired_on + dt.timedelta(days=2)) if triage != "received" else None,
            }
        )
    _sync(TvQuestion, TvQuestion.objects.filter(session__campaign=campaign), ("session_id", "text"), question_rows)

    # --- petition cases ------------------------------------------------------------------
    petition_rows = []
    stages = ["investigation", "consultation", "handling", "resolved", "resolved"]
    # A stage is reached only on a day that has passed: never after the demo's "today" (nor the
    # real one, when the demo is loaded before it), so no case is resolved in the future.
    cap = min(REFERENCE, timezone.localdate())
    steps = {"consultation": 5, "handling": 12, "resolved": 40}  # days after receipt
    for n in range(36):
        leader_case = n < 12
        stage = stages[n % len(stages)]
        received = dt.date(2026, 9, 10) + dt.timedelta(days=n * 2)
        if received > cap:
            continue
        while stage in steps and received + dt.timedelta(days=steps[stage]) > cap:
            stage = stages[stages.index(stage) - 1]
        petition_rows.append(
            {
                "campaign_id": campaign.pk,
                "code": f"XF-2026-{n + 1:03d}",
                "kind": "leader_case" if leader_case else "repeat",
                "batch": "" if leader_case else "中央交办第三批",
                "title": ["征收补偿争议", "拖欠工程款", "物业服务纠纷", "社保待遇认定", "涉法涉诉"][n % 5],
                "field": ["城乡建设", "劳动社保", "城乡建设", "劳动社保", "涉法涉诉"][n % 5],
                "unit_id": units[(n * 3) % len(units)].pk,
                "leader_id": leaders[n % len(leaders)].pk if leader_case else None,
                "stage": stage,
                "received_on": received,
                "investigated_on": received + dt.timedelta(days=5) if stage != "investigation" else None,
                "consulted_on": received + dt.timedelta(days=12) if stage in ("handling", "resolved") else None,
                "deadline": received + dt.timedelta(days=60),
                "resolved_on": received + dt.timedelta(days=40) if stage == "resolved" else None,
                "resolution": "召开联席会议，依法依规解决诉求，信访人息诉罢访" if stage == "resolved" else "",
            }
        )
    _sync(PetitionCase, PetitionCase.objects.filter(campaign=campaign), ("code",), petition_rows)

    # --- special rectification, work teams, tasks, arena ------------------------------
    special = _sync(
        SpecialRectification,
        SpecialRectification.objects.filter(campaign=campaign),
        ("title",),
        [
            {
                "campaign_id": campaign.pk,
                "title": "深化作风能力优化营商环境专项整治",
                "plan_document": "市委主题教育领导小组〔2026〕3号",
                "plan_issued_on": dt.date(2026, 9, 20),
            }
        ],
    )[("深化作风能力优化营商环境专项整治",)]
    team_names = ["审批提速专班", "惠企政策兑现专班", "涉企检查规范专班", "欠薪治理专班", "城市更新攻坚专班"]
    teams = _sync(
        WorkTeam,
        WorkTeam.objects.filter(rectification=special),
        ("name",),
        [
            {
                "rectification_id": special.pk,
                "name": name,
                "lead_unit_id": organs[(i * 5 + 6) % len(organs)].pk,
                "formed_on": dt.date(2026, 9, 22) + dt.timedelta(days=i),
            }
            for i, name in enumerate(team_names)
        ],
    )
    task_rows = []
    for i, name in enumerate(team_names):
        team = teams[(name,)]
        _set_m2m(team.member_units, [units[(i * 4 + k) % len(units)].pk for k in (1, 2)])
        for n in range(1, 7):
            status = ["closed", "closed", "closure_requested", "open", "open", "closed"][(n + i) % 6]
            owner = team.lead_unit_id if n % 2 else units[(i * 4 + 1) % len(units)].pk
            task_rows.append(
                {
                    "team_id": team.pk,
                    "number": n,
                    "title": f"{name[:-2]}任务{n}：{MEASURES[(n + i) % len(MEASURES)][0]}",
                    "owner_unit_id": owner,
                    "assigned_on": dt.date(2026, 9, 25) + dt.timedelta(days=7 * (n - 1)),
                    "deadline": dt.date(2026, 12, 31) if n % 3 else dt.date(2026, 11, 20),
                    "status": status,
                    "closure_statement": "任务完成，台账已更新" if status != "open" else "",
                    "returned_reason": "",
                    "signed_off_by_id": (inspector_of.get(owner) or office).pk if status == "closed" else None,
                    "closed_at": _moment(dt.date(2026, 11, 18)) if status == "closed" else None,
                }
            )
    tasks = _sync(
        SpecialTask, SpecialTask.objects.filter(team__rectification=special), ("team_id", "number"), task_rows
    )
    # a closed or waiting task has its closure request, with evidence, like a measure
    task_closures = []
    for task in tasks.values():
        if task.status == SpecialTask.Status.OPEN:
            continue
        closed = task.status == SpecialTask.Status.CLOSED
        asked = _moment(dt.date(2026, 11, 16) if closed else REFERENCE - dt.timedelta(days=1))
        task_closures.append(
            {
                "special_task_id": task.pk,
                "unit_id": task.owner_unit_id,
                "status": Closure.Status.SIGNED_OFF if closed else Closure.Status.REQUESTED,
                "statement": task.closure_statement,
                "result_percent": 100,
                "shortfall": "",
                "due_on": task.deadline,
                "late": asked.date() > task.deadline,
                "after_reopen": False,
                "snapshot": {"target": task.title, "evidence": [f"专项任务{task.pk}-台账.png"]},
                "requested_by_id": liaison_of.get(task.owner_unit_id, office).pk,
                "requested_at": asked,
                "decided_by_id": task.signed_off_by_id,
                "decided_at": task.closed_at,
            }
        )
    special_closures = _sync(
        Closure,
        Closure.objects.filter(special_task__team__rectification=special),
        ("special_task_id", "requested_at"),
        task_closures,
    )
    _sync(
        Evidence,
        Evidence.objects.filter(closure__special_task__team__rectification=special),
        ("closure_id", "name"),
        [
            {
                "closure_id": c.pk,
                "progress_id": None,
                "name": c.snapshot["evidence"][0],
                "size": len(PNG),
                "uploaded_by_id": c.requested_by_id,
                "file": _file(f"special-closure-{c.special_task_id}.png"),
            }
            for c in special_closures.values()
        ],
    )

    arena = _sync(
        ArenaRound,
        ArenaRound.objects.filter(campaign=campaign),
        ("title",),
        [
            {
                "campaign_id": campaign.pk,
                "title": "专项整治调度会·擂台比武（第一次）",
                "held_on": dt.date(2026, 11, 15),
                "published_at": _moment(dt.date(2026, 11, 15), 17),
            }
        ],
    )[("专项整治调度会·擂台比武（第一次）",)]
    scorers = list(
        User.objects.filter(username__in=["office", "office2", "office3", "leader", "leader2"]).order_by("username")
    )
    _set_m2m(arena.teams, [t.pk for t in teams.values()])
    _set_m2m(arena.attendees, [u.pk for u in scorers])
    criteria = _sync(
        ArenaCriterion,
        ArenaCriterion.objects.filter(round=arena),
        ("order",),
        [
            {"round_id": arena.pk, "order": 1, "name": "整治成效", "max_score": 50},
            {"round_id": arena.pk, "order": 2, "name": "群众满意", "max_score": 30},
            {"round_id": arena.pk, "order": 3, "name": "创新亮点", "max_score": 20},
        ],
    )
    score_rows = []
    for t_index, team in enumerate(sorted(teams.values(), key=lambda t: t.pk)):
        for scorer in scorers:
            for (order,), criterion in sorted(criteria.items()):
                top = criterion.max_score
                value = Decimal(top * (60 + (t_index * 7 + order * 3 + scorer.pk) % 35) // 100)
                score_rows.append(
                    {"criterion_id": criterion.pk, "team_id": team.pk, "scorer_id": scorer.pk, "score": value}
                )
    _sync(
        ArenaScore,
        ArenaScore.objects.filter(criterion__round=arena),
        ("criterion_id", "team_id", "scorer_id"),
        score_rows,
    )

    # --- site visits -------------------------------------------------------------------
    visit_rows, visit_links = [], []
    unit_problems: dict[int, list] = {}
    for p in problems.values():
        unit_problems.setdefault(p.unit_id, []).append(p.pk)
    for n in range(20):
        unit = units[(n * 5) % len(units)]
        inspector = inspector_of.get(unit.pk) or office
        day = dt.date(2026, 10, 20) + dt.timedelta(days=n)
        visit_rows.append(
            {
                "campaign_id": campaign.pk,
                "unit_id": unit.pk,
                "inspector_id": inspector.pk,
                "visited_on": day,
                "findings": "现场查看整改台账和点位，整改措施基本落实，个别点位需巩固。",
            }
        )
        visit_links.append(((unit.pk, day), sorted(unit_problems.get(unit.pk, []))[:2]))
    visits = _sync(SiteVisit, SiteVisit.objects.filter(campaign=campaign), ("unit_id", "visited_on"), visit_rows)
    for key, ids in visit_links:
        _set_m2m(visits[key].problems, ids)

    return (
        f"{len(problems)} problems, {len(measures)} measures, {len(progress_rows)} progress entries, "
        f"{len(closures)} closures, {len(report_rows)} public reports, {len(petition_rows)} petition cases"
    )
