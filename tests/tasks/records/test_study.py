"""Study activities: kinds, numbered lectures, ratings, and "缺多少补多少" — absentees are
owed a make-up until a make-up session clears them."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tasks.models import Absence, MakeUpSession, StudyActivity
from tasks.selectors.records import absentees_owed
from tasks.services import study


def test_absentees_of_a_class_are_owed_a_makeup(world, recs):
    owed = {a.name for a in absentees_owed(user=world.office, campaign=world.campaign)}
    assert owed == {"张三", "李四", "王五"}


def test_a_makeup_session_clears_the_absentees_who_attended_it(world, recs, today):
    absences = list(recs.study_a.absences.filter(name="张三"))
    session = study.makeup_record(
        activity=recs.study_a, by=world.liaison_a, date=today, content="补学第一专题", absences=absences
    )
    assert session.absences.count() == 1
    owed = {a.name for a in absentees_owed(user=world.liaison_a, campaign=world.campaign)}
    assert owed == {"李四"}


def test_the_owed_list_page_lists_who_still_owes_a_makeup(world, recs, browser_as, today):
    study.makeup_record(
        activity=recs.study_a,
        by=world.liaison_a,
        date=today,
        content="补课",
        absences=list(recs.study_a.absences.filter(name="张三")),
    )
    page = browser_as(world.liaison_a).get("/records/study/owed/").content.decode()
    assert "李四" in page
    assert "张三" not in page
    assert "王五" not in page  # unit B's absentee is not the liaison of A's business


def test_liaison_records_a_makeup_through_the_page(world, recs, browser_as, today):
    absence = recs.study_a.absences.get(name="李四")
    response = browser_as(world.liaison_a).post(
        f"/records/study/{recs.study_a.pk}/makeup/",
        {"date": today.isoformat(), "content": "集中补课", "hours": "2", "absences": [absence.pk]},
    )
    assert response.status_code == 302
    absence.refresh_from_db()
    assert absence.made_up_in is not None
    assert absence.made_up_in.hours == 2


def test_a_makeup_cannot_clear_another_classes_absentee(world, recs, today):
    with pytest.raises(ValidationError):
        study.makeup_record(
            activity=recs.study_a,
            by=world.office,
            date=today,
            content="补课",
            absences=list(recs.study_b.absences.all()),
        )
    assert not MakeUpSession.objects.exists()


def test_a_makeup_comes_after_the_class(world, recs):
    with pytest.raises(ValidationError):
        study.makeup_record(
            activity=recs.study_a,
            by=world.liaison_a,
            date=recs.study_a.date - dt.timedelta(days=1),
            content="补课",
            absences=list(recs.study_a.absences.all()),
        )


def test_an_absentee_is_made_up_only_once(world, recs, today):
    absences = list(recs.study_a.absences.all())
    study.makeup_record(activity=recs.study_a, by=world.liaison_a, date=today, content="补课", absences=absences)
    with pytest.raises(ValidationError):
        study.makeup_record(activity=recs.study_a, by=world.liaison_a, date=today, content="再补", absences=absences)
    assert MakeUpSession.objects.count() == 1


def test_another_units_liaison_cannot_record_a_makeup(world, recs, today):
    with pytest.raises(PermissionDenied):
        study.makeup_record(
            activity=recs.study_a,
            by=world.liaison_b,
            date=today,
            content="补课",
            absences=list(recs.study_a.absences.all()),
        )
    assert Absence.objects.filter(made_up_in__isnull=False).count() == 0


def test_absentees_are_recorded_only_for_classes(world):
    with pytest.raises(ValidationError):
        study.study_activity_create(
            by=world.liaison_a,
            campaign=world.campaign,
            unit=world.unit_a,
            kind="theme_day",
            title="主题党日",
            date=dt.date(2026, 10, 1),
            absentees=["张三"],
        )
    assert not StudyActivity.objects.exists()


def test_lectures_are_numbered_in_turn(world):
    first = study.study_activity_create(
        by=world.office, campaign=world.campaign, kind="lecture", title="干部讲堂", date=dt.date(2026, 9, 20)
    )
    second = study.study_activity_create(
        by=world.office, campaign=world.campaign, kind="lecture", title="干部讲堂", date=dt.date(2026, 9, 27)
    )
    assert (first.session_number, second.session_number) == (1, 2)
    with pytest.raises(ValidationError):
        study.study_activity_create(
            by=world.office,
            campaign=world.campaign,
            kind="lecture",
            title="重复",
            date=dt.date(2026, 10, 4),
            session_number=2,
        )


def test_a_reading_class_needs_its_topic(world):
    with pytest.raises(ValidationError) as exc:
        study.study_activity_create(
            by=world.liaison_a,
            campaign=world.campaign,
            unit=world.unit_a,
            kind="reading_class",
            title="读书班",
            date=dt.date(2026, 10, 1),
        )
    assert "topic" in exc.value.message_dict


def test_only_the_office_rates_a_party_lesson_excellent(world):
    lesson = study.study_activity_create(
        by=world.liaison_a,
        campaign=world.campaign,
        unit=world.unit_a,
        kind="party_lesson",
        title="专题党课",
        date=dt.date(2026, 10, 1),
    )
    with pytest.raises(PermissionDenied):
        study.study_activity_rate(activity=lesson, by=world.liaison_a, excellent=True)
    study.study_activity_rate(activity=lesson, by=world.office, excellent=True)
    lesson.refresh_from_db()
    assert lesson.rated_excellent


def test_liaison_enters_a_study_activity_with_absentees_through_the_form(world, browser_as):
    response = browser_as(world.liaison_a).post(
        "/records/study/new/",
        {
            "unit": world.unit_a.pk,
            "kind": "reading_class",
            "title": "第二期读书班",
            "topic": "党的二十大精神",
            "date": "2026-10-09",
            "participants": "25",
            "audience": "0",
            "absentees": "赵六、钱七",
        },
    )
    assert response.status_code == 302, response.content.decode()
    activity = StudyActivity.objects.get(title="第二期读书班")
    assert activity.unit == world.unit_a
    assert activity.work_line.code == "study"
    assert sorted(activity.absences.values_list("name", flat=True)) == ["赵六", "钱七"]
    assert activity.history.count() == 1


def test_the_liaisons_form_offers_only_their_own_unit(world, browser_as):
    page = browser_as(world.liaison_a).get("/records/study/new/").content.decode()
    assert world.unit_a.name in page
    assert world.unit_b.name not in page
