"""The archive of numbered issues: scanning, numbering, integrity, publishing and verifying."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import json
import os
import stat
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import filelock
import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from bulletin import __version__
from bulletin.errors import BulletinError, Problem, field_path
from bulletin.i18n import _
from bulletin.inputs import Refused, read_regular, read_source
from bulletin.loader import PUBLICATION_FILE, Loaded, display_path, find_publication, load
from bulletin.model import Issue, Series
from bulletin.output import write_atomic

MANIFEST = "manifest.json"


@dataclass(frozen=True)
class Entry:
    """One issue file of the archive: loaded, or the problems that kept it from loading."""

    path: Path
    loaded: Loaded | None
    problems: tuple[Problem, ...] = ()

    @property
    def issue(self) -> Issue:
        assert self.loaded is not None
        return self.loaded.issue


def issue_files(folder: Path) -> list[Path]:
    """The issue files under a folder, in name order (publication files aside): linked folders are not
    entered, and a file that is a link, a FIFO or a device is listed for the loader to refuse by name."""
    found = []
    for here, folders, files in os.walk(folder, followlinks=False):
        folders.sort()
        found += [Path(here) / name for name in files if name.endswith(".yaml") and name != PUBLICATION_FILE]
    return sorted(found)


def scan(folder: Path) -> list[Entry]:
    """Every issue under a folder, loaded where it can be."""
    entries = []
    for path in issue_files(folder):
        try:
            entries.append(Entry(path, load(path)))
        except BulletinError as error:
            entries.append(Entry(path, None, tuple(error.problems)))
    return entries


def integrity(entries: Iterable[Entry]) -> list[Problem]:
    """What is wrong with the archive as a whole: duplicate or missing numbers, 总第N期 out of sequence,
    file names that disagree with their issue (dates outside their year are caught by the model)."""
    loaded = [entry for entry in entries if entry.loaded]
    problems = []
    sequences: dict[tuple[int, bool], list[Entry]] = defaultdict(list)
    for entry in loaded:
        issue = entry.issue
        sequences[issue.year, issue.supplement].append(entry)
        if entry.path.stem != issue.stem:
            problems.append(_problem(entry, "number", _(
                "the file name says {stem}, the issue is {line} (expected {expected}.yaml)").format(
                stem=entry.path.stem, line=issue.issue_line, expected=issue.stem)))
        if entry.path.parent.name.isdigit() and int(entry.path.parent.name) != issue.year:
            problems.append(_problem(entry, "year", _(
                "filed under {folder}/ but the issue is of {year}").format(folder=entry.path.parent.name,
                                                                          year=issue.year)))
    series = loaded[0].issue.series if loaded else Series()  # a publication-level setting: one for all
    start = _stem_parts(series.start) if series.start else None
    elsewhere = {_stem_parts(stem) for stem in series.elsewhere}
    for (year, supplement), group in sorted(sequences.items()):
        line = _("{year} supplement no. {number}") if supplement else _("{year} no. {number}")
        by_number: dict[int, list[Entry]] = defaultdict(list)
        for entry in group:
            by_number[entry.issue.number].append(entry)
        for number, same in sorted(by_number.items()):
            for entry in same[1:]:
                others = ", ".join(display_path(other.path) for other in same if other is not entry)
                problems.append(_problem(entry, "number", _("{line} is also {others}").format(
                    line=line.format(year=year, number=number), others=others)))
        first = start[2] if start and start[:2] == (year, supplement) else 1
        for entry in group:
            if start and not supplement and not start[1] and (year, entry.issue.number) < (start[0], start[2]):
                problems.append(_problem(entry, "number", _(
                    "{line} is before the series' start ({start}, series.start)").format(
                    line=entry.issue.issue_line, start=series.start)))
        missing = sorted(set(range(first, max(by_number) + 1)) - set(by_number)
                         - {number for y, s, number in elsewhere if (y, s) == (year, supplement)})
        if missing:
            numbers = _(", ").join(str(n) for n in missing)
            problems.append(_problem(min(group, key=lambda entry: entry.issue.number), "number", _(
                "{line} missing: an issue kept outside this archive is named in {publication}'s series "
                "(start: the first issue here, elsewhere: those kept elsewhere)").format(
                line=line.format(year=year, number=numbers), publication=PUBLICATION_FILE)))
    main = sorted((e for e in loaded if not e.issue.supplement and e.issue.serial),
                  key=lambda entry: (entry.issue.year, entry.issue.number))
    for before, after in zip(main, main[1:], strict=False):
        between = sum(1 for y, s, n in elsewhere
                      if not s and (before.issue.year, before.issue.number) < (y, n) < (after.issue.year,
                                                                                        after.issue.number))
        expected = before.issue.serial + 1 + between if before.issue.serial else None
        if after.issue.serial != expected and (after.issue.year, after.issue.number) != (before.issue.year,
                                                                                     before.issue.number):
            problems.append(_problem(after, "serial", _(
                "总第{serial}期 follows 总第{before}期 ({path}): expected 总第{expected}期").format(
                serial=after.issue.serial, before=before.issue.serial, path=display_path(before.path),
                expected=expected)))
    return problems


def _stem_parts(stem: str) -> tuple[int, bool, int]:
    """An issue's stem as (year, 增刊, number): 2018-z01 is (2018, True, 1)."""
    year, _dash, number = stem.partition("-")
    return int(year), number.startswith("z"), int(number.removeprefix("z"))


