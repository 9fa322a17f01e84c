"""A synthetic campaign at province scale, written straight into the tables for benchmarks.

`generate(units=10_000, weeks=26)` builds one campaign: units of every kind with one or two
liaisons each, an inspection group per ~25 units, ~60 key tasks, `weeks` weeks of weekly
reports (≈95% submitted; some late, returned, accepted) with their progress items and review
transitions, ~20 problems per unit with ~2.5 measures each, fortnightly measure progress,
closures (most signed off), dispatch rounds and misses, study and research records, site
visits and public reports.

How it is written, and what that means:
- Rows go in with PostgreSQL's COPY (psycopg2 `copy_expert`), chunk by chunk; on another
  database (SQLite in the test suite) with one `executemany` per chunk. No `save()`, no
  signals: the history tables (django-simple-history) stay empty for generated data, and no
  notifications are sent. Every derived column (a measure's progress and light inputs, a
  problem's status, a report's lateness) is computed here the way the services compute it, so
  pages and roll-ups read consistent data.
- Primary keys are reserved in blocks from each table's sequence before the rows are written,
  so children can point at their parents without reading anything back.
- Everyone created here shares one password hash computed once (`password=None`: an unusable
  one), never one Argon2 hash per user.
- The last generated week is the week before the current one, so the current week is free for
  a load test to submit into.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import random
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import connection, models, transaction
from django.utils import timezone

from campaign.models import Campaign, Coverage, InspectionGroup, Liaison, Phase, Unit, User, WorkLine
from rectification.models import (
    Closure,
    DispatchMiss,
    DispatchRound,
    Extension,
    Measure,
    MeasureProgress,
    Problem,
    PublicReport,
    SiteVisit,
)
from tasks.models import (
    KeyTask,
    ProgressItem,
    ReportingRule,
    ReportTransition,
    ResearchActivity,
    SimilarityBand,
    StudyActivity,
    WeeklyProgress,
)

ROUND_DAYS = 14
UNITS_PER_GROUP = 25
KEY_TASKS = 60
PROBLEMS_PER_UNIT = 20
CHUNK_UNITS = 250
# Copy-paste index rows per reported report: 25 bands for each of the four texts a real
# report has long enough to be compared (highlights, problems, plan or task notes, the whole).
BANDS_PER_REPORT = 100

KIND_MIX = [
    (Unit.Kind.CITY_ORGAN, "市直单位", 0.2),
    (Unit.Kind.DISTRICT, "区县", 0.1),
    (Unit.Kind.ENTERPRISE, "企业", 0.3),
    (Unit.Kind.INSTITUTION, "事业单位", 0.4),
]
HIGHLIGHTS = [
    "召开专题会议{n}次，部署推进主题教育重点任务，班子成员带头讲党课。",
    "组织集中学习研讨，围绕调查研究形成调研报告{n}篇，梳理问题清单。",
    "推动检视整改，本周新完成整改措施{n}项，群众反映问题得到回应。",
    "开展走访调研{n}次，解决企业和群众急难愁盼问题，建立长效机制。",
]
PROBLEM_TITLES = [
    "审批流程繁琐",
    "服务窗口排队时间长",
    "项目推进迟缓",
    "制度执行不到位",
    "基层负担较重",
    "资金拨付滞后",
    "信息公开不及时",
    "安全隐患排查不彻底",
    "作风不实",
    "群众诉求回应慢",
]


class Progress:
    """A text progress bar on stderr: one line per phase, redrawn in place."""

    def __init__(self, stream=None, enabled: bool = True):
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self.started = time.monotonic()

    def __call__(self, label: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        share = done / total if total else 1.0
        bar = "#" * int(share * 30)
        elapsed = time.monotonic() - self.started
        end = "\n" if done >= total else ""
        self.stream.write(f"\r{label:<10} [{bar:<30}] {share:4.0%} {done:>7}/{total:<7} {elapsed:6.1f}s{end}")
        self.stream.flush()


# --- the writer ------------------------------------------------------------------------------


def _pg_text(value) -> str:
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
            value = value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
        return value
    if isinstance(value, list | dict):
        return _pg_text(json.dumps(value, ensure_ascii=False))
    return str(value)


def _sqlite_value(value):
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).replace(tzinfo=None).isoformat(" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, Decimal):
        return str(value)
    return value


class Writer:
    """Reserves primary keys and writes rows of one model in bulk, bypassing the ORM."""

    def __init__(self, now: dt.datetime):
        self.now = now
        self.is_pg = connection.vendor == "postgresql"
        self.counts: dict[str, int] = {}
        self._plans: dict[tuple, tuple[str, list[str], tuple]] = {}

    def reserve(self, model: type[models.Model], n: int) -> int:
        """The first of `n` consecutive free ids of the model's table."""
        table = model._meta.db_table
        with connection.cursor() as cursor:
            if self.is_pg:
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence(%s, 'id'), nextval(pg_get_serial_sequence(%s, 'id')) + %s)",
                    [table, table, max(n, 1) - 1],
                )
                return cursor.fetchone()[0] - max(n, 1) + 1
            cursor.execute(f'SELECT COALESCE(MAX(id), 0) + 1 FROM "{table}"')  # noqa: S608 - a model's table
            return cursor.fetchone()[0]

    def _plan(self, model: type[models.Model], fields: Sequence[str]):
        key = (model, tuple(fields))
        if key not in self._plans:
            given = set(fields)
            columns = [model._meta.get_field(name).column for name in fields]
            constants = []
            for field in model._meta.concrete_fields:
                if field.attname in given or field.name in given or field.primary_key:
                    continue
                if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                    value = self.now
                elif field.has_default():
                    value = field.get_default()
                elif field.null:
                    value = None
                elif field.blank and isinstance(field, models.CharField | models.TextField):
                    value = ""
                else:
                    raise ValueError(f"{model.__name__}.{field.name} needs a value")
                columns.append(field.column)
                constants.append(value)
            self._plans[key] = (model._meta.db_table, columns, tuple(constants))
        return self._plans[key]

    def write(self, model: type[models.Model], fields: Sequence[str], rows: Iterable[tuple]) -> int:
        """Insert `rows` (tuples in the order of `fields`; other columns get their default)."""
        table, columns, constants = self._plan(model, fields)
        n = 0
        if self.is_pg:
            buffer = io.StringIO()
            tail = ("\t" + "\t".join(_pg_text(v) for v in constants)) if constants else ""
            for row in rows:
                buffer.write("\t".join([_pg_text(v) for v in row]))
                buffer.write(tail)
                buffer.write("\n")
                n += 1
            buffer.seek(0)
            cols = ", ".join(f'"{c}"' for c in columns)
            with connection.cursor() as cursor:
                cursor.cursor.copy_expert(f'COPY "{table}" ({cols}) FROM STDIN', buffer)
        else:
            params = [tuple(_sqlite_value(v) for v in (*row, *constants)) for row in rows]
            n = len(params)
            if params:
                cols = ", ".join(f'"{c}"' for c in columns)
                marks = ", ".join(["%s"] * len(columns))
                with connection.cursor() as cursor:
                    cursor.executemany(f'INSERT INTO "{table}" ({cols}) VALUES ({marks})', params)  # noqa: S608
        self.counts[model.__name__] = self.counts.get(model.__name__, 0) + n
        return n

    def m2m(self, through: type[models.Model], fields: Sequence[str], rows: list[tuple]) -> int:
        return self.write(through, fields, rows)


