"""The audit stage: a bulletin's PDF, whoever made it, measured against the layout (bulletin audit).

Everything is read off the printed pages: the glyphs and their fonts (pdfplumber), and the ink on a
rendering of each page (pypdfium2), so that a PDF exported from Word or WPS is measured as ours is.
Positions are in points from the top left of the page unless a name says mm; a glyph's baseline is
measured, not its box, since faces of different ascents share a line.
"""

from __future__ import annotations

import functools
import re
import statistics
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from bulletin import layout as L
from bulletin.i18n import N_, _
from bulletin.linebreak import NO_END, NO_START

MM = L.PT_PER_MM
LEFT = L.MARGIN_LEFT_MM * MM
RIGHT = (L.MARGIN_LEFT_MM + L.TYPE_WIDTH_MM) * MM
TOP = L.MARGIN_TOP_MM * MM
BOTTOM = (L.MARGIN_TOP_MM + L.TYPE_HEIGHT_MM) * MM
INDENTED = LEFT + L.INDENT_CHARS * L.TYPE_WIDTH_MM / L.CHARS_PER_LINE * MM

EDGE = 0.5 * MM  # how far a glyph may stand from an edge of the type area and still be on it
SIZE = 0.2  # points: two sizes this close are one
PITCH_SLACK = 0.3  # points a baseline gap may differ from the line pitch
PAGE_NUMBER_SLACK = 1.5 * MM  # of the page number's place
COLOPHON_SLACK = 1.5 * MM  # of the colophon's last rule from the bottom of the type area
RULE_MIN_MM = 30.0  # a run of ink this long is a rule: longer than any stroke of a glyph
FULL_RULE_MM = 150.0  # a rule across the type area (156 mm, less what a renderer trims)
INK_DPI = 150  # the rendering the ink is measured on
INK = 0xBF  # a grey value darker than this is ink (the masthead red renders at about 0x80)
GRID_SHARE = 0.9  # of the full all-Chinese lines that must fill the 28 cells of the grid
BODY_FACE_LINES = 30  # lines of running text it takes to tell the body's face (an editor's note is 楷体)
PAGE_NUMBER = re.compile(r"^—(\d+)—$")
COLOPHON_WORDS = ("送：", "报：", "发：", "抄送：", "分送：", "签发", "印发", "共印")
# A line of a colophon: its groups (送：…) at the start, a sign-off (签发：…), 共印N份, or …印发 at the end; not
# the words in a text or a photo's credit (签发 摄).
COLOPHON_LINE = re.compile(r"^(?:抄送|分送|送|报|发)\s?[：:]|(?:签发|审核|编辑)\s?[：:]|共印\s?\d+\s?份|印发$")
SPLIT_MARKS = frozenset("—…")  # the two halves of —— and …… must share a line
LIST_MARKS = frozenset("※•·●○■□◆◇▲△★☆-")  # a line that starts with one begins an item of its own
HEAD_MARKS = LIST_MARKS | {"【"}  # and a column's heading (【工作动态】) begins one too, where it stands flush left


@dataclass(frozen=True)
class Glyph:
    """One character as printed."""

    page: int
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    baseline: float
    size: float
    font: str  # the font's name without a subset's prefix (ABCDEF+)
    colour: tuple[float, ...]

    @property
    def wide(self) -> bool:
        """Full width: Chinese and the full-width punctuation."""
        return all(unicodedata.east_asian_width(c) in ("W", "F") for c in self.text)


@dataclass(frozen=True)
class Line:
    """The glyphs that share a baseline on a page, left to right (spaces left out)."""

    page: int
    baseline: float
    glyphs: tuple[Glyph, ...]

    @property
    def text(self) -> str:
        return "".join(g.text for g in self.glyphs)

    @property
    def x0(self) -> float:
        return self.glyphs[0].x0

    @property
    def x1(self) -> float:
        return self.glyphs[-1].x1

    @cached_property
    def size(self) -> float:
        """The size most of its glyphs are set in."""
        return Counter(round(g.size, 1) for g in self.glyphs).most_common(1)[0][0]

    def sized(self, size: float) -> bool:
        return all(abs(g.size - size) <= SIZE for g in self.glyphs)

    @property
    def one_run(self) -> bool:
        """Set as one run of text: no gap of more than two ems between neighbours (not cells of a table row)."""
        return all(b.x0 - a.x1 <= 2 * max(a.size, b.size) for a, b in zip(self.glyphs, self.glyphs[1:], strict=False))

    def __str__(self) -> str:
        text = self.text if len(self.text) <= 40 else self.text[:18] + "…" + self.text[-18:]
        return _("baseline {baseline} mm, {left}–{right} mm «{text}»").format(
            baseline=f"{self.baseline / MM:.1f}", left=f"{self.x0 / MM:.1f}", right=f"{self.x1 / MM:.1f}", text=text)


