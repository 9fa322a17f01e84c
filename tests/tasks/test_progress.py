"""Weekly progress: the liaison drafts and submits, reviewers return or accept, late and
missing at the deadline boundary, stale overwrites refused, copy-paste flagged, reminders."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from campaign.models import Notification, User
from tasks.models import ProgressItem, ReportTransition, SimilarityFlag, WeeklyProgress
from tasks.selectors.keytasks import key_task_list
from tasks.selectors.progress import Cell, cell_state, week_records
from tasks.services import progress as services
from tasks.tasks import flag_similar_reports
from tests.tasks.conftest import MONDAY

SH = dt.timezone(dt.timedelta(hours=8))
BEFORE_DEADLINE = dt.datetime(2026, 11, 27, 16, 59, 59, tzinfo=SH)
AT_DEADLINE = dt.datetime(2026, 11, 27, 17, 0, 0, tzinfo=SH)
AFTER_DEADLINE = dt.datetime(2026, 11, 27, 17, 0, 1, tzinfo=SH)


def open_and_fill(world, *, unit=None, user=None, text="本周召开专题读书班一期，完成调研走访三次。"):
    unit, user = unit or world.unit_a, user or world.liaison_a
    report = services.report_open(unit=unit, week_start=MONDAY, by=user)
    return services.report_save(
        report=report,
        by=user,
        version=report.version,
        data={"highlights": text, "problems": "", "next_week_plan": "下周完成读书班总结。"},
        items={},
    )


@time_machine.travel(BEFORE_DEADLINE, tick=False)
def test_report_opens_prefilled_with_last_weeks_plan_and_statuses(tasks_world):
    w = tasks_world
    last = services.report_open(unit=w.unit_a, week_start=MONDAY - dt.timedelta(days=7), by=w.liaison_a)
    services.report_save(
        report=last,
        by=w.liaison_a,
        version=last.version,
        data={"highlights": "完成", "next_week_plan": "召开读书班第二期"},
        items={w.task_a.pk: {"status": "in_progress", "value": 2}},
    )
    report = services.report_open(unit=w.unit_a, week_start=MONDAY, by=w.liaison_a)
    assert report.expectation == "召开读书班第二期"
    items = {i.key_task_id: i for i in report.items.all()}
    assert set(items) == {w.task_a.pk, w.task_b.pk}  # leads a, cooperates on b; not c
    assert items[w.task_a.pk].status == "in_progress" and items[w.task_a.pk].value == 2


@time_machine.travel(BEFORE_DEADLINE, tick=False)
def test_one_report_per_unit_per_week_is_enforced_by_the_database(tasks_world):
    report = open_and_fill(tasks_world)
    assert (
        services.report_open(
            unit=tasks_world.unit_a, week_start=MONDAY + dt.timedelta(days=3), by=tasks_world.liaison_a
        ).pk
        == report.pk
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        WeeklyProgress.objects.create(
            unit=tasks_world.unit_a,
            week_start=MONDAY,
            deadline=report.deadline,
            created_by=tasks_world.liaison_a,
            updated_by=tasks_world.liaison_a,
        )


@time_machine.travel(BEFORE_DEADLINE, tick=False)
def test_a_future_week_cannot_be_opened(tasks_world):
    with pytest.raises(ValidationError):
        services.report_open(
            unit=tasks_world.unit_a, week_start=MONDAY + dt.timedelta(days=7), by=tasks_world.liaison_a
        )


def test_submission_one_second_before_the_deadline_is_on_time(tasks_world):
    with time_machine.travel(BEFORE_DEADLINE, tick=False):
        report = services.report_submit(report=open_and_fill(tasks_world), by=tasks_world.liaison_a)
    assert report.is_late is False


def test_submission_exactly_at_the_deadline_is_on_time(tasks_world):
    with time_machine.travel(AT_DEADLINE, tick=False):
        report = services.report_submit(report=open_and_fill(tasks_world), by=tasks_world.liaison_a)
    assert report.is_late is False


def test_submission_one_second_after_the_deadline_is_late(tasks_world):
    with time_machine.travel(AFTER_DEADLINE, tick=False):
        report = services.report_submit(report=open_and_fill(tasks_world), by=tasks_world.liaison_a)
    assert report.is_late is True


def test_no_report_is_pending_before_the_deadline_and_missing_after():
    deadline = AT_DEADLINE
    assert cell_state(status=None, is_late=False, deadline=deadline, now=AT_DEADLINE) == Cell.PENDING
    assert cell_state(status="draft", is_late=False, deadline=deadline, now=AFTER_DEADLINE) == Cell.MISSING
    assert cell_state(status=None, is_late=False, deadline=deadline, now=AFTER_DEADLINE) == Cell.MISSING
    assert cell_state(status="submitted", is_late=True, deadline=deadline, now=AFTER_DEADLINE) == Cell.LATE


@time_machine.travel(BEFORE_DEADLINE, tick=False)
def test_submit_needs_the_work_done_and_next_weeks_plan_and_says_which_is_missing(tasks_world):
    report = services.report_open(unit=tasks_world.unit_a, week_start=MONDAY, by=tasks_world.liaison_a)
    with pytest.raises(ValidationError) as error:
        services.report_submit(report=report, by=tasks_world.liaison_a)
    assert "next week" in str(error.value) or "下周" in str(error.value)
    report.refresh_from_db()
    assert report.status == "draft"


@time_machine.travel(BEFORE_DEADLINE, tick=False)
def test_submitted_report_is_read_only_to_the_liaison(tasks_world):
    report = services.report_submit(report=open_and_fill(tasks_world), by=tasks_world.liaison_a)
    with pytest.raises(ValidationError):
        services.report_save(
            report=report, by=tasks_world.liaison_a, version=report.version, data={"highlights": "改了"}, items={}
        )
    report.refresh_from_db()
    assert report.highlights != "改了"


@time_machine.travel(BEFORE_DEADLINE, tick=False)
def test_full_cycle_submit_return_resubmit_accept_is_recorded(tasks_world):
    w = tasks_world
    report = services.report_submit(report=open_and_fill(w), by=w.liaison_a)
    report = services.report_return(report=report, by=w.inspector, comment="请补充读书班的佐证照片")
    assert report.status == "returned"
    assert Notification.objects.filter(user=w.liaison_a, title__contains=report.week_label).exists()
    report = services.report_save(
        report=report, by=w.liaison_a, version=report.version, data={"highlights": "补充：读书班照片已上传。"}, items={}
    )
    report = services.report_submit(report=report, by=w.liaison_a)
    report = services.report_accept(report=report, by=w.office)
    actions = list(report.transitions.values_list("action", "by__username", "comment"))
    assert actions == [
        ("submit", "liaison_a", ""),
        ("return", "inspector", "请补充读书班的佐证照片"),
        ("resubmit", "liaison_a", ""),
        ("accept", "office", ""),
    ]
    assert report.status == "accepted"


@time_machine.travel(BEFORE_DEADLINE, tick=False)
def test_a_return_needs_a_comment(tasks_world):
    report = services.report_submit(report=open_and_fill(tasks_world), by=tasks_world.liaison_a)
    with pytest.raises(ValidationError):
        services.report_return(report=report, by=tasks_world.office, comment="  ")
    report.refresh_from_db()
    assert report.status == "submitted"


@time_machine.travel(BEFORE_DEADLINE, tick=False)
def test_only_the_units_own_inspection_group_or_the_office_reviews(tasks_world):
    w = tasks_world
    report = services.report_submit(report=open_and_fill(w), by=w.liaison_a)
    for outsider in (w.other_inspector, w.leader, w.liaison_a, w.liaison_b):
        with pytest.raises(PermissionDenied):
            services.report_accept(report=report, by=outsider)
    report.refresh_from_db()
    assert report.status == "submitted"
    assert not ReportTransition.objects.filter(action="accept").exists()


@time_machine.travel(BEFORE_DEADLINE, tick=False)
def test_another_units_liaison_cannot_open_or_write_the_report(tasks_world):
    w = tasks_world
    with pytest.raises(PermissionDenied):
        services.report_open(unit=w.unit_a, week_start=MONDAY, by=w.liaison_b)
    assert not WeeklyProgress.objects.exists()


@time_machine.travel(BEFORE_DEADLINE, tick=False)
def test_a_stale_save_is_refused_and_the_colleagues_text_survives(tasks_world):
    w = tasks_world
    colleague = User.objects.create(username="liaison_a2", role=User.Role.LIAISON)
    w.unit_a.liaisons.create(user=colleague)
    report = services.report_open(unit=w.unit_a, week_start=MONDAY, by=w.liaison_a)
    opened_version = report.version
    services.report_save(
        report=report, by=colleague, version=opened_version, data={"highlights": "同事写的内容"}, items={}
    )
    with pytest.raises(services.StaleReport) as stale:
        services.report_save(
            report=report, by=w.liaison_a, version=opened_version, data={"highlights": "我写的内容"}, items={}
        )
    assert stale.value.current.highlights == "同事写的内容"
    report.refresh_from_db()
    assert report.highlights == "同事写的内容"


def test_copying_last_weeks_text_is_flagged_with_the_matching_passage(tasks_world):
    w = tasks_world
    text = "本周组织专题读书班一期，围绕营商环境开展调研三次，形成问题清单十二项并逐项明确整改责任人。"
    with time_machine.travel(BEFORE_DEADLINE - dt.timedelta(days=7), tick=False):
        last = services.report_open(unit=w.unit_a, week_start=MONDAY - dt.timedelta(days=7), by=w.liaison_a)
        last = services.report_save(
            report=last,
            by=w.liaison_a,
            version=last.version,
            data={"highlights": text, "next_week_plan": "继续推进"},
            items={},
        )
        services.report_submit(report=last, by=w.liaison_a)
    with time_machine.travel(BEFORE_DEADLINE, tick=False):
        report = services.report_submit(report=open_and_fill(w, text=text), by=w.liaison_a)
    flag_similar_reports(report.pk)  # what the worker runs after the submission commits
    flag = SimilarityFlag.objects.get(report=report)
    assert flag.same_unit is True and flag.other == last
    assert "形成问题清单十二项" in flag.passage
    assert SimilarityFlag.objects.get(report=last).other == report  # the earlier report is flagged too


@time_machine.travel(BEFORE_DEADLINE, tick=False)
def test_copying_another_units_report_this_week_is_flagged(tasks_world):
    w = tasks_world
    text = "本周召开党组理论学习中心组学习会，专题研讨优化营商环境，查摆问题五项，制定整改措施十项。"
    theirs = services.report_submit(report=open_and_fill(w, unit=w.unit_b, user=w.liaison_b, text=text), by=w.liaison_b)
    mine = services.report_submit(report=open_and_fill(w, text=text), by=w.liaison_a)
    flag_similar_reports(mine.pk)
    flag = SimilarityFlag.objects.get(report=mine)
    assert flag.other == theirs and flag.same_unit is False
    assert SimilarityFlag.objects.get(report=theirs).other == mine  # both of the pair carry the flag
    flag_similar_reports(mine.pk)  # a second run replaces, never doubles
    assert SimilarityFlag.objects.count() == 2


@time_machine.travel(BEFORE_DEADLINE, tick=False)
def test_different_text_is_not_flagged(tasks_world):
    w = tasks_world
    services.report_submit(
        report=open_and_fill(
            w, unit=w.unit_b, user=w.liaison_b, text="中山区本周完成老旧小区改造三处，走访居民二百户，收集意见四十条。"
        ),
        by=w.liaison_b,
    )
    mine = services.report_submit(report=open_and_fill(w), by=w.liaison_a)
    assert flag_similar_reports(mine.pk) == 0
    assert not SimilarityFlag.objects.filter(report=mine).exists()


@time_machine.travel(BEFORE_DEADLINE, tick=False)
def test_submit_queues_the_copy_paste_check_once_the_submission_has_committed(
    tasks_world, django_capture_on_commit_callbacks
):
    from config.celery import app as celery_app

    w = tasks_world
    text = "本周召开党组理论学习中心组学习会，专题研讨优化营商环境，查摆问题五项，制定整改措施十项。"
    services.report_submit(report=open_and_fill(w, unit=w.unit_b, user=w.liaison_b, text=text), by=w.liaison_b)
    celery_app.conf.task_always_eager = True
    try:
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            mine = services.report_submit(report=open_and_fill(w, text=text), by=w.liaison_a)
    finally:
        celery_app.conf.task_always_eager = False
    # One job queued for after the commit (the other callbacks move the cached counts' counters).
    assert [c.__qualname__ for c in callbacks].count("outbox_enqueue.<locals>.<lambda>") == 1
    assert SimilarityFlag.objects.filter(report=mine).count() == 1


def test_reminder_before_the_deadline_goes_only_to_units_with_nothing_submitted_and_only_once(tasks_world):
    w = tasks_world
    with time_machine.travel(BEFORE_DEADLINE - dt.timedelta(hours=3), tick=False):
        services.report_submit(report=open_and_fill(w), by=w.liaison_a)
        services.progress_reminders_send()
        services.progress_reminders_send()
    due = Notification.objects.filter(key__startswith="progress-due")
    assert list(due.values_list("user__username", flat=True)) == ["liaison_b"]


def test_no_due_reminder_before_the_configured_time(tasks_world):
    with time_machine.travel(BEFORE_DEADLINE - dt.timedelta(hours=30), tick=False):
        services.progress_reminders_send()
    assert not Notification.objects.filter(key__contains="2026-W48").exists()


def test_after_the_deadline_missing_liaisons_and_the_office_are_told_once(tasks_world):
    w = tasks_world
    with time_machine.travel(BEFORE_DEADLINE, tick=False):
        services.report_submit(report=open_and_fill(w), by=w.liaison_a)
    with time_machine.travel(AFTER_DEADLINE + dt.timedelta(minutes=10), tick=False):
        services.progress_reminders_send()
        services.progress_reminders_send()
    missing = Notification.objects.filter(key__startswith="progress-missing:", key__endswith="2026-W48")
    assert list(missing.values_list("user__username", flat=True)) == ["liaison_b"]
    digest = Notification.objects.get(
        key__startswith="progress-missing-digest", key__endswith="2026-W48", user=w.office
    )
    assert "中山区" in digest.body and "市水务集团" in digest.body and "市发展改革委" not in digest.body


@time_machine.travel(BEFORE_DEADLINE, tick=False)
def test_office_urges_one_unit_once_a_day(tasks_world):
    w = tasks_world
    assert services.progress_urge(units=[w.unit_b], week_start=MONDAY, by=w.office) == 1
    assert services.progress_urge(units=[w.unit_b], week_start=MONDAY, by=w.office) == 0
    with pytest.raises(PermissionDenied):
        services.progress_urge(units=[w.unit_b], week_start=MONDAY, by=w.inspector)


@time_machine.travel(BEFORE_DEADLINE, tick=False)
def test_key_task_status_is_derived_from_the_lead_units_reports(tasks_world):
    w = tasks_world
    statuses = {t.number: t.status for t in key_task_list(user=w.office)}
    assert statuses == {1: "not_started", 2: "not_started", 3: "overdue"}
    report = services.report_open(unit=w.unit_a, week_start=MONDAY, by=w.liaison_a)
    report = services.report_save(
        report=report,
        by=w.liaison_a,
        version=report.version,
        data={"highlights": "完成", "next_week_plan": "总结"},
        items={w.task_a.pk: {"status": ProgressItem.Status.DONE}},
    )
    services.report_submit(report=report, by=w.liaison_a)
    statuses = {t.number: t.status for t in key_task_list(user=w.office)}
    assert statuses[1] == "done"


def test_each_unit_sees_the_key_tasks_it_leads_or_cooperates_on(tasks_world):
    w = tasks_world
    assert {t.number for t in key_task_list(user=w.liaison_a)} == {1, 2}
    assert {t.number for t in key_task_list(user=w.liaison_b)} == {2}
    assert {t.number for t in key_task_list(user=w.other_inspector)} == {2, 3}
    assert {t.number for t in key_task_list(user=w.leader)} == {1, 2, 3}


def test_deadline_follows_the_campaigns_reporting_rule(tasks_world):
    from tasks import weeks

    rule = weeks.rule_of(tasks_world.campaign)
    rule.deadline_weekday, rule.deadline_time = 3, dt.time(12, 0)
    rule.save()
    deadline = timezone.localtime(weeks.deadline_for(tasks_world.campaign, MONDAY))
    assert (deadline.date(), deadline.hour) == (dt.date(2026, 11, 26), 12)


@time_machine.travel(BEFORE_DEADLINE, tick=False)
def test_the_form_lists_what_the_unit_already_recorded_this_week(tasks_world, browser_as):
    from tasks.models import StudyActivity

    w = tasks_world
    StudyActivity.objects.create(
        campaign=w.campaign,
        unit=w.unit_a,
        kind="lecture",
        title="干部讲堂",
        date=MONDAY + dt.timedelta(days=1),
        participants=30,
    )
    StudyActivity.objects.create(
        campaign=w.campaign,
        unit=w.unit_a,
        kind="lecture",
        title="上周的讲堂",
        date=MONDAY - dt.timedelta(days=1),
        participants=30,
    )
    report = services.report_open(unit=w.unit_a, week_start=MONDAY, by=w.liaison_a)
    page = browser_as(w.liaison_a).get(f"/progress/{report.pk}/edit/").content.decode()
    assert "/records/study/" in page
    records = {r["url"]: r["count"] for r in week_records(unit=w.unit_a, week_start=MONDAY)}
    assert records["/records/study/"] == 1


@time_machine.travel(BEFORE_DEADLINE, tick=False)
def test_flagged_pairs_are_marked_in_the_grid_and_listed_side_by_side_for_reviewers(tasks_world, browser_as):
    w = tasks_world
    text = "本周召开党组理论学习中心组学习会，专题研讨优化营商环境，查摆问题五项，制定整改措施十项。"
    services.report_submit(report=open_and_fill(w, unit=w.unit_b, user=w.liaison_b, text=text), by=w.liaison_b)
    mine = services.report_submit(report=open_and_fill(w, text=text), by=w.liaison_a)
    flag_similar_reports(mine.pk)
    office = browser_as(w.office)
    assert office.get("/progress/grid/").content.decode().count('class="flagged" title=') == 2
    page = office.get("/progress/similar/").content.decode()
    assert page.count('class="pair"') == 1 and "市发展改革委" in page and "中山区" in page
    # the inspector of 市发展改革委 only: the other unit's text stays hidden
    inspector = browser_as(w.inspector).get("/progress/similar/").content.decode()
    assert inspector.count('class="pair"') == 1 and "查摆问题五项" in inspector
    assert inspector.count("制定整改措施十项") == 2  # the passage and their own unit's text, not the other's
    assert browser_as(w.liaison_a).get("/progress/similar/").status_code == 403
    assert "中山区" not in browser_as(w.liaison_a).get(f"/progress/{mine.pk}/").content.decode()