# --- the generator ---------------------------------------------------------------------------


def _aware(day: dt.date, hour: int = 9, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


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
        rounds = []
        number = 1
        while start + dt.timedelta(days=(number - 1) * ROUND_DAYS) <= today:
            opens = start + dt.timedelta(days=(number - 1) * ROUND_DAYS)
            rounds.append((number, opens, opens + dt.timedelta(days=ROUND_DAYS - 1)))
            number += 1
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
                    _aware(d - dt.timedelta(days=2)) if d < today else None,
                    _aware(d + dt.timedelta(days=1), 1) if d < today else None,
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
            _weekly(w, rng, ctx, chunk)
            _rectification(w, rng, ctx, chunk, first_index=offset)
            _records(w, rng, ctx, chunk)
            progress("units+data", offset + len(chunk), units)
        _public_reports(w, rng, ctx, units)
        if bands:
            _similarity_bands(w, campaign_id)
        progress("similarity bands", 1, 1)

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {"campaign_id": campaign_id, "seconds": round(time.monotonic() - started, 1), "rows": dict(w.counts)}


def _weekly(w: Writer, rng: random.Random, ctx: dict, chunk: list[int]) -> None:
    start, weeks, today = ctx["start"], ctx["weeks"], ctx["today"]
    reports, items_for, reviews = [], [], []
    for unit_id in chunk:
        liaison = ctx["unit_liaison"][unit_id]
        reviewer = ctx["group_leader"][ctx["unit_group"][unit_id]]
        for wk in range(weeks):
            monday = start + dt.timedelta(weeks=wk)
            roll = rng.random()
            if roll < 0.03:
                continue  # missing: never started
            deadline = _aware(monday + dt.timedelta(days=4), 17)
            created = deadline - dt.timedelta(hours=rng.randrange(24, 96))
            text = rng.choice(HIGHLIGHTS).format(n=rng.randint(1, 9))
            if roll < 0.05:
                status, first, last, late, reviewed, version = "draft", None, None, False, None, 2
            else:
                late = rng.random() < 0.08
                first = (
                    deadline + dt.timedelta(hours=rng.randrange(1, 48))
                    if late
                    else deadline - dt.timedelta(minutes=rng.randrange(1, 72 * 60))
                )
                recent = wk >= weeks - 1
                fate = rng.random()
                if fate < 0.05:
                    status = "returned"
                elif fate < (0.5 if recent else 0.85):
                    status = "accepted"
                else:
                    status = "submitted"
                resubmitted = status != "returned" and rng.random() < 0.04
                last = first + dt.timedelta(days=2) if resubmitted else first
                reviewed = (
                    last + dt.timedelta(hours=rng.randrange(2, 72)) if status in ("returned", "accepted") else None
                )
                if reviewed and reviewed.date() > today:
                    reviewed = None
                    status = "submitted"
                version = 2 + (2 if resubmitted else 0)
                reviews.append((len(reports), status, first, last, resubmitted, reviewed, liaison, reviewer))
            reports.append(
                [
                    None,
                    unit_id,
                    monday,
                    deadline,
                    status,
                    "上周计划：推进重点任务",
                    text,
                    "进度不平衡",
                    "下周继续推进",
                    first,
                    last,
                    late,
                    reviewed,
                    version,
                    liaison,
                    liaison,
                    created,
                    last or created,
                ]
            )
            items_for.append((unit_id, wk))
    report0 = w.reserve(WeeklyProgress, len(reports))
    for i, row in enumerate(reports):
        row[0] = report0 + i
    w.write(
        WeeklyProgress,
        [
            "id",
            "unit",
            "week_start",
            "deadline",
            "status",
            "expectation",
            "highlights",
            "problems",
            "next_week_plan",
            "first_submitted_at",
            "submitted_at",
            "is_late",
            "reviewed_at",
            "version",
            "created_by",
            "updated_by",
            "created_at",
            "updated_at",
        ],
        reports,
    )

    def items():
        for i, (unit_id, wk) in enumerate(items_for):
            share = (wk + 1) / weeks
            for task_id in ctx["unit_tasks"][unit_id]:
                r = rng.random()
                status = (
                    "done"
                    if r < share * 0.4
                    else "blocked"
                    if r > 0.97
                    else ("not_started" if r > 0.9 and share < 0.3 else "in_progress")
                )
                value = Decimal(rng.randrange(0, 50)) if ctx["task_metric"][task_id] else None
                yield (report0 + i, task_id, status, "按计划推进", value)

    w.write(ProgressItem, ["report", "key_task", "status", "note", "value"], items())

    def transitions():
        for i, status, first, last, resubmitted, reviewed, liaison, reviewer in reviews:
            rid = report0 + i
            yield (rid, "submit", "draft", "submitted", liaison, first, "")
            if resubmitted:
                yield (rid, "return", "submitted", "returned", reviewer, first + dt.timedelta(days=1), "请补充数据")
                yield (rid, "resubmit", "returned", "submitted", liaison, last, "")
            if status == "returned":
                yield (rid, "return", "submitted", "returned", reviewer, reviewed, "内容过于简单，请补充")
            elif status == "accepted":
                yield (rid, "accept", "submitted", "accepted", reviewer, reviewed, "")

    w.write(ReportTransition, ["report", "action", "from_status", "to_status", "by", "at", "comment"], transitions())


@contextlib.contextmanager
def _without_indexes(cursor, table: str):
    """Drop the table's secondary indexes and its unique and foreign-key constraints, and put
    them back afterwards, as pg_restore does: building an index over 25 million rows at once is
    minutes faster than maintaining it row by row, and a foreign key added back is checked by
    one join instead of one deferred trigger per row at commit. Same transaction as the rows;
    the foreign keys still pending are checked first (a table with pending checks cannot be
    altered), as the commit would have checked them."""
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype IN ('f', 'u') ORDER BY contype DESC",
        [table],
    )
    constraints = cursor.fetchall()
    cursor.execute(
        "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
        "WHERE i.indrelid = %s::regclass AND NOT i.indisprimary "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.conrelid = i.indrelid)",
        [table],
    )
    indexes = cursor.fetchall()
    for name, _definition in constraints:
        cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
    for name, _definition in indexes:
        cursor.execute(f"DROP INDEX {name}")
    yield
    cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
    for _name, definition in indexes:
        cursor.execute(definition)
    for name, definition in reversed(constraints):
        cursor.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
    cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _similarity_bands(w: Writer, campaign_id: int) -> None:
    """The copy-paste index (`SimilarityBand`) of every reported report, BANDS_PER_REPORT rows
    each, as its submission would have written them. The keys are pseudo-random (a hash of the
    report id and the band's number), not the MinHash of the generated texts: those come from
    four sentence templates, so real bands would make every report of a week a candidate of
    every other, where real units' texts share a band with under 1% of the week (bench/README.md).
    The current week is left empty, like the reports; bench/load.py --prefill indexes its texts."""
    reported = WeeklyProgress.objects.filter(
        unit__campaign=campaign_id, status__in=("submitted", "returned", "accepted")
    )
    if w.is_pg:
        table = SimilarityBand._meta.db_table
        sql, params = reported.values_list("id", "week_start").query.sql_with_params()
        with connection.cursor() as cursor, _without_indexes(cursor, table):
            # The low 7 bits are the band's number, so a report's keys never repeat.
            cursor.execute(
                f"""INSERT INTO "{table}" (report_id, week_start, band)
                    SELECT r.id, r.week_start, (hashtext(r.id::text || ':' || g) & ~127) | g
                      FROM ({sql}) r(id, week_start), generate_series(1, %s) g""",  # noqa: S608 - no user input
                [*params, BANDS_PER_REPORT],
            )
            w.counts[SimilarityBand.__name__] = cursor.rowcount
        return
    rows = []
    for report_id, week_start in reported.values_list("id", "week_start"):
        keys = {random.Random(report_id * 1000 + g).getrandbits(32) - 2**31 for g in range(BANDS_PER_REPORT)}
        rows.extend((report_id, week_start, key) for key in keys)
    w.write(SimilarityBand, ["report", "week_start", "band"], rows)