def _problem(entry: Entry, field: str, message: str) -> Problem:
    assert entry.loaded is not None
    return entry.loaded.sources.problem((field,), message)


# Numbering new issues


@dataclass(frozen=True)
class NextIssue:
    """What the next issue of a sequence is called: the main one (正刊, 专刊) or the year's 增刊."""

    year: int
    number: int
    serial: int | None
    path: Path
    kind: str = "正刊"


def next_issue(folder: Path, date: dt.date, kind: str = "正刊") -> NextIssue:
    """The next 第N期 of the date's year (numbering restarts each year) and the next 总第N期 (never restarts);
    a 增刊 is numbered in the year's supplements alone (2018-z01) and has no 总第N期."""
    supplement = kind == "增刊"
    entries = [entry for entry in scan(folder) if entry.loaded and entry.issue.supplement == supplement]
    numbers = [entry.issue.number for entry in entries if entry.issue.year == date.year]
    number = max(numbers, default=0) + 1
    serials = [entry.issue.serial for entry in entries if entry.issue.serial and not supplement]
    serial = max(serials) + 1 if serials else None
    stem = f"{date.year}-{'z' if supplement else ''}{number:02d}"
    return NextIssue(date.year, number, serial, folder / str(date.year) / f"{stem}.yaml", kind)


def new_issue_text(next_: NextIssue, date: dt.date) -> str:
    """The YAML of a new issue: its numbers and date, and one article to write."""
    supplement = next_.kind == "增刊"
    serial = f"serial: {next_.serial}\n" if next_.serial else "" if supplement else "# serial: 总第N期\n"
    return (
        "# " + _("{line}: what is not written here comes from {publication}").format(
            line=(_("{year} supplement no. {number}") if supplement else _("{year} no. {number}")).format(
                year=next_.year, number=next_.number), publication=PUBLICATION_FILE) + "\n"
        f"kind: {next_.kind}                 # 专刊 | 增刊 | 正刊\n"
        f"year: {next_.year}\n"
        f"number: {next_.number}\n"
        f"{serial}"
        f"date: {date.isoformat()}\n"
        f"articles:\n"
        f"  - title: 标题\n"
        f"    body: |\n"
        f"      正文。\n"
    )


def create_new(folder: Path, date: dt.date, kind: str = "正刊") -> Path:
    """Write the next issue's file (of `kind`: a 增刊 in its own sequence); never over an existing one."""
    next_ = next_issue(folder, date, kind)
    next_.path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with open(next_.path, "x", encoding="utf-8") as file:
            file.write(new_issue_text(next_, date))
    except FileExistsError:
        raise BulletinError([Problem(display_path(next_.path), 0, 0, "", "already exists: not overwritten")]) from None
    return next_.path


# Digests: what an output depends on


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def source_files(loaded: Loaded) -> list[Path]:
    """The files an issue is made from: its YAML, the publication file, its photos."""
    files = [loaded.path]
    publication = find_publication(loaded.path)
    if publication:
        files.append(publication)
    return files + [path for _name, path in _photo_paths(loaded)]


def _photo_paths(loaded: Loaded) -> Iterator[tuple[str, Path]]:
    """Each photo the issue prints, in order: its name relative to the issue file (as an archived edition
    keeps it, beside its source), and its file."""
    for article in loaded.issue.articles:
        for photo in article.photos():
            yield PurePosixPath(os.path.normpath(photo.photo)).as_posix(), loaded.path.parent / photo.photo


def source_digest(loaded: Loaded) -> str:
    """The digest of everything an issue's content comes from."""
    digest = hashlib.sha256()
    for path in source_files(loaded):
        digest.update(path.name.encode() + b"\0" + read_source(path) + b"\0")
    return digest.hexdigest()


