"""Demo key-task list (~40 tasks over the six lines) and every campaign week of weekly reports in
mixed states: accepted, returned, late, missing. Idempotent: existing rows are kept."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from campaign.demo import _upsert, demo_campaign
from campaign.models import Liaison, Unit, User, WorkLine
from tasks import weeks
from tasks.models import KeyTask, ProgressItem, ReportTransition, WeeklyProgress
from tasks.services.similarity import report_flag_similar

# (line, title, lead unit, cooperating units, deadline offset in days from the start, metric unit, target)
TASKS = [
    ("push", "召开全市主题教育工作会议，印发实施意见", "市委办公室", ["市委组织部", "市委宣传部"], 9, "", None),
    ("push", "制定重点任务清单并建立调度台账", "市委组织部", ["市委办公室"], 14, "项", 40),
    ("push", "组建巡回指导组并开展全覆盖指导", "市委组织部", [], 30, "个单位", 43),
    ("push", "建立联络员工作制度，完成联络员培训", "市委组织部", ["市委宣传部"], 21, "人", 64),
    ("push", "编发主题教育周报、简报", "市委办公室", ["市委宣传部"], 170, "期", 40),
    ("push", "每月向市委常委会汇报主题教育进展", "市委办公室", [], 170, "次", 6),
    ("study", "举办市委主题教育专题读书班", "市委宣传部", ["市委组织部"], 45, "期", 5),
    ("study", "组织第一批单位领导班子跟进举办读书班", "市委组织部", ["市委宣传部"], 60, "个单位", 43),
    ("study", "开展“干部讲堂”专题辅导", "市委宣传部", ["市委组织部"], 120, "期", 10),
    ("study", "领导干部讲授专题党课", "市委组织部", [], 120, "次", 80),
    ("study", "组织党员干部赴党性教育基地现场教学", "市委组织部", ["市文化和旅游局"], 90, "人次", 5000),
    ("study", "开展主题党日活动", "市委组织部", [], 150, "次", 200),
    ("study", "组建宣讲团开展“六进”宣讲", "市委宣传部", ["市教育局"], 150, "场", 300),
    ("study", "开展理论学习“云报告”", "市委宣传部", [], 150, "场", 20),
    ("research", "确定调研重点并印发调研工作方案", "市委办公室", ["市委组织部"], 20, "", None),
    ("research", "市级领导领题开展重点课题调研", "市委办公室", ["市发展改革委"], 75, "个", 24),
    ("research", "各单位围绕专项课题开展调研", "市发展改革委", ["市委办公室"], 75, "个", 60),
    ("research", "建立调研活动报备和台账制度", "市委办公室", [], 25, "", None),
    ("research", "召开调研成果交流会", "市发展改革委", ["市委组织部"], 90, "次", 43),
    ("research", "梳理正反两方面典型案例", "市纪委监委机关", ["市委组织部"], 100, "个", 30),
    ("research", "推动调研成果转化为创新举措", "市发展改革委", ["市行政审批服务局"], 120, "项", 50),
    ("development", "为群众办实事清单化推进", "市发展改革委", ["市民政局", "市住房城乡建设局"], 150, "件", 100),
    ("development", "推进老旧小区改造", "市住房城乡建设局", ["中山区", "东港区"], 150, "个", 120),
    ("development", "城镇新增就业攻坚", "市人力资源社会保障局", [], 150, "万人", 5),
    ("development", "优化营商环境问题清零", "市行政审批服务局", ["市市场监管局"], 120, "个", 80),
    ("development", "12345热线诉求办理提质", "市政府办公室", ["市信访局"], 150, "%", 95),
    ("development", "组建志愿服务队开展共建项目", "市民政局", ["市委宣传部"], 150, "支", 200),
    ("development", "重点项目招商签约", "市商务局", ["市发展改革委"], 150, "个", 60),
    ("rectification", "建立问题清单、整改清单、责任清单", "市委组织部", ["市纪委监委机关"], 60, "", None),
    ("rectification", "开展专项整治并建立工作专班", "市纪委监委机关", ["市委组织部"], 120, "项", 12),
    ("rectification", "办好“擂台比武”活动", "市委组织部", ["市委宣传部"], 110, "场", 3),
    ("rectification", "开设举报专区并限时办理", "市纪委监委机关", ["市信访局"], 60, "", None),
    ("rectification", "举办电视问政", "市委宣传部", ["市纪委监委机关"], 100, "期", 4),
    ("rectification", "市级领导包案化解信访积案", "市信访局", ["市公安局"], 150, "件", 50),
    ("rectification", "集中治理重复信访", "市信访局", ["中山区", "西城区"], 150, "件", 80),
    ("rectification", "开展整改成效“回头看”", "市纪委监委机关", [], 165, "", None),
    ("institutions", "健全主题教育领导小组工作规则", "市委办公室", [], 30, "", None),
    ("institutions", "形成长效机制制度成果", "市委办公室", ["市委组织部", "市政府办公室"], 170, "项", 30),
    ("institutions", "出台优化营商环境配套制度", "市行政审批服务局", ["市发展改革委"], 150, "项", 8),
    ("institutions", "完善基层减负长效机制", "市委组织部", ["市委办公室"], 160, "项", 5),
]

DONE_WORDS = ["完成", "落实", "推进", "召开", "部署", "印发", "开展", "梳理", "调度", "督办"]
SUBJECTS = [
    "专题会议",
    "工作方案",
    "调研走访",
    "问题清单",
    "整改台账",
    "学习研讨",
    "现场推进会",
    "督导检查",
    "联络对接",
    "典型经验",
]
PROBLEMS = ["部分基层单位进度偏慢", "台账资料归集不够及时", "个别任务需要跨部门协调", "调研成果转化仍需加力", ""]


def _text(rng: random.Random, unit: Unit, week: dt.date) -> str:
    parts = []
    for _ in range(rng.randint(2, 4)):
        parts.append(f"{rng.choice(DONE_WORDS)}{rng.choice(SUBJECTS)}{rng.randint(1, 9)}项")
    return f"{unit.name}本周（{week:%m月%d日}起）" + "，".join(parts) + "。"


def load() -> str:
    campaign = demo_campaign()
    lines = {w.code: w for w in WorkLine.objects.all()}
    units = {u.name: u for u in Unit.objects.filter(campaign=campaign)}
    tasks_made = _load_tasks(campaign, lines, units)
    _acknowledge(campaign)
    reports_made = _load_reports(campaign, units)
    return f"{tasks_made} key tasks, {reports_made} weekly reports"


@transaction.atomic
def _load_tasks(campaign, lines, units) -> int:
    for number, (line, title, lead, cooperating, offset, metric_unit, target) in enumerate(TASKS, start=1):
        task = _upsert(
            KeyTask,
            {"campaign": campaign, "number": number},
            {
                "title": title,
                "work_line": lines[line],
                "lead_unit": units[lead],
                "assigned_on": campaign.start_date + dt.timedelta(days=2),
                "deadline": campaign.start_date + dt.timedelta(days=offset),
                "done_definition": f"{title}，形成工作台账并报领导小组办公室备案。",
                "metric_unit": metric_unit,
                "metric_target": Decimal(target) if target is not None else None,
            },
        )
        wanted = {units[name].pk for name in cooperating}
        if set(task.cooperating_units.values_list("pk", flat=True)) != wanted:
            task.cooperating_units.set(wanted)
    return len(TASKS)


@transaction.atomic
def _acknowledge(campaign) -> None:
    """The lead units acknowledged (签收) their tasks the day after they were assigned, but for
    every eighth task and one of the demo liaison's unit: those show the warning and the button."""
    liaisons = {li.unit_id: li.user for li in Liaison.objects.current().filter(unit__campaign=campaign)}
    demo_units = set(Liaison.objects.current().filter(user__username="liaison").values_list("unit_id", flat=True))
    # The demo liaison's unit's task due last (still open): the one its liaison can acknowledge.
    left = (
        KeyTask.objects.filter(campaign=campaign, lead_unit__in=demo_units)
        .order_by("-deadline", "number")
        .values_list("pk", flat=True)
        .first()
    )
    for task in KeyTask.objects.filter(campaign=campaign, acknowledged_at__isnull=True).order_by("number"):
        if task.number % 8 == 0 or task.pk == left:
            continue
        by = liaisons.get(task.lead_unit_id)
        if by is None:
            continue
        at = timezone.make_aware(dt.datetime.combine(task.assigned_on + dt.timedelta(days=1), dt.time(9, 30)))
        KeyTask.objects.filter(pk=task.pk).update(acknowledged_at=at, acknowledged_by=by)


