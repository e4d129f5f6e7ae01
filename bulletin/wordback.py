"""Our own DOCX read back: a DOCX that `bulletin build` wrote, as Word or LibreOffice left it, as issue YAML."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, LiteralScalarString

from bulletin import compose
from bulletin import layout as L
from bulletin.errors import BulletinError, Problem
from bulletin.i18n import _
from bulletin.importer import PHOTO_FOLDER, PUBLICATION_KEYS, Imported, take_picture, yaml_text
from bulletin.inputs import MAX_DRAFT_BYTES, MAX_PHOTO_BYTES, Refused, check_package, check_regular, read_regular
from bulletin.loader import display_path, find_publication, load_publication
from bulletin.markup import join_lines, run_in_end
from bulletin.model import Publication
from bulletin.word import CARRIED, MARK, RUN_IN, STRONG

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {
    "w": W,
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "cp": "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties",
    "vt": "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
}
CUSTOM_PROPERTIES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
OFF = ("0", "false", "off", "none")  # a toggle property (w:b) switched off


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


# --- is it ours ---------------------------------------------------------------------------------------


def ours(path: Path) -> bool:
    """Whether `path` is a DOCX that `bulletin build` wrote (its custom property CARRIED), however it was edited
    since; False for anything else, a file that cannot be read included (the draft importer then says why)."""
    try:
        check_regular(path, MAX_DRAFT_BYTES)
        check_package(path)
        with zipfile.ZipFile(path) as package:
            return CARRIED in _custom_properties(package)
    except (Refused, OSError, zipfile.BadZipFile, KeyError, etree.XMLSyntaxError):
        return False


def _custom_properties(package: zipfile.ZipFile) -> dict[str, str]:
    """The package's custom document properties (name to text), found through its relationships."""
    rels = etree.fromstring(package.read("_rels/.rels"), PARSER)
    targets = [rel.get("Target", "") for rel in rels.findall("rel:Relationship", NS)
               if rel.get("Type") == CUSTOM_PROPERTIES]
    if not targets:
        return {}
    root = etree.fromstring(package.read(targets[0].lstrip("/")), PARSER)
    return {item.get("name", ""): "".join(item.itertext()) for item in root.findall("cp:property", NS)}


def carried(properties: dict[str, str]) -> dict[str, dict[str, Any]]:
    """The values word.py carried, by element key (issue, A1, P1 …), their pieces joined; one that no longer
    reads as JSON (an editor changed the property) is dropped."""
    prefix = CARRIED + " "
    pieces: dict[str, list[tuple[int, str]]] = {}
    for name, text in properties.items():
        if name.startswith(prefix):
            key, _dot, number = name[len(prefix) :].partition(".")
            pieces.setdefault(key, []).append((int(number) if number.isdigit() else 1, text))
    values = {}
    for key, parts in pieces.items():
        try:
            value = json.loads("".join(text for _n, text in sorted(parts)))
        except ValueError:
            continue
        if isinstance(value, dict):
            values[key] = value
    return values


# --- styles -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Styles:
    """The document's styles by id: paragraph styles as the element (layout.ELEMENTS key) they set, character
    styles as what they mark: "strong", "automatic" (a break the layout chose) or "h1"…"h4" (a run-in heading)."""

    paragraph: dict[str, str]
    character: dict[str, str]
    default: str = "p"