def font_files(issue: Issue) -> dict[str, Path]:
    """The font files an issue may be set in, by family."""
    faces = {face.family: face.path for chain in issue.font_chains().values() for face in chain.installed}
    return {family: path for family, path in sorted(faces.items()) if path}


@functools.cache
def _font_digest(path: Path) -> str:
    """A font file's SHA-256 (through the links fonts/ may hold), once per process: a publish and each edition a
    rebuild checks ask for the same."""
    return hash_file(path.resolve())


# An edition's source: the issue as it was set, whole
#
# What an edition was made from is kept with it, in a folder of its own beside its files: source.yaml, the
# issue with every value it took from the publication file (and, for a corrected edition, the day of the
# correction, which it prints), and its photos under the names source.yaml gives them. The edition's PDF and
# DOCX are made from that folder alone, at publish and again by `verify --rebuild`.

SOURCE = "source.yaml"
SOURCE_HEADING = ("# {title}：发布时的完整来源，即期刊文件加上它沿用的 {publication} 各项；档案据此重建"
                  "（the issue as published, with the publication's values it used）\n")
INHERITED_HEADING = "# 以下沿用自 {publication}（inherited from the publication file）\n"


class _SourceDumper(yaml.SafeDumper):
    """YAML as an editor writes it: text of several lines as a block (|), keys in the issue's order."""


def _represent_text(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style="|" if "\n" in text else None)


_SourceDumper.add_representer(str, _represent_text)


def resolved_source(loaded: Loaded, corrected: dt.date | None = None) -> bytes:
    """An edition's source.yaml: the issue's own keys (with the day of a correction), then those it took
    from the publication file; it loads alone (loader.load(…, resolved=True)) into the same issue."""
    own: dict[str, Any] = {key: value for key, value in loaded.data.items() if key not in loaded.inherited}
    if corrected is not None:
        own["corrected"] = corrected
    inherited = {key: value for key, value in loaded.data.items() if key in loaded.inherited}
    title = f"{loaded.issue.name} {loaded.issue.issue_line}"
    text = SOURCE_HEADING.format(title=title, publication=PUBLICATION_FILE) + _dump(own)
    if inherited:
        text += INHERITED_HEADING.format(publication=PUBLICATION_FILE) + _dump(inherited)
    return text.encode()


def _dump(data: dict[str, Any]) -> str:
    return yaml.dump(data, Dumper=_SourceDumper, allow_unicode=True, sort_keys=False, width=1 << 16)


# Publishing
#
# The archive is a folder of frozen files and manifest.json, the record of what was published: a chain of
# entries, each with the SHA-256 of its files and of the entry before it, so that an entry changed or taken
# out of the middle shows, and the chain's last hash (printed by publish and verify) pins the whole record.
# One publish at a time holds the archive's lock; its files are written first and the manifest last, by a
# rename: a publish that stops at any point leaves the archive as it was but for files no entry lists,
# which the next publish of that issue moves aside to .interrupted/ and names.

MANIFEST_FORMAT = 2
JOURNAL = "journal.log"  # beside the manifest: every entry's hash, line by line, as published
GENESIS = "0" * 64  # what the first entry's `previous` holds
LOCK = ".lock"
INTERRUPTED = ".interrupted"
LOCK_TIMEOUT_S = 120.0


@dataclass(frozen=True)
class Manifest:
    """The archive's record: its entries in the order they were published."""

    entries: tuple[dict[str, Any], ...] = ()
    legacy: bool = False  # read from the first format (a map of issues to editions, no chain)

    def editions(self, key: str) -> list[dict[str, Any]]:
        return [entry for entry in self.entries if entry["key"] == key]

    @property
    def head(self) -> str:
        """The last entry's hash: the whole record's fingerprint."""
        return str(self.entries[-1]["sha256"]) if self.entries else GENESIS

    def appended(self, entry: dict[str, Any]) -> Manifest:
        """The record with `entry` chained on (and an old record chained through, in its order)."""
        chained: list[dict[str, Any]] = []
        for item in [*self.entries, entry]:
            fields = {k: v for k, v in item.items() if k not in ("previous", "sha256")}
            fields["previous"] = chained[-1]["sha256"] if chained else GENESIS
            chained.append({**fields, "sha256": entry_hash(fields)})
        return Manifest(tuple(chained))

    def text(self) -> str:
        data = {"format": MANIFEST_FORMAT, "entries": list(self.entries)}
        return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def entry_hash(fields: dict[str, Any]) -> str:
    """The SHA-256 of an entry's fields but its own hash, in canonical JSON."""
    canonical = json.dumps({k: v for k, v in fields.items() if k != "sha256"}, ensure_ascii=False, sort_keys=True,
                           separators=(",", ":"))
    return sha256(canonical.encode())


