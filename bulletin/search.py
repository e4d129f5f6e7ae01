"""Full-text search over every issue: an incremental SQLite FTS5 (trigram) index of the articles."""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass, replace
from pathlib import Path

from bulletin.archive import issue_files
from bulletin.errors import BulletinError, Problem
from bulletin.inputs import MAX_ISSUE_BYTES, Refused, read_regular
from bulletin.loader import display_path, load
from bulletin.markup import plain
from bulletin.model import Article, Issue, Photo, PhotoRow, Prose, Table

SCHEMA_VERSION = 1  # PRAGMA user_version: an index of another version is dropped and rebuilt
CONTEXT = 20  # characters of a snippet either side of the match
MIN_TERM = 2

SCHEMA = (
    # path: relative to the indexed folder, with forward slashes; sha256: of the file's bytes when indexed.
    "CREATE TABLE files (path TEXT PRIMARY KEY, sha256 TEXT NOT NULL)",
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


def index(folder: Path, database: Path) -> IndexReport:
    """Build or bring up to date the search index of the issue files under `folder`, in one transaction:
    only new and changed files are read again, deleted ones are dropped, invalid ones are skipped. An index
    SQLite cannot read (it is made from the issue files alone) is deleted and made again."""
    try:
        return _update(folder, database)
    except sqlite3.DatabaseError as error:
        if isinstance(error, sqlite3.OperationalError) and "locked" in str(error):
            raise
        for part in (database, database.with_name(database.name + "-journal")):
            part.unlink(missing_ok=True)
        return replace(_update(folder, database), rebuilt=True)


def _update(folder: Path, database: Path) -> IndexReport:
    database.parent.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(database, isolation_level=None)) as db:
        db.execute("BEGIN IMMEDIATE")
        try:
            report = _index(db, folder)
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")
    return report


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
        raise ValueError("a search needs two characters or more")
    if not database.is_file():
        raise FileNotFoundError(f"no search index at {database} (bulletin index builds it)")
    # Terms of three characters or more: one FTS5 query of phrases, each in double quotes with its own double
    # quotes doubled, so that no input is read as query syntax (AND, NEAR, *, column filters …). The trigram
    # tokenizer has no trigram for a two-character term: LIKE on the stored text finds those (a scan: some
    # 25 ms for 3,000 issues, as an archive's text is tens of MB at most).
    phrases = ['"' + term.replace('"', '""') + '"' for term in wanted if len(term) >= 3]
    patterns = ["%" + re.sub(r"([\\%_])", r"\\\1", term) + "%" for term in wanted if len(term) < 3]
    where = (["text MATCH ?"] if phrases else []) + ["text LIKE ? ESCAPE '\\'"] * len(patterns)
    arguments = ([" AND ".join(phrases)] if phrases else []) + patterns
    with closing(sqlite3.connect(f"{database.resolve().as_uri()}?mode=ro", uri=True)) as db:
        rows = db.execute("SELECT stem, issue_line, date, title, text FROM articles WHERE " + " AND ".join(where)
                          + " " + ORDER, (*arguments, limit))
        return [Hit(stem, issue_line, date, title, snippet(text, wanted[0]))
                for stem, issue_line, date, title, text in rows]


def format_hit(hit: Hit) -> str:
    """One line of search output: stem, issue line, date, title and snippet."""
    return f"{hit.stem} {hit.issue_line} ({hit.date}) {hit.title}: {hit.snippet}"


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
    fresh: list[tuple[str, str, Issue]] = []
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
            issue = load(path).issue
        except BulletinError as error:
            problems += error.problems
            skipped.add(name)
            continue
        fresh.append((name, digest, issue))
        if name in known:
            updated += 1
        else:
            added += 1
    if stale:
        # One statement for all: path is not indexed, so each delete by path is a scan of the table.
        db.execute("DELETE FROM articles WHERE path IN (SELECT value FROM json_each(?))", (json.dumps(stale),))
        db.executemany("DELETE FROM files WHERE path = ?", ((name,) for name in stale))
    for name, digest, issue in fresh:
        db.executemany(
            "INSERT INTO articles (path, stem, year, number, issue_line, date, position, title, text) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            ((name, issue.stem, issue.year, issue.number, issue.issue_line, issue.date.isoformat(), position,
              article.headline or article.column or "", article_text(article))  # briefs: their column's name
             for position, article in enumerate(issue.articles)))
        db.execute("INSERT INTO files (path, sha256) VALUES (?, ?)", (name, digest))
    return IndexReport(added, updated, len(gone), unchanged, len(skipped), tuple(problems))


def _ensure_schema(db: sqlite3.Connection) -> None:
    """Create the tables, or recreate them when the index was made by another version of this module."""
    (version,) = db.execute("PRAGMA user_version").fetchone()
    if version == SCHEMA_VERSION:
        return
    db.execute("DROP TABLE IF EXISTS articles")
    db.execute("DROP TABLE IF EXISTS files")
    for statement in SCHEMA:
        db.execute(statement)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
