"""Bulletins: drafted from the week's summary, numbered gap-free per kind at publication, and
downloaded as a Word file with Chinese fonts."""

import datetime as dt
import re
import shutil
from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from docx import Document
from docx.oxml.ns import qn

from campaign.models import User
from reporting.models import Bulletin
from reporting.services import bulletins as services
from reporting.services.rollups import rollup_run
from scripts import render_exports
from tasks.models import TypicalCase
from tests.answers import NOT_ALLOWED, NOT_FOUND, page_text, page_title
from tests.reporting.conftest import MONDAY


@pytest.fixture
def typical_case():
    def make(world, *, kind="positive", title="案例", lesson="经验。", day=MONDAY, unit=None):
        return TypicalCase.objects.create(
            campaign=world.campaign, unit=unit or world.unit_a, kind=kind, title=title, date=day, lesson=lesson
        )

    return make


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
    assert "整改措施销号1条（比上周增加1条）" in bulletin.body
    assert "审核通过销号" not in bulletin.body  # one closure is said once
    assert "0个" not in bulletin.body and "0份" not in bulletin.body and "0次" not in bulletin.body
    assert "\n一、工作推进\n" in bulletin.body and "\n二、检视整改\n" in bulletin.body
    assert "表扬\n市发展改革委按时报送、整改销号成效明显，予以表扬" in bulletin.body
    assert "督促\n市水务集团、中山区存在未按时报送" in bulletin.body


def test_numbers_are_per_kind_gap_free_and_taken_at_publication(world, typical_case):
    weeks = [MONDAY - dt.timedelta(weeks=n) for n in (3, 2, 1)]
    first, deleted, second = (draft(world, day=week) for week in weeks)
    typical_case(world, day=weeks[2])
    briefing = draft(world, kind="briefing", day=weeks[2])
    services.bulletin_delete(by=world.office, bulletin=deleted)
    assert services.bulletin_publish(by=world.office, bulletin=first).number == 1
    assert services.bulletin_publish(by=world.office, bulletin=second).number == 2
    assert services.bulletin_publish(by=world.office, bulletin=briefing).number == 1
    assert list(Bulletin.objects.filter(kind="weekly").order_by("number").values_list("number", flat=True)) == [1, 2]
    third = services.bulletin_publish(by=world.office, bulletin=draft(world))
    assert third.heading == "主题教育周报 第3期"


def test_issues_are_numbered_in_the_order_of_their_weeks(world):
    earlier, later = draft(world, day=MONDAY - dt.timedelta(weeks=1)), draft(world)
    services.bulletin_publish(by=world.office, bulletin=later)
    with pytest.raises(ValidationError, match="第1期"):
        services.bulletin_publish(by=world.office, bulletin=earlier)
    assert Bulletin.objects.get(pk=earlier.pk).status == "draft"


def test_one_bulletin_per_kind_and_week(world):
    first = draft(world)
    with pytest.raises(ValidationError, match="已有|already exists"):
        draft(world, day=MONDAY + dt.timedelta(days=3))
    services.bulletin_publish(by=world.office, bulletin=first)
    with pytest.raises(ValidationError):
        draft(world)
    assert Bulletin.objects.count() == 1


def test_a_week_with_nothing_new_says_so_instead_of_a_row_of_zeros(world):
    body = draft(world, day=dt.date(2026, 9, 7)).body
    assert "没有变化" in body or "0" not in body.replace("2026", "").replace("09月07日", "").replace("09月13日", "")


def test_a_briefing_features_the_typical_cases_the_office_picked(world, typical_case):
    good = typical_case(world, kind="positive", title="“一线工作法”破解审批难题", lesson="把审批窗口搬到园区。")
    bad = typical_case(world, kind="negative", title="整改表态多、行动少", lesson="以文件落实文件。")
    typical_case(world, kind="positive", title="另一个做法", lesson="略。")
    briefing = services.bulletin_create(
        by=world.office, campaign=world.campaign, kind="briefing", day=MONDAY, case_ids=[good.pk, bad.pk]
    )
    lines = briefing.body.splitlines()
    # Each case is a run-in heading with its lesson in the same paragraph.
    assert lines[1] == "一、典型做法"
    assert lines[2] == "（一）市发展改革委：“一线工作法”破解审批难题。把审批窗口搬到园区。"
    assert "二、存在问题" in lines and "（一）市发展改革委：整改表态多、行动少。以文件落实文件。" in lines
    assert "另一个做法" not in briefing.body
    assert briefing.title == "典型做法和存在问题"  # the masthead already says 主题教育简报
    assert briefing.body != draft(world).body  # the 简报 is not the 周报


def test_a_briefing_without_typical_cases_is_refused_with_what_to_do(world):
    with pytest.raises(ValidationError, match="典型案例|typical case"):
        draft(world, kind="briefing")