class _Entry(BaseModel):
    """What every manifest entry must hold (it may hold more)."""

    model_config = ConfigDict(extra="allow", strict=True)

    key: str
    edition: int
    published: str
    source_sha256: str
    files: dict[str, str]
    source: str | None = None  # the edition's source.yaml (entries from before editions kept theirs have none)
    fonts: dict[str, str] = {}
    font_files: dict[str, str] = {}


@dataclass(frozen=True)
class Archive:
    """The published archive: a folder of frozen files and the manifest that lists their digests."""

    root: Path

    @classmethod
    def of(cls, loaded: Loaded) -> Archive:
        publication = find_publication(loaded.path)
        base = publication.parent if publication else loaded.path.parent
        return cls(base / loaded.issue.archive)

    @property
    def manifest_path(self) -> Path:
        return self.root / MANIFEST

    def manifest(self) -> Manifest:
        """The record, validated; a manifest that cannot be read is an error that names it."""
        path = self.manifest_path
        if not path.exists():
            return Manifest()
        name = display_path(path)
        try:
            data = json.loads(read_regular(path, MAX_MANIFEST_BYTES).decode("utf-8"))
        except json.JSONDecodeError as error:
            raise BulletinError([Problem(name, error.lineno, error.colno, "", _(
                "the archive's manifest is not valid JSON: {reason}").format(reason=error.msg))]) from None
        except (UnicodeDecodeError, OSError, Refused) as error:
            raise BulletinError([Problem(name, 0, 0, "", _(
                "the archive's manifest cannot be read: {reason}").format(reason=error))]) from None
        legacy = isinstance(data, dict) and "format" not in data
        if legacy:  # the first format: {key: [edition, …]}
            if not all(isinstance(v, list) and all(isinstance(e, dict) for e in v) for v in data.values()):
                raise BulletinError([Problem(name, 0, 0, "", _(
                    "the archive's manifest is not a map of issues to their editions"))])
            raw = sorted(({**e, "key": k} for k, editions in data.items() for e in editions),
                         key=lambda e: (str(e.get("published", "")), e["key"], str(e.get("edition", ""))))
        elif isinstance(data, dict) and data.get("format") == MANIFEST_FORMAT and isinstance(data.get("entries"), list):
            raw = data["entries"]
        else:
            raise BulletinError([Problem(name, 0, 0, "", _(
                "the archive's manifest is of a format not known (expected format {format} with a list of "
                "entries)").format(format=MANIFEST_FORMAT))])
        problems = []
        for index, item in enumerate(raw):
            try:
                _Entry.model_validate(item)
            except ValidationError as error:
                for detail in error.errors():
                    where = field_path(("entries", index, *detail["loc"]))
                    problems.append(Problem(name, 0, 0, where, _(
                        "an entry of the archive's manifest is incomplete or of the wrong type: {reason}").format(
                        reason=detail["msg"])))
        if problems:
            raise BulletinError(problems)
        return Manifest(tuple(raw), legacy)

    @property
    def journal_path(self) -> Path:
        return self.root / JOURNAL

    def journaled(self) -> list[str]:
        """The hashes the journal holds, in the order they were published ([] without a journal)."""
        if not self.journal_path.exists():
            return []
        text = read_regular(self.journal_path, MAX_MANIFEST_BYTES).decode("utf-8", errors="replace")
        return [line.split()[-1] for line in text.splitlines() if line.strip()]

    def journal(self, record: Manifest) -> None:
        """Append to the journal (a second, read-only record beside the manifest: one line per entry, its
        time, issue, edition and hash) every entry of `record` it does not hold yet."""
        known = set(self.journaled())
        old = self.journal_path.read_bytes() if self.journal_path.exists() else b""
        lines = [f"{e['published']} {e['key']} {e['edition']} {e['sha256']}\n" for e in record.entries
                 if e["sha256"] not in known]
        if lines:
            write_atomic(self.journal_path, old + "".join(lines).encode(), mode=0o444)

    def lock(self) -> filelock.BaseFileLock:
        """The archive's lock: one publish at a time (freed by the system if the process dies)."""
        self.root.mkdir(parents=True, exist_ok=True)
        return filelock.FileLock(str(self.root / LOCK), timeout=LOCK_TIMEOUT_S)

    def member(self, name: str) -> Path | None:
        """The file a manifest names, if the name stays inside the archive (no absolute path, no `..`, no
        link on the way); else None."""
        parts = PurePosixPath(name).parts
        if not parts or name.startswith("/") or "\\" in name or any(p in ("", ".", "..") for p in parts) or \
                ":" in parts[0]:
            return None
        path = self.root.joinpath(*parts)
        here = self.root
        for part in parts:
            here = here / part
            if here.is_symlink():
                return None
        return path

    def files_on_disk(self) -> list[str]:
        """Every file in the archive but its own bookkeeping (manifest, lock, what was moved aside), as the
        manifest names them; links are listed, never followed."""
        found = []
        for folder, folders, files in os.walk(self.root):
            here = Path(folder)
            if here == self.root:
                folders[:] = [f for f in folders if f != INTERRUPTED]
            for name in files + [f for f in folders if (here / f).is_symlink()]:
                relative = (here / name).relative_to(self.root).as_posix()
                if relative not in (MANIFEST, LOCK, JOURNAL):
                    found.append(relative)
        return sorted(found)


