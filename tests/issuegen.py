"""Issues as editors write them, generated (hypothesis strategies): what the layout checks run on.

Each generated issue is a folder: publication.yaml, issue.yaml and its photos. The strategies cover what
an office prints: titles of 1–80 characters with Latin, digits, quotes, 《》 and question marks; kickers,
subtitles, bylines, datelines and editor's notes; headings of every level, numbered, unnumbered (subheads)
and run in; bold runs anywhere; paragraphs of Chinese mixed with Latin, digits, URLs, e-mail addresses, long
unbreakable Latin runs and half- and full-width punctuation; photos of any shape from 1:10 to 10:1 (some
turned by their EXIF orientation) with captions of up to 300 characters in one to three paragraphs, alone
or two or three side by side; tables of 1–8 columns and up to 60 rows; 1–15 articles, some without a title
(photo news, briefs); full, partial and empty colophons.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from conftest import REFERENCE, ROOT
from hypothesis import strategies as st
from PIL import Image, ImageDraw

from bulletin.linebreak import may_break


def _hanzi() -> str:
    """The 3755 characters of GB 2312 level 1: what every font of every role has."""
    chars = []
    for high in range(0xB0, 0xD8):
        for low in range(0xA1, 0xFF):
            try:
                chars.append(bytes([high, low]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return "".join(chars)


HANZI = _hanzi()
# Phrases of real official prose (the clauses of the two reference issues): words a segmenter knows.
PHRASES = sorted({clause for file in sorted(REFERENCE.glob("*.txt"))
                  for clause in re.split(r"[^\u4e00-\u9fff]+", file.read_text(encoding="utf-8"))
                  if 2 <= len(clause) <= 12})
LATIN = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
FULL_PUNCTUATION = ["，", "。", "、", "；", "：", "？", "！", "——", "……", "·"]
HALF_PUNCTUATION = [",", ".", ";", ":", "?", "!", "-", "/", "(", ")", "%", "&"]
HEADING_NUMBERS = {
    1: ["一、", "二、", "十二、"],
    2: ["（一）", "（二）", "（十）"],
    3: ["1. ", "2. ", "12. "],
    4: ["（1）", "（2）", "（10）"],
}


def _joined(parts: list[str]) -> str:
    return "".join(parts)


hanzi_run = st.text(alphabet=HANZI, min_size=1, max_size=8)
phrase = st.sampled_from(PHRASES)
chinese = st.one_of(phrase, phrase, hanzi_run)
latin_word = st.text(alphabet=LATIN, min_size=1, max_size=12)
number = st.one_of(
    st.integers(0, 100_000).map(str),
    st.tuples(st.integers(0, 999), st.integers(0, 99)).map(lambda t: f"{t[0]}.{t[1]}"),
    st.integers(0, 100).map(lambda n: f"{n}%"),
    st.integers(1990, 2030).map(lambda y: f"{y}年"),
)
url = st.tuples(st.sampled_from(["http://", "https://"]), st.text(alphabet=LATIN.lower() + "0123456789", min_size=3,
                                                                   max_size=15),
                st.lists(st.text(alphabet=LATIN + "0123456789-_", min_size=1, max_size=20), max_size=6),
                st.sampled_from(["", ".html", "?id=12&page=3", "/"])).map(
    lambda t: f"{t[0]}www.{t[1]}.gov.cn/{'/'.join(t[2])}{t[3]}")
email = st.tuples(st.text(alphabet=LATIN.lower() + "0123456789", min_size=1, max_size=12),
                  st.text(alphabet=LATIN.lower(), min_size=2, max_size=10)).map(lambda t: f"{t[0]}@{t[1]}.com")
unbreakable = st.text(alphabet=LATIN + "0123456789", min_size=30, max_size=90)
quoted = st.tuples(st.sampled_from(["“”", "‘’", "《》", "（）", "「」", "【】"]), chinese).map(
    lambda t: t[0][0] + t[1] + t[0][1])
# Mostly Chinese, as an office writes; each of the rest now and then.
atom = st.one_of(
    *[chinese] * 16, *[st.sampled_from(FULL_PUNCTUATION)] * 5, quoted, quoted, number, number,
    latin_word.map(lambda w: f" {w} "), latin_word, st.sampled_from(HALF_PUNCTUATION), url, email, unbreakable,
)


@st.composite
def prose_text(draw: st.DrawFn, min_size: int = 1, max_size: int = 400, bold: bool = True) -> str:
    """A run of mixed text, perhaps with **bold** runs, never blank and never markup by accident."""
    parts = draw(st.lists(atom, min_size=1, max_size=60))
    text = _joined(parts).strip()
    while len(text) < min_size:
        text += draw(chinese)
    text = text[:max_size].strip() or draw(chinese)
    text = text.lstrip("#").strip() or draw(chinese)
    if bold and draw(st.booleans()):
        spans = sorted(draw(st.lists(st.integers(0, len(text)), min_size=2, max_size=6, unique=True)))
        pieces, last = [], 0
        for start, end in zip(spans[::2], spans[1::2], strict=False):
            if text[start:end].strip() == text[start:end] and text[start:end]:
                pieces += [text[last:start], "**", text[start:end], "**"]
                last = end
        text = "".join(pieces) + text[last:]
    return text


@st.composite
def title_text(draw: st.DrawFn) -> str:
    """A title of 1–80 characters: Chinese, Latin, digits, quotes, 《》, a question mark; perhaps broken by the
    editor where it should break (a newline)."""
    marks = st.sampled_from(["？", "！", "：", "、", "——", "“", "”"])
    parts = draw(st.lists(st.one_of(chinese, chinese, chinese, quoted, number, latin_word, marks), min_size=1,
                          max_size=20))
    text = re.sub(r"\s+", "", _joined(parts))[:80] or draw(chinese)
    text = text.lstrip("”’）》」】，。、；：？！—…·").rstrip("“‘（《「【—") or draw(chinese)
    places = [i for i in range(2, len(text) - 1) if may_break(text, i)]
    if places and draw(st.integers(0, 5)) == 0:  # the editor breaks it where a line may break
        at = draw(st.sampled_from(places))
        text = text[:at] + "\n" + text[at:]
    return text


@st.composite
def paragraph(draw: st.DrawFn) -> str:
    level = draw(st.sampled_from([0, 0, 0, 0, 0, 1, 2, 3, 4]))
    if not level:
        return draw(prose_text())
    kind = draw(st.sampled_from(["numbered", "numbered", "run-in", "subhead"]))
    if kind == "subhead":  # a heading without a number: 聚焦主责主业 提升服务质效
        return "#" * level + " " + draw(prose_text(max_size=30)).lstrip("0123456789（(第①②③")
    heading = draw(st.sampled_from(HEADING_NUMBERS[level])) + draw(prose_text(max_size=40))
    if kind == "run-in":  # its first sentence set in the level's face, the text running on after it
        heading = heading.rstrip("。！？!?") + "。" + draw(prose_text())
    return "#" * level + " " + heading


@dataclass
class PhotoFile:
    """A photo to write beside the issue: its pixels and EXIF orientation."""

    name: str
    width: int
    height: int
    orientation: int = 1  # EXIF: 6 and 8 are turned a quarter, 3 half a turn

    def data(self) -> bytes:
        """The file: a picture whose top is marked (a dark band), stored turned as a camera does."""
        image = Image.new("RGB", (self.width, self.height), (205, 220, 235))
        draw = ImageDraw.Draw(image)
        draw.rectangle((0, 0, self.width - 1, max(self.height // 8, 1)), fill=(30, 60, 100))
        draw.rectangle((0, 0, self.width - 1, self.height - 1), outline=(30, 60, 100), width=max(self.width // 60, 1))
        stored = {1: image, 3: image.rotate(180, expand=True), 6: image.rotate(90, expand=True),
                  8: image.rotate(270, expand=True)}[self.orientation]
        out = io.BytesIO()
        if self.name.endswith(".png"):
            stored.save(out, "PNG")
        else:
            exif = Image.Exif()
            exif[0x0112] = self.orientation
            stored.save(out, "JPEG", quality=85, exif=exif.tobytes())
        return out.getvalue()


def photo_file(draw: st.DrawFn, files: dict[str, PhotoFile]) -> str:
    """A photo of any shape, written beside the issue: its name."""
    ratio = draw(st.floats(0.1, 10.0))  # width : height, 1:10 to 10:1
    long_side = draw(st.integers(60, 900))
    width, height = (long_side, max(round(long_side / ratio), 1)) if ratio >= 1 else (
        max(round(long_side * ratio), 1), long_side)
    suffix = draw(st.sampled_from([".png", ".jpg"]))
    orientation = draw(st.sampled_from([1, 1, 3, 6, 8])) if suffix == ".jpg" else 1
    name = f"photo-{len(files) + 1}{suffix}"
    files[name] = PhotoFile(name, width, height, orientation)
    return name


@st.composite
def caption_text(draw: st.DrawFn, max_size: int = 300) -> str:
    """A caption: mostly one paragraph, now and then the story of photo news in two or three."""
    paragraphs = draw(st.sampled_from([1, 1, 1, 2, 3]))
    return "\n\n".join(draw(prose_text(max_size=max_size // paragraphs, bold=False)) for _ in range(paragraphs))


@st.composite
def photo_block(draw: st.DrawFn, files: dict[str, PhotoFile]) -> dict[str, Any]:
    block: dict[str, Any] = {"photo": photo_file(draw, files)}
    if draw(st.integers(0, 4)):
        block["caption"] = draw(caption_text())
    if draw(st.booleans()):
        block["credit"] = draw(st.sampled_from(PHRASES))[:4] + " 摄"
    if draw(st.booleans()):
        block["width"] = round(draw(st.floats(0.2, 1.0)), 2)
    return block


@st.composite
def photo_row(draw: st.DrawFn, files: dict[str, PhotoFile]) -> dict[str, Any]:
    """Two or three photos side by side, each perhaps with a short caption; the row's caption and credit."""
    photos = []
    for _ in range(draw(st.integers(2, 3))):
        photo: dict[str, Any] = {"photo": photo_file(draw, files)}
        if draw(st.integers(0, 2)):
            photo["caption"] = draw(prose_text(max_size=30, bold=False))
        photos.append(photo)
    block: dict[str, Any] = {"photos": photos}
    if draw(st.booleans()):
        block["caption"] = draw(caption_text(max_size=200))
    if draw(st.booleans()):
        block["credit"] = draw(st.sampled_from(PHRASES))[:4] + " 摄"
    if draw(st.integers(0, 3)) == 0:
        block["width"] = round(draw(st.floats(0.5, 1.0)), 2)
    return block


