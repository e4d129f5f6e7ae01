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
from bulletin.inputs import MAX_ISSUE_BYTES, MAX_PHOTO_BYTES, Refused, check_regular, project_root, read_regular
from bulletin.model import ARCHIVE_ONLY, BLOCK_TAGS, PUBLICATION_ONLY, STANDING_KEYS, Issue, Publication

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
    for _ in range(MAX_REPAIRS):
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
        problems.append(sources.problem((key,), f"{key} 只能在 {PUBLICATION_FILE} 中设定，不能逐期设定"
                                                f"（a publication-level setting: the archive is one for all issues）",
                                        key=True))
    for key in ARCHIVE_ONLY & keys:
        problems.append(sources.problem((key,), f"{key} 由 publish --supersede 写入档案，不能在期刊文件中设定"
                                                "（set by publish in the archive, not in an issue file）", key=True))
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
            problems.append(Problem(display_path(path), 1, 1, "", "an issue is a mapping of keys to values, got "
                                                                  f"{describe(data)}"))
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
    "could not find expected ':'": "这一行不是「键: 值」：缺少半角冒号加空格",
    "mapping values are not allowed here": "值里有「: 」：这样的值要加引号，或写成块（|）",
    "found character '\\t' that cannot start any token": "用了制表符（Tab）：YAML 只认空格缩进",
    "found undefined alias": "以 * 开头的值被当作别名：加引号，或写成块（|）",
    "expected alphabetic or numeric character, but found": "以 * 或 & 开头的值要加引号，或写成块（|）",
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
            return (number, line.index("：") + 1, f"YAML 语法：「{match.group(2)}」后面是全角冒号「：」，键与值之间"
                    f"要用半角冒号加空格：{match.group(2)}: …（a full-width colon after a key; YAML says: {problem}）")
        if "\t" in line[: len(line) - len(line.lstrip())]:
            return (number, line.index("\t") + 1, "YAML 语法：缩进用了制表符（Tab），YAML 只认空格（a tab in the "
                                                   f"indentation; YAML says: {problem}）")
        if match := NO_SPACE_AFTER_COLON.match(line):
            return (number, match.end() + 1, f"YAML 语法：「{match.group(2)}:」后面要有一个空格：{match.group(2)}: …"
                                         f"（no space after the colon; YAML says: {problem}）")
        if number < where[0] - 1:
            break  # the slip is on the line the parser stopped at or the one before
    if where[0] and where[0] <= len(lines) and (star := STAR_VALUE.match(lines[where[0] - 1])):
        return (where[0], star.end(), f"YAML 语法：以 * 或 & 开头的值要加引号，或写成块（|）（YAML says: {problem}）")
    before = [line for line in lines[: max(where[0] - 1, 0)] if line.strip() and not line.lstrip().startswith("#")]
    if before and where[0] <= len(lines) and _indent(lines[where[0] - 1]) > _indent(before[-1]) and re.match(
            r"^\s*(?:-\s+)?[A-Za-z_][A-Za-z0-9_-]*:\s+[^|>\s]", before[-1]):
        return (where[0], 1, "YAML 语法：这一行比上一行缩进得多，而上一行的键已有值：缩进多了空格？（more indented "
                             f"than the line before, whose key has a value; YAML says: {problem}）")
    hint = next((words for known, words in PARSER_WORDS.items() if problem.startswith(known)), "")
    return (*where, f"YAML 语法：{hint}（YAML syntax: {problem}）" if hint else f"YAML 语法（YAML syntax）：{problem}")


def _indent(line: str) -> int:
    """The column a line's key starts at (after a list item's dash)."""
    return len(re.match(r"\s*(?:-\s+)?", line).group())  # type: ignore[union-attr]


