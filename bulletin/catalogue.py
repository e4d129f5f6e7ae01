"""The archive catalogue: HTML pages of every issue by year, and the yearly compilation PDF (年度汇编)."""

from __future__ import annotations

import hashlib
import os
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import quote

from markupsafe import Markup

from bulletin import layout
from bulletin.archive import Entry
from bulletin.errors import BulletinError, Problem
from bulletin.html import environment, font_rules, render_html
from bulletin.model import Issue
from bulletin.output import write_atomic
from bulletin.typeset import Typesetter

LINKS = (("pdf", "PDF"), ("docx", "DOCX"))
MAX_CONTENTS_RENDERS = 10  # the contents' page count settles in two renders; more means something is wrong


def _order(entry: Entry) -> tuple[bool, int, str]:
    """Number order: the main sequence first, then the 增刊."""
    return entry.issue.supplement, entry.issue.number, entry.path.as_posix()


def _by_year(entries: Iterable[Entry]) -> dict[int, list[Entry]]:
    """The loaded issues by year, each year in number order."""
    years: dict[int, list[Entry]] = defaultdict(list)
    for entry in entries:
        if entry.loaded is not None:
            years[entry.issue.year].append(entry)
    return {year: sorted(group, key=_order) for year, group in sorted(years.items())}


def _href(path: Path, out: Path) -> str:
    """A link from a page in `out` to `path`: relative (the pages open from disk), POSIX, URL-quoted."""
    relative = os.path.relpath(Path(path).absolute(), Path(out).absolute())
    return quote(relative.replace(os.sep, "/"))


def _line(issue: Issue) -> str:
    """The issue line with its kind when it is not a 正刊: 2018年第1期 增刊."""
    return issue.issue_line if issue.kind == "正刊" else f"{issue.issue_line} {issue.kind}"


def _row(entry: Entry, out: Path, files: dict[str, dict[str, Path]]) -> dict[str, Any]:
    issue = entry.issue
    outputs = files.get(issue.stem, {})
    return {
        "line": issue.issue_line,
        "kind": issue.kind if issue.kind != "正刊" else None,
        "date": issue.date_text,
        "iso_date": issue.date.isoformat(),
        "titles": [article.headline for article in issue.articles if article.headline],
        "links": [{"label": label, "href": _href(outputs[key], out)} for key, label in LINKS if key in outputs],
    }


def write_catalogue(entries: list[Entry], out: Path, files: dict[str, dict[str, Path]], *,
                    compilations: dict[int, Path] | None = None) -> list[Path]:
    """Write out/index.html (every year, newest first) and out/YYYY.html (one year): each issue's number, date,
    article titles and links to its files. `files` maps an issue's stem (2018-10) to its outputs by format
    ({"pdf": path, "docx": path}); `compilations` maps a year to its 年度汇编, linked when given.
    Returns the paths written."""
    years = _by_year(entries)
    compilations = compilations or {}
    loaded = [entry for group in years.values() for entry in group]
    name = loaded[0].issue.name if loaded else "刊物"
    template = environment().get_template("catalogue.html.j2")

    def year_data(year: int, group: list[Entry], *, linked: bool) -> dict[str, Any]:
        return {
            "year": year,
            "href": quote(f"{year}.html") if linked else None,
            "compilation": _href(compilations[year], out) if year in compilations else None,
            "issues": [_row(entry, out, files) for entry in group],
        }

    pages: dict[Path, str] = {}
    for year, group in years.items():
        nav = [{"label": "全部年份", "href": "index.html"}]
        nav += [{"label": f"{other}年", "href": quote(f"{other}.html")} for other in sorted(years, reverse=True)
                if other != year]
        pages[out / f"{year}.html"] = template.render(
            title=f"{name} {year}年", nav=nav, years=[year_data(year, group, linked=False)])
    pages[out / "index.html"] = template.render(
        title=f"{name} 总目录",
        nav=[{"label": f"{year}年", "href": quote(f"{year}.html")} for year in sorted(years, reverse=True)],
        years=[year_data(year, years[year], linked=True) for year in sorted(years, reverse=True)],
    )
    for path, text in pages.items():
        write_atomic(path, text.encode("utf-8"))
    return list(pages)


