"""Word files in the layout of Chinese official documents (GB/T 9704 in spirit): title in
方正小标宋简体 二号, body in 仿宋_GB2312 三号 with a two-character first-line indent and 28-point
lines, headings in 黑体. Fonts are set for East Asian text too (w:eastAsia), or Word falls back
to a Latin font's Chinese substitute."""

from __future__ import annotations

import re
from io import BytesIO

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
SUBHEADING_FONT = "楷体_GB2312"
RED = RGBColor(0xC0, 0x00, 0x00)


def set_font(run, name: str, size: float, bold: bool = False, color: RGBColor | None = None) -> None:
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    if color is not None:
        run.font.color.rgb = color
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), name)


def new_document() -> Document:
    document = Document()
    section = document.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    normal = document.styles["Normal"]
    normal.font.name = BODY_FONT
    normal.font.size = Pt(16)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    return document


def _spacing(paragraph, points: float = 28) -> None:
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(points)
    fmt.space_before = fmt.space_after = Pt(0)
    # No paragraph leaves its first line alone at a page's foot or its last at the next's head.
    fmt.widow_control = True


def _keep_with_next(paragraph) -> None:
    """A heading (or a block's line) goes to the next page with the paragraph after it rather
    than end a page on its own, and is never split itself."""
    paragraph.paragraph_format.keep_with_next = True
    paragraph.paragraph_format.keep_together = True


def centered(document, text: str, font: str, size: float, *, color=None, bold=False, points: float = 28):
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _spacing(paragraph, points)
    set_font(paragraph.add_run(text), font, size, bold=bold, color=color)
    return paragraph


def title(document, text: str) -> None:
    _keep_with_next(centered(document, text, TITLE_FONT, 22, points=36))
    _keep_with_next(document.add_paragraph())


def heading(document, text: str) -> None:
    paragraph = document.add_paragraph()
    _spacing(paragraph)
    paragraph.paragraph_format.first_line_indent = Pt(32)
    _keep_with_next(paragraph)
    set_font(paragraph.add_run(text), HEADING_FONT, 16)


FIRST_LEVEL = re.compile(r"^[一二三四五六七八九十]+、")
SECOND_LEVEL = re.compile(r"^（[一二三四五六七八九十]+）")


def body(document, text: str) -> None:
    """The text, a paragraph per line: a line opening with 一、 is a first-level heading (黑体),
    one opening with （一） a second-level one (楷体; when its sentence, up to the first 。, is
    followed by more text, that text runs on in 仿宋 in the same paragraph), the rest body
    text (仿宋)."""
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        paragraph = document.add_paragraph()
        _spacing(paragraph)
        paragraph.paragraph_format.first_line_indent = Pt(32)
        if FIRST_LEVEL.match(line):
            _keep_with_next(paragraph)
            set_font(paragraph.add_run(line), HEADING_FONT, 16)
            continue
        if SECOND_LEVEL.match(line):
            heading_text, stop, rest = line.partition("。")
            if not rest:
                _keep_with_next(paragraph)
                set_font(paragraph.add_run(line), SUBHEADING_FONT, 16, bold=True)
                continue
            # A run-in heading, "（一）…。" then its text in the same paragraph, as official
            # documents write a short point: one line saved per point.
            paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            set_font(paragraph.add_run(heading_text + stop), SUBHEADING_FONT, 16, bold=True)
            set_font(paragraph.add_run(rest), BODY_FONT, 16)
            continue
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        set_font(paragraph.add_run(line), BODY_FONT, 16)


def _field(run, instruction: str) -> None:
    """A Word field (e.g. PAGE) inside `run`: Word fills it in when it lays the page out."""
    for kind, text in (("begin", None), ("instr", instruction), ("separate", None), ("text", "1"), ("end", None)):
        if kind == "instr":
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        elif kind == "text":
            element = OxmlElement("w:t")
            element.text = text
        else:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        run._r.append(element)


