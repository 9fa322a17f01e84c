"""Weekly reports of the generated campaign: the reports, their lines, their review history and
the copy-paste index of the reported ones."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db import connection

from scale.copy import Writer, without_indexes
from scale.generate.common import BANDS_PER_REPORT, HIGHLIGHTS
from tasks import weeks
from tasks.models import ProgressItem, ReportingRule, ReportTransition, SimilarityBand, WeeklyProgress

# A generated campaign keeps the default reporting rule (Friday 17:00).
RULE = ReportingRule()


def report_deadline(week_start: dt.date) -> dt.datetime:
    """The week's deadline under the generated campaign's rule (tasks.weeks.report_deadline)."""
    return weeks.report_deadline(week_start=week_start, weekday=RULE.deadline_weekday, at=RULE.deadline_time)


def report_late(*, first_submitted_at: dt.datetime | None, deadline: dt.datetime) -> bool:
    """A report first submitted after its deadline is late (tasks.weeks.submission_is_late);
    a draft is not."""
    return first_submitted_at is not None and weeks.submission_is_late(
        submitted_at=first_submitted_at, deadline=deadline
    )


def weekly_reports(w: Writer, rng: random.Random, ctx: dict, chunk: list[int]) -> None:
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
            deadline = report_deadline(monday)
            created = deadline - dt.timedelta(hours=rng.randrange(24, 96))
            text = rng.choice(HIGHLIGHTS).format(n=rng.randint(1, 9))
            if roll < 0.05:
                status, first, last, reviewed, version = "draft", None, None, None, 2
            else:
                first = (
                    deadline + dt.timedelta(hours=rng.randrange(1, 48))
                    if rng.random() < 0.08
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
                    report_late(first_submitted_at=first, deadline=deadline),
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


def similarity_bands(w: Writer, campaign_id: int) -> None:
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
        with connection.cursor() as cursor, without_indexes(cursor, table):
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