@transaction.atomic
def _load_reports(campaign, units) -> int:
    today = min(timezone.localdate(), campaign.end_date)
    this_week = weeks.week_start_of(today)
    week_list = weeks.campaign_weeks(campaign, until=today)
    rule = weeks.rule_of(campaign)
    office = User.objects.get(username="office")
    liaisons = {li.unit_id: li.user for li in Liaison.objects.filter(unit__campaign=campaign).select_related("user")}
    # The units the demo `liaison` account reports for: their current week is always left open for
    # them to fill in, whichever liaison of the unit writes the other weeks.
    demo_liaison_units = set(
        Liaison.objects.filter(unit__campaign=campaign, user__username="liaison").values_list("unit_id", flat=True)
    )
    tasks_by_unit: dict[int, list[KeyTask]] = {}
    for task in KeyTask.objects.filter(campaign=campaign).prefetch_related("cooperating_units"):
        for unit in [task.lead_unit, *task.cooperating_units.all()]:
            tasks_by_unit.setdefault(unit.pk, []).append(task)
    existing = set(WeeklyProgress.objects.filter(unit__campaign=campaign).values_list("unit_id", "week_start"))
    made = 0
    for unit in sorted(units.values(), key=lambda u: u.name):
        author = liaisons.get(unit.pk)
        if author is None:
            continue
        previous_plan = ""
        for week_number, week in enumerate(week_list):
            rng = random.Random(f"{unit.name}:{week}")
            is_current = week == this_week
            deadline = weeks.deadline_for(campaign, week, rule)
            if (unit.pk, week) in existing:
                continue
            if is_current and unit.pk in demo_liaison_units:
                continue  # the demo liaison fills this week's report in themselves
            roll = rng.random()
            if roll < 0.06 or (is_current and roll < 0.5):
                continue  # missing (or, this week, not written yet)
            late = roll < 0.16
            submitted_at = deadline + (
                dt.timedelta(hours=rng.randint(2, 40)) if late else -dt.timedelta(hours=rng.randint(1, 60))
            )
            if submitted_at > timezone.now():
                submitted_at = timezone.now() - dt.timedelta(minutes=5)
                late = submitted_at > deadline
            if is_current:
                status = WeeklyProgress.Status.SUBMITTED
            elif roll > 0.93:
                status = WeeklyProgress.Status.RETURNED
            elif week_number >= len(week_list) - 2 and roll > 0.6:
                status = WeeklyProgress.Status.SUBMITTED
            else:
                status = WeeklyProgress.Status.ACCEPTED
            # One unit copies last week's text: the reviewer sees it flagged.
            copies = unit.name == "市水务管理局" and previous_plan
            highlights = previous_plan if copies else _text(rng, unit, week)
            report = WeeklyProgress.objects.create(
                unit=unit,
                week_start=week,
                deadline=deadline,
                status=status,
                expectation=previous_plan,
                highlights=highlights,
                problems=rng.choice(PROBLEMS),
                next_week_plan=highlights
                if copies
                else f"下周{rng.choice(DONE_WORDS)}{rng.choice(SUBJECTS)}，"
                f"{rng.choice(DONE_WORDS)}{rng.choice(SUBJECTS)}。",
                first_submitted_at=submitted_at,
                submitted_at=submitted_at,
                is_late=late,
                reviewed_at=submitted_at + dt.timedelta(hours=20) if status != "submitted" else None,
                created_by=author,
                updated_by=author,
            )
            previous_plan = report.next_week_plan
            ProgressItem.objects.bulk_create(
                [
                    ProgressItem(
                        report=report,
                        key_task=task,
                        status=(
                            ProgressItem.Status.DONE
                            if task.deadline < week
                            else rng.choice(
                                [
                                    ProgressItem.Status.IN_PROGRESS,
                                    ProgressItem.Status.IN_PROGRESS,
                                    ProgressItem.Status.BLOCKED
                                    if rng.random() < 0.1
                                    else ProgressItem.Status.IN_PROGRESS,
                                ]
                            )
                        ),
                        note=f"{rng.choice(DONE_WORDS)}{rng.choice(SUBJECTS)}",
                        value=(task.metric_target * Decimal(week_number + 1) / len(week_list)).quantize(Decimal("1"))
                        if task.metric_target
                        else None,
                    )
                    for task in tasks_by_unit.get(unit.pk, [])
                ]
            )
            moves = [(ReportTransition.Action.SUBMIT, "draft", "submitted", author, "")]
            if status == WeeklyProgress.Status.RETURNED:
                moves.append(
                    (
                        ReportTransition.Action.RETURN,
                        "submitted",
                        "returned",
                        office,
                        "请补充本周重点任务的量化进展和佐证材料。",
                    )
                )
            if status == WeeklyProgress.Status.ACCEPTED:
                moves.append((ReportTransition.Action.ACCEPT, "submitted", "accepted", office, ""))
            for offset, (action, before, after, by, comment) in enumerate(moves):
                transition = ReportTransition.objects.create(
                    report=report, action=action, from_status=before, to_status=after, by=by, comment=comment
                )
                ReportTransition.objects.filter(pk=transition.pk).update(
                    at=submitted_at + dt.timedelta(hours=20 * offset)
                )
            report_flag_similar(report=report)
            made += 1
    return made
