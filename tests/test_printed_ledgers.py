"""Ledgers print as an office files them: A4 landscape on the page's width, the header row on
every page, the campaign, ledger, as-of day and filters at the top, page numbers at the bottom,
while the grid still starts with its header row (so an export re-imports)."""

from __future__ import annotations

from io import BytesIO

import pytest
from openpyxl import load_workbook


def _sheet(response):
    assert response.status_code == 200
    return load_workbook(BytesIO(response.content)).active


@pytest.mark.parametrize(
    ("url", "ledger", "first_header", "paper"),
    [
        ("/units/?export=xlsx&kind=district", "单位名册", "序号", 9),  # A4
        ("/rectification/measures/?export=xlsx&level=city", "整改台账", "序号", 8),  # 23 columns: A3
        ("/records/study/?export=xlsx", "学习", "序号", 9),
    ],
)
def test_a_ledger_prints_landscape_on_the_pages_width_with_its_header_and_caption_on_every_page(
    world, browser_as, url, ledger, first_header, paper
):
    sheet = _sheet(browser_as(world.office).get(url))
    assert sheet.page_setup.orientation == "landscape" and int(sheet.page_setup.paperSize) == paper
    assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.page_setup.fitToWidth == 1
    assert sheet.page_setup.fitToHeight == 0  # as many pages down as the rows need
    assert sheet.print_title_rows == "$1:$1" and sheet.freeze_panes == "A2"
    caption = sheet.oddHeader.center.text
    assert world.campaign.name in caption and ledger in caption and "截至" in caption
    if "level=city" in url or "kind=district" in url:
        assert "筛选" in caption
    assert "&P" in sheet.oddFooter.center.text and "&N" in sheet.oddFooter.center.text
    assert sheet.cell(row=1, column=1).value == first_header  # the grid starts with its header row
