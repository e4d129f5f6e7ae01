"""The layout invariants of an issue's PDF, measured against the issue it was made from.

`bulletin audit` measures what any bulletin's PDF shows (type area, pitch, justification, page numbers …);
these checks also know the issue: which glyph belongs to which element, so that nothing is lost or
doubled, every element is in its role's face and size, titles break between words, what must be kept
with what follows is, photos share a page with their captions, and tables repeat their header.
Each check returns its violations as strings; `violations` gives them all, by invariant.
"""

from __future__ import annotations

import difflib
import math
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from bulletin import audit
from bulletin import layout as L
from bulletin.audit import BOTTOM, EDGE, LEFT, MM, RIGHT, Document, Glyph
from bulletin.compose import (
    SUBHEAD,
    caption_paragraphs,
    caption_style,
    column_heads,
    paragraph_style,
    reprint_lines,
    span_role,
    subtitle_line,
)
from bulletin.linebreak import NO_END, NO_START
from bulletin.loader import Loaded
from bulletin.markup import plain
from bulletin.model import Issue, Photo, PhotoRow, Prose, Table
from bulletin.typeset import Typesetter, masthead_size

PITCH = L.LINE_PITCH_PT
KEPT_WITH_NEXT = {"column", "kicker", "title", "subtitle", "byline", "dateline", "h1", "h2", "h3", "h4", "subhead",
                  "toc-heading", "table-caption"}
HEADINGS = {"h1", "h2", "h3", "h4", "subhead"}
JUSTIFIED = {"p", "h1", "h2", "h3", "h4", "note", "toc-item", "distribution", "story"}
COLOPHON = {"distribution", "contacts", "signoff", "copies"}
BASELINE_DROP = 20.55  # points from the top of a line box to its baseline: the body face's, measured on 2018-10
MAX_EMPTY_LINES = 2  # a page may end this many body lines short when what follows fits in them
# Rows kept together (a table's first two, its last two) may fill this much of a page; a row taller may split.
KEPT_ROWS = L.TYPE_HEIGHT_MM * MM * L.TABLE_KEEP_SHARE
PAGE_HEIGHT = L.TYPE_HEIGHT_MM * MM  # the type area's height


@dataclass
class Piece:
    """One element's text as printed, in document order: its style (layout.ELEMENTS), and which of its
    characters are set in another role than the element's (bold, a run-in heading)."""

    style: str
    text: str
    roles: list[str | None]  # each character's role where it is not its element's
    unit: tuple[object, ...]  # which element of the issue: ("articles", 0, "title"), …
    size: float = 0.0
    breaks: tuple[int, ...] = ()  # where the editor broke it (a title's newlines), as offsets into `text`
    glyphs: list[Glyph | None] = field(default_factory=list)  # the glyph that printed each character
    image: tuple[int, audit.Box] | None = None  # a photo's page and place

    @property
    def printed(self) -> list[Glyph]:
        return [g for g in self.glyphs if g is not None]

    @property
    def placed(self) -> bool:
        """Whether anything of it was found in the PDF."""
        return bool(self.image or self.printed)

    @property
    def first_page(self) -> int:
        return self.image[0] if self.image else self.printed[0].page

    @property
    def last_page(self) -> int:
        return self.image[0] if self.image else self.printed[-1].page

    @property
    def top(self) -> float:
        """The top of its ink on its first page."""
        if self.image:
            return self.image[1].top
        return min(g.top for g in self.printed if g.page == self.first_page)

    @property
    def bottom(self) -> float:
        """The foot of its ink on its last page (of its glyphs' boxes)."""
        if self.image:
            return self.image[1].bottom
        return max(g.bottom for g in self.printed if g.page == self.last_page)

    def lines(self) -> list[list[tuple[int, Glyph]]]:
        """Its characters (with their offsets) grouped into the lines they were printed on."""
        lines: list[list[tuple[int, Glyph]]] = []
        for i, glyph in enumerate(self.glyphs):
            if glyph is None:
                continue
            if lines and lines[-1][-1][1].page == glyph.page and abs(
                    lines[-1][-1][1].baseline - glyph.baseline) <= 3:
                lines[-1].append((i, glyph))
            else:
                lines.append([(i, glyph)])
        return lines


