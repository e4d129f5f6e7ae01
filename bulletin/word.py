"""The DOCX renderer: the same issue, in named Word styles built from the same layout numbers."""

from __future__ import annotations

import datetime as dt
import functools
import importlib
import io
import json
import math
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast
from urllib.parse import unquote

import docx
from docx.document import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.styles import styleId_from_name as _untyped_style_id
from docx.oxml.xmlchemy import BaseOxmlElement as XmlElement
from docx.shape import InlineShape
from docx.shared import Length, Mm, Pt
from docx.styles import BabelFish
from docx.styles.style import StyleFactory
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph
from lxml import etree

from bulletin import compose
from bulletin import layout as L
from bulletin.i18n import _
from bulletin.markup import Span, plain
from bulletin.model import Article, Issue, Photo, PhotoRow, Prose, Role, Table
from bulletin.photos import asset
from bulletin.typeset import (
    Block,
    PhotoBlock,
    PhotoRowBlock,
    SetArticle,
    SetLine,
    TableBlock,
    Typesetter,
    masthead_size,
    set_issue,
)

TWIPS_PER_PT = 20
EIGHTHS_PER_PT = 8  # border widths
ALIGN = {"justify": "both", "center": "center", "left": "left", "right": "right"}
OUTLINE = {"title": 0, "h1": 1, "h2": 2, "h3": 3, "h4": 4}  # Word's navigation pane: articles, then headings
KEEP_WITH_NEXT = {"column", "kicker", "title", "subtitle", "byline", "dateline", "h1", "h2", "h3", "h4", "subhead",
                  "toc-heading", "photo"}
KEEP_LINES = {"column", "kicker", "title", "subtitle", "byline", "dateline", "h1", "h2", "h3",
              "h4", "subhead"}  # never split, as in the PDF
# Off the document grid: the masthead, the rule, the page numbers and pictures, and every size but the body's.
ZIP_DATES = (dt.date(1980, 1, 1), dt.date(2107, 12, 31))  # the dates a zip entry can carry (7 bits of year)
PROPERTY_MAX = 255  # characters in one of Word's document properties
PHOTO_LINE_SIZE_PT = 1.0  # the type size of the paragraph that holds a photo
OFF_GRID = {"name", "kind", "photo", "page-number", "red-rule"}
TABLE_TEXT = {"table", "table-head"}
EAST_ASIAN_PUNCTUATION = frozenset("“”‘’—…·")  # must stay in the CJK font, not the Latin one
STRONG = "Strong"
RUN_IN = "Run-in Heading {}"  # the character style of a run-in heading of a level, in that level's face
AUTOMATIC = "\u2028"  # ends a span of _broken: a line break the layout chose (after the space it took, if any)
# What Word looks for when an office face is missing: the faces Windows itself ships.
ALT_NAMES = {"仿宋_GB2312": "仿宋", "楷体_GB2312": "楷体", "方正小标宋简体": "宋体", "黑体": "SimHei", "宋体": "SimSun"}
# What the DOCX carries for its import (bulletin/wordback.py) beyond its visible text: the custom document
# property CARRIED marks it as ours; each article, and each photo, photo row and table with a value the page does
# not show, starts with a bookmark MARK (hidden: its name starts with _), and the property "CARRIED KEY" holds
# that element's values as JSON, cut into pieces of PROPERTY_MAX characters ("CARRIED KEY.2" …). A photo's file
# name is its picture's alt text (descr).
CARRIED = "Bulletin"
CARRIED_FORMAT = "1"
MARK = "_Bulletin_{}"


# python-docx's private parts this module uses where its API stops short of the layout (the document grid,
# fields, the East Asian font slot, table grids and cell margins, the font table, style ids), verified with
# DOCX_VERIFIED. On any other version they are looked for once, on a document of its own, before a DOCX is
# written: a missing one stops the build with its name, not with an AttributeError deep inside.
DOCX_VERIFIED = ("1.2.0",)
PRIVATE_PARTS = (
    "docx.oxml.styles.styleId_from_name", "docx.oxml.xmlchemy.BaseOxmlElement", "docx.styles.BabelFish",
    "docx.styles.style.StyleFactory", "Section._sectPr", "Paragraph._p.get_or_add_pPr", "Run._r.get_or_add_rPr",
    "Table._tbl.tblPr", "Table._tbl.tblGrid", "Table._tbl.tr_lst", "Cell._tc.get_or_add_tcPr", "InlineShape._inline",
    "Part._blob", "Styles.element.add_style_of_type",
)


class DocxUnsupported(Exception):
    """The installed python-docx lacks a private part the DOCX writer uses."""


@functools.cache
def check_python_docx() -> None:
    """Raise DocxUnsupported, naming what is missing, when an unverified python-docx lacks a PRIVATE_PART."""
    version = docx.__version__
    if version in DOCX_VERIFIED or not (missing := _missing_private_parts()):
        return
    raise DocxUnsupported(_("python-docx {version} is installed and lacks {missing}, which the DOCX writer uses: "
                            "install python-docx {verified}").format(
                                version=version, missing=", ".join(missing), verified=" / ".join(DOCX_VERIFIED)))


def _missing_private_parts() -> list[str]:
    """The PRIVATE_PARTS this python-docx lacks, looked for on a document of its own."""
    document = docx.Document()
    paragraph = document.add_paragraph()
    table = document.add_table(1, 1)
    owners: dict[str, Any] = {
        "Section": document.sections[0], "Paragraph": paragraph, "Run": paragraph.add_run(), "Table": table,
        "Cell": table.cell(0, 0), "InlineShape": InlineShape(OxmlElement("wp:inline")), "Styles": document.styles,
        "Part": next(rel.target_part for rel in document.part.rels.values() if rel.reltype.endswith("/fontTable"))}
    missing = []
    for part in PRIVATE_PARTS:
        owner, *path = part.split(".")
        try:
            found = owners[owner] if owner in owners else importlib.import_module(".".join([owner, *path[:-1]]))
            for name in path if owner in owners else path[-1:]:
                found = getattr(found, name)
        except (AttributeError, ImportError):
            missing.append(part)
    return missing