@dataclass(frozen=True)
class Box:
    """An image, rule or other drawing, by its bounds."""

    kind: str
    x0: float
    x1: float
    top: float
    bottom: float
    colour: tuple[float, ...] = ()


@dataclass(frozen=True)
class Rule:
    """A horizontal rule as the ink shows it: top, bottom and length in mm, its left end in mm."""

    top_mm: float
    bottom_mm: float
    left_mm: float
    length_mm: float
    red: bool

    def __str__(self) -> str:
        message = _("red rule {top}–{bottom} mm, {length} mm long") if self.red else \
            _("rule {top}–{bottom} mm, {length} mm long")
        return message.format(top=f"{self.top_mm:.2f}", bottom=f"{self.bottom_mm:.2f}", length=f"{self.length_mm:.1f}")


@dataclass
class Page:
    """One page: its glyphs in the order they are drawn, its lines, drawings and ink."""

    number: int
    width: float
    height: float
    glyphs: list[Glyph]
    boxes: list[Box]
    ink: Any = None  # a greyscale rendering (PIL image), made on demand
    red_ink: Any = None

    @cached_property
    def lines(self) -> list[Line]:
        """Glyphs grouped by baseline, top to bottom."""
        ordered = sorted(self.glyphs, key=lambda g: (g.baseline, g.x0))
        groups: list[list[Glyph]] = []
        for glyph in ordered:
            if groups and glyph.baseline - groups[-1][0].baseline <= 3.0:
                groups[-1].append(glyph)
            else:
                groups.append([glyph])
        return [Line(self.number, g[0].baseline, tuple(sorted(g, key=lambda x: x.x0))) for g in groups]

    @cached_property
    def page_number(self) -> Line | None:
        """The line under the type area that reads «— N —»."""
        found = [line for line in self.lines if line.baseline > BOTTOM and PAGE_NUMBER.match(line.text)]
        return found[-1] if found else None

    @cached_property
    def rules(self) -> list[Rule]:
        """The horizontal rules of the page, top to bottom, measured on its ink: a renderer may draw a rule
        as a line, a filled rectangle or a frame clipped to one side, and only the ink tells them alike."""
        return _rules(self.ink, self.red_ink)


class Document:
    """A PDF's pages, as printed."""

    def __init__(self, pages: list[Page]) -> None:
        self.pages = pages

    @classmethod
    def read(cls, path: Path) -> Document:
        import pdfplumber
        import pypdfium2  # type: ignore[import-untyped]

        pages = []
        with pdfplumber.open(path) as pdf:
            for number, plumbed in enumerate(pdf.pages, start=1):
                pages.append(Page(number, float(plumbed.width), float(plumbed.height), _glyphs(plumbed, number),
                                  _boxes(plumbed)))
        rendering = pypdfium2.PdfDocument(path)
        try:
            for page, rendered in zip(pages, rendering, strict=True):
                image = rendered.render(scale=INK_DPI / 72).to_pil().convert("RGB")
                page.ink = image.convert("L")
                page.red_ink = _red_mask(image)
        finally:
            rendering.close()
        return cls(pages)

    @cached_property
    def masthead_bottom(self) -> float:
        """The foot of the masthead: its red rule on page 1 (0 when there is none)."""
        rules = self.pages[0].rules if self.pages else []
        red = [rule for rule in rules if rule.red and rule.length_mm >= FULL_RULE_MM]
        return red[0].bottom_mm * MM if red else 0.0

    def text_lines(self) -> Iterator[Line]:
        """Every line in the type area, page by page, without the masthead and the page numbers."""
        for page in self.pages:
            for line in page.lines:
                if page.number == 1 and line.baseline < self.masthead_bottom:
                    continue
                if line is page.page_number:
                    continue
                yield line


def _glyphs(page: Any, number: int) -> list[Glyph]:
    glyphs = []
    for char in page.chars:
        if not char["text"].strip():
            continue
        colour = char.get("non_stroking_color")
        glyphs.append(Glyph(
            number, char["text"], float(char["x0"]), float(char["x1"]), float(char["top"]), float(char["bottom"]),
            float(page.height - char["matrix"][5]), float(char["size"]), str(char["fontname"]).split("+", 1)[-1],
            tuple(float(v) for v in colour) if isinstance(colour, list | tuple) else ()))
    return glyphs


