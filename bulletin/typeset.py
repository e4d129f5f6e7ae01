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
    justified: bool


@dataclass(frozen=True)
class Block:
    """A paragraph-like block: its style (a CSS class), its lines, and an optional hanging marker."""

    style: str
    lines: tuple[SetLine, ...]
    marker: str = ""
    hang: float = 0.0  # points: the width the marker hangs in


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
    """Sets the issue's text with the fonts of its roles."""

    issue: Issue
    chains: dict[Role, Chain] = field(init=False)

    def __post_init__(self) -> None:
        roles: tuple[Role, ...] = ("xiaobiaosong", "fangsong", "kaiti", "heiti", "songti", "bold")
        self.chains = {role: Chain(role, self.issue.font_chain(role)) for role in roles}

    def justified(self, spans: tuple[Span, ...], role: Role, style: str, *, size: float = L.BODY_SIZE_PT,
                  indent: float = 0.0, hang: float = 0.0, inset: float = 0.0, marker: str = "") -> Block:
        """A justified paragraph: the first line indented, the rest flush, all hanging after a marker."""
        width = L.type_width_pt() - hang - inset
        spacing = L.grid_spacing_pt(size) if size == L.BODY_SIZE_PT else 0.0
        return Block(style, self._lines(spans, role, size, (width - indent, width), spacing), marker, hang)

    def ragged(self, text: str, role: Role, style: str, *, size: float = L.BODY_SIZE_PT,
               balance: bool = False) -> Block:
        """Lines broken where Chinese allows but not justified (the style centres or aligns them);
        balanced in length when asked (titles)."""
        spans = (Span(text),)
        width = L.type_width_pt()
        lines = self._lines(spans, role, size, (width, width), 0.0)
        if balance and len(lines) > 1:
            low, high = width / len(lines), width
            while high - low > 1:
                middle = (low + high) / 2
                if len(self._lines(spans, role, size, (middle, middle), 0.0)) > len(lines):
                    low = middle
                else:
                    high = middle
            lines = self._lines(spans, role, size, (high, high), 0.0)
        return Block(style, tuple(SetLine(line.spans, 0.0, False) for line in lines))

    def spread(self, texts: list[str], role: Role, size: float = L.BODY_SIZE_PT) -> list[tuple[str, float]]:
        """Texts set to the width of the longest, by letter-spacing (the stacked 编印单位)."""
        widths = [sum(self.chains[role].advance(c) for c in text) * size for text in texts]
        longest = max(widths)
        return [(text, (longest - width) / max(len(text) - 1, 1)) for text, width in zip(texts, widths, strict=True)]

    def _lines(self, spans: tuple[Span, ...], role: Role, size: float, widths: tuple[float, float],
               spacing: float) -> tuple[SetLine, ...]:
        text = "".join(span.text for span in spans)
        styles = [span.bold for span in spans for _ in span.text]
        advances = [
            self.chains["bold" if bold else role].advance(char) * size
            for char, bold in zip(text, styles, strict=True)
        ]
        squeeze = L.MAX_SQUEEZE_EM * size
        return tuple(
            SetLine(_spans(text[line.start : line.end], styles[line.start : line.end]), line.spacing,
                    line.justified)
            for line in break_lines(text, advances, widths, spacing, squeeze)
        )

    def texts(self) -> Iterator[tuple[FieldPath, str, Role]]:
        """Every text of the issue with the role that sets it, for the font coverage check."""
        issue = self.issue
        yield ("name",), issue.name, "xiaobiaosong"
        yield ("kind",), issue.kind, "xiaobiaosong"
        for i, issuer in enumerate(issue.issuers):
            yield ("issuers", i), issuer, "fangsong"
        for key, text, role in (("compiled_by", issue.compiled_by, "fangsong"), ("notice", issue.notice, "heiti")):
            if text:
                yield (key,), text, role  # type: ignore[misc]
        for i, article in enumerate(issue.articles):
            yield from _article_texts(("articles", i), article)
        for group in ("distribution", "contacts", "signoff"):
            for key, value in getattr(issue, group).items():
                yield (group, key), f"{key}{value}", "fangsong"


