"""A measure is owned, dated and measurable, or it is refused, saying which is missing."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from rectification.models import Measure, Problem
from rectification.services import measures as services
from tests.rectification.conftest import at

VALID = {
    "content": "压减审批环节",
    "responsible_person": "张三",
    "start_date": dt.date(2026, 10, 1),
    "deadline": dt.date(2026, 12, 31),
    "target_value": 6,
    "baseline": 12,
    "measure_unit": "个",
}


def create(world, problem, **changes):
    values = {**VALID, "responsible_unit": world.unit_a, **changes}
    return services.measure_create(by=world.office, problem=problem, **values)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"responsible_person": ""}, "responsible_person"),
        ({"responsible_unit": None}, "responsible_unit"),
        ({"deadline": None}, "deadline"),
        ({"target_value": None, "milestones": []}, "target_value"),
    ],
)
def test_measure_without_owner_deadline_or_target_is_refused_naming_what_is_missing(
    world, make_problem, changes, field
):
    problem = make_problem()
    with pytest.raises(ValidationError) as exc:
        create(world, problem, **changes)
    assert field in exc.value.message_dict
    assert not Measure.objects.exists()


def test_refusal_lists_every_missing_part_at_once(world, make_problem):
    with pytest.raises(ValidationError) as exc:
        create(world, make_problem(), responsible_person="", deadline=None, target_value=None)
    assert {"responsible_person", "deadline", "target_value"} <= set(exc.value.message_dict)


def test_milestones_are_a_measurable_target(world, make_problem):
    measure = create(
        world, make_problem(), target_value=None, baseline=None, milestones=["制定方案", "完成改造", "验收"]
    )
    assert measure.milestone_count == 3
    assert measure.target_text == "制定方案 / 完成改造 / 验收"


def test_target_equal_to_baseline_is_not_a_target(world, make_problem):
    with pytest.raises(ValidationError) as exc:
        create(world, make_problem(), baseline=6, target_value=6)
    assert "target_value" in exc.value.message_dict


def test_deadline_before_start_is_refused(world, make_problem):
    with pytest.raises(ValidationError) as exc:
        create(world, make_problem(), deadline=dt.date(2026, 9, 1))
    assert "deadline" in exc.value.message_dict


def test_problem_gets_a_code_and_its_status_follows_its_measures(world, make_problem):
    problem = make_problem()
    assert problem.code == "U0001"
    assert problem.status == Problem.Status.NO_MEASURES
    create(world, problem)
    problem.refresh_from_db()
    assert problem.status == Problem.Status.IN_PROGRESS


def test_liaison_may_add_measures_for_their_own_unit_only(world, make_problem):
    problem = make_problem(world.unit_a)
    measure = services.measure_create(by=world.liaison_a, problem=problem, responsible_unit=world.unit_a, **VALID)
    assert measure.number == 1
    with pytest.raises(PermissionDenied):
        services.measure_create(by=world.liaison_a, problem=problem, responsible_unit=world.unit_b, **VALID)
    with pytest.raises(PermissionDenied):
        services.measure_create(by=world.liaison_b, problem=problem, responsible_unit=world.unit_b, **VALID)
    assert Measure.objects.count() == 1


def test_progress_against_a_numeric_target_counts_from_the_baseline(world, make_problem):
    measure = create(world, make_problem())  # 12 → 6
    entry = services.measure_progress_record(by=world.liaison_a, measure=measure, value_reached=9)
    assert entry.percent == 50
    measure.refresh_from_db()
    assert measure.progress_percent == 50


def test_progress_by_milestones_counts_the_share_done(world, make_problem):
    measure = create(world, make_problem(), target_value=None, baseline=None, milestones=["a", "b", "c", "d"])
    services.measure_progress_record(by=world.liaison_a, measure=measure, milestones_done=[0, 2])
    measure.refresh_from_db()
    assert measure.progress_percent == 50


def test_progress_needs_the_value_reached(world, make_problem):
    measure = create(world, make_problem())
    with pytest.raises(ValidationError) as exc:
        services.measure_progress_record(by=world.liaison_a, measure=measure, value_reached="")
    assert "value_reached" in exc.value.message_dict


def test_inspector_cannot_report_progress(world, make_problem):
    measure = create(world, make_problem())
    with pytest.raises(PermissionDenied):
        services.measure_progress_record(by=world.inspector, measure=measure, value_reached=8)
    assert not measure.progress.exists()


def test_evidence_of_a_wrong_type_is_refused_and_nothing_is_stored(world, make_problem):
    from django.core.files.uploadedfile import SimpleUploadedFile

    measure = create(world, make_problem())
    fake = SimpleUploadedFile("photo.png", b"MZ not a picture", content_type="image/png")
    with pytest.raises(ValidationError) as exc:
        services.measure_progress_record(by=world.liaison_a, measure=measure, value_reached=8, files=[fake])
    assert "photo.png" in str(exc.value)
    assert not measure.progress.exists()


@time_machine.travel(at(dt.date(2026, 10, 10)), tick=False)  # before the deadline
def test_extension_keeps_the_original_deadline_and_counts(world, make_measure):
    measure = make_measure()
    extension = services.extension_request(
        by=world.liaison_a, measure=measure, new_deadline=dt.date(2026, 11, 30), reason="施工受雨季影响"
    )
    services.extension_decide(by=world.office, extension=extension, approve=True)
    measure.refresh_from_db()
    assert measure.deadline == dt.date(2026, 11, 30)
    assert measure.original_deadline == dt.date(2026, 10, 21)
    assert measure.extension_count == 1


@time_machine.travel(at(dt.date(2026, 10, 10)), tick=False)  # before the deadline
def test_extension_needs_a_reason_and_a_later_date(world, make_measure):
    measure = make_measure()
    with pytest.raises(ValidationError) as exc:
        services.extension_request(by=world.liaison_a, measure=measure, new_deadline=dt.date(2026, 10, 1), reason="")
    assert {"reason", "new_deadline"} <= set(exc.value.message_dict)


@time_machine.travel(at(dt.date(2026, 10, 10)), tick=False)  # before the deadline
def test_refused_extension_leaves_the_deadline_and_needs_a_reason(world, make_measure):
    measure = make_measure()
    extension = services.extension_request(
        by=world.liaison_a, measure=measure, new_deadline=dt.date(2026, 11, 30), reason="理由"
    )
    with pytest.raises(ValidationError):
        services.extension_decide(by=world.office, extension=extension, approve=False, note="")
    services.extension_decide(by=world.office, extension=extension, approve=False, note="时限不能再延")
    measure.refresh_from_db()
    assert measure.deadline == dt.date(2026, 10, 21)
    assert measure.extension_count == 0


@time_machine.travel(at(dt.date(2026, 10, 10)), tick=False)  # before the deadline
def test_only_the_office_decides_extensions(world, make_measure):
    measure = make_measure()
    extension = services.extension_request(
        by=world.liaison_a, measure=measure, new_deadline=dt.date(2026, 11, 30), reason="理由"
    )
    for person in (world.liaison_a, world.inspector, world.leader):
        with pytest.raises(PermissionDenied):
            services.extension_decide(by=person, extension=extension, approve=True)
    measure.refresh_from_db()
    assert measure.deadline == dt.date(2026, 10, 21)


# --- dates within the campaign, targets with units, owners who are people ---------------------
# The campaign of the tests runs 1 Sep 2026 -> 28 Feb 2027.


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"start_date": dt.date(2026, 8, 1)}, "start_date", "开始日期"),
        ({"deadline": dt.date(2099, 12, 31)}, "deadline", "完成时限"),
        ({"start_date": dt.date(2026, 6, 1), "deadline": dt.date(2026, 8, 1)}, "deadline", "完成时限"),
        ({"target_value": 1, "baseline": None, "measure_unit": ""}, "measure_unit", "计量单位"),
        ({"target_value": -5, "baseline": None}, "target_value", "目标值"),
        ({"target_value": 197, "baseline": 0, "measure_unit": "%"}, "target_value", "目标值"),
        ({"responsible_person": "x"}, "responsible_person", "责任人"),
        ({"responsible_person": "有关同志"}, "responsible_person", "责任人"),
        ({"responsible_person": "相关人员"}, "responsible_person", "责任人"),
        ({"responsible_person": "某某"}, "responsible_person", "责任人"),
    ],
)
def test_measure_outside_the_rules_is_refused_in_a_chinese_sentence_naming_the_field(
    world, make_problem, changes, field, words
):
    from django.utils import translation

    with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
        create(world, make_problem(), **changes)
    assert field in exc.value.message_dict
    assert any(words in message for message in exc.value.message_dict[field])
    assert not Measure.objects.exists()


def test_a_real_name_and_dates_within_the_campaign_are_accepted(world, make_problem):
    measure = create(
        world,
        make_problem(),
        responsible_person="欧阳明",
        start_date=dt.date(2026, 9, 1),
        deadline=dt.date(2027, 2, 28),
    )
    assert measure.responsible_person == "欧阳明"


def test_measure_page_refuses_a_placeholder_owner_and_keeps_what_was_typed(world, make_problem, browser_as):
    problem = make_problem()
    response = browser_as(world.office).post(
        f"/rectification/problems/{problem.pk}/",
        {
            "content": "压减审批环节的专门措施",
            "responsible_unit": world.unit_a.pk,
            "responsible_person": "有关同志",
            "start_date": "2026-10-01",
            "deadline": "2099-12-31",
            "target_value": "6",
            "baseline": "12",
            "measure_unit": "个",
        },
    )
    page = response.content.decode()
    assert response.status_code in (200, 400)
    assert "责任人" in page and "完成时限" in page and "压减审批环节的专门措施" in page
    assert not Measure.objects.exists()


def test_measure_api_refuses_a_deadline_after_the_campaign(world, make_problem, api_as):
    problem = make_problem()
    response = api_as(world.office).post(
        "/api/v1/measures/",
        {
            "problem": problem.pk,
            "content": "压减审批环节",
            "responsible_unit": world.unit_a.pk,
            "responsible_person": "张三",
            "start_date": "2026-10-01",
            "deadline": "2099-12-31",
            "target_value": "6",
            "baseline": "12",
            "measure_unit": "个",
        },
        format="json",
    )
    assert response.status_code == 400 and "deadline" in response.json()