def read_styles(root: Any) -> Styles:
    """Styles by name (Word's and LibreOffice's ids differ: BodyText, TextBody), case aside (toc 1, TOC 1); a
    style of the editor's own is taken as the one it is based on; any other paragraph style is body text."""
    elements = {element.style.lower(): name for name, element in L.ELEMENTS.items()}
    marks = {STRONG.lower(): "strong", L.AUTOMATIC_BREAK_STYLE.lower(): "automatic",
             **{RUN_IN.format(level).lower(): f"h{level}" for level in range(1, 5)}}
    named: dict[str, tuple[str, str, str]] = {}
    default = ""
    for style in root.findall("w:style", NS):
        sid = style.get(w("styleId"), "")
        name = style.find("w:name", NS)
        based = style.find("w:basedOn", NS)
        named[sid] = (style.get(w("type"), ""), (name.get(w("val"), "") if name is not None else sid).lower(),
                      based.get(w("val"), "") if based is not None else "")
        if style.get(w("type")) == "paragraph" and style.get(w("default")) in ("1", "true"):
            default = sid

    def resolve(sid: str, known: dict[str, str]) -> str | None:
        seen = set()
        while sid in named and sid not in seen:
            seen.add(sid)
            if named[sid][1] in known:
                return known[named[sid][1]]
            sid = named[sid][2]
        return None

    paragraph = {sid: resolve(sid, elements) or "p" for sid, (kind, _n, _b) in named.items() if kind == "paragraph"}
    character = {sid: found for sid, (kind, _n, _b) in named.items()
                 if kind == "character" and (found := resolve(sid, marks))}
    return Styles(paragraph, character, paragraph.get(default, "p"))


# --- paragraphs ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    """A run of text in one style: bold (the Strong style, or the editor's own bold), or a run-in heading."""

    text: str
    bold: bool = False
    head: int = 0


@dataclass
class Item:
    """A paragraph or table of the body, in order: its element, text runs, pictures, cells, and the keys of
    the carried values whose bookmarks it holds."""

    element: str
    runs: list[Run] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)
    pictures: list[tuple[str, bytes]] = field(default_factory=list)  # (alt text, image bytes)
    rows: list[list[Cell]] = field(default_factory=list)  # a table's rows of cells
    outline: int | None = None  # the paragraph's own outline level (a subhead's level)
    header: bool = False  # a table's first row is marked as its header row

    @property
    def text(self) -> str:
        return "".join(run.text for run in self.runs)


@dataclass
class Cell:
    """A table's cell: its paragraphs."""

    paragraphs: list[Item]

    @property
    def text(self) -> str:
        return one_line("\n".join(p.text for p in self.paragraphs))


MARK_NAME = re.compile("^" + re.escape(MARK).replace(r"\{\}", "([APRT][0-9]+)") + "$")


class Reader:
    """The document's body as Items, read by style."""

    def __init__(self, document: Any) -> None:
        self.document = document
        self.styles = read_styles(document.styles.element)

    def items(self, parent: Any) -> Iterator[Item]:
        for child in parent:
            if child.tag == w("p"):
                yield self.paragraph(child)
            elif child.tag == w("tbl"):
                yield self.table(child)
            elif child.tag == w("sdt"):  # a content control: its content is the document's
                content = child.find("w:sdtContent", NS)
                if content is not None:
                    yield from self.items(content)

    def paragraph(self, p: Any) -> Item:
        style = p.find("w:pPr/w:pStyle", NS)
        element = self.styles.paragraph.get(style.get(w("val"), ""), "p") if style is not None else self.styles.default
        outline = p.find("w:pPr/w:outlineLvl", NS)
        item = Item(element, self.runs(p), _keys(p), self.pictures(p),
                    outline=int(outline.get(w("val"), "0")) if outline is not None else None)
        return item

    def runs(self, p: Any) -> list[Run]:
        runs: list[Run] = []
        for r in p.iter(w("r")):
            if any(ancestor.tag in (w("del"), w("moveFrom"), w("txbxContent")) for ancestor in r.iterancestors()):
                continue  # deleted text of tracked changes; a text box's paragraphs are not this one's
            style = r.find("w:rPr/w:rStyle", NS)
            kind = self.styles.character.get(style.get(w("val"), ""), "") if style is not None else ""
            direct = r.find("w:rPr/w:b", NS)
            bold = (direct.get(w("val"), "1").lower() not in OFF) if direct is not None else kind == "strong"
            head = int(kind[1]) if kind.startswith("h") else 0
            text = ""
            for piece in r:
                if piece.tag == w("t"):
                    text += piece.text or ""
                elif piece.tag == w("tab"):
                    text += "\t"
                elif piece.tag in (w("br"), w("cr")) and piece.get(w("type")) in (None, "textWrapping"):
                    text += "" if kind == "automatic" else "\n"
            if text:
                if runs and (runs[-1].bold, runs[-1].head) == (bold, head):
                    runs[-1] = Run(runs[-1].text + text, bold, head)
                else:
                    runs.append(Run(text, bold, head))
        return runs

    def pictures(self, p: Any) -> list[tuple[str, bytes]]:
        found = []
        for drawing in p.iter(w("drawing")):
            blip = drawing.find(".//a:blip", NS)
            described = drawing.find(".//wp:docPr", NS)
            target = blip.get(f"{{{NS['r']}}}embed") if blip is not None else None
            part = self.document.part.related_parts.get(target) if target else None
            if part is not None:
                found.append((described.get("descr", "") if described is not None else "", part.blob))
        return found

    def table(self, tbl: Any) -> Item:
        rows = []
        for tr in tbl.findall("w:tr", NS):
            rows.append([Cell([self.paragraph(p) for p in tc.iter(w("p"))]) for tc in tr.findall("w:tc", NS)])
        paragraphs = [p for row in rows for cell in row for p in cell.paragraphs]
        kinds = {p.element for p in paragraphs}
        element = ("masthead" if "issuer" in kinds else "colophon" if kinds & {"distribution", "contacts", "signoff"}
                   else "photos" if any(p.pictures for p in paragraphs) else "table")
        header = tbl.find("w:tr/w:trPr/w:tblHeader", NS) is not None
        return Item(element, keys=_keys(tbl), rows=rows, header=header)