def render_docx(issue: Issue, assets: Path, context: dict[str, object] | None = None) -> bytes:
    """The issue as DOCX bytes, its lines broken as the PDF's (`context`: the issue as set_issue set it, when
    the caller has it already); the same issue gives the same bytes."""
    check_python_docx()
    document = docx.Document()
    _setup_styles(document, issue)
    _setup_section(document)
    _add_masthead(document, issue)
    context = context or set_issue(issue, Typesetter(issue, assets))
    marks = _Marks({"issue": _issue_values(issue)})
    if issue.shows_toc:
        _add_toc(document, issue, cast(list[Block], context["toc"]))
    articles = cast(list[SetArticle], context["articles"])
    for index, (article, column, composed) in enumerate(zip(issue.articles, compose.column_heads(issue), articles,
                                                             strict=True)):
        start = _end(document)
        _add_article(document, article, composed, assets, before=L.ARTICLE_SPACE_LINES[min(index, 1)], column=column,
                     marks=marks)
        marks.mark(document.element.body[start + bool(column)], "A", _article_values(article), always=True)
    _add_colophon(document, issue)
    _set_properties(document, issue)
    _carry(document, marks.values)
    _declare_fonts(document, issue)
    _drop_template_leftovers(document)
    return _deterministic(document, issue.date)


# Fonts and styles


def office_font(issue: Issue, role: str) -> str:
    """The face a role names in Word: the office's first configured font, else the usual one."""
    configured: list[str] = issue.fonts.get(cast(Role, role), [])
    return configured[0] if configured else L.OFFICE_FACES[role]


def _fonts(element: XmlElement, name: str) -> None:
    """All four font slots, so that neither the theme nor a Latin default decides."""
    fonts = _child(element, "w:rFonts")
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(slot), name)


def _setup_styles(document: Document, issue: Issue) -> None:
    styles = document.styles
    for fonts in styles.element.iter(qn("w:rFonts")):  # the theme's fonts never decide
        for attribute in [a for a in fonts.attrib if a.endswith("Theme") or a.endswith("theme")]:
            del fonts.attrib[attribute]
    defaults = styles.element.find(qn("w:docDefaults"))
    run_defaults = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _fonts(run_defaults, office_font(issue, "fangsong"))
    _child(run_defaults, "w:sz").set(qn("w:val"), str(int(L.BODY_SIZE_PT * 2)))
    _child(run_defaults, "w:szCs").set(qn("w:val"), str(int(L.BODY_SIZE_PT * 2)))
    language = _child(run_defaults, "w:lang")
    for slot in ("w:val", "w:eastAsia"):
        language.set(qn(slot), "zh-CN")
    paragraph_defaults = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr"))
    _no_auto_space(paragraph_defaults)
    # Lines are kept together where the PDF keeps them (keepNext, keepLines) and nowhere else: LibreOffice
    # reads a missing w:widowControl as two lines kept at each end of every paragraph, which the PDF has not.
    _child(paragraph_defaults, "w:widowControl").set(qn("w:val"), "0")
    _spacing(paragraph_defaults, before=0, line=L.LINE_PITCH_TWIPS)
    # Normal carries the body size too: LibreOffice sizes the docGrid's character pitch from it.
    known = {style.name: style for style in styles}
    _paragraph_style(document, known, issue, "normal", L.Element("fangsong", L.BODY_SIZE_PT, "justify", "Normal"))
    for name, element in compose.elements(issue).items():
        _paragraph_style(document, known, issue, name, element)
    _style(document, known, L.AUTOMATIC_BREAK_STYLE, WD_STYLE_TYPE.CHARACTER)
    strong = _style(document, known, STRONG, WD_STYLE_TYPE.CHARACTER)
    run = _reset(strong.element, "w:rPr")
    _fonts(run, office_font(issue, "fangsong"))
    _child(run, "w:b")
    _child(run, "w:bCs")
    for level, style in compose.HEADING_STYLES.items():
        if level:
            _fonts(_reset(_style(document, known, RUN_IN.format(level), WD_STYLE_TYPE.CHARACTER).element, "w:rPr"),
                   office_font(issue, L.ELEMENTS[style].role))


def _style_id(name: str) -> str:
    """A style's id as Word and python-docx derive it from its name (Body Text: BodyText)."""
    return cast(str, _untyped_style_id(name))  # type: ignore[no-untyped-call]


def _paragraph_style(document: Document, known: dict[str, Any], issue: Issue, name: str,
                     element: L.Element) -> None:
    style = _style(document, known, element.style, WD_STYLE_TYPE.PARAGRAPH)
    if style.style_id != _style_id(element.style):  # what _paragraph refers to it by
        raise RuntimeError(f"style {element.style!r} has the id {style.style_id!r} in the template")
    if element.style not in ("Normal",):
        style.base_style = known["Normal"]
    size = masthead_size(issue.name) if name == "name" else element.size
    if name == "photo":  # a picture's line as tall as the picture: a 16-pt line would stand taller than a flat one
        size = PHOTO_LINE_SIZE_PT
    run = _reset(style.element, "w:rPr")
    _fonts(run, office_font(issue, element.role))
    for tag in ("w:sz", "w:szCs"):
        _child(run, tag).set(qn("w:val"), str(round(size * 2)))
    if element.red:
        _child(run, "w:color").set(qn("w:val"), L.red_rgb_hex())
    if name == "kind":
        _child(run, "w:spacing").set(qn("w:val"), str(round(L.KIND_TRACKING_EM * size * TWIPS_PER_PT)))  # 专 刊
    on_grid = name not in OFF_GRID and size == L.BODY_SIZE_PT
    if on_grid:
        _child(run, "w:spacing").set(qn("w:val"), str(-round(L.DOCX_CONDENSE_PT * TWIPS_PER_PT)))
    paragraph = _reset(style.element, "w:pPr")
    if name in KEEP_WITH_NEXT:
        _child(paragraph, "w:keepNext")
    if name in KEEP_LINES:
        _child(paragraph, "w:keepLines")
    _no_auto_space(paragraph)
    # Not snapped to the character grid (LibreOffice gives a 16-pt character two 15.8-pt cells): set
    # DOCX_CONDENSE_PT tight instead, 28 characters fill the line in Word, WPS and LibreOffice alike.
    _child(paragraph, "w:snapToGrid").set(qn("w:val"), "0")
    line = None if name in OFF_GRID else L.LINE_PITCH_TWIPS
    if name in TABLE_TEXT:  # a table's lines, as the PDF sets them
        line = round(L.TABLE_LINE_HEIGHT * element.size * TWIPS_PER_PT)
    _spacing(paragraph, before=0, line=line)
    if element.indent:
        indent = _child(paragraph, "w:ind")
        indent.set(qn("w:firstLineChars"), str(round(element.indent * 100)))
        indent.set(qn("w:firstLine"), str(round(element.indent * element.size * TWIPS_PER_PT)))
    _child(paragraph, "w:jc").set(qn("w:val"), ALIGN[element.align])
    if name in OUTLINE:
        _child(paragraph, "w:outlineLvl").set(qn("w:val"), str(OUTLINE[name]))