def _boxes(page: Any) -> list[Box]:
    boxes = [Box("image", float(i["x0"]), float(i["x1"]), float(i["top"]), float(i["bottom"])) for i in page.images]
    for kind in ("rect", "line", "curve"):
        for shape in getattr(page, f"{kind}s"):
            colour = shape.get("stroking_color") or shape.get("non_stroking_color")
            boxes.append(Box(kind, float(shape["x0"]), float(shape["x1"]), float(shape["top"]), float(shape["bottom"]),
                             tuple(float(v) for v in colour) if isinstance(colour, list | tuple) else ()))
    return boxes


def _red_mask(image: Any) -> Any:
    """The red pixels of an RGB rendering as ink (0) on white (255): red high, green and blue low."""
    red, green, blue = image.split()
    from PIL import ImageChops

    strong = red.point(lambda v: 255 if v > 180 else 0)
    weak = ImageChops.lighter(green, blue).point(lambda v: 255 if v < 150 else 0)
    return ImageChops.invert(ImageChops.multiply(strong, weak))


def _runs(image: Any) -> list[tuple[int, int]]:
    """Per row of a greyscale image: the start and length of its longest run of ink."""
    width, data = image.width, image.tobytes()
    pattern = re.compile(rb"[\x00-" + bytes([INK]) + rb"]+")
    runs = []
    for y in range(image.height):
        longest = max(((m.start(), len(m.group())) for m in pattern.finditer(data, y * width, (y + 1) * width)),
                      key=lambda run: run[1], default=(0, 0))
        runs.append((longest[0] - y * width if longest[1] else 0, longest[1]))
    return runs


def _rules(ink: Any, red_ink: Any) -> list[Rule]:
    if ink is None:
        return []
    px_per_mm = INK_DPI / 25.4
    minimum = RULE_MIN_MM * px_per_mm
    runs, red_runs = _runs(ink), _runs(red_ink)
    rules: list[Rule] = []
    y = 0
    while y < len(runs):
        if runs[y][1] < minimum:
            y += 1
            continue
        top = y
        while y < len(runs) and runs[y][1] >= minimum:
            y += 1
        start, length = max(runs[top:y], key=lambda run: run[1])
        red = max(run[1] for run in red_runs[top:y]) >= minimum
        rules.append(Rule(top / px_per_mm, y / px_per_mm, start / px_per_mm, length / px_per_mm, red))
    return rules


# The findings


@dataclass(frozen=True, order=True)
class Finding:
    """One departure from the layout (or, when not an error, a remark), on a page (0: the document)."""

    page: int
    rule: str
    message: str
    error: bool = True

    def __str__(self) -> str:
        where = _("page {page}").format(page=self.page) if self.page else _("the document")
        told = _("{where}: [{rule}] {message}") if self.error else _("{where}: note [{rule}] {message}")
        return told.format(where=where, rule=self.rule, message=self.message)


@dataclass
class Report:
    """The audit of one PDF: its findings and the figures measured."""

    findings: list[Finding] = field(default_factory=list)
    figures: dict[str, str] = field(default_factory=dict)  # by name as written (N_("pages")), told as _(name)

    @property
    def errors(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.error]

    @property
    def passed(self) -> bool:
        return not self.errors

    def add(self, page: int, rule: str, message: str, *, error: bool = True) -> None:
        self.findings.append(Finding(page, rule, message, error))


class AuditError(Exception):
    """The file cannot be audited: not there, or not a PDF."""


def audit(path: Path) -> Report:
    """Every measurement of the layout on one PDF."""
    if not path.is_file():
        raise AuditError(_("no such file"))
    try:
        document = Document.read(path)
    except Exception as error:  # pdfminer and pdfium raise their own kinds for a damaged file
        raise AuditError(_("not a readable PDF file ({kind})").format(kind=type(error).__name__)) from None
    report = Report()
    for check in CHECKS:
        check(document, report)
    report.findings.sort()
    return report


