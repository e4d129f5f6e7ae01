"""Loading: issue YAML (over the publication file) into the typed model, with every error located."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError
from pydantic_core import ErrorDetails

from bulletin.errors import BulletinError, Problem, field_path
from bulletin.i18n import N_, _
from bulletin.inputs import MAX_ISSUE_BYTES, MAX_PHOTO_BYTES, Refused, check_regular, project_root, read_regular
from bulletin.model import ARCHIVE_ONLY, BLOCK_EXPECTED, BLOCK_TAGS, PUBLICATION_ONLY, STANDING_KEYS, Issue, Publication

PUBLICATION_FILE = "publication.yaml"
MAX_NODES = 100_000  # YAML aliases can multiply a small file into a huge tree ("billion laughs")
MAX_DEPTH = 40  # an issue nests five levels deep; far deeper is a mistake or an attack
MAX_BYTES = MAX_ISSUE_BYTES  # an issue is tens of kilobytes of text; photos live beside it, not inside
MAX_PIXELS = 40_000_000  # a photo of 40 megapixels is already far more than an A4 page needs
# The image formats a photo may be (Pillow's names), with the suffix a file of each takes.
IMAGE_SUFFIXES = {"PNG": ".png", "JPEG": ".jpg", "GIF": ".gif", "WEBP": ".webp", "BMP": ".bmp", "TIFF": ".tif"}
IMAGE_FORMATS = frozenset(IMAGE_SUFFIXES)
URL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")  # a name with a scheme (https:, file:): no file beside the issue

FieldPath = tuple[str | int, ...]


@dataclass(frozen=True)
class Spot:
    """Where a value and its key stand in a YAML file (0-based, as PyYAML counts)."""

    file: str
    line: int
    column: int
    key_line: int
    key_column: int
    block: bool  # a literal or folded block scalar: its text starts on the next line


@dataclass
class SourceMap:
    """Field paths of the loaded data, mapped to where they were written."""

    spots: dict[FieldPath, Spot] = field(default_factory=dict)
    texts: dict[FieldPath, str] = field(default_factory=dict)
    lines: dict[str, list[str]] = field(default_factory=dict)

    def locate(self, path: FieldPath, offset: int | None = None, *, key: bool = False) -> tuple[str, int, int]:
        """File, 1-based line and column of a field (its key, or character `offset` of its text)."""
        while path and path not in self.spots:
            path, key = path[:-1], False
        spot = self.spots[path]
        if key:
            return spot.file, spot.key_line + 1, spot.key_column + 1
        if offset is None or not spot.block:
            return spot.file, spot.line + 1, spot.column + 1
        text = self.texts[path]
        line = spot.line + 1 + text.count("\n", 0, offset)
        column = offset - (text.rfind("\n", 0, offset) + 1)
        source_line = self.lines[spot.file][line] if line < len(self.lines[spot.file]) else ""
        return spot.file, line + 1, len(source_line) - len(source_line.lstrip(" ")) + column + 1

    def inherit(self, other: SourceMap, keys: Iterable[str]) -> None:
        """Take the spots of the top-level `keys` from another file's map (the publication's)."""
        keys = set(keys)
        self.spots.update({path: spot for path, spot in other.spots.items() if path and path[0] in keys})
        self.texts.update({path: text for path, text in other.texts.items() if path and path[0] in keys})
        self.lines.update(other.lines)

    def problem(self, path: FieldPath, message: str, offset: int | None = None, *, key: bool = False) -> Problem:
        """A problem located at a field."""
        return Problem(*self.locate(path, offset, key=key), field_path(path), message)


@dataclass(frozen=True)
class Loaded:
    """A validated issue and where each of its fields came from."""

    issue: Issue
    sources: SourceMap
    path: Path
    data: dict[str, Any] = field(default_factory=dict)
    """The plain data the issue was validated from: the issue file's over the publication file's."""
    inherited: frozenset[str] = frozenset()
    """The keys of `data` that came from the publication file."""


def load(path: Path, *, resolved: bool = False) -> Loaded:
    """Read an issue file and the publication file above it into one validated Issue; with `resolved`, an
    archived edition's source, whole in itself (no publication file is read, and it holds what only the
    publication file and publish may set)."""
    data, sources, problems, inherited = _gather(path, resolved)
    if problems:
        raise BulletinError(problems)
    return Loaded(Issue.model_validate(data), sources, path, data, inherited)


@dataclass(frozen=True)
class Salvaged:
    """An issue file's problems and, where the file parses, the issue with each value in the wrong set aside
    (what the proofreader may still read, so that an editor sees everything in one pass)."""

    problems: list[Problem]
    loaded: Loaded | None
    aside: frozenset[FieldPath] = frozenset()  # the fields that stand in for values in the wrong


MAX_REPAIRS = 200  # fields set aside before salvage gives up (an issue with more is better fixed first)
ASIDE: Any = object()  # a key taken out of the data


def _stand_ins(data: dict[str, Any]) -> tuple[Any, ...]:
    """What a value in the wrong is replaced with, tried in turn until the model takes it (a list item is never
    taken out, so that every other field keeps its index and its place in the file); a date in the issue's
    year, which the model checks."""
    year = data.get("year")
    year = year if isinstance(year, int) and dt.MINYEAR <= year <= dt.MAXYEAR else 2000
    return ASIDE, "略", 1, dt.date(year, 1, 1), [], {}


def salvage(path: Path) -> Salvaged:
    """load(), but problems do not stop it: the problems, and the issue as far as it stands once each value
    in the wrong is set aside (none when the file does not parse)."""
    data, sources, problems, inherited = _gather(path)
    if not problems:
        return Salvaged([], Loaded(Issue.model_validate(data), sources, path, data, inherited))
    if not isinstance(data, dict):
        return Salvaged(problems, None)
    tried: dict[FieldPath, int] = {}
    stand_ins = _stand_ins(data)
    for _round in range(MAX_REPAIRS):
        try:
            issue = Issue.model_validate(data)
        except ValidationError as error:
            for detail in error.errors():
                spot = _data_path(detail["loc"], data)
                tried[spot] = tried.get(spot, -1) + 1
                if not spot or tried[spot] >= len(stand_ins) or not _stand_in(data, spot, stand_ins[tried[spot]]):
                    return Salvaged(problems, None)
            continue
        except (ValueError, TypeError, OverflowError):
            return Salvaged(problems, None)
        return Salvaged(problems, Loaded(issue, sources, path), frozenset(tried))
    return Salvaged(problems, None)


def _stand_in(data: Any, path: FieldPath, value: Any) -> bool:
    """Put `value` in place of the field at `path` (ASIDE: take the key out); False where there is no place."""
    for part in path[:-1]:
        if not _has(data, part):
            return False
        data = data[part]
    last = path[-1]
    if isinstance(data, dict) and isinstance(last, str):
        if value is ASIDE:
            data.pop(last, None)
        else:
            data[last] = value
        return True
    if value is ASIDE:
        return True  # a list item stays in its place: the next stand-in is tried
    if isinstance(data, list) and isinstance(last, int) and 0 <= last < len(data):
        data[last] = value
        return True
    return False


def _gather(path: Path, resolved: bool = False) -> tuple[Any, SourceMap, list[Problem], frozenset[str]]:
    """An issue file read over its publication file (`resolved`: alone, see load): the data, where each
    value stands, every problem (of the YAML, of the publication, of the photos and of the schema), and the
    keys that came from the publication file."""
    sources = SourceMap()
    problems: list[Problem] = []
    data = _read(path, sources, problems)
    read = len(problems)  # the problems of reading the issue file itself (a value YAML cannot build)
    keys = data.keys() if isinstance(data, dict) and not resolved else set()
    for key in PUBLICATION_ONLY & keys:
        problems.append(sources.problem((key,), _("{key} is set in {file} only, not issue by issue (it is one "
                                                  "for the whole archive)").format(key=key, file=PUBLICATION_FILE),
                                        key=True))
    for key in ARCHIVE_ONLY & keys:
        problems.append(sources.problem((key,), _("{key} is written into the archive by publish --supersede, "
                                                  "not set in an issue file").format(key=key), key=True))
    publication = None if resolved else find_publication(path)
    inherited: dict[str, Any] = {}
    if publication is not None:
        standing_sources = SourceMap()
        standing = _read(publication, standing_sources, problems)
        if isinstance(standing, dict):
            for key in standing.keys() - STANDING_KEYS:
                problems.append(standing_sources.problem((key,), _unknown(key, STANDING_KEYS), key=True))
            problems += _validate(Publication, standing, standing_sources)
            if isinstance(data, dict):
                inherited = {k: v for k, v in standing.items() if k in STANDING_KEYS and k not in data}
                data = {**inherited, **data}
                sources.inherit(standing_sources, inherited)
    if not isinstance(data, dict) or any(problem.file != display_path(path) for problem in problems):
        if not problems:
            problems.append(Problem(display_path(path), 1, 1, "", _("an issue is a mapping of keys to values, got "
                                                                    "{got}").format(got=describe(data))))
        return None, sources, problems, frozenset()  # no issue to speak of, or none without the publication's
    told = {field_path(spot) for spot in _unreadable(data)} if read else set()  # values YAML could not build
    if any(problem.field not in told for problem in problems[:read]):
        return None, sources, problems, frozenset()  # the file itself is in the wrong (a key twice, too large)
    _check_assets(data, path.parent, sources, problems)
    problems += [problem for problem in _validate(Issue, data, sources) if problem.field not in told]
    return data, sources, problems, frozenset(inherited)


def _unreadable(data: Any, path: FieldPath = ()) -> Iterator[FieldPath]:
    """The paths of the values the walk could not read."""
    if data is _UNREADABLE:
        yield path
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from _unreadable(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _unreadable(value, (*path, index))


def load_publication(path: Path) -> Publication:
    """The publication file alone, validated."""
    sources = SourceMap()
    problems: list[Problem] = []
    data = _read(path, sources, problems)
    problems += _validate(Publication, data, sources)
    if problems:
        raise BulletinError(problems)
    return Publication.model_validate(data)


def find_publication(path: Path) -> Path | None:
    """The publication file in the issue's folder or the nearest folder above it."""
    for folder in path.resolve().parents:
        if (folder / PUBLICATION_FILE).is_file():
            return folder / PUBLICATION_FILE
    return None