def _piece(style: str, text: str, unit: tuple[object, ...], roles: list[str | None] | None = None,
           size: float | None = None) -> Piece:
    kept = [(c, r) for c, r in zip(text, roles or [None] * len(text), strict=True) if c.strip()]
    breaks = []
    count = 0
    for c in text:
        if c == "\n":
            breaks.append(count)
        elif c.strip():
            count += 1
    return Piece(style, "".join(c for c, _ in kept), [b for _, b in kept], unit,
                 L.ELEMENTS[style].size if size is None else size, tuple(breaks))


def pieces(issue: Issue) -> list[Piece]:
    """Every text of the issue as the layout prints it, in order."""
    out = []
    if issue.notice:
        out.append(_piece("notice", issue.notice, ("notice",)))
    out.append(_piece("name", issue.name, ("name",), size=masthead_size(issue.name)))
    if issue.kind != "正刊":
        out.append(_piece("kind", issue.kind, ("kind",)))
    out.append(_piece("number", issue.issue_line, ("number",)))
    for i, issuer in enumerate(issue.issuers):
        out.append(_piece("issuer", issuer, ("issuers", i)))
        if i == 0 and issue.compiled_by:
            out.append(_piece("issuer", issue.compiled_by, ("compiled_by",)))
        if i == len(issue.issuers) - 1:
            out.append(_piece("issuer", issue.date_text, ("date",)))
    if issue.shows_toc:
        out.append(_piece("toc-heading", "目录", ("toc",)))
        for i, (article, head) in enumerate(zip(issue.articles, column_heads(issue), strict=True)):
            if head:
                out.append(_piece("toc-item", head, ("toc", i, "column")))
            if article.toc_entry:
                out.append(_piece("toc-item", "※", ("toc", i, "mark")))
                out.append(_piece("toc-item", article.toc_entry, ("toc", i)))
    for i, (article, head) in enumerate(zip(issue.articles, column_heads(issue), strict=True)):
        unit = ("articles", i)
        if head:
            out.append(_piece("column", head, (*unit, "column")))
        for key, style in (("kicker", "kicker"), ("title", "title")):
            if text := getattr(article, key):
                out.append(_piece(style, text, (*unit, key)))
        for key, text in (("subtitle", subtitle_line(article)), ("byline", article.byline),
                          ("dateline", article.dateline)):
            if text:
                out.append(_piece(key, text, (*unit, key)))
        if article.note:
            text = "编者按：" + article.note
            out.append(_piece("note", text, (*unit, "note"), ["bold" if i < 4 else None for i in range(len(text))]))
        for j, block in enumerate(article.body):
            where = (*unit, "body", j)
            if isinstance(block, Prose):
                for k, paragraph in enumerate(block.paragraphs):
                    style = paragraph_style(paragraph)
                    roles = [span_role(span, "") or None if style != SUBHEAD else None  # a subhead: 黑体 throughout
                             for span in paragraph.spans for _ in span.text]
                    out.append(_piece(style, plain(paragraph.spans), (*where, k), roles))
            elif isinstance(block, Photo | PhotoRow):
                for k, photo in enumerate(block.photos if isinstance(block, PhotoRow) else [block]):
                    own = (*where, "photos", k) if isinstance(block, PhotoRow) else where
                    out.append(Piece("photo", "", [], (*own, "photo")))
                    if isinstance(block, PhotoRow):  # under it, centred in its width
                        out += [_piece("caption", text, (*own, "caption", n))
                                for n, text in enumerate(caption_paragraphs(photo.caption))]
                paragraphs = caption_paragraphs(block.caption)
                out += [_piece(caption_style(paragraphs), text, (*where, "caption", n))
                        for n, text in enumerate(paragraphs)]
                if block.credit:
                    out.append(_piece("credit", block.credit, (*where, "credit")))
            elif isinstance(block, Table):
                if block.caption:
                    out.append(_piece("table-head", block.caption, (*where, "table-caption")))
                for r, row in enumerate(block.table):
                    style = "table-head" if block.header and r == 0 else "table"
                    for c, cell in enumerate(row):
                        if cell.strip():
                            out.append(_piece(style, cell, (*where, "table", r, c)))
        for k, line in enumerate(reprint_lines(article)):
            out.append(_piece("source", line, (*unit, "source", k)))
    for label, text in issue.distribution.items():
        out.append(_piece("distribution", f"{label}：{text.removesuffix('。')}。", ("distribution", label)))
    for contact, value in issue.contacts.items():
        out.append(_piece("contacts", f"{contact}：{value}", ("contacts", contact)))
    for role, name in issue.signoff.items():
        out.append(_piece("signoff", f"{role}：{name}", ("signoff", role)))
    if issue.copies:
        out.append(_piece("signoff", f"共印{issue.copies}份", ("copies",)))
    return out