def _read(path: Path, sources: SourceMap, problems: list[Problem]) -> Any:
    """Parse one YAML file into plain data, recording the spot of every value."""
    name = display_path(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            problems.append(Problem(name, 0, 0, "", f"the file is {size // 1024} KiB: an issue is at most "
                                                    f"{MAX_BYTES // 1024 // 1024} MiB of text"))
            return None
        raw = read_regular(path, MAX_BYTES, within=project_root(path))
    except OSError as error:
        problems.append(Problem(name, 0, 0, "", f"cannot read the file: {error.strerror}"))
        return None
    except Refused as refusal:
        problems.append(Problem(name, 0, 0, "", str(refusal)))
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        problems.append(Problem(name, line, 1, "", "the file is not UTF-8 text (saved as GBK? save it as UTF-8)"))
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
        problems.append(Problem(name, line, column, "", f"YAML syntax: the character U+{error.character:04X} is not "
                                                        "allowed in a YAML file (a control character?)"))
        return None
    except yaml.YAMLError as error:
        problems.append(Problem(name, 0, 0, "", f"YAML syntax: {error}"))
        return None
    except RecursionError:
        problems.append(Problem(name, 0, 0, "", f"the document nests deeper than {MAX_DEPTH} levels"))
        return None
    if node is None:
        problems.append(Problem(name, 1, 1, "", "the file is empty"))
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
            self.problems.append(self._problem(node, path[:2], f"nested deeper than {MAX_DEPTH} levels"))
            raise _TooDeep
        if self.count > MAX_NODES:
            if self.count == MAX_NODES + 1:
                self.problems.append(self._problem(node, path, "the document is too large (aliases that expand "
                                                              f"past {MAX_NODES} values?)"))
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
                self.problems.append(self._problem(key_node, path, "merge keys (<<) are not supported"))
                continue
            key = self._construct(key_node, path)
            if key is _UNREADABLE:
                continue
            if not isinstance(key, str | int) or isinstance(key, bool):
                self.problems.append(self._problem(key_node, path, f"a key must be text, got {describe(key)}"))
                continue
            key = str(key)
            if key in result:
                self.problems.append(self._problem(key_node, (*path, key), "duplicate key"))
            result[key] = self.value(value_node, (*path, key), key_node)
        return result

    def _construct(self, node: yaml.Node, path: FieldPath) -> Any:
        """A scalar's value, or _UNREADABLE (and a located problem) for one PyYAML cannot build."""
        try:
            return self.constructor.construct_object(node, deep=True)
        except yaml.YAMLError as error:  # a tag PyYAML cannot build safely (!!python/..., "=" …)
            reason = getattr(error, "problem", None) or str(error)
            self.problems.append(self._problem(node, path, f"cannot read this value: {reason}"))
        except (ValueError, OverflowError) as error:  # a date that is no day of the calendar: 2018-06-31
            if node.tag == "tag:yaml.org,2002:timestamp":
                message = f"{node.value} 不是日历上的日期（not a date of the calendar: {error}）"
            elif node.tag == "tag:yaml.org,2002:int":
                message = f"数字太长：{len(node.value)} 位（a number of {len(node.value)} digits）"
            else:
                message = f"cannot read this value: {error}"
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
        return f"a photo is a file beside the issue, not a URL: {name}"
    path = (folder / name).resolve()
    if Path(name).is_absolute() or not path.is_relative_to(folder.resolve()):
        return f"a photo must be a file in the issue's folder ({display_path(folder)}), not {name}"
    if not path.exists():
        return f"photo file not found: {name}"
    try:
        check_regular(folder / name, MAX_PHOTO_BYTES, within=folder)
    except Refused as refusal:
        return f"照片 {name} {refusal}"
    from PIL import Image

    try:
        with Image.open(path) as image:  # reads the header only: a decompression bomb is caught before it bursts
            width, height, kind = image.width, image.height, image.format
    except Image.DecompressionBombError:
        return f"{name} is an image of more than {MAX_PIXELS} pixels"
    except (OSError, SyntaxError, ValueError):
        return f"{name} is not an image (PNG or JPEG)"
    if kind not in IMAGE_FORMATS:
        return f"{name} is a {kind} file: use PNG or JPEG"
    if width * height > MAX_PIXELS:
        return f"{name} is {width} × {height} pixels: at most {MAX_PIXELS // 1_000_000} megapixels"
    try:
        _decode(path)
    except (OSError, SyntaxError, ValueError) as error:
        return f"照片 {name} 不完整或已损坏，无法解码（truncated or damaged: {error}）"
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
    if detail["type"] == "missing":
        file, line, column = sources.locate(path[:-1])
        return Problem(file, line, column, field_path(path), "required field is missing")
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
        "string_type": "text",
        "int_type": "a whole number",
        "int_parsing": "a whole number",
        "int_from_float": "a whole number",
        "float_type": "a number",
        "float_parsing": "a number",
        "bool_type": "true or false",
        "bool_parsing": "true or false",
        "date_type": "a date (YYYY-MM-DD)",
        "date_parsing": "a date (YYYY-MM-DD)",
        "date_from_datetime_parsing": "a date (YYYY-MM-DD)",
        "list_type": "a list",
        "dict_type": "a mapping of keys to values",
        "model_type": "a mapping of keys to values",
        "model_attributes_type": "a mapping of keys to values",
        "path_type": "a file path",
    }.get(kind)
    if expected:
        return f"expected {expected}, got {got}"
    if kind == "literal_error":
        return f"expected one of {context.get('expected', '').replace(chr(39), '')}, got {got}"
    if kind in ("too_short", "string_too_short"):
        return f"expected at least {context.get('min_length', 1)} item(s), got {got}"
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        return f"{detail['msg'].lower()}, got {got}"
    return detail["msg"].removeprefix("Value error, ")


def describe(value: Any) -> str:
    """An editor's name for what YAML made of a value."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"{str(value).lower()}"
    if isinstance(value, int | float):
        digits = str(value)
        return f"the number {digits}" if len(digits) <= 30 else f"a number of {len(digits)} digits"
    if isinstance(value, dt.date):
        return f"the date {value.isoformat()}"
    if isinstance(value, str):
        shown = value if len(value) <= 30 else value[:29] + "…"
        return f"the text {shown!r}" if value else "empty text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def _unknown(key: str, known: frozenset[str] | set[str]) -> str:
    """An unknown key, with the nearest known one."""
    close = difflib.get_close_matches(key, sorted(known), n=1, cutoff=0.6)
    return f"unknown key '{key}'" + (f" (did you mean '{close[0]}'?)" if close else "")


def _all_keys() -> frozenset[str]:
    from bulletin import model

    keys: set[str] = set()
    for item in vars(model).values():
        if isinstance(item, type) and issubclass(item, model.Model):
            keys |= set(item.model_fields)
    return frozenset(keys)


KNOWN_KEYS = _all_keys()