def display_path(path: Path) -> str:
    """A path as an editor typed it: relative to the working folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


# The slips an editor makes in YAML, found on the lines up to where the parser stopped (it stops later than the
# slip: a full-width colon is read as text, and the parser fails on the next line).
FULL_WIDTH_COLON = re.compile(r"^(\s*(?:-\s+)?)([A-Za-z_][A-Za-z0-9_-]*)\s*：")
NO_SPACE_AFTER_COLON = re.compile(r"^(\s*(?:-\s+)?)([A-Za-z_][A-Za-z0-9_-]*):(?=[^\s/])")
STAR_VALUE = re.compile(r"^\s*(?:-\s+)?(?:[A-Za-z_][A-Za-z0-9_-]*:\s+)?[*&!%@`]")
PARSER_WORDS = {  # the parser's words, in the editor's
    "could not find expected ':'": N_("this line is no \"key: value\": a half-width colon and a space are missing"),
    "mapping values are not allowed here": N_("the value holds \": \": quote such a value, or write it as a block "
                                              "(|)"),
    "found character '\\t' that cannot start any token": N_("a tab: YAML indents with spaces only"),
    "found undefined alias": N_("a value that opens with * is read as an alias: quote it, or write it as a block "
                                "(|)"),
    "expected alphabetic or numeric character, but found": N_("a value that opens with * or & must be quoted, "
                                                              "or written as a block (|)"),
}


def syntax_problem(text: str, where: tuple[int, int], problem: str) -> tuple[int, int, str]:
    """A YAML syntax error in the editor's terms: the line and column of the slip that caused it where one
    is found on the lines before (a full-width colon after a key, a tab, no space after a key's colon, a value
    that opens with * or &), and what to do; else the parser's place and words, explained where known. The
    message is Chinese first, the parser's own words after it."""
    lines = text.splitlines()
    for number in range(min(where[0], len(lines)), 0, -1):
        line = lines[number - 1]
        if match := FULL_WIDTH_COLON.match(line):
            return (number, line.index("：") + 1, _(
                "YAML syntax: a full-width colon \"：\" after \"{key}\": write a half-width colon and a space "
                "between a key and its value: {key}: … (the parser says: {problem})").format(
                key=match.group(2), problem=problem))
        if "\t" in line[: len(line) - len(line.lstrip())]:
            return (number, line.index("\t") + 1, _("YAML syntax: a tab in the indentation: YAML indents with "
                                                     "spaces only (the parser says: {problem})").format(
                                                         problem=problem))
        if match := NO_SPACE_AFTER_COLON.match(line):
            return (number, match.end() + 1, _("YAML syntax: \"{key}:\" needs a space after the colon: {key}: … "
                                               "(the parser says: {problem})").format(key=match.group(2),
                                                                                      problem=problem))
        if number < where[0] - 1:
            break  # the slip is on the line the parser stopped at or the one before
    if where[0] and where[0] <= len(lines) and (star := STAR_VALUE.match(lines[where[0] - 1])):
        return (where[0], star.end(), _("YAML syntax: a value that opens with * or & must be quoted, or written "
                                        "as a block (|) (the parser says: {problem})").format(problem=problem))
    before = [line for line in lines[: max(where[0] - 1, 0)] if line.strip() and not line.lstrip().startswith("#")]
    if before and where[0] <= len(lines) and _indent(lines[where[0] - 1]) > _indent(before[-1]) and re.match(
            r"^\s*(?:-\s+)?[A-Za-z_][A-Za-z0-9_-]*:\s+[^|>\s]", before[-1]):
        return (where[0], 1, _("YAML syntax: this line is indented more than the one before, whose key has a "
                               "value already: a space too many? (the parser says: {problem})").format(problem=problem))
    hint = next((words for known, words in PARSER_WORDS.items() if problem.startswith(known)), "")
    if hint:
        return (*where, _("YAML syntax: {hint} (the parser says: {problem})").format(hint=_(hint), problem=problem))
    return (*where, _("YAML syntax: {problem}").format(problem=problem))