def kind_of(piece: Piece) -> str:
    """What a piece is for the keep rules: its style, or a table's caption."""
    return "table-caption" if piece.unit[-1] == "table-caption" else piece.style


@dataclass
class Measured:
    """An issue's PDF, its glyphs matched to the issue's pieces."""

    loaded: Loaded
    document: Document
    pieces: list[Piece]
    extra: list[tuple[int, str]]  # glyph runs printed that the issue does not have, with their page
    lost: list[tuple[Piece, str]]  # runs of the issue's text not printed
    repeated: list[tuple[int, str]]  # the table headers printed again at the top of a page
    images: int  # how many images the PDF has
    lost_at_breaks: set[int] = field(default_factory=set)  # which of `lost` fell between two printed lines

    @classmethod
    def of(cls, loaded: Loaded, pdf: Path) -> Measured:
        document = Document.read(pdf)
        parts = pieces(loaded.issue)
        repeated: list[tuple[int, str]] = []
        glyphs: list[Glyph] = []
        # Each table's header, and how often the issue's text holds it up to the header's end: a header at the
        # top of a page is drawn again when the text printed so far holds it as often (a caption or a cell
        # before it may hold the same words).
        issue_text = "".join(p.text for p in parts)
        header_ends: dict[tuple[object, ...], int] = {}
        offset = 0
        for piece in parts:
            offset += len(piece.text)
            if _in_table(piece) and piece.unit[5] == 0:
                header_ends[piece.unit[:5]] = offset
        headers = [(h, issue_text[: header_ends[unit]].count(h)) for unit, h in _headers(loaded.issue) if h]
        so_far = ""
        for page in document.pages:
            numbers = set(page.page_number.glyphs) if page.page_number else set()
            drawn = [g for g in page.glyphs for _ in g.text if g not in numbers]  # one per character
            text = "".join(g.text for g in dict.fromkeys(drawn))
            again = max((h for h, times in headers if text.startswith(h) and so_far.count(h) >= times),
                        key=len, default="")
            if again:  # a table's header drawn again at the top of a page it runs on to
                repeated.append((page.number, again))
                drawn = drawn[len(again):]
            so_far += "".join(g.text for g in dict.fromkeys(drawn))
            glyphs += drawn
        expected = [(piece, i) for piece in parts for i in range(len(piece.text))]
        printed = "".join(c for g in dict.fromkeys(glyphs) for c in g.text)
        matcher = difflib.SequenceMatcher(None, "".join(p.text for p in parts), printed, autojunk=False)
        for piece in parts:
            piece.glyphs = [None] * len(piece.text)
        extra, lost, at_breaks = [], [], set()
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                for k in range(i2 - i1):
                    piece, offset = expected[i1 + k]
                    piece.glyphs[offset] = glyphs[j1 + k]
                continue
            if j2 > j1:
                extra.append((glyphs[j1].page, "".join(g.text for g in glyphs[j1:j2])))
            if i2 > i1:
                lost.append((expected[i1][0], "".join(expected[k][0].text[expected[k][1]] for k in range(i1, i2))))
                if 0 < j1 < len(glyphs) and (glyphs[j1 - 1].page, glyphs[j1 - 1].baseline) != (
                        glyphs[j1].page, glyphs[j1].baseline):
                    at_breaks.add(len(lost) - 1)
        images = [(page.number, box) for page in document.pages for box in page.boxes if box.kind == "image"]
        photos = [piece for piece in parts if piece.style == "photo"]
        if len(images) == len(photos):
            for piece, image in zip(photos, images, strict=True):
                piece.image = image
        return cls(loaded, document, parts, extra, lost, repeated, len(images), at_breaks)


# --- the invariants ------------------------------------------------------------------------------------


def check_text(m: Measured) -> Iterator[str]:
    """Every character of the issue printed, in order; nothing printed twice but a table's repeated header.
    (A row too tall for a page prints the rest of its cells on the next: that text comes after the row's
    other cells, and is in order still.)"""
    moved = sorted({text for piece, text in m.lost if _in_table(piece)}, key=len, reverse=True)
    for page, text in m.extra:
        rest = text
        for tail in moved:  # the tails of several cells of a split row print one after the other
            rest = rest.replace(tail, "", 1)
        if rest:
            yield f"p{page}: printed but not in the issue (or out of order): «{text[:60]}»"
    printed = [text for _, text in m.extra]
    for piece, text in m.lost:
        if not (_in_table(piece) and any(text in run for run in printed)):
            yield f"{_where(piece)}: not printed (or out of order): «{text[:60]}»"