def page_numbers(document) -> None:
    """Page numbers as official documents print them: 4号 (14 pt) Arabic numerals between dashes,
    “— 1 —”, odd pages on the right and even pages on the left."""
    document.settings.odd_and_even_pages_header_footer = True
    section = document.sections[0]
    for footer, alignment in (
        (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
        (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
    ):
        paragraph = footer.paragraphs[0]
        paragraph.alignment = alignment
        set_font(paragraph.add_run("— "), "宋体", 14)
        number = paragraph.add_run()
        set_font(number, "宋体", 14)
        _field(number, "PAGE")
        set_font(paragraph.add_run(" —"), "宋体", 14)


def _rule(edge: str, size: int) -> OxmlElement:
    rule = OxmlElement(f"w:{edge}")
    for key, value in (("w:val", "single"), ("w:sz", str(size)), ("w:space", "0"), ("w:color", "000000")):
        rule.set(qn(key), value)
    return rule


TEXT_WIDTH = Cm(21.0 - 2.8 - 2.6)  # the type area's width, between new_document's margins
LEFT_MARGIN = Cm(2.8)
THICK, THIN = 8, 4  # eighths of a point: the 版记's outer rules 0.35 mm, the rules between its lines 0.25 mm


def distribution(document, lines: list[str], printed_by: str, printed_on: str) -> None:
    """The 版记: who the bulletin is reported, sent and issued to, then the issuer and the
    printing date, between rules, at the FOOT of the last page (GB/T 9704 §9), not straight
    after the text. It is a one-column table positioned on its page (w:tblpPr, anchored to the
    margin, at the bottom), which Word and LibreOffice both place at the foot of the type area
    of the page holding its anchor, the document's last paragraph; the text flows around it,
    so a text reaching that far pushes anchor and block onto a new page together."""
    block = [*lines, f"{printed_by}\t{printed_on}印发"]
    table = document.add_table(rows=len(block), cols=1)
    properties = table._tbl.tblPr
    position = OxmlElement("w:tblpPr")
    for key, value in (
        ("w:leftFromText", "0"),
        ("w:rightFromText", "0"),
        ("w:topFromText", "0"),
        ("w:bottomFromText", "0"),
        ("w:vertAnchor", "margin"),
        # Across from the page's edge, at the left margin: LibreOffice (before 7.6) floats only a
        # table narrower than the space it is measured in, and the type area is exactly as wide.
        ("w:horzAnchor", "page"),
        ("w:tblpX", str(int(LEFT_MARGIN.twips))),
        ("w:tblpYSpec", "bottom"),
    ):
        position.set(qn(key), value)
    overlap = OxmlElement("w:tblOverlap")
    overlap.set(qn("w:val"), "never")
    style = properties.find(qn("w:tblStyle"))
    at = 0 if style is None else list(properties).index(style) + 1
    properties.insert(at, position)
    properties.insert(at + 1, overlap)
    table.autofit = False
    width = OxmlElement("w:tblW")
    width.set(qn("w:w"), str(int(TEXT_WIDTH.twips)))
    width.set(qn("w:type"), "dxa")
    old = properties.find(qn("w:tblW"))
    if old is not None:
        properties.remove(old)
    properties.append(width)
    margins = OxmlElement("w:tblCellMar")
    for edge in ("left", "right"):
        margin = OxmlElement(f"w:{edge}")
        margin.set(qn("w:w"), "0")
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    properties.append(margins)
    for number, (row, text) in enumerate(zip(table.rows, block, strict=True)):
        cell = row.cells[0]
        cell.width = TEXT_WIDTH
        borders = OxmlElement("w:tcBorders")
        if number == 0:
            borders.append(_rule("top", THICK))
        borders.append(_rule("bottom", THICK if number == len(block) - 1 else THIN))
        cell._tc.get_or_add_tcPr().append(borders)
        paragraph = cell.paragraphs[0]
        _spacing(paragraph, 22)
        # One character in from each side, the date flush with the right-hand indent.
        paragraph.paragraph_format.left_indent = paragraph.paragraph_format.right_indent = Pt(14)
        paragraph.paragraph_format.tab_stops.add_tab_stop(TEXT_WIDTH - Pt(14), WD_TAB_ALIGNMENT.RIGHT)
        set_font(paragraph.add_run(text), BODY_FONT, 14)
    # The anchor: a floating table belongs to the paragraph after it, and a document ends with
    # a paragraph. Kept one point high, so it never needs a page of its own.
    anchor = document.add_paragraph()
    _spacing(anchor, 1)
    set_font(anchor.add_run(""), BODY_FONT, 1)


def red_rule(document) -> None:
    """The red line under a bulletin's masthead."""
    paragraph = document.add_paragraph()
    _spacing(paragraph, 12)
    border = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "18"), ("w:space", "1"), ("w:color", "C00000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    border.append(borders)


def to_bytes(document) -> bytes:
    out = BytesIO()
    document.save(out)
    return out.getvalue()