def _keys(element: Any) -> list[str]:
    """The keys of the carried values whose bookmarks start in `element`."""
    return [match.group(1) for start in element.iter(w("bookmarkStart"))
            if (match := MARK_NAME.match(start.get(w("name"), "")))]


def markup_text(runs: list[Run]) -> str:
    """Runs as body markup: bold as **…**, a literal asterisk escaped, line breaks joined as wrapped lines are."""
    heads = [i for i, run in enumerate(runs) if run.head]
    seam = None  # where a run-in heading ends at a run that opens with a space: markup drops one space there
    if heads and heads[-1] + 1 < len(runs) and runs[heads[-1] + 1].text[:1].isspace():
        end = sum(len(run.text) for run in runs[: heads[-1] + 1])
        seam = heads[-1] if run_in_end("".join(run.text for run in runs)) == end else None
    out = ""
    for i, run in enumerate(runs):
        text = run.text.replace("*", "\\*")
        out += (f"**{text}**" if run.bold else text) + (" " if i == seam else "")
    return one_line(out)


def one_line(text: str) -> str:
    """A paragraph's lines (the editor's line breaks in it) joined as markup joins wrapped lines."""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    return join_lines(lines) if lines else ""


# --- the issue ----------------------------------------------------------------------------------------

ISSUE_LINE = re.compile(r"(\d{4})年第(\d{1,3})期(?:（总第(\d{1,6})期）)?")
DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")
HEAD_RANKS = {"column": 0, "kicker": 1, "title": 2, "subtitle": 3, "byline": 4, "dateline": 5, "note": 6}
BODY_RANK, SOURCE_RANK = 7, 8
SKIPPED = frozenset({"red-rule", "toc-heading", "toc-item", "page-number", "correction"})  # generated, or not ours
CAPTIONS = frozenset({"caption", "story"})


@dataclass
class Article:
    """An article as read: its fields (as the model names them) and its body's blocks."""

    key: str | None = None
    rank: int = -1  # the furthest part of an article read so far (HEAD_RANKS, BODY_RANK, SOURCE_RANK)
    context: str | None = None  # the column heading in effect where it starts
    heading: str | None = None  # the column heading printed over it
    fields: dict[str, Any] = field(default_factory=dict)
    body: list[Any] = field(default_factory=list)  # paragraphs of markup (str), and photo and table blocks (dict)
    extra: list[str] = field(default_factory=list)  # source lines that are no reprint's: body text at the end