def _no_auto_space(paragraph: XmlElement) -> None:
    """As the PDF sets it: no space put in between Chinese and Latin letters or digits (Word and WPS add a
    quarter em there unless told not to: "2018 年第 11 期"), and no punctuation hanging past the right edge of
    the type area. (LibreOffice reads neither: its DOCX import skips w:autoSpaceDE and w:autoSpaceDN, and
    takes w:overflowPunct the other way round, so that it lets a closing mark hang whatever is written.)"""
    for tag in ("w:overflowPunct", "w:autoSpaceDE", "w:autoSpaceDN"):
        _child(paragraph, tag).set(qn("w:val"), "0")


def _style(document: Document, known: dict[str, Any], name: str, kind: WD_STYLE_TYPE) -> Any:
    """A style by its name: Word's built-in one where the template has it, else a new one. `known` holds
    the document's styles by name (python-docx finds one by scanning all 160 of the template's)."""
    if name not in known:
        element = document.styles.element.add_style_of_type(BabelFish.ui2internal(name), kind, False)
        known[name] = StyleFactory(element)
        known[name].quick_style = True
    return known[name]


def _reset(parent: XmlElement, tag: str) -> XmlElement:
    """An empty property element (pPr, rPr) in place of the template's."""
    old = parent.find(qn(tag))
    if old is not None:
        parent.remove(old)
    new = OxmlElement(tag)
    if tag == "w:pPr":
        anchor = parent.find(qn("w:rPr"))
        if anchor is not None:
            anchor.addprevious(new)
            return new
    parent.append(new)
    return new


def _child(parent: XmlElement, tag: str) -> XmlElement:
    """The child element `tag`, made if missing (in the order the schema wants for those we use)."""
    found = parent.find(qn(tag))
    if found is None:
        found = OxmlElement(tag)
        order = PROPERTY_ORDER.get(parent.tag, [])
        later = order[order.index(tag) + 1 :] if tag in order else []
        successor = next((c for c in parent if c.tag in {qn(t) for t in later}), None)
        if successor is not None:
            successor.addprevious(found)
        else:
            parent.append(found)
    return cast(XmlElement, found)


PROPERTY_ORDER = {
    qn("w:tblPr"): ["w:tblStyle", "w:tblpPr", "w:tblOverlap", "w:bidiVisual", "w:tblStyleRowBandSize",
                    "w:tblStyleColBandSize", "w:tblW", "w:jc", "w:tblCellSpacing", "w:tblInd", "w:tblBorders",
                    "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription"],
    qn("w:pPr"): ["w:pStyle", "w:keepNext", "w:keepLines", "w:pageBreakBefore", "w:framePr", "w:widowControl",
                  "w:pBdr", "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap",
                  "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi",
                  "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing",
                  "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
                  "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr",
                  "w:pPrChange"],
    qn("w:rPr"): ["w:rStyle", "w:rFonts", "w:b", "w:bCs", "w:i", "w:iCs", "w:caps", "w:smallCaps", "w:strike",
                  "w:dstrike", "w:outline", "w:shadow", "w:emboss", "w:imprint", "w:noProof", "w:snapToGrid",
                  "w:vanish", "w:webHidden", "w:color", "w:spacing", "w:w", "w:kern", "w:position", "w:sz",
                  "w:szCs", "w:highlight", "w:u", "w:effect", "w:bdr", "w:shd", "w:fitText", "w:vertAlign",
                  "w:rtl", "w:cs", "w:em", "w:lang", "w:eastAsianLayout", "w:specVanish", "w:oMath"],
}


def _spacing(paragraph: XmlElement, *, before: int, line: int | None) -> None:
    spacing = _child(paragraph, "w:spacing")
    spacing.set(qn("w:before"), str(before))
    spacing.set(qn("w:after"), "0")
    if line is None:
        spacing.set(qn("w:line"), "240")
        spacing.set(qn("w:lineRule"), "auto")
    else:
        spacing.set(qn("w:line"), str(line))
        spacing.set(qn("w:lineRule"), "exact")


# Page set-up


def _setup_section(document: Document) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = Mm(L.PAGE_WIDTH_MM), Mm(L.PAGE_HEIGHT_MM)
    section.top_margin, section.bottom_margin = Mm(L.MARGIN_TOP_MM), Mm(L.MARGIN_BOTTOM_MM)
    section.left_margin, section.right_margin = Mm(L.MARGIN_LEFT_MM), Mm(L.MARGIN_RIGHT_MM)
    section.header_distance = Mm(L.DOCX_HEADER_DISTANCE_MM)
    footer = L.ELEMENTS["page-number"]
    section.footer_distance = Mm(L.MARGIN_BOTTOM_MM - L.PAGE_NUMBER_GAP_MM) - Pt(footer.size)
    grid = _child(section._sectPr, "w:docGrid")
    grid.set(qn("w:type"), "linesAndChars")
    grid.set(qn("w:linePitch"), str(L.LINE_PITCH_TWIPS))
    # The character pitch: the default size plus charSpace/4096 pt, so that 28 fill the type area.
    grid.set(qn("w:charSpace"), str(round((L.type_width_pt() / L.CHARS_PER_LINE - L.BODY_SIZE_PT) * 4096)))
    document.settings.odd_and_even_pages_header_footer = True
    _page_number(section.footer.paragraphs[0], "right")
    _page_number(section.even_page_footer.paragraphs[0], "left")