def test_a_published_bulletin_is_neither_changed_nor_deleted(world):
    bulletin = services.bulletin_publish(by=world.office, bulletin=draft(world))
    with pytest.raises(ValidationError):
        services.bulletin_update(by=world.office, bulletin=bulletin, title="改", body="改")
    with pytest.raises(ValidationError):
        services.bulletin_delete(by=world.office, bulletin=bulletin)
    with pytest.raises(ValidationError):
        services.bulletin_publish(by=world.office, bulletin=bulletin)
    assert Bulletin.objects.get().number == 1


def test_the_database_refuses_a_reused_number_or_a_second_issue_of_a_week(world):
    services.bulletin_publish(by=world.office, bulletin=draft(world, day=MONDAY - dt.timedelta(weeks=1)))
    other = draft(world)
    with pytest.raises(IntegrityError), transaction.atomic():
        Bulletin.objects.filter(pk=other.pk).update(status="published", number=1, published_at=other.created_at)
    with pytest.raises(IntegrityError), transaction.atomic():
        Bulletin.objects.filter(pk=other.pk).update(
            status="published", number=2, published_at=other.created_at, period_start=MONDAY - dt.timedelta(weeks=1)
        )


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
    body = next(p for p in document.paragraphs if p.text.startswith("2026年"))  # the opening sentence
    fonts = body.runs[0]._element.rPr.rFonts
    assert fonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    title = next(p for p in document.paragraphs if p.text == bulletin.title)
    assert title.runs[0]._element.rPr.rFonts.get(qn("w:eastAsia")) == "方正小标宋简体"


def test_the_word_file_has_headings_page_numbers_and_the_distribution_block(world, browser_as, make_report):
    world.campaign.distribution_report = "省委主题教育领导小组办公室"
    world.campaign.distribution_send = "市委、市政府领导同志"
    world.campaign.distribution_issue = "各区市、市直各部门"
    world.campaign.save()
    make_report(world.unit_a)
    rollup_run(campaign=world.campaign, kind="weekly", day=MONDAY)
    bulletin = services.bulletin_publish(by=world.office, bulletin=draft(world))
    document = Document(BytesIO(browser_as(world.office).get(f"/reporting/bulletins/{bulletin.pk}/docx/").content))
    paragraphs = document.paragraphs
    at = next(n for n, p in enumerate(paragraphs) if p.text == "一、工作推进")
    assert paragraphs[at].runs[0]._element.rPr.rFonts.get(qn("w:eastAsia")) == "黑体"
    after = paragraphs[at + 1]
    assert (
        after.text.startswith("本周应报送") and after.runs[0]._element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    )
    texts = [row.cells[0].text for row in document.tables[-1].rows]  # the 版记 is a table at the page's foot
    assert (
        "报：省委主题教育领导小组办公室" in texts
        and "送：市委、市政府领导同志" in texts
        and "发：各区市、市直各部门" in texts
    )
    assert any(t.startswith("市委主题教育领导小组办公室") and t.endswith("印发") for t in texts)
    footers = document.sections[0].footer._element.xml + document.sections[0].even_page_footer._element.xml
    assert footers.count("PAGE") == 2 and "— " in footers


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
    shown = services.bulletin_publish(by=world.office, bulletin=draft(world, day=MONDAY - dt.timedelta(weeks=1)))
    inspector = browser_as(world.inspector)
    refused = inspector.get(f"/reporting/bulletins/{hidden.pk}/")
    assert refused.status_code == 404 and page_title(refused) == NOT_FOUND
    page = inspector.get(f"/reporting/bulletins/{shown.pk}/")
    assert page.status_code == 200 and shown.heading in page_text(page)
    listing = browser_as(world.liaison_a).get("/reporting/bulletins/")
    assert listing.status_code == 403 and page_title(listing) == NOT_ALLOWED
    assert shown.heading not in page_text(listing)


def test_the_office_drafts_edits_publishes_and_downloads_through_the_api(world, api_as):
    api = api_as(world.office)
    response = api.post("/api/v1/bulletins/", {"campaign": world.campaign.pk, "kind": "weekly", "day": "2026-11-25"})
    assert response.status_code == 201, response.content
    url = f"/api/v1/bulletins/{response.json()['id']}/"
    assert response.json()["status"] == "draft" and response.json()["period_start"] == "2026-11-23"
    again = api.post("/api/v1/bulletins/", {"kind": "weekly", "day": "2026-11-23"}, HTTP_ACCEPT_LANGUAGE="en")
    assert again.status_code == 400 and "already exists" in str(again.json())
    edited = api.patch(url, {"body": "本周情况良好。"}, format="json")
    assert edited.status_code == 200 and edited.json()["body"] == "本周情况良好。"
    published = api.post(url + "publish/")
    assert published.status_code == 200 and published.json()["number"] == 1
    assert api.patch(url, {"title": "改"}, format="json").status_code == 400
    assert api.delete(url).status_code == 400
    word = api.get(url + "docx/")
    assert word.status_code == 200 and "本周情况良好。" in [p.text for p in Document(BytesIO(word.content)).paragraphs]


