"""The generator (scale/) writes rows around the services, so it must derive every column the
way they do. A small campaign is built through the services — weekly reports (one on time, one
late, one left in draft), problems with measures at several progress and closure states, two
dispatch rounds closed out with misses — and each row's derived columns are compared, row class
by row class, with what the generator's per-row functions make of the same inputs. A rule
changed on one side only (the Friday deadline, the percent, the expected-progress line, the
round bounds, who missed a round, a problem's status, a closure's lateness) fails here."""

import datetime as dt
from types import SimpleNamespace

import pytest
import time_machine
from django.utils import timezone

from rectification import derive
from rectification.models import DispatchMiss, DispatchRound, Measure, MeasureProgress, Problem
from rectification.services import measures as rect
from rectification.services.dispatch import dispatch_run
from scale.generate.progress import report_deadline, report_late
from scale.generate.rectification import entry_columns, measure_columns, problem_columns, round_missed_by
from tasks.models import WeeklyProgress
from tasks.services import progress as reports
from tests.rectification.conftest import at, pdf

SH = dt.timezone(dt.timedelta(hours=8))
WEEK = dt.date(2026, 9, 7)  # its reports are due on Friday 11 September at 17:00


def _report(world, *, unit, by, week: dt.date, submit: bool):
    report = reports.report_open(unit=unit, week_start=week, by=by)
    report = reports.report_save(
        report=report,
        by=by,
        version=report.version,
        data={"highlights": "召开专题会议两次，完成调研走访。", "next_week_plan": "下周完成整改方案。"},
        items={},
    )
    return reports.report_submit(report=report, by=by) if submit else report


def _measure(world, problem, *, deadline: dt.date, **target):
    return rect.measure_create(
        by=world.office,
        problem=problem,
        content="完善制度、压实责任",
        responsible_unit=problem.unit,
        responsible_person="张三",
        start_date=dt.date(2026, 9, 1),
        deadline=deadline,
        **target,
    )


def _on(day: dt.date, hour: int = 10):
    return time_machine.travel(at(day, hour), tick=False)


@pytest.fixture
def built(world):
    """The campaign (1 September 2026 on) built through the services, as of 3 October."""
    a, b = world.unit_a, world.unit_b
    with time_machine.travel(dt.datetime(2026, 9, 11, 16, 0, tzinfo=SH), tick=False):
        _report(world, unit=a, by=world.liaison_a, week=WEEK, submit=True)  # on time
    with time_machine.travel(dt.datetime(2026, 9, 11, 17, 0, 1, tzinfo=SH), tick=False):
        _report(world, unit=b, by=world.liaison_b, week=WEEK, submit=True)  # a second late
    with _on(dt.date(2026, 9, 15)):
        _report(world, unit=a, by=world.liaison_a, week=dt.date(2026, 9, 14), submit=False)  # a draft

    with _on(dt.date(2026, 9, 2)):
        p1 = rect.problem_create(by=world.office, campaign=world.campaign, unit=a, title="审批流程繁琐")
        m1 = _measure(world, p1, deadline=dt.date(2026, 10, 31), baseline=0, target_value=100, measure_unit="%")
        m2 = _measure(world, p1, deadline=dt.date(2026, 11, 30), milestones=["制定方案", "组织实施", "验收评估"])
        p2 = rect.problem_create(by=world.office, campaign=world.campaign, unit=b, title="资金拨付滞后")
        m3 = _measure(world, p2, deadline=dt.date(2026, 9, 30), baseline=10, target_value=50, measure_unit="户")
        rect.problem_create(by=world.office, campaign=world.campaign, unit=a, title="作风不实")  # no measures
        p4 = rect.problem_create(by=world.office, campaign=world.campaign, unit=b, title="项目推进迟缓")
        m4 = _measure(world, p4, deadline=dt.date(2026, 9, 20), baseline=0, target_value=8, measure_unit="项")
        p5 = rect.problem_create(by=world.office, campaign=world.campaign, unit=a, title="服务窗口排队时间长")
        m5 = _measure(world, p5, deadline=dt.date(2026, 10, 15), baseline=0, target_value=100, measure_unit="%")
    with _on(dt.date(2026, 9, 10)):
        rect.measure_progress_record(by=world.liaison_a, measure=m1, value_reached=30)
        rect.measure_progress_record(by=world.liaison_a, measure=m2, milestones_done=[0])
        rect.measure_progress_record(by=world.liaison_b, measure=m3, value_reached=30)
        rect.measure_progress_record(by=world.liaison_a, measure=m5, value_reached=100)
    with _on(dt.date(2026, 9, 11)):
        closure = rect.measure_closure_request(by=world.liaison_a, measure=m5, statement="已完成", files=[pdf()])
    with _on(dt.date(2026, 9, 12)):
        rect.closure_sign_off(by=world.inspector, closure=closure)
    with _on(dt.date(2026, 9, 15), hour=1):
        dispatch_run(campaign=world.campaign)  # round 1 closed out: m4 missed it
    with _on(dt.date(2026, 9, 20)):
        rect.measure_progress_record(by=world.liaison_a, measure=m1, value_reached=61.5)
    with _on(dt.date(2026, 9, 25)):
        rect.measure_progress_record(by=world.liaison_b, measure=m4, value_reached=5)
        rect.measure_closure_request(
            by=world.liaison_b, measure=m4, statement="基本完成", shortfall="余下三项并入常态化", files=[pdf()]
        )  # after its deadline: late
    with _on(dt.date(2026, 9, 29), hour=1):
        dispatch_run(campaign=world.campaign)  # round 2 closed out: m2 and m3 missed it
    with _on(dt.date(2026, 10, 2)):
        rect.measure_progress_record(by=world.liaison_b, measure=m3, value_reached=26)  # clears m3's flag
    return SimpleNamespace(world=world, campaign=world.campaign, measures=[m1, m2, m3, m4, m5])