MAX_MANIFEST_BYTES = 64 * 1024 * 1024


def hash_file(path: Path) -> str:
    """A regular file's SHA-256, read in blocks (a link, a device or a FIFO is refused, not read)."""
    digest = hashlib.sha256()
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(descriptor, "rb") as file:
        if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):
            raise OSError(_("not a regular file: {path}").format(path=path))
        while block := file.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def manifest_key(issue: Issue) -> str:
    """An issue's entry in the manifest: the stem of its first edition (gslxx-2018-10)."""
    return f"{issue.code}-{issue.stem}"


def latest_files(entries: Iterable[Entry], build: Path) -> dict[str, Latest]:
    """Each issue's PDF and DOCX, by stem: its latest published edition where there is one, else its latest
    build in `build` (only files that exist). Each archive's manifest is read once."""
    manifests: dict[Path, Manifest] = {}
    files: dict[str, Latest] = {}
    for entry in entries:
        assert entry.loaded is not None
        files[entry.issue.stem] = Filed.of(entry.loaded).latest(build, manifests)
    return files


@dataclass(frozen=True)
class Latest:
    """An issue's files to show: its latest published edition's, else its latest build's."""

    paths: dict[str, Path]  # by format ("pdf", "docx"): only files that exist
    edition: int = 0  # the published edition they are (1, or 2… for a 更正版); 0: not published


@dataclass(frozen=True)
class Filed:
    """Where an issue's PDF and DOCX are found, known without loading the issue again (the search index
    keeps it for every issue file)."""

    archive: Path  # the publication's archive folder
    key: str  # the issue's entry in the manifest (manifest_key)
    year: int  # the archive's subfolder
    stem: str  # the issue file's stem, which names its build outputs

    @classmethod
    def of(cls, loaded: Loaded) -> Filed:
        return cls(Archive.of(loaded).root, manifest_key(loaded.issue), loaded.issue.year, loaded.path.stem)

    def latest(self, build: Path | None, manifests: dict[Path, Manifest]) -> Latest:
        """The PDF and DOCX that exist: the latest published edition's, else the build's in `build` (none
        without one); `manifests` keeps each archive's manifest, read once."""
        if self.archive not in manifests:
            manifests[self.archive] = Archive(self.archive).manifest()
        editions = len(manifests[self.archive].editions(self.key))
        if editions:
            folder, stem = self.archive / str(self.year), edition_stem(self.key, editions)
        elif build is not None:
            folder, stem = build, self.stem
        else:
            return Latest({})
        candidates = {suffix: folder / f"{stem}.{suffix}" for suffix in ("pdf", "docx")}
        return Latest({suffix: path for suffix, path in candidates.items() if path.exists()}, editions)


def archive_name(issue: Issue, edition: int) -> str:
    """The stable ASCII stem of a published file: gslxx-2018-10, and gslxx-2018-10-r2 for a corrected edition."""
    return edition_stem(manifest_key(issue), edition)


def edition_stem(key: str, edition: int) -> str:
    """An edition's stem from its manifest entry's key and number."""
    return key + (f"-r{edition}" if edition > 1 else "")


@dataclass(frozen=True)
class Published:
    """What a publish did: "published", "superseded" or "unchanged", the files it wrote, the files an earlier
    interrupted publish had left (moved aside), and the record's new last hash."""

    outcome: str
    written: list[Path]
    recovered: list[tuple[Path, Path]]
    head: str