def _page_size(document: Document, report: Report) -> None:
    width, height = L.PAGE_WIDTH_MM * MM, L.PAGE_HEIGHT_MM * MM
    for page in document.pages:
        if abs(page.width - width) > 1 or abs(page.height - height) > 1:
            report.add(page.number, "page-size", _(
                "the page is {width} × {height} mm, expected A4 {a4_width} × {a4_height} mm").format(
                width=f"{page.width / MM:.1f}", height=f"{page.height / MM:.1f}", a4_width=f"{L.PAGE_WIDTH_MM:.0f}",
                a4_height=f"{L.PAGE_HEIGHT_MM:.0f}"))
    report.figures[N_("pages")] = str(len(document.pages))


BOX_KINDS = {"image": N_("an image"), "rect": N_("a rectangle"), "line": N_("a line"), "curve": N_("a shape")}


def _type_area(document: Document, report: Report) -> None:
    """Nothing printed outside the type area (or off the page) but the page numbers under it."""
    lefts, rights, tops, bottoms = [], [], [], []
    for page in document.pages:
        numbers = set(page.page_number.glyphs) if page.page_number else set()
        outside = []
        for glyph in page.glyphs:
            if glyph in numbers:
                continue
            lefts.append(glyph.x0)
            rights.append(glyph.x1)
            tops.append(glyph.top)
            bottoms.append(glyph.baseline)
            inside = glyph.x0 >= LEFT - EDGE and glyph.x1 <= RIGHT + EDGE and glyph.top >= TOP - EDGE
            if not (inside and glyph.baseline <= BOTTOM + EDGE):
                outside.append(glyph)
        if outside:
            first = outside[0]
            text = "".join(g.text for g in outside[:20])
            report.add(page.number, "type-area", _(
                "{count} character(s) outside the type area ({left}–{right} mm × {top}–{bottom} mm), such as «{text}», "
                "the first at x {x0}–{x1} mm, baseline {baseline} mm").format(
                count=len(outside), left=f"{L.MARGIN_LEFT_MM:.0f}", right=f"{L.MARGIN_LEFT_MM + L.TYPE_WIDTH_MM:.0f}",
                top=f"{L.MARGIN_TOP_MM:.0f}", bottom=f"{L.MARGIN_TOP_MM + L.TYPE_HEIGHT_MM:.0f}", text=text,
                x0=f"{first.x0 / MM:.1f}", x1=f"{first.x1 / MM:.1f}", baseline=f"{first.baseline / MM:.1f}"))
        for box in page.boxes:
            if (box.x0 < LEFT - EDGE or box.x1 > RIGHT + EDGE or box.top < TOP - EDGE
                    or box.bottom > BOTTOM + EDGE):
                report.add(page.number, "type-area", _(
                    "{kind} beyond the type area: {x0}–{x1} mm × {top}–{bottom} mm").format(
                    kind=_(BOX_KINDS[box.kind]), x0=f"{box.x0 / MM:.1f}", x1=f"{box.x1 / MM:.1f}",
                    top=f"{box.top / MM:.1f}", bottom=f"{box.bottom / MM:.1f}"))
        _ink_outside(page, report)
    if lefts:
        report.figures[N_("type area (measured)")] = _(
            "left {left} mm, right {right} mm, top {top} mm, bottom {bottom} mm").format(
            left=f"{min(lefts) / MM:.1f}", right=f"{max(rights) / MM:.1f}", top=f"{min(tops) / MM:.1f}",
            bottom=f"{max(bottoms) / MM:.1f}")


def _ink_outside(page: Page, report: Report) -> None:
    """Ink in the margins: what no glyph or drawing reports (a clipped image, a glyph drawn as a path)."""
    if page.ink is None:
        return
    px = INK_DPI / 72
    margin = 1.0 * MM  # a renderer's anti-aliasing around the type area
    skip = None
    if page.page_number:  # the page number's own place under the type area
        line = page.page_number
        skip = (line.x0 - margin, line.x1 + margin, min(g.top for g in line.glyphs) - margin, line.baseline + margin)
    data = page.ink.point(lambda v: 255 if v <= INK else 0).convert("1")
    box = data.getbbox()
    if box is None:
        return
    bottom = (0, int((BOTTOM + margin) * px) + 1, page.ink.width, page.ink.height)
    regions = (
        (N_("the left margin"), (0, 0, int((LEFT - margin) * px), page.ink.height)),
        (N_("the right margin"), (int((RIGHT + margin) * px) + 1, 0, page.ink.width, page.ink.height)),
        (N_("the top margin"), (0, 0, page.ink.width, int((TOP - margin) * px))),
        (N_("the bottom margin"), bottom),
    )
    for name, region in regions:
        if region[2] <= region[0] or region[3] <= region[1]:
            continue
        found = data.crop(region).getbbox()
        if found is None:
            continue
        x0, y0, x1, y1 = (found[0] + region[0]) / px, (found[1] + region[1]) / px, (found[2] + region[0]) / px, (
            found[3] + region[1]) / px
        if skip and region is bottom and _within((x0, x1, y0, y1), skip, data, px, region):
            continue
        report.add(page.number, "type-area", _("ink in {margin}: {x0}–{x1} mm × {y0}–{y1} mm").format(
            margin=_(name), x0=f"{x0 / MM:.1f}", x1=f"{x1 / MM:.1f}", y0=f"{y0 / MM:.1f}", y1=f"{y1 / MM:.1f}"))


