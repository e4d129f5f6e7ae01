"""Full-text search over every issue: an incremental SQLite FTS5 (trigram) index of the articles, and of the text
of their PDFs for the page of each hit."""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import Literal

from bulletin import pages
from bulletin.archive import Filed, Manifest, issue_files
from bulletin.errors import BulletinError, Problem
from bulletin.i18n import N_, _
from bulletin.inputs import MAX_ISSUE_BYTES, Refused, read_regular
from bulletin.loader import display_path, load
from bulletin.markup import plain
from bulletin.model import Article, Issue, Photo, PhotoRow, Prose, Table

SCHEMA_VERSION = 2  # PRAGMA user_version: an index of another version is dropped and rebuilt
CONTEXT = 20  # characters of a snippet either side of the match
MIN_TERM = 2

Layout = Literal["current", "stale", "none"]  # a file's PDF: as new as the file, older than it, or none

SCHEMA = (
    # path: relative to the indexed folder, with forward slashes; sha256: of the file's bytes when indexed;
    # archive, key, year: where its published PDF is (archive.Filed); headings: each article's title on one line,
    # "" for one without (JSON); pdf, layout: the PDF a hit's page is read from, and its Layout, at the last run.
    "CREATE TABLE files (path TEXT PRIMARY KEY, sha256 TEXT NOT NULL, archive TEXT NOT NULL, key TEXT NOT NULL, "
    "year INTEGER NOT NULL, headings TEXT NOT NULL, pdf TEXT, layout TEXT NOT NULL)",
    # The printed text of each current PDF (pages.PrintedText, starts and articles in JSON), read again only
    # when the PDF's size or mtime changes.
    "CREATE TABLE pdfs (path TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, text TEXT NOT NULL, "
    "starts TEXT NOT NULL, articles TEXT NOT NULL)",
    # One row per article. Only `text` is tokenised; the rest rides along for display and ordering, and `text`
    # comes last so that reading the other columns of a row does not touch its (long) text.
    "CREATE VIRTUAL TABLE articles USING fts5(path UNINDEXED, stem UNINDEXED, year UNINDEXED, number UNINDEXED, "
    "issue_line UNINDEXED, date UNINDEXED, position UNINDEXED, title UNINDEXED, text, tokenize = 'trigram')",
)

ORDER = "ORDER BY date DESC, stem, path, position LIMIT ?"


@dataclass(frozen=True)
class IndexReport:
    """What an index run did, counted in issue files."""

    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    skipped: int = 0  # invalid files, left out of the index
    problems: tuple[Problem, ...] = ()  # why the skipped files were skipped
    rebuilt: bool = False  # the index could not be read, and was made again
    pdfs_read: int = 0  # PDFs new or changed since the last run, whose text was read
    unreadable: tuple[Problem, ...] = ()  # the PDFs that could not be read (their hits say 未排版)

    def __str__(self) -> str:
        return (f"{self.added} added, {self.updated} updated, {self.removed} removed, "
                f"{self.unchanged} unchanged, {self.skipped} skipped (invalid)")


@dataclass(frozen=True)
class Hit:
    """One article that contains the term."""

    stem: str
    issue_line: str
    date: str  # ISO
    title: str
    snippet: str
    layout: Layout  # of the issue's PDF
    page: int | None  # 1-based, in the issue's current PDF; None when it cannot be told


NOT_LAID_OUT = N_("not laid out (no PDF of this issue)")
OUT_OF_DATE = N_("laid out before the last change (the PDF is older than the issue file)")
PAGE_UNKNOWN = N_("page not known (not found in the PDF)")
UNREADABLE = N_("the PDF cannot be read: hits give no page")


def index(folder: Path, database: Path, build: Path | None = None) -> IndexReport:
    """Build or bring up to date the search index of the issue files under `folder`, in one transaction:
    only new and changed files are read again, deleted ones are dropped, invalid ones are skipped; then each
    file's PDF (its latest published edition, else its build in `build`) is looked up, and the text of a new or
    changed one read. An index SQLite cannot read (it is made from the files alone) is deleted and made again."""
    try:
        return _update(folder, database, build)
    except sqlite3.DatabaseError as error:
        if isinstance(error, sqlite3.OperationalError) and "locked" in str(error):
            raise
        for part in (database, database.with_name(database.name + "-journal")):
            part.unlink(missing_ok=True)
        return replace(_update(folder, database, build), rebuilt=True)


def _update(folder: Path, database: Path, build: Path | None) -> IndexReport:
    database.parent.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(database, isolation_level=None)) as db:
        db.execute("BEGIN IMMEDIATE")
        try:
            report = _index(db, folder)
            read, unreadable = _lay_out(db, folder, build)
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")
    return replace(report, pdfs_read=read, unreadable=unreadable)


QUERY = re.compile(r'"([^"]+)"|“([^”]+)”|(\S+)')  # a phrase in quotes (straight or Chinese), or a word