Render = Callable[[Loaded], dict[str, bytes]]  # an edition's source, loaded, to its files by suffix (pdf, docx)
PUBLISHED_FORMATS = ("pdf", "docx")


def publish(loaded: Loaded, render: Render, *, supersede: bool, reason: str | None) -> Published:
    """Freeze an issue in the archive: its source (the issue as set, its photos), its files made from that
    source alone by `render` (never over a published one), then its manifest entry."""
    archive = Archive.of(loaded)
    try:
        lock = archive.lock()
        lock.acquire()
    except filelock.Timeout:
        raise BulletinError([Problem(display_path(archive.root / LOCK), 0, 0, "",
                                     _(
            "the archive is held by another publish: still locked after {seconds:g} s").format(
            seconds=LOCK_TIMEOUT_S))]) from None
    try:
        return _publish_locked(archive, loaded, render, supersede=supersede, reason=reason)
    finally:
        lock.release()


def _publish_locked(archive: Archive, loaded: Loaded, render: Render, *, supersede: bool,
                    reason: str | None) -> Published:
    manifest = archive.manifest()
    key = manifest_key(loaded.issue)
    editions = manifest.editions(key)
    digest = source_digest(loaded)
    if editions and editions[-1]["source_sha256"] == digest:
        return Published("unchanged", [], [], manifest.head)
    if editions and not supersede:
        published = editions[-1]
        names = _(", ").join(sorted(published["files"]))
        raise BulletinError([Problem(display_path(loaded.path), 0, 0, "", _(
            "changed since it was published ({published}, {files}): the archive keeps the edition as it was "
            "circulated; to correct it, publish a corrected edition with publish --supersede --reason '…'").format(
            published=published["published"], files=names))])
    edition = len(editions) + 1
    stem = archive_name(loaded.issue, edition)
    folder = archive.root / str(loaded.issue.year)
    own = folder / stem  # the edition's source and photos
    corrected = dt.date.today() if edition > 1 else None
    sources = {folder / f"{stem}.yaml": read_source(loaded.path), own / SOURCE: resolved_source(loaded, corrected)}
    sources |= {own / name: read_source(path) for name, path in _photo_paths(loaded)}
    made = [folder / f"{stem}.{suffix}" for suffix in PUBLISHED_FORMATS]
    listed = {name for entry in manifest.entries for name in entry["files"]}
    clashes = [path for path in [*sources, *made] if path.relative_to(archive.root).as_posix() in listed]
    if clashes:
        raise BulletinError([Problem(display_path(path), 0, 0, "",
                                     _("already in the archive's manifest: not overwritten")) for path in clashes])
    recovered = _move_aside(_unlisted([*sources, *made], own), archive)
    written: list[Path] = []
    try:
        for path, data in sources.items():
            write_atomic(path, data, mode=0o444)
            written.append(path)
        staged = load(own / SOURCE, resolved=True)
        if staged.issue != loaded.issue.model_copy(update={"corrected": corrected}):
            raise BulletinError([Problem(display_path(own / SOURCE), 0, 0, "", _(
                "the resolved source does not load back as the issue: not published"))])
        rendered = render(staged)  # the PDF and the DOCX from the archived source and photos alone
        outputs = {**sources, **{path: rendered[suffix] for path, suffix in zip(made, PUBLISHED_FORMATS, strict=True)}}
        for path in made:
            write_atomic(path, outputs[path], mode=0o444)
            written.append(path)
        fonts = font_files(staged.issue)
        entry: dict[str, Any] = {
            "key": key,
            "edition": edition,
            "title": f"{loaded.issue.name} {loaded.issue.issue_line}",
            "date": loaded.issue.date.isoformat(),
            "published": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "source_sha256": digest,
            "source": (own / SOURCE).relative_to(archive.root).as_posix(),
            "files": {path.relative_to(archive.root).as_posix(): sha256(data) for path, data in outputs.items()},
            "tool": f"bulletin {__version__}",
            "fonts": {family: _font_digest(path) for family, path in fonts.items()},
            "font_files": {family: path.name for family, path in fonts.items()},
        }
        if corrected is not None:  # a corrected edition
            entry["supersedes"] = editions[-1]["files"]
            entry["reason"] = reason or ""
            entry["corrected"] = corrected.isoformat()
        record = manifest.appended(entry)
        write_atomic(archive.manifest_path, record.text().encode(), mode=0o644)  # the commit
    except BaseException:
        for path in written:  # not recorded: not published (what a killed process leaves, the next run moves aside)
            path.unlink(missing_ok=True)
        _remove_empty(own)
        raise
    archive.journal(record)  # after the commit: a publish stopped here is published; the next one completes this
    return Published("superseded" if edition > 1 else "published", written, recovered, record.head)