def _within(found: tuple[float, float, float, float], skip: tuple[float, float, float, float], data: Any,
            px: float, region: tuple[int, int, int, int]) -> bool:
    """Whether all the ink of the bottom margin is the page number's."""
    blank = data.crop(region).copy()
    from PIL import ImageDraw

    draw = ImageDraw.Draw(blank)
    draw.rectangle((skip[0] * px - region[0], skip[2] * px - region[1], skip[1] * px - region[0],
                    skip[3] * px - region[1]), fill=0)
    return blank.getbbox() is None


def _body_size(document: Document) -> tuple[float, int]:
    """The size of the body: what most first lines of paragraphs (two body characters in) are set in, else
    what most lines are; and how many first lines of paragraphs tell it (none when there are none: an issue of
    tables and photos alone has no body to judge by its table text)."""
    first, every = Counter[float](), Counter[float]()
    for line in document.text_lines():
        every[line.size] += 1
        if abs(line.x0 - INDENTED) <= EDGE:
            first[line.size] += 1
    if first:
        return first.most_common(1)[0][0], sum(first.values())
    return (every.most_common(1)[0][0], 0) if every else (L.BODY_SIZE_PT, 0)


def _body_lines(document: Document) -> list[Line]:
    return [line for line in document.text_lines() if line.sized(L.BODY_SIZE_PT) and line.one_run]


def _pitch_and_lines(document: Document, report: Report) -> None:
    size, evidence = _body_size(document)
    report.figures[N_("body size")] = f"{size:g} pt"
    if abs(size - L.BODY_SIZE_PT) > SIZE:
        report.add(0, "body-size", _("the body is mostly {size} pt, expected 三号 {expected} pt").format(
            size=f"{size:g}", expected=f"{L.BODY_SIZE_PT:g}"), error=evidence >= BODY_FACE_LINES)
    body = _body_lines(document)
    gaps = []
    for a, b in zip(body, body[1:], strict=False):
        gap = b.baseline - a.baseline
        if a.page != b.page or gap >= 1.5 * L.LINE_PITCH_PT:
            continue
        gaps.append(gap)
        if abs(gap - L.LINE_PITCH_PT) > PITCH_SLACK:
            report.add(a.page, "pitch", _(
                "two neighbouring baselines {gap} pt apart, expected a line pitch of {pitch} pt: {line}; "
                "{next}").format(gap=f"{gap:.2f}", pitch=f"{L.LINE_PITCH_PT:.2f}", line=a, next=b))
    if gaps:
        report.figures[N_("line pitch")] = _("{pitch} pt ({count} gaps)").format(
            pitch=f"{statistics.median(gaps):.2f}", count=len(gaps))
    per_page = Counter(line.page for line in body)
    if per_page:
        report.figures[N_("body lines a page")] = _("at most {count}").format(count=max(per_page.values()))
    for page, count in sorted(per_page.items()):
        if count > L.LINES_PER_PAGE:
            report.add(page, "lines", _("{count} lines of body text, at most {most} a page").format(
                count=count, most=L.LINES_PER_PAGE))


def _full_lines(document: Document) -> list[tuple[Line, Line]]:
    """The body lines followed by a line of the same paragraph: the next body line, flush left. (Not a line
    that begins with a mark, a 目录 entry's ※: what continues it hangs after the mark, so a line flush left
    under it begins something else; and so does one under the lines that hang after the mark, and one that
    opens with 【, a column's heading.)"""
    lines = list(document.text_lines())
    items, item = set(), False  # the lines of marked items: a line with its mark, and those that hang after it
    for i, line in enumerate(lines):
        item = line.text[:1] in LIST_MARKS or item and abs(line.x0 - LEFT) > EDGE
        if item:
            items.add(i)
    return [(a, b) for i, (a, b) in enumerate(zip(lines, lines[1:], strict=False))
            if a.sized(L.BODY_SIZE_PT) and b.sized(L.BODY_SIZE_PT) and a.one_run and b.one_run
            and abs(b.x0 - LEFT) <= EDGE and abs(a.x0 - LEFT) <= EDGE + (INDENTED - LEFT)
            and b.text[0] not in HEAD_MARKS and i not in items
            and (a.page == b.page and 0 < b.baseline - a.baseline < 1.5 * L.LINE_PITCH_PT or b.page == a.page + 1)]


