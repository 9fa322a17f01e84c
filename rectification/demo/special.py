"""The demo's special rectification: its work teams, their tasks and closures, an arena round;
and the inspectors' site visits."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from campaign.models import User
from rectification.demo.common import (
    MEASURES,
    PNG,
    REFERENCE,
    Demo,
    demo_file,
    moment,
    set_m2m,
    sync,
    sync_one,
)
from rectification.models import (
    ArenaCriterion,
    ArenaRound,
    ArenaScore,
    Closure,
    Evidence,
    SiteVisit,
    SpecialRectification,
    SpecialTask,
    WorkTeam,
)


def load_special(demo: Demo, problems: dict) -> None:
    campaign, units, organs = demo.campaign, demo.units, demo.organs
    liaison_of, inspector_of, office = demo.liaison_of, demo.inspector_of, demo.office

    # --- special rectification, work teams, tasks, arena ------------------------------
    special = sync_one(
        SpecialRectification,
        SpecialRectification.objects.filter(campaign=campaign),
        ("title",),
        {
            "campaign_id": campaign.pk,
            "title": "深化作风能力优化营商环境专项整治",
            "plan_document": "市委主题教育领导小组〔2026〕3号",
            "plan_issued_on": dt.date(2026, 9, 20),
        },
    )
    team_names = ["审批提速专班", "惠企政策兑现专班", "涉企检查规范专班", "欠薪治理专班", "城市更新攻坚专班"]
    teams = sync(
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
        set_m2m(team.member_units, [units[(i * 4 + k) % len(units)].pk for k in (1, 2)])
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
                    "closed_at": moment(dt.date(2026, 11, 18)) if status == "closed" else None,
                }
            )
    tasks = sync(SpecialTask, SpecialTask.objects.filter(team__rectification=special), ("team_id", "number"), task_rows)
    # a closed or waiting task has its closure request, with evidence, like a measure
    task_closures = []
    for task in tasks.values():
        if task.status == SpecialTask.Status.OPEN:
            continue
        closed = task.status == SpecialTask.Status.CLOSED
        asked = moment(dt.date(2026, 11, 16) if closed else REFERENCE - dt.timedelta(days=1))
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
    special_closures = sync(
        Closure,
        Closure.objects.filter(special_task__team__rectification=special),
        ("special_task_id", "requested_at"),
        task_closures,
    )
    sync(
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
                "file": demo_file(f"special-closure-{c.special_task_id}.png"),
            }
            for c in special_closures.values()
        ],
    )

    arena = sync_one(
        ArenaRound,
        ArenaRound.objects.filter(campaign=campaign),
        ("title",),
        {
            "campaign_id": campaign.pk,
            "title": "专项整治调度会·擂台比武（第一次）",
            "held_on": dt.date(2026, 11, 15),
            "published_at": moment(dt.date(2026, 11, 15), 17),
        },
    )
    scorers = list(
        User.objects.filter(username__in=["office", "office2", "office3", "leader", "leader2"]).order_by("username")
    )
    set_m2m(arena.teams, [t.pk for t in teams.values()])
    set_m2m(arena.attendees, [u.pk for u in scorers])
    criteria = sync(
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
    sync(
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
    visits = sync(SiteVisit, SiteVisit.objects.filter(campaign=campaign), ("unit_id", "visited_on"), visit_rows)
    for key, ids in visit_links:
        set_m2m(visits[key].problems, ids)
