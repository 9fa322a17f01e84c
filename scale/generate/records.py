"""Study and research records, site visits and public reports of the generated campaign."""

from __future__ import annotations

import datetime as dt
import random

from rectification.models import PublicReport, SiteVisit
from scale.copy import Writer
from scale.generate.common import PROBLEM_TITLES, aware
from tasks.models import ResearchActivity, StudyActivity


def records(w: Writer, rng: random.Random, ctx: dict, chunk: list[int]) -> None:
    start, today, campaign_id, lines = ctx["start"], ctx["today"], ctx["campaign_id"], ctx["lines"]
    days = max((today - start).days, 1)
    study, research, visits = [], [], []
    kinds = ["reading_class", "lecture", "tutoring", "party_lesson", "base_visit", "theme_day", "propaganda"]
    for unit_id in chunk:
        liaison = ctx["unit_liaison"][unit_id]
        for k in range(max(1, ctx["weeks"] // 2)):
            day = start + dt.timedelta(days=min(days - 1, k * 14 + rng.randrange(0, 14)))
            kind = rng.choice(kinds)
            study.append(
                (
                    campaign_id,
                    lines["study"],
                    unit_id,
                    liaison,
                    aware(day, 18),
                    kind,
                    f"第{k + 1}次集中学习",
                    "专题学习",
                    day,
                    "会议室",
                    "党委办公室",
                    rng.randint(10, 80),
                    kind == "party_lesson" and rng.random() < 0.1,
                )
            )
        for k in range(max(1, ctx["weeks"] // 8)):
            planned = start + dt.timedelta(days=rng.randrange(0, days + 14))
            major = rng.random() < 0.2
            r = rng.random()
            if planned <= today and r < 0.75:
                status, completed = "completed", min(today, planned + dt.timedelta(days=rng.randrange(0, 3)))
            elif r < 0.9:
                status, completed = ("registered" if major else "planned"), None
            else:
                status, completed = "cancelled", None
            registered = planned - dt.timedelta(days=3) if major and status != "cancelled" else None
            research.append(
                (
                    campaign_id,
                    lines["research"],
                    unit_id,
                    liaison,
                    aware(min(planned, today), 9),
                    f"调研{k + 1}：{rng.choice(PROBLEM_TITLES)}",
                    planned,
                    "基层单位",
                    "联络员及班子成员",
                    major,
                    status,
                    registered,
                    completed,
                    "形成调研报告" if completed else "",
                )
            )
        group = ctx["unit_group"][unit_id]
        for _k in range(max(1, ctx["weeks"] // 13)):
            visits.append(
                (
                    campaign_id,
                    unit_id,
                    ctx["group_leader"][group],
                    start + dt.timedelta(days=rng.randrange(0, days)),
                    "督导检查发现若干问题",
                )
            )
    w.write(
        StudyActivity,
        [
            "campaign",
            "work_line",
            "unit",
            "created_by",
            "created_at",
            "kind",
            "title",
            "topic",
            "date",
            "place",
            "organiser",
            "participants",
            "rated_excellent",
        ],
        study,
    )
    w.write(
        ResearchActivity,
        [
            "campaign",
            "work_line",
            "unit",
            "created_by",
            "created_at",
            "title",
            "planned_date",
            "place",
            "people",
            "is_major",
            "status",
            "registered_on",
            "completed_on",
            "summary",
        ],
        research,
    )
    w.write(SiteVisit, ["campaign", "unit", "inspector", "visited_on", "findings"], visits)


def public_reports(w: Writer, rng: random.Random, ctx: dict, units: int) -> None:
    start, today, campaign_id = ctx["start"], ctx["today"], ctx["campaign_id"]
    days = max((today - start).days, 1)
    rows = []
    for i in range(max(5, units // 5)):
        received = aware(start + dt.timedelta(days=rng.randrange(0, days)), rng.randrange(8, 20))
        handled = rng.random() < 0.6
        rows.append(
            (
                campaign_id,
                f"R{campaign_id}-{i + 1:07d}"[:16],
                rng.choice(["online", "phone", "newspaper"]),
                "反映问题",
                "群众反映办事难、办事慢的问题。",
                f"单位{rng.randrange(1, units + 1)}",
                received,
                "rejected" if handled else "received",
                "不属于受理范围" if handled else "",
                ctx["office"][0] if handled else None,
                received + dt.timedelta(days=2) if handled else None,
            )
        )
    w.write(
        PublicReport,
        [
            "campaign",
            "receipt",
            "channel",
            "subject",
            "body",
            "about_unit",
            "received_at",
            "triage",
            "triage_note",
            "triaged_by",
            "triaged_at",
        ],
        rows,
    )