def _rectification(w: Writer, rng: random.Random, ctx: dict, chunk: list[int], first_index: int) -> None:
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
                    closed_ats.append(_aware(closed_on, 15))
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
                    _aware(found, 10),
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
            entries.append((mid, round0 + r_index, on, value, done, percent, line, "按期推进", liaison, _aware(on, 16)))
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
                entries.append((mid, round_id, on, value, done, 100, line, "已完成", liaison, _aware(on, 16)))
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
                    _aware(asked, 10),
                    office_id,
                    _aware(asked, 16),
                )
            )
        on_track = m_start + dt.timedelta(days=(span_days * min(percent, 100)) // 100)
        closed_at = _aware(closed_on, 15) if closed_on else None
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
            requested = _aware(closed_on or min(today, deadline), 10) - dt.timedelta(days=2 if closed_on else 0)

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


def _records(w: Writer, rng: random.Random, ctx: dict, chunk: list[int]) -> None:
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
                    _aware(day, 18),
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
                    _aware(min(planned, today), 9),
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


def _public_reports(w: Writer, rng: random.Random, ctx: dict, units: int) -> None:
    start, today, campaign_id = ctx["start"], ctx["today"], ctx["campaign_id"]
    days = max((today - start).days, 1)
    rows = []
    for i in range(max(5, units // 5)):
        received = _aware(start + dt.timedelta(days=rng.randrange(0, days)), rng.randrange(8, 20))
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