@dataclass
class Issue:
    """The issue as read, before it is compared with the publication file."""

    values: dict[str, Any] = field(default_factory=dict)
    articles: list[Article] = field(default_factory=list)
    toc: bool = False


class Builder:
    """The Items of a body, in order, into an Issue."""

    def __init__(self, carried: dict[str, dict[str, Any]]) -> None:
        self.carried = carried
        # what an issue without a notice, a 办公室编 or a colophon reads as
        self.issue = Issue({"notice": None, "compiled_by": None, "distribution": {}, "contacts": {}, "signoff": {},
                            "copies": None})
        self.heading: str | None = None  # the column heading in effect
        self.caption: str | None = None  # a table's caption, waiting for its table
        self.photo: dict[str, Any] | None = None  # the photo block that captions and a credit now go with
        self.pictures: list[tuple[dict[str, Any], str, bytes]] = []  # each photo's block, alt text and bytes

    @property
    def article(self) -> Article:
        if not self.issue.articles:
            self.issue.articles.append(Article(context=self.heading))
        return self.issue.articles[-1]

    def start(self, rank: int, keys: list[str]) -> Article:
        """The article a part of `rank` belongs to: a new one where the bookmark of one begins, or where a head
        comes that the article has passed (a title after its body: a new article the editor wrote)."""
        key = next((k for k in keys if k.startswith("A")), None)
        current = self.article if self.issue.articles else None
        fresh = current is None or (
            (current.key is not None or rank <= current.rank) if key else (rank < BODY_RANK and rank <= current.rank))
        if fresh:
            self.issue.articles.append(Article(context=self.heading))
        article = self.issue.articles[-1]
        if key and article.key is None:
            article.key = key
        article.rank = max(article.rank, rank)
        return article

    def add(self, item: Item) -> None:
        if item.element in SKIPPED:
            self.issue.toc |= item.element == "toc-heading"
            return
        if item.element in ("notice", "name", "kind", "number"):
            self.masthead(item)
        elif item.element == "masthead":
            self.issuers(item)
        elif item.element == "colophon":
            self.colophon(item)
        elif item.element in ("photos", "table"):
            if item.element == "photos":
                self.flush_caption()
            self.block(item)
        elif item.element == "photo" or item.pictures:
            self.flush_caption()
            for i, (described, data) in enumerate(item.pictures):
                self.add_photo(item.keys if i == 0 else [], {"photo": None}, described, data)
            if not item.pictures and any(k.startswith("A") for k in item.keys):
                self.start(BODY_RANK, item.keys)
        elif item.element in CAPTIONS | {"credit"} and self.photo is not None and item.text.strip():
            self.photo_text(item)
        elif item.element == "table-head" and item.text.strip():
            self.flush_caption()
            self.start(BODY_RANK, item.keys)
            self.caption = one_line(item.text) if "\n" in item.text else item.text
        else:
            self.flush_caption()
            self.text(item)

    def text(self, item: Item) -> None:
        element = item.element
        marked = any(k.startswith("A") for k in item.keys)
        if element in HEAD_RANKS and HEAD_RANKS[element] > HEAD_RANKS["title"] and not marked and (
                self.issue.articles and self.article.rank >= HEAD_RANKS[element]):
            element = "p"  # a second byline, a note after the text: the editor's, kept as text of the article
        if element in HEAD_RANKS:
            if not item.text.strip() and not marked:
                return  # an empty head paragraph left behind
            if element == "column":
                self.heading = one_line(item.text) or None
            article = self.start(HEAD_RANKS[element], item.keys)
            self.photo = None
            if element == "column":
                article.heading = self.heading
            elif value := self.head(element, item):
                article.fields[element] = value
            return
        if element == "source" and item.text.strip():
            self.start(SOURCE_RANK, item.keys)
            self.reprint(item.text)
            return
        paragraph = self.prose(item)
        if paragraph or marked:
            article = self.start(BODY_RANK, item.keys)
            if paragraph:
                self.photo = None
                article.body.append(paragraph)

    def head(self, element: str, item: Item) -> str:
        """A head field's value, as the page composed it undone: a title keeps the editor's line breaks, a
        subtitle loses its dash, a note its label."""
        if element == "title":
            return "\n".join(line.strip() for line in item.text.split("\n") if line.strip())
        text = one_line(item.text) if "\n" in item.text else item.text  # as written, spaces and all
        if element == "subtitle":
            return text.removeprefix(compose.SUBTITLE_DASH)
        if element == "note":
            return text.removeprefix(compose.NOTE_LABEL)
        return text

    def prose(self, item: Item) -> str:
        """A body paragraph as markup: a heading of its level (# 一、…), a subhead at its outline level, a
        run-in heading's paragraph (its first run's level), or running text."""
        text = markup_text(item.runs)
        if not text:
            return ""
        level = {"h1": 1, "h2": 2, "h3": 3, "h4": 4}.get(item.element, 0)
        if item.element == "subhead":
            level = min(max(item.outline or 1, 1), 4)
        level = level or next((run.head for run in item.runs if run.head and run.text.strip()), 0)
        return f"{'#' * level} {text}" if level else text

    def reprint(self, line: str) -> None:
        """A reprint's line (来源：…　作者：…　发布时间：… or 原文链接：…) into its fields: reprint_lines undone."""
        article = self.article
        keys = dict(compose.REPRINT_CREDITS)
        line = one_line(line)
        if line.startswith(compose.REPRINT_LINK + "："):
            article.fields["link"] = line[len(compose.REPRINT_LINK) + 1 :]
            return
        labels = "|".join(re.escape(label) for label in keys)
        pieces = re.split(f"　(?=(?:{labels})：)", line)
        found = {}
        for piece in pieces:
            label, colon, value = piece.partition("：")
            if not colon or label not in keys or keys[label] in found:
                article.extra.append(markup_text([Run(line)]))
                return
            found[keys[label]] = value
        article.fields.update(found)

    # photos and tables

    def add_photo(self, keys: list[str], block: dict[str, Any], described: str, data: bytes) -> None:
        self.start(BODY_RANK, keys)
        width = next((self.carried.get(k, {}).get("width") for k in keys if k.startswith("P")), None)
        if isinstance(width, int | float) and 0 < width <= 1:
            block["width"] = width
        self.article.body.append(block)
        self.pictures.append((block, described, data))
        self.photo = block

    def block(self, item: Item) -> None:
        article = self.start(BODY_RANK, item.keys)
        values = next((self.carried[k] for k in item.keys if k[0] in "RT" and k in self.carried), {})
        if item.element == "photos":
            self.photo_row(item, values)
            return
        rows = [[cell.text for cell in row] for row in item.rows]
        rows = [row for row in rows if row]
        if not rows:
            return
        width = max(len(row) for row in rows)
        table: dict[str, Any] = {"table": [row + [""] * (width - len(row)) for row in rows]}
        first = [p for cell in item.rows[0] for p in cell.paragraphs]
        if not (item.header or any(p.element == "table-head" for p in first)):
            table["header"] = False
        widths = values.get("widths")
        if isinstance(widths, list) and len(widths) == width and all(isinstance(x, int | float) for x in widths):
            table["widths"] = widths
        if self.caption:
            table["caption"], self.caption = self.caption, None
        article.body.append(table)
        self.photo = None

    def photo_row(self, item: Item, values: dict[str, Any]) -> None:
        photos = []
        for row in item.rows:
            for cell in row:
                paragraphs = cell.paragraphs
                pictures = [picture for p in paragraphs for picture in p.pictures]
                if not pictures:
                    continue
                photo: dict[str, Any] = {"photo": None}
                texts = [one_line(p.text) for p in paragraphs if p.element in CAPTIONS and p.text.strip()]
                if texts:
                    photo["caption"] = _caption(texts)
                photos.append(photo)
                self.pictures.append((photo, *pictures[0]))
        block: dict[str, Any] = {"photos": photos}
        width = values.get("width")
        if isinstance(width, int | float) and 0 < width <= 1:
            block["width"] = width
        self.article.body.append(block)
        self.photo = block

    def photo_text(self, item: Item) -> None:
        """A caption's paragraph or the credit, under the photo (or row) before it."""
        assert self.photo is not None
        text = one_line(item.text)
        if item.element == "credit":
            self.photo["credit"] = text
            self.photo = None  # the credit ends what is said under a photo
            return
        paragraphs = self.photo.pop("_captions", [])
        self.photo["_captions"] = [*paragraphs, text]

    def flush_caption(self) -> None:
        """A table's caption that no table followed: body text."""
        if self.caption:
            self.article.body.append(self.caption)
            self.caption = None

    # masthead and colophon

    def masthead(self, item: Item) -> None:
        text = one_line(item.text)
        values = self.issue.values
        if item.element == "number" and (line := ISSUE_LINE.search(text.replace(" ", ""))):
            values["year"], values["number"] = int(line.group(1)), int(line.group(2))
            values["serial"] = int(line.group(3)) if line.group(3) else None
        elif item.element in ("notice", "name", "kind") and text:
            values[item.element] = text.replace(" ", "").replace("　", "") if item.element == "kind" else text

    def issuers(self, item: Item) -> None:
        cells = [[cell.text for cell in row] for row in item.rows]
        values = self.issue.values
        values["issuers"] = [row[0] for row in cells if row and row[0]]
        values["compiled_by"] = cells[0][1] if cells and len(cells[0]) > 1 and cells[0][1] else None
        for text in (text for row in cells for text in row[1:]):
            if found := DATE.search(text):
                with contextlib.suppress(ValueError):  # not a day of the calendar: the date is missing
                    values["date"] = dt.date(*map(int, found.groups()))

    def colophon(self, item: Item) -> None:
        values = self.issue.values
        values.update(distribution={}, contacts={}, signoff={}, copies=None)
        bare = self.carried.get("issue", {}).get("distribution", {})
        for p in (p for row in item.rows for cell in row for p in cell.paragraphs):
            text = one_line(p.text)
            cells = [cell.strip() for cell in p.text.split("\t") if cell.strip()]
            if p.element == "distribution" and "：" in text:
                label, _colon, group = text.partition("：")
                raw = bare.get(label) if isinstance(bare, dict) else None
                values["distribution"][label] = raw if isinstance(raw, str) and raw + "。" == group else group
            elif p.element == "contacts":
                for cell in cells:
                    label, _colon, value = cell.partition("：")
                    values["contacts"][label] = value
            elif p.element == "signoff":
                for cell in cells:
                    if copies := re.fullmatch(r"共印(\d+)份", cell):
                        values["copies"] = int(copies.group(1))
                        continue
                    role, _colon, name = cell.partition("：")
                    values["signoff"][role] = name

    # the end

    def finish(self) -> None:
        self.flush_caption()
        for article in self.issue.articles:
            for block in article.body:
                if isinstance(block, dict) and "_captions" in block:
                    block["caption"] = _caption(block.pop("_captions"))


