"""Typesetting: the issue broken into justified lines with their fonts, ready for the HTML template."""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from bulletin import compose
from bulletin import layout as L
from bulletin.fonts import Chain
from bulletin.linebreak import break_lines, widest_unbreakable
from bulletin.markup import Span, plain
from bulletin.model import Article, Issue, Photo, PhotoRow, Prose, Role, Table
from bulletin.photos import Placement, place, place_row, reference

FieldPath = tuple[str | int, ...]


@dataclass(frozen=True)
class SetLine:
    """One line as set: its runs of text and its letter-spacing in points."""

    spans: tuple[Span, ...]
    spacing: float
    isolated: bool  # its text is in another face or size than the line's strut (the body face)
    start: int = 0  # where it starts in its paragraph's text
    forced: bool = False  # the editor broke the text after it (a newline in a title), not the layout


@dataclass(frozen=True)
class Block:
    """A paragraph-like block: its style (a CSS class), its lines, and an optional hanging marker."""

    style: str
    lines: tuple[SetLine, ...]
    marker: str = ""
    hang: float = 0.0  # points: the width the marker hangs in
    spacing: float = 0.0  # points: the natural letter-spacing of its lines (those not pushed in or out)
    align: str = ""  # when not its element's alignment (a caption of several lines is justified)


@dataclass(frozen=True)
class PhotoBlock:
    """A photo at its printed size in a frame of whole lines (so that what follows stays on the grid),
    its caption (a block a paragraph) and credit."""

    src: str
    width_mm: float
    height_mm: float
    frame_pt: float  # the height of the frame the photo is centred in: a whole number of lines
    captions: list[Block]
    credit: str | None
    cell_mm: float = 0.0  # side by side: the width of its cell (its caption's room), the photo centred in it


@dataclass(frozen=True)
class PhotoRowBlock:
    """Photos side by side in frames of one height, each with its caption under it (set to its width); the
    row's caption and credit under them all."""

    photos: list[PhotoBlock]
    gap_mm: float
    captions: list[Block]
    credit: str | None

    @property
    def width_mm(self) -> float:
        return sum(photo.cell_mm for photo in self.photos) + self.gap_mm * (len(self.photos) - 1)


@dataclass(frozen=True)
class TableBlock:
    """A table: its header row apart (repeated on each page it runs over), each cell's text in lines."""

    head: list[list[str]]
    rows: list[list[str]]
    widths: list[float]  # each column's share of the type area, in per cent
    caption: str | None
    keep_first: bool = False  # its first two rows go together
    keep_last: bool = False  # its last two rows go together
    tall: list[bool] = field(default_factory=list)  # rows so tall that they may break across pages


@dataclass(frozen=True)
class SetArticle:
    """An article as set."""

    bookmark: str
    column: Block | None  # the heading of the column (栏目) that begins with this article
    kicker: Block | None
    title: Block | None  # photo news and briefs may have none
    subtitle: Block | None
    byline: Block | None
    dateline: Block | None
    note: Block | None
    blocks: list[Block | PhotoBlock | PhotoRowBlock | TableBlock]
    source: list[Block]


@dataclass(frozen=True)
class Colophon:
    """The colophon (版记) as set: its groups in lines, its contact rows and sign-off cells as composed."""

    distribution: list[Block]
    contacts: list[list[str]]
    signoff: list[str]