cell_text = st.one_of(st.just(""), number, chinese, prose_text(max_size=40, bold=False))


@st.composite
def table_block(draw: st.DrawFn) -> dict[str, Any]:
    columns = draw(st.integers(1, 8))
    rows = draw(st.one_of(st.integers(1, 6), st.integers(1, 60)))
    block: dict[str, Any] = {"table": [[draw(cell_text) for _ in range(columns)] for _ in range(rows)]}
    if draw(st.booleans()):
        block["header"] = draw(st.booleans())
    if draw(st.booleans()):
        block["widths"] = [draw(st.integers(1, 6)) for _ in range(columns)]
    if draw(st.booleans()):
        block["caption"] = draw(prose_text(max_size=30, bold=False))
    return block


@st.composite
def article(draw: st.DrawFn, files: dict[str, PhotoFile]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    if draw(st.integers(0, 3)) == 0:
        data["kicker"] = draw(prose_text(max_size=30, bold=False))
    if draw(st.integers(0, 5)):  # now and then photo news or briefs, without a title
        data["title"] = draw(title_text())
    for key, size in (("subtitle", 30), ("byline", 20), ("dateline", 20), ("note", 200)):
        if draw(st.integers(0, 3)) == 0:
            data[key] = draw(prose_text(max_size=size, bold=False))
    blocks: list[Any] = []
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(["prose", "prose", "prose", "photo", "photos", "table"]))
        if kind == "prose":
            blocks.append("\n\n".join(draw(st.lists(paragraph(), min_size=1, max_size=8))))
        elif kind == "photo":
            blocks.append(draw(photo_block(files)))
        elif kind == "photos":
            blocks.append(draw(photo_row(files)))
        else:
            blocks.append(draw(table_block()))
    data["body"] = blocks
    if draw(st.integers(0, 4)) == 0:
        data["source"] = draw(st.sampled_from(PHRASES))
        if draw(st.booleans()):
            data["author"] = draw(st.sampled_from(PHRASES))[:3]
        if draw(st.booleans()):
            data["published"] = draw(st.sampled_from(["2018-06-05 10:30", "2018年6月5日", "2018-06-05"]))
        if draw(st.booleans()):
            data["link"] = draw(url)
    return data