def _justified_and_grid(document: Document, report: Report) -> None:
    full = _full_lines(document)
    ragged = [a for a, _next in full if abs(a.x1 - RIGHT) > EDGE]
    for line in ragged:
        report.add(line.page, "justify", _(
            "a full line short of the type area's right edge (ends at {end} mm, expected {right} ± 0.5 mm): "
            "{line}").format(end=f"{line.x1 / MM:.2f}", right=f"{RIGHT / MM:.2f}", line=line))
    if full:
        report.figures[N_("justified")] = _("{good}/{count} full lines").format(good=len(full) - len(ragged),
                                                                               count=len(full))
    cjk = [a for a, _next in full if all(g.wide for g in a.glyphs)]
    if len(cjk) >= 5:
        cells = [len(line.glyphs) + (L.INDENT_CHARS if abs(line.x0 - INDENTED) <= EDGE else 0) for line in cjk]
        share = sum(count == L.CHARS_PER_LINE for count in cells) / len(cells)
        report.figures[N_("characters a line")] = _(
            "{share} of the all-Chinese full lines hold {chars} characters ({count} lines)").format(
            share=f"{share:.1%}", chars=L.CHARS_PER_LINE, count=len(cells))
        if share < GRID_SHARE:
            common = _(", ").join(_("{count} line(s) of {chars} characters").format(count=c, chars=n)
                                  for n, c in Counter(cells).most_common(3))
            report.add(0, "grid", _(
                "only {share} of the all-Chinese full lines hold {chars} characters (expected at least {least}), "
                "the most common: {common}").format(share=f"{share:.1%}", chars=L.CHARS_PER_LINE,
                                                    least=f"{GRID_SHARE:.0%}", common=common))


def _kinsoku(document: Document, report: Report) -> None:
    """Where a line of a paragraph ends and the next goes on: the next never starts with a closing mark, the
    line never ends with an opening one, and —— and …… are never split. (Where a paragraph starts or ends,
    nothing could be pushed: the editor wrote it so.)"""
    count = 0
    for a, b in _full_lines(document):
        if a.text[-1] in SPLIT_MARKS and b.text[0] == a.text[-1]:
            report.add(b.page, "kinsoku", _("«{mark}» split over two lines: {line}; {next}").format(
                mark=a.text[-1] * 2, line=a, next=b))
            count += 1
        elif b.text[0] in NO_START:
            report.add(b.page, "kinsoku", _("a line should not start with «{mark}»: {line}").format(
                mark=b.text[0], line=b))
            count += 1
        if a.text[-1] in NO_END:
            report.add(a.page, "kinsoku", _("a line should not end with «{mark}»: {line}").format(
                mark=a.text[-1], line=a))
            count += 1
    report.figures[N_("kinsoku")] = _("{count} breach(es)").format(count=count)


FACE_ROLES = (  # what a font's name says of its style, most specific first
    ("小标宋", ("xiaobiaosong", "小标宋", "xbs")),
    ("楷体", ("kai", "楷")),
    ("仿宋", ("fang", "仿宋")),
    ("黑体", ("hei", "黑", "sans")),
    ("粗体", ("bold",)),
    ("宋体", ("song", "宋", "serif", "ming")),
)


def face_role(font: str) -> str | None:
    """The style a font's name tells (仿宋, 楷体 …), or None."""
    name = font.lower()
    return next((role for role, marks in FACE_ROLES if any(mark in name for mark in marks)), None)


