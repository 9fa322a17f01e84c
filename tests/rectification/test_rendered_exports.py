"""Ledgers as LibreOffice prints them (scripts/render_exports.py, the same conversion to PDF the
script uses for every export): landscape, one page wide, the header on every page."""

from __future__ import annotations

import pytest

from scripts import render_exports

pytestmark = pytest.mark.skipif(
    render_exports.soffice() is None, reason="LibreOffice (soffice) is not installed: apt-get install libreoffice-calc"
)


def test_the_measures_ledger_and_the_unit_register_print_landscape_one_page_wide(
    world, make_measure, browser_as, tmp_path
):
    for n in range(3):
        make_measure(content=f"第{n}条措施：" + "压减审批环节，推行告知承诺制，" * 6)  # long text wraps in its cell
    client = browser_as(world.office)
    files = {}
    for name, url in (("measures", "/rectification/measures/?export=xlsx"), ("units", "/units/?export=xlsx")):
        path = tmp_path / f"{name}.xlsx"
        path.write_bytes(client.get(url).content)
        files[name] = path
    results = {r.name: r for r in render_exports.render(files, tmp_path / "out", dpi=30)}
    measures, units = results["measures"], results["units"]
    assert (measures.pages, measures.paper, measures.orientation, measures.full_width) == (1, "A3", "landscape", True)
    assert (units.pages, units.paper, units.orientation, units.full_width) == (1, "A4", "landscape", True)
    page = render_exports.page_texts(tmp_path / "out" / "pdf" / "measures.pdf")[0]
    assert "主题教育" in page and "第 1 页，共 1 页" in page  # the caption and the page number print
    assert "逾期天" in "".join(page.split())  # the last column's header (wrapped in its cell) is on the page
    assert sorted(p.name for p in (tmp_path / "out" / "measures").glob("*.png")) == ["page-1.png"]
