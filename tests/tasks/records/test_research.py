"""Research: topics, the trip ledger (registered before, completed after, spot-checked),
innovation measures from findings with follow-ups until in place, and the topic's chain."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from tasks.models import FollowUpVisit, InnovationMeasure, ResearchActivity, SpotCheck
from tasks.services import research


def trip(world, *, major=False, planned, **extra):
    return research.research_activity_create(
        by=world.liaison_a,
        campaign=world.campaign,
        unit=world.unit_a,
        title="走访企业",
        planned_date=planned,
        place="即墨区",
        visited="青岛港",
        people="周强",
        is_major=major,
        **extra,
    )


def test_a_city_topic_is_led_by_a_leader(world):
    with pytest.raises(ValidationError) as exc:
        research.research_topic_create(by=world.office, campaign=world.campaign, level="city", title="课题")
    assert "leader" in exc.value.message_dict


def test_a_unit_topic_is_claimed_by_a_team_member(world):
    with pytest.raises(ValidationError) as exc:
        research.research_topic_create(
            by=world.liaison_a, campaign=world.campaign, level="unit", unit=world.unit_a, title="课题"
        )
    assert "claimed_by" in exc.value.message_dict


def test_a_liaison_cannot_set_a_city_level_topic(world, city_leader):
    with pytest.raises(PermissionDenied):
        research.research_topic_create(
            by=world.liaison_a, campaign=world.campaign, level="city", title="课题", leader=city_leader
        )


def test_a_major_trip_registered_before_it_happens_is_then_completed_with_findings(world, today):
    activity = trip(world, major=True, planned=today + dt.timedelta(days=3))
    activity = research.research_activity_register(activity=activity, by=world.liaison_a, on=today)
    assert activity.status == "registered" and activity.registered_on == today
    with pytest.raises(ValidationError):  # not completed before the day has come
        research.research_activity_complete(
            activity=activity, by=world.liaison_a, findings=["港口集疏运不畅"], on=today + dt.timedelta(days=3)
        )
    with time_machine.travel(dt.datetime.combine(today + dt.timedelta(days=3), dt.time(12)), tick=False):
        activity = research.research_activity_complete(
            activity=activity,
            by=world.liaison_a,
            findings=["港口集疏运不畅", "用工缺口大"],
            on=today + dt.timedelta(days=3),
        )
    assert activity.status == "completed" and activity.completed_on == today + dt.timedelta(days=3)
    assert list(activity.findings.values_list("text", flat=True)) == ["港口集疏运不畅", "用工缺口大"]


def test_a_major_trip_cannot_be_registered_after_its_date(world, today):
    activity = trip(world, major=True, planned=today - dt.timedelta(days=1))
    with pytest.raises(ValidationError):
        research.research_activity_register(activity=activity, by=world.liaison_a, on=today)
    activity.refresh_from_db()
    assert activity.status == "planned" and activity.registered_on is None


def test_a_major_trip_cannot_be_completed_before_it_was_registered(world, today):
    activity = trip(world, major=True, planned=today)
    with pytest.raises(ValidationError, match="registered|报备"):
        research.research_activity_complete(activity=activity, by=world.liaison_a, findings=["问题"], on=today)
    activity.refresh_from_db()
    assert activity.status == "planned" and not activity.findings.exists()


def test_an_ordinary_trip_is_completed_without_registration(world, today):
    activity = trip(world, planned=today)
    activity = research.research_activity_complete(activity=activity, by=world.liaison_a, findings=["问题"], on=today)
    assert activity.status == "completed"


def test_a_trip_is_not_completed_before_it_happens(world, today):
    activity = trip(world, planned=today + dt.timedelta(days=2), register=True)
    with pytest.raises(ValidationError):
        research.research_activity_complete(activity=activity, by=world.liaison_a, findings=["问题"], on=today)


def test_a_trip_is_completed_with_at_least_one_finding(world, today):
    activity = trip(world, planned=today)
    with pytest.raises(ValidationError):
        research.research_activity_complete(activity=activity, by=world.liaison_a, findings=["  "], on=today)


def test_the_covering_group_spot_checks_a_registered_trip(world, today):
    activity = trip(world, planned=today, register=True)
    check = research.spot_check_record(
        activity=activity,
        by=world.inspector,
        group=world.group_a,
        date=today,
        method="random_check",
        result="issue",
        note="人员与报备不符",
    )
    assert check.checked_by == world.inspector
    assert activity.spot_checks.count() == 1


def test_an_inspector_of_another_group_cannot_spot_check(world, today):
    activity = trip(world, planned=today, register=True)
    with pytest.raises(PermissionDenied):
        research.spot_check_record(
            activity=activity,
            by=world.other_inspector,
            group=world.group_a,
            date=today,
            method="random_check",
            result="as_registered",
        )
    with pytest.raises(ValidationError):
        research.spot_check_record(
            activity=activity,
            by=world.other_inspector,
            group=world.group_b,
            date=today,
            method="random_check",
            result="as_registered",
        )
    assert not SpotCheck.objects.exists()


def test_a_spot_check_that_finds_an_issue_describes_it(world, today):
    activity = trip(world, planned=today, register=True)
    with pytest.raises(ValidationError):
        research.spot_check_record(
            activity=activity, by=world.inspector, group=world.group_a, date=today, method="joined", result="issue"
        )


def test_inspector_spot_checks_through_the_page(world, browser_as, today):
    activity = trip(world, planned=today, register=True)
    client = browser_as(world.inspector)
    assert (
        f"/records/research/{activity.pk}/spot-check/"
        in client.get(f"/records/research/{activity.pk}/").content.decode()
    )
    response = client.post(
        f"/records/research/{activity.pk}/spot-check/",
        {
            "group": world.group_a.pk,
            "date": today.isoformat(),
            "method": "called",
            "result": "as_registered",
            "note": "",
        },
    )
    assert response.status_code == 302
    assert activity.spot_checks.get().method == "called"


def test_a_finding_becomes_a_measure_followed_up_until_in_place(world, recs, today):
    finding = recs.activity_a.findings.get()
    measure = research.innovation_measure_create(
        by=world.liaison_a,
        campaign=world.campaign,
        unit=world.unit_a,
        finding=finding,
        title="融资对接会常态化",
        department="财金处",
        use="solve_problem",
        adopted_on=today,
    )
    assert measure.topic == recs.topic_a  # the measure keeps the finding's topic
    research.follow_up_record(measure=measure, by=world.liaison_a, date=today, note="已召开首场", in_place=False)
    measure.refresh_from_db()
    assert measure.status == "underway"
    with pytest.raises(ValidationError):  # in place, but saying what it solved is required
        research.follow_up_record(measure=measure, by=world.inspector, date=today, note="运行良好", in_place=True)
    research.follow_up_record(
        measure=measure, by=world.inspector, date=today, note="运行良好", in_place=True, outcome="12家企业获贷3.2亿元"
    )
    measure.refresh_from_db()
    assert (measure.status, measure.in_place_on, measure.outcome) == ("in_place", today, "12家企业获贷3.2亿元")
    with pytest.raises(ValidationError):
        research.follow_up_record(measure=measure, by=world.liaison_a, date=today, note="再访", in_place=True)
    assert FollowUpVisit.objects.filter(measure=measure).count() == 2


def test_a_measure_cannot_come_from_another_units_finding(world, recs, today):
    with pytest.raises(ValidationError):
        research.innovation_measure_create(
            by=world.office,
            campaign=world.campaign,
            unit=world.unit_b,
            finding=recs.activity_a.findings.get(),
            title="举措",
            department="处",
            use="solve_problem",
            adopted_on=today,
        )


def test_an_inspector_not_covering_the_unit_cannot_follow_up(world, recs, today):
    with pytest.raises(PermissionDenied):
        research.follow_up_record(
            measure=recs.measure_a, by=world.other_inspector, date=today, note="看", in_place=False
        )


def test_a_liaison_registers_completes_turns_a_finding_into_a_measure_and_the_topic_page_shows_the_chain(
    world, recs, browser_as, today
):
    client = browser_as(world.liaison_a)
    response = client.post(
        "/records/research/new/",
        {
            "unit": world.unit_a.pk,
            "topic": recs.topic_a.pk,
            "title": "调研专精特新企业",
            "planned_date": today.isoformat(),
            "place": "城阳区",
            "visited": "某精密制造公司",
            "people": "周强、李娜",
            "is_major": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()
    activity = ResearchActivity.objects.get(title="调研专精特新企业")
    assert client.post(f"/records/research/{activity.pk}/register/").status_code == 302
    assert (
        client.post(
            f"/records/research/{activity.pk}/complete/",
            {
                "findings": "研发投入抵扣政策不清楚\n高端人才难引进",
                "summary": "座谈两小时",
            },
        ).status_code
        == 302
    )
    activity.refresh_from_db()
    assert activity.status == "completed"
    finding = activity.findings.get(text="研发投入抵扣政策不清楚")
    page = client.get(f"/records/research/{activity.pk}/").content.decode()
    assert f"finding={finding.pk}" in page  # the link that turns it into a measure
    form = client.get(f"/records/measures/new/?finding={finding.pk}&unit={world.unit_a.pk}&topic={recs.topic_a.pk}")
    assert form.status_code == 200
    response = client.post(
        "/records/measures/new/",
        {
            "unit": world.unit_a.pk,
            "topic": recs.topic_a.pk,
            "finding": finding.pk,
            "title": "研发费用加计扣除政策直达",
            "department": "高技术产业处",
            "use": "promote_development",
            "adopted_on": today.isoformat(),
        },
    )
    assert response.status_code == 302, response.content.decode()
    measure = InnovationMeasure.objects.get(title="研发费用加计扣除政策直达")
    # The unit's inspection group, not the unit, finds the measure in place (回访).
    assert (
        browser_as(world.inspector)
        .post(
            f"/records/measures/{measure.pk}/follow-up/",
            {
                "date": today.isoformat(),
                "note": "企业已享受",
                "in_place": "on",
                "outcome": "8家企业减税260万元",
            },
        )
        .status_code
        == 302
    )
    chain = client.get(f"/records/topics/{recs.topic_a.pk}/").content.decode()
    for text in [
        "民营经济发展",
        "调研专精特新企业",
        "研发投入抵扣政策不清楚",
        "研发费用加计扣除政策直达",
        "8家企业减税260万元",
        "走访民营企业",
        "融资难",
        "设立民企融资服务专班",
    ]:
        assert text in chain, text
    assert chain.index("调研专精特新企业") < chain.index("研发投入抵扣政策不清楚") < chain.index("8家企业减税260万元")


def test_a_completed_trip_keeps_its_particulars_but_its_summary_may_be_edited_on_the_page(world, recs, browser_as):
    activity = recs.activity_a
    form = {
        "unit": world.unit_a.pk,
        "topic": recs.topic_a.pk,
        "title": activity.title,
        "planned_date": activity.planned_date.isoformat(),
        "place": activity.place,
        "visited": activity.visited,
        "people": activity.people,
        "summary": "补充：企业座谈记录",
    }
    client = browser_as(world.liaison_a)
    assert client.post(f"/records/research/{activity.pk}/edit/", form).status_code == 302
    activity.refresh_from_db()
    assert activity.summary == "补充：企业座谈记录"
    response = client.post(f"/records/research/{activity.pk}/edit/", {**form, "place": "别处"})
    assert response.status_code == 200  # the form again, with the reason
    activity.refresh_from_db()
    assert activity.place == "高新区"


def test_a_city_topic_without_a_leader_is_refused_on_the_page_with_a_reason(world, browser_as):
    from tasks.models import ResearchTopic

    response = browser_as(world.office).post(
        "/records/topics/new/", {"level": "city", "title": "无人牵头的课题", "status": "open"}
    )
    assert response.status_code == 200
    errors = response.context["form"].errors.as_text()
    assert errors and "topic_city_led_unit_claimed" not in errors  # a sentence, not the constraint's name
    assert not ResearchTopic.objects.filter(title="无人牵头的课题").exists()


def test_a_trip_completed_earlier_keeps_the_day_entered_and_a_future_day_is_refused(world, today):
    activity = trip(world, planned=today - dt.timedelta(days=10))
    with pytest.raises(ValidationError) as refused:
        research.research_activity_complete(
            activity=activity, by=world.liaison_a, findings=["问题"], on=today + dt.timedelta(days=1)
        )
    assert "completed_on" in refused.value.message_dict
    activity = research.research_activity_complete(
        activity=activity, by=world.liaison_a, findings=["问题"], on=today - dt.timedelta(days=8)
    )
    assert activity.completed_on == today - dt.timedelta(days=8)


def test_the_api_completes_a_trip_on_the_day_given(world, today, client):
    activity = trip(world, planned=today - dt.timedelta(days=5))
    client.force_login(world.liaison_a)
    answer = client.post(
        f"/api/v1/research-activities/{activity.pk}/complete/",
        {"findings": ["用工缺口大"], "completed_on": (today - dt.timedelta(days=4)).isoformat()},
        content_type="application/json",
    )
    assert answer.status_code == 200, answer.content
    activity.refresh_from_db()
    assert activity.completed_on == today - dt.timedelta(days=4)