def _unlisted(targets: list[Path], own: Path) -> list[Path]:
    """What stands where a publish is to write, no entry listing it: its targets that exist, and whatever is
    in the edition's own folder (or the folder itself, if it is a link)."""
    if own.is_symlink():
        return [own, *(path for path in targets if not path.is_relative_to(own) and _present(path))]
    inside = [Path(here) / name for here, folders, files in os.walk(own)
              for name in files + [f for f in folders if (Path(here) / f).is_symlink()]]
    return [*(path for path in targets if path not in inside and _present(path)), *inside]


def _present(path: Path) -> bool:
    """Whether anything is at `path`, a link to nowhere included."""
    return path.exists() or path.is_symlink()


def _remove_empty(folder: Path) -> None:
    """The folders a stopped publish made and left empty (never one that holds a file)."""
    for here, _folders, _files in os.walk(folder, topdown=False):
        with contextlib.suppress(OSError):
            os.rmdir(here)


def _move_aside(paths: list[Path], archive: Archive) -> list[tuple[Path, Path]]:
    """Files no entry lists, where this publish writes (left by one that was stopped, or put there by hand):
    moved to .interrupted/<time>/, never deleted."""
    if not paths:
        return []
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    moved = []
    for path in paths:
        target = archive.root / INTERRUPTED / stamp / path.relative_to(archive.root)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(path, target)
        moved.append((path, target))
    return moved


def published_files(manifest: Manifest) -> dict[str, str]:
    """Every file the manifest lists, with its published SHA-256, in manifest order."""
    files: dict[str, str] = {}
    for entry in manifest.entries:
        files.update(entry["files"])
    return files


@dataclass(frozen=True)
class Finding:
    """One thing wrong with the archive; `member` the listed file it concerns, if it is one."""

    message: str
    member: str | None = None

    def __str__(self) -> str:
        return self.message


def verify(archive: Archive, expect: str | None = None) -> Iterator[Finding]:
    """Everything wrong with the archive against its record, as messages: a broken chain, a file missing,
    altered or named outside the archive, a file no entry lists, a last hash other than `expect`."""
    manifest = archive.manifest()
    name = display_path(archive.manifest_path)
    root = display_path(archive.root)

    def shown(member: str) -> str:  # the archive's own name for a file (a link is not resolved)
        return f"{root}/{member}"
    if manifest.legacy:
        yield Finding(_("{manifest}: a manifest of the first format: its entries are not chained yet (the next "
                        "publish chains them)").format(manifest=name))
    else:
        previous = GENESIS
        for index, entry in enumerate(manifest.entries):
            label = _("{manifest}: entries[{index}] ({key}, edition {edition})").format(
                manifest=name, index=index, key=entry["key"], edition=entry["edition"])
            if entry.get("previous") != previous:
                yield Finding(_("{entry}: does not chain to the entry before: an entry before it was removed or "
                                "changed").format(entry=label))
            if entry.get("sha256") != entry_hash(entry):
                yield Finding(_("{entry}: does not match its hash: altered after it was published").format(entry=label))
            previous = str(entry.get("sha256"))
    if not manifest.legacy and manifest.entries:
        hashes = [str(entry.get("sha256")) for entry in manifest.entries]
        journaled = archive.journaled()
        gone = [h for h in journaled if h not in hashes]
        if gone:
            yield Finding(_("{manifest}: {count} entries of the journal {journal} are not in the manifest: entries "
                            "were removed or rewritten").format(manifest=name, count=len(gone), journal=JOURNAL))
        elif journaled != hashes[: len(journaled)]:
            yield Finding(_("{manifest}: the entries are not in the order of the journal {journal}").format(
                manifest=name, journal=JOURNAL))
        elif len(journaled) < len(hashes):
            yield Finding(_("{manifest}: the last {count} entries are not in the journal {journal} (a publish stopped "
                            "after its commit? the next publish adds them)").format(
                manifest=name, count=len(hashes) - len(journaled), journal=JOURNAL))
    if expect is not None and manifest.head != expect:
        yield Finding(_("{manifest}: the last hash is {head}, not the {expected} recorded: entries were removed or "
                        "rewritten").format(manifest=name, head=manifest.head, expected=expect))
    for member, digest in published_files(manifest).items():
        path = archive.member(member)
        if path is None:
            yield Finding(_("{manifest}: {member}: outside the archive: not read").format(manifest=name, member=member),
                          member)
        elif not path.exists():
            yield Finding(_("{file}: missing").format(file=shown(member)), member)
        else:
            try:
                actual = hash_file(path)
            except OSError as error:
                yield Finding(_("{file}: cannot be read: {reason}").format(file=shown(member), reason=error), member)
                continue
            if actual != digest:
                yield Finding(_("{file}: altered: its SHA-256 is not the one published").format(file=shown(member)),
                              member)
    listed = set(published_files(manifest))
    for member in archive.files_on_disk():
        if member not in listed:
            yield Finding(_("{file}: not in the manifest").format(file=shown(member)))