@dataclass
class GeneratedIssue:
    """An issue file's data and the photos beside it."""

    data: dict[str, Any]
    photos: dict[str, PhotoFile] = field(default_factory=dict)

    def write(self, folder: Path) -> Path:
        """The issue in a folder of its own, under the project's publication file; its path."""
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "publication.yaml").write_bytes((ROOT / "publication.yaml").read_bytes())
        for photo in self.photos.values():
            (folder / photo.name).write_bytes(photo.data())
        path = folder / "issue.yaml"
        path.write_text(dump(self.data), encoding="utf-8")
        return path


@st.composite
def issues(draw: st.DrawFn) -> GeneratedIssue:
    files: dict[str, PhotoFile] = {}
    year = draw(st.integers(2000, 2030))
    data: dict[str, Any] = {
        "kind": draw(st.sampled_from(["正刊", "专刊", "增刊"])),
        "year": year,
        "number": draw(st.integers(1, 60)),
        "date": f"{year}-{draw(st.integers(1, 12)):02d}-{draw(st.integers(1, 28)):02d}",
    }
    if draw(st.booleans()):
        data["serial"] = draw(st.integers(1, 2000))
    if draw(st.integers(0, 3)) == 0:
        data["toc"] = draw(st.booleans())
    colophon = draw(st.sampled_from(["full", "full", "empty", "partial"]))
    if colophon == "empty":
        data.update({"distribution": {}, "contacts": {}, "signoff": {}})
    elif colophon == "partial":
        data["distribution"] = {"送": draw(prose_text(max_size=120, bold=False)).replace("*", "")}
        data["contacts"] = {}
        data["copies"] = draw(st.integers(1, 5000))
    data["articles"] = draw(st.lists(article(files), min_size=1, max_size=15))
    if draw(st.integers(0, 2)) == 0:  # columns (栏目) over runs of articles
        columns = st.sampled_from(["工作动态", "基层风采", "【调查研究】", "简讯"])
        names = draw(st.lists(columns, min_size=1, max_size=3))
        for index, item in enumerate(data["articles"]):
            if draw(st.booleans()):
                item["column"] = names[index * len(names) // len(data["articles"])]

    return GeneratedIssue(data, files)


def _chinese(text: str) -> str:
    """`text` without Latin letters and digits, but for a heading's number (### 1. …)."""
    lines = []
    for line in text.split("\n"):
        number = re.match(r"#+ [^\s*]*?[、.）]", line)
        keep = number.group() if number else ""
        lines.append(keep + re.sub(r"[A-Za-z0-9]", "", line[len(keep):]))
    return "\n".join(lines)


def chinese_only(issue: GeneratedIssue) -> GeneratedIssue:
    """The issue with every Latin letter and digit taken out of its text: Chinese and punctuation only, where
    no office suite has cause to put space between scripts."""

    def strip(value: Any, key: str = "") -> Any:
        if isinstance(value, str) and key not in ("photo", "date"):
            paragraphs = [_chinese(part).replace("****", "") for part in value.split("\n\n")]
            return "\n\n".join(part if re.sub(r"[\s#*]|^#+ \S+", "", part) else "文字" for part in paragraphs)
        if isinstance(value, dict):
            return {k: strip(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [strip(v, key) for v in value]
        return value

    return GeneratedIssue(strip(issue.data), issue.photos)


class _Dumper(yaml.SafeDumper):
    """Text of several lines as a block (|), as an editor writes a body."""


def _text(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style="|" if "\n" in text else None)


_Dumper.add_representer(str, _text)


def dump(data: dict[str, Any]) -> str:
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=10_000)


def sample(seed: int, count: int) -> list[GeneratedIssue]:
    """The first `count` issues hypothesis generates from `seed`.

    Hypothesis mixes constants found in the modules loaded so far into what it draws, so the same seed gives
    other issues in a process that has imported other test modules; run `python tests/issuegen.py` in a
    process of its own for a sample that depends on the seed alone."""
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import seed as seeded

    found: list[GeneratedIssue] = []

    @settings(max_examples=count, deadline=None, database=None, suppress_health_check=list(HealthCheck),
              phases=[Phase.generate])
    @seeded(seed)
    @given(issues())
    def collect(issue: GeneratedIssue) -> None:
        found.append(issue)

    collect()
    return found


def main() -> None:
    """python tests/issuegen.py SEED COUNT FOLDER: the sample's issues in FOLDER/issue-N/, and each again in
    Chinese only in FOLDER/issue-plain-N/."""
    import sys

    seed, count, folder = int(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3])
    for index, issue in enumerate(sample(seed, count)):
        issue.write(folder / f"issue-{index}")
        chinese_only(issue).write(folder / f"issue-plain-{index}")


if __name__ == "__main__":
    main()