def _caption(paragraphs: list[str]) -> str:
    """A caption of its paragraphs: one line, or the story of photo news, a blank line between them."""
    return paragraphs[0] if len(paragraphs) == 1 else "\n\n".join(paragraphs) + "\n"


# --- the YAML -----------------------------------------------------------------------------------------


def import_issue(path: Path, *, target: Path | None = None) -> Imported:
    """The issue YAML of our own DOCX and the photos it names that are not already beside `target` (a photo
    whose file is there, as the build embeds it, keeps its name). Fields equal to the publication file's are
    left out, as the draft importer leaves them out."""
    import docx

    name = display_path(path)
    try:
        document = docx.Document(str(path))
        with zipfile.ZipFile(path) as package:
            values = carried(_custom_properties(package))
    except Exception as error:  # a damaged .docx: python-docx and lxml raise many kinds
        problem = _("not a Word document (.docx) that can be read: {error}").format(error=error)
        raise BulletinError([Problem(name, 0, 0, "", problem)]) from None
    builder = Builder(values)
    for item in Reader(document).items(document.element.body):
        builder.add(item)
    builder.finish()
    read = builder.issue
    missing = [key for key in ("year", "number", "date") if key not in read.values]
    if missing:
        raise BulletinError([Problem(name, 0, 0, "", _(
            "the masthead of this DOCX has lost its {fields}: put them back (2018年第10期, 2018年6月5日) or import a "
            "copy without the custom property {property}").format(fields="、".join(missing), property=CARRIED))])
    folder = (target or path).parent
    stem = (target or path).stem
    photos = _photos(builder.pictures, folder, stem)
    publication_file = find_publication(target if target is not None else Path.cwd() / "issue.yaml")
    publication = load_publication(publication_file) if publication_file is not None else None
    return Imported(_yaml(read, values, publication), photos)


