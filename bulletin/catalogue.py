"""The archive catalogue: HTML pages of every issue by year, and the yearly compilation PDF (年度汇编)."""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import quote

from markupsafe import Markup

from bulletin import layout
from bulletin.archive import Entry, Latest
from bulletin.errors import BulletinError, Problem
from bulletin.html import environment, font_rules, render_html
from bulletin.i18n import _
from bulletin.model import Issue
from bulletin.output import write_atomic
from bulletin.typeset import Typesetter

LINKS = (("pdf", "PDF"), ("docx", "DOCX"))
FILES = "files"  # the site's folder of the issues' files, by year: files/2018/gslxx-2018-10.pdf
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
    """A link from a page in `out` to `path` inside it: relative, POSIX, URL-quoted."""
    relative = os.path.relpath(Path(path).absolute(), Path(out).absolute())
    return quote(relative.replace(os.sep, "/"))


def _line(issue: Issue) -> str:
    """The issue line with its kind when it is not a 正刊: 2018年第1期 增刊."""
    return issue.issue_line if issue.kind == "正刊" else f"{issue.issue_line} {issue.kind}"


def _status(latest: Latest) -> tuple[str, str]:
    """What the catalogue says of an issue's files, and its class on the page."""
    if latest.edition > 1:
        return _("published, corrected edition"), "published"
    if latest.edition:
        return _("published"), "published"
    if latest.paths:
        return _("not published: the latest build"), "draft"
    return _("not published, not built"), "unbuilt"


def _row(entry: Entry, out: Path, latest: Latest, copies: dict[Path, Path]) -> dict[str, Any]:
    issue = entry.issue
    status, kind = _status(latest)
    return {
        "line": issue.issue_line,
        "kind": issue.kind if issue.kind != "正刊" else None,
        "date": issue.date_text,
        "iso_date": issue.date.isoformat(),
        "titles": [article.headline for article in issue.articles if article.headline],
        "status": status,
        "class": kind,
        "links": [{"label": label, "href": _href(copies[latest.paths[key]], out)} for key, label in LINKS
                  if key in latest.paths],
    }


def _copies(entries: list[Entry], out: Path, files: dict[str, Latest]) -> dict[Path, Path]:
    """Where each linked file goes in the site: out/files/YEAR/NAME, so that the site holds everything it
    links to and can be copied anywhere."""
    return {path: out / FILES / str(entry.issue.year) / path.name
            for entry in entries for path in files.get(entry.issue.stem, Latest({})).paths.values()}


def _copy(source: Path, target: Path) -> bool:
    """Copy `source` to `target` unless it is there already (same size and time); whether it copied."""
    known = source.stat()
    with contextlib.suppress(FileNotFoundError):
        there = target.stat()
        if (there.st_size, there.st_mtime_ns) == (known.st_size, known.st_mtime_ns):
            return False
    write_atomic(target, source.read_bytes())
    os.utime(target, ns=(known.st_atime_ns, known.st_mtime_ns))
    return True


def _sweep(folder: Path, kept: set[Path]) -> None:
    """Remove from the site's files folder what it no longer links to (an edition superseded, an issue
    deleted): nothing else writes there."""
    if not folder.is_dir():
        return
    for path in sorted(folder.rglob("*"), reverse=True):
        if path.is_file() and path not in kept:
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()