def _faces(document: Document, report: Report) -> None:
    """The faces and sizes of what can be told apart by place: masthead, titles, body, page numbers."""
    paragraphs = {id(line): line for pair in _full_lines(document) for line in pair}.values()  # running text
    faces: Counter[str] = Counter()
    for line in paragraphs:
        for glyph in line.glyphs:
            faces[face_role(glyph.font) or glyph.font] += 1
    if faces:
        total = sum(faces.values())
        report.figures[N_("body faces")] = _listed(f"{face} {count / total:.0%}"
                                                   for face, count in faces.most_common(3))
        plain = Counter({face: count for face, count in faces.items() if face != "粗体"})  # run-in leads are body
        main = plain.most_common(1)[0][0] if plain else "仿宋"
        if main in {role for role, _marks in FACE_ROLES} and main != "仿宋":
            report.add(0, "body-face", _("the body is mostly {face}, expected 仿宋").format(face=main),
                       error=len(paragraphs) >= BODY_FACE_LINES)
    titles = [line for line in document.text_lines() if line.size >= 18 and line.one_run]
    sizes = Counter(line.size for line in titles)
    if sizes:
        report.figures[N_("title sizes")] = _listed(
            _("{size} pt, {count} line(s)").format(size=f"{size:g}", count=count)
            for size, count in sorted(sizes.items()))
    for line in titles:
        if abs(line.size - L.TITLE_SIZE_PT) > SIZE:
            report.add(line.page, "title-size", _("a title {size} pt, expected 二号 {expected} pt: {line}").format(
                size=f"{line.size:g}", expected=f"{L.TITLE_SIZE_PT:g}", line=line))


def _listed(items: Iterable[str]) -> str:
    """Figures one after another, as a figure lists them (a comma between, in Chinese the full-width one)."""
    return functools.reduce(lambda listed, item: _("{listed}, {item}").format(listed=listed, item=item), items)


def _masthead(document: Document, report: Report) -> None:
    if not document.pages:
        return
    page = document.pages[0]
    large = [g for g in page.glyphs if g.size >= L.SIZE_CHUHAO * 0.6]
    if not large:
        report.add(1, "masthead", _("no masthead on the first page: nothing of 26 pt or more"))
        return
    biggest = max(g.size for g in large)
    name = [g for g in large if abs(g.size - biggest) <= SIZE]
    report.figures[N_("masthead")] = f"«{''.join(g.text for g in name)}» {biggest:g} pt"
    not_red = [g for g in name if not _red(g.colour)]
    if not_red:
        report.add(1, "masthead", _("the masthead «{text}» is not red ({colour})").format(
            text="".join(g.text for g in not_red), colour=not_red[0].colour))
    elif not all(_cmyk_red(g.colour) for g in name):
        report.add(1, "masthead", _("the masthead's red is given as {colour}, the standard is CMYK 0/80/80/0").format(
            colour=name[0].colour), error=False)
    red = [rule for rule in page.rules if rule.red and rule.length_mm >= FULL_RULE_MM]
    if not red:
        report.add(1, "masthead-rule", _("no red rule under the masthead (at least 150 mm long)"))
    elif red[0].top_mm * MM < max(g.baseline for g in name):
        report.add(1, "masthead-rule", _("the red rule ({rule}) is above the masthead").format(rule=red[0]))
    else:
        report.figures[N_("red rule")] = str(red[0])


def _red(colour: tuple[float, ...]) -> bool:
    if len(colour) == 4:
        c, m, y, k = colour
        return m >= 0.5 and y >= 0.5 and c <= 0.2 and k <= 0.2
    if len(colour) == 3:
        r, g, b = colour
        return r >= 0.7 and g <= 0.45 and b <= 0.45
    return False


def _cmyk_red(colour: tuple[float, ...]) -> bool:
    return len(colour) == 4 and all(abs(a - b) <= 0.01 for a, b in zip(colour, L.RED_CMYK, strict=True))


