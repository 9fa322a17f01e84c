"""Word files in the layout of Chinese official documents (GB/T 9704 in spirit): title in
方正小标宋简体 二号, body in 仿宋_GB2312 三号 with a two-character first-line indent and 28-point
lines, headings in 黑体. Fonts are set for East Asian text too (w:eastAsia), or Word falls back
to a Latin font's Chinese substitute."""

from __future__ import annotations

from io import BytesIO

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
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


def centered(document, text: str, font: str, size: float, *, color=None, bold=False, points: float = 28):
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _spacing(paragraph, points)
    set_font(paragraph.add_run(text), font, size, bold=bold, color=color)
    return paragraph


def title(document, text: str) -> None:
    centered(document, text, TITLE_FONT, 22, points=36)
    document.add_paragraph()


def heading(document, text: str) -> None:
    paragraph = document.add_paragraph()
    _spacing(paragraph)
    paragraph.paragraph_format.first_line_indent = Pt(32)
    set_font(paragraph.add_run(text), HEADING_FONT, 16)


def body(document, text: str) -> None:
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        paragraph = document.add_paragraph()
        _spacing(paragraph)
        paragraph.paragraph_format.first_line_indent = Pt(32)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        set_font(paragraph.add_run(line), BODY_FONT, 16)


def red_rule(document) -> None:
    """The red line under a bulletin's masthead."""
    paragraph = document.add_paragraph()
    _spacing(paragraph, 12)
    border = paragraph._p.get_or_add_pPr()
    from docx.oxml import OxmlElement

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
