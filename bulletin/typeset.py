"""Typesetting: the issue broken into justified lines with their fonts, ready for the HTML template."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from bulletin import layout as L
from bulletin.fonts import Chain
from bulletin.linebreak import break_lines
from bulletin.markup import Span
from bulletin.model import Article, Issue, Photo, Prose, Role, Table

FieldPath = tuple[str | int, ...]


@dataclass(frozen=True)
class SetLine:
    """One line as set: its runs of text and its letter-spacing in points."""

    spans: tuple[Span, ...]
    spacing: float
    isolated: bool  # its text is in another face or size than the line's strut (the body face)


@dataclass(frozen=True)
class Block:
    """A paragraph-like block: its style (a CSS class), its lines, and an optional hanging marker."""

    style: str
    lines: tuple[SetLine, ...]
    marker: str = ""
    hang: float = 0.0  # points: the width the marker hangs in
    spacing: float = 0.0  # points: the natural letter-spacing of its lines (those not pushed in or out)


@dataclass(frozen=True)
class PhotoBlock:
    """A photo, its caption and credit."""

    src: str
    width: float
    caption: Block | None
    credit: str | None


@dataclass(frozen=True)
class TableBlock:
    """A table, as cells of text."""

    rows: list[list[str]]
    header: bool
    widths: list[float]
    caption: str | None


@dataclass(frozen=True)
class SetArticle:
    """An article as set."""

    bookmark: str
    kicker: Block | None
    title: Block
    subtitle: Block | None
    byline: Block | None
    dateline: Block | None
    note: Block | None
    blocks: list[Block | PhotoBlock | TableBlock]
    source: list[Block]


@dataclass(frozen=True)
class Colophon:
    """The colophon (版记) as set."""

    distribution: list[Block]
    contacts: list[list[str]]
    signoff: list[str]
    copies: str | None


@dataclass
class Typesetter:
    """Sets the issue's text with the fonts of its elements' roles (layout.ELEMENTS)."""

    issue: Issue
    chains: dict[Role, Chain] = field(init=False)

    def __post_init__(self) -> None:
        self.chains = self.issue.font_chains()

    def justified(self, spans: tuple[Span, ...], style: str, *, hang: float = 0.0, inset: float = 0.0,
                  marker: str = "") -> Block:
        """A justified paragraph: the first line indented as its element says, every line hanging
        after a marker when there is one."""
        element = L.ELEMENTS[style]
        width = L.type_width_pt() - hang - inset
        indent = element.indent * L.char_pitch_pt()
        spacing = L.grid_spacing_pt(element.size) if element.size == L.BODY_SIZE_PT else 0.0
        return Block(style, self._lines(spans, element, (width - indent, width), spacing), marker, hang, spacing)

    def ragged(self, text: str, style: str, *, balance: bool = False) -> Block:
        """Lines broken where Chinese allows but not justified (the element centres or aligns them);
        balanced in length when asked (titles)."""
        element, spans, width = L.ELEMENTS[style], (Span(text),), L.type_width_pt()
        lines = self._lines(spans, element, (width, width), 0.0)
        if balance and len(lines) > 1:
            low, high = width / len(lines), width
            while high - low > 1:
                middle = (low + high) / 2
                if len(self._lines(spans, element, (middle, middle), 0.0)) > len(lines):
                    low = middle
                else:
                    high = middle
            lines = self._lines(spans, element, (high, high), 0.0)
        return Block(style, tuple(SetLine(line.spans, 0.0, line.isolated) for line in lines))

    def spread(self, texts: list[str], style: str) -> list[tuple[str, float]]:
        """Texts set to the width of the longest, by letter-spacing (the stacked 编印单位)."""
        element = L.ELEMENTS[style]
        chain = self.chains[element.role]  # type: ignore[index]
        widths = [sum(chain.advance(c) for c in text) * element.size for text in texts]
        longest = max(widths)
        return [(text, (longest - width) / max(len(text) - 1, 1)) for text, width in zip(texts, widths, strict=True)]

    def _lines(self, spans: tuple[Span, ...], element: L.Element, widths: tuple[float, float],
               spacing: float) -> tuple[SetLine, ...]:
        text = "".join(span.text for span in spans)
        styles = [span.bold for span in spans for _ in span.text]
        advances = [
            self.chains["bold" if bold else element.role].advance(char) * element.size  # type: ignore[index]
            for char, bold in zip(text, styles, strict=True)
        ]
        squeeze = L.MAX_SQUEEZE_EM * element.size
        strut = element.role == L.BODY_ROLE and element.size == L.BODY_SIZE_PT
        return tuple(
            SetLine(_spans(text[line.start : line.end], styles[line.start : line.end]), line.spacing,
                    not (strut and self._in_strut_face(text, styles, line.start, line.end)))
            for line in break_lines(text, advances, widths, spacing, squeeze)
        )

    def _in_strut_face(self, text: str, bolds: list[bool], start: int, end: int) -> bool:
        """Whether characters [start, end) are all set in the face that gives every line its height and
        baseline (the body role's first face): only text in another face needs a box of its own, one that
        cannot move the baseline off the grid (its ascent may differ)."""
        chain = self.chains[L.BODY_ROLE]  # type: ignore[index]
        return not any(bolds[start:end]) and all(chain.face_for(char) == chain.installed[0] for char in text[start:end])

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
        for path, text, style, start in _texts(self.issue):
            yield path, text, L.ELEMENTS[style].role, start  # type: ignore[misc]
        for i, article in enumerate(self.issue.articles):
            for j, block in enumerate(article.body):
                if isinstance(block, Prose):
                    for paragraph in block.paragraphs:
                        for span in paragraph.spans:
                            if span.bold:
                                yield ("articles", i, "body", j), span.text, "bold", paragraph.offset


def _texts(issue: Issue) -> Iterator[tuple[FieldPath, str, str, int]]:
    """Every text of the issue with the element that sets it."""
    yield ("name",), issue.name, "name", 0
    yield ("kind",), issue.kind, "kind", 0
    yield ("number",), issue.issue_line, "number", 0
    yield ("date",), issue.date_text, "issuer", 0
    yield ("toc",), "目　录※", "toc-heading", 0  # what the template itself prints
    yield ("toc",), "※", "p", 0
    yield (), "— 0123456789", "page-number", 0
    for i, issuer in enumerate(issue.issuers):
        yield ("issuers", i), issuer, "issuer", 0
    for key, text, style in (("compiled_by", issue.compiled_by, "issuer"), ("notice", issue.notice, "notice")):
        if text:
            yield (key,), text, style, 0
    for i, article in enumerate(issue.articles):
        yield from _article_texts(("articles", i), article)
    for group, style in (("distribution", "distribution"), ("contacts", "contacts"), ("signoff", "signoff")):
        for key, value in getattr(issue, group).items():
            yield (group, key), f"{key}：{value}。", style, 0
    if issue.copies:
        yield ("copies",), f"共印{issue.copies}份", "signoff", 0


ARTICLE_FIELDS = {"title": "title", "subtitle": "subtitle", "toc_title": "toc-item", "kicker": "kicker",
                  "byline": "byline", "dateline": "dateline", "note": "note", "source": "source",
                  "author": "source", "link": "source"}


def _article_texts(path: FieldPath, article: Article) -> Iterator[tuple[FieldPath, str, str, int]]:
    for key, style in ARTICLE_FIELDS.items():
        if text := getattr(article, key):
            yield (*path, key), text, style, 0
    if article.subtitle:
        yield (*path, "subtitle"), "——", "subtitle", 0
    for line in reprint_lines(article):
        yield (*path, "source"), line, "source", 0
    for j, block in enumerate(article.body):
        if isinstance(block, Prose):
            for paragraph in block.paragraphs:
                text = "".join(span.text for span in paragraph.spans)
                yield (*path, "body", j), text, HEADING_STYLES[paragraph.level], paragraph.offset
        elif isinstance(block, Photo):
            for key in ("caption", "credit"):
                if text := getattr(block, key):
                    yield (*path, "body", j, key), text, key, 0
        elif isinstance(block, Table):
            for r, row in enumerate(block.table):
                for c, cell in enumerate(row):
                    style = "table-head" if block.header and r == 0 else "table"
                    yield (*path, "body", j, "table", r, c), cell, style, 0


def _spans(text: str, bolds: list[bool]) -> tuple[Span, ...]:
    """Regroup characters into runs of one style."""
    runs, start = [], 0
    for end in range(1, len(text) + 1):
        if end == len(text) or bolds[end] != bolds[start]:
            runs.append(Span(text[start:end], bolds[start]))
            start = end
    return tuple(runs)


HEADING_STYLES = {0: "p", 1: "h1", 2: "h2", 3: "h3", 4: "h4"}


def set_issue(issue: Issue, typesetter: Typesetter) -> dict[str, object]:
    """The template context: masthead, 目录, articles and colophon, all set in lines."""
    t = typesetter
    hang = L.INDENT_CHARS * L.char_pitch_pt()
    articles = [_set_article(article, t) for article in issue.articles]
    toc = [t.justified((Span(article.toc_entry),), "toc-item", hang=hang, marker="※") for article in issue.articles
           ] if issue.shows_toc else []
    size = L.ELEMENTS["distribution"].size
    distribution = [
        t.justified((Span(text if text.endswith("。") else text + "。"),), "distribution",
                    hang=(len(label) + 1) * size, inset=2 * L.COLOPHON_INDENT_CHARS * size, marker=f"{label}：")
        for label, text in issue.distribution.items()
    ]
    contacts = [f"{label}：{value}" for label, value in issue.contacts.items()]
    colophon = Colophon(
        distribution,
        [contacts[i : i + 2] for i in range(0, len(contacts), 2)],
        [f"{role}：{name}" for role, name in issue.signoff.items()],
        f"共印{issue.copies}份" if issue.copies else None,
    )
    return {"issue": issue, "articles": articles, "toc": toc, "colophon": colophon,
            "name_size": masthead_size(issue.name), "issuers": t.spread(issue.issuers, "issuer")}


def masthead_size(name: str) -> float:
    """The masthead name's size: as large as allowed, and never wider than the type area."""
    return min(L.MASTHEAD_MAX_SIZE_PT, L.type_width_pt() / max(len(name), 1))


def _set_article(article: Article, t: Typesetter) -> SetArticle:
    def ragged(text: str | None, style: str) -> Block | None:
        return t.ragged(text, style) if text else None

    blocks: list[Block | PhotoBlock | TableBlock] = []
    for item in article.body:
        if isinstance(item, Prose):
            blocks += [t.justified(p.spans, HEADING_STYLES[p.level]) for p in item.paragraphs]
        elif isinstance(item, Photo):
            blocks.append(PhotoBlock(f"asset:{item.photo.as_posix()}", item.width, ragged(item.caption, "caption"),
                                     item.credit))
        else:
            columns = len(item.table[0])
            blocks.append(TableBlock(item.table, item.header, item.widths or [1.0] * columns, item.caption))
    note = t.justified((Span("编者按：", bold=True), Span(article.note)), "note") if article.note else None
    return SetArticle(
        bookmark=article.title,
        kicker=ragged(article.kicker, "kicker"),
        title=t.ragged(article.title, "title", balance=True),
        subtitle=ragged(subtitle_line(article), "subtitle"),
        byline=ragged(article.byline, "byline"),
        dateline=ragged(article.dateline, "dateline"),
        note=note,
        blocks=blocks,
        source=[t.ragged(line, "source") for line in reprint_lines(article)],
    )


def subtitle_line(article: Article) -> str | None:
    """The subtitle as printed, after a dash."""
    return f"——{article.subtitle}" if article.subtitle else None


def reprint_lines(article: Article) -> list[str]:
    """The source lines of a reprint: 来源 and 作者 on one line, 原文链接 on the next."""
    credits = "　".join(f"{label}：{value}" for label, value in (("来源", article.source), ("作者", article.author))
                        if value)
    return [line for line in (credits, f"原文链接：{article.link}" if article.link else "") if line]