def _page_number(paragraph: Paragraph, side: str) -> None:
    """— N — with a PAGE field, one character in from the outer edge."""
    element = L.ELEMENTS["page-number"]
    paragraph.style = element.style
    properties = paragraph._p.get_or_add_pPr()
    _child(properties, "w:jc").set(qn("w:val"), side)
    indent = _child(properties, "w:ind")
    indent.set(qn(f"w:{side}"), str(round(element.size * TWIPS_PER_PT)))
    paragraph.add_run(compose.PAGE_NUMBER[0])
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), " PAGE ")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)
    paragraph.add_run(compose.PAGE_NUMBER[1])


# Content


def _paragraph(container: Any, style: str, spans: tuple[Span, ...] = (), *, before_lines: int = 0) -> Paragraph:
    """A paragraph of an element's style in a document or a cell, its bold spans in the Strong style."""
    paragraph: Paragraph = container.add_paragraph()
    if (name := L.ELEMENTS[style].style) != "Normal":  # the default style goes unnamed, as Word writes it
        paragraph._p.get_or_add_pPr().style = _style_id(name)  # python-docx looks it up by a scan
    _add_spans(paragraph, spans)
    if before_lines:
        _spacing(paragraph._p.get_or_add_pPr(), before=before_lines * L.LINE_PITCH_TWIPS, line=L.LINE_PITCH_TWIPS)
    return paragraph


def _add_spans(paragraph: Paragraph, spans: tuple[Span, ...]) -> list[Any]:
    """Runs for spans: bold ones in the Strong style, run-in headings in their level's, an AUTOMATIC break in
    its own; quotes, dashes and ellipses kept in the CJK font."""
    runs = []
    for span in spans:
        if span.text.endswith(AUTOMATIC):  # the space the break took stays in the text, as the import reads it
            runs.append(paragraph.add_run(span.text[: -len(AUTOMATIC)] + "\n", style=L.AUTOMATIC_BREAK_STYLE))
            continue
        style = STRONG if span.bold else RUN_IN.format(span.head) if span.head else None
        run = paragraph.add_run(span.text, style=style)
        if EAST_ASIAN_PUNCTUATION.intersection(span.text):
            _child(run._r.get_or_add_rPr(), "w:rFonts").set(qn("w:hint"), "eastAsia")
        runs.append(run)
    return runs


def _set_paragraph(document: Document, style: str, spans: tuple[Span, ...], block: Block) -> Paragraph:
    """A paragraph of text, each line that the PDF squeezes to push a character in set as tight again (Word
    and LibreOffice squeeze no line: left to DOCX_CONDENSE_PT alone, they would push the character out and
    the paragraph could take a line more than in the PDF)."""
    paragraph = _paragraph(document, style)
    _set_lines(paragraph, style, spans, block)
    return paragraph


def _set_lines(paragraph: Paragraph, style: str, spans: tuple[Span, ...], block: Block) -> None:
    """The runs of `spans` in `paragraph`; each line the PDF squeezes in runs of its own, set as tight."""
    squeezed = [line.spacing < block.spacing - 1e-6 for line in block.lines]
    if not any(squeezed):
        _add_spans(paragraph, spans)
        return
    element = L.ELEMENTS[style]
    condensed = L.DOCX_CONDENSE_PT if style not in OFF_GRID and element.size == L.BODY_SIZE_PT else 0.0
    ends = [line.start for line in block.lines[1:]] + [sum(len(span.text) for span in spans)]
    for line, end, tight in zip(block.lines, ends, squeezed, strict=True):
        runs = _add_spans(paragraph, _cut(spans, line.start, end))
        if tight:
            twips = -math.ceil((condensed + block.spacing - line.spacing) * TWIPS_PER_PT)
            for run in runs:
                _child(run._r.get_or_add_rPr(), "w:spacing").set(qn("w:val"), str(twips))


def _cut(spans: tuple[Span, ...], start: int, end: int) -> tuple[Span, ...]:
    """The spans' text from offset `start` to `end`, in its spans."""
    cut, offset = [], 0
    for span in spans:
        text = span.text[max(start - offset, 0) : max(end - offset, 0)]
        if text:
            cut.append(Span(text, span.bold, span.head))
        offset += len(span.text)
    return tuple(cut)


def _line_text(line: SetLine) -> str:
    return "".join(span.text for span in line.spans)


def _broken(block: Block, text: str) -> tuple[Span, ...]:
    """A block's text broken where the PDF breaks it (each line break a w:br): titles, subheads, captions under
    photos side by side, which Word would otherwise break at its own places. A break the layout chose is
    AUTOMATIC (its run in L.AUTOMATIC_BREAK_STYLE, with the space of `text` it took, if any), the editor's own a
    plain one, as Shift+Enter writes it."""
    return _with_breaks(text, [_line_text(line) for line in block.lines], [line.forced for line in block.lines])


def _with_breaks(text: str, lines: list[str], forced: list[bool]) -> tuple[Span, ...]:
    """`lines`, the lines `text` was broken into, as spans with a break between each two (see _broken)."""
    spans: list[Span] = []
    cursor = 0
    for i, line in enumerate(lines):
        found = text.find(line, cursor) if line else -1
        if i:
            gap = text[cursor:found] if found >= 0 and not text[cursor:found].strip() else ""
            spans.append(Span("\n" if forced[i - 1] else gap + AUTOMATIC))
        spans.append(Span(line))
        cursor = found + len(line) if found >= 0 else cursor
    return tuple(spans)


def _text(text: str) -> tuple[Span, ...]:
    return (Span(text),)


