"""The ledger (台账) export of each list, opened back with openpyxl; and pages whose query
count does not grow with the number of records."""

import datetime as dt
from io import BytesIO

import pytest
from openpyxl import load_workbook

from tasks.services import development, research, study

LEDGERS = [
    ("study", "发改委读书班"),
    ("focus-areas", "经略海洋"),
    ("topics", "民营经济发展"),
    ("research", "走访民营企业"),
    ("meetings", "中山区调研成果交流会"),
    ("cases", "形象工程"),
    ("measures", "设立民企融资服务专班"),
    ("indicators", "群众满意率"),
    ("livelihood", "菜市场脏乱"),
    ("volunteers", "中山区红色志愿服务队"),
    ("documents", "中山区调研工作规则"),
]


@pytest.fixture
def browser_as(browser_as, settings):
    """Pages in English (the language cookie), so the ledger headers read as in the source."""

    def make(user):
        client = browser_as(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return make


def workbook(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(BytesIO(response.content))


@pytest.mark.parametrize("slug,text", LEDGERS)
def test_each_list_exports_as_an_xlsx_ledger(world, recs, browser_as, slug, text):
    sheet = workbook(browser_as(world.office).get(f"/records/{slug}/?export=xlsx")).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "No."
    assert any(text in (cell or "") for row in rows[1:] for cell in row if isinstance(cell, str))


def test_the_export_follows_the_filters_and_the_access_policy(world, recs, browser_as):
    rows = list(
        workbook(browser_as(world.liaison_a).get("/records/study/?export=xlsx")).active.iter_rows(values_only=True)
    )
    assert len(rows) == 2  # header + unit A's class; unit B's is not the liaison's
    assert "发改委读书班" in rows[1]
    rows = list(
        workbook(browser_as(world.office).get("/records/study/?kind=lecture&export=xlsx")).active.iter_rows(
            values_only=True
        )
    )
    assert len(rows) == 1


def test_the_study_ledger_counts_who_owes_a_make_up(world, recs, browser_as):
    sheet = workbook(browser_as(world.office).get("/records/study/?export=xlsx")).active
    header = [c.value for c in sheet[1]]
    rows = {row[header.index("Activity")]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["发改委读书班"][header.index("Owe a make-up")] == 2


def grow(world, n, offset):
    """n more records of each listed kind in unit A."""
    day = dt.date(2026, 10, 1)
    for i in range(offset, offset + n):
        study.study_activity_create(
            by=world.liaison_a,
            campaign=world.campaign,
            unit=world.unit_a,
            kind="reading_class",
            title=f"读书班{i}",
            topic="专题",
            date=day,
            absentees=[f"缺{i}"],
        )
        trip = research.research_activity_create(
            by=world.liaison_a,
            campaign=world.campaign,
            unit=world.unit_a,
            title=f"调研{i}",
            planned_date=day,
            place="某地",
            people="某人",
        )
        trip = research.research_activity_complete(activity=trip, by=world.liaison_a, findings=[f"发现{i}"], on=day)
        measure = research.innovation_measure_create(
            by=world.liaison_a,
            campaign=world.campaign,
            unit=world.unit_a,
            finding=trip.findings.get(),
            topic=None,
            title=f"举措{i}",
            department="处",
            use="solve_problem",
            adopted_on=day,
        )
        research.follow_up_record(measure=measure, by=world.liaison_a, date=day, note="回访", in_place=False)
        development.livelihood_item_create(
            by=world.liaison_a,
            campaign=world.campaign,
            unit=world.unit_a,
            kind="problem",
            title=f"问题{i}",
            listed_on=day,
        )


def trips_on(world, recs, n, offset):
    day = dt.date(2026, 10, 1)
    for i in range(offset, offset + n):
        trip = research.research_activity_create(
            by=world.liaison_a,
            campaign=world.campaign,
            unit=world.unit_a,
            topic=recs.topic_a,
            title=f"课题调研{i}",
            planned_date=day,
            place="某地",
            people="某人",
        )
        trip = research.research_activity_complete(
            activity=trip, by=world.liaison_a, findings=[f"甲{i}", f"乙{i}"], on=day
        )
        measure = research.innovation_measure_create(
            by=world.liaison_a,
            campaign=world.campaign,
            unit=world.unit_a,
            finding=trip.findings.first(),
            title=f"课题举措{i}",
            department="处",
            use="solve_problem",
            adopted_on=day,
        )
        research.follow_up_record(measure=measure, by=world.liaison_a, date=day, note="回访", in_place=False)


def count_queries(client, url, django_assert_max_num_queries, limit):
    with django_assert_max_num_queries(limit) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize(
    "url",
    [
        "/records/study/",
        "/records/research/",
        "/records/measures/",
        "/records/livelihood/",
        "/records/study/owed/",
        "/records/topics/",
        "/records/",
        "/api/v1/study-activities/",
        "/api/v1/research-activities/",
        "/api/v1/research-topics/",
        "/api/v1/innovation-measures/",
    ],
)
def test_list_pages_make_the_same_number_of_queries_for_3_and_15_records(
    world, recs, browser_as, url, django_assert_max_num_queries
):
    client = browser_as(world.office)
    grow(world, 3, 0)
    small = count_queries(client, url, django_assert_max_num_queries, 60)
    grow(world, 12, 100)
    large = count_queries(client, url, django_assert_max_num_queries, small)
    assert large == small


def test_the_topic_chain_page_makes_the_same_number_of_queries_for_2_and_10_trips(
    world, recs, browser_as, django_assert_max_num_queries
):
    client = browser_as(world.liaison_a)
    url = f"/records/topics/{recs.topic_a.pk}/"
    trips_on(world, recs, 2, 0)
    small = count_queries(client, url, django_assert_max_num_queries, 40)
    trips_on(world, recs, 8, 100)
    assert count_queries(client, url, django_assert_max_num_queries, small) == small


def test_a_research_activity_page_makes_a_fixed_number_of_queries(
    world, recs, browser_as, django_assert_max_num_queries
):
    client = browser_as(world.office)
    count_queries(client, f"/records/research/{recs.activity_a.pk}/", django_assert_max_num_queries, 30)


def test_the_owed_list_exports_who_still_owes_a_make_up(world, recs, browser_as):
    rows = list(
        workbook(browser_as(world.office).get("/records/study/owed/?export=xlsx")).active.iter_rows(values_only=True)
    )
    assert sorted(row[1] for row in rows[1:]) == ["张三", "李四", "王五"]
    rows = list(
        workbook(
            browser_as(world.office).get(f"/records/study/owed/?unit={world.unit_b.pk}&export=xlsx")
        ).active.iter_rows(values_only=True)
    )
    assert [row[1] for row in rows[1:]] == ["王五"]