def _article_texts(path: FieldPath, article: Article) -> Iterator[tuple[FieldPath, str, Role]]:
    roles: dict[str, Role] = {"title": "xiaobiaosong", "subtitle": "xiaobiaosong", "toc_title": "kaiti",
                              "kicker": "kaiti", "byline": "kaiti", "dateline": "kaiti", "note": "kaiti",
                              "source": "kaiti", "author": "kaiti", "link": "kaiti"}
    for key, role in roles.items():
        if text := getattr(article, key):
            yield (*path, key), text, role
    for j, block in enumerate(article.body):
        if isinstance(block, Prose):
            yield (*path, "body", j), block.source, "fangsong"
            for paragraph in block.paragraphs:
                for span in paragraph.spans:
                    if span.bold:
                        yield (*path, "body", j), span.text, "bold"
        elif isinstance(block, Photo):
            for key in ("caption", "credit"):
                if text := getattr(block, key):
                    yield (*path, "body", j, key), text, "kaiti"
        elif isinstance(block, Table):
            for r, row in enumerate(block.table):
                for c, cell in enumerate(row):
                    yield (*path, "body", j, "table", r, c), cell, "fangsong"


def _spans(text: str, bolds: list[bool]) -> tuple[Span, ...]:
    """Regroup characters into runs of one style."""
    spans: list[Span] = []
    for char, bold in zip(text, bolds, strict=True):
        if spans and spans[-1].bold == bold:
            spans[-1] = Span(spans[-1].text + char, bold)
        else:
            spans.append(Span(char, bold))
    return tuple(spans)


HEADING_ROLES: dict[int, Role] = {0: "fangsong", 1: "heiti", 2: "kaiti", 3: "fangsong", 4: "fangsong"}


def set_issue(issue: Issue, typesetter: Typesetter) -> dict[str, object]:
    """The template context: masthead, 目录, articles and colophon, all set in lines."""
    t = typesetter
    indent = L.INDENT_CHARS * L.char_pitch_pt()
    articles = [_set_article(article, t, indent) for article in issue.articles]
    toc = [
        t.justified((Span(article.toc_entry),), "kaiti", "toc-item", hang=indent, marker="※")
        for article in issue.articles
    ] if issue.shows_toc else []
    colophon_inset = L.COLOPHON_INDENT_CHARS * L.COLOPHON_SIZE_PT
    distribution = [
        t.justified((Span(text if text.endswith("。") else text + "。"),), "fangsong", "distribution",
                    size=L.COLOPHON_SIZE_PT, hang=(len(label) + 1) * L.COLOPHON_SIZE_PT,
                    inset=2 * colophon_inset, marker=f"{label}：")
        for label, text in issue.distribution.items()
    ]
    contacts = [f"{label}：{value}" for label, value in issue.contacts.items()]
    colophon = Colophon(
        distribution,
        [contacts[i : i + 2] for i in range(0, len(contacts), 2)],
        [f"{role}：{name}" for role, name in issue.signoff.items()],
        f"共印{issue.copies}份" if issue.copies else None,
    )
    name_size = min(L.MASTHEAD_MAX_SIZE_PT, L.type_width_pt() / max(len(issue.name), 1))
    return {"issue": issue, "articles": articles, "toc": toc, "colophon": colophon, "name_size": name_size,
            "issuers": t.spread(issue.issuers, "fangsong")}


def _set_article(article: Article, t: Typesetter, indent: float) -> SetArticle:
    def centred(text: str | None, role: Role, style: str) -> Block | None:
        return t.ragged(text, role, style) if text else None

    blocks: list[Block | PhotoBlock | TableBlock] = []
    for item in article.body:
        if isinstance(item, Prose):
            for paragraph in item.paragraphs:
                blocks.append(t.justified(paragraph.spans, HEADING_ROLES[paragraph.level],
                                          f"h{paragraph.level}" if paragraph.level else "p", indent=indent))
        elif isinstance(item, Photo):
            blocks.append(PhotoBlock(f"asset:{item.photo.as_posix()}", item.width,
                                     centred(item.caption, "kaiti", "caption"), item.credit))
        else:
            columns = len(item.table[0])
            blocks.append(TableBlock(item.table, item.header, item.widths or [1.0] * columns, item.caption))
    note = None
    if article.note:
        note = t.justified((Span("编者按：", bold=True), Span(article.note)), "kaiti", "note", indent=indent)
    credits = "　".join(f"{label}：{value}" for label, value in (("来源", article.source), ("作者", article.author))
                        if value)
    reprint = [t.ragged(line, "kaiti", "source", size=L.COLOPHON_SIZE_PT)
               for line in (credits, f"原文链接：{article.link}" if article.link else "") if line]
    return SetArticle(
        bookmark=article.title,
        kicker=centred(article.kicker, "kaiti", "kicker"),
        title=t.ragged(article.title, "xiaobiaosong", "title", size=L.TITLE_SIZE_PT, balance=True),
        subtitle=centred(f"——{article.subtitle}" if article.subtitle else None, "kaiti", "subtitle"),
        byline=centred(article.byline, "kaiti", "byline"),
        dateline=centred(article.dateline, "kaiti", "dateline"),
        note=note,
        blocks=blocks,
        source=reprint,
    )