def _add_masthead(document: Document, issue: Issue) -> None:
    if issue.notice:
        _paragraph(document, "notice", _text(issue.notice))
    _paragraph(document, "name", _text(issue.name))
    if issue.kind != "正刊":
        _paragraph(document, "kind", _text(issue.kind))
    _paragraph(document, "number", _text(issue.issue_line))
    if correction := compose.correction_line(issue):
        _paragraph(document, "correction", _text(correction))
    rows = len(issue.issuers)
    longest = max(len(issuer) for issuer in issue.issuers) * L.BODY_SIZE_PT
    beside = L.COMPILED_BY_WIDTH_CHARS * L.BODY_SIZE_PT
    widths = [Pt(longest), Pt(beside), Pt(L.type_width_pt() - longest - beside)]
    table = _table(document, rows, widths, borders=False)
    for row, issuer in enumerate(issue.issuers):
        cell = table.cell(row, 0)
        _fill(cell, "issuer", _text(issuer)).paragraph_format.alignment = 4  # distribute: same width
    compiled = table.cell(0, 1).merge(table.cell(rows - 1, 1)) if rows > 1 else table.cell(0, 1)
    _fill(compiled, "issuer", _text(issue.compiled_by or ""))
    _valign(compiled, "center")
    date = table.cell(rows - 1, 2)
    _fill(date, "issuer", _text(issue.date_text)).paragraph_format.alignment = 2
    _valign(date, "bottom")
    rule = _paragraph(document, "red-rule")
    properties = rule._p.get_or_add_pPr()
    _spacing(properties, before=0, line=round(L.MASTHEAD_RULE_GAP_MM * L.PT_PER_MM * TWIPS_PER_PT))
    properties.find(qn("w:spacing")).set(qn("w:lineRule"), "exact")
    _border(_child(properties, "w:pBdr"), "w:bottom", L.MASTHEAD_RULE_PT, L.red_rgb_hex())


def _add_toc(document: Document, issue: Issue, blocks: list[Block]) -> None:
    _paragraph(document, "toc-heading", _text(compose.TOC_HEADING), before_lines=1)
    element = L.ELEMENTS["toc-item"]
    for entry, block in zip(compose.toc_entries(issue), blocks, strict=True):
        if entry.column:  # a column's heading: flush left, no mark
            _set_lines(_paragraph(document, "toc-item"), "toc-item", _text(entry.text), block)
            continue
        paragraph = _paragraph(document, "toc-item", _text(f"{compose.TOC_MARK}\t"))
        _set_lines(paragraph, "toc-item", _text(entry.text), block)
        indent = _child(paragraph._p.get_or_add_pPr(), "w:ind")
        hang = str(round(L.INDENT_CHARS * element.size * TWIPS_PER_PT))
        for slot, value in (("w:leftChars", "200"), ("w:left", hang), ("w:hangingChars", "200"), ("w:hanging", hang)):
            indent.set(qn(slot), value)


def _add_article(document: Document, article: Article, composed: SetArticle, assets: Path, before: int,
                 column: str | None = None, marks: _Marks | None = None) -> None:
    """An article as set (under its column's heading where the column begins): its title broken where the
    PDF breaks it (between words, or where the editor did), its photos and tables sized as the PDF sizes them."""
    photos = iter([block for block in composed.blocks if isinstance(block, PhotoBlock)])
    rows = iter([block for block in composed.blocks if isinstance(block, PhotoRowBlock)])
    tables = iter([block for block in composed.blocks if isinstance(block, TableBlock)])
    paragraphs = iter([block for block in composed.blocks if isinstance(block, Block)])
    title = _broken(composed.title, article.title or "") if composed.title else None
    heads = [("column", column), ("kicker", article.kicker), ("title", title),
             ("subtitle", compose.subtitle_line(article)),
             ("byline", article.byline), ("dateline", article.dateline)]
    for style, text in heads:
        if text:
            _paragraph(document, style, _text(text) if isinstance(text, str) else text, before_lines=before)
            before = 0
    if article.note:
        _paragraph(document, "note", compose.note_spans(article))
    previous: object = None
    for block in article.body:
        if isinstance(block, Prose):
            for parsed in block.paragraphs:
                style, set_block = compose.paragraph_style(parsed), next(paragraphs)
                if style == compose.SUBHEAD:  # broken where the PDF breaks it, as a title is; at its level in
                    subhead = _paragraph(document, style, _broken(set_block, plain(parsed.spans)))  # Word's outline
                    _child(subhead._p.get_or_add_pPr(), "w:outlineLvl").set(qn("w:val"), str(parsed.level))
                else:
                    _set_paragraph(document, style, parsed.spans, set_block)
        elif isinstance(block, Photo):
            start = _end(document)
            _add_photo(document, block, next(photos), assets)
            if marks:
                marks.mark(document.element.body[start], "P", {"width": block.width} if block.width != 1 else {})
        elif isinstance(block, PhotoRow):
            if isinstance(previous, PhotoRow) and not (previous.caption or previous.credit):
                _paragraph(document, "photo")  # a line of a point between them: Word and LibreOffice join tables
            start = _end(document)
            _add_photo_row(document, block, next(rows), assets)
            if marks:
                marks.mark(document.element.body[start], "R", {"width": block.width} if block.width != 1 else {})
        elif isinstance(block, Table):
            if not isinstance(previous, Table):
                _table_space(document, keep=True)
            _add_table(document, block, next(tables))
            if marks:
                widths = {"widths": block.widths} if block.widths else {}
                marks.mark(document.element.body[_end(document) - 1], "T", widths)
            _table_space(document)  # also what keeps two tables apart: Word and LibreOffice join adjacent ones
        previous = block
    for line in compose.reprint_lines(article):
        _paragraph(document, "source", _text(line))


def _add_photo(document: Document, photo: Photo, placed: PhotoBlock, assets: Path) -> None:
    """The photo as the PDF prints it: the same size, the same pixels (upright, at most PHOTO_DPI), its
    caption's paragraphs and its credit under it."""
    _picture(document, placed, assets, photo.photo)
    _captions(document, photo.caption, placed.captions, keep=bool(photo.credit))
    if photo.credit:
        _paragraph(document, "credit", _text(photo.credit))