def header_text(table: Table) -> str:
    """What a table's header row prints, without spaces."""
    return "".join(c for cell in table.table[0] for c in cell if c.strip()) if table.header else ""





def _tables(issue: Issue) -> Iterator[Table]:
    for _, table in _units(issue):
        yield table


def _units(issue: Issue) -> Iterator[tuple[tuple[object, ...], Table]]:
    for i, article in enumerate(issue.articles):
        for j, block in enumerate(article.body):
            if isinstance(block, Table):
                yield ("articles", i, "body", j, "table"), block


def _headers(issue: Issue) -> Iterator[tuple[tuple[object, ...], str]]:
    """Each table's unit and what its header row prints."""
    for unit, table in _units(issue):
        yield unit, header_text(table)


def check_faces(m: Measured) -> Iterator[str]:
    """Each element in its role's face (the face of the chain that has the character) and size."""
    chains = Typesetter(m.loaded.issue, m.loaded.path.parent).chains
    wrong: dict[tuple[str, str], list[str]] = defaultdict(list)
    for piece in m.pieces:
        element = L.ELEMENTS[piece.style]
        for char, own, glyph in zip(piece.text, piece.roles, piece.glyphs, strict=True):
            if glyph is None:
                continue
            role = own or element.role
            face = chains[role].face_for(char)  # type: ignore[index]
            expected = "bulletin-" + face.family.replace(" ", "-") if face else "?"
            if glyph.font.split(",")[0] != expected or abs(glyph.size - piece.size) > audit.SIZE:
                key = (piece.style, f"{expected} {piece.size:g}pt, got {glyph.font} {glyph.size:g}pt")
                wrong[key].append(char)
    for (style, detail), chars in wrong.items():
        yield f"{style}: expected {detail}: «{''.join(chars)[:40]}» ({len(chars)} characters)"


def check_lines(m: Measured) -> Iterator[str]:
    """Every line of a justified element but its last flush on both sides; titles and all that breaks keep
    the line-start and line-end rules (but in a table cell narrower than what may not break, which no
    break can keep); a title breaks only between words, and where its editor broke it."""
    cramped = _cramped_cells(m)
    for piece in m.pieces:
        lines = piece.lines()
        if len(lines) < 2 and not piece.breaks:
            continue
        for b_start in (next_line[0][0] for next_line in lines[1:]):
            if b_start in piece.breaks or piece.unit in cramped:
                continue  # where the editor broke the line, or no break could keep the rules
            before, after = piece.text[b_start - 1], piece.text[b_start]
            if after in NO_START or before in NO_END:
                yield f"{_where(piece)}: a line breaks between «{before}» and «{after}»: «{_around(piece, b_start)}»"
            if before in "—…" and after == before:
                yield f"{_where(piece)}: «{before * 2}» split over two lines"
        if piece.style in JUSTIFIED:
            yield from _flush(piece, lines)
        if piece.style in ("title", "subhead"):
            yield from _title_breaks(piece, lines)


def _cramped_cells(m: Measured) -> set[tuple[object, ...]]:
    """The table cells whose column is narrower than the widest run of their text that may not break (and the
    captions of photos side by side whose photo is)."""
    typesetter = Typesetter(m.loaded.issue, m.loaded.path.parent)
    frame = 2 * L.TABLE_PADDING_PT[1] + L.TABLE_RULE_PT
    cramped: set[tuple[object, ...]] = set()
    for i, article in enumerate(m.loaded.issue.articles):
        for j, block in enumerate(article.body):
            if isinstance(block, PhotoRow):  # a caption under a photo narrower than its longest unbreakable run
                cells = typesetter.photo_row(block).photos
                for k, (photo, cell) in enumerate(zip(block.photos, cells, strict=True)):
                    for n, text in enumerate(caption_paragraphs(photo.caption)):
                        if typesetter._widest(text, "caption") > cell.cell_mm * MM + 0.01:
                            cramped.add(("articles", i, "body", j, "photos", k, "caption", n))
            if not isinstance(block, Table):
                continue
            shares = typesetter.table(block).widths
            for r, row in enumerate(block.table):
                style = "table-head" if block.header and r == 0 else "table"
                for c, text in enumerate(row):
                    if typesetter._widest(text, style) > L.type_width_pt() * shares[c] / 100 - frame + 0.01:
                        cramped.add(("articles", i, "body", j, "table", r, c))
    return cramped


