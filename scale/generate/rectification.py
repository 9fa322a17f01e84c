"""Problems and measures of the generated campaign, with their progress entries, dispatch
misses, extensions and closures."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from campaign.lights import expected_percent
from rectification import derive
from rectification.models import Closure, DispatchMiss, Extension, Measure, MeasureProgress, Problem
from scale.copy import Writer
from scale.generate.common import PROBLEM_TITLES, PROBLEMS_PER_UNIT, ROUND_DAYS, aware


def problem_columns(*, measures: int, closed_ats: list[dt.datetime]) -> tuple[str, dt.datetime | None]:
    """A problem's status and closing time from its measures (`closed_ats`: of the closed ones):
    rectified, and when, once every measure is closed (derive.problem_status)."""
    status = derive.problem_status(measures=measures, closed=len(closed_ats))
    return status, (max(closed_ats) if status == Problem.Status.CLOSED else None)


def entry_columns(
    *,
    campaign_start: dt.date,
    start: dt.date,
    deadline: dt.date,
    target_value: Decimal | None,
    baseline: Decimal | None,
    milestone_count: int,
    value: Decimal | None,
    milestones_done: int,
    on: dt.date,
) -> tuple[int, dt.date, int]:
    """What a progress entry derives from what the unit reported, as measure_progress_record
    does: (percent, expected-progress date, dispatch round number). `deadline`: the one in
    force on `on`."""
    percent = derive.progress_percent(
        target_value=target_value,
        baseline=baseline,
        value=value,
        milestones_done=milestones_done,
        milestone_count=milestone_count,
    )
    line = derive.on_track_until(start=start, deadline=deadline, percent=percent)
    number, _opens, _due = derive.round_bounds(campaign_start=campaign_start, on=on)
    return percent, line, number


def round_missed_by(*, start_date: dt.date, due_on: dt.date, asked_on: dt.date | None, has_entry: bool) -> bool:
    """Whether the close-out of the round due on `due_on` (the next morning) records a miss for
    a measure whose closure was asked for on `asked_on` (None: never): it is open then unless
    closure was asked for by the due day (derive.round_missed)."""
    open_at_close_out = asked_on is None or due_on < asked_on
    return derive.round_missed(
        status=Measure.Status.OPEN if open_at_close_out else Measure.Status.CLOSURE_REQUESTED,
        start_date=start_date,
        due_on=due_on,
        has_entry=has_entry,
    )


def measure_columns(
    *,
    start: dt.date,
    deadline: dt.date,
    entries: list[tuple[dt.date, int]],
    missed_latest_closed_round: bool,
    latest_closed_due: dt.date | None,
) -> dict:
    """A measure's derived columns from its entries [(reported on, percent), oldest first]: the
    percent of the latest, its expected-progress date against the deadline in force, the day of
    the latest, and the missed-round flag (set by the latest close-out, cleared by an entry after it)."""
    percent = entries[-1][1] if entries else 0
    last_on = entries[-1][0] if entries else None
    entry_since = last_on is not None and latest_closed_due is not None and last_on > latest_closed_due
    return {
        "progress_percent": percent,
        "on_track_until": derive.on_track_until(start=start, deadline=deadline, percent=percent),
        "last_progress_on": last_on,
        "missed_last_round": derive.missed_last_round(
            missed_latest_closed_round=missed_latest_closed_round, entry_since=entry_since
        ),
    }


def _entry(spec: dict, on: dt.date, aim: int, note: str) -> tuple:
    """A progress entry row: what the unit types (a value or milestones ticked) from the share
    aimed at; the percent, line and round are derived from it as the service derives them."""
    extended_on = spec["extended_on"]
    in_force = spec["original"] if extended_on and on < extended_on else spec["deadline"]
    target = spec["target"]
    value = (target * aim / 100).quantize(Decimal("0.01")) if target is not None else None
    done = list(range(spec["milestones"] * aim // 100))
    percent, line, round_number = entry_columns(
        campaign_start=spec["campaign_start"],
        start=spec["start"],
        deadline=in_force,
        target_value=target,
        baseline=spec["baseline"],
        milestone_count=spec["milestones"],
        value=value,
        milestones_done=len(done),
        on=on,
    )
    round0, count = spec["rounds"]
    round_id = round0 + round_number - 1 if round_number <= count else None
    return (spec["measure"], round_id, on, value, done, percent, line, note, spec["liaison"], aware(on, 16))


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
            status_of_problem, problem_closed_at = problem_columns(measures=count, closed_ats=closed_ats)
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
                    status_of_problem,
                    problem_closed_at,
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
        # Fortnightly entries from the start until closure is asked for (or today); some rounds
        # skipped. After the request the service takes no entries, and a round closed out while
        # the request waits is not owed.
        asked_on = None
        if status == "closed":
            asked_on = closed_on - dt.timedelta(days=2)
        elif status == "closure_requested":
            asked_on = min(today, deadline)
        stop = max(asked_on, m_start) if asked_on else today
        extended_on = max(original - dt.timedelta(days=5), m_start) if extended else None
        aim, missed_last, own = 0, False, []  # own: (reported on, percent) of this measure's entries
        baseline = Decimal(0) if metric else None

        spec = {
            "campaign_start": start,
            "start": m_start,
            "deadline": deadline,
            "original": original,
            "extended_on": extended_on,
            "target": target,
            "baseline": baseline,
            "milestones": len(milestones),
            "rounds": (round0, len(rounds)),
            "measure": mid,
            "liaison": liaison,
        }

        def report(on: dt.date, aim: int, note: str, spec=spec, own=own) -> None:
            entry = _entry(spec, on, aim, note)
            entries.append(entry)
            own.append((on, entry[5]))

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
                if due < today and round_missed_by(start_date=m_start, due_on=due, asked_on=asked_on, has_entry=False):
                    misses.append((round0 + r_index, mid))
                    if last_finished and round0 + r_index == last_finished[0]:
                        missed_last = True
                continue
            if status == "closed" and on >= stop:
                aim = 100
            else:
                in_force = original if extended_on and on < extended_on else deadline
                expected = expected_percent(start=m_start, deadline=in_force, day=on)
                aim = max(aim, min(99, int(expected * rng.uniform(0.7, 1.2))))
            report(on, aim, "按期推进")
        if status == "closed" and not (own and own[-1][1] == 100):
            # A measure closes at 100% only if its progress says so: the latest entry is the
            # closing one (the service reads the measure's percent from its latest entry).
            if own and own[-1][0] >= max(closed_on - dt.timedelta(days=3), m_start):
                entries.pop()
                own.pop()
            report(max(closed_on - dt.timedelta(days=3), m_start), 100, "已完成")
        columns = measure_columns(
            start=m_start,
            deadline=deadline,
            entries=own,
            missed_latest_closed_round=missed_last,
            latest_closed_due=last_finished[3] if last_finished else None,
        )
        percent = columns["progress_percent"]
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
                columns["on_track_until"],
                columns["last_progress_on"],
                columns["missed_last_round"],
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
                return (unit_id, claimed, shortfall, original, derive.closure_late(asked_on=at.date(), due_on=original))

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