def _add_photo_row(document: Document, row: PhotoRow, placed: PhotoRowBlock, assets: Path) -> None:
    """Photos side by side as the PDF sets them: a table without rules of one row, a photo and its caption a
    cell (the gap a right margin of every cell but the last), centred; the row's caption and credit under it."""
    gap = round(placed.gap_mm * L.PT_PER_MM * TWIPS_PER_PT)
    last = len(placed.photos) - 1
    widths = [Length(Mm(cell.cell_mm) + (gap * 635 if i < last else 0)) for i, cell in enumerate(placed.photos)]
    table = _table(document, 1, widths, borders=False)
    # Centred by its indent: LibreOffice centres a table (w:jc) as if its cells had the style's margins.
    indent = _child(table._tbl.tblPr, "w:tblInd")
    indent.set(qn("w:w"), str(round((L.type_width_pt() - Mm(placed.width_mm).pt) / 2 * TWIPS_PER_PT)))
    indent.set(qn("w:type"), "dxa")
    rows, cells = _grid(table)
    _child(rows[0].get_or_add_trPr(), "w:cantSplit")
    after = bool(row.caption or row.credit)
    for i, (cell, photo, set_photo) in enumerate(zip(cells[0], row.photos, placed.photos, strict=True)):
        margins = _child(cell._tc.get_or_add_tcPr(), "w:tcMar")  # LibreOffice takes the style's unless told
        for side, width in (("w:left", 0), ("w:right", gap if i < last else 0)):
            margin = _child(margins, side)
            margin.set(qn("w:w"), str(width))
            margin.set(qn("w:type"), "dxa")
        _picture(cell, set_photo, assets, photo.photo, first=cell.paragraphs[0])
        _captions(cell, photo.caption, set_photo.captions, keep=after, lines=True)
    _captions(document, row.caption, placed.captions, keep=bool(row.credit))
    if row.credit:
        _paragraph(document, "credit", _text(row.credit))


def _picture(container: Any, placed: PhotoBlock, assets: Path, name: Path, first: Paragraph | None = None) -> None:
    """A photo's paragraph (in a document or a cell, or `first`, a cell's own): the picture at its size, its
    frame of whole lines filled out below it, the photo's file `name` its alt text."""
    data = asset(assets, unquote(placed.src.removeprefix("asset:")))
    paragraph = first or _paragraph(container, "photo")
    if first is not None:
        first._p.get_or_add_pPr().style = _style_id(L.ELEMENTS["photo"].style)
    # Never wider than the type area (or its cell) as Word rounds it (whole twips): LibreOffice pushes a picture
    # that is wider than its line by a hair off to the right, and widens a cell for it.
    room = L.type_width_pt() if first is None else Mm(placed.cell_mm).pt
    scale = min(1.0, (round(room * TWIPS_PER_PT) - 1) * 635 / Mm(placed.width_mm))
    picture = paragraph.add_run().add_picture(io.BytesIO(data), width=Length(round(Mm(placed.width_mm) * scale)),
                                              height=Length(round(Mm(placed.height_mm) * scale)))
    for side in ("distT", "distB", "distL", "distR"):  # no space around it: LibreOffice would add 3.2 mm a side
        picture._inline.set(side, "0")
    picture._inline.docPr.set("descr", name.as_posix())
    # Its frame of whole lines filled out below it, so that what follows stays on the grid as in the PDF (which
    # centres the photo in the frame: Word and LibreOffice drop space before a paragraph at the top of a page).
    spare = math.floor((placed.frame_pt - Mm(placed.height_mm * scale).pt) * TWIPS_PER_PT)
    properties = paragraph._p.get_or_add_pPr()
    _spacing(properties, before=0, line=None)
    properties.find(qn("w:spacing")).set(qn("w:after"), str(max(0, spare)))


def _captions(container: Any, caption: str | None, blocks: list[Block], *, keep: bool, lines: bool = False) -> None:
    """A caption's paragraphs, aligned as the PDF sets them (several lines: justified), each kept with what
    follows but the last unless `keep`; with `lines`, broken where the PDF breaks them (a narrow cell)."""
    paragraphs = compose.caption_paragraphs(caption)
    for i, (text, block) in enumerate(zip(paragraphs, blocks, strict=True)):
        spans = _broken(block, text) if lines else _text(text)
        properties = _paragraph(container, block.style, spans)._p.get_or_add_pPr()
        if block.align:
            _child(properties, "w:jc").set(qn("w:val"), ALIGN[block.align])
        if keep or i < len(paragraphs) - 1:
            _child(properties, "w:keepNext")


def _add_table(document: Document, block: Table, composed: TableBlock) -> None:
    """A table as the PDF sets it: the same column widths, each cell's text broken into the same lines (so
    that rows are as tall and pages end alike), cells centred both ways, the header repeated on each page,
    no row split, and never one row alone on either side of a page break."""
    if block.caption:
        _child(_paragraph(document, "table-head", _text(block.caption))._p.get_or_add_pPr(), "w:keepNext")
    widths = [Pt(L.type_width_pt() * share / 100) for share in composed.widths]
    table = _table(document, len(block.table), widths, borders=True)
    first = len(composed.head)
    kept = {*range(first), *([first] if composed.keep_first else []),  # rows kept with the row after them
            *([len(block.table) - 2] if composed.keep_last else [])}
    set_rows = [*composed.head, *composed.rows]  # each cell's text in the lines the PDF breaks it into
    tall = [False] * first + composed.tall
    rows, cells = _grid(table)
    for r, row in enumerate(set_rows):
        style = "table-head" if block.header and r == 0 else "table"
        properties = rows[r].get_or_add_trPr()
        if not tall[r]:
            _child(properties, "w:cantSplit")
        if block.header and r == 0:
            _child(properties, "w:tblHeader")
        for c, text in enumerate(row):
            cell = cells[r][c]
            lines = text.split("\n")  # a break the layout chose, as in a title: the import joins them again
            paragraph = _fill(cell, style, _with_breaks(block.table[r][c], lines, [False] * len(lines)))
            _valign(cell, "center")
            if r in kept and r < len(block.table) - 1:
                _child(paragraph._p.get_or_add_pPr(), "w:keepNext")


def _table_space(document: Document, *, keep: bool = False) -> None:
    """The half line the PDF leaves above and below a table (one between two tables), as an empty paragraph;
    the one above kept with the table (so that what is kept with the table stays with it). The space is the
    paragraph's space before, its line a twip: at the top of a page Word and LibreOffice drop it, as the PDF
    drops a table's margin there."""
    properties = _paragraph(document, "table")._p.get_or_add_pPr()
    _spacing(properties, before=round(L.TABLE_MARGIN_LINES * L.LINE_PITCH_TWIPS) - 1, line=1)
    if keep:
        _child(properties, "w:keepNext")


