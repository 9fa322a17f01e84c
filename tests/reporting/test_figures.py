"""The campaign figures: counted from records as of a day, each with its link; not-computed ones
are said to be so."""

import datetime as dt
from decimal import Decimal
from io import BytesIO

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from docx import Document
from openpyxl import load_workbook

from campaign.models import WorkLine
from reporting.figures.registry import LINES
from reporting.figures.values import campaign_figures, figure_values
from reporting.services.bulletins import bulletin_create, bulletin_publish
from tasks.services import development, study
from tasks.services.records import record_delete
from tests.reporting.conftest import MONDAY, at


def test_figures_are_counted_as_of_the_day(world, make_measure):
    make_measure(world.unit_a, created=dt.date(2026, 11, 2))
    make_measure(world.unit_b, created=MONDAY)
    with time_machine.travel(at(MONDAY), tick=False):
        bulletin_publish(
            by=world.office,
            bulletin=bulletin_create(by=world.office, campaign=world.campaign, kind="weekly", day=MONDAY),
        )
    before = figure_values(campaign_figures(campaign=world.campaign, as_of=dt.date(2026, 11, 10)))
    after = figure_values(campaign_figures(campaign=world.campaign, as_of=MONDAY))
    assert (before["problems_units"], after["problems_units"]) == (1, 2)
    assert (before["measures_units"], after["measures_units"]) == (1, 2)
    assert (before["weekly_reports_issued"], after["weekly_reports_issued"]) == (0, 1)
    assert after["inspection_groups"] == 2 and after["liaisons"] == 2


@pytest.mark.django_db(transaction=True)
def test_figures_count_a_measure_and_a_closed_problem_right_after_they_were_read(
    world, make_measure, close_measure, browser_as
):
    first = make_measure(world.unit_a)
    client = browser_as(world.office)

    def read():
        with CaptureQueriesContext(connection) as queries:
            values = figure_values(client.get("/reporting/figures/?as_of=2026-11-27").context["groups"])
        return values, [q for q in queries if '"rectification_measure"' in q["sql"]]

    values, counted = read()
    assert (values["measures_units"], values["problems_units"], values["problems_rectified_units"]) == (1, 1, 0)
    assert counted
    values, counted = read()
    assert values["measures_units"] == 1 and not counted  # nothing changed: not counted again
    make_measure(world.unit_b)
    close_measure(first, MONDAY + dt.timedelta(days=1))
    values, counted = read()
    assert (values["measures_units"], values["problems_units"], values["problems_rectified_units"]) == (2, 2, 1)


@pytest.fixture
def work_lines(transactional_db):
    """The six work lines records count for come from a data migration, which the flush after an
    earlier transactional test removed: put them back."""
    for number, code in enumerate(WorkLine.Code.values, start=1):
        WorkLine.objects.get_or_create(code=code, defaults={"number": number})


# Committed for real, as requests are: figures read inside a test's transaction are never cached.
RECORDS_COMMITTED = pytest.mark.usefixtures("work_lines")


def _figures_page(client):
    """The figures on the page, and whether this request counted the study activities."""
    with CaptureQueriesContext(connection) as queries:
        values = figure_values(client.get("/reporting/figures/?as_of=2026-11-27").context["groups"])
    return values, any('"tasks_studyactivity"' in q["sql"] for q in queries)


@RECORDS_COMMITTED
def test_study_figures_change_right_after_an_activity_is_recorded_or_deleted(world, browser_as):
    client = browser_as(world.office)

    def theme_day(participants):
        return study.study_activity_create(
            by=world.office, campaign=world.campaign, kind="theme_day", title="主题党日", date=MONDAY,
            participants=participants,
        )  # fmt: skip

    theme_day(800)
    values, counted = _figures_page(client)
    assert values["theme_day_attendance"] == 800 and counted
    values, counted = _figures_page(client)
    assert values["theme_day_attendance"] == 800 and not counted  # nothing changed: not counted again
    added = theme_day(50)
    values, counted = _figures_page(client)
    assert values["theme_day_attendance"] == 850 and counted
    record_delete(record=added, by=world.office)
    assert _figures_page(client)[0]["theme_day_attendance"] == 800


