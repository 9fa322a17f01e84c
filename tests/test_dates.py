"""Dates and ranges that mean something, for the records other than measures: key tasks within
the campaign and not negative, indicator values in their unit's range, petition stages in
order and never ahead of today, events never dated in the future; and every refusal a Chinese
sentence naming the field, never a raw constraint name."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from campaign import imports
from campaign.models import WorkLine
from campaign.xlsx import template_workbook
from rectification.models import PetitionCase
from rectification.services import public as petitions
from rectification.services import special
from tasks.models import KeyTask
from tasks.services import development, institutions, keytasks, research, study
from tests.factories import AbsenceFactory, InstitutionDocumentFactory, ResearchActivityFactory
from tests.import_support import run

TODAY = dt.date(2026, 11, 30)
NOW = dt.datetime(2026, 11, 30, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
TOMORROW = TODAY + dt.timedelta(days=1)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(NOW, tick=False):
        yield


def _messages(exc: ValidationError) -> str:
    return " ".join(exc.messages)


# --- key tasks --------------------------------------------------------------------------------


def _key_task(world, **fields):
    values = {
        "number": 1,
        "title": "举办专题读书班",
        "work_line": WorkLine.objects.get(code="study"),
        "lead_unit": world.unit_a,
        "deadline": dt.date(2026, 12, 31),
    }
    values.update(fields)
    return keytasks.keytask_create(by=world.office, campaign=world.campaign, **values)


def test_a_key_task_is_due_before_the_campaign_ends(world, api_as):
    response = api_as(world.office).post(
        "/api/v1/key-tasks/",
        {
            "campaign": world.campaign.pk,
            "number": 7,
            "title": "建立长效机制",
            "work_line": "institutions",
            "lead_unit": world.unit_a.pk,
            "deadline": "2099-12-31",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "截止日期：主题教育于2027-02-28结束" in response.json()["deadline"][0]
    assert not KeyTask.objects.exists()


def test_a_key_task_target_is_not_negative(world, api_as):
    response = api_as(world.office).post(
        "/api/v1/key-tasks/",
        {
            "campaign": world.campaign.pk,
            "number": 8,
            "title": "宣讲",
            "work_line": "study",
            "lead_unit": world.unit_a.pk,
            "deadline": "2026-12-31",
            "metric_unit": "场",
            "metric_target": "-5",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "目标值" in response.json()["metric_target"][0]


def test_the_database_refuses_a_negative_key_task_target(world):
    task = _key_task(world, metric_unit="场", metric_target=Decimal(5))
    with pytest.raises(IntegrityError), transaction.atomic():
        KeyTask.objects.filter(pk=task.pk).update(metric_target=-1)


def test_the_key_task_import_refuses_a_late_deadline_and_a_negative_target(world):
    data = template_workbook(
        title="重点任务清单",
        headers=["序号", "任务名称", "工作主线", "牵头单位", "配合单位", "完成时限", "完成标准", "计量单位", "目标值"],
        example=[1, "宣讲活动", "理论学习", world.unit_a.name, "", "2099-12-31", "", "场", "-3"],
        widths=[6, 20, 10, 10, 10, 12, 10, 8, 8],
    )
    batch = run(world, "key_tasks", data)
    messages = " ".join(e["message"] for e in batch.errors)
    assert "主题教育于2027-02-28结束" in messages and "不能为负数" in messages
    assert {e["column"] for e in batch.errors} == {"完成时限", "目标值"}
    assert batch.status == "invalid" and not KeyTask.objects.exists()


def test_the_key_task_import_updates_through_the_service_and_is_in_the_history(world):
    task = _key_task(world)
    data = template_workbook(
        title="重点任务清单",
        headers=["序号", "任务名称", "工作主线", "牵头单位", "配合单位", "完成时限", "完成标准", "计量单位", "目标值"],
        example=[1, "举办专题读书班（调整）", "理论学习", world.unit_b.name, "", "2027-01-31", "", "", ""],
        widths=[6, 20, 10, 10, 10, 12, 10, 8, 8],
    )
    assert run(world, "key_tasks", data).status == "applied"
    task.refresh_from_db()
    assert (task.title, task.lead_unit, task.deadline) == ("举办专题读书班（调整）", world.unit_b, dt.date(2027, 1, 31))
    assert task.history.count() == 2


# --- indicators ------------------------------------------------------------------------------


@pytest.fixture
def satisfaction(world):
    return development.indicator_create(
        by=world.office, campaign=world.campaign, key="satisfaction_rate", name="群众满意率", measure_unit="%"
    )


def test_a_percentage_indicator_refuses_197(world, satisfaction, api_as):
    with pytest.raises(ValidationError) as refused:
        development.indicator_value_set(
            indicator=satisfaction, by=world.office, period_end=dt.date(2026, 11, 20), value=Decimal(197)
        )
    assert "群众满意率" in _messages(refused.value) and "0到100之间" in _messages(refused.value)
    development.indicator_value_set(
        indicator=satisfaction, by=world.office, period_end=dt.date(2026, 11, 20), value=Decimal("97.6")
    )


def test_a_growth_rate_may_fall_but_a_count_may_not(world):
    growth = development.indicator_create(
        by=world.office, campaign=world.campaign, key="gdp_growth", name="地区生产总值增长", measure_unit="%"
    )
    jobs = development.indicator_create(
        by=world.office, campaign=world.campaign, key="new_urban_jobs", name="城镇新增就业", measure_unit="万人"
    )
    development.indicator_value_set(indicator=growth, by=world.office, period_end=TODAY, value=Decimal("-1.5"))
    with pytest.raises(ValidationError, match="不能小于0"):
        development.indicator_value_set(indicator=jobs, by=world.office, period_end=TODAY, value=Decimal(-2))


def test_an_indicator_value_import_reports_the_out_of_range_row(world, satisfaction):
    data = template_workbook(
        title="指标数值",
        headers=["指标代码", "截至日期", "数值", "来源"],
        example=["satisfaction_rate", "2026-11-20", "197", ""],
        widths=[10, 10, 10, 10],
    )
    check = imports.check_file(kind="indicator_values", campaign=world.campaign, data=data)
    assert check.errors and "0到100之间" in check.errors[0]["message"]


def test_a_percentage_target_above_100_is_refused(world, satisfaction):
    with pytest.raises(ValidationError) as refused:
        development.indicator_update(indicator=satisfaction, by=world.office, target=Decimal(120))
    assert "target" in refused.value.message_dict


# --- petitions -------------------------------------------------------------------------------


@pytest.fixture
def case(world):
    return petitions.petition_case_create(
        by=world.office,
        campaign=world.campaign,
        code="XF-1",
        kind="leader_case",
        title="征收补偿争议",
        unit=world.unit_b,
        leader=world.leader,
        received_on=dt.date(2026, 10, 1),
        deadline=dt.date(2026, 11, 15),
    )


def test_a_petition_stage_is_never_dated_in_the_future(world, case):
    with pytest.raises(ValidationError) as refused:
        petitions.petition_case_advance(by=world.office, case=case, stage="consultation", on=TOMORROW)
    assert "investigated_on" in refused.value.message_dict
    assert "还没有到" in refused.value.message_dict["investigated_on"][0]


def test_a_petition_stage_is_never_dated_before_the_stage_before_it(world, case):
    with pytest.raises(ValidationError) as refused:
        petitions.petition_case_advance(by=world.office, case=case, stage="consultation", on=dt.date(2026, 9, 20))
    assert "早于" in refused.value.message_dict["investigated_on"][0]
    case = petitions.petition_case_advance(by=world.office, case=case, stage="consultation", on=dt.date(2026, 10, 5))
    with pytest.raises(ValidationError):
        petitions.petition_case_advance(by=world.office, case=case, stage="handling", on=dt.date(2026, 10, 4))


def test_an_overdue_case_is_not_resolved_back_before_its_deadline(world, case):
    case = petitions.petition_case_advance(by=world.office, case=case, stage="consultation", on=dt.date(2026, 10, 5))
    case = petitions.petition_case_advance(by=world.office, case=case, stage="handling", on=dt.date(2026, 10, 12))
    with pytest.raises(ValidationError) as refused:
        petitions.petition_case_advance(
            by=world.office, case=case, stage="resolved", on=dt.date(2026, 11, 10), resolution="达成协议"
        )
    assert "已超期" in refused.value.message_dict["resolved_on"][0]
    case = petitions.petition_case_advance(
        by=world.office, case=case, stage="resolved", on=dt.date(2026, 11, 28), resolution="达成协议"
    )
    assert case.resolved_on > case.deadline  # on the record as resolved late


def test_the_database_refuses_stage_dates_out_of_order(world, case):
    with pytest.raises(IntegrityError), transaction.atomic():
        PetitionCase.objects.filter(pk=case.pk).update(investigated_on=dt.date(2026, 9, 1))


def test_a_petition_refusal_names_the_field_not_the_constraint(world, api_as):
    response = api_as(world.office).post(
        "/api/v1/petition-cases/",
        {
            "code": "XF-9",
            "kind": "repeat",
            "title": "拖欠工程款",
            "unit": world.unit_b.pk,
            "received_on": "2026-10-01",
            "deadline": "2026-09-01",
        },
        format="json",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 400
    text = str(response.json())
    assert "办理期限：办理期限不能早于收到日期" in text
    assert "petition_deadline_after_receipt" not in text and "约束" not in text


def test_a_petition_received_tomorrow_is_refused(world, api_as):
    response = api_as(world.office).post(
        "/api/v1/petition-cases/",
        {
            "code": "XF-10",
            "kind": "repeat",
            "title": "拖欠工程款",
            "unit": world.unit_b.pk,
            "received_on": TOMORROW.isoformat(),
            "deadline": "2026-12-31",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "还没有到" in response.json()["received_on"][0]


# --- events ----------------------------------------------------------------------------------


def test_a_study_activity_is_not_dated_tomorrow_through_the_api(world, api_as):
    response = api_as(world.liaison_a).post(
        "/api/v1/study-activities/",
        {"unit": world.unit_a.pk, "kind": "lecture", "title": "专题讲座", "date": str(TOMORROW), "participants": 30},
        format="json",
    )
    assert response.status_code == 400
    assert "日期" in response.json()["date"][0] and "还没有到" in response.json()["date"][0]


def test_a_study_activity_dated_tomorrow_is_refused_on_the_page_and_what_was_typed_is_kept(world, browser_as):
    response = browser_as(world.liaison_a).post(
        "/records/study/new/",
        {"unit": world.unit_a.pk, "kind": "lecture", "title": "未来的讲座", "date": str(TOMORROW), "participants": 30},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "还没有到" in page and "未来的讲座" in page


def test_a_site_visit_is_not_recorded_for_tomorrow(world):
    with pytest.raises(ValidationError) as refused:
        special.site_visit_record(by=world.inspector, unit=world.unit_a, visited_on=TOMORROW, findings="台账不全")
    assert "visited_on" in refused.value.message_dict


def test_a_document_is_not_issued_tomorrow(world):
    document = InstitutionDocumentFactory(campaign=world.campaign, unit=world.unit_a, created_by=world.liaison_a)
    with pytest.raises(ValidationError) as refused:
        institutions.institution_document_issue(document=document, by=world.liaison_a, issued_on=TOMORROW)
    assert "issued_on" in refused.value.message_dict


def test_a_research_trip_is_not_completed_tomorrow(world):
    activity = ResearchActivityFactory(campaign=world.campaign, unit=world.unit_a, created_by=world.liaison_a)
    with pytest.raises(ValidationError) as refused:
        research.research_activity_complete(activity=activity, by=world.liaison_a, on=TOMORROW, findings=["融资难"])
    assert "completed_on" in refused.value.message_dict


def test_a_make_up_session_is_not_dated_tomorrow(world):
    activity = AbsenceFactory(
        activity__campaign=world.campaign, activity__unit=world.unit_a, activity__created_by=world.liaison_a
    ).activity
    with pytest.raises(ValidationError) as refused:
        study.makeup_record(
            activity=activity, by=world.liaison_a, date=TOMORROW, content="补学", absences=list(activity.absences.all())
        )
    assert "还没有到" in refused.value.message_dict["date"][0]


def test_a_case_resolved_late_stays_marked_and_its_page_shows_why_and_when(world, case, browser_as):
    client = browser_as(world.office)
    assert '<span class="badge badge-bad">逾期</span>' in client.get("/rectification/petitions/").content.decode()
    case = petitions.petition_case_advance(by=world.office, case=case, stage="consultation", on=dt.date(2026, 10, 5))
    case = petitions.petition_case_advance(by=world.office, case=case, stage="handling", on=dt.date(2026, 10, 12))
    refused = client.post(
        f"/rectification/petitions/{case.pk}/advance/",
        {"stage": "resolved", "on": "2026-11-10", "resolution": "达成协议"},
    )
    assert refused.status_code == 400 and "已超期" in refused.content.decode()
    petitions.petition_case_advance(
        by=world.office, case=case, stage="resolved", on=dt.date(2026, 11, 28), resolution="达成协议"
    )
    page = client.get(f"/rectification/petitions/{case.pk}/").content.decode()
    assert "逾期化解" in page
    assert "变更记录" in page and "<ins>已化解</ins>" in page