def _add_colophon(document: Document, issue: Issue) -> None:
    """The colophon: a table floated to the bottom of the last page's type area (Word and WPS place it
    there; LibreOffice sets it inline after the text), its rules the table's borders. (A frame, w:framePr,
    would stand at the foot in LibreOffice no better, and there loses its rules.)"""
    composed = compose.colophon(issue)
    if not composed:
        return  # no colophon: not even its rules
    size = L.ELEMENTS["distribution"].size
    inset = round(L.COLOPHON_INDENT_CHARS * size * TWIPS_PER_PT)
    table = _table(document, 0, [Pt(L.type_width_pt())], borders=False)
    if composed.distribution:
        cell = _new_row(table)
        for label, text in composed.distribution:
            paragraph = _paragraph(cell, "distribution", _text(label + text))
            hang = round(len(label) * size * TWIPS_PER_PT)
            _indent(paragraph, left=inset + hang, right=inset, hanging=hang)
    if composed.contacts:
        cell = _new_row(table)
        for row in composed.contacts:
            _tabbed(cell, "contacts", row, inset)
    if composed.signoff:
        _tabbed(_new_row(table), "signoff", composed.signoff, inset)
    for cell in (row.cells[0] for row in table.rows):
        cell._tc.remove(cell.paragraphs[0]._p)  # the empty paragraph every new cell starts with
    properties = table._tbl.tblPr
    borders = _child(properties, "w:tblBorders")
    _border(borders, "w:top", L.COLOPHON_OUTER_RULE_MM * L.PT_PER_MM)
    _border(borders, "w:bottom", L.COLOPHON_OUTER_RULE_MM * L.PT_PER_MM)
    _border(borders, "w:insideH", L.COLOPHON_INNER_RULE_MM * L.PT_PER_MM)
    floating = _child(properties, "w:tblpPr")
    for attribute, value in (("w:vertAnchor", "margin"), ("w:horzAnchor", "margin"),
                             ("w:tblpXSpec", "center"), ("w:tblpYSpec", "bottom")):
        floating.set(qn(attribute), value)
    # A floating table belongs to the paragraph after it: an empty one that ends the document.
    anchor = _paragraph(document, "red-rule")
    _spacing(anchor._p.get_or_add_pPr(), before=0, line=TWIPS_PER_PT)


def _new_row(table: DocxTable) -> Any:
    return table.add_row().cells[0]  # type: ignore[no-untyped-call]


def _tabbed(container: object, style: str, cells: list[str], inset: int) -> Paragraph:
    """Cells on one line at tab stops spread across the type area: the first left, the last right."""
    paragraph = _paragraph(container, style, _text("\t".join(cells)))
    _indent(paragraph, left=inset, right=inset)
    width = round(L.type_width_pt() * TWIPS_PER_PT) - 2 * inset
    tabs = _child(paragraph._p.get_or_add_pPr(), "w:tabs")
    last = len(cells) - 1
    for i in range(1, len(cells)):
        tab = OxmlElement("w:tab")
        kind = "right" if i == last and style == "signoff" else "center" if style == "signoff" else "left"
        tab.set(qn("w:val"), kind)
        tab.set(qn("w:pos"), str(inset + round(width * i / (last if style == "signoff" else len(cells)))))
        tabs.append(tab)
    return paragraph


def _indent(paragraph: Paragraph, *, left: int, right: int, hanging: int = 0) -> None:
    indent = _child(paragraph._p.get_or_add_pPr(), "w:ind")
    indent.set(qn("w:left"), str(left))
    indent.set(qn("w:right"), str(right))
    if hanging:
        indent.set(qn("w:hanging"), str(hanging))


def _grid(table: DocxTable) -> tuple[list[Any], list[list[Any]]]:
    """A table's rows (w:tr) and their cells, looked up once: python-docx's table.cell() and row.cells walk
    the whole table at each call, which made a table's DOCX quadratic in its rows (2,000: minutes). For
    tables without merged cells."""
    from docx.table import _Cell

    rows = list(table._tbl.tr_lst)
    return rows, [[_Cell(tc, table) for tc in row.tc_lst] for row in rows]


def _table(document: Document, rows: int, widths: Sequence[Length], *, borders: bool) -> DocxTable:
    """A table with its grid widths written out (WPS reads w:gridCol)."""
    table: DocxTable = document.add_table(rows=rows, cols=len(widths))
    table.style = document.styles["Table Grid"] if borders else document.styles["Normal Table"]
    table.autofit = False
    grid = table._tbl.tblGrid
    for column, width in zip(grid.findall(qn("w:gridCol")), widths, strict=True):
        column.set(qn("w:w"), str(round(width / 635)))  # EMU to twips
    for row in _grid(table)[1]:
        for cell, width in zip(row, widths, strict=True):
            cell.width = width
    properties = table._tbl.tblPr
    _child(properties, "w:tblW").set(qn("w:w"), str(round(sum(widths) / 635)))
    properties.find(qn("w:tblW")).set(qn("w:type"), "dxa")
    # Layout tables: the text lines up with the type area's edges. Data tables: cells padded as in the PDF,
    # and indented by that padding, so that their rules (not their text) line up with the edges.
    vertical, horizontal = L.TABLE_PADDING_PT if borders else (0.0, 0.0)
    if borders:
        indent = _child(properties, "w:tblInd")
        indent.set(qn("w:w"), str(round(horizontal * TWIPS_PER_PT)))
        indent.set(qn("w:type"), "dxa")
    margins = _child(properties, "w:tblCellMar")
    for side, padding in (("w:top", vertical), ("w:left", horizontal), ("w:bottom", vertical), ("w:right", horizontal)):
        if borders or side in ("w:left", "w:right"):
            margin = _child(margins, side)
            margin.set(qn("w:w"), str(round(padding * TWIPS_PER_PT)))
            margin.set(qn("w:type"), "dxa")
    return table


def _fill(cell: Any, style: str, spans: tuple[Span, ...]) -> Paragraph:
    """Text into a cell's first paragraph."""
    paragraph: Paragraph = cell.paragraphs[0]
    paragraph.style = L.ELEMENTS[style].style
    _add_spans(paragraph, spans)
    return paragraph


def _valign(cell: object, where: str) -> None:
    _child(cell._tc.get_or_add_tcPr(), "w:vAlign").set(qn("w:val"), where)  # type: ignore[attr-defined]


def _border(parent: XmlElement, side: str, width_pt: float, colour: str = "000000") -> None:
    border = _child(parent, side)
    for attribute, value in (("w:val", "single"), ("w:sz", str(round(width_pt * EIGHTHS_PER_PT))),
                             ("w:space", "0"), ("w:color", colour)):
        border.set(qn(attribute), value)