def terms(query: str) -> list[str]:
    """What a query asks for, all of it: its phrases in quotes and its words ("融资 用工" is two terms,
    "\"民营 经济\"" one). A query with a part shorter than two characters is one phrase, as typed."""
    parts = [next(group for group in match.groups() if group is not None).strip() for match in QUERY.finditer(query)]
    parts = [part for part in parts if part]
    if parts and all(len(part) >= MIN_TERM for part in parts):
        return parts
    return [query.strip()]


def search(database: Path, query: str, limit: int = 50) -> list[Hit]:
    """The articles that contain every term of `query` (terms: two characters or more), newest issue first,
    at most `limit`."""
    wanted = terms(query)
    if any(len(term) < MIN_TERM for term in wanted):
        raise ValueError(_("a search needs two characters or more"))
    if not database.is_file():
        raise FileNotFoundError(_("no search index at {database} (bulletin index builds it)").format(database=database))
    # Terms of three characters or more: one FTS5 query of phrases, each in double quotes with its own double
    # quotes doubled, so that no input is read as query syntax (AND, NEAR, *, column filters …). The trigram
    # tokenizer has no trigram for a two-character term: LIKE on the stored text finds those (a scan: some
    # 25 ms for 3,000 issues, as an archive's text is tens of MB at most).
    phrases = ['"' + term.replace('"', '""') + '"' for term in wanted if len(term) >= 3]
    patterns = ["%" + re.sub(r"([\\%_])", r"\\\1", term) + "%" for term in wanted if len(term) < 3]
    where = (["text MATCH ?"] if phrases else []) + ["text LIKE ? ESCAPE '\\'"] * len(patterns)
    arguments = ([" AND ".join(phrases)] if phrases else []) + patterns
    with closing(sqlite3.connect(f"{database.resolve().as_uri()}?mode=ro", uri=True)) as db:
        rows = db.execute("SELECT stem, issue_line, date, title, path, position, text FROM articles WHERE "
                          + " AND ".join(where) + " " + ORDER, (*arguments, limit)).fetchall()
        return [Hit(stem, issue_line, date, title, snippet(text, wanted[0]), *_page(db, path, position, wanted[0]))
                for stem, issue_line, date, title, path, position, text in rows]


def _page(db: sqlite3.Connection, path: str, position: int, term: str) -> tuple[Layout, int | None]:
    """The Layout of the file's PDF, and the page of `term` in the article at `position` when it is current."""
    row = db.execute("SELECT files.layout, files.headings, text, starts, articles FROM files "
                     "LEFT JOIN pdfs ON pdfs.path = files.pdf WHERE files.path = ?", (path,)).fetchone()
    if row is None or row[0] != "current" or row[2] is None:
        return ("stale" if row is not None and row[0] == "stale" else "none"), None
    layout, headings, text, starts, articles = row
    printed = pages.PrintedText(text, tuple(json.loads(starts)), tuple(json.loads(articles)))
    return layout, printed.page(term, json.loads(headings), position)


def format_hit(hit: Hit) -> str:
    """One line of search output: stem, issue line, date, page (or why there is none), title and snippet."""
    return f"{hit.stem} {hit.issue_line} ({hit.date}) {where(hit)} {hit.title}: {hit.snippet}"


def where(hit: Hit) -> str:
    """第N页, or why a hit has no page."""
    if hit.layout == "none":
        return _(NOT_LAID_OUT)
    if hit.layout == "stale":
        return _(OUT_OF_DATE)
    return _(PAGE_UNKNOWN) if hit.page is None else _("page {page}").format(page=hit.page)


def snippet(text: str, term: str, context: int = CONTEXT) -> str:
    """About `context` characters either side of the first occurrence of `term` in `text`, the match in 【】,
    on one line, with "…" where the text was cut."""
    # Case-insensitive as the index is (the trigram tokenizer folds case, LIKE folds ASCII case).
    found = re.search(re.escape(term), text, re.IGNORECASE)
    start, end = (found.start(), found.end()) if found else (0, 0)
    before = text[max(0, start - context):start]
    after = text[end:end + context]
    shown = before + (f"【{text[start:end]}】" if found else "") + after
    shown = shown.replace("\r", "").replace("\n", " ")
    return ("…" if start > context else "") + shown + ("…" if end + context < len(text) else "")


def article_text(article: Article) -> str:
    """An article's whole text without markup, one field, paragraph, caption or table cell a line."""
    return "\n".join(part for part in _parts(article) if part)


def _parts(article: Article) -> Iterator[str | None]:
    yield from (article.kicker, article.headline, article.subtitle, article.byline, article.dateline, article.note)
    for block in article.body:
        if isinstance(block, Prose):
            yield from (plain(paragraph.spans) for paragraph in block.paragraphs)
        elif isinstance(block, Photo):
            yield from (block.caption, block.credit)
        elif isinstance(block, PhotoRow):
            for photo in block.photos:
                yield from (photo.caption, photo.credit)
            yield from (block.caption, block.credit)
        elif isinstance(block, Table):
            yield block.caption
            yield from (cell for row in block.table for cell in row)


