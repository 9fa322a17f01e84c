"""Problems and measures of the generated campaign, with their progress entries, dispatch
misses, extensions and closures."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from rectification.models import Closure, DispatchMiss, Extension, Measure, MeasureProgress, Problem
from scale.copy import Writer
from scale.generate.common import PROBLEM_TITLES, PROBLEMS_PER_UNIT, ROUND_DAYS, aware


def rectification_rows(w: Writer, rng: random.Random, ctx: dict, chunk: list[int], first_index: int) -> None:
    start, today, campaign_id = ctx["start"], ctx["today"], ctx["campaign_id"]
    span = max((today - start).days, 1)
    problems, measures = [], []  # measures: (problem index, spec dict)
    for n, unit_id in enumerate(chunk):
        liaison = ctx["unit_liaison"][unit_id]
        for p in range(PROBLEMS_PER_UNIT):
            found = start + dt.timedelta(days=int(span * rng.random() ** 1.5))
            level = "city" if rng.random() < 0.05 else "unit"
            source = rng.choice(["self", "self", "self", "inspection", "inspection", "research", "petition"])
            count = 0 if rng.random() < 0.03 else rng.choice([1, 2, 2, 3, 3, 4])
            p_index = len(problems)
            closed_ats = []
            for m in range(count):
                m_start = found + dt.timedelta(days=rng.randrange(0, 7))
                deadline = m_start + dt.timedelta(days=rng.randrange(28, 150))
                original = deadline
                if rng.random() < 0.05 and deadline - dt.timedelta(days=30) >= m_start:
                    original = deadline - dt.timedelta(days=30)
                extended = original != deadline
                due = deadline <= today
                r = rng.random()
                if m_start > today:
                    status = "open"
                elif r < (0.7 if due else 0.12):
                    status = "closed"
                elif r < (0.75 if due else 0.15):
                    status = "closure_requested"
                else:
                    status = "open"
                closed_on = None
                if status == "closed":
                    latest = min(today, deadline + dt.timedelta(days=10))
                    closed_on = m_start + dt.timedelta(days=max(1, int((latest - m_start).days * rng.uniform(0.6, 1))))
                    closed_on = min(closed_on, today)
                    closed_ats.append(aware(closed_on, 15))
                measures.append(
                    (p_index, m + 1, m_start, deadline, original, status, closed_on, extended, unit_id, liaison)
                )
            closed = count > 0 and len(closed_ats) == count
            problems.append(
                [
                    None,
                    campaign_id,
                    f"P{first_index + n + 1:05d}-{p + 1:02d}",
                    f"{rng.choice(PROBLEM_TITLES)}",
                    "检视发现的问题，需要整改。",
                    level,
                    unit_id,
                    source,
                    rng.choice(["作风", "服务", "发展", "安全"]),
                    rng.choices(["general", "serious", "major"], weights=[80, 17, 3])[0],
                    "closed" if closed else ("in_progress" if count else "no_measures"),
                    max(closed_ats) if closed else None,
                    liaison,
                    aware(found, 10),
                    found,
                ]
            )
    problem0 = w.reserve(Problem, len(problems))
    for i, row in enumerate(problems):
        row[0] = problem0 + i
    w.write(
        Problem,
        [
            "id",
            "campaign",
            "code",
            "title",
            "description",
            "level",
            "unit",
            "source",
            "category",
            "severity",
            "status",
            "closed_at",
            "created_by",
            "created_at",
            "found_on",
        ],
        problems,
    )

    measure0 = w.reserve(Measure, len(measures))
    m_rows, entries, closures, misses, extensions = [], [], [], [], []
    office_id = ctx["office"][0]
    rounds, round0 = ctx["rounds"], ctx["round0"]
    last_finished = ctx["finished_rounds"][-1] if ctx["finished_rounds"] else None
    for i, (p_index, number, m_start, deadline, original, status, closed_on, extended, unit_id, liaison) in enumerate(
        measures
    ):
        mid = measure0 + i
        metric = rng.random() < 0.6
        target = Decimal(rng.randrange(10, 200)) if metric else None
        milestones = [] if metric else ["制定方案", "组织实施", "验收评估"]
        # Fortnightly entries from the start until closed (or today); some rounds skipped.
        stop = closed_on or today
        percent, last_on, missed_last = 0, None, False
        span_days = max((deadline - m_start).days, 1)
        for r_index, (_n, opens, due) in enumerate(rounds):
            if due < m_start or opens > stop:
                continue
            on = min(opens + dt.timedelta(days=rng.randrange(0, ROUND_DAYS)), stop)
            if on < m_start:
                on = m_start
            if on > today:
                continue
            skipped = rng.random() < 0.08 and status != "closed"
            if skipped:
                if last_finished and round0 + r_index == last_finished[0]:
                    missed_last = True
                if due < today:
                    misses.append((round0 + r_index, mid))
                continue
            if status == "closed" and on >= stop:
                percent = 100
            else:
                expected = (on - m_start).days * 100 // span_days
                percent = max(percent, min(99, int(expected * rng.uniform(0.7, 1.2))))
            last_on = on
            value = (target * percent / 100).quantize(Decimal("0.01")) if metric else None
            done = list(range(len(milestones) * percent // 100))
            line = m_start + dt.timedelta(days=(span_days * min(percent, 100)) // 100)
            entries.append((mid, round0 + r_index, on, value, done, percent, line, "按期推进", liaison, aware(on, 16)))
        if status == "closed":
            # A measure closes at 100% only if its progress says so: the last entry is the
            # closing one (the service reads the measure's percent from its last entry).
            value = target if metric else None
            done = list(range(len(milestones)))
            if entries and entries[-1][0] == mid:
                # The latest entry is the one that reached the target.
                last = entries[-1]
                entries[-1] = (*last[:3], value, done, 100, m_start + dt.timedelta(days=span_days), "已完成", *last[8:])
            else:
                on = max(closed_on - dt.timedelta(days=3), m_start)  # before the closure request
                r_index = next((k for k, (_n, opens, due) in enumerate(rounds) if opens <= on <= due), None)
                round_id = None if r_index is None else round0 + r_index
                line = m_start + dt.timedelta(days=span_days)  # at 100% the line reaches the deadline
                entries.append((mid, round_id, on, value, done, 100, line, "已完成", liaison, aware(on, 16)))
                last_on = on
            percent = 100
        if extended:
            # The later deadline came from an approved extension, recorded as one.
            asked = max(original - dt.timedelta(days=5), m_start)  # asked before the original deadline
            extensions.append(
                (
                    mid,
                    original,
                    deadline,
                    "工作量超出预期，申请延期",
                    "approved",
                    liaison,
                    aware(asked, 10),
                    office_id,
                    aware(asked, 16),
                )
            )
        on_track = m_start + dt.timedelta(days=(span_days * min(percent, 100)) // 100)
        closed_at = aware(closed_on, 15) if closed_on else None
        m_rows.append(
            (
                mid,
                problem0 + p_index,
                number,
                f"整改措施{number}：完善制度、压实责任",
                unit_id,
                f"责任人{unit_id % 1000}",
                m_start,
                deadline,
                original,
                1 if extended else 0,
                Decimal(0) if metric else None,
                target,
                "项" if metric else "",
                milestones,
                len(milestones),
                "达到目标值并通过验收",
                status,
                percent,
                on_track,
                last_on,
                missed_last and status == "open",
                closed_at,
                problems[p_index][13],
            )
        )
        if status in ("closed", "closure_requested"):
            requested = aware(closed_on or min(today, deadline), 10) - dt.timedelta(days=2 if closed_on else 0)

            def claim(claimed: int, at: dt.datetime, unit_id=unit_id, original=original) -> tuple:
                # the closure rules (rectification/rules.py): a shortfall is explained; the
                # unit, the original deadline and lateness are facts of the request
                shortfall = "" if claimed >= 100 else "部分任务受客观条件限制，剩余部分已纳入常态化推进"
                return (unit_id, claimed, shortfall, original, at.date() > original)

            if rng.random() < 0.1:  # sent back once before
                at = requested - dt.timedelta(days=5)
                closures.append(
                    (
                        mid,
                        "returned",
                        "已完成整改",
                        {"percent": percent},
                        liaison,
                        at,
                        ctx["office"][0],
                        requested - dt.timedelta(days=4),
                        "佐证材料不足",
                        *claim(percent, at),
                    )
                )
            if status == "closed":
                closures.append(
                    (
                        mid,
                        "signed_off",
                        "已完成整改",
                        {"percent": 100},
                        liaison,
                        requested,
                        ctx["office"][0],
                        closed_at,
                        "",
                        *claim(100, requested),
                    )
                )
            else:
                closures.append(
                    (
                        mid,
                        "requested",
                        "已完成整改",
                        {"percent": percent},
                        liaison,
                        requested,
                        None,
                        None,
                        "",
                        *claim(percent, requested),
                    )
                )
    w.write(
        Measure,
        [
            "id",
            "problem",
            "number",
            "content",
            "responsible_unit",
            "responsible_person",
            "start_date",
            "deadline",
            "original_deadline",
            "extension_count",
            "baseline",
            "target_value",
            "measure_unit",
            "milestones",
            "milestone_count",
            "acceptance_criteria",
            "status",
            "progress_percent",
            "on_track_until",
            "last_progress_on",
            "missed_last_round",
            "closed_at",
            "created_at",
        ],
        m_rows,
    )
    w.write(
        MeasureProgress,
        [
            "measure",
            "round",
            "reported_on",
            "value_reached",
            "milestones_done",
            "percent",
            "on_track_until",
            "note",
            "reported_by",
            "created_at",
        ],
        entries,
    )
    w.write(
        Closure,
        [
            "measure",
            "status",
            "statement",
            "snapshot",
            "requested_by",
            "requested_at",
            "decided_by",
            "decided_at",
            "decision_note",
            "unit",
            "result_percent",
            "shortfall",
            "due_on",
            "late",
        ],
        closures,
    )
    w.write(DispatchMiss, ["round", "measure"], misses)
    w.write(
        Extension,
        [
            "measure",
            "old_deadline",
            "new_deadline",
            "reason",
            "status",
            "requested_by",
            "requested_at",
            "decided_by",
            "decided_at",
        ],
        extensions,
    )