@dataclass
class Typesetter:
    """Sets the issue's text with the fonts of its elements' roles (layout.ELEMENTS); its photos are files
    in the folder `assets` (the issue's)."""

    issue: Issue
    assets: Path
    chains: dict[Role, Chain] = field(init=False)

    def __post_init__(self) -> None:
        self.chains = self.issue.font_chains()

    def justified(self, spans: tuple[Span, ...], style: str, *, hang: float = 0.0, inset: float = 0.0,
                  marker: str = "") -> Block:
        """A justified paragraph: the first line indented as its element says, every line hanging
        after a marker when there is one."""
        element = L.ELEMENTS[style]
        width = L.type_width_pt() - hang - inset
        indent = L.indent_pt(element)
        spacing = L.grid_spacing_pt(element.size) if element.size == L.BODY_SIZE_PT else 0.0
        lines = self._lines(spans, element, (width - indent, width), spacing, squeeze=True)
        return Block(style, lines, marker, hang, spacing)

    def ragged(self, text: str, style: str, *, balance: bool = False, width: float | None = None) -> Block:
        """Lines broken where Chinese allows but not justified (the element centres or aligns them), never
        squeezed: each line fits at its natural spacing (in the type area, or `width` points). Balanced in
        length when asked (titles), and then broken only between words and where the editor broke the text
        (a newline)."""
        element, width = L.ELEMENTS[style], width or L.type_width_pt()
        lines: list[SetLine] = []
        for part in (text.split("\n") if balance else [text]):
            spans = (Span(part.strip()),)
            if not spans[0].text:
                continue
            if lines:
                lines[-1] = replace(lines[-1], forced=True)
            words = _word_ends(spans[0].text) if balance else None
            set_part = self._lines(spans, element, (width, width), 0.0, squeeze=False, only=words)
            if balance and len(set_part) > 1:
                set_part = self._balanced(spans, element, len(set_part), words, width)
            lines += [SetLine(line.spans, 0.0, line.isolated) for line in set_part]
        return Block(style, tuple(lines))

    def caption(self, text: str, style: str) -> Block:
        """A caption: centred when it is one line, justified (its last line flush left) when longer."""
        block = self.ragged(text, style)
        if len(block.lines) < 2:
            return block
        justified = self.justified((Span(text),), style)
        return Block(justified.style, justified.lines, spacing=justified.spacing, align="justify")

    def captions(self, text: str | None, width: float | None = None) -> list[Block]:
        """A caption set in lines: one paragraph as `caption` sets it, several (the story of photo news) as
        paragraphs of text (compose.caption_style); under one photo of several side by side, centred in its
        `width` points."""
        paragraphs = compose.caption_paragraphs(text)
        style = compose.caption_style(paragraphs)
        if width is not None:
            return [self.ragged(paragraph, "caption", width=width) for paragraph in paragraphs]
        if style == "caption":
            return [self.caption(paragraph, style) for paragraph in paragraphs]
        return [self.justified((Span(paragraph),), style) for paragraph in paragraphs]

    def _balanced(self, spans: tuple[Span, ...], element: L.Element, count: int, words: frozenset[int] | None,
                  width: float) -> tuple[SetLine, ...]:
        """The narrowest measure that still sets the text in `count` lines, each ending where it may (between
        words, unless a word is longer than the full measure): lines of even length."""
        text = "".join(span.text for span in spans)
        advances = self._advances(spans, element)
        full = {line.end for line in break_lines(text, advances, (width, width), 0.0, 0.0, only=words, ragged=True)}

        def fits(measure: float) -> bool:
            lines = break_lines(text, advances, (measure, measure), 0.0, 0.0, only=words, ragged=True)
            return len(lines) <= count and all(line.end in full or words is None or line.end in words
                                               or line.end >= len(text) or text[line.end].isspace()
                                               or text[line.end - 1].isspace() for line in lines)

        low, high = width / count, width
        while high - low > 1:
            middle = (low + high) / 2
            if fits(middle):
                high = middle
            else:
                low = middle
        return self._lines(spans, element, (high, high), 0.0, squeeze=False, only=words)

    def photo(self, photo: Photo, kept: int = 0) -> PhotoBlock:
        """A photo in a frame of whole lines, sized to fit a page with its caption and credit and with the
        `kept` lines above it that must share its page."""
        captions = self.captions(photo.caption)
        reserved = kept + sum(len(caption.lines) for caption in captions) + (1 if photo.credit else 0)
        return _photo_block(photo, place(self.assets / photo.photo, photo.width, reserved), captions)

    def photo_row(self, row: PhotoRow, kept: int = 0) -> PhotoRowBlock:
        """Photos side by side, sized together (place_row) so that the row fits a page with its captions, its
        credit and the `kept` lines above it; each photo's caption set to its cell's width (at least
        PHOTO_CAPTION_CHARS characters)."""
        paths = [self.assets / photo.photo for photo in row.photos]
        captions = self.captions(row.caption)
        below = kept + sum(len(caption.lines) for caption in captions) + (1 if row.credit else 0)
        size = L.ELEMENTS["caption"].size
        least = [L.PHOTO_CAPTION_CHARS * size / L.PT_PER_MM if photo.caption else 0.0 for photo in row.photos]

        def placed(lines: int) -> tuple[list[tuple[Placement, float]], list[list[Block]]]:
            cells = place_row(paths, row.width, below + lines, least)
            return cells, [self.captions(photo.caption, cell * L.PT_PER_MM)
                           for photo, (_, cell) in zip(row.photos, cells, strict=True)]

        cells, own = placed(0)
        tallest = max(sum(len(caption.lines) for caption in cell) for cell in own)
        if tallest:  # the photos' own captions take lines under them too: lower the row if the page needs it
            cells, own = placed(tallest)
        return PhotoRowBlock([_photo_block(photo, placement, cell_captions, credit=False, cell_mm=cell)
                              for photo, (placement, cell), cell_captions in zip(row.photos, cells, own, strict=True)],
                             L.PHOTO_GAP_MM, captions, row.credit)

    def table(self, table: Table) -> TableBlock:
        """A table's cells broken into lines of their columns' width, kinsoku and all (what WeasyPrint would
        do lets —— split), so that no cell runs past its column."""
        columns = len(table.table[0])
        frame = 2 * L.TABLE_PADDING_PT[1] + L.TABLE_RULE_PT  # what a cell takes of its column besides its text
        needs = [max((self._widest(row[c], "table-head" if table.header and r == 0 else "table")
                      for r, row in enumerate(table.table)), default=0.0) + frame for c in range(columns)]
        shares = _shares(table.widths or [1.0] * columns, needs)
        inner = [L.type_width_pt() * share / 100 - frame for share in shares]

        def cells(row: list[str], style: str) -> list[str]:
            return ["\n".join(_text(line) for line in self.ragged(text, style, width=max(width, 1.0)).lines)
                    if text.strip() else "" for text, width in zip(row, inner, strict=True)]

        head = [cells(table.table[0], "table-head")] if table.header else []
        rows = [cells(row, "table") for row in table.table[1 if table.header else 0:]]
        heights = [_row_height(row) for row in rows]
        # Two rows at least on each side of a page break, unless they would take too much of a page: a table
        # that keeps its first rows with its header and caption when they fill half a page leaves what comes
        # before it (a title) alone at the foot of the page.
        limit = L.TYPE_HEIGHT_MM * L.PT_PER_MM * L.TABLE_KEEP_SHARE
        first = sum(_row_height(row) for row in head) + sum(heights[:2])
        return TableBlock(head, rows, shares, table.caption,
                          keep_first=len(rows) >= 2 and first <= limit,
                          keep_last=len(rows) >= 2 and sum(heights[-2:]) <= limit,
                          tall=[height > limit for height in heights])

    def _widest(self, text: str, style: str) -> float:
        """The widest run of a cell's text that may not break."""
        element = L.ELEMENTS[style]
        chain = self.chains[element.role]  # type: ignore[index]
        return widest_unbreakable(text, [chain.advance(char) * element.size for char in text], 0.0)

    def spread(self, texts: list[str], style: str) -> list[tuple[str, float]]:
        """Texts set to the width of the longest, by letter-spacing (the stacked 编印单位)."""
        element = L.ELEMENTS[style]
        chain = self.chains[element.role]  # type: ignore[index]
        widths = [sum(chain.advance(c) for c in text) * element.size for text in texts]
        longest = max(widths)
        return [(text, (longest - width) / max(len(text) - 1, 1)) for text, width in zip(texts, widths, strict=True)]

    def _lines(self, spans: tuple[Span, ...], element: L.Element, widths: tuple[float, float],
               spacing: float, *, squeeze: bool, only: frozenset[int] | None = None) -> tuple[SetLine, ...]:
        """The text in lines; justified lines squeezed when they must be, the others (`squeeze` false) ragged."""
        text = "".join(span.text for span in spans)
        styles = [(span.bold, span.head) for span in spans for _ in span.text]
        advances, joined = self._metrics(spans, element)
        squeezed = L.MAX_SQUEEZE_EM * element.size if squeeze else 0.0
        strut = element.role == L.BODY_ROLE and element.size == L.BODY_SIZE_PT
        return tuple(
            SetLine(_spans(text[line.start : line.end], styles[line.start : line.end]), line.spacing,
                    not (strut and self._in_strut_face(text, styles, line.start, line.end)), line.start)
            for line in break_lines(text, advances, widths, spacing, squeezed, only=only, ragged=not squeeze,
                                    joined=joined)
        )

    def _advances(self, spans: tuple[Span, ...], element: L.Element) -> list[float]:
        return self._metrics(spans, element)[0]

    def _metrics(self, spans: tuple[Span, ...], element: L.Element) -> tuple[list[float], list[bool]]:
        """Each character's advance in points, as the renderer sets it: a run that its face draws as one
        glyph (——) shares that glyph's advance, within a span (a span is a text box of its own); and whether
        it is drawn in one glyph with the character before it (letter-spacing falls once per glyph)."""
        advances: list[float] = []
        joined: list[bool] = []
        for span in spans:
            chain = self.chains[compose.span_role(span, element.role)]  # type: ignore[index]
            i = 0
            while i < len(span.text):
                length, advance = chain.composed(span.text, i)
                advances += [advance * element.size / length] * length
                joined += [False] + [True] * (length - 1)
                i += length
        return advances, joined

    def _in_strut_face(self, text: str, styles: list[tuple[bool, int]], start: int, end: int) -> bool:
        """Whether characters [start, end) are all set in the face that gives every line its height and
        baseline (the body role's first face): only text in another face needs a box of its own, one that
        cannot move the baseline off the grid (its ascent may differ)."""
        chain = self.chains[L.BODY_ROLE]  # type: ignore[index]
        return not any(bold or head for bold, head in styles[start:end]) and all(
            chain.face_for(char) == chain.installed[0] for char in text[start:end])

    def used_faces(self) -> set[str]:
        """The families that set at least one character of the issue: only they need loading."""
        used = set()
        for _, text, role, _ in self.texts():
            chain = self.chains[role]
            for char in set(text):
                face = chain.face_for(char)
                if face:
                    used.add(face.family)
        return used

    def texts(self) -> Iterator[tuple[FieldPath, str, Role, int]]:
        """Every text of the issue with the role that sets it and where in its field it starts (a hint
        for locating a character of a paragraph in the prose it came from), for the font check."""
        for path, text, style, start in compose.texts(self.issue):
            yield path, text, L.ELEMENTS[style].role, start  # type: ignore[misc]
        for i, article in enumerate(self.issue.articles):
            for j, block in enumerate(article.body):
                if isinstance(block, Prose):
                    for paragraph in block.paragraphs:
                        for span in paragraph.spans:
                            if span.bold:
                                yield ("articles", i, "body", j), span.text, "bold", paragraph.offset