def _photos(pictures: list[tuple[dict[str, Any], str, bytes]], folder: Path, stem: str) -> dict[str, bytes]:
    """Each photo block's file: the one its alt text names where that file, as the build embeds it, is the
    picture; else a new file photos/STEM-N beside the issue (returned with its bytes, to be written)."""
    new: dict[str, bytes] = {}
    for n, (block, described, data) in enumerate(pictures, 1):
        if _same_photo(folder, described, data):
            block["photo"] = described
            continue
        if named := next((name for name, taken in new.items() if taken == data), None):
            block["photo"] = named  # one picture twice (Word stores it once): one file
            continue
        picture = take_picture(data)
        suffix = picture.suffix if picture is not None else ".png"
        name = f"{PHOTO_FOLDER}/{stem}-{n}{suffix}"
        block["photo"] = name
        new[name] = data
    return new


def _same_photo(folder: Path, name: str, data: bytes) -> bool:
    """Whether `data` is the photo file `name` of `folder` as the build embeds it (itself, or resampled to the
    picture's pixels)."""
    from PIL import Image

    from bulletin.photos import image_bytes

    if not name or Path(name).is_absolute() or ".." in Path(name).parts:
        return False
    path = folder / name
    try:
        if read_regular(path, MAX_PHOTO_BYTES, within=folder) == data:
            return True
        with Image.open(io.BytesIO(data)) as picture:
            pixels = picture.width
        return image_bytes(path, pixels) == data
    except (Refused, OSError, ValueError, Image.DecompressionBombError):
        return False


