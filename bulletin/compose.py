"""Composing: every string that both outputs print, and what is printed where, decided once from the model.

The typesetter (for the PDF's HTML) and the DOCX writer read these; neither spells a label, a mark or a
punctuation of the bulletin itself. A new kind of element is a class in the model, a function here, and
how each renderer shows it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from bulletin import layout as L
from bulletin.loader import FieldPath
from bulletin.markup import Parsed, Span, join_lines, paragraph_spans
from bulletin.model import Article, Issue, Photo, PhotoRow, Prose, Table, date_text

TOC_HEADING = "目　录"
TOC_MARK = "※"  # before each entry of the 目录
NOTE_LABEL = "编者按："
SUBTITLE_DASH = "——"
PAGE_NUMBER = ("— ", " —")  # around the page's number: — 1 —
CORRECTION_MARK = "更正版"  # under the issue line of a corrected edition, with the day of the correction
HEADING_STYLES = {0: "p", 1: "h1", 2: "h2", 3: "h3", 4: "h4"}  # a paragraph's level to its element
SUBHEAD = "subhead"  # the element of a heading without a number
# A reprint's lines, as internal bulletins print them at the foot of the article: 来源, 作者 and 发布时间 on one
# line, the 原文链接 on its own (breakable wherever a web address may break).
REPRINT_CREDITS = (("来源", "source"), ("作者", "author"), ("发布时间", "published"))
REPRINT_LINK = "原文链接"


COLUMN_BRACKETS = ("【", "】")


def correction_line(issue: Issue) -> str | None:
    """A corrected edition's mark, 更正版（2026年12月1日）: the day it was corrected; a first edition has none."""
    return f"{CORRECTION_MARK}（{date_text(issue.corrected)}）" if issue.corrected else None


def elements(issue: Issue) -> dict[str, L.Element]:
    """The elements the issue's stylesheet and DOCX styles define: all but the correction mark, which only a
    corrected edition has (a first edition's files stay byte for byte what they were before editions had one)."""
    return {name: element for name, element in L.ELEMENTS.items() if name != "correction" or issue.corrected}


@dataclass(frozen=True)
class TocEntry:
    """A line of the 目录: an article's title (after ※), or the heading of a column (栏目) over them."""

    text: str
    column: bool = False


def column_heading(column: str) -> str:
    """A column's heading as printed: 【工作动态】 (brackets the editor typed are not doubled)."""
    return COLUMN_BRACKETS[0] + column.strip().strip("".join(COLUMN_BRACKETS)).strip() + COLUMN_BRACKETS[1]


def column_heads(issue: Issue) -> list[str | None]:
    """For each article, the column heading printed above it: where its column begins, else None."""
    heads: list[str | None] = []
    previous = None
    for article in issue.articles:
        head = column_heading(article.column) if article.column else None
        heads.append(head if head != previous else None)
        previous = head
    return heads


def toc_entries(issue: Issue) -> list[TocEntry]:
    """The 目录's lines, in order: each column's heading before its articles (none without a 目录)."""
    if not issue.shows_toc:
        return []
    entries = []
    for article, head in zip(issue.articles, column_heads(issue), strict=True):
        if head:
            entries.append(TocEntry(head, column=True))
        if article.toc_entry:  # photo news and briefs without a title list none of their own
            entries.append(TocEntry(article.toc_entry))
    return entries


def paragraph_style(paragraph: Parsed) -> str:
    """The element a paragraph of a body is set as: running text, a numbered heading of its level, or a
    subhead (a heading without a number). A run-in heading's paragraph is running text."""
    if paragraph.level and not paragraph.numbered:
        return SUBHEAD
    return HEADING_STYLES[paragraph.level]


def span_role(span: Span, role: str) -> str:
    """The font role of a span in an element of `role`: bold in the bold face, a run-in heading in its
    level's face (黑体 for 一、, 楷体 for （一）), the rest in the element's."""
    if span.bold:
        return "bold"
    return L.ELEMENTS[HEADING_STYLES[span.head]].role if span.head else role


def caption_paragraphs(caption: str | None) -> list[str]:
    """A caption's paragraphs (at blank lines; wrapped lines joined): photo news tells its story there."""
    if not caption:
        return []
    return [join_lines([line.strip() for line in caption[start:end].splitlines() if line.strip()])
            for start, end in paragraph_spans(caption)]


def caption_style(paragraphs: list[str]) -> str:
    """The element a photo's caption is set as: one paragraph a caption (centred on one line), several the
    story of photo news (paragraphs of text, indented and justified)."""
    return "story" if len(paragraphs) > 1 else "caption"


def subtitle_line(article: Article) -> str | None:
    """The subtitle as printed, after a dash."""
    return f"{SUBTITLE_DASH}{article.subtitle}" if article.subtitle else None