def _photo_block(photo: Photo, placement: Placement, captions: list[Block], *, credit: bool = True,
                 cell_mm: float | None = None) -> PhotoBlock:
    frame = math.ceil(placement.height_mm * L.PT_PER_MM / L.LINE_PITCH_PT - 0.01) * L.LINE_PITCH_PT
    return PhotoBlock(reference(photo.photo.as_posix(), placement), placement.width_mm, placement.height_mm,
                      frame, captions, photo.credit if credit else None,
                      placement.width_mm if cell_mm is None else cell_mm)


def _row_height(row: list[str]) -> float:
    """A table row's height in points: its tallest cell's lines, padding and rule."""
    lines = max((cell.count("\n") + 1 for cell in row if cell), default=1)
    return lines * L.TABLE_LINE_HEIGHT * L.ELEMENTS["table"].size + 2 * L.TABLE_PADDING_PT[0] + L.TABLE_RULE_PT


def _text(line: SetLine) -> str:
    return "".join(span.text for span in line.spans)


def _spans(text: str, styles: list[tuple[bool, int]]) -> tuple[Span, ...]:
    """Regroup characters into runs of one style."""
    runs, start = [], 0
    for end in range(1, len(text) + 1):
        if end == len(text) or styles[end] != styles[start]:
            runs.append(Span(text[start:end], *styles[start]))
            start = end
    return tuple(runs)