# Rebuilding: each edition made again from the archive alone


@dataclass(frozen=True)
class Rebuilt:
    """An archived edition made again from its source: `differs` names its files whose bytes are not the
    archived ones; `cannot` says why it could not be made (nothing was compared)."""

    edition: str
    differs: tuple[str, ...] = ()
    cannot: str = ""

    @property
    def same(self) -> bool:
        return not self.differs and not self.cannot

    def __str__(self) -> str:
        if self.cannot:
            return _("{edition}: cannot be rebuilt: {reason}").format(edition=self.edition, reason=self.cannot)
        if self.differs:
            return _("{edition}: rebuilt, differs from the archive: {files}").format(
                edition=self.edition, files=_(", ").join(self.differs))
        return _("{edition}: rebuilt to the same bytes as the archive").format(edition=self.edition)


def rebuild(archive: Archive, render: Render, name: str | None = None) -> Iterator[Rebuilt]:
    """Every archived edition (or those `name` names: an issue's key, gslxx-2018-10, or one edition's stem,
    gslxx-2018-10-r2) made again by `render` from its source.yaml and the photos beside it, with this
    machine's fonts, reading nothing outside the archive, and compared byte for byte with its PDF and DOCX."""
    entries = archive.manifest().entries
    chosen = [entry for entry in entries if name in (None, entry["key"], edition_stem(entry["key"], entry["edition"]))]
    if name is not None and not chosen:
        raise BulletinError([Problem(display_path(archive.manifest_path), 0, 0, "",
                                     _("no issue or edition {name} in the archive").format(name=name))])
    for entry in chosen:
        yield _rebuild(archive, entry, render)


def _rebuild(archive: Archive, entry: dict[str, Any], render: Render) -> Rebuilt:
    stem = edition_stem(entry["key"], entry["edition"])
    if not entry.get("source"):
        return Rebuilt(stem, cannot=_("published before the archive kept each edition's source"))
    source = archive.member(entry["source"])
    if source is None:
        return Rebuilt(stem, cannot=_("{source}: outside the archive: not read").format(source=entry["source"]))
    try:
        staged = load(source, resolved=True)
        fonts = _font_changes(entry, font_files(staged.issue))
        if fonts:
            return Rebuilt(stem, cannot=fonts)
        made = render(staged)
    except BulletinError as error:
        return Rebuilt(stem, cannot=_("; ").join(str(problem) for problem in error.problems))
    outputs = {PurePosixPath(member).suffix.lstrip("."): member for member in entry["files"]
               if PurePosixPath(member).stem == stem}
    differs = []
    for suffix in PUBLISHED_FORMATS:
        member = outputs.get(suffix, f"{stem}.{suffix}")
        path = archive.member(member)
        try:
            if path is None or hash_file(path) != sha256(made[suffix]):
                differs.append(member)
        except OSError:
            differs.append(member)
    return Rebuilt(stem, tuple(differs))


def _font_changes(entry: dict[str, Any], installed: dict[str, Path]) -> str:
    """Why this machine's fonts would not set the edition as it was set ("" when they would): a face it was
    set with is not installed, or not the same file; or a face of its chains is installed that was not."""
    published: dict[str, str] = entry["fonts"] if isinstance(entry.get("fonts"), dict) else {}
    names: dict[str, str] = entry["font_files"] if isinstance(entry.get("font_files"), dict) else {}
    missing = [f"{family}（{names.get(family, '?')}）" for family in published if family not in installed]
    if missing:
        return _("fonts not installed: {fonts}").format(fonts=_(", ").join(missing))
    changed = [f"{family}（{installed[family].name}）" for family, digest in published.items()
               if _font_digest(installed[family]) != digest]
    if changed:
        return _("font files differ from those it was published with: {fonts}").format(fonts=_(", ").join(changed))
    added = [family for family in installed if family not in published]
    if added:
        return _("fonts installed since it was published change its font chains: {fonts}").format(
            fonts=_(", ").join(added))
    return ""