def note_spans(article: Article) -> tuple[Span, ...]:
    """编者按： in bold, then the note."""
    return (Span(NOTE_LABEL, bold=True), Span(article.note)) if article.note else ()


def reprint_lines(article: Article) -> list[str]:
    """The source lines of a reprint: 来源, 作者 and 发布时间 on one line, 原文链接 on the next."""
    credits = "　".join(f"{label}：{value}" for label, key in REPRINT_CREDITS if (value := getattr(article, key)))
    return [line for line in (credits, f"{REPRINT_LINK}：{article.link}" if article.link else "") if line]


@dataclass(frozen=True)
class Colophon:
    """The colophon's text (版记): 送/报/发 groups as (label, text ending in 。), contact lines two a row,
    the sign-off's cells (共印N份 last)."""

    distribution: list[tuple[str, str]]
    contacts: list[list[str]]
    signoff: list[str]

    def __bool__(self) -> bool:
        return bool(self.distribution or self.contacts or self.signoff)


def colophon(issue: Issue) -> Colophon:
    contacts = [f"{label}：{value}" for label, value in issue.contacts.items()]
    return Colophon(
        [(f"{label}：", text if text.endswith("。") else text + "。") for label, text in issue.distribution.items()],
        [contacts[i : i + 2] for i in range(0, len(contacts), 2)],
        [f"{role}：{name}" for role, name in issue.signoff.items()]
        + ([f"共印{issue.copies}份"] if issue.copies else []),
    )


def texts(issue: Issue) -> Iterator[tuple[FieldPath, str, str, int]]:
    """Every text the issue prints, with the element that sets it and where in its field it starts (for the
    font check and the proofreader): the editor's and the bulletin's own."""
    yield ("name",), issue.name, "name", 0
    yield ("kind",), issue.kind, "kind", 0
    yield ("number",), issue.issue_line, "number", 0
    if correction := correction_line(issue):
        yield ("corrected",), correction, "correction", 0
    yield ("date",), issue.date_text, "issuer", 0
    yield ("toc",), TOC_HEADING, "toc-heading", 0
    yield ("toc",), TOC_MARK, "toc-item", 0
    yield (), PAGE_NUMBER[0] + "0123456789" + PAGE_NUMBER[1], "page-number", 0
    for i, issuer in enumerate(issue.issuers):
        yield ("issuers", i), issuer, "issuer", 0
    for key, text, style in (("compiled_by", issue.compiled_by, "issuer"), ("notice", issue.notice, "notice")):
        if text:
            yield (key,), text, style, 0
    for i, (article, head) in enumerate(zip(issue.articles, column_heads(issue), strict=True)):
        if head:
            yield ("articles", i, "column"), head, "column", 0
        yield from _article_texts(("articles", i), article)
    for group, style in (("distribution", "distribution"), ("contacts", "contacts"), ("signoff", "signoff")):
        for key, value in getattr(issue, group).items():
            yield (group, key), f"{key}：{value}。", style, 0
    if issue.copies:
        yield ("copies",), f"共印{issue.copies}份", "signoff", 0


ARTICLE_FIELDS = {"title": "title", "subtitle": "subtitle", "toc_title": "toc-item", "kicker": "kicker",
                  "byline": "byline", "dateline": "dateline", "note": "note", "source": "source",
                  "author": "source", "published": "source", "link": "source"}


def _article_texts(path: FieldPath, article: Article) -> Iterator[tuple[FieldPath, str, str, int]]:
    for key, style in ARTICLE_FIELDS.items():
        if text := getattr(article, key):
            yield (*path, key), text, style, 0
    if article.subtitle:
        yield (*path, "subtitle"), SUBTITLE_DASH, "subtitle", 0
    for line in reprint_lines(article):
        yield (*path, "source"), line, "source", 0
    for j, block in enumerate(article.body):
        if isinstance(block, Prose):
            for paragraph in block.paragraphs:
                text = "".join(span.text for span in paragraph.spans if not span.head)
                yield (*path, "body", j), text, paragraph_style(paragraph), paragraph.offset
                for span in paragraph.spans:
                    if span.head:
                        yield (*path, "body", j), span.text, HEADING_STYLES[span.head], paragraph.offset
        elif isinstance(block, Photo | PhotoRow):
            for k, photo in enumerate(block.photos if isinstance(block, PhotoRow) else []):
                for key in ("caption", "credit"):
                    if text := getattr(photo, key):
                        yield (*path, "body", j, "photos", k, key), text, key, 0
            if block.caption:
                yield (*path, "body", j, "caption"), block.caption, caption_style(caption_paragraphs(block.caption)), 0
            if block.credit:
                yield (*path, "body", j, "credit"), block.credit, "credit", 0
        elif isinstance(block, Table):
            for r, row in enumerate(block.table):
                for c, cell in enumerate(row):
                    style = "table-head" if block.header and r == 0 else "table"
                    yield (*path, "body", j, "table", r, c), cell, style, 0