def write_catalogue(entries: list[Entry], out: Path, files: dict[str, Latest], *,
                    compilations: dict[int, Path] | None = None) -> list[Path]:
    """Write out/index.html (every year, newest first) and out/YYYY.html (one year): each issue's number,
    date, article titles, whether it is published, and links to its files, copied into out/files/ so that
    the folder stands on its own. `files` maps an issue's stem (2018-10) to its latest files
    (archive.latest_files); `compilations` maps a year to its 年度汇编 (in `out`), linked when given.
    Returns the pages written."""
    years = _by_year(entries)
    compilations = compilations or {}
    loaded = [entry for group in years.values() for entry in group]
    copies = _copies(loaded, out, files)
    for source, target in copies.items():
        if source.resolve() != target.resolve():
            _copy(source, target)
    _sweep(out / FILES, set(copies.values()))
    name = loaded[0].issue.name if loaded else _("the publication")
    template = environment().get_template("catalogue.html.j2")

    def year_data(year: int, group: list[Entry], *, linked: bool) -> dict[str, Any]:
        return {
            "year": year,
            "label": _("year {year}").format(year=year),
            "href": quote(f"{year}.html") if linked else None,
            "compilation": _href(compilations[year], out) if year in compilations else None,
            "issues": [_row(entry, out, files.get(entry.issue.stem, Latest({})), copies) for entry in group],
        }

    pages: dict[Path, str] = {}
    for year, group in years.items():
        nav = [{"label": _("all years"), "href": "index.html"}]
        nav += [{"label": _("year {year}").format(year=other), "href": quote(f"{other}.html")}
                for other in sorted(years, reverse=True) if other != year]
        pages[out / f"{year}.html"] = template.render(
            title=_("{name}, {year}").format(name=name, year=year), nav=nav,
            years=[year_data(year, group, linked=False)])
    pages[out / "index.html"] = template.render(
        title=_("{name}: all issues").format(name=name),
        nav=[{"label": _("year {year}").format(year=year), "href": quote(f"{year}.html")}
             for year in sorted(years, reverse=True)],
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


def _next_start(end: int) -> int:
    """The page an issue begins on after page `end`: a right-hand (odd) page, as an issue bound on its own
    begins, a blank left-hand page before it where `end` is odd."""
    return end + 1 if end % 2 == 0 else end + 2


def _starts(contents_pages: int, lengths: list[int]) -> list[int]:
    """The compilation's page number of each issue's first page, after the contents' pages 1…contents_pages."""
    starts, end = [], contents_pages
    for length in lengths:
        starts.append(_next_start(end))
        end = starts[-1] + length - 1
    return starts


def _numbered_from(first: int) -> str:
    """The extra stylesheet that makes an issue's pages print the compilation's page numbers from `first`."""
    return f"@page :first {{ counter-reset: page {first}; }}" if first != 1 else ""


def compile_year(entries: list[Entry], year: int) -> bytes:
    """The 年度汇编 of a year as PDF bytes: a table of contents, then every issue of the year in number order,
    each as its own PDF prints it but numbered on from the contents (the contents are pages 1…, unnumbered),
    each issue beginning on an odd page (a blank page before it where needed). The contents give each
    article's page as it prints. The same issues give the same bytes."""
    from bulletin.pdf import render_document

    group = _by_year(entries).get(year)
    if not group:
        raise BulletinError([Problem(str(year), 0, 0, "", _("no issue of {year} to compile").format(year=year))])
    issues = [entry.issue for entry in group]
    htmls = [render_html(entry.issue, Typesetter(entry.issue, entry.path.parent)) for entry in group]
    rendered: dict[tuple[int, int], Any] = {}  # (issue, first page number) -> its document

    def document(index: int, first: int) -> Any:
        if (index, first) not in rendered:
            rendered[index, first] = render_document(htmls[index], group[index].path.parent, _numbered_from(first))
        return rendered[index, first]

    def laid_out(contents_pages: int) -> tuple[list[int], list[Any]]:
        """The issues numbered on after contents of that many pages, with their first pages: each rendered
        once for its first page, which the length of those before it decides."""
        lengths: list[int] = []
        for index in range(len(group)):
            lengths.append(len(document(index, _starts(contents_pages, [*lengths, 0])[-1]).pages))
        starts = _starts(contents_pages, lengths)
        return starts, [document(index, start) for index, start in enumerate(starts)]

    first = issues[0]
    title = f"{first.name} {year}年汇编"
    faces, roles = _fonts(first)
    template = environment().get_template("compilation.html.j2")

    def contents_html(starts: list[int], documents: list[Any]) -> str:
        listed = []
        for issue, start, issue_document in zip(issues, starts, documents, strict=True):
            pages = _article_pages(issue_document, issue)
            listed.append({
                "line": _line(issue),
                "date": issue.date_text,
                "entries": [{"title": article.toc_entry, "page": start + page} for article, page
                            in zip([a for a in issue.articles if a.title], pages, strict=True)],
            })
        return template.render(L=layout, faces=faces, roles=roles, title=title, issues=listed,
                               authors=first.issuers, date=max(issue.date for issue in issues).isoformat())

    guess = 1  # the contents' pages: a year's fit on one, as a rule
    for _attempt in range(MAX_CONTENTS_RENDERS):
        starts, documents = laid_out(guess)
        html = contents_html(starts, documents)
        contents = render_document(html, group[0].path.parent)
        if len(contents.pages) == guess:
            break
        guess = len(contents.pages)
    else:
        raise RuntimeError(f"{title}: the contents' page count does not settle")

    # The outline: each issue, with its articles under it.
    for issue, issue_document in zip(issues, documents, strict=True):
        for page in issue_document.pages:
            page.bookmarks = [(level + 1, *rest) for level, *rest in page.bookmarks]
        issue_document.pages[0].bookmarks.insert(0, (1, _line(issue), (0, 0), "open"))

    blank = render_document(BLANK_PAGE, group[0].path.parent, _blank_css()).pages[0]
    merged_pages, end = list(contents.pages), len(contents.pages)
    for start, issue_document in zip(starts, documents, strict=True):
        merged_pages += [blank] * (start - end - 1)
        merged_pages += issue_document.pages
        end = start + len(issue_document.pages) - 1
    merged = contents.copy(merged_pages)
    merged.metadata.title = title
    identifier = hashlib.sha256(b"\0".join(text.encode() for text in (html, *htmls))).hexdigest()[:32].encode()
    pdf: bytes = merged.write_pdf(pdf_identifier=identifier)
    return pdf


BLANK_PAGE = "<!DOCTYPE html><html><body></body></html>"


def _blank_css() -> str:
    """The page of the issues, empty: the left-hand page before an issue that would begin on one."""
    return f"@page {{ size: {layout.PAGE_WIDTH_MM}mm {layout.PAGE_HEIGHT_MM}mm; margin: 0; }}"