def _flush(piece: Piece, lines: list[list[tuple[int, Glyph]]]) -> Iterator[str]:
    element = L.ELEMENTS[piece.style]
    inset = L.COLOPHON_INDENT_CHARS * element.size if piece.style == "distribution" else 0.0
    for number, line in enumerate(lines[:-1]):
        x1 = line[-1][1].x1
        if abs(x1 - (RIGHT - inset)) > EDGE:
            yield (f"{_where(piece)}: line {number + 1} of {len(lines)} ends at {x1 / MM:.2f} mm, not at the right "
                   f"edge {(RIGHT - inset) / MM:.2f} mm: «{''.join(g.text for _, g in line)[:40]}»")
    if piece.style in ("p", "h1", "h2", "h3", "h4", "note", "story"):
        for number, line in enumerate(lines):
            x0, target = line[0][1].x0, LEFT + L.indent_pt(element) if number == 0 else LEFT
            if abs(x0 - target) > EDGE:
                yield (f"{_where(piece)}: line {number + 1} starts at {x0 / MM:.2f} mm, not at {target / MM:.2f} mm: "
                       f"«{''.join(g.text for _, g in line)[:40]}»")


def _title_breaks(piece: Piece, lines: list[list[tuple[int, Glyph]]]) -> Iterator[str]:
    from bulletin.words import boundaries

    starts = [line[0][0] for line in lines[1:]]
    allowed = boundaries(piece.text)
    for start in starts:
        if start not in allowed and start not in piece.breaks and not _wider_than_a_line(piece, start, allowed):
            yield f"{_where(piece)}: the title breaks inside a word: «{_around(piece, start)}»"
    for wanted in piece.breaks:
        if wanted not in starts:
            yield f"{_where(piece)}: the editor's break is not a line break: «{_around(piece, wanted)}»"


def _wider_than_a_line(piece: Piece, at: int, ends: frozenset[int]) -> bool:
    """Whether the word around offset `at` is wider than the type area as printed: it has to break."""
    start = max((end for end in ends if end < at), default=0)
    stop = min((end for end in ends if end > at), default=len(piece.text))
    glyphs = [g for g in piece.glyphs[start:stop] if g is not None]
    return sum(g.x1 - g.x0 for g in glyphs) > RIGHT - LEFT - EDGE


def _around(piece: Piece, at: int) -> str:
    return f"{piece.text[max(0, at - 6):at]}|{piece.text[at:at + 6]}"


def check_keep(m: Measured) -> Iterator[str]:
    """No title, kicker, heading (or table caption) as the last thing on a page: each shares its page with
    the first line of what follows (the colophon has a place of its own and follows nothing). A heading that
    ends its article heads nothing: it is not held to the next article's title."""
    placed = [p for p in m.pieces if p.placed and p.unit[0] not in COLOPHON]
    for piece, following in zip(placed, placed[1:], strict=False):
        trailing = piece.style in HEADINGS and following.unit[:2] != piece.unit[:2]
        if kind_of(piece) in KEPT_WITH_NEXT and not trailing and following.first_page != piece.last_page:
            yield f"{_where(piece)}: ends page {piece.last_page}, what follows it starts the next"


def check_photos(m: Measured) -> Iterator[str]:
    """Each photo (or row of photos side by side) centred in the type area, its captions and credit under it
    on its page."""
    photos = [piece for piece in m.pieces if piece.style == "photo"]
    if m.images != len(photos):
        yield f"{len(photos)} photos in the issue, {m.images} images in the PDF"
        return
    blocks: dict[tuple[object, ...], list[Piece]] = defaultdict(list)
    for photo in photos:
        blocks[photo.unit[:4]].append(photo)
    typesetter = Typesetter(m.loaded.issue, m.loaded.path.parent)
    for block, row in blocks.items():
        boxes = [photo.image[1] for photo in row if photo.image]
        centre = (min(box.x0 for box in boxes) + max(box.x1 for box in boxes)) / 2
        item = m.loaded.issue.articles[int(block[1])].body[int(block[3])]  # type: ignore[call-overload]
        if isinstance(item, PhotoRow):  # the row of cells is centred, each photo in its cell
            cells = [cell.cell_mm * MM for cell in typesetter.photo_row(item).photos]
            centre = ((boxes[0].x0 + boxes[0].x1 - cells[0]) / 2 + (boxes[-1].x0 + boxes[-1].x1 + cells[-1]) / 2) / 2
        page = row[0].image[0] if row[0].image else 0
        if abs(centre - (LEFT + RIGHT) / 2) > EDGE:
            yield f"p{page}: {_where(row[0])}: centred at {centre / MM:.1f} mm, not {(LEFT + RIGHT) / 2 / MM:.1f} mm"
        if len({photo.image[0] for photo in row if photo.image}) > 1:
            yield f"p{page}: {_where(row[0])}: the photos side by side print on different pages"
        bottom = max(box.bottom for box in boxes)
        for piece in m.pieces:
            if piece.unit[:4] != block or piece.style == "photo" or not piece.printed:
                continue
            pages = {g.page for g in piece.printed}
            if pages != {page}:
                yield f"p{page}: {_where(row[0])}: its {_where(piece)} is on page(s) {sorted(pages)}, not with it"
            elif piece.top < (_own_box(piece, row).bottom if piece.unit[4] == "photos" else bottom) - 0.5:
                yield f"p{page}: {_where(row[0])}: its {_where(piece)} is not under the photo"