def test_only_the_office_writes_bulletins_through_the_api(world, api_as):
    bulletin = draft(world)
    for person in (world.inspector, world.leader):
        api = api_as(person)
        assert api.post("/api/v1/bulletins/", {"kind": "weekly", "day": "2026-11-16"}).status_code == 403
        assert api.post(f"/api/v1/bulletins/{bulletin.pk}/publish/").status_code == 404  # a draft is the office's
    assert Bulletin.objects.get().status == "draft" and Bulletin.objects.count() == 1


def test_headings_never_end_a_page_and_the_distribution_block_stays_together(world, browser_as, make_report):
    """Page flow: every heading (the title, 一、, （一）) keeps with the paragraph after it, body
    paragraphs keep their first and last lines off a page's edge (widow control), and the 报/送/发
    block with its issuer line is one unbreakable block at the end."""
    world.campaign.distribution_report = "省委主题教育领导小组办公室"
    world.campaign.distribution_issue = "各区市、市直各部门"
    world.campaign.save()
    make_report(world.unit_a)
    rollup_run(campaign=world.campaign, kind="weekly", day=MONDAY)
    bulletin = draft(world)
    bulletin.body += "\n二、下步工作\n（一）抓好整改落实\n各单位要对照问题清单逐项整改。"
    bulletin.save()
    bulletin = services.bulletin_publish(by=world.office, bulletin=bulletin)
    document = Document(BytesIO(browser_as(world.office).get(f"/reporting/bulletins/{bulletin.pk}/docx/").content))
    paragraphs = [p for p in document.paragraphs if p.text.strip()]
    headings = [
        p
        for p in paragraphs
        if p.text == bulletin.title or re.match(r"^([一二三四五六七八九十]+、|（[一二三]）)", p.text)
    ]
    assert {p.text for p in headings} >= {bulletin.title, "一、工作推进", "二、下步工作", "（一）抓好整改落实"}
    assert all(p.paragraph_format.keep_with_next for p in headings)
    body = [p for p in paragraphs if p.text.startswith(("本周", "各单位"))]
    assert body and all(p.paragraph_format.widow_control for p in body)
    block = [row.cells[0].paragraphs[0] for row in document.tables[-1].rows]
    assert [p.text[:2] for p in block[:2]] == ["报：", "发："] and block[-1].text.endswith("印发")
    # One table (a table row never splits) that floats as a whole: one block, never broken.
    assert document.tables[-1]._tbl.tblPr.find(qn("w:tblpPr")) is not None


def test_the_distribution_block_sits_at_the_foot_of_the_last_page(world, browser_as):
    """GB/T 9704: the 版记 is at the bottom of the last page, not straight after the text: a
    table positioned against the bottom of the type area, anchored by the document's last
    paragraph, so it goes where the text ends."""
    world.campaign.distribution_report = "省委主题教育领导小组办公室"
    world.campaign.save()
    bulletin = services.bulletin_publish(by=world.office, bulletin=draft(world))
    document = Document(BytesIO(browser_as(world.office).get(f"/reporting/bulletins/{bulletin.pk}/docx/").content))
    block = document.tables[-1]
    position = block._tbl.tblPr.find(qn("w:tblpPr"))
    assert position.get(qn("w:vertAnchor")) == "margin" and position.get(qn("w:tblpYSpec")) == "bottom"
    assert block._tbl.tblPr.find(qn("w:tblOverlap")).get(qn("w:val")) == "never"
    body = document.element.body
    assert body.index(block._tbl) == len(body) - 3  # then the anchoring paragraph, then the section
    lines = [row.cells[0].text.split("\t")[0] for row in block.rows]
    assert lines == ["报：省委主题教育领导小组办公室", "市委主题教育领导小组办公室"]
    assert not any(p.text.startswith("报：") for p in document.paragraphs)  # not also in the text flow


@pytest.mark.skipif(
    render_exports.soffice() is None or shutil.which("pdfinfo") is None,
    reason="LibreOffice (soffice) and poppler-utils (pdfinfo) are not installed: "
    "apt-get install libreoffice-writer-nogui poppler-utils",
)
def test_the_demo_briefing_prints_on_one_page_with_its_distribution_block(db, browser_as, tmp_path):
    call_command("load_demo")
    briefing = Bulletin.objects.get(kind="briefing")
    office = User.objects.get(username="office")
    path = tmp_path / "briefing.docx"
    path.write_bytes(browser_as(office).get(f"/reporting/bulletins/{briefing.pk}/docx/").content)
    render_exports.to_pdf([path], tmp_path)
    pages, paper, orientation = render_exports.pdf_facts(tmp_path / "briefing.pdf")
    assert (pages, paper, orientation) == (1, "A4", "portrait")
    page = "".join(render_exports.page_texts(tmp_path / "briefing.pdf")[0].split())
    assert "报：" in page and page.index("二、存在问题") < page.index("印发")