@RECORDS_COMMITTED
def test_figures_change_right_after_an_indicator_value_or_a_co_building_project_is_entered(world, browser_as):
    client = browser_as(world.office)
    rate = development.indicator_create(
        by=world.office, campaign=world.campaign, key="satisfaction_rate", name="群众满意率", measure_unit="%"
    )
    team = development.volunteer_team_create(
        by=world.liaison_a, campaign=world.campaign, unit=world.unit_a, name="一队", community="甲社区",
        formed_on=MONDAY, volunteers=30,
    )  # fmt: skip
    values = _figures_page(client)[0]
    assert (values["satisfaction_rate"], values["co_building_projects"]) == (None, 0)
    development.indicator_value_set(indicator=rate, by=world.office, period_end=MONDAY, value=Decimal("97.6"))
    development.co_building_project_add(team=team, by=world.liaison_a, title="共建一", agreed_on=MONDAY)
    values = _figures_page(client)[0]
    assert (values["satisfaction_rate"], values["co_building_projects"]) == (Decimal("97.6"), 1)


@RECORDS_COMMITTED
def test_the_records_version_moves_only_once_a_change_has_committed(world):
    """Figures counted while a change is uncommitted must not be cached under the version that
    change ends at."""
    from django.db import transaction

    from tasks.selectors.records import records_version

    before = records_version(campaign_id=world.campaign.pk)
    with transaction.atomic():
        study.study_activity_create(
            by=world.office, campaign=world.campaign, kind="lecture", title="干部讲堂", date=MONDAY
        )
        assert records_version(campaign_id=world.campaign.pk) == before
    assert records_version(campaign_id=world.campaign.pk) > before


def test_every_line_has_figures_and_an_outside_statistic_not_entered_is_not_computed(world):
    groups = campaign_figures(campaign=world.campaign, as_of=MONDAY)
    assert [code for code, _label, _figures in groups] == [code for code, _label in LINES]
    assert all(figures for _code, _label, figures in groups)
    values = figure_values(groups)
    assert values["satisfaction_rate"] is None and values["appeals_resolved"] is None
    assert values["reading_class_topics"] == 0  # counted: no reading class yet


def test_the_page_links_each_figure_and_marks_the_uncomputed(world, browser_as):
    page = browser_as(world.office).get("/reporting/figures/?as_of=2026-11-23").content.decode()
    assert 'data-figure="problems_city"' in page and "/rectification/problems/?level=city" in page
    assert '<span class="badge badge-warn" data-figure="satisfaction_rate">' in page
    assert browser_as(world.inspector).get("/reporting/figures/").status_code == 403


def test_the_figures_export_to_excel_and_to_the_summary_draft(world, browser_as, make_measure):
    make_measure(world.unit_a)
    client = browser_as(world.leader)
    sheet = load_workbook(BytesIO(client.get("/reporting/figures/?as_of=2026-11-27&export=xlsx").content)).active
    rows = {row[3]: row[2] for row in sheet.iter_rows(min_row=2, values_only=True) if row and row[3]}
    assert rows["problems_units"] == 1 and isinstance(rows["satisfaction_rate"], str)  # "not computed", never 0
    document = Document(BytesIO(client.get("/reporting/figures/?as_of=2026-11-27&export=docx").content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "五、坚持把检视整改贯穿始终" in text
    assert "各单位查摆突出问题1个" in text
    assert "群众满意率达到＊%" in text  # not computed: left for the office, never 0


def test_an_economic_indicator_is_listed_under_its_name_not_its_key(world, browser_as):
    for number, code in enumerate(WorkLine.Code.values, start=1):  # flushed by an earlier transactional test
        WorkLine.objects.get_or_create(code=code, defaults={"number": number})
    gdp = development.indicator_create(
        by=world.office, campaign=world.campaign, key="gdp_growth", name="地区生产总值增长", measure_unit="%"
    )
    development.indicator_value_set(indicator=gdp, by=world.office, period_end=MONDAY, value=Decimal("5.9"))
    with time_machine.travel(at(MONDAY + dt.timedelta(days=1)), tick=False):
        html = browser_as(world.office).get("/reporting/figures/").content.decode()
    assert "经济指标：地区生产总值增长" in html and "：gdp_growth" not in html