ARTICLE_ORDER = ("column", "title", "kicker", "subtitle", "toc_title", "byline", "dateline", "note", "body", "source",
                 "author", "link", "published")


def _yaml(read: Issue, values: dict[str, dict[str, Any]], publication: Publication | None) -> str:
    root = CommentedMap()
    found = read.values
    if found.get("kind", "正刊") != "正刊":
        root["kind"] = found["kind"]
    root["year"], root["number"] = found["year"], found["number"]
    if found.get("serial"):
        root["serial"] = found["serial"]
    root["date"] = found["date"]
    toc = _toc(read, values.get("issue", {}).get("toc"))
    if toc is not None:
        root["toc"] = toc
    for key in PUBLICATION_KEYS:
        if key not in found or (publication is None and found[key] in (None, {}, [])):
            continue
        if publication is None or not _same(found[key], getattr(publication, key)):
            value = found[key]
            root[key] = CommentedMap(value) if isinstance(value, dict) else value
    articles = CommentedSeq()
    for article in read.articles:
        if item := _article(article, values.get(article.key or "", {})):
            articles.append(item)
    root["articles"] = articles
    return yaml_text(root)


def _same(found: Any, standing: Any) -> bool:
    """Whether a value read is the publication's (dictionaries in the same order: they print in order)."""
    if isinstance(found, dict) and isinstance(standing, dict):
        return list(found.items()) == list(standing.items())
    return bool(found == standing)


