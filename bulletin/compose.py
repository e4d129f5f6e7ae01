"""Composing: every string that both outputs print, and what is printed where, decided once from the model.

The typesetter (for the PDF's HTML) and the DOCX writer read these; neither spells a label, a mark or a
punctuation of the bulletin itself. A new kind of element is a class in the model, a function here, and
how each renderer shows it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from bulletin.loader import FieldPath
from bulletin.markup import Span
from bulletin.model import Article, Issue, Photo, Prose, Table

TOC_HEADING = "目　录"
TOC_MARK = "※"  # before each entry of the 目录
NOTE_LABEL = "编者按："
SUBTITLE_DASH = "——"
PAGE_NUMBER = ("— ", " —")  # around the page's number: — 1 —
HEADING_STYLES = {0: "p", 1: "h1", 2: "h2", 3: "h3", 4: "h4"}  # a paragraph's level to its element
# A reprint's lines, as internal bulletins print them at the foot of the article: 来源, 作者 and 发布时间 on one
# line, the 原文链接 on its own (breakable wherever a web address may break).
REPRINT_CREDITS = (("来源", "source"), ("作者", "author"), ("发布时间", "published"))
REPRINT_LINK = "原文链接"


def toc_entries(issue: Issue) -> list[str]:
    """The 目录's entries, in order (none when the issue shows no 目录)."""
    return [article.toc_entry for article in issue.articles] if issue.shows_toc else []


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
    yield ("date",), issue.date_text, "issuer", 0
    yield ("toc",), TOC_HEADING, "toc-heading", 0
    yield ("toc",), TOC_MARK, "toc-item", 0
    yield (), PAGE_NUMBER[0] + "0123456789" + PAGE_NUMBER[1], "page-number", 0
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
