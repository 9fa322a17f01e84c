"""Bulletins: drafted from the week's summary, numbered gap-free per kind at publication, and
downloaded as a Word file with Chinese fonts."""

import datetime as dt
from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from docx import Document
from docx.oxml.ns import qn

from reporting.models import Bulletin
from reporting.services import bulletins as services
from reporting.services.rollups import rollup_run
from tests.reporting.conftest import MONDAY


def draft(world, kind="weekly", day=MONDAY):
    return services.bulletin_create(by=world.office, campaign=world.campaign, kind=kind, day=day)


def test_the_draft_is_prefilled_with_the_weeks_figures_changes_and_units_to_urge(
    world, make_report, make_measure, close_measure
):
    make_report(world.unit_a)
    make_report(world.unit_b, late=True)
    close_measure(make_measure(world.unit_a), MONDAY + dt.timedelta(days=1))
    rollup_run(campaign=world.campaign, kind="weekly", day=MONDAY)
    bulletin = draft(world)
    assert bulletin.status == "draft" and bulletin.number is None
    assert "本周应报送周进展3份，按时报送1份，逾期报送1份，未报送1份" in bulletin.body
    assert "销号1个（比上周增加1个）" in bulletin.body
    assert "市发展改革委按时报送、整改销号成效明显，予以表扬" in bulletin.body
    assert "督促。市水务集团、中山区存在未按时报送" in bulletin.body


def test_numbers_are_per_kind_gap_free_and_taken_at_publication(world):
    first, deleted, second = draft(world), draft(world), draft(world)
    briefing = draft(world, kind="briefing")
    services.bulletin_delete(by=world.office, bulletin=deleted)
    assert services.bulletin_publish(by=world.office, bulletin=second).number == 1
    assert services.bulletin_publish(by=world.office, bulletin=first).number == 2
    assert services.bulletin_publish(by=world.office, bulletin=briefing).number == 1
    assert list(Bulletin.objects.filter(kind="weekly").order_by("number").values_list("number", flat=True)) == [1, 2]
    third = services.bulletin_publish(by=world.office, bulletin=draft(world))
    assert third.heading == "主题教育周报 第3期"


def test_a_published_bulletin_is_neither_changed_nor_deleted(world):
    bulletin = services.bulletin_publish(by=world.office, bulletin=draft(world))
    with pytest.raises(ValidationError):
        services.bulletin_update(by=world.office, bulletin=bulletin, title="改", body="改")
    with pytest.raises(ValidationError):
        services.bulletin_delete(by=world.office, bulletin=bulletin)
    with pytest.raises(ValidationError):
        services.bulletin_publish(by=world.office, bulletin=bulletin)
    assert Bulletin.objects.get().number == 1


def test_the_database_refuses_a_reused_number(world):
    services.bulletin_publish(by=world.office, bulletin=draft(world))
    other = draft(world)
    with pytest.raises(IntegrityError), transaction.atomic():
        Bulletin.objects.filter(pk=other.pk).update(status="published", number=1, published_at=other.created_at)


def test_only_the_office_writes_bulletins(world):
    with pytest.raises(PermissionDenied):
        services.bulletin_create(by=world.inspector, campaign=world.campaign, kind="weekly", day=MONDAY)
    bulletin = draft(world)
    with pytest.raises(PermissionDenied):
        services.bulletin_publish(by=world.leader, bulletin=bulletin)


def test_the_word_file_opens_with_the_chinese_text_and_east_asian_fonts(world, browser_as):
    bulletin = services.bulletin_publish(by=world.office, bulletin=draft(world))
    response = browser_as(world.office).get(f"/reporting/bulletins/{bulletin.pk}/docx/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    document = Document(BytesIO(response.content))
    texts = [p.text for p in document.paragraphs]
    assert "主题教育周报" in texts and "第1期" in texts
    assert bulletin.title in texts
    body = next(p for p in document.paragraphs if p.text.startswith("一、工作推进"))
    fonts = body.runs[0]._element.rPr.rFonts
    assert fonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    title = next(p for p in document.paragraphs if p.text == bulletin.title)
    assert title.runs[0]._element.rPr.rFonts.get(qn("w:eastAsia")) == "方正小标宋简体"


def test_office_drafts_edits_and_publishes_in_the_browser(world, browser_as):
    client = browser_as(world.office)
    response = client.post("/reporting/bulletins/", {"kind": "weekly", "day": "2026-11-25"})
    bulletin = Bulletin.objects.get()
    assert response.status_code == 302 and bulletin.period_start == MONDAY
    client.post(
        f"/reporting/bulletins/{bulletin.pk}/", {"action": "publish", "title": "第48周周报", "body": "本周情况良好。"}
    )
    bulletin.refresh_from_db()
    assert (bulletin.status, bulletin.number, bulletin.body) == ("published", 1, "本周情况良好。")


def test_drafts_are_the_offices_and_published_bulletins_are_for_staff(world, browser_as):
    hidden = draft(world)
    shown = services.bulletin_publish(by=world.office, bulletin=draft(world))
    inspector = browser_as(world.inspector)
    assert inspector.get(f"/reporting/bulletins/{hidden.pk}/").status_code == 404
    assert inspector.get(f"/reporting/bulletins/{shown.pk}/").status_code == 200
    assert browser_as(world.liaison_a).get("/reporting/bulletins/").status_code == 403
