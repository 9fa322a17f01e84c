"""One set of closure (销号) rules for measures and special-rectification tasks: the result is
stated against the target, a shortfall is explained and highlighted, evidence comes with the
request itself, and the reviewer is neither the requester, nor of the unit, nor the office for
its own request. Review lists both kinds with what a reviewer needs, in a flat number of queries."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from campaign.models import Notification, User
from rectification.models import Closure, Measure, SpecialTask
from rectification.services import measures as services
from rectification.services import special as special_services
from tests.factories import UserFactory
from tests.rectification.conftest import at, pdf, png


@pytest.fixture
def task(world):
    special = special_services.special_rectification_create(
        by=world.office, campaign=world.campaign, title="营商环境专项整治", plan_document="〔2026〕5号"
    )
    team = special_services.work_team_create(
        by=world.office, rectification=special, name="审批提速专班", lead_unit=world.unit_a, member_units=[]
    )
    return special_services.special_task_create(
        by=world.office, team=team, title="清理证明事项", owner_unit=world.unit_a, deadline=dt.date(2026, 11, 20)
    )


# --- measures: the claim -------------------------------------------------------------------


def test_measure_at_5_percent_cannot_be_closed_without_a_shortfall_statement(world, make_measure):
    measure = make_measure()
    services.measure_progress_record(by=world.liaison_a, measure=measure, value_reached=5, files=[png()])
    with pytest.raises(ValidationError) as exc:
        services.measure_closure_request(by=world.liaison_a, measure=measure, statement="基本完成", files=[pdf()])
    assert "shortfall" in exc.value.message_dict
    assert not Closure.objects.exists()
    closure = services.measure_closure_request(
        by=world.liaison_a, measure=measure, statement="基本完成", files=[pdf()], shortfall="其余95%需省级审批"
    )
    assert closure.below_target and closure.result_percent == 5 and closure.shortfall == "其余95%需省级审批"
    assert closure.requested_by == world.liaison_a and closure.unit == world.unit_a


def test_stated_value_is_the_claim_against_the_target(world, make_measure):
    measure = make_measure()
    closure = services.measure_closure_request(
        by=world.liaison_a, measure=measure, statement="已全部完成", result_value="100", files=[pdf()]
    )
    assert closure.result_value == 100 and closure.result_percent == 100 and not closure.below_target


def test_an_earlier_progress_file_is_not_evidence_for_the_closure(world, make_measure):
    measure = make_measure()
    services.measure_progress_record(by=world.liaison_a, measure=measure, value_reached=100, files=[png()])
    with pytest.raises(ValidationError) as exc:
        services.measure_closure_request(by=world.liaison_a, measure=measure, statement="完成", files=[])
    assert "files" in exc.value.message_dict


def test_a_reopened_measure_needs_new_evidence_and_is_marked_re_closed(world, closable):
    measure, closure = closable()
    services.closure_sign_off(by=world.inspector, closure=closure)
    services.measure_reopen(by=world.office, measure=measure, reason="群众重复举报")
    with pytest.raises(ValidationError) as exc:
        services.measure_closure_request(by=world.liaison_a, measure=measure, statement="再次完成", files=[])
    assert "files" in exc.value.message_dict
    again = services.measure_closure_request(
        by=world.liaison_a, measure=measure, statement="再次完成", files=[pdf("复查.pdf")]
    )
    assert again.after_reopen and not closure.after_reopen
    assert [e.name for e in again.evidence.all()] == ["复查.pdf"]


def test_a_closure_asked_after_the_original_deadline_is_late_even_when_extended(world, make_measure):
    measure = make_measure()  # deadline 21 Oct
    Measure.objects.filter(pk=measure.pk).update(deadline=dt.date(2026, 11, 30), extension_count=1)
    services.measure_progress_record(by=world.liaison_a, measure=measure, value_reached=100)
    with time_machine.travel(at(dt.date(2026, 10, 25)), tick=False):
        closure = services.measure_closure_request(by=world.liaison_a, measure=measure, statement="完成", files=[pdf()])
    assert closure.late and closure.due_on == dt.date(2026, 10, 21)


# --- measures: the reviewer ------------------------------------------------------------------


def test_nobody_of_the_responsible_unit_signs_off(world, closable):
    _measure, closure = closable()
    world.inspector.work_unit = world.unit_a
    world.inspector.save()
    with pytest.raises(PermissionDenied):
        services.closure_sign_off(by=world.inspector, closure=closure)


def test_no_office_user_signs_off_a_closure_the_office_asked_for(world, make_measure):
    measure = make_measure()
    closure = services.measure_closure_request(
        by=world.office, measure=measure, statement="完成", result_value=100, files=[pdf()]
    )
    colleague = UserFactory(role=User.Role.OFFICE)
    with pytest.raises(PermissionDenied):
        services.closure_sign_off(by=colleague, closure=closure)
    services.closure_sign_off(by=world.inspector, closure=closure)
    measure.refresh_from_db()
    assert measure.status == Measure.Status.CLOSED


def test_page_refuses_a_closure_below_target_in_chinese_and_keeps_the_text(world, make_measure, browser_as):
    measure = make_measure()
    services.measure_progress_record(by=world.liaison_a, measure=measure, value_reached=5)
    response = browser_as(world.liaison_a).post(
        f"/rectification/measures/{measure.pk}/close/",
        {"statement": "基本完成了", "result_value": "5", "files": [pdf()]},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "差距说明" in page and "基本完成了" in page
    assert not Closure.objects.exists()


def test_api_refuses_a_closure_without_its_own_evidence(world, make_measure, api_as):
    measure = make_measure()
    services.measure_progress_record(by=world.liaison_a, measure=measure, value_reached=100, files=[png()])
    response = api_as(world.liaison_a).post(
        f"/api/v1/measures/{measure.pk}/close/", {"statement": "完成"}, format="multipart"
    )
    assert response.status_code == 400 and "files" in response.json()


def test_api_takes_the_shortfall_and_shows_it(world, make_measure, api_as):
    measure = make_measure()
    response = api_as(world.liaison_a).post(
        f"/api/v1/measures/{measure.pk}/close/",
        {"statement": "完成一半", "result_value": "50", "shortfall": "剩余部分需财政资金", "files": [pdf()]},
        format="multipart",
    )
    assert response.status_code == 201
    body = response.json()
    assert body["below_target"] and body["result_percent"] == 50 and body["evidence"] == ["report.pdf"]


# --- special-rectification tasks -------------------------------------------------------------


def test_special_task_closure_needs_evidence_and_a_shortfall_like_a_measure(world, task):
    with pytest.raises(ValidationError) as exc:
        special_services.special_task_request_closure(
            by=world.liaison_a, task=task, statement="已完成", result_percent=60, files=[]
        )
    assert {"files", "shortfall"} <= set(exc.value.message_dict)
    closure = special_services.special_task_request_closure(
        by=world.liaison_a, task=task, statement="已完成", result_percent=60, shortfall="3项待省里批复", files=[pdf()]
    )
    task.refresh_from_db()
    assert task.status == SpecialTask.Status.CLOSURE_REQUESTED
    assert closure.requested_by == world.liaison_a and closure.special_task == task and closure.below_target
    assert Notification.objects.filter(user=world.inspector, key=f"rect-closure:{closure.pk}").exists()


def test_office_cannot_sign_off_its_own_special_task_closure(world, task):
    special_services.special_task_request_closure(
        by=world.office, task=task, statement="已完成", result_percent=100, files=[pdf()]
    )
    with pytest.raises(PermissionDenied):
        special_services.special_task_decide(by=world.office, task=task, approve=True)
    special_services.special_task_decide(by=world.inspector, task=task, approve=True)
    task.refresh_from_db()
    assert task.status == SpecialTask.Status.CLOSED and task.signed_off_by == world.inspector


def test_special_task_is_reopened_with_a_reason_and_the_owner_hears_of_it(world, task):
    special_services.special_task_request_closure(
        by=world.liaison_a, task=task, statement="已完成", result_percent=100, files=[pdf()]
    )
    special_services.special_task_decide(by=world.inspector, task=task, approve=True)
    with pytest.raises(ValidationError):
        special_services.special_task_reopen(by=world.office, task=task, reason=" ")
    with pytest.raises(PermissionDenied):
        special_services.special_task_reopen(by=world.inspector, task=task, reason="抽查未达标")
    closure = special_services.special_task_reopen(by=world.office, task=task, reason="抽查未达标")
    task.refresh_from_db()
    assert task.status == SpecialTask.Status.OPEN and task.closed_at is None
    assert closure.status == Closure.Status.REOPENED
    assert Notification.objects.filter(user=world.liaison_a, key=f"rect-reopened-task:{closure.pk}").exists()
    again = special_services.special_task_request_closure(
        by=world.liaison_a, task=task, statement="整改到位", result_percent=100, files=[pdf("复查.pdf")]
    )
    assert again.after_reopen


def test_special_task_api_closes_reopens_and_marks_overdue(world, task, api_as):
    url = f"/api/v1/special-tasks/{task.pk}/"
    with time_machine.travel(at(dt.date(2026, 11, 25)), tick=False):
        assert api_as(world.liaison_a).get(url).json()["overdue"] is True
        bare = api_as(world.liaison_a).post(url + "close/", {"statement": "已完成", "result_percent": "100"})
        assert bare.status_code == 400 and "files" in bare.json()
        claim = {"statement": "已完成", "result_percent": "100", "files": [pdf()]}
        made = api_as(world.liaison_a).post(url + "close/", claim, format="multipart").json()
        assert made["late"] is True and made["requested_by_name"]
        assert api_as(world.office).post(url + "sign-off/").status_code == 200
        assert api_as(world.office).post(url + "reopen/", {"reason": ""}).status_code == 400
        assert api_as(world.office).post(url + "reopen/", {"reason": "复查未达标"}).status_code == 200
    task.refresh_from_db()
    assert task.status == SpecialTask.Status.OPEN


def test_special_page_marks_overdue_and_keeps_a_refused_claim(world, task, browser_as):
    with time_machine.travel(at(dt.date(2026, 11, 25)), tick=False):
        client = browser_as(world.liaison_a)
        page = client.get(f"/rectification/special/{task.team.rectification_id}/").content.decode()
        assert "data-overdue" in page
        response = client.post(
            f"/rectification/special/tasks/{task.pk}/close/",
            {"statement": "已完成大部分", "result_percent": "70"},
        )
    assert response.status_code == 400
    page = response.content.decode()
    assert "已完成大部分" in page and "佐证材料" in page and "差距说明" in page


# --- Review ----------------------------------------------------------------------------------


def _special_claim(world, task, percent=100, **extra):
    return special_services.special_task_request_closure(
        by=world.liaison_a, task=task, statement="已完成", result_percent=percent, files=[png()], **extra
    )


def test_review_lists_both_kinds_with_shortfall_highlighted_and_evidence_preview(world, task, make_measure, browser_as):
    measure = make_measure()
    services.measure_closure_request(
        by=world.liaison_a,
        measure=measure,
        statement="完成一半",
        result_value=50,
        shortfall="资金未到位",
        files=[png()],
    )
    _special_claim(world, task)
    page = browser_as(world.inspector).get("/rectification/review/").content.decode()
    assert f"/rectification/measures/{measure.pk}/" in page and f"#task-{task.pk}" in page
    assert "data-shortfall" in page and "资金未到位" in page
    assert "?inline=1" in page and "2026-10-21" in page  # a photo preview; the original deadline


def test_review_filters_below_target_late_and_re_closed(world, task, make_measure, browser_as):
    with time_machine.travel(at(dt.date(2026, 10, 10)), tick=False):  # before the measures' deadline
        below = make_measure()
        services.measure_closure_request(
            by=world.liaison_a, measure=below, statement="部分", result_value=40, shortfall="待审批", files=[pdf()]
        )
        reclosed = make_measure()
        first = services.measure_closure_request(
            by=world.liaison_a, measure=reclosed, statement="完成", result_value=100, files=[pdf()]
        )
        services.closure_sign_off(by=world.inspector, closure=first)
        services.measure_reopen(by=world.office, measure=reclosed, reason="复查不合格")
        services.measure_closure_request(
            by=world.liaison_a, measure=reclosed, statement="再完成", result_value=100, files=[pdf()]
        )
    with time_machine.travel(at(dt.date(2026, 11, 25)), tick=False):  # after the task's deadline
        _special_claim(world, task)
    client = browser_as(world.office)

    def rows(query):
        return client.get(f"/rectification/review/?{query}").content.decode().count("data-closure=")

    assert rows("") == 3
    assert rows("below_target=on") == 1
    assert rows("late=on") == 1
    assert rows("reclosed=on") == 1
    assert rows("status=all") == 4
    assert rows("kind=special") == 1


def test_review_shows_an_inspector_only_their_groups_closures(world, make_measure, browser_as):
    a = make_measure()
    b = make_measure(unit=world.unit_b)
    for m, by in ((a, world.liaison_a), (b, world.liaison_b)):
        services.measure_closure_request(by=by, measure=m, statement="完成", result_value=100, files=[pdf()])
    page = browser_as(world.inspector).get("/rectification/review/").content.decode()
    assert f"/rectification/measures/{a.pk}/" in page and f"/rectification/measures/{b.pk}/" not in page


@pytest.mark.parametrize("size", [2, 8])
def test_review_reads_in_a_flat_number_of_queries(
    world, make_measure, task, browser_as, size, django_assert_max_num_queries
):
    for _ in range(size):
        m = make_measure()
        services.measure_progress_record(by=world.liaison_a, measure=m, value_reached=100, files=[png()])
        services.measure_closure_request(by=world.liaison_a, measure=m, statement="完成", files=[pdf(), png()])
    _special_claim(world, task)
    client = browser_as(world.office)
    with django_assert_max_num_queries(22):
        response = client.get("/rectification/review/?status=all")
    assert response.content.decode().count("data-closure=") == size + 1


def test_special_task_deadline_outside_the_campaign_is_refused_naming_the_field(world, task, api_as):
    team = task.team
    with pytest.raises(ValidationError) as exc:
        special_services.special_task_create(
            by=world.office, team=team, title="长期任务", owner_unit=world.unit_a, deadline=dt.date(2099, 12, 31)
        )
    assert "2027-02-28" in exc.value.message_dict["deadline"][0]
    with pytest.raises(ValidationError) as exc:
        special_services.special_task_create(
            by=world.office, team=team, title="旧任务", owner_unit=world.unit_a, deadline=dt.date(2026, 8, 1)
        )
    assert "2026-09-01" in exc.value.message_dict["deadline"][0]
    late = {"team": team.pk, "title": "长期任务", "owner_unit": world.unit_a.pk, "deadline": "2099-12-31"}
    response = api_as(world.office).post("/api/v1/special-tasks/", late)
    assert response.status_code == 400
    assert "2027-02-28" in response.json()["deadline"][0]
    assert not team.tasks.filter(title="长期任务").exists()


def test_review_exports_the_filtered_closures_of_both_kinds_as_a_ledger(world, task, make_measure, browser_as):
    import io

    from openpyxl import load_workbook

    _special_claim(world, task, percent=80, shortfall="两项待批复")
    measure = make_measure()
    services.measure_closure_request(
        by=world.liaison_a, measure=measure, statement="已完成", result_value=measure.target_value, files=[pdf()]
    )
    response = browser_as(world.office).get("/rectification/review/?export=xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert sorted(row[1] for row in rows) == ["专项整治任务", "整改措施"]
    special_row = next(row for row in rows if row[1] == "专项整治任务")
    assert special_row[5] == 80 and special_row[6] == "两项待批复"
    below = browser_as(world.office).get("/rectification/review/?below_target=on&export=xlsx")
    rows = list(load_workbook(io.BytesIO(below.content)).active.iter_rows(min_row=2, values_only=True))
    assert [row[1] for row in rows] == ["专项整治任务"]