def _index(db: sqlite3.Connection, folder: Path) -> IndexReport:
    """The work of index() inside its transaction."""
    _ensure_schema(db)
    known: dict[str, str] = dict(db.execute("SELECT path, sha256 FROM files"))
    files = {path.relative_to(folder).as_posix(): path for path in issue_files(folder)}
    gone = [name for name in known if name not in files]
    stale = list(gone)  # gone, changed or now invalid: their rows are dropped
    fresh: list[tuple[str, str, Issue, Filed]] = []
    added = updated = unchanged = 0
    problems: list[Problem] = []
    skipped: set[str] = set()
    for name, path in files.items():
        try:
            digest = hashlib.sha256(read_regular(path, MAX_ISSUE_BYTES, within=folder)).hexdigest()
        except (OSError, Refused) as refusal:
            problems.append(Problem(display_path(path), 0, 0, "", str(refusal)))
            skipped.add(name)
            continue
        if known.get(name) == digest:
            unchanged += 1
            continue
        if name in known:
            stale.append(name)
        try:
            loaded = load(path)
        except BulletinError as error:
            problems += error.problems
            skipped.add(name)
            continue
        fresh.append((name, digest, loaded.issue, Filed.of(loaded)))
        if name in known:
            updated += 1
        else:
            added += 1
    if stale:
        # One statement for all: path is not indexed, so each delete by path is a scan of the table.
        db.execute("DELETE FROM articles WHERE path IN (SELECT value FROM json_each(?))", (json.dumps(stale),))
        db.executemany("DELETE FROM files WHERE path = ?", ((name,) for name in stale))
    for name, digest, issue, filed in fresh:
        db.executemany(
            "INSERT INTO articles (path, stem, year, number, issue_line, date, position, title, text) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            ((name, issue.stem, issue.year, issue.number, issue.issue_line, issue.date.isoformat(), position,
              article.headline or article.column or "", article_text(article))  # briefs: their column's name
             for position, article in enumerate(issue.articles)))
        headings = json.dumps([article.headline for article in issue.articles], ensure_ascii=False)
        db.execute("INSERT INTO files (path, sha256, archive, key, year, headings, layout) "
                   "VALUES (?, ?, ?, ?, ?, ?, 'none')",
                   (name, digest, str(filed.archive.resolve()), filed.key, filed.year, headings))
    return IndexReport(added, updated, len(gone), unchanged, len(skipped), tuple(problems))


def _lay_out(db: sqlite3.Connection, folder: Path, build: Path | None) -> tuple[int, tuple[Problem, ...]]:
    """Bring each file's PDF and Layout up to date, and the printed text of each current PDF (read again only
    when its size or mtime changed); the count of PDFs read, and the problems of those that could not be."""
    stored = {path: (size, mtime) for path, size, mtime in db.execute("SELECT path, size, mtime_ns FROM pdfs")}
    manifests: dict[Path, Manifest] = {}
    read = 0
    unreadable: list[Problem] = []
    rows = db.execute("SELECT path, archive, key, year, pdf, layout FROM files").fetchall()
    for name, archive, key, year, was_pdf, was_layout in rows:
        pdf = Filed(Path(archive), key, year, PurePosixPath(name).stem).latest(build, manifests).paths.get("pdf")
        layout, version = _layout(folder / name, pdf)
        resolved = str(pdf.resolve()) if pdf is not None else None
        if pdf is not None and version is not None and stored.get(resolved) != version:
            try:
                printed = pages.read(pdf)
            except (OSError, pages.Unreadable) as error:
                message = _("{problem}: {reason}").format(problem=_(UNREADABLE), reason=error)
                unreadable.append(Problem(display_path(pdf), 0, 0, "", message))
                layout = "none"
            else:
                db.execute("INSERT OR REPLACE INTO pdfs (path, size, mtime_ns, text, starts, articles) "
                           "VALUES (?, ?, ?, ?, ?, ?)", (resolved, *version, printed.text,
                                                          json.dumps(printed.starts), json.dumps(printed.articles)))
                stored[resolved] = version
                read += 1
        if (resolved, layout) != (was_pdf, was_layout):
            db.execute("UPDATE files SET pdf = ?, layout = ? WHERE path = ?", (resolved, layout, name))
    db.execute("DELETE FROM pdfs WHERE path NOT IN (SELECT pdf FROM files WHERE layout = 'current')")
    return read, tuple(unreadable)


def _layout(source: Path, pdf: Path | None) -> tuple[Layout, tuple[int, int] | None]:
    """Whether the PDF is as new as the issue file it was made from, and when it is, its size and mtime."""
    if pdf is None:
        return "none", None
    try:
        made, edited = pdf.stat(), source.stat()
    except OSError:
        return "none", None
    if made.st_mtime_ns < edited.st_mtime_ns:
        return "stale", None
    return "current", (made.st_size, made.st_mtime_ns)


def _ensure_schema(db: sqlite3.Connection) -> None:
    """Create the tables, or recreate them when the index was made by another version of this module."""
    (version,) = db.execute("PRAGMA user_version").fetchone()
    if version == SCHEMA_VERSION:
        return
    for table in ("articles", "files", "pdfs"):
        db.execute(f"DROP TABLE IF EXISTS {table}")
    for statement in SCHEMA:
        db.execute(statement)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
