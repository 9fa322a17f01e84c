"""The demo's public reports, TV questioning and petition cases."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from rectification.demo.common import (
    PROBLEMS,
    REFERENCE,
    Demo,
    moment,
    set_m2m,
    sync,
)
from rectification.models import (
    PetitionCase,
    Problem,
    PublicReport,
    TvQuestion,
    TvSession,
)


def load_public(demo: Demo, problems: dict) -> tuple[int, int]:
    """Returns how many public reports and petition cases."""
    campaign, rng, units, organs = demo.campaign, demo.rng, demo.units, demo.organs
    office, leaders = demo.office, demo.leaders

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
                "triaged_at": moment(dt.date(2026, 11, 1) + dt.timedelta(days=n % 20))
                if triage != "received"
                else None,
            }
        )
    sync(PublicReport, PublicReport.objects.filter(campaign=campaign), ("receipt",), report_rows)

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
    sessions = sync(TvSession, TvSession.objects.filter(campaign=campaign), ("number",), session_rows)
    set_m2m(sessions[(1,)].departments, [u.pk for u in organs[5:8]])
    set_m2m(sessions[(2,)].departments, [u.pk for u in organs[15:18]])
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
                "triaged_at": moment(session.aired_on + dt.timedelta(days=2)) if triage != "received" else None,
            }
        )
    sync(TvQuestion, TvQuestion.objects.filter(session__campaign=campaign), ("session_id", "text"), question_rows)

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
    sync(PetitionCase, PetitionCase.objects.filter(campaign=campaign), ("code",), petition_rows)
    return len(report_rows), len(petition_rows)