def set_issue(issue: Issue, typesetter: Typesetter) -> dict[str, object]:
    """The template context: masthead, 目录, articles and colophon, composed (bulletin.compose) and set in lines."""
    t = typesetter
    articles = [set_article(article, t, head) for article, head in zip(issue.articles, compose.column_heads(issue),
                                                                      strict=True)]
    toc = set_toc(issue, t)
    size = L.ELEMENTS["distribution"].size
    composed = compose.colophon(issue)
    colophon = Colophon(
        [t.justified((Span(text),), "distribution", hang=len(label) * size, inset=2 * L.COLOPHON_INDENT_CHARS * size,
                     marker=label) for label, text in composed.distribution],
        composed.contacts,
        composed.signoff,
    )
    return {"issue": issue, "articles": articles, "toc": toc,
            "toc_heading": t.ragged(compose.TOC_HEADING, "toc-heading"), "colophon": colophon if composed else None,
            "name_size": masthead_size(issue.name), "issuers": t.spread(issue.issuers, "issuer"),
            "correction": compose.correction_line(issue)}


def set_toc(issue: Issue, t: Typesetter) -> list[Block]:
    """The 目录's entries set in lines, each hanging after its mark."""
    hang = L.INDENT_CHARS * L.char_pitch_pt()
    return [t.justified((Span(entry.text),), "toc-item") if entry.column else
            t.justified((Span(entry.text),), "toc-item", hang=hang, marker=compose.TOC_MARK)
            for entry in compose.toc_entries(issue)]


