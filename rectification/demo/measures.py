"""The demo's problems and measures in every state and light: the dispatch rounds, the progress
entries, the missed rounds, the closures with their evidence and the extensions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from rectification.demo.common import (
    EXTENSIONS_DECIDED,
    MEASURES,
    MILESTONES,
    OWNERS,
    PNG,
    PROBLEMS,
    REFERENCE,
    SCENARIOS,
    Demo,
    demo_file,
    moment,
    sync,
)
from rectification.models import (
    Closure,
    DispatchMiss,
    DispatchRound,
    Evidence,
    Extension,
    Measure,
    MeasureProgress,
    Problem,
)
from rectification.services.dispatch import ROUND_DAYS
from rectification.services.measuring import on_track_until


def load_measures(demo: Demo) -> tuple[dict, dict, int, int]:
    """Returns the problems by code, the measures, and how many progress entries and closures."""
    campaign, rng, units, organs = demo.campaign, demo.rng, demo.units, demo.organs
    liaison_of, inspector_of, office = demo.liaison_of, demo.inspector_of, demo.office

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
                "reminded_at": moment(due - dt.timedelta(days=3), 8) if over else None,
                "closed_out_at": moment(due + dt.timedelta(days=1), 8) if over else None,
            }
        )
        number, opens = number + 1, opens + dt.timedelta(days=ROUND_DAYS)
    rounds = sync(DispatchRound, DispatchRound.objects.filter(campaign=campaign), ("number",), round_rows)
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
        row["closed_at"] = moment(max(days), 16) if all_closed else None
    problems = sync(Problem, Problem.objects.filter(campaign=campaign), ("code",), problem_rows)

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
                "closed_at": moment(closing_day[(code, number)], 16) if closed else None,
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
    measures = sync(Measure, Measure.objects.filter(problem__campaign=campaign), ("problem_id", "number"), measure_rows)
    # A measure is written down the working day before it begins, not when the demo is loaded:
    # a dashboard or list as of a past day counts the measures that existed then (`created_at`),
    # and the demo's closures and progress entries are dated back (its problems' `found_on` too).
    written = []
    for measure in measures.values():
        created = min(moment(measure.start_date - dt.timedelta(days=1), 9), timezone.now())
        if measure.created_at != created:
            measure.created_at = created
            written.append(measure)
    Measure.objects.bulk_update(written, ["created_at"], batch_size=500)
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
    sync(
        MeasureProgress,
        MeasureProgress.objects.filter(measure__problem__campaign=campaign),
        ("measure_id", "reported_on"),
        progress_rows,
    )
    sync(
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
        asked = moment(
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
                decided_at=moment(decided_day, 16),
            )
            if scenario == "reopened":
                base.update(
                    reopened_by_id=office.pk,
                    reopened_at=moment(REFERENCE - dt.timedelta(days=1), 9),
                    reopen_reason="群众重复举报，实地抽查未达标",
                )
        closure_rows.append(base)
    closures = sync(
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
                "file": demo_file(f"closure-{closure.measure_id}.png"),
            }
        )
    sync(
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
                "decided_at": moment(EXTENSIONS_DECIDED) if approved else None,
                "decision_note": "",
            }
        )
    sync(
        Extension,
        Extension.objects.filter(measure__problem__campaign=campaign),
        ("measure_id", "old_deadline"),
        extension_rows,
    )
    return problems, measures, len(progress_rows), len(closures)