def test_weekly_reports_have_the_deadline_and_lateness_the_generator_gives_them(built):
    rows = WeeklyProgress.objects.filter(unit__campaign=built.campaign).order_by("unit", "week_start")
    assert [(r.status, r.is_late) for r in rows] == [("submitted", False), ("draft", False), ("submitted", True)]
    for report in rows:
        deadline = report_deadline(report.week_start)
        assert report.deadline == deadline, report
        assert report.is_late == report_late(first_submitted_at=report.first_submitted_at, deadline=deadline)


def test_progress_entries_derive_percent_line_and_round_as_the_generator_does(built):
    entries = MeasureProgress.objects.filter(measure__in=built.measures).select_related("measure", "round")
    assert entries.count() == 7
    for entry in entries:
        measure = entry.measure
        assert (entry.percent, entry.on_track_until, entry.round.number) == entry_columns(
            campaign_start=built.campaign.start_date,
            start=measure.start_date,
            deadline=measure.deadline,
            target_value=measure.target_value,
            baseline=measure.baseline,
            milestone_count=measure.milestone_count,
            value=entry.value_reached,
            milestones_done=len(entry.milestones_done),
            on=entry.reported_on,
        ), entry
    assert sorted(e.percent for e in entries) == [30, 33, 40, 50, 61, 62, 100]


def test_dispatch_rounds_and_misses_are_the_ones_the_generator_records(built):
    rounds = list(DispatchRound.objects.filter(campaign=built.campaign).order_by("number"))
    today = dt.date(2026, 10, 3)
    assert [(r.number, r.opens_on, r.due_on) for r in rounds] == derive.rounds_until(
        campaign_start=built.campaign.start_date, today=today
    )
    recorded = set(DispatchMiss.objects.values_list("round__number", "measure_id"))
    asked = {
        m.pk: m.closures.order_by("requested_at").values_list("requested_at", flat=True).first() for m in built.measures
    }
    generated = {
        (r.number, m.pk)
        for r in rounds
        if r.closed_out_at is not None
        for m in built.measures
        if round_missed_by(
            start_date=m.start_date,
            due_on=r.due_on,
            asked_on=timezone.localdate(asked[m.pk]) if asked[m.pk] else None,
            has_entry=m.progress.filter(round=r).exists(),
        )
    }
    m1, m2, m3, m4, m5 = built.measures
    assert recorded == generated == {(1, m4.pk), (2, m2.pk), (2, m3.pk)}


def test_measures_carry_the_columns_the_generator_derives_from_their_entries(built):
    latest = DispatchRound.objects.filter(campaign=built.campaign, closed_out_at__isnull=False).order_by("-number")[0]
    flags = {}
    for measure in Measure.objects.filter(pk__in=[m.pk for m in built.measures]).order_by("pk"):
        entries = list(measure.progress.order_by("reported_on", "id").values_list("reported_on", "percent"))
        expected = measure_columns(
            start=measure.start_date,
            deadline=measure.deadline,
            entries=entries,
            missed_latest_closed_round=measure.misses.filter(round=latest).exists(),
            latest_closed_due=latest.due_on,
        )
        assert {name: getattr(measure, name) for name in expected} == expected, measure
        flags[measure.pk] = measure.missed_last_round
    m1, m2, m3, m4, m5 = built.measures
    assert flags == {m1.pk: False, m2.pk: True, m3.pk: False, m4.pk: False, m5.pk: False}


def test_problems_and_closures_have_the_status_and_lateness_the_generator_gives_them(built):
    statuses = []
    for problem in Problem.objects.filter(campaign=built.campaign).order_by("pk"):
        measures = list(problem.measures.all())
        closed_ats = [m.closed_at for m in measures if m.status == Measure.Status.CLOSED]
        assert (problem.status, problem.closed_at) == problem_columns(measures=len(measures), closed_ats=closed_ats)
        statuses.append(problem.status)
    assert statuses == ["in_progress", "in_progress", "no_measures", "in_progress", "closed"]
    m1, m2, m3, m4, m5 = built.measures
    for measure, late in ((m4, True), (m5, False)):
        closure = measure.closures.get()
        assert closure.late is late
        assert closure.late == derive.closure_late(
            asked_on=timezone.localdate(closure.requested_at), due_on=closure.due_on
        )