def _toc(read: Issue, carried: Any) -> bool | None:
    """toc as written where the page still shows what it says (a 目录 or none), else what the page shows; unset
    where the page shows what unset would."""
    if isinstance(carried, bool) and carried == read.toc:
        return carried
    return None if read.toc == (len(read.articles) > 1) else read.toc


def _article(article: Article, values: dict[str, Any]) -> CommentedMap | None:
    fields = dict(article.fields)
    fields["column"] = _column(article, values.get("column"))
    if isinstance(values.get("toc_title"), str):
        fields["toc_title"] = values["toc_title"]
    body = _body(article.body + article.extra)
    if not body:
        if not fields:
            return None
        body = [LiteralScalarString("\n")]
    fields["body"] = body[0] if len(body) == 1 and isinstance(body[0], str) else CommentedSeq(body)
    item = CommentedMap()
    for key in ARTICLE_ORDER:
        if fields.get(key):
            value = fields[key]
            item[key] = LiteralScalarString(value) if key == "title" and "\n" in value else value
    return item


def _column(article: Article, carried: Any) -> str | None:
    """An article's column: the heading printed over it (as written, 工作动态 or 【工作动态】, where that prints it);
    else the one it carries (it moves with the article); else, for an article the editor added, the column in
    effect where it stands."""
    written = carried if isinstance(carried, str) else None
    heading = article.heading or (None if article.key else article.context)
    if heading is None:
        return written if article.key else None
    if written is not None and compose.column_heading(written) == heading:
        return written
    return heading.strip().strip("".join(compose.COLUMN_BRACKETS)).strip() or None


def _resolves(text: str) -> bool:
    """Whether plain `text` would load as something else than text (a number, a date, true, null)."""
    import yaml

    try:
        return not isinstance(yaml.safe_load(text), str)
    except yaml.YAMLError:
        return True


def _body(parts: list[Any]) -> list[Any]:
    """Body parts as blocks: runs of paragraphs as one text block each (a blank line between paragraphs)."""
    blocks: list[Any] = []
    prose: list[str] = []
    for part in parts:
        if isinstance(part, str):
            prose.append(part)
            continue
        if prose:
            blocks.append(LiteralScalarString("\n\n".join(prose) + "\n"))
            prose = []
        blocks.append(_block(part))
    if prose:
        blocks.append(LiteralScalarString("\n\n".join(prose) + "\n"))
    return blocks


def _block(part: dict[str, Any]) -> CommentedMap:
    block = CommentedMap()
    for key in ("photo", "photos", "table", "header", "caption", "credit", "widths", "width"):
        if key not in part:
            continue
        value = part[key]
        if key == "photos":
            value = CommentedSeq(_block(photo) for photo in value)
        elif key == "table":
            value = CommentedSeq(_flow(row) for row in value)
        elif key == "widths":
            value = _flow(value)
        elif key == "caption" and "\n" in value:
            value = LiteralScalarString(value)
        block[key] = value
    return block


FLOW_PLAIN = re.compile(r"[^\s!-/:-@\[-`{-~][^:#,\[\]{}\s?&*!|>'\"%@`]*")  # what a flow sequence may hold plain


def _flow(items: list[Any]) -> CommentedSeq:
    """A row of cells (or of widths) on one line: text quoted unless plainly safe (ruamel writes `?://x`
    unquoted in a flow sequence, which no parser reads back)."""
    seq = CommentedSeq(item if not isinstance(item, str) or FLOW_PLAIN.fullmatch(item) and not _resolves(item)
                       else DoubleQuotedScalarString(item) for item in items)
    seq.fa.set_flow_style()
    return seq