# What the DOCX carries for its import


def _issue_values(issue: Issue) -> dict[str, Any]:
    """The issue's values the page does not show: toc as written (unset, or the default said out loud), and the
    colophon's groups as written where the page adds their final 。."""
    values: dict[str, Any] = {} if issue.toc is None else {"toc": issue.toc}
    bare = {label: text for label, text in issue.distribution.items() if not text.endswith("。")}
    return {**values, "distribution": bare} if bare else values


def _article_values(article: Article) -> dict[str, Any]:
    """An article's values the page does not show: its 目录 entry when not its title, and its column as written
    (the page prints it in 【】, and only over the first article of a run)."""
    return {key: value for key in ("column", "toc_title") if (value := getattr(article, key)) is not None}


@dataclass
class _Marks:
    """The values carried for the import, by element key (A1, P1, R1, T1 …), and the bookmarks that place them."""

    values: dict[str, dict[str, Any]]
    counts: dict[str, int] = field(default_factory=dict)

    def mark(self, element: XmlElement, kind: str, values: dict[str, Any], *, always: bool = False) -> None:
        """A bookmark MARK at the start of `element` (a paragraph, or a table's first), for its `values`."""
        if not (values or always):
            return
        self.counts[kind] = self.counts.get(kind, 0) + 1
        key = f"{kind}{self.counts[kind]}"
        if values:
            self.values[key] = values
        paragraph = element if element.tag == qn("w:p") else next(element.iter(qn("w:p")))
        start, end = OxmlElement("w:bookmarkStart"), OxmlElement("w:bookmarkEnd")
        number = str(sum(self.counts.values()))
        start.set(qn("w:id"), number)
        start.set(qn("w:name"), MARK.format(key))
        end.set(qn("w:id"), number)
        properties = paragraph.find(qn("w:pPr"))
        index = 0 if properties is None else list(paragraph).index(properties) + 1
        paragraph.insert(index, start)
        paragraph.insert(index + 1, end)


def _end(document: Document) -> int:
    """Where the next block goes in the document's body: before its section properties."""
    body = document.element.body
    return len(body) - (1 if len(body) and body[-1].tag == qn("w:sectPr") else 0)


def _carry(document: Document, values: dict[str, dict[str, Any]]) -> None:
    """The custom document properties: CARRIED, and each element's values as JSON in pieces that Word keeps."""
    properties = {CARRIED: CARRIED_FORMAT}
    for key, value in values.items():
        if value:
            text = json.dumps(value, ensure_ascii=False, sort_keys=True)
            for i in range(0, len(text), PROPERTY_MAX):
                properties[f"{CARRIED} {key}" + (f".{i // PROPERTY_MAX + 1}" if i else "")] = text[i : i + PROPERTY_MAX]
    root = etree.Element(f"{{{CUSTOM_NS}}}Properties", nsmap={None: CUSTOM_NS, "vt": VT_NS})
    for pid, (name, text) in enumerate(properties.items(), 2):  # Word numbers them from 2
        item = etree.SubElement(root, f"{{{CUSTOM_NS}}}property", fmtid=CUSTOM_FMTID, pid=str(pid), name=name)
        etree.SubElement(item, f"{{{VT_NS}}}lpwstr").text = text
    blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    part = Part(PackURI("/docProps/custom.xml"), CT.OFC_CUSTOM_PROPERTIES, blob, document.part.package)
    document.part.package.relate_to(part, RT.CUSTOM_PROPERTIES)


CUSTOM_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
CUSTOM_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"  # the format id of every user-defined property


# Metadata and bytes


def _set_properties(document: Document, issue: Issue) -> None:
    properties = document.core_properties
    moment = dt.datetime(issue.date.year, issue.date.month, issue.date.day, tzinfo=dt.UTC)
    # Word's document properties hold at most 255 characters each (python-docx refuses more).
    properties.title = f"{issue.name} {issue.issue_line}"[:PROPERTY_MAX]
    properties.subject = f"{issue.name} {issue.kind} {issue.issue_line} {issue.date_text}"[:PROPERTY_MAX]
    properties.author = "　".join(issue.issuers)[:PROPERTY_MAX]
    properties.keywords = f"{issue.name}, {issue.issue_line}, {issue.kind}"[:PROPERTY_MAX]
    properties.last_modified_by = "bulletin"
    properties.language = "zh-CN"
    properties.comments = ""
    properties.created = properties.modified = moment
    properties.last_printed = moment
    properties.revision = 1


def _declare_fonts(document: Document, issue: Issue) -> None:
    """The office faces in the font table, as Chinese (GB2312) fonts with the Windows faces to fall back on."""
    font_part = next(rel.target_part for rel in document.part.rels.values() if rel.reltype.endswith("/fontTable"))
    root = etree.fromstring(font_part.blob)
    for name in dict.fromkeys(office_font(issue, role) for role in L.OFFICE_FACES):
        font = etree.SubElement(root, qn("w:font"))
        font.set(qn("w:name"), name)
        if name in ALT_NAMES:
            etree.SubElement(font, qn("w:altName")).set(qn("w:val"), ALT_NAMES[name])
        etree.SubElement(font, qn("w:charset")).set(qn("w:val"), "86")
        etree.SubElement(font, qn("w:family")).set(qn("w:val"), "auto")
        etree.SubElement(font, qn("w:pitch")).set(qn("w:val"), "variable")
    font_part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _drop_template_leftovers(document: Document) -> None:
    """python-docx's template carries a thumbnail of another page and Word 2010's stylesWithEffects (whose
    styles still follow the theme's fonts): neither belongs in the issue."""
    for rels, kind in ((document.part.package.rels, "/thumbnail"), (document.part.rels, "/stylesWithEffects")):
        for rel_id in [rel_id for rel_id, rel in rels.items() if rel.reltype.endswith(kind)]:
            rels.pop(rel_id)


def _deterministic(document: Document, date: dt.date) -> bytes:
    """The saved package with every zip entry dated from the issue, so the bytes never change (an issue dated
    where a zip entry cannot be, before 1980 or after 2107, at the nearest end)."""
    date = min(max(date, ZIP_DATES[0]), ZIP_DATES[1])
    raw = io.BytesIO()
    document.save(raw)
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=(date.year, date.month, date.day, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()
