"""A synthetic campaign at province scale, written straight into the tables for benchmarks.

`generate(units=10_000, weeks=26)` builds one campaign: units of every kind with one or two
liaisons each, an inspection group per ~25 units, ~60 key tasks, `weeks` weeks of weekly
reports (≈95% submitted; some late, returned, accepted) with their progress items and review
transitions, ~20 problems per unit with ~2.5 measures each, fortnightly measure progress,
closures (most signed off), dispatch rounds and misses, study and research records, site
visits and public reports.

How it is written, and what that means:
- Rows go in through `scale.copy.Writer`: PostgreSQL's COPY, chunk by chunk (SQLite: one
  `executemany` per chunk). No `save()`, no signals: the history tables
  (django-simple-history) stay empty for generated data, and no notifications are sent.
- Every derived column (a report's deadline and lateness, a measure's progress, its
  expected-progress date and missed rounds, a problem's status, a closure's lateness) is
  computed by the rule function the services call (tasks/weeks.py, rectification/derive.py),
  so pages and roll-ups read the data the services would have written;
  tests/scale/test_generator_matches_services.py holds the two paths together.
- Primary keys are reserved in blocks from each table's sequence before the rows are written,
  so children can point at their parents without reading anything back.
- Everyone created here shares one password hash computed once (`password=None`: an unusable
  one), never one Argon2 hash per user.
- The last generated week is the week before the current one, so the current week is free for
  a load test to submit into.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from campaign.models import Campaign, Coverage, InspectionGroup, Liaison, Phase, Unit, User, WorkLine
from rectification import derive
from rectification.models import DispatchRound
from scale.copy import Writer
from scale.generate.common import (
    CHUNK_UNITS,
    KEY_TASKS,
    KIND_MIX,
    PROBLEM_TITLES,
    UNITS_PER_GROUP,
    Progress,
    aware,
)
from scale.generate.progress import similarity_bands, weekly_reports
from scale.generate.records import public_reports, records
from scale.generate.rectification import rectification_rows
from tasks.models import KeyTask, ReportingRule

__all__ = ["Progress", "generate"]


def generate(
    *,
    units: int,
    weeks: int,
    campaign_name: str = "",
    seed: int = 1,
    password: str | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    today: dt.date | None = None,
    bands: bool = True,
) -> dict:
    """Build the campaign; returns {"campaign_id", "seconds", "rows": {model: count}}."""
    started = time.monotonic()
    rng = random.Random(seed)
    progress = progress or (lambda label, done, total: None)
    today = today or timezone.localdate()
    this_monday = today - dt.timedelta(days=today.weekday())
    start = this_monday - dt.timedelta(weeks=weeks)
    end = start + dt.timedelta(weeks=max(weeks + 8, 26)) - dt.timedelta(days=1)
    now = timezone.now()
    w = Writer(now)
    name = campaign_name or f"规模测试 {units}×{weeks} #{seed}"
    slug = f"s{seed}u{units}w{weeks}-{rng.randrange(16**6):06x}"
    password_hash = make_password(password)  # once, shared by everyone created here

    with transaction.atomic():
        campaign_id = w.reserve(Campaign, 1)
        w.write(Campaign, ["id", "name", "batch", "start_date", "end_date"], [(campaign_id, name, 1, start, end)])
        third = (end - start).days // 3
        w.write(
            Phase,
            ["campaign", "order", "name", "start_date", "end_date"],
            [
                (campaign_id, 1, "学习调研", start, start + dt.timedelta(days=third - 1)),
                (
                    campaign_id,
                    2,
                    "检视整改",
                    start + dt.timedelta(days=third),
                    start + dt.timedelta(days=2 * third - 1),
                ),
                (campaign_id, 3, "总结提升", start + dt.timedelta(days=2 * third), end),
            ],
        )
        w.write(ReportingRule, ["campaign"], [(campaign_id,)])
        # The six lines come from a data migration; a flushed test database may have lost them.
        for number, code in enumerate(WorkLine.Code.values, start=1):
            WorkLine.objects.get_or_create(code=code, defaults={"number": number})
        lines = dict(WorkLine.objects.values_list("code", "id"))

        # Units, their kinds spread by the mix.
        kinds = rng.choices([k for k, _p, _w in KIND_MIX], weights=[w_ for _k, _p, w_ in KIND_MIX], k=units)
        prefix = {k: p for k, p, _w in KIND_MIX}
        unit0 = w.reserve(Unit, units)
        unit_ids = list(range(unit0, unit0 + units))
        w.write(
            Unit,
            ["id", "campaign", "name", "kind", "head_name", "contact_phone", "joined_on"],
            (
                (
                    unit_ids[i],
                    campaign_id,
                    f"{prefix[kinds[i]]}{i + 1:05d}",
                    kinds[i],
                    f"负责人{i + 1}",
                    f"1380000{i:04d}",
                    start,
                )
                for i in range(units)
            ),
        )
        progress("units", units, units)

        # People: office, leaders, inspectors (a leader and two members per group), liaisons.
        groups = max(1, round(units / UNITS_PER_GROUP))
        liaisons_per_unit = [1 + (rng.random() < 0.5) for _ in range(units)]
        people: list[tuple] = []
        for i in range(3):
            people.append((f"{slug}-office-{i + 1}", User.Role.OFFICE, f"办公室{i + 1}", None))
        for i in range(3):
            people.append((f"{slug}-leader-{i + 1}", User.Role.LEADER, f"领导{i + 1}", None))
        for g in range(groups):
            for j in range(3):
                people.append((f"{slug}-inspector-{g + 1}-{j + 1}", User.Role.INSPECTOR, f"督导{g + 1}-{j + 1}", None))
        for i, unit_id in enumerate(unit_ids):
            for j in range(liaisons_per_unit[i]):
                people.append((f"{slug}-liaison-{i + 1}-{j + 1}", User.Role.LIAISON, f"联络员{i + 1}-{j + 1}", unit_id))
        user0 = w.reserve(User, len(people))
        joined = now - dt.timedelta(days=7 * weeks + 7)
        w.write(
            User,
            ["id", "username", "password", "role", "full_name", "work_unit", "date_joined"],
            ((user0 + k, p[0], password_hash, p[1], p[2], p[3], joined) for k, p in enumerate(people)),
        )
        office_ids = [user0 + k for k in range(3)]
        leader_ids = [user0 + 3 + k for k in range(3)]
        inspector0 = user0 + 6
        liaison_user0 = inspector0 + 3 * groups
        liaison_rows, unit_liaison = [], {}
        k = liaison_user0
        for i, unit_id in enumerate(unit_ids):
            unit_liaison[unit_id] = k
            for _j in range(liaisons_per_unit[i]):
                liaison_rows.append((k, unit_id, start))
                k += 1
        w.write(Liaison, ["user", "unit", "since"], liaison_rows)

        group0 = w.reserve(InspectionGroup, groups)
        w.write(
            InspectionGroup,
            ["id", "campaign", "number", "name", "leader", "formed_on"],
            (
                (group0 + g, campaign_id, g + 1, f"第{g + 1}巡回指导组", inspector0 + 3 * g, start)
                for g in range(groups)
            ),
        )
        w.m2m(
            InspectionGroup.members.through,
            ["inspectiongroup", "user"],
            [(group0 + g, inspector0 + 3 * g + j) for g in range(groups) for j in (1, 2)],
        )
        unit_group = {unit_id: group0 + (i * groups // units) for i, unit_id in enumerate(unit_ids)}
        w.write(Coverage, ["group", "unit"], ((unit_group[u], u) for u in unit_ids))
        group_leader = {group0 + g: inspector0 + 3 * g for g in range(groups)}
        progress("people", len(people), len(people))

        # Key tasks: led by city organs, each unit cooperating on about four.
        leads = [u for u, kind in zip(unit_ids, kinds, strict=True) if kind == Unit.Kind.CITY_ORGAN] or unit_ids
        task0 = w.reserve(KeyTask, KEY_TASKS)
        task_rows, task_metric, task_deadline = [], {}, {}
        line_codes = list(lines)
        for t in range(KEY_TASKS):
            deadline = start + dt.timedelta(days=rng.randrange(28, (end - start).days + 1))
            metric = rng.random() < 0.4
            task_metric[task0 + t] = metric
            task_deadline[task0 + t] = deadline
            task_rows.append(
                (
                    task0 + t,
                    campaign_id,
                    t + 1,
                    f"重点任务{t + 1}：推动{rng.choice(PROBLEM_TITLES)}问题解决",
                    lines[line_codes[t % len(line_codes)]],
                    rng.choice(leads),
                    start + dt.timedelta(days=rng.randrange(0, 14)),
                    deadline,
                    "形成制度成果并通过验收",
                    "项" if metric else "",
                    Decimal(rng.randrange(5, 100)) if metric else None,
                )
            )
        w.write(
            KeyTask,
            [
                "id",
                "campaign",
                "number",
                "title",
                "work_line",
                "lead_unit",
                "assigned_on",
                "deadline",
                "done_definition",
                "metric_unit",
                "metric_target",
            ],
            task_rows,
        )
        task_ids = [r[0] for r in task_rows]
        lead_of = {r[0]: r[5] for r in task_rows}
        unit_tasks: dict[int, list[int]] = {u: [] for u in unit_ids}
        for task_id, lead in lead_of.items():
            unit_tasks[lead].append(task_id)
        coop = []
        for u in unit_ids:
            for task_id in rng.sample(task_ids, k=min(len(task_ids), rng.randint(3, 5))):
                if task_id not in unit_tasks[u]:
                    unit_tasks[u].append(task_id)
                    coop.append((task_id, u))
        w.m2m(KeyTask.cooperating_units.through, ["keytask", "unit"], coop)

        # Dispatch rounds, fortnight by fortnight from the start, up to today.
        rounds = derive.rounds_until(campaign_start=start, today=today)
        round0 = w.reserve(DispatchRound, len(rounds))
        w.write(
            DispatchRound,
            ["id", "campaign", "number", "opens_on", "due_on", "reminded_at", "closed_out_at"],
            (
                (
                    round0 + i,
                    campaign_id,
                    n,
                    o,
                    d,
                    aware(d - dt.timedelta(days=2)) if d < today else None,
                    aware(d + dt.timedelta(days=1), 1) if d < today else None,
                )
                for i, (n, o, d) in enumerate(rounds)
            ),
        )
        finished_rounds = [(round0 + i, n, o, d) for i, (n, o, d) in enumerate(rounds) if d < today]

        ctx = {
            "campaign_id": campaign_id,
            "start": start,
            "end": end,
            "today": today,
            "weeks": weeks,
            "unit_liaison": unit_liaison,
            "unit_group": unit_group,
            "group_leader": group_leader,
            "unit_tasks": unit_tasks,
            "task_metric": task_metric,
            "task_deadline": task_deadline,
            "office": office_ids,
            "leaders": leader_ids,
            "rounds": rounds,
            "round0": round0,
            "finished_rounds": finished_rounds,
            "lines": lines,
        }
        for offset in range(0, units, CHUNK_UNITS):
            chunk = unit_ids[offset : offset + CHUNK_UNITS]
            weekly_reports(w, rng, ctx, chunk)
            rectification_rows(w, rng, ctx, chunk, first_index=offset)
            records(w, rng, ctx, chunk)
            progress("units+data", offset + len(chunk), units)
        public_reports(w, rng, ctx, units)
        if bands:
            similarity_bands(w, campaign_id)
        progress("similarity bands", 1, 1)

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {"campaign_id": campaign_id, "seconds": round(time.monotonic() - started, 1), "rows": dict(w.counts)}