def _page_numbers(document: Document, report: Report) -> None:
    """«— N —» 7 mm under the type area, one character in from the outer edge: odd pages right, even left."""
    place = BOTTOM + L.PAGE_NUMBER_GAP_MM * MM
    good = 0
    for page in document.pages:
        line = page.page_number
        if line is None:
            last = page.number == len(document.pages)
            missing = _("no page number «— {number} —» (the colophon's page may go without)") if last else \
                _("no page number «— {number} —»")
            report.add(page.number, "page-number", missing.format(number=page.number), error=not last)
            continue
        number = int(PAGE_NUMBER.match(line.text).group(1))  # type: ignore[union-attr]
        wrong = []
        if number != page.number:
            wrong.append(_("the page number is {number}, expected {page}").format(number=number, page=page.number))
        if not line.sized(L.PAGE_NUMBER_SIZE_PT):
            wrong.append(_("the page number is {size} pt, expected 四号 {expected} pt").format(
                size=f"{line.size:g}", expected=f"{L.PAGE_NUMBER_SIZE_PT:g}"))
        dash = line.glyphs[0]
        middle = (dash.top + dash.bottom) / 2
        if abs(middle - place) > PAGE_NUMBER_SLACK + dash.size / 2:
            wrong.append(_(
                "the page number at {at} mm, expected {gap} mm under the type area's bottom edge ({place} mm)").format(
                at=f"{middle / MM:.1f}", gap=f"{L.PAGE_NUMBER_GAP_MM:g}", place=f"{place / MM:.1f}"))
        inset = L.PAGE_NUMBER_SIZE_PT
        if page.number % 2 and abs(line.x1 - (RIGHT - inset)) > PAGE_NUMBER_SLACK:
            wrong.append(_(
                "an odd page's number goes right, one character in (ending at {expected} mm), it ends at {actual} mm"
            ).format(expected=f"{(RIGHT - inset) / MM:.1f}", actual=f"{line.x1 / MM:.1f}"))
        if not page.number % 2 and abs(line.x0 - (LEFT + inset)) > PAGE_NUMBER_SLACK:
            wrong.append(_(
                "an even page's number goes left, one character in (starting at {expected} mm), it starts at "
                "{actual} mm").format(expected=f"{(LEFT + inset) / MM:.1f}", actual=f"{line.x0 / MM:.1f}"))
        for message in wrong:
            report.add(page.number, "page-number", message)
        good += not wrong
    report.figures[N_("page numbers")] = _("{good}/{count} pages right").format(good=good, count=len(document.pages))


def _colophon(document: Document, report: Report) -> None:
    """The colophon (版记) at the foot of the last page: its last rule on the bottom of the type area."""
    if not document.pages:
        return
    last = document.pages[-1]
    words = [line for line in last.lines if COLOPHON_LINE.search(line.text)]
    for page in document.pages[:-1]:
        early = [line for line in page.lines if any(line.text.startswith(word) for word in COLOPHON_WORDS[:5])]
        if early:
            report.add(page.number, "colophon", _("the colophon is not on the last page: {line}").format(
                line=early[0]))
    if not words:
        report.add(last.number, "colophon", _("no colophon on the last page (送：/报：/签发 …)"), error=False)
        return
    rules = [rule for rule in last.rules if rule.length_mm >= FULL_RULE_MM]
    if not rules:
        report.add(last.number, "colophon", _("the colophon has no rule (at least 150 mm long)"))
        return
    lowest = rules[-1]
    report.figures[N_("the colophon's last rule")] = _(
        "bottom edge {bottom} mm (the type area's bottom edge: {edge} mm)").format(
        bottom=f"{lowest.bottom_mm:.2f}", edge=f"{BOTTOM / MM:.0f}")
    if abs(lowest.bottom_mm * MM - BOTTOM) > COLOPHON_SLACK:
        report.add(last.number, "colophon", _(
            "the bottom edge of the colophon's last rule at {bottom} mm, expected on the type area's bottom edge "
            "({edge} mm, ± {slack} mm)").format(bottom=f"{lowest.bottom_mm:.2f}", edge=f"{BOTTOM / MM:.0f}",
                                                slack=f"{COLOPHON_SLACK / MM:g}"))
    foot = lowest.bottom_mm * MM + EDGE
    above = [line for line in last.lines if line.baseline > foot and line is not last.page_number]
    if above:
        report.add(last.number, "colophon", _("text under the colophon: {line}").format(line=above[0]))


CHECKS = (_page_size, _type_area, _pitch_and_lines, _justified_and_grid, _kinsoku, _faces, _masthead,
          _page_numbers, _colophon)


def format_report(path: str, report: Report) -> str:
    """The findings, one a line, then the figures and a verdict."""
    lines = [f"{path}: {finding}" for finding in report.findings]
    lines += [f"{path}: " + _("{name}: {value}").format(name=_(name), value=value)
              for name, value in report.figures.items()]
    errors = len(report.errors)
    verdict = _("departs from the layout: {count} problem(s)").format(count=errors) if errors else \
        _("conforms to the layout")
    if len(report.findings) > errors:
        verdict = _("{verdict}, {count} note(s)").format(verdict=verdict, count=len(report.findings) - errors)
    lines.append(f"{path}: {verdict}")
    return "\n".join(lines)


def lines_of(pages: Sequence[Page]) -> list[Line]:
    """Every line of some pages, in order."""
    return [line for page in pages for line in page.lines]