def _own_box(piece: Piece, row: list[Piece]) -> audit.Box:
    """The image of the photo a caption side by side belongs to."""
    photo = next(photo for photo in row if photo.unit[:6] == piece.unit[:6])
    assert photo.image
    return photo.image[1]


def check_tables(m: Measured) -> Iterator[str]:
    """A table continued on a new page repeats its header there and leaves two rows or more on each page."""
    headers: dict[str, set[int]] = {}
    for page, text in m.repeated:
        headers.setdefault(text, set()).add(page)
    for i, article in enumerate(m.loaded.issue.articles):
        for j, block in enumerate(article.body):
            if not isinstance(block, Table):
                continue
            name = f"articles[{i}].body[{j}]"
            rows: dict[int, set[int]] = defaultdict(set)  # row -> its pages
            glyphs: dict[int, list[Glyph]] = defaultdict(list)
            for piece in m.pieces:
                if piece.unit[:5] == ("articles", i, "body", j, "table"):
                    rows[int(piece.unit[5])].update(g.page for g in piece.printed)  # type: ignore[call-overload]
                    glyphs[int(piece.unit[5])] += piece.printed  # type: ignore[call-overload]
            height = {r: _row_height(glyphs[r]) for r in rows}
            split = [r for r, pages in rows.items() if len(pages) > 1 and height[r] <= KEPT_ROWS]
            if split:
                yield f"{name}: row(s) {split} split across pages"
            first = 1 if block.header else 0
            per_page: dict[int, int] = defaultdict(int)
            for r, pages in rows.items():
                if r >= first and pages:
                    per_page[min(pages)] += 1
            if len(per_page) < 2:
                continue
            body = sorted(r for r in rows if r >= first)
            pair_first = sum(height[r] for r in body[:2]) + sum(height[r] for r in rows if r < first)
            pair_last = sum(height[r] for r in body[-2:])
            ends = {min(rows[body[0]]): pair_first <= KEPT_ROWS, min(rows[body[-1]]): pair_last <= KEPT_ROWS}
            # Inside the table, a page of one row is a fault only if that row and the next could share a page
            # under the header repeated there.
            room = PAGE_HEIGHT - sum(height[r] for r in rows if r < first)
            alone = {min(rows[r]): r for r in body if per_page[min(rows[r])] == 1}
            fits = {page: r == body[-1] or height[r] + height[body[body.index(r) + 1]] <= room
                    for page, r in alone.items()}
            lone = {page for page, count in per_page.items()
                    if count < 2 and ends.get(page, True) and fits.get(page, True)}
            if lone:
                yield f"{name}: {sorted(per_page.items())} rows a page: a lone row on page(s) {sorted(lone)}"
            if block.header:
                header = header_text(block)
                missing = [page for page in sorted(per_page)[1:] if page not in headers.get(header, set())]
                if header and missing:
                    yield f"{name}: continued on page(s) {missing} without its header"


def _row_height(glyphs: list[Glyph]) -> float:
    """A table row's height, from its text (its tallest cell's lines on all its pages) and its cells' frame."""
    by_page: dict[int, list[Glyph]] = defaultdict(list)
    for glyph in glyphs:
        by_page[glyph.page].append(glyph)
    size = L.ELEMENTS["table"].size
    frame = 2 * (L.TABLE_PADDING_PT[0] + (L.TABLE_LINE_HEIGHT - 1) * size / 2) + L.TABLE_RULE_PT
    return sum(max(g.bottom for g in part) - min(g.top for g in part) for part in by_page.values()) + frame