# The yearly compilation


def _fonts(issue: Issue) -> tuple[list[dict[str, Markup]], dict[str, Markup]]:
    """The @font-face rules and each role's font-family list, as the issue's own stylesheet has them
    (bulletin.html.font_rules), every face loaded: the contents may hold any character of the titles. They go
    into a <style> of an autoescaped template, so they are marked safe: css_family leaves no character but
    letters, digits, spaces, _ - \\ and its quotes, and the font: URL is percent-encoded."""
    chains = issue.font_chains()
    everything = {face.family for chain in chains.values() for face in chain.installed}
    faces, roles = font_rules(chains, everything)
    return ([{key: Markup(value) for key, value in face.items()} for face in faces],
            {role: Markup(families) for role, families in roles.items()})


def _article_pages(document: Any, issue: Issue) -> list[int]:
    """The 0-based page of the document where each titled article's title is: the article bookmarks
    (.title-block, one per article with a title, in order)."""
    pages = [number for number, page in enumerate(document.pages) for level, *_ in page.bookmarks if level == 1]
    titled = [article for article in issue.articles if article.title]
    if len(pages) != len(titled):
        raise RuntimeError(f"{issue.issue_line}: {len(pages)} article bookmarks in the PDF for "
                           f"{len(titled)} articles with a title")
    return pages


def compile_year(entries: list[Entry], year: int) -> bytes:
    """The 年度汇编 of a year as PDF bytes: a table of contents with the compilation's page numbers
    (1 = its first page), then every issue of the year in number order, each as its own PDF prints it.
    The same issues give the same bytes."""
    from bulletin.pdf import render_document

    group = _by_year(entries).get(year)
    if not group:
        raise BulletinError([Problem(str(year), 0, 0, "", f"no issue of {year} to compile")])
    issues = [entry.issue for entry in group]
    htmls = [render_html(entry.issue, Typesetter(entry.issue, entry.path.parent)) for entry in group]
    documents = [render_document(html, entry.path.parent) for entry, html in zip(group, htmls, strict=True)]
    articles = [_article_pages(document, issue) for document, issue in zip(documents, issues, strict=True)]
    first = issues[0]
    title = f"{first.name} {year}年汇编"
    faces, roles = _fonts(first)
    template = environment().get_template("compilation.html.j2")

    def contents_html(contents_pages: int) -> str:
        start, listed = contents_pages, []
        for issue, document, pages in zip(issues, documents, articles, strict=True):
            listed.append({
                "line": _line(issue),
                "date": issue.date_text,
                "entries": [{"title": article.toc_entry, "page": start + page + 1} for article, page
                            in zip([a for a in issue.articles if a.title], pages, strict=True)],
            })
            start += len(document.pages)
        return template.render(L=layout, faces=faces, roles=roles, title=title, issues=listed,
                               authors=first.issuers, date=max(issue.date for issue in issues).isoformat())

    guess = 1
    for _ in range(MAX_CONTENTS_RENDERS):
        html = contents_html(guess)
        contents = render_document(html, group[0].path.parent)
        if len(contents.pages) == guess:
            break
        guess = len(contents.pages)
    else:
        raise RuntimeError(f"{title}: the contents' page count does not settle")

    # The outline: each issue, with its articles under it.
    for issue, document in zip(issues, documents, strict=True):
        for page in document.pages:
            page.bookmarks = [(level + 1, *rest) for level, *rest in page.bookmarks]
        document.pages[0].bookmarks.insert(0, (1, _line(issue), (0, 0), "open"))

    merged = contents.copy([page for document in (contents, *documents) for page in document.pages])
    merged.metadata.title = title
    identifier = hashlib.sha256(b"\0".join(text.encode() for text in (html, *htmls))).hexdigest()[:32].encode()
    pdf: bytes = merged.write_pdf(pdf_identifier=identifier)
    return pdf