def masthead_size(name: str) -> float:
    """The masthead name's size: as large as allowed, and never wider than the type area."""
    return min(L.MASTHEAD_MAX_SIZE_PT, L.type_width_pt() / max(len(name), 1))


def _shares(weights: list[float], needs: list[float]) -> list[float]:
    """Column widths in per cent of the type area: as the editor weighted them, but each at least as wide as
    its widest unbreakable text needs (`needs`, points), so far as the type area allows: what a column
    lacks is taken from the others in proportion to their width, none below its own need."""
    total = L.type_width_pt()
    needs = [min(need, 1.5 * total / len(needs)) for need in needs]  # no column may crowd the others out
    if sum(needs) > total:  # not all can have what they need: each the same share of it
        needs = [need * total / sum(needs) for need in needs]
    widths = [total * weight / sum(weights) for weight in weights]
    for _ in range(len(widths)):
        short = [i for i, width in enumerate(widths) if width < needs[i] - 1e-6]
        if not short:
            break
        for i in short:
            widths[i] = needs[i]
        spare = [i for i in range(len(widths)) if i not in short]
        excess = sum(widths) - total
        room = sum(widths[i] - needs[i] for i in spare)
        for i in spare:
            widths[i] -= excess * (widths[i] - needs[i]) / room if room > 0 else 0
    return [100 * width / total for width in widths]


def set_article(article: Article, t: Typesetter, column: str | None = None) -> SetArticle:
    """An article set in lines (under its column's heading where the column begins); its photos sized so
    that each fits a page with its caption and credit and with what must stay with it above (the title, a
    heading)."""
    def ragged(text: str | None, style: str) -> Block | None:
        return t.ragged(text, style) if text else None

    heads = [ragged(column, "column"), ragged(article.kicker, "kicker"),
             t.ragged(article.title, "title", balance=True) if article.title else None,
             ragged(compose.subtitle_line(article), "subtitle"), ragged(article.byline, "byline"),
             ragged(article.dateline, "dateline")]
    note = t.justified(compose.note_spans(article), "note") if article.note else None
    kept = 0 if note else sum(len(head.lines) for head in heads if head)  # lines that go with what follows
    blocks: list[Block | PhotoBlock | PhotoRowBlock | TableBlock] = []
    for item in article.body:
        if isinstance(item, Prose):
            for paragraph in item.paragraphs:
                style = compose.paragraph_style(paragraph)
                block = (t.ragged(plain(paragraph.spans), style, balance=True) if style == compose.SUBHEAD
                         else t.justified(paragraph.spans, style))
                blocks.append(block)
                kept = kept + len(block.lines) if paragraph.level else 0  # a heading goes with what follows
        elif isinstance(item, Photo):
            blocks.append(t.photo(item, kept))
            kept = 0
        elif isinstance(item, PhotoRow):
            blocks.append(t.photo_row(item, kept))
            kept = 0
        else:
            blocks.append(t.table(item))
            kept = 0
    column_head, kicker, title, subtitle, byline, dateline = heads
    return SetArticle(
        bookmark=article.headline, column=column_head, kicker=kicker, title=title, subtitle=subtitle, byline=byline,
        dateline=dateline, note=note, blocks=blocks,
        source=[t.ragged(line, "source") for line in compose.reprint_lines(article)],
    )


def _word_ends(text: str) -> frozenset[int]:
    """Where a title's line may end: between words."""
    from bulletin.words import boundaries

    return boundaries(text)