def _indent(line: str) -> int:
    """The column a line's key starts at (after a list item's dash)."""
    return len(re.match(r"\s*(?:-\s+)?", line).group())  # type: ignore[union-attr]


def _read(path: Path, sources: SourceMap, problems: list[Problem]) -> Any:
    """Parse one YAML file into plain data, recording the spot of every value."""
    name = display_path(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            problems.append(Problem(name, 0, 0, "", _("the file is {size} KiB: an issue is at most {limit} MiB of "
                                                      "text").format(size=size // 1024,
                                                                     limit=MAX_BYTES // 1024 // 1024)))
            return None
        raw = read_regular(path, MAX_BYTES, within=project_root(path))
    except OSError as error:
        problems.append(Problem(name, 0, 0, "", _("cannot read the file: {reason}").format(reason=error.strerror)))
        return None
    except Refused as refusal:
        problems.append(Problem(name, 0, 0, "", str(refusal)))
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        problems.append(Problem(name, line, 1, "", _("the file is not UTF-8 text (saved as GBK? save it as UTF-8)")))
        return None
    sources.lines[name] = text.splitlines()
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        line, column, message = syntax_problem(text, where, str(error.problem or error.context))
        problems.append(Problem(name, line, column, "", message))
        return None
    except yaml.reader.ReaderError as error:  # a character YAML does not allow in a file
        line = text[: error.position].count("\n") + 1
        column = error.position - (text.rfind("\n", 0, error.position) + 1) + 1
        problems.append(Problem(name, line, column, "", _("YAML syntax: the character U+{code} is not allowed in a "
                                                          "YAML file (a control character?)").format(
                                                              code=f"{error.character:04X}")))
        return None
    except yaml.YAMLError as error:
        problems.append(Problem(name, 0, 0, "", _("YAML syntax: {problem}").format(problem=error)))
        return None
    except RecursionError:
        problems.append(Problem(name, 0, 0, "", _("the document nests deeper than {depth} levels").format(
            depth=MAX_DEPTH)))
        return None
    if node is None:
        problems.append(Problem(name, 1, 1, "", _("the file is empty")))
        return None
    walker = _Walker(name, sources, problems)
    try:
        return walker.value(node, (), node)
    except _TooDeep:
        return None


_UNREADABLE: Any = object()  # what the walk records for a value that could not be read (its problem is kept)


class _TooDeep(Exception):
    """Raised out of the walk of a document nested deeper than MAX_DEPTH (reported once)."""


class _Walker:
    """Turns a composed YAML node tree into plain data, recording spots and catching abuse."""

    def __init__(self, file: str, sources: SourceMap, problems: list[Problem]) -> None:
        self.file, self.sources, self.problems = file, sources, problems
        self.constructor = yaml.SafeLoader("")
        self.count = 0

    def value(self, node: yaml.Node, path: FieldPath, key_node: yaml.Node) -> Any:
        self.count += 1
        if len(path) > MAX_DEPTH:
            self.problems.append(self._problem(node, path[:2], _("the document nests deeper than {depth} "
                                                                 "levels").format(depth=MAX_DEPTH)))
            raise _TooDeep
        if self.count > MAX_NODES:
            if self.count == MAX_NODES + 1:
                self.problems.append(self._problem(node, path, _("the document is too large (aliases that expand "
                                                                "past {count} values?)").format(count=MAX_NODES)))
            return None
        block = isinstance(node, yaml.ScalarNode) and node.style in ("|", ">")
        self.sources.spots[path] = Spot(self.file, node.start_mark.line, node.start_mark.column,
                                        key_node.start_mark.line, key_node.start_mark.column, block)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.value(item, (*path, i), item) for i, item in enumerate(node.value)]
        value = self._construct(node, path)
        if isinstance(value, str):
            self.sources.texts[path] = value
        return value

    def _mapping(self, node: yaml.MappingNode, path: FieldPath) -> dict[Any, Any]:
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                self.problems.append(self._problem(key_node, path, _("merge keys (<<) are not supported")))
                continue
            key = self._construct(key_node, path)
            if key is _UNREADABLE:
                continue
            if not isinstance(key, str | int) or isinstance(key, bool):
                self.problems.append(self._problem(key_node, path, _("a key must be text, got {got}").format(
                    got=describe(key))))
                continue
            key = str(key)
            if key in result:
                self.problems.append(self._problem(key_node, (*path, key), _("duplicate key")))
            result[key] = self.value(value_node, (*path, key), key_node)
        return result

    def _construct(self, node: yaml.Node, path: FieldPath) -> Any:
        """A scalar's value, or _UNREADABLE (and a located problem) for one PyYAML cannot build."""
        try:
            return self.constructor.construct_object(node, deep=True)
        except yaml.YAMLError as error:  # a tag PyYAML cannot build safely (!!python/..., "=" …)
            reason = getattr(error, "problem", None) or str(error)
            self.problems.append(self._problem(node, path, _("cannot read this value: {reason}").format(reason=reason)))
        except (ValueError, OverflowError) as error:  # a date that is no day of the calendar: 2018-06-31
            if node.tag == "tag:yaml.org,2002:timestamp":
                message = _("{value} is not a date of the calendar ({reason})").format(value=node.value, reason=error)
            elif node.tag == "tag:yaml.org,2002:int":
                message = _("the number is too long: {count} digits").format(count=len(node.value))
            else:
                message = _("cannot read this value: {reason}").format(reason=error)
            self.problems.append(self._problem(node, path, message))
        return _UNREADABLE

    def _problem(self, node: yaml.Node, path: FieldPath, message: str) -> Problem:
        mark = node.start_mark
        return Problem(self.file, mark.line + 1, mark.column + 1, field_path(path), message)


def _check_assets(data: dict[str, Any], folder: Path, sources: SourceMap, problems: list[Problem]) -> None:
    """Photos are files in the issue's folder: not URLs, not paths out of it, real images of sane size."""
    articles = data.get("articles")
    for i, article in enumerate(articles if isinstance(articles, list) else []):
        body = article.get("body") if isinstance(article, dict) else None
        for j, block in enumerate(body if isinstance(body, list) else []):
            if not isinstance(block, dict):
                continue
            row = block.get("photos")
            for path, photo in ([(("articles", i, "body", j, "photo"), block)] if "photo" in block else []) + [
                    (("articles", i, "body", j, "photos", k, "photo"), item)
                    for k, item in enumerate(row if isinstance(row, list) else []) if isinstance(item, dict)]:
                if isinstance(photo.get("photo"), str) and (message := photo_problem(folder, photo["photo"])):
                    problems.append(sources.problem(path, message))


def photo_problem(folder: Path, name: str) -> str | None:
    """What is wrong with a photo, or None: it must be an image file inside the issue's folder."""
    if URL.match(name):
        return _("a photo is a file beside the issue, not a web address: {name}").format(name=name)
    path = (folder / name).resolve()
    if Path(name).is_absolute() or not path.is_relative_to(folder.resolve()):
        return _("a photo must be a file in the issue's folder ({folder}), not {name}").format(
            folder=display_path(folder), name=name)
    if not path.exists():
        return _("photo file not found: {name}").format(name=name)
    try:
        check_regular(folder / name, MAX_PHOTO_BYTES, within=folder)
    except Refused as refusal:
        return _("the photo {name}: {reason}").format(name=name, reason=refusal)
    from PIL import Image

    try:
        with Image.open(path) as image:  # reads the header only: a decompression bomb is caught before it bursts
            width, height, kind = image.width, image.height, image.format
    except Image.DecompressionBombError:
        return _("{name} is an image of more than {count} pixels").format(name=name, count=MAX_PIXELS)
    except (OSError, SyntaxError, ValueError):
        return _("{name} is not an image (PNG or JPEG)").format(name=name)
    if kind not in IMAGE_FORMATS:
        return _("{name} is a {kind} file: use PNG or JPEG").format(name=name, kind=kind)
    if width * height > MAX_PIXELS:
        return _("{name} is {width} × {height} pixels: at most {count} megapixels").format(
            name=name, width=width, height=height, count=MAX_PIXELS // 1_000_000)
    try:
        _decode(path)
    except (OSError, SyntaxError, ValueError) as error:
        return _("the photo {name} is truncated or damaged and cannot be decoded ({reason})").format(
            name=name, reason=error)
    return None


def _decode(path: Path) -> None:
    """Read a photo through, as the build will: a truncated or damaged file raises. A JPEG is decoded at an
    eighth of its size (its whole stream all the same), a PNG's chunks are checked against their CRCs.
    (WeasyPrint, once imported, tells Pillow to load truncated images: not here.)"""
    from PIL import Image, ImageFile

    lenient, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, False
    try:
        with Image.open(path) as image:
            if image.format == "PNG":
                image.verify()
                return
            if image.format == "JPEG":
                image.draft("RGB", (max(1, image.width // 8), max(1, image.height // 8)))
            image.load()
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = lenient


def _validate(model: type[Publication], data: Any, sources: SourceMap) -> list[Problem]:
    """Every validation error of `data` against `model`, located."""
    if data is None:
        return []
    try:
        model.model_validate(data)
    except ValidationError as error:
        return [_locate(detail, data, sources) for detail in error.errors()]
    return []


def _locate(detail: ErrorDetails, data: Any, sources: SourceMap) -> Problem:
    """Turn one pydantic error into a located Problem with an editor's wording."""
    path = _data_path(detail["loc"], data)
    context = detail.get("ctx") or {}
    if "field" in context:
        path = (*path, context["field"])
    if detail["type"] == "extra_forbidden":
        return sources.problem(path, _unknown(str(path[-1]), KNOWN_KEYS), key=True)
    if detail["type"] == "block":
        return sources.problem(path, _(BLOCK_EXPECTED))
    if detail["type"] == "missing":
        file, line, column = sources.locate(path[:-1])
        return Problem(file, line, column, field_path(path), _("required field is missing"))
    return sources.problem(path, _message(detail), context.get("offset"))


def _data_path(loc: tuple[int | str, ...], data: Any) -> FieldPath:
    """The path of a pydantic error in the data, without the union tags pydantic adds."""
    path: list[str | int] = []
    for previous, part in zip((None, *loc), loc, strict=False):
        if isinstance(previous, int) and part in BLOCK_TAGS:
            continue  # the tag pydantic puts after a list index of a tagged union
        if _has(data, part):
            data = data[part]
            path.append(part)
        elif isinstance(data, dict) and isinstance(part, str):
            path.append(part)  # a missing or unknown key
            data = None
    return tuple(path)


def _has(data: Any, part: int | str) -> bool:
    if isinstance(data, dict):
        return part in data
    return isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data)


def _message(detail: ErrorDetails) -> str:
    """What was expected and what was received."""
    kind, got = detail["type"], describe(detail["input"])
    context = detail.get("ctx") or {}
    expected = {
        "string_type": _("expected text, got {got}"),
        "int_type": _("expected a whole number, got {got}"),
        "int_parsing": _("expected a whole number, got {got}"),
        "int_from_float": _("expected a whole number, got {got}"),
        "float_type": _("expected a number, got {got}"),
        "float_parsing": _("expected a number, got {got}"),
        "bool_type": _("expected true or false, got {got}"),
        "bool_parsing": _("expected true or false, got {got}"),
        "date_type": _("expected a date (YYYY-MM-DD), got {got}"),
        "date_parsing": _("expected a date (YYYY-MM-DD), got {got}"),
        "date_from_datetime_parsing": _("expected a date (YYYY-MM-DD), got {got}"),
        "list_type": _("expected a list, got {got}"),
        "dict_type": _("expected a mapping of keys to values, got {got}"),
        "model_type": _("expected a mapping of keys to values, got {got}"),
        "model_attributes_type": _("expected a mapping of keys to values, got {got}"),
        "path_type": _("expected a file path, got {got}"),
    }.get(kind)
    if expected:
        return expected.format(got=got)
    if kind == "literal_error":
        *most, last = re.split(r", | or ", context.get("expected", "").replace(chr(39), ""))
        # TRANSLATORS: the separators of a list of choices: "专刊, 增刊 or 正刊"
        comma, word = _(", "), _(" or ")
        choices = comma.join(most) + word + last if most else last
        return _("expected one of {choices}, got {got}").format(choices=choices, got=got)
    if kind == "too_short":
        return _("expected at least {count} items, got {actual}").format(
            count=context.get("min_length", 1), actual=context.get("actual_length", 0))
    if kind == "string_too_short":
        return _("expected at least {count} characters, got {got}").format(count=context.get("min_length", 1), got=got)
    bounds = {"greater_than": _("expected more than {limit}, got {got}"),
              "greater_than_equal": _("expected at least {limit}, got {got}"),
              "less_than": _("expected less than {limit}, got {got}"),
              "less_than_equal": _("expected at most {limit}, got {got}")}
    if kind in bounds:
        limit = next((context[key] for key in ("gt", "ge", "lt", "le") if key in context), "")
        limit = int(limit) if isinstance(limit, float) and limit.is_integer() else limit  # 0, not 0.0
        return bounds[kind].format(limit=limit, got=got)
    return detail["msg"].removeprefix("Value error, ")


def describe(value: Any) -> str:
    """An editor's name for what YAML made of a value."""
    if value is None:
        return _("nothing")
    if isinstance(value, bool):
        return f"{str(value).lower()}"
    if isinstance(value, int | float):
        digits = str(value)
        if len(digits) <= 30:
            return _("the number {value}").format(value=digits)
        return _("a number of {count} digits").format(count=len(digits))
    if isinstance(value, dt.date):
        return _("the date {value}").format(value=value.isoformat())
    if isinstance(value, str):
        shown = value if len(value) <= 30 else value[:29] + "…"
        return _("the text {value}").format(value=repr(shown)) if value else _("empty text")
    if isinstance(value, list):
        return _("a list")
    if isinstance(value, dict):
        return _("a mapping")
    return type(value).__name__


def _unknown(key: str, known: frozenset[str] | set[str]) -> str:
    """An unknown key, with the nearest known one."""
    close = difflib.get_close_matches(key, sorted(known), n=1, cutoff=0.6)
    if close:
        return _("unknown key '{key}' (did you mean '{close}'?)").format(key=key, close=close[0])
    return _("unknown key '{key}'").format(key=key)


def _all_keys() -> frozenset[str]:
    from bulletin import model

    keys: set[str] = set()
    for item in vars(model).values():
        if isinstance(item, type) and issubclass(item, model.Model):
            keys |= set(item.model_fields)
    return frozenset(keys)


KNOWN_KEYS = _all_keys()
