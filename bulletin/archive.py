"""The archive of numbered issues: scanning, numbering, integrity, publishing and verifying."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from bulletin import __version__
from bulletin.errors import BulletinError, Problem
from bulletin.loader import PUBLICATION_FILE, Loaded, display_path, find_publication, load
from bulletin.model import Issue, Photo
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
    """The issue files under a folder, in name order (publication files aside)."""
    return sorted(p for p in folder.rglob("*.yaml") if p.name != PUBLICATION_FILE)


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
            problems.append(_problem(entry, "number", f"the file name says {entry.path.stem}, the issue is "
                                                      f"{issue.issue_line} (expected {issue.stem}.yaml)"))
        if entry.path.parent.name.isdigit() and int(entry.path.parent.name) != issue.year:
            problems.append(_problem(entry, "year", f"filed under {entry.path.parent.name}/ but the issue is of "
                                                    f"{issue.year}"))
    for (year, supplement), group in sorted(sequences.items()):
        kind = "增刊" if supplement else "期"
        by_number: dict[int, list[Entry]] = defaultdict(list)
        for entry in group:
            by_number[entry.issue.number].append(entry)
        for number, same in sorted(by_number.items()):
            for entry in same[1:]:
                others = ", ".join(display_path(other.path) for other in same if other is not entry)
                problems.append(_problem(entry, "number", f"{year}年第{number}{kind} is also {others}"))
        missing = sorted(set(range(1, max(by_number) + 1)) - set(by_number))
        if missing:
            first = min(group, key=lambda entry: entry.issue.number)
            numbers = "、".join(str(n) for n in missing)
            problems.append(_problem(first, "number", f"{year}: no issue numbered {numbers} ({kind})"))
    main = sorted((e for e in loaded if not e.issue.supplement and e.issue.serial),
                  key=lambda entry: (entry.issue.year, entry.issue.number))
    for before, after in zip(main, main[1:], strict=False):
        expected = before.issue.serial + 1 if before.issue.serial else None
        if after.issue.serial != expected and (after.issue.year, after.issue.number) != (before.issue.year,
                                                                                     before.issue.number):
            problems.append(_problem(after, "serial", f"总第{after.issue.serial}期 follows 总第{before.issue.serial}期 "
                                                      f"({display_path(before.path)}): expected 总第{expected}期"))
    return problems


def _problem(entry: Entry, field: str, message: str) -> Problem:
    assert entry.loaded is not None
    return entry.loaded.sources.problem((field,), message)


# Numbering new issues


@dataclass(frozen=True)
class NextIssue:
    """What the next issue of the main sequence is called."""

    year: int
    number: int
    serial: int | None
    path: Path


def next_issue(folder: Path, date: dt.date) -> NextIssue:
    """The next 第N期 of the date's year (numbering restarts each year) and the next 总第N期 (never restarts)."""
    entries = [entry for entry in scan(folder) if entry.loaded and not entry.issue.supplement]
    numbers = [entry.issue.number for entry in entries if entry.issue.year == date.year]
    serials = [entry.issue.serial for entry in entries if entry.issue.serial]
    number = max(numbers, default=0) + 1
    serial = max(serials) + 1 if serials else None
    return NextIssue(date.year, number, serial, folder / str(date.year) / f"{date.year}-{number:02d}.yaml")


def new_issue_text(next_: NextIssue, date: dt.date) -> str:
    """The YAML of a new issue: its numbers and date, and one article to write."""
    serial = f"serial: {next_.serial}\n" if next_.serial else "# serial: 总第N期\n"
    return (
        f"# {next_.year}年第{next_.number}期: what is not here comes from {PUBLICATION_FILE}.\n"
        f"kind: 正刊                 # 专刊 | 增刊 | 正刊\n"
        f"year: {next_.year}\n"
        f"number: {next_.number}\n"
        f"{serial}"
        f"date: {date.isoformat()}\n"
        f"articles:\n"
        f"  - title: 标题\n"
        f"    body: |\n"
        f"      正文。\n"
    )


def create_new(folder: Path, date: dt.date) -> Path:
    """Write the next issue's file; never over an existing one."""
    next_ = next_issue(folder, date)
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
    for article in loaded.issue.articles:
        files += [loaded.path.parent / block.photo for block in article.body if isinstance(block, Photo)]
    return files


def source_digest(loaded: Loaded) -> str:
    """The digest of everything an issue's content comes from."""
    digest = hashlib.sha256()
    for path in source_files(loaded):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def font_files(issue: Issue) -> dict[str, Path]:
    """The font files an issue may be set in, by family."""
    faces = {face.family: face.path for chain in issue.font_chains().values() for face in chain.installed}
    return {family: path for family, path in sorted(faces.items()) if path}


