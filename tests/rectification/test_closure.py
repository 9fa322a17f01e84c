"""Closure (销号) is an act: asked for with evidence, signed off or sent back by a reviewer,
reopened by the office with a reason, and the record keeps every step."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from rectification.models import Closure, Measure, Problem
from rectification.services import measures as services
from tests.rectification.conftest import at, pdf, png


def test_requesting_closure_does_not_close_the_measure(world, closable):
    measure, closure = closable()
    measure.refresh_from_db()
    assert measure.status == Measure.Status.CLOSURE_REQUESTED
    assert measure.closed_at is None
    assert closure.status == Closure.Status.REQUESTED


def test_closure_without_evidence_is_refused(world, make_measure):
    measure = make_measure()
    services.measure_progress_record(by=world.liaison_a, measure=measure, value_reached=100)
    with pytest.raises(ValidationError) as exc:
        services.measure_closure_request(by=world.liaison_a, measure=measure, statement="完成", files=[])
    assert "files" in exc.value.message_dict
    assert not Closure.objects.exists()


def test_closure_needs_a_statement_of_the_result(world, make_measure):
    measure = make_measure()
    with pytest.raises(ValidationError) as exc:
        services.measure_closure_request(
            by=world.liaison_a, measure=measure, statement=" ", result_value=100, files=[pdf()]
        )
    assert "statement" in exc.value.message_dict


def test_closure_freezes_the_target_last_progress_and_evidence(world, closable):
    measure, closure = closable()
    assert closure.snapshot["target"] == "0 → 100 %"
    assert closure.snapshot["last_progress"]["percent"] == 100
    assert closure.snapshot["evidence"] == ["report.pdf"]  # the request's own files, not the progress photo
    # a later change to the measure leaves the claim as it was
    Measure.objects.filter(pk=measure.pk).update(target_value=200)
    closure.refresh_from_db()
    assert closure.snapshot["target"] == "0 → 100 %"


def test_inspector_covering_the_unit_signs_off_and_the_measure_closes(world, closable):
    measure, closure = closable()
    services.closure_sign_off(by=world.inspector, closure=closure, note="现场核实")
    measure.refresh_from_db()
    closure.refresh_from_db()
    assert measure.status == Measure.Status.CLOSED and measure.closed_at is not None
    assert closure.decided_by == world.inspector


def test_liaison_cannot_sign_off_their_own_closure(world, closable):
    measure, closure = closable()
    with pytest.raises(PermissionDenied):
        services.closure_sign_off(by=world.liaison_a, closure=closure)
    measure.refresh_from_db()
    assert measure.status == Measure.Status.CLOSURE_REQUESTED


def test_office_cannot_sign_off_a_closure_it_requested_itself(world, make_measure):
    measure = make_measure()
    services.measure_progress_record(by=world.office, measure=measure, value_reached=100, files=[png()])
    closure = services.measure_closure_request(by=world.office, measure=measure, statement="完成", files=[pdf()])
    with pytest.raises(PermissionDenied):
        services.closure_sign_off(by=world.office, closure=closure)


def test_inspector_of_another_group_cannot_sign_off(world, closable):
    _measure, closure = closable()
    with pytest.raises(PermissionDenied):
        services.closure_sign_off(by=world.other_inspector, closure=closure)
    with pytest.raises(PermissionDenied):
        services.closure_sign_off(by=world.leader, closure=closure)


def test_send_back_needs_a_reason_and_reopens_the_measure_for_work(world, closable):
    measure, closure = closable()
    with pytest.raises(ValidationError):
        services.closure_return(by=world.inspector, closure=closure, reason="")
    services.closure_return(by=world.inspector, closure=closure, reason="缺少验收材料")
    measure.refresh_from_db()
    closure.refresh_from_db()
    assert measure.status == Measure.Status.OPEN
    assert closure.status == Closure.Status.RETURNED and closure.decision_note == "缺少验收材料"
    # the owner can ask again, and the record keeps both requests
    again = services.measure_closure_request(by=world.liaison_a, measure=measure, statement="补充材料", files=[pdf()])
    services.closure_sign_off(by=world.inspector, closure=again)
    assert list(measure.closures.order_by("requested_at").values_list("status", flat=True)) == [
        "returned",
        "signed_off",
    ]


def test_a_decided_closure_cannot_be_decided_again(world, closable):
    _measure, closure = closable()
    services.closure_sign_off(by=world.inspector, closure=closure)
    with pytest.raises(ValidationError):
        services.closure_return(by=world.office, closure=closure, reason="再议")


def test_problem_closes_when_its_last_measure_closes(world, make_problem, make_measure, closable):
    problem = make_problem()
    first, first_closure = closable(problem=problem)
    second, second_closure = closable(problem=problem)
    services.closure_sign_off(by=world.inspector, closure=first_closure)
    problem.refresh_from_db()
    assert problem.status == Problem.Status.IN_PROGRESS
    services.closure_sign_off(by=world.inspector, closure=second_closure)
    problem.refresh_from_db()
    assert problem.status == Problem.Status.CLOSED and problem.closed_at is not None


def test_office_reopens_with_a_reason_and_the_record_keeps_both(world, closable):
    measure, closure = closable()
    services.closure_sign_off(by=world.inspector, closure=closure)
    with pytest.raises(ValidationError):
        services.measure_reopen(by=world.office, measure=measure, reason="")
    services.measure_reopen(by=world.office, measure=measure, reason="群众重复举报")
    measure.refresh_from_db()
    closure.refresh_from_db()
    problem = Problem.objects.get(pk=measure.problem_id)
    assert measure.status == Measure.Status.OPEN and measure.closed_at is None
    assert problem.status == Problem.Status.IN_PROGRESS
    assert closure.status == Closure.Status.REOPENED
    assert closure.decided_by == world.inspector  # the sign-off is still on record
    assert closure.reopen_reason == "群众重复举报"
    statuses = list(measure.history.order_by("history_date").values_list("status", flat=True))
    assert statuses[-3:] == ["closure_requested", "closed", "open"]


def test_only_the_office_reopens(world, closable):
    measure, closure = closable()
    services.closure_sign_off(by=world.inspector, closure=closure)
    for person in (world.liaison_a, world.inspector, world.leader):
        with pytest.raises(PermissionDenied):
            services.measure_reopen(by=person, measure=measure, reason="抽查不合格")
    measure.refresh_from_db()
    assert measure.status == Measure.Status.CLOSED


def test_no_progress_while_a_closure_waits(world, closable):
    measure, _closure = closable()
    with pytest.raises(ValidationError):
        services.measure_progress_record(by=world.liaison_a, measure=measure, value_reached=100)


def test_the_whole_flow_through_the_api(world, make_measure, api_as):
    """A liaison updates and asks to close; the inspector sends it back, then signs it off."""
    measure = make_measure()
    liaison, inspector = api_as(world.liaison_a), api_as(world.inspector)
    url = f"/api/v1/measures/{measure.pk}/"
    response = liaison.post(
        url + "progress/", {"value_reached": "100", "note": "完成", "files": [png()]}, format="multipart"
    )
    assert response.status_code == 201, response.content
    response = liaison.post(url + "close/", {"statement": "已完成", "files": [pdf()]}, format="multipart")
    assert response.status_code == 201, response.content
    response = inspector.post(url + "return/", {"reason": ""}, format="json")
    assert response.status_code == 400
    assert inspector.post(url + "return/", {"reason": "照片不清晰"}, format="json").status_code == 200
    assert (
        liaison.post(url + "close/", {"statement": "补充", "files": [png("new.png")]}, format="multipart").status_code
        == 201
    )
    assert liaison.post(url + "sign-off/", {}, format="json").status_code == 403
    assert inspector.post(url + "sign-off/", {"note": "同意"}, format="json").status_code == 200
    detail = liaison.get(url).json()
    assert detail["status"] == "closed" and detail["light"] == "closed"
    assert [c["status"] for c in detail["closures"]] == ["signed_off", "returned"]
    problem = api_as(world.office).get(f"/api/v1/problems/{measure.problem_id}/").json()
    assert problem["status"] == "closed"
    assert api_as(world.office).post(url + "reopen/", {"reason": "抽查不合格"}, format="json").status_code == 200


@time_machine.travel(at(dt.date(2026, 10, 10)), tick=False)  # asked before the deadline (21 Oct)
def test_extension_through_the_api(world, make_measure, api_as):
    measure = make_measure()
    url = f"/api/v1/measures/{measure.pk}/"
    response = api_as(world.liaison_a).post(url + "extension/", {"new_deadline": "2026-12-01", "reason": "雨季"})
    assert response.status_code == 201, response.content
    assert api_as(world.liaison_a).post(url + "extension-decision/", {"approve": True}).status_code == 403
    response = api_as(world.office).post(url + "extension-decision/", {"approve": True})
    assert response.status_code == 200
    detail = api_as(world.liaison_a).get(url).json()
    assert detail["deadline"] == "2026-12-01" and detail["original_deadline"] == "2026-10-21"
    assert detail["extension_count"] == 1