def check_page_ends(m: Measured) -> Iterator[str]:
    """No page ends more than two body lines short, unless what starts the next could not fit there."""
    placed = [p for p in m.pieces if p.placed]
    drop = _baseline_drop(m.document)
    for page in m.document.pages[:-1]:
        bottom = _content_bottom(page, drop)
        if bottom is None:
            yield f"p{page.number}: an empty page"
            continue
        empty = int((BOTTOM - bottom) / PITCH + 0.01)
        following = [p for p in placed if p.first_page == page.number + 1]
        if empty <= MAX_EMPTY_LINES or not following:
            continue
        need = _kept_height(following[0], placed, m) + _margin_above(following[0], m)
        index = placed.index(following[0])
        if index and _in_table(placed[index - 1]) and not _in_table(following[0]):
            need += L.TABLE_MARGIN_LINES * PITCH  # the space under the table the page ends with
        if need <= (BOTTOM - bottom) + 0.5:
            yield (f"p{page.number}: ends {empty} body lines short ({(BOTTOM - bottom) / MM:.1f} mm) although what "
                   f"starts page {page.number + 1} needs only {need / MM:.1f} mm: «{following[0].text[:20]}»")


def _content_bottom(page: audit.Page, drop: float) -> float | None:
    """The foot of the last line box (or image) of a page; `drop` is how far under the top of its line box
    a line's baseline lies."""
    bottoms = [g.baseline + PITCH - drop for g in page.glyphs
               if not (page.page_number and g in set(page.page_number.glyphs))]
    bottoms += [box.bottom for box in page.boxes  # images, and the rules of a table
                if box.kind == "image" or box.bottom <= BOTTOM + EDGE]
    return max(bottoms) if bottoms else None


def _baseline_drop(document: Document) -> float:
    """How far under the top of its line box a line of the grid has its baseline: measured where a page's
    first line is at the top of the type area."""
    drops = [page.lines[0].baseline - audit.TOP for page in document.pages[1:]
             if page.lines and page.lines[0].sized(L.BODY_SIZE_PT) and page.lines[0].baseline - audit.TOP < PITCH]
    return min(drops) if drops else BASELINE_DROP


def _margin_above(piece: Piece, m: Measured) -> float:
    """The space the layout keeps above a piece that starts an article: two lines for the first after the
    masthead or 目录, one for the rest (a page's top takes none); half a line above a table."""
    if piece.unit[0] != "articles":
        return 0.0
    if _in_table(piece) or piece.unit[-1] == "table-caption":
        return PITCH / 2 if _first_rows(piece, m) else 0.0
    if next(p for p in m.pieces if p.unit[:2] == piece.unit[:2]) is not piece:
        return 0.0  # not what the article begins with (its column's heading, kicker, title, or a photo)
    return (2 if piece.unit[1] == 0 else 1) * PITCH


def _first_rows(piece: Piece, m: Measured) -> bool:
    """Whether a table piece is on the page where its table starts."""
    return any(p.unit[:4] == piece.unit[:4] and _in_table(p) and p.printed and p.first_page < piece.first_page
               for p in m.pieces) is False


def _rows_kept_first(piece: Piece, m: Measured) -> int:
    """How many rows of a table must stand under its header on the page it starts: two (the least the check
    asks of a page's first rows), and so many more that the rest is not one row alone where bulletin.typeset
    ties the last two (keep_last: a table of three rows never breaks)."""
    article, block = int(piece.unit[1]), int(piece.unit[3])  # type: ignore[call-overload]
    table = m.loaded.issue.articles[article].body[block]
    assert isinstance(table, Table)
    tied = Typesetter(m.loaded.issue, m.loaded.path.parent).table(table)
    count, first = len(tied.rows), 2
    while first < count and count - first < (2 if tied.keep_last else 1):
        first += 1
    return min(first, count)


