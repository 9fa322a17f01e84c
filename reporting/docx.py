"""Word files in the layout of Chinese official documents (GB/T 9704 in spirit): title in
方正小标宋简体 二号, body in 仿宋_GB2312 三号 with a two-character first-line indent and 28-point
lines, headings in 黑体. Fonts are set for East Asian text too (w:eastAsia), or Word falls back
to a Latin font's Chinese substitute."""

from __future__ import annotations

import re
from io import BytesIO

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
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
    one opening with （一） a second-level one (楷体), the rest body text (仿宋)."""
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
            _keep_with_next(paragraph)
            set_font(paragraph.add_run(line), SUBHEADING_FONT, 16, bold=True)
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


def distribution(document, lines: list[str], printed_by: str) -> None:
    """The 版记 at the end: who it is reported, sent and issued to, between rules, then the
    issuer and the printing date, kept together on one page (never split by a page break)."""
    _keep_with_next(document.add_paragraph())
    block = [*lines, printed_by]
    for number, text in enumerate(block):
        paragraph = document.add_paragraph()
        _spacing(paragraph)
        paragraph.paragraph_format.keep_together = True
        if number < len(block) - 1:
            paragraph.paragraph_format.keep_with_next = True
        set_font(paragraph.add_run(text), BODY_FONT, 14)
        borders = OxmlElement("w:pBdr")
        for edge in ("top", "bottom") if number == 0 else ("bottom",):
            rule = OxmlElement(f"w:{edge}")
            for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
                rule.set(qn(key), value)
            borders.append(rule)
        paragraph._p.get_or_add_pPr().append(borders)


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
