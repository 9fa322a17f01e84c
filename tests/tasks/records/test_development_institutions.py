"""Indicators (entered or imported with a dry run), the livelihood list, volunteer teams,
and institution documents drafted then issued."""

import datetime as dt
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from openpyxl import Workbook

from campaign import imports
from campaign.models import ImportBatch
from tasks.models import IndicatorValue, InstitutionDocument
from tasks.services import development, institutions
from tests.import_support import run


def sheet(rows) -> bytes:
    workbook = Workbook()
    workbook.active.append(["指标代码", "截至日期", "数值", "来源"])
    for row in rows:
        workbook.active.append(row)
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_entering_the_same_indicator_value_twice_changes_nothing(world, recs):
    row = development.indicator_value_set(
        indicator=recs.indicator, by=world.office, period_end=dt.date(2026, 10, 31), value=Decimal("97.80")
    )
    again = development.indicator_value_set(
        indicator=recs.indicator, by=world.office, period_end=dt.date(2026, 10, 31), value=Decimal("97.80")
    )
    assert again.pk == row.pk
    assert row.history.count() == 1
    development.indicator_value_set(
        indicator=recs.indicator, by=world.office, period_end=dt.date(2026, 10, 31), value=Decimal("98.10")
    )
    assert IndicatorValue.objects.get().value == Decimal("98.10")


def test_only_the_office_enters_indicator_values(world, recs):
    with pytest.raises(PermissionDenied):
        development.indicator_value_set(
            indicator=recs.indicator, by=world.liaison_a, period_end=dt.date(2026, 10, 31), value=Decimal("1")
        )
    assert not IndicatorValue.objects.exists()


def test_the_import_dry_run_lists_each_bad_row_and_writes_nothing(world, recs):
    data = sheet(
        [
            ["satisfaction_rate", "2026-10-31", 97.5, "热线"],
            ["gdp", "2026-10-31", 5.2, ""],
            ["satisfaction_rate", "十月", "高", ""],
        ]
    )
    batch = run(world, "indicator_values", data)
    assert batch.status == "invalid"
    assert [(e["row"], e["column"]) for e in batch.errors] == [(3, "指标名称"), (4, "截至日期"), (4, "数值")]
    assert "gdp" in batch.errors[0]["message"]
    with pytest.raises(ValidationError):
        imports.import_confirm(batch=batch, by=world.office)
    assert not IndicatorValue.objects.exists()


def test_the_import_reads_an_indicator_by_the_name_people_call_it(world, recs):
    name = recs.indicator.name
    check = imports.check_file(
        kind="indicator_values", campaign=world.campaign, data=sheet([[name, "2026-10-31", 97.5, ""]])
    )
    assert check.ok and check.rows[0]["indicator"] == recs.indicator
    wrong = imports.check_file(
        kind="indicator_values", campaign=world.campaign, data=sheet([["城镇新增就业", "2026-10-31", 1, ""]])
    )
    assert name in wrong.errors[0]["message"]  # the names it could be


def test_the_values_template_lists_the_campaigns_indicators_by_name_with_their_unit(world, recs, browser_as):
    from openpyxl import load_workbook

    response = browser_as(world.office).get("/records/indicators/template.xlsx")
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "指标名称"
    assert rows[1][0] == recs.indicator.name and rows[1][4] == recs.indicator.measure_unit
    check = imports.check_file(kind="indicator_values", campaign=world.campaign, data=response.content)
    assert not check.errors and not check.rows  # rows left unfilled are skipped, not errors


def test_office_imports_values_through_the_page_after_the_check(world, recs, browser_as):
    client = browser_as(world.office)
    upload = BytesIO(
        sheet([["satisfaction_rate", "2026-09-30", 96.4, "热线"], ["satisfaction_rate", "2026-10-31", 97.5, "热线"]])
    )
    upload.name = "values.xlsx"
    response = client.post("/records/indicators/import/", {"file": upload})
    assert response.status_code == 302
    assert not IndicatorValue.objects.exists()  # checked, not yet written
    batch = ImportBatch.objects.get(kind="indicator_values")
    assert "拟新增数值" in client.get(response.url).content.decode()
    client.post(f"/imports/{batch.pk}/confirm/")
    assert imports.import_apply(batch_id=batch.pk).status == "applied"
    assert list(IndicatorValue.objects.order_by("period_end").values_list("value", flat=True)) == [
        Decimal("96.40"),
        Decimal("97.50"),
    ]


def test_a_solved_livelihood_item_carries_its_day(world, recs, today):
    with pytest.raises(ValidationError):
        development.livelihood_item_update(item=recs.item_b, by=world.liaison_b, status="solved")
    item = development.livelihood_item_update(
        item=recs.item_b, by=world.liaison_b, status="solved", solved_on=today, result="完成改造"
    )
    assert item.status == "solved" and item.solved_on == today


def test_a_team_adds_a_co_building_project(world, recs, today):
    development.co_building_project_add(team=recs.team_b, by=world.liaison_b, title="微心愿认领", agreed_on=today)
    assert recs.team_b.projects.count() == 1
    with pytest.raises(PermissionDenied):
        development.co_building_project_add(team=recs.team_b, by=world.liaison_a, title="越权", agreed_on=today)


def test_a_document_is_drafted_then_issued(world, recs, today):
    document = institutions.institution_document_issue(
        document=recs.document_b, by=world.liaison_b, issued_on=today, doc_number="中办发〔2026〕3号"
    )
    assert (document.status, document.issued_on) == ("issued", today)
    with pytest.raises(ValidationError):
        institutions.institution_document_issue(document=document, by=world.liaison_b, issued_on=today)


def test_a_document_is_not_issued_before_drafting_started(world, recs):
    with pytest.raises(ValidationError):
        institutions.institution_document_issue(
            document=recs.document_b, by=world.liaison_b, issued_on=recs.past - dt.timedelta(days=1)
        )


def test_a_document_in_the_city_committees_name_belongs_to_no_unit(world, today):
    with pytest.raises(ValidationError):
        institutions.institution_document_create(
            by=world.office,
            campaign=world.campaign,
            unit=world.unit_a,
            issued_by="city_committee",
            title="意见",
            started_on=today,
            institutionalises="作风",
        )
    with pytest.raises(PermissionDenied):
        institutions.institution_document_create(
            by=world.liaison_a,
            campaign=world.campaign,
            issued_by="city_committee",
            title="意见",
            started_on=today,
            institutionalises="作风",
        )
    assert not InstitutionDocument.objects.exists()