# Publishing


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

    def manifest(self) -> dict[str, list[dict[str, object]]]:
        if not self.manifest_path.exists():
            return {}
        data: dict[str, list[dict[str, object]]] = json.loads(self.manifest_path.read_text(encoding="utf-8"))
        return data

    def save(self, manifest: dict[str, list[dict[str, object]]]) -> None:
        text = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
        write_atomic(self.manifest_path, text.encode())


def manifest_key(issue: Issue) -> str:
    """An issue's entry in the manifest: the stem of its first edition (gslxx-2018-10)."""
    return f"{issue.code}-{issue.stem}"


def latest_files(entries: Iterable[Entry], build: Path) -> dict[str, dict[str, Path]]:
    """Each issue's PDF and DOCX, by stem: its latest published edition where there is one, else its latest
    build in `build` (only files that exist). Each archive's manifest is read once."""
    manifests: dict[Path, dict[str, list[dict[str, object]]]] = {}
    files: dict[str, dict[str, Path]] = {}
    for entry in entries:
        assert entry.loaded is not None
        archive = Archive.of(entry.loaded)
        if archive.root not in manifests:
            manifests[archive.root] = archive.manifest()
        editions = manifests[archive.root].get(manifest_key(entry.issue), [])
        stem = archive_name(entry.issue, len(editions))
        folder = archive.root / str(entry.issue.year)
        candidates = {suffix: folder / f"{stem}.{suffix}" if editions else build / f"{entry.path.stem}.{suffix}"
                      for suffix in ("pdf", "docx")}
        files[entry.issue.stem] = {suffix: path for suffix, path in candidates.items() if path.exists()}
    return files


def archive_name(issue: Issue, edition: int) -> str:
    """The stable ASCII stem of a published file: gslxx-2018-10, and gslxx-2018-10-r2 for a corrected edition."""
    return f"{issue.code}-{issue.stem}" + (f"-r{edition}" if edition > 1 else "")


def publish(loaded: Loaded, render: dict[str, bytes], *, supersede: bool, reason: str | None) -> tuple[str, list[Path]]:
    """Freeze an issue in the archive: write its files (never over another) and its manifest entry.
    Returns what happened ("published", "unchanged" or "superseded") and the files written."""
    archive = Archive.of(loaded)
    manifest = archive.manifest()
    key = manifest_key(loaded.issue)
    editions = manifest.get(key, [])
    digest = source_digest(loaded)
    if editions and editions[-1]["source_sha256"] == digest:
        return "unchanged", []
    if editions and not supersede:
        published = editions[-1]
        raise BulletinError([Problem(display_path(loaded.path), 0, 0, "",
                                     f"changed since it was published as {published['files']} on "
                                     f"{published['published']}: the archive keeps what was circulated "
                                     "(publish --supersede --reason '…' issues a corrected edition beside it)")])
    edition = len(editions) + 1
    stem = archive_name(loaded.issue, edition)
    folder = archive.root / str(loaded.issue.year)
    outputs = {folder / f"{stem}.{suffix}": data for suffix, data in render.items()}
    outputs[folder / f"{stem}.yaml"] = loaded.path.read_bytes()
    clashes = [path for path in outputs if path.exists()]
    if clashes:
        raise BulletinError([Problem(display_path(path), 0, 0, "", "already in the archive and not in its manifest: "
                                                                   "not overwritten") for path in clashes])
    for path, data in outputs.items():
        write_atomic(path, data)
        path.chmod(0o444)
    entry: dict[str, object] = {
        "edition": edition,
        "title": f"{loaded.issue.name} {loaded.issue.issue_line}",
        "date": loaded.issue.date.isoformat(),
        "published": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "source_sha256": digest,
        "files": {path.relative_to(archive.root).as_posix(): sha256(data) for path, data in outputs.items()},
        "tool": f"bulletin {__version__}",
        "fonts": {family: sha256(path.read_bytes()) for family, path in font_files(loaded.issue).items()},
    }
    if edition > 1:
        entry["supersedes"] = editions[-1]["files"]
        entry["reason"] = reason or ""
    manifest[key] = [*editions, entry]
    archive.save(manifest)
    return ("superseded" if edition > 1 else "published"), list(outputs)


def published_files(archive: Archive) -> dict[str, str]:
    """Every file the manifest lists, with its published SHA-256, in manifest order."""
    files: dict[str, str] = {}
    for editions in archive.manifest().values():
        for edition in editions:
            listed = edition["files"]
            assert isinstance(listed, dict)
            files.update(listed)
    return files


def verify(archive: Archive) -> Iterator[str]:
    """Every file of the manifest that is missing or altered, as a message."""
    for name, digest in published_files(archive).items():
        path = archive.root / name
        if not path.exists():
            yield f"{display_path(path)}: missing"
        elif sha256(path.read_bytes()) != digest:
            yield f"{display_path(path)}: altered (its SHA-256 is not the one published)"