def _kept_height(piece: Piece, placed: list[Piece], m: Measured) -> float:
    """The height, on the page it starts, of what must go with the first line of `piece`: a title with the
    first line after it, a photo with its caption and credit, a table's header with two rows, the colophon
    whole."""
    index = placed.index(piece)
    if piece.unit[0] in COLOPHON:  # from its first rule to the bottom of the type area, where it stands
        page = next(page for page in m.document.pages if page.number == piece.first_page)
        rules = [rule.top_mm * MM for rule in page.rules
                 if rule.length_mm >= audit.FULL_RULE_MM and rule.top_mm * MM <= piece.top]
        return BOTTOM - (max(rules) if rules else piece.top)
    group = [piece]
    while kind_of(group[-1]) in KEPT_WITH_NEXT and index + len(group) < len(placed):
        group.append(placed[index + len(group)])
    last = group[-1]
    drop = _baseline_drop(m.document)
    top = piece.top if piece.image or _in_table(piece) else piece.lines()[0][0][1].baseline - drop  # its line box
    if _in_table(last):  # rows never split and go at least two to a page, under the header
        cells = [p for p in placed if p.unit[:4] == last.unit[:4] and _in_table(p) and p.first_page == last.first_page]
        header = [p for p in cells if p.style == "table-head"]
        rows = sorted({int(p.unit[5]) for p in cells if p not in header})[:_rows_kept_first(last, m)]  # type: ignore[call-overload]
        glyphs = [g for p in cells if p in header or p.unit[5] in rows for g in p.printed]
        size = L.ELEMENTS["table"].size
        frame = L.TABLE_PADDING_PT[0] + (L.TABLE_LINE_HEIGHT - 1) * size / 2 + L.TABLE_RULE_PT  # around a cell's text
        # The rows run between the table's rules: measured on them where they are drawn, not guessed from the text.
        page = next(page for page in m.document.pages if page.number == last.first_page)
        thin = 2 * L.TABLE_RULE_PT + 1
        rules = [box.top for box in page.boxes if box.kind != "image" and box.bottom - box.top < thin]
        text_top, text_bottom = min(g.top for g in glyphs), max(g.bottom for g in glyphs)
        under, over = [y for y in rules if y >= text_bottom], [y for y in rules if y <= text_top]
        if last is piece:
            top = max(over) if over else text_top - frame
        return (min(under) + L.TABLE_RULE_PT if under else text_bottom + frame) - top
    if last.style == "photo":  # a photo goes whole, in its frame of whole lines, with its caption and credit
        assert last.image
        box = last.image[1]
        frame = math.ceil((box.bottom - box.top) / PITCH - 0.01) * PITCH
        frame_top = box.top - (frame - (box.bottom - box.top)) / 2
        if last is piece:
            top = frame_top
        # Its block goes whole: the photos side by side, their captions, the caption and credit under them.
        texts = [p for p in placed if p.unit[:4] == last.unit[:4] and p.style != "photo" and p.printed
                 and p.first_page == last.image[0]]
        bottom = max([frame_top + frame] + [max(g.baseline for g in p.printed) + PITCH - drop for p in texts])
        return bottom - top
    first_line = last.lines()[0]
    return max(g.baseline for _, g in first_line) + PITCH - drop - top


def _in_table(piece: Piece) -> bool:
    """A cell of a table (its caption is not: it is kept with the table as a title is)."""
    return len(piece.unit) > 5 and piece.unit[4] == "table"


def check_audit(m: Measured) -> Iterator[str]:
    """What `bulletin audit` measures on any bulletin (type area, pitch, lines a page, justification,
    page numbers, the colophon at the foot)."""
    report = audit.Report()
    for check in audit.CHECKS:
        check(m.document, report)
    for finding in report.errors:
        yield str(finding)
    issue = m.loaded.issue
    if not (issue.distribution or issue.contacts or issue.signoff or issue.copies):
        last = m.document.pages[-1]
        # A rule at the foot that has another of its span above it is a table's (its last row ends there).
        low = [rule for rule in last.rules if abs(rule.bottom_mm * MM - BOTTOM) <= audit.COLOPHON_SLACK
               and not any(other is not rule and other.bottom_mm < rule.top_mm and abs(other.left_mm - rule.left_mm)
                           < 0.5 and abs(other.length_mm - rule.length_mm) < 0.5 for other in last.rules)]
        if low:
            yield f"p{last.number}: no colophon, yet a rule at its place: {low[0]}"


CHECKS = {
    "audit": check_audit,
    "text": check_text,
    "faces": check_faces,
    "lines": check_lines,
    "keep": check_keep,
    "photos": check_photos,
    "tables": check_tables,
    "page-ends": check_page_ends,
}


def violations(loaded: Loaded, pdf: Path) -> dict[str, list[str]]:
    """Every invariant's violations on an issue's PDF (empty lists when it holds)."""
    measured = Measured.of(loaded, pdf)
    return {name: list(check(measured)) for name, check in CHECKS.items()}


def _where(piece: Piece) -> str:
    parts = ""
    for part in piece.unit:
        parts += f"[{part}]" if isinstance(part, int) else f".{part}" if parts else str(part)
    return parts
