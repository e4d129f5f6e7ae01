"""Importing drafts (.docx, .html, .md, .txt) into issue YAML: four readers, one shared recogniser."""

from __future__ import annotations

import datetime as dt
import difflib
import html.parser
import io
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import LiteralScalarString

from bulletin import layout as L
from bulletin import markup
from bulletin.errors import BulletinError, Problem
from bulletin.i18n import _
from bulletin.inputs import (
    MAX_DRAFT_BYTES,
    MAX_ISSUE_BYTES,
    MAX_PHOTO_BYTES,
    Refused,
    check_package,
    check_regular,
    read_regular,
)
from bulletin.loader import IMAGE_SUFFIXES, MAX_PIXELS, URL, display_path, find_publication, load_publication
from bulletin.model import Publication
from bulletin.output import write_atomic

SUFFIXES = {".docx": "docx", ".html": "html", ".htm": "html", ".md": "markdown", ".markdown": "markdown",
            ".txt": "text", ".text": "text"}

# --- the intermediate form: paragraphs ----------------------------------------------------------------


@dataclass(frozen=True)
class Para:
    """One paragraph of a draft, whatever its format: text with `**bold**` runs (a literal asterisk
    written `\\*`), a style hint from the draft's own markup, or the rows of a table."""

    text: str
    hint: str = ""  # title, subtitle, heading1…heading6, toc, toc-heading, kicker, byline, dateline, note
    rows: tuple[tuple[str, ...], ...] = ()
    photos: tuple[str, ...] = ()  # a paragraph of photos (side by side when several): their keys; text, the caption
    credit: str = ""  # a photo's credit: 张三 摄
    lines: tuple[str, ...] = ()  # a title's text as the editor broke it into lines (Shift+Enter in Word)


@dataclass(frozen=True)
class Picture:
    """A photo taken out of a draft: its bytes, as a format the build reads, and the suffix of its file."""

    data: bytes
    suffix: str


@dataclass
class Read:
    """A draft read: its paragraphs and the photos they refer to, by key."""

    paragraphs: list[Para]
    pictures: dict[str, Picture] = field(default_factory=dict)


# --- characters and small tests -------------------------------------------------------------------------

MAX_SPACE_RUN = 8  # white space the recognisers see in a row

TERMINAL = "。！？；：…!?;:"
CLOSERS = "”’」』）)》】"
INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
SPACES = re.compile(r"[\s\u3000]+")
LINK = re.compile(r"!?\[([^\]\n]*)\]\(([^)\s]*)(?:\s+\"[^\"]*\")?\)")
AUTOLINK = re.compile(r"<((?:https?|ftp|mailto):[^>\s]+|[^>\s@]+@[^>\s]+)>")

PAGE_NUMBER = re.compile(
    r"^[-—–－―~〜·•\s]*(?:第\s*)?\d{1,3}\s*页?(?:\s*[/／]\s*\d{1,3}|\s*[,，]?\s*共\s*\d{1,3}\s*页)?[-—–－―~〜·•\s]*$"
    r"|^(?:page|p\.)\s*\d{1,3}(?:\s*(?:of|/)\s*\d{1,3})?$", re.IGNORECASE)
RULE_LINE = re.compile(r"^[-—–－―_＿=═~·•*\s]{3,}$")
BOILERPLATE = re.compile(
    r"^[【\[(（<《]?\s*(?:免责声明|版权声明|责任编辑|上一篇|下一篇|上一条|下一条|分享到|打印本页|关闭窗口|返回顶部|返回首页"
    r"|阅读原文|点击上方|分享\s*收藏|END$|【?\s*打印\s*】?\s*$|【?\s*关闭\s*】?\s*$|字号\s*[:：]|字体\s*[:：]|【\s*字体|【\s*字号|浏览次数|点击数|阅读次数)")
SCAN_ME = re.compile(r"扫一扫|扫码|长按识别|二维码")


ISSUE_LINE = re.compile(r"(\d{4})年第(\d{1,3})期(?:[（(]总第(\d{1,5})期[）)])?")
SERIAL = re.compile(r"[（(]?总第(\d{1,5})期[）)]?")
DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")
DATELINE = re.compile(r"^[（(]?\s*\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日[^，。；,;]{0,10}?[）)]?$")
KINDS = {"专刊", "增刊", "正刊"}
NOTICE = re.compile(r"内部资料|注意保存|内部刊物|内部参阅|仅供参考|内部交流")
COMPILED_BY = re.compile(r"^[\u4e00-\u9fff]{1,12}编$")
BYLINE = re.compile(r"^(?:(?:作者|撰稿|文|供稿|整理|执笔|记者|通讯员)\s*[：:/／]\s*)?"
                    r"[\u4e00-\u9fff·•]{2,4}(?:[\s、，,]+[\u4e00-\u9fff·•]{2,4}){0,3}"
                    r"(?:\s*(?:整理|供稿|撰稿|执笔|报道|摄))?$")
NOTE = re.compile(r"^[【\[]?\s*编者按\s*[】\]]?\s*[：:]?\s*")
BULLET = re.compile(r"^(?:[-*+]\s+)?[※●•·◆◇■□▪★☆○◎>]\s*|^[-*+]\s+")
TOC_PAGE = re.compile(r"(?:(?<![.．·…])[.．·…]{2,}\s*|(?<=[^\x00-\x7f\s])\s+)\d{1,3}$")

DISTRIBUTION = re.compile(r"^(报|送|发|抄送|分送)\s*[：:]\s*(.*)$")
SIGNOFF_LABELS = ("签发", "审核", "审稿", "核稿", "编辑", "责编", "校对", "主编")
CONTACT_LABELS = ("网址", "网站", "邮箱", "电子邮箱", "电子信箱", "邮件", "E-mail", "Email", "电话", "联系电话", "传真",
                  "微信", "微信公众号", "公众号", "地址", "通讯地址", "邮编", "邮政编码", "QQ", "联系人", "手机")
# label：value pairs; a label never starts with a digit (发布时间：2018-06-05 10:30 is one pair, not two)
PAIR = re.compile(r"([^\s：:\d][^\s：:]{0,7})\s*[：:](?!//)\s*(.*?)\s*(?=\s[^\s：:\d][^\s：:]{0,7}\s*[：:](?!//)|$)")
COPIES = re.compile(r"^[（(]?\s*共印\s*(\d+)\s*份\s*[）)]?$")
ISSUED = re.compile(r"印发\s*$")
META_LABELS = {"来源": "source", "作者": "author", "原文链接": "link", "链接": "link", "发布时间": "published",
               "发布日期": "published",
               "时间": "", "日期": "", "浏览次数": "", "点击数": "", "阅读数": "", "编辑": "", "字号": ""}

# Rule: a date typed with spaces inside (2023年 6月 5日, as PDFs' text layers give it) is read, and kept, as one
# (2023年6月5日): the masthead then finds its date, and the body prints none of those spaces.
SPACED_DATE = re.compile(r"(\d{4})\s{0,3}年\s{0,3}(\d{1,2})\s{0,3}月\s{0,3}(\d{1,2})\s{0,3}日")
# Rule: a byline may name the writer's body before the writer (平湖市工商联 张三, 市工商联主席 周建华, 本刊记者
# 孙伟), or the body alone when it ends as a department does (市工商联调研组, 市工商联经济服务部).
BYLINE_BODY = (r"[\u4e00-\u9fff]{1,14}(?:工商联|工商业联合会|总商会|商会|协会|联谊会|委员会|政府|办公室|记者"
               r"|调研组|部|局|处|室|组|中心)(?:主席|副主席|会长|副会长|党组书记|书记|秘书长|部长|主任|记者)?")
BYLINE_WITH_BODY = re.compile(rf"^{BYLINE_BODY}(?:[\s\u3000]{{1,3}}[\u4e00-\u9fff·]{{2,4}})?$")
MAX_BYLINE = 20  # characters at most in a byline that names a body
# Rule: a subtitle opens with a dash (——在……上的讲话): never a title nor a kicker.
SUBTITLE_DASH = re.compile(r"^(?:——|—|--|－－)\s*\S")
# Rule: a title broken over two lines: the second ends as a document's kind does (……的通报), or the first
# opens as such titles do (关于……): one title, not a kicker over a title.
TITLE_GOES_ON = re.compile(r"(?:通报|报告|通知|意见|决定|讲话|方案|办法|纪要)$")
TITLE_OPENS = re.compile(r"^关于")
# Rule: a contributor's line closing a text, （海宁市工商联 供稿）, is the article's source, not its text.
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")  # a 发布时间 of a date alone, written as a YAML date
CONTRIBUTED = re.compile(r"^[（(]\s{0,3}([^（）()]{2,20}?)\s{0,3}供稿\s{0,3}[）)]$")


def _bare(text: str) -> str:
    """The text without its bold markers, escaped asterisks restored."""
    return text.replace("\\*", "\x00").replace("**", "").replace("\x00", "*")


def _compact(text: str) -> str:
    """The bare text without any white space: for comparing lines."""
    return SPACES.sub("", _bare(text))


def _clean(text: str) -> str:
    """One paragraph's text: invisible and control characters gone, white space tidied at its ends."""
    text = INVISIBLE.sub("", text.replace("\u00a0", " ").replace("\u2028", "\n").replace("\u2029", "\n"))
    text = text.replace("\u0085", "\n").replace("\t", " ").replace("\r", "")
    return text.strip(" \n\u3000")


def _cells(text: str) -> int:
    """Display width: two cells for a wide (CJK) character, one for the others."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _join(left: str, right: str) -> str:
    """Join two pieces of one paragraph: no space at a seam with a Chinese character, one between Latin words."""
    if not left:
        return right
    if not right:
        return left
    a, b = left.rstrip("*")[-1:], right.lstrip("*")[:1]
    if markup.CJK.match(a) or markup.CJK.match(b) or not a or not b:
        return left + right
    return left + " " + right


def _terminal(text: str) -> bool:
    """Whether a paragraph ends a sentence (。！？；： …, or one of those inside a closing quote)."""
    bare = _bare(text).rstrip()
    if not bare or bare[-1] in TERMINAL:
        return True
    core = bare.rstrip(CLOSERS)
    return core != bare and bool(core) and core[-1] in TERMINAL


def _numbered(text: str) -> int:
    """The heading level its numbering gives a paragraph (一、 （一） 1. （1）: markup.NUMBERS), or 0."""
    return max(markup.numbering(_bare(text)), 0)


def _title_like(text: str) -> bool:
    """A short line without sentence punctuation: a title, a kicker, a heading without number."""
    bare = _bare(text).strip()
    return 2 <= len(bare) <= 40 and not _terminal(bare) and bare[-1] not in "，、,（(“《" and not any(
        c in bare for c in "。！？；")


def _heading_level(para: Para) -> int:
    """The heading level of a body paragraph recognised by its numbering, or 0 for running text."""
    level = _numbered(para.text)
    bare = _bare(para.text).strip()
    if level and len(bare) <= 50 and bare[-1] not in "。！？；，、,;!?":
        return level
    return 0


def _noise(text: str) -> bool:
    """Page numbers, rules and web-page boilerplate, dropped wherever they stand."""
    bare = _bare(text).strip()
    if PAGE_NUMBER.match(bare) or RULE_LINE.match(bare):
        return True
    return bool(BOILERPLATE.match(bare)) or (len(bare) <= 40 and bool(SCAN_ME.search(bare)))


def _unlink(text: str) -> str:
    """Markdown-ish links as their text: <http://…> → http://…, [x](#) → x."""
    text = AUTOLINK.sub(r"\1", text)
    return LINK.sub(lambda m: m.group(1) or m.group(2), text)


def _escape_stars(text: str) -> str:
    """Plain text for the body markup: every asterisk literal."""
    return text.replace("*", "\\*")


def _keep_bold(text: str) -> str:
    """Text with `**bold**` runs kept and any other asterisk made literal."""
    parts = re.split(r"(\\\*|\*\*)", text)
    return "".join(part if part in ("\\*", "**") else _escape_stars(part) for part in parts)


# --- reading plain text ---------------------------------------------------------------------------------


def read_text(text: str) -> list[Para]:
    """Paragraphs of a plain-text draft: blank lines between paragraphs or one paragraph a line, hard-wrapped
    lines joined, page-number lines dropped even between the lines of a paragraph; `**bold**` kept."""
    raws = text.splitlines()
    lines = [_clean(line) if line.strip() else "" for line in raws]
    wrap = _wrap_width([_printed_width(raw, line) for raw, line in zip(raws, lines, strict=True)
                        if line and not _noise(line) and not COLUMN_GAP.search(line)])
    if wrap and _double_spaced(lines):
        raws = [raw for raw, line in zip(raws, lines, strict=True) if line]
        lines = [line for line in lines if line]
    indents = [bool(re.match(r"^(?:\u3000|\s{2,}|\t)", raw)) for raw in raws]
    blocks: list[list[tuple[str, bool]]] = [[]]
    for i, line in enumerate(lines):
        if line and _noise(line):
            # a page number between two lines of one hard-wrapped paragraph: the paragraph goes on
            before = next((lines[j] for j in range(i - 1, -1, -1) if lines[j]), "")
            if wrap and before and _full(before, wrap) and not _noise(before):
                while blocks[-1] == [] and len(blocks) > 1:
                    blocks.pop()
                blocks[-1].append(("", False))  # a marker: skip the blank lines that follow
            continue
        if not line:
            if blocks[-1] and blocks[-1][-1] != ("", False):
                blocks.append([])
            continue
        if blocks[-1] and blocks[-1][-1] == ("", False):
            blocks[-1].pop()
        blocks[-1].append((line, indents[i]))
    separated = sum(1 for block in blocks if block) >= 3
    paragraphs: list[Para] = []
    for block in blocks:
        current, current_last = "", ""
        for k, (line, indented) in enumerate(item for item in block if item[0]):
            if wrap:  # a short line ends a paragraph; a heading starts one even after a full line
                starts = not _full(current_last, wrap) or (_heading_level(Para(line)) > 0 and not _full(line, wrap))
            else:
                starts = not separated or _structural(current)
            starts = starts or k == 0 or indented or _structural(line)
            if starts and current:
                paragraphs.append(Para(_keep_bold(current)))
                current = ""
            current = _join(current, line)
            current_last = line
        if current:
            paragraphs.append(Para(_keep_bold(current)))
    return paragraphs


# Rule: a PDF's text layer gives a paragraph's first line without its indent, which took INDENT_CHARS of the
# printed line: an indented line (INDENT_CELLS at most of white space before it; more is a centred line) is
# measured with it. Lines with a column gap (a masthead's issuer and date) say nothing of the wrap width.
INDENT_CHARS = 2
INDENT_CELLS = 4
COLUMN_GAP = re.compile(r"\S[ \u3000]{3,}\S")
# Rule: a hard-wrapped text in which at least DOUBLE_SPACED of the lines stand between blank lines (a PDF copied
# line by line) is read as if the blank lines were not there: paragraphs end at short lines and indents.
DOUBLE_SPACED = 0.9


def _printed_width(raw: str, line: str) -> tuple[int, int]:
    """A line's width as printed (characters, cells): its indent counted when it has one."""
    lead = raw[: len(raw) - len(raw.lstrip())].replace("\t", "    ")
    indented = 0 < _cells(lead) <= INDENT_CELLS
    return len(line) + (INDENT_CHARS if indented else 0), _cells(line) + (2 * INDENT_CHARS if indented else 0)


def _double_spaced(lines: list[str]) -> bool:
    """Whether (nearly) every line of a text stands alone between blank lines."""
    filled = [i for i, line in enumerate(lines) if line]
    alone = sum(1 for i in filled if (i == 0 or not lines[i - 1]) and (i + 1 == len(lines) or not lines[i + 1]))
    return len(filled) >= 4 and alone >= DOUBLE_SPACED * len(filled)


def _wrap_width(widths: list[tuple[int, int]]) -> tuple[int, int] | None:
    """The width (characters, cells) a hard-wrapped text was broken at, or None when its lines are paragraphs."""
    long = [w for w in widths if w[1] >= 20]
    if len(long) < 4:
        return None
    for index in (0, 1):
        counts = Counter(w[index] for w in long)
        mode = max(counts, key=lambda width: (counts[width], width))
        near = sum(1 for w in long if mode - 2 <= w[index] <= mode)
        over = sum(1 for w in long if w[index] > mode + 2)
        if near >= 3 and near >= 0.4 * len(long) and over <= 0.1 * len(long):
            return (mode, 0) if index == 0 else (0, mode)
    return None


def _full(line: str, wrap: tuple[int, int]) -> bool:
    """Whether a line fills the wrap width (so that the paragraph goes on after it)."""
    chars, cells = wrap
    if chars:
        return len(line) >= chars - 2
    return _cells(line) >= cells - 4


def _structural(line: str) -> bool:
    """Lines that stand alone even when a plain-text draft sets no blank line around them."""
    bare = _compact(line)
    if not bare:
        return False
    return bool(bare in KINDS or bare == "目录" or ISSUE_LINE.fullmatch(bare) or DATE.fullmatch(bare)
                or DISTRIBUTION.match(bare) or BULLET.match(_bare(line)) or _signoff(line) or _contact(line)
                or COPIES.match(bare))


# --- reading Markdown -----------------------------------------------------------------------------------


def read_markdown(text: str) -> list[Para]:
    """Paragraphs of a Markdown draft: `#` headings as hints, `**bold**`, lists, pipe tables; links and
    emphasis reduced to their text."""
    lines = text.splitlines()
    if lines and lines[0].strip() == "---":  # front matter
        end = next((i for i in range(1, len(lines)) if lines[i].strip() in ("---", "...")), None)
        if end is not None:
            lines = lines[end + 1 :]
    paragraphs: list[Para] = []
    current: list[str] = []
    table: list[tuple[str, ...]] = []
    fenced = False

    def flush() -> None:
        if current:
            text = ""
            for line in current:
                text = _join(text, line)
            paragraphs.append(Para(_md_inline(text)))
            current.clear()
        if table:
            paragraphs.append(Para("", "", tuple(table)))
            table.clear()

    for raw in lines:
        line = raw.strip()
        if line.startswith(("```", "~~~")):
            flush()
            fenced = not fenced
            continue
        if fenced:
            if line:
                paragraphs.append(Para(_escape_stars(_clean(line))))
            continue
        line = re.sub(r"^(?:>\s?)+", "", line).strip()
        line = re.sub(r"<!--.*?-->", "", line).strip()
        if not line:
            flush()
            continue
        if line.startswith("|") and line.endswith("|") and len(line) > 1:
            if current:
                flush()
            cells = tuple(_bare(_md_inline(cell.strip())) for cell in line[1:-1].split("|"))
            if not all(re.fullmatch(r":?-{2,}:?", cell) for cell in cells):
                table.append(cells)
            continue
        if table:
            flush()
        image = MD_IMAGE.fullmatch(line)
        if image:  # a photo on a line of its own: its text the caption
            flush()
            paragraphs.append(Para(_md_inline(image.group(1)), "photo", photos=(image.group(2),)))
            continue
        heading = re.match(r"^(#{1,6})\s+(.*?)(?:\s+#+)?\s*$", line)
        if heading:
            flush()
            paragraphs.append(Para(_md_inline(heading.group(2)), f"heading{len(heading.group(1))}"))
            continue
        if re.fullmatch(r"=+|-+", line) and len(current) == 1:
            level = 1 if line[0] == "=" else 2
            paragraphs.append(Para(_md_inline(current[0]), f"heading{level}"))
            current.clear()
            continue
        if re.fullmatch(r"(?:[-*_]\s*){3,}", line):
            flush()
            continue
        item = re.match(r"^[-*+]\s+(.*)$", line)
        if item:
            flush()
            current.append(item.group(1))
            continue
        if re.match(r"^\d{1,2}[.)]\s+", line) and current:
            flush()
        current.append(line.rstrip("\\").rstrip())
    flush()
    return paragraphs


MD_IMAGE = re.compile(r"!\[([^\]]*)\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")


def _md_inline(text: str) -> str:
    """Markdown inline markup to ours: **bold** (and __bold__) kept, other emphasis, code, links and
    images reduced to text, backslash escapes resolved, a literal asterisk written \\*."""
    text = _clean(text)
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", text)
    text = _unlink(text)
    text = re.sub(r"`([^`]*)`", r"\1", text)
    text = re.sub(r"</?[a-zA-Z][^>]*>", "", text)
    text = text.replace("\\*", "\x00")
    text = re.sub(r"(?<![\w_])__(?=\S)(.+?)(?<=\S)__(?![\w_])", r"**\1**", text)
    text = re.sub(r"\\([\\`_{}\[\]()#+\-.!|<>~])", r"\1", text)
    parts = re.split(r"(\*\*)", text)
    out = []
    for part in parts:
        if part == "**":
            out.append(part)
            continue
        part = re.sub(r"(?<!\*)\*(?=\S)([^*]+?)(?<=\S)\*(?!\*)", r"\1", part)
        out.append(_escape_stars(part))
    return "".join(out).replace("\x00", "\\*")


# --- reading Word ---------------------------------------------------------------------------------------

HINT_OPEN, HINT_CLOSE = "\ue000", "\ue001"
EDITOR_BREAK = "\ue002"  # stands for a line break the editor typed in a title (not one the layout chose)


def read_docx(path: Path) -> Read:
    """Paragraphs of a Word draft, through mammoth's HTML: bold runs as `**…**`; the styles Title, Subtitle,
    Heading 1–6, Caption, toc N and this tool's own (Kicker, Byline, Dateline, Editor's Note), and outline
    levels, as hints; tables as rows; pictures taken out as photos (those Pillow cannot read, such as EMF
    drawings, named as lost)."""
    import docx
    import mammoth  # type: ignore[import-untyped]

    document = docx.Document(str(path))
    _spell_numbering(document)
    _mark_hints(document)
    buffer = io.BytesIO()
    document.save(buffer)
    buffer.seek(0)
    pictures: dict[str, Picture] = {}

    def picture(image: Any) -> dict[str, str]:
        with image.open() as stream:
            taken = take_picture(stream.read(MAX_PHOTO_BYTES + 1))
        if taken is None:  # a drawing Word stores as EMF or WMF, or something else no photo
            return {"alt": f"{LOST_PHOTO}{image.content_type}"}
        key = f"image-{len(pictures) + 1}"
        pictures[key] = taken
        return {"src": key}

    result = mammoth.convert_to_html(buffer, convert_image=mammoth.images.img_element(picture))
    reader = _HtmlReader()
    reader.feed(str(result.value))
    reader.close()
    return Read(reader.paragraphs, pictures)


LOST_PHOTO = "\x00lost-photo:"  # what stands for a photo that could not be taken out of the draft


def take_picture(data: bytes) -> Picture | None:
    """A photo's bytes as the build takes them (PNG, JPEG and the other formats it reads, within its bounds),
    or None."""
    from PIL import Image

    if len(data) > MAX_PHOTO_BYTES:
        return None
    try:
        with Image.open(io.BytesIO(data)) as image:
            kind, pixels = image.format or "", image.width * image.height
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return None
    return Picture(data, IMAGE_SUFFIXES[kind]) if kind in IMAGE_SUFFIXES and pixels <= MAX_PIXELS else None


def _style_hint(name: str) -> str:
    """The hint a Word style name gives, or ''."""
    name = name.strip().lower()
    if name in ("title", "标题"):
        return "title"
    if name in ("subtitle", "副标题"):
        return "subtitle"
    match = re.fullmatch(r"(?:heading|标题)\s*(\d)", name)
    if match:
        return f"heading{match.group(1)}"
    if re.fullmatch(r"(?:toc|目录)\s*\d", name):
        return "toc"
    if name in ("toc heading", "目录标题"):
        return "toc-heading"
    if name in ("caption", "题注", "图片说明"):
        return "caption"
    return {"kicker": "kicker", "byline": "byline", "dateline": "dateline", "editor's note": "note"}.get(name, "")


def _mark_editor_breaks(paragraph: Any, automatic: set[str | None]) -> None:
    """A title's line breaks that the editor typed (Shift+Enter) as EDITOR_BREAK, those our own DOCX wrote
    where the layout broke the title (runs in L.AUTOMATIC_BREAK_STYLE) left to be joined."""
    from docx.oxml.ns import qn

    for run in paragraph.iter(qn("w:r")):
        style = run.find(f"{qn('w:rPr')}/{qn('w:rStyle')}")
        if style is not None and style.get(qn("w:val")) in automatic:
            continue
        for brk in run.findall(qn("w:br")):
            if brk.get(qn("w:type")) in (None, "textWrapping"):
                text = brk.makeelement(qn("w:t"), {})
                text.text = EDITOR_BREAK
                brk.addprevious(text)
                run.remove(brk)


# --- Word's automatic numbering (numbering.xml) ---------------------------------------------------------
# A paragraph numbered by Word (List Number, a heading style with numbering, or numbering set on the
# paragraph) holds no number in its text: the number is drawn from numbering.xml's level for its list and
# level. The reader spells each number out into the paragraph's text as Word shows it (一、 1. （1） ①),
# so that the recogniser sees what the editor saw, and takes the paragraph out of its list.

CHINESE_DIGITS = "〇一二三四五六七八九"
CHINESE_FORMATS = frozenset({"chineseCounting", "chineseCountingThousand", "chineseLegalSimplified",
                             "ideographDigital", "taiwaneseCounting", "taiwaneseCountingThousand"})
ENCLOSED_FORMATS = frozenset({"decimalEnclosedCircle", "decimalEnclosedCircleChinese"})
ROMAN = ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"), (40, "xl"),
         (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))


def _chinese_numeral(number: int) -> str:
    """1–99 as Chinese numbers a heading: 一, 十, 十一, 二十三; others in digits."""
    if not 0 < number < 100:
        return str(number)
    tens, units = divmod(number, 10)
    spelt = (CHINESE_DIGITS[tens] if tens > 1 else "") + "十" if tens else ""
    return spelt + (CHINESE_DIGITS[units] if units else "")


def _roman(number: int) -> str:
    spelt = ""
    for value, letters in ROMAN:
        count, number = divmod(number, value)
        spelt += letters * count
    return spelt


def _numeral(number: int, style: str) -> str:
    """A list number in one of numbering.xml's formats (w:numFmt); digits for the formats not known here."""
    if style in CHINESE_FORMATS:
        return _chinese_numeral(number)
    if style in ENCLOSED_FORMATS and 1 <= number <= 20:
        return chr(ord("①") + number - 1)
    if style in ("lowerLetter", "upperLetter") and 1 <= number <= 26:
        letter = chr(ord("a") + number - 1)
        return letter.upper() if style == "upperLetter" else letter
    if style in ("lowerRoman", "upperRoman") and number > 0:
        return _roman(number).upper() if style == "upperRoman" else _roman(number)
    return "" if style == "none" else str(number)


@dataclass(frozen=True)
class _ListLevel:
    """A level of a Word list: its first number, its format (decimal, chineseCounting …, bullet) and the text
    of its label (%1、, （%2）, %1.%2)."""

    start: int
    style: str
    text: str
    space: bool  # a tab or a space after the label (w:suff), as against none


def _list_label(this: _ListLevel, definition: dict[int, _ListLevel], counter: dict[int, int]) -> str:
    """A list paragraph's label: its level's text with each %N the number of level N in that level's format."""

    def number(match: re.Match[str]) -> str:
        level = int(match.group(1)) - 1
        shape = definition.get(level, this)
        return _numeral(counter.get(level, shape.start), shape.style)

    return re.sub(r"%([1-9])", number, this.text)


def _spell_numbering(document: Any) -> None:
    """Write each automatically numbered paragraph's number into its text, as Word shows it, and take the
    paragraph out of its list (bullets are dropped: they are no part of the text)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    try:
        numbering = document.part.numbering_part.element
    except (KeyError, NotImplementedError):
        return
    value = qn("w:val")

    def attribute(parent: Any, path: str, default: str | None = None) -> str | None:
        found = parent.find(path)
        return found.get(value) if found is not None else default

    levels: dict[str, dict[int, _ListLevel]] = {}
    for abstract in numbering.findall(qn("w:abstractNum")):
        levels[abstract.get(qn("w:abstractNumId"))] = {
            int(level.get(qn("w:ilvl"), "0")): _ListLevel(
                int(attribute(level, qn("w:start"), "1") or 1), attribute(level, qn("w:numFmt"), "decimal") or "",
                attribute(level, qn("w:lvlText"), "") or "", attribute(level, qn("w:suff"), "tab") != "nothing")
            for level in abstract.findall(qn("w:lvl"))}
    lists: dict[str, str] = {}  # numId -> abstractNumId
    restarts: dict[str, dict[int, int]] = {}  # numId -> level -> the number it starts again from
    for num in numbering.findall(qn("w:num")):
        lists[num.get(qn("w:numId"))] = attribute(num, qn("w:abstractNumId")) or ""
        restarts[num.get(qn("w:numId"))] = {
            int(override.get(qn("w:ilvl"), "0")): int(first)
            for override in num.findall(qn("w:lvlOverride"))
            if (first := attribute(override, qn("w:startOverride"))) is not None}
    styles = {style.get(qn("w:styleId")): style for style in document.styles.element.findall(qn("w:style"))}

    def numbered(properties: Any) -> tuple[str, int] | None:
        """The list and level of a paragraph: its own numbering, else its style's (through basedOn)."""
        own = properties.find(qn("w:numPr")) if properties is not None else None
        style_id = attribute(properties, qn("w:pStyle")) if properties is not None else None
        num_id = attribute(own, qn("w:numId")) if own is not None else None
        level = attribute(own, qn("w:ilvl")) if own is not None else None
        seen: set[str] = set()
        while (num_id is None or level is None) and style_id is not None and style_id in styles \
                and style_id not in seen:
            seen.add(style_id)
            style_numbering = styles[style_id].find(f"{qn('w:pPr')}/{qn('w:numPr')}")
            if style_numbering is not None:
                num_id = num_id or attribute(style_numbering, qn("w:numId"))
                level = level or attribute(style_numbering, qn("w:ilvl"))
            style_id = attribute(styles[style_id], qn("w:basedOn"))
        if not num_id or num_id == "0" or num_id not in lists:
            return None
        return num_id, int(level or 0)

    counters: dict[str, dict[int, int]] = {}  # abstractNumId -> level -> the last number given
    started: set[str] = set()
    for paragraph in document.element.body.iter(qn("w:p")):
        properties = paragraph.find(qn("w:pPr"))
        found = numbered(properties)
        if found is None:
            continue
        num_id, level = found
        abstract = lists[num_id]
        definition = levels.get(abstract, {})
        counter = counters.setdefault(abstract, {})
        if num_id not in started:
            started.add(num_id)
            for restarted, start in restarts.get(num_id, {}).items():
                counter[restarted] = start - 1
        this = definition.get(level, _ListLevel(1, "decimal", f"%{level + 1}.", True))
        counter[level] = counter.get(level, this.start - 1) + 1
        for deeper in [key for key in counter if key > level]:
            del counter[deeper]
        label = "" if this.style == "bullet" else _list_label(this, definition, counter)
        if properties is None:
            properties = OxmlElement("w:pPr")
            paragraph.insert(0, properties)
        for old in properties.findall(qn("w:numPr")):
            properties.remove(old)
        off, none = OxmlElement("w:numPr"), OxmlElement("w:numId")
        none.set(value, "0")  # out of its list: the number is in the text now
        off.append(none)
        properties.append(off)
        if label:
            run, text = OxmlElement("w:r"), OxmlElement("w:t")
            text.text = label + (" " if this.space and label[-1].isascii() else "")
            text.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            run.append(text)
            properties.addnext(run)


def _mark_hints(document: Any) -> None:
    """Put each styled paragraph's hint into its text, where mammoth carries it through to the HTML."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    styles: dict[str, tuple[str, int | None, str | None]] = {}
    default = None
    for style in document.styles.element.findall(qn("w:style")):
        if style.get(qn("w:type")) != "paragraph":
            continue
        sid = style.get(qn("w:styleId")) or ""
        name = style.find(qn("w:name"))
        outline = style.find(f"{qn('w:pPr')}/{qn('w:outlineLvl')}")
        based = style.find(qn("w:basedOn"))
        styles[sid] = (name.get(qn("w:val")) if name is not None else sid,
                       int(outline.get(qn("w:val"))) if outline is not None else None,
                       based.get(qn("w:val")) if based is not None else None)
        if style.get(qn("w:default")) in ("1", "true"):
            default = sid

    def hint_of(sid: str | None, direct: int | None) -> str:
        outline, seen = direct, set()
        while sid and sid in styles and sid not in seen:
            seen.add(sid)
            name, level, based = styles[sid]
            hint = _style_hint(name)
            if hint:
                return hint
            outline = level if outline is None else outline
            sid = based
        return f"heading{outline + 1}" if outline is not None and 0 <= outline < 6 else ""

    automatic = {style.get(qn("w:styleId")) for style in document.styles.element.findall(qn("w:style"))
                 if (name := style.find(qn("w:name"))) is not None and name.get(qn("w:val")) == L.AUTOMATIC_BREAK_STYLE}
    for paragraph in document.element.body.iter(qn("w:p")):
        properties = paragraph.find(qn("w:pPr"))
        style = properties.find(qn("w:pStyle")) if properties is not None else None
        direct = properties.find(qn("w:outlineLvl")) if properties is not None else None
        hint = hint_of(style.get(qn("w:val")) if style is not None else default,
                       int(direct.get(qn("w:val"))) if direct is not None else None)
        if not hint:
            continue
        if hint == "title":
            _mark_editor_breaks(paragraph, automatic)
        run, text = OxmlElement("w:r"), OxmlElement("w:t")
        text.text = f"{HINT_OPEN}{hint}{HINT_CLOSE}"
        run.append(text)
        if properties is not None:
            properties.addnext(run)
        else:
            paragraph.insert(0, run)


class _HtmlReader(html.parser.HTMLParser):
    """mammoth's HTML to paragraphs: block elements, <strong>/<b> runs, tables."""

    BLOCKS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "li"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[Para] = []
        self.parts: list[tuple[str, bool]] = []
        self.tag = ""
        self.bold = 0
        self.skip = 0
        self.tables: list[list[list[str]]] = []
        self.cell: list[str] | None = None
        self.span = 1
        self.images: list[str] = []  # the photos of the block being read (their src)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag in ("strong", "b"):
            self.bold += 1
        elif tag == "img" and not self.skip and self.cell is None:
            self.images.append(attributes.get("src") or attributes.get("alt") or LOST_PHOTO)
        elif tag == "br":
            self.parts.append(("\n", False))
        elif (tag == "a" and (attributes.get("href") or "").startswith(("#footnote", "#endnote"))
              or tag == "li" and (attributes.get("id") or "").startswith(("footnote", "endnote"))):
            self.skip += 1
        elif tag == "table":
            self._end_block()
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("td", "th") and self.tables:
            self._end_block()
            self.cell = []
            self.span = int(attributes.get("colspan") or 1)
        elif tag in self.BLOCKS:
            self._end_block()
            self.tag = tag

    def handle_endtag(self, tag: str) -> None:
        if tag in ("strong", "b"):
            self.bold = max(0, self.bold - 1)
        elif tag == "a" and self.skip:
            self.skip -= 1
        elif tag in ("td", "th") and self.tables and self.cell is not None:
            self._end_block()
            if self.tables[-1]:
                self.tables[-1][-1].append("\n".join(part for part in self.cell if part))
                self.tables[-1][-1].extend([""] * (self.span - 1))
            self.cell = None
        elif tag == "table" and self.tables:
            self._end_table(self.tables.pop())
        elif tag in self.BLOCKS:
            self._end_block()
            if tag == "li" and self.skip:
                self.skip -= 1

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append((data, self.bold > 0))

    def _end_block(self) -> None:
        if self.images:  # the photos of a paragraph go before its text (a caption, most often)
            self.paragraphs.append(Para("", "photo", photos=tuple(self.images)))
            self.images = []
        text, hint = _runs_to_text(self.parts), ""
        self.parts = []
        match = re.search(f"{HINT_OPEN}([a-z0-9-]+){HINT_CLOSE}", text)
        if match:
            hint = match.group(1)
            text = text.replace(match.group(0), "")
        elif re.fullmatch(r"h[1-6]", self.tag):
            hint = f"heading{self.tag[1]}"
        self.tag = ""
        text = re.sub(f"{HINT_OPEN}[a-z0-9-]*{HINT_CLOSE}", "", text)
        lines = tuple(_clean(line) for line in text.split(EDITOR_BREAK))
        text = _tidy_bold(_clean(_join_all(list(lines))))
        if not _bare(text).strip():
            return
        if self.cell is not None:
            self.cell.append(text)
        else:
            broken = tuple(line for line in lines if line) if len(lines) > 1 else ()
            self.paragraphs.append(Para(text, hint, lines=broken))

    def _end_table(self, rows: list[list[str]]) -> None:
        rows = [row for row in rows if any(cell.strip() for cell in row)]
        texts = [cell for row in rows for cell in row if cell.strip()]
        width = max((len(row) for row in rows), default=0)
        early = len(self.paragraphs) < 10 and not any(p.hint or _terminal(p.text) for p in self.paragraphs)
        if width < 2 or len(rows) < 2 or any(_placing(cell, early) for cell in texts):
            # a table that only places text (a masthead, a colophon): its cells as paragraphs
            self.paragraphs += [Para(piece.strip()) for cell in texts for piece in cell.split("\n") if piece.strip()]
            return
        cells = [[_plain(_bare(cell)) for cell in row] + [""] * (width - len(row)) for row in rows]
        self.paragraphs.append(Para("", "", tuple(tuple(row) for row in cells)))


# Rule: a saved web page's furniture — navigation, the site's head and foot, share and print buttons, the
# links to the pages before and after, WeChat's account line and reading bar — is the elements whose class or
# id names one of these; what they hold is left out, with the page's head, scripts and styles.
FURNITURE = re.compile(r"nav|menu|^top|foot|share|tool|crumb|banner|side|pages|location|position|meta_content"
                       r"|read_area|qrcode", re.IGNORECASE)
HIDDEN = frozenset({"head", "script", "style", "noscript", "template", "svg", "iframe", "form", "button"})
VOID = frozenset({"br", "img", "hr", "meta", "link", "input", "wbr", "source", "area", "col", "base", "embed"})


class _PageReader(_HtmlReader):
    """A saved web page to paragraphs: its furniture left out, its div and section blocks as paragraphs."""

    BLOCKS = _HtmlReader.BLOCKS | {"div", "section", "article", "header", "dd", "dt", "blockquote"}

    def __init__(self) -> None:
        super().__init__()
        self.open: list[tuple[str, bool]] = []  # the elements open, each with whether it is left out

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = " ".join(value or "" for key, value in attrs if key in ("class", "id"))
        hidden = bool(self.open and self.open[-1][1]) or tag in HIDDEN or any(
            FURNITURE.search(name) for name in names.split())
        if tag not in VOID:
            self.open.append((tag, hidden))
        if not hidden and not (tag == "img" and not (dict(attrs).get("src") or "").startswith("data:")):
            super().handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        while self.open and tag in (name for name, _ in self.open):
            name, hidden = self.open.pop()
            if not hidden:
                super().handle_endtag(name)
            if name == tag:
                break

    def handle_data(self, data: str) -> None:
        if not (self.open and self.open[-1][1]):
            super().handle_data(data)


def read_html(text: str) -> list[Para]:
    """Paragraphs of a saved web page: its article, headings and bold runs, tables; its furniture left out, and
    pictures on the web (which the page only names) too."""
    reader = _PageReader()
    reader.feed(text)
    reader.close()
    return reader.paragraphs


def _placing(cell: str, early: bool) -> bool:
    """A table cell of a masthead or a colophon set in a table (办公室编, 送：…, 签发：…; a date, early on)."""
    compact = _compact(cell)
    return bool(ISSUE_LINE.fullmatch(compact) or COMPILED_BY.match(compact) or DISTRIBUTION.match(compact)
                or _signoff(cell) or _contact(cell) or COPIES.match(compact) or early and DATE.fullmatch(compact))


def _join_all(pieces: list[str]) -> str:
    """Pieces of one paragraph joined (`_join` at each seam)."""
    joined = ""
    for piece in pieces:
        joined = _join(joined, piece)
    return joined


def _runs_to_text(parts: list[tuple[str, bool]]) -> str:
    """Runs of (text, bold) to one line of our markup: bold runs as **…**, line breaks joined."""
    merged: list[list[Any]] = []
    for text, bold in parts:
        bold = bold and bool(text.strip())
        if merged and merged[-1][1] == bold:
            merged[-1][0] += text
        else:
            merged.append([text, bold])
    out = ""
    for text, bold in merged:
        escaped = _escape_stars(text)
        if bold:
            lead = escaped[: len(escaped) - len(escaped.lstrip())]
            trail = escaped[len(escaped.rstrip()) :]
            escaped = f"{lead}**{escaped.strip()}**{trail}"
        out += escaped
    return _clean(_join_all([_clean(piece) for piece in out.split("\n")]))


def _tidy_bold(text: str) -> str:
    """Merge bold runs that touch (**a****b** → **ab**)."""
    return re.sub(r"(?<!\\)\*\*\*\*", "", text)


# --- the recogniser -------------------------------------------------------------------------------------


@dataclass
class Article:
    """An article as recognised: its head fields and its body paragraphs."""

    title: str = ""
    kicker: str | None = None
    subtitle: str | None = None
    toc_title: str | None = None
    byline: str | None = None
    dateline: str | None = None
    note: str | None = None
    body: list[Para] = field(default_factory=list)
    source: str | None = None
    author: str | None = None
    link: str | None = None
    published: str | None = None
    column: str | None = None
    guesses: list[str] = field(default_factory=list)  # what the recogniser read from looks alone: to check


@dataclass
class Draft:
    """What the recogniser found in a draft, before it is compared with the publication file."""

    masthead: dict[str, Any] = field(default_factory=dict)
    toc: list[str] = field(default_factory=list)
    articles: list[Article] = field(default_factory=list)
    colophon: dict[str, Any] = field(default_factory=dict)
    unplaced: list[str] = field(default_factory=list)


def recognise(paragraphs: list[Para]) -> Draft:
    """Turn the paragraphs of any draft into masthead, 目录, articles and colophon."""
    draft = Draft()
    paras = []
    for para in paragraphs:
        lost = [key.removeprefix(LOST_PHOTO) for key in para.photos if key.startswith(LOST_PHOTO)]
        draft.unplaced += [_("a photo that could not be taken out of the draft (not an image that can be read, "
                             "or its file not found): {name}").format(name=name) for name in lost]
        kept = tuple(k for k in para.photos if not k.startswith(LOST_PHOTO))
        para = replace(para, text=SPACED_DATE.sub(r"\1年\2月\3日", _clean(para.text)), photos=kept)
        if para.rows or para.photos or (_bare(para.text).strip() and not _noise(para.text)):
            paras.append(para if para.photos or para.hint != "photo" else replace(para, hint=""))
    start = _masthead(paras, draft)
    start = _toc(paras, start, draft)
    end = _colophon(paras, start, draft)
    toc_hinted = [i for i in range(start, end) if paras[i].hint in ("toc", "toc-heading")]
    if toc_hinted and not draft.toc:
        draft.toc = [_toc_entry(paras[i].text) for i in toc_hinted if paras[i].hint == "toc"]
    body = [p for i, p in enumerate(paras[start:end], start) if i not in toc_hinted]
    _articles(body, draft)
    return draft


def _masthead(paras: list[Para], draft: Draft) -> int:
    """Read the masthead lines at the start (name, kind, issue line, issuers, date): where the rest begins."""
    found: dict[str, Any] = {}
    issuers: list[str] = []
    i = 0
    while i < min(len(paras), 20):
        para = paras[i]
        if para.rows or para.photos or para.hint in ("title", "toc", "toc-heading"):
            break
        whole = _compact(para.text)
        items = [_masthead_item(whole, _bare(para.text).strip(), found)]
        if items[0] is None:
            parts = _words(_bare(para.text).strip())
            items = [_masthead_item(part, part, found) for part in parts] if len(parts) > 1 else [None]
        if whole == "目录" or any(item is None for item in items):
            break
        for item in items:
            assert item is not None
            key, value = item
            if key == "issuer":
                issuers.append(value)
            elif key == "issue":
                found["year"], found["number"] = value[0], value[1]
                if value[2]:
                    found["serial"] = value[2]
            else:
                found[key] = value
        i += 1
    if "number" not in found and ("date" not in found or "name" in found or issuers):
        return 0  # no masthead (a title above a dateline is no masthead name)
    if issuers:
        found["issuers"] = issuers
    draft.masthead = found
    return i


def _words(text: str) -> list[str]:
    """The words of a masthead line; letter-spaced words (嘉 兴 市 总 商 会) closed up."""
    words: list[str] = []
    single = False
    for word in SPACES.split(text):
        if not word:
            continue
        one = len(word) == 1 and bool(markup.CJK.match(word))
        if one and single:
            words[-1] += word
        else:
            words.append(word)
        single = one
    return words


def _masthead_item(compact: str, text: str, found: dict[str, Any]) -> tuple[str, Any] | None:
    """One masthead item (field, value) from a line or a part of one, or None."""
    if not compact:
        return None
    if compact in KINDS and "kind" not in found:
        return "kind", compact
    issue = ISSUE_LINE.fullmatch(compact)
    if issue and "number" not in found:
        return "issue", (int(issue.group(1)), int(issue.group(2)), int(issue.group(3)) if issue.group(3) else None)
    serial = SERIAL.fullmatch(compact)
    if serial and "serial" not in found:
        return "serial", int(serial.group(1))
    date = DATE.fullmatch(compact)
    if date and "date" not in found:
        try:
            return "date", dt.date(int(date.group(1)), int(date.group(2)), int(date.group(3)))
        except ValueError:
            return None
    if "date" in found:
        return None  # after the date: the 目录 or the first article
    if NOTICE.search(compact) and "notice" not in found:
        return "notice", text
    if COMPILED_BY.match(compact) and "compiled_by" not in found and len(compact) <= 10:
        return "compiled_by", compact
    if _title_like(compact) and len(compact) <= 24 and not DATE.search(compact):
        if "number" in found:
            return "issuer", compact
        if "name" not in found and "kind" not in found:
            return "name", compact
    return None


def _toc(paras: list[Para], start: int, draft: Draft) -> int:
    """Read a 目录 (a 目录 line, then its entries): where the articles begin."""
    if start >= len(paras) or _compact(paras[start].text) != "目录":
        return start
    i = start + 1
    marked = i < len(paras) and bool(BULLET.match(_bare(paras[i].text)))
    entries: list[str] = []
    while i < len(paras) and not paras[i].rows:
        text = _bare(paras[i].text).strip()
        if marked:
            if not BULLET.match(text):
                break
        elif (_compact(text) in {_compact(entry) for entry in entries} or len(text) > 80 or _terminal(text)
              or paras[i].hint == "title"):
            break
        entries.append(_toc_entry(text))
        i += 1
    draft.toc = [entry for entry in entries if entry]
    return i


def _toc_entry(text: str) -> str:
    """A 目录 entry without its bullet and page number."""
    text = BULLET.sub("", _bare(text).strip())
    return TOC_PAGE.sub("", text).strip(" .．·…")


# The colophon


def _signoff(text: str) -> list[tuple[str, str]]:
    """The (role, name) pairs of a sign-off line (签发：王静　审核：李强), or []."""
    pairs = PAIR.findall(_bare(text).strip())
    if pairs and all(label in SIGNOFF_LABELS and value for label, value in pairs):
        return [(label, value) for label, value in pairs]
    return []


def _contact(text: str) -> list[tuple[str, str]]:
    """The (label, value) pairs of a contact line (网址：…), or []."""
    pairs = PAIR.findall(_bare(text).strip())
    if pairs and all(label in CONTACT_LABELS and value and not value.endswith("。") for label, value in pairs):
        return [(label, _unlink(value).strip()) for label, value in pairs]
    return []


def _colophon_line(text: str) -> bool:
    bare = _bare(text).strip()
    compact = SPACES.sub("", bare)
    return bool(DISTRIBUTION.match(compact) or _signoff(bare) or _contact(bare) or COPIES.match(compact)
                or ISSUED.search(compact) or (_signoff_copies(bare) is not None))


def _signoff_copies(text: str) -> tuple[list[tuple[str, str]], int] | None:
    """A sign-off line that ends with 共印N份."""
    match = re.search(r"[（(]?\s*共印\s*(\d+)\s*份\s*[）)]?\s*$", text)
    if not match:
        return None
    pairs = _signoff(text[: match.start()])
    return (pairs, int(match.group(1))) if pairs or not text[: match.start()].strip() else None


def _colophon(paras: list[Para], start: int, draft: Draft) -> int:
    """Read the colophon at the end (送/报/发 groups, contacts, sign-off, 共印N份): where the articles end."""
    end = len(paras)
    k = end
    while k > start:
        text = paras[k - 1].text
        if not paras[k - 1].rows and _colophon_line(text):
            k -= 1
            continue
        # a distribution list that runs on to a second line
        back = next((j for j in range(k - 2, max(start, k - 5) - 1, -1)
                     if DISTRIBUTION.match(_compact(paras[j].text))), None)
        if back is not None and not any(_bare(paras[j].text).rstrip().endswith("。") for j in range(back, k - 1)):
            k -= 1
            continue
        break
    block = paras[k:end]
    if not any(DISTRIBUTION.match(_compact(p.text)) or _signoff(p.text) or _signoff_copies(p.text) for p in block):
        return end
    first = next((j for j, p in enumerate(block) if DISTRIBUTION.match(_compact(p.text))), None)
    if first is None:
        first = next(j for j, p in enumerate(block) if _signoff(p.text) or _contact(p.text) or _signoff_copies(p.text))
    block = block[first:]
    distribution: dict[str, str] = {}
    contacts: dict[str, str] = {}
    signoff: dict[str, str] = {}
    copies = None
    last = ""
    for para in block:
        bare = _bare(para.text).strip()
        compact = SPACES.sub("", bare)
        group = DISTRIBUTION.match(compact)
        both = _signoff_copies(bare)
        if group:
            last = group.group(1)
            distribution[last] = group.group(2)
        elif _signoff(bare):
            signoff.update(_signoff(bare))
        elif both is not None:
            signoff.update(both[0])
            copies = both[1]
        elif _contact(bare):
            contacts.update(_contact(bare))
        elif number := COPIES.match(compact):
            copies = int(number.group(1))
        elif ISSUED.search(compact):
            continue
        elif last:
            distribution[last] = _join(distribution[last], bare)
    found: dict[str, Any] = {}
    if distribution:
        found["distribution"] = {label: text.rstrip("。").strip() for label, text in distribution.items()}
    if contacts:
        found["contacts"] = contacts
    if signoff:
        found["signoff"] = signoff
    if copies:
        found["copies"] = copies
    draft.colophon = found
    return k + first


# The articles


# A paragraph that is a column's heading alone: 【工作动态】, or the name of a column of briefs or photo news
COLUMN_LINE = re.compile(r"【([^【】\s]{1,12})】|([\u4e00-\u9fff]{0,4}(?:简讯|图片新闻|图片报道))")


def _columns(body: list[Para]) -> tuple[list[Para], dict[int, str]]:
    """The body without its column headings (栏目), and where each column begins: the index, in what is
    left, of the paragraph after its heading (an article's title)."""
    kept: list[Para] = []
    begins: dict[int, str] = {}
    for para in body:
        match = None if para.rows else COLUMN_LINE.fullmatch(_bare(para.text).strip())
        if match:
            begins[len(kept)] = match.group(1) or match.group(2)
        else:
            kept.append(para)
    return kept, begins


BRIEFS = "简讯"


def _bold_lead(para: Para) -> Para:
    """A brief's paragraph with its lead, the first sentence (at most RUN_IN_HEAD characters), in bold,
    as briefs print it; one that has bold already, or markup of its own, as it is."""
    if para.hint or para.rows or "*" in para.text:
        return para
    end = markup.run_in_end(para.text)
    if end is None or end > RUN_IN_HEAD:
        return para
    return Para(f"**{para.text[:end]}**{para.text[end:]}")


def _photo_news(body: list[Para]) -> list[Para]:
    """An untitled article that opens with photos (photo news): the text under them is their caption, its
    story, paragraph by paragraph up to a credit line (张三 摄)."""
    if not body or not body[0].photos:
        return body
    out = [body[0]]
    for para in body[1:]:
        last = out[-1]
        if para.photos or para.rows or para.hint or not last.photos or last.credit:
            out.append(para)
            continue
        bare = _bare(para.text).strip()
        if credit := _credit(bare):
            out[-1] = replace(last, credit=credit)
            continue
        caption, credit = _caption_and_credit(bare)
        out[-1] = replace(last, text=f"{last.text}\n\n{caption}" if last.text else caption, credit=credit)
    return out


def _untitled(para: Para) -> bool:
    """Whether the paragraph under a column's heading begins an article without a title (briefs, photo
    news): photos, a table, or text that opens with a bold lead or is no title (it ends a sentence)."""
    bare = _bare(para.text).strip()
    return bool(para.rows or para.photos) or para.text.startswith("**") or not _title_like(bare)


def _articles(body: list[Para], draft: Draft) -> None:
    """Split the body paragraphs into articles at their titles, with their kickers, bylines and datelines;
    a column heading (【工作动态】) starts an article and names the column of those that follow."""
    body, columns = _columns(body)
    titles: dict[int, str | None] = {}  # paragraph index → the 目录 entry it answers to
    spans: dict[int, int] = {}  # a title cut into several paragraphs: how many
    position = 0
    for entry in draft.toc:
        hit = _find_title(body, entry, position)
        if hit is None:
            draft.unplaced.append(_("an entry of the 目录 not found in the text: {entry}").format(entry=entry))
            continue
        index, count = hit
        titles[index], spans[index] = entry, count
        position = index + count
    styled = any(p.hint == "title" for p in body)
    headings = sorted({int(p.hint[7:]) for p in body if p.hint.startswith("heading") and not _numbered(p.text)})
    # titles styled as such; without a Title style, the top level of unnumbered headings
    title_level = 0 if styled or not headings else headings[0]
    hint = "title" if styled else f"heading{title_level}"
    hinted = [i for i, p in enumerate(body) if p.hint == hint and not (title_level and _numbered(p.text))]
    for i in hinted:
        if i - 1 in hinted or any(j <= i < j + spans[j] for j in titles):
            continue
        count = 1
        while i + count in hinted:  # a title set in two styled paragraphs
            count += 1
        titles[i], spans[i] = None, count
    guessed = not titles
    if guessed:
        _guess_titles(body, titles, spans)
    for index in columns:  # the paragraph under a column's heading is a title, unless it is a brief's text
        if index < len(body) and not any(j <= index < j + spans[j] for j in titles):
            titles[index], spans[index] = None, 0 if _untitled(body[index]) else 1
    starts = sorted(titles)
    if not starts:
        draft.unplaced.append(_("no title found: the article is called （无标题）"))
        titles[-1], spans[-1], starts = None, 1, [-1]
    lead = starts[0] - (1 if starts[0] > 0 and _kicker_before(body, starts[0], draft.toc) else 0)
    draft.unplaced += [_bare(p.text) if not p.rows else " | ".join(p.rows[0]) for p in body[: max(lead, 0)]]
    for n, index in enumerate(starts):
        stop = starts[n + 1] if n + 1 < len(starts) else len(body)
        if n + 1 < len(starts) and stop not in columns and _kicker_before(body, stop, draft.toc):
            stop -= 1
        article = Article(title="（无标题）")
        article.column = next((columns[j] for j in sorted(columns, reverse=True) if j <= index), None)
        if index >= 0:
            article.title = ""
            for piece in body[index : index + spans[index]]:
                article.title = _join(article.title, _bare(piece.text).strip())
            if spans[index] == 1 and body[index].lines:  # broken by the editor where the editor broke it
                article.title = "\n".join(_bare(line).strip() for line in body[index].lines)
            listed = titles[index]
            if listed and _compact(listed) != _compact(article.title):
                article.toc_title = listed
            if guessed and index not in columns:
                article.guesses.append(_("the title, from its place and its length (no 目录 and no title style)"))
            if spans[index] > 1 and not styled:
                article.guesses.append(_("the title, joined from {count} lines").format(count=spans[index]))
            if index not in columns and _kicker_before(body, index, draft.toc):
                article.kicker = _bare(body[index - 1].text).strip()
                if body[index - 1].hint != "kicker":
                    article.guesses.append(_("the kicker, from a short line above the title: {kicker}").format(
                        kicker=article.kicker))
        i = _article_head(body, index + spans[index], stop, article)
        article.body = _article_tail(body[i:stop], article, title_level)
        if not article.title and article.column and BRIEFS in article.column:
            article.body = [_bold_lead(para) for para in article.body]
        if not article.title:
            article.body = _photo_news(article.body)
        if not article.body:
            article.body = [Para("（正文）")]
            draft.unplaced.append(_("no text under the title {title}").format(title=article.title))
        draft.articles.append(article)


def _find_title(body: list[Para], entry: str, position: int) -> tuple[int, int] | None:
    """Where a 目录 entry's title stands in the body (index, paragraphs), searched from `position`."""
    target = _compact(entry)
    best: tuple[float, int, int] | None = None
    for i in range(position, len(body)):
        candidate = ""
        for count in range(1, 4):
            if i + count > len(body) or body[i + count - 1].rows:
                break
            piece = body[i + count - 1].text
            if count > 1 and not _title_like(piece):
                break
            candidate += _compact(piece)
            if candidate == target:
                return i, count
            if (len(candidate) >= max(6, len(target) // 3) and target.endswith(candidate) and _title_like(piece)
                    and not _numbered(candidate)):
                return i, count
        if _title_like(body[i].text) and not _numbered(body[i].text):
            ratio = difflib.SequenceMatcher(None, target, _compact(body[i].text), autojunk=False).ratio()
            if ratio >= 0.6 and (best is None or ratio > best[0]):
                best = (ratio, i, 1)
    return (best[1], best[2]) if best else None


def _kicker_before(body: list[Para], index: int, toc: list[str]) -> bool:
    """Whether the line above a title is its kicker: short, no title itself, not listed in the 目录."""
    if index == 0:
        return False
    above = body[index - 1]
    if above.hint == "kicker":
        return True
    if above.rows or above.hint or not _title_like(above.text) or _numbered(above.text):
        return False
    if len(_compact(above.text)) > 30 or _compact(above.text) in {_compact(entry) for entry in toc}:
        return False
    return index - 1 == 0 or _terminal(body[index - 2].text) or bool(body[index - 2].rows)


def _byline_like(text: str) -> bool:
    """A name line under a title (叶伟达, 作者：张三, 李四 整理)."""
    bare = _bare(text).strip()
    if _numbered(bare):
        return False
    return (len(_compact(bare)) <= 16 and bool(BYLINE.match(bare))
            or len(_compact(bare)) <= MAX_BYLINE and bool(BYLINE_WITH_BODY.match(bare)))


def _byline_dateline(text: str) -> tuple[str, str] | None:
    """A byline and a dateline on one line (叶伟达　2018年4月4日上午), or None."""
    dated = re.match(r"^(\S.{0,15}?)\s+([（(]?\d{4}\s*年.*)$", _bare(text).strip())
    if dated and _byline_like(dated.group(1)) and DATELINE.match(dated.group(2)):
        return dated.group(1), dated.group(2)
    return None


def _head_line(text: str) -> bool:
    """A line that stands under a title: a byline, a dateline, both, or a reprint's 来源 line."""
    bare = _bare(text).strip()
    return bool(_byline_like(bare) or DATELINE.match(bare) or _byline_dateline(bare) or _reprint_pairs(bare))


# Rule: a draft's first line that asks a question (……商会能做些什么？), short and one sentence, is its title.
QUESTION_TITLE_MAX = 30


def _question_title(text: str) -> bool:
    bare = _bare(text).strip()
    return (len(bare) <= QUESTION_TITLE_MAX and bare.endswith(("？", "?")) and not _numbered(bare)
            and not any(c in bare[:-1] for c in "。！？；!?;"))


def _guess_titles(body: list[Para], titles: dict[int, str | None], spans: dict[int, int]) -> None:
    """Titles without a 目录 or styles: the first line when it looks like one (a kicker above it when two such
    lines come first); further on, a title-like line that a byline or dateline follows, or a kicker and a
    title before running text."""
    if not body:
        return
    first = 0
    if _question_title(body[0].text):
        titles[0], spans[0] = None, 1
    elif _title_like(body[0].text) and not _numbered(body[0].text):
        second = _bare(body[1].text).strip() if len(body) > 1 else ""
        if (len(body) > 2 and _title_like(second) and not _numbered(second) and not _head_line(second)
                and body[1].hint != "subtitle" and not SUBTITLE_DASH.match(second)):
            first = 1
        if first and (TITLE_GOES_ON.search(second) or TITLE_OPENS.match(_bare(body[0].text).strip())):
            first, spans[0] = 0, 2
        titles[first] = None
        spans.setdefault(first, 1)
    for i in range(first + 2, len(body) - 1):
        text = body[i].text
        if not _title_like(text) or _numbered(text) or not _terminal(body[i - 1].text) or body[i - 1].rows:
            continue
        after = _bare(body[i + 1].text).strip()
        if body[i + 1].rows:
            continue
        if (_head_line(after) and i + 2 < len(body) and not _title_like(body[i + 2].text)) or DATELINE.match(after):
            titles[i], spans[i] = None, 1
        elif (_title_like(after) and not _numbered(after) and not _head_line(after) and i + 2 < len(body)
              and not _title_like(body[i + 2].text) and len(_bare(body[i + 2].text)) > 40):
            titles[i + 1], spans[i + 1] = None, 1


def _article_head(body: list[Para], i: int, stop: int, article: Article) -> int:
    """Read what stands between a title and its text: subtitle, byline, dateline, editor's note, source."""
    for _attempt in range(5):
        if i >= stop - 1 or body[i].rows:
            break
        para = body[i]
        bare = _bare(para.text).strip()
        dated = _byline_dateline(bare)
        if article.byline is None and article.dateline is None and not para.hint and dated:
            article.byline, article.dateline = dated[0], _unbracket(dated[1])
        elif article.subtitle is None and (para.hint == "subtitle" or re.match(r"^(?:——|—|--|－－)\s*\S", bare)):
            article.subtitle = re.sub(r"^(?:——|—|--|－－)\s*", "", bare)
            if para.hint != "subtitle":
                article.guesses.append(_("the subtitle, from the dash it begins with: {subtitle}").format(
                    subtitle=article.subtitle))
        elif article.byline is None and (para.hint == "byline" or not para.hint and _byline_like(bare)):
            article.byline = bare
            if para.hint != "byline":
                article.guesses.append(_("the byline, from a short line under the title: {byline}").format(
                    byline=bare))
        elif article.dateline is None and (para.hint == "dateline" or not para.hint and DATELINE.match(bare)):
            article.dateline = _unbracket(bare)
        elif article.note is None and (para.hint == "note" or bare.lstrip("【[ ").startswith("编者按")):
            article.note = NOTE.sub("", bare, count=1)
        elif _reprint(bare, article):
            pass
        else:
            break
        i += 1
    return i


def _unbracket(text: str) -> str:
    """A dateline without the brackets a draft set around it: （2024年3月15日） → 2024年3月15日."""
    inner = re.fullmatch(r"[（(]\s{0,3}(.*?)\s{0,3}[）)]", text)
    return inner.group(1) if inner else text


def _reprint_pairs(text: str) -> list[tuple[str, str]]:
    """The label：value pairs of a reprint line (来源：… 作者：… 发布时间：…), or []."""
    inner = re.sub(r"^[（(【\[]\s*|\s*[）)】\]]$", "", _bare(text).strip())
    pairs = PAIR.findall(inner)
    if not pairs or not all(label in META_LABELS and value for label, value in pairs):
        return []
    if not any(META_LABELS[label] in ("source", "link") for label, _ in pairs):
        return []
    return [(label, value) for label, value in pairs]


def _reprint(text: str, article: Article) -> bool:
    """Take a reprint line into the article: 来源, 作者, 发布时间 and 原文链接 kept, the rest (浏览次数…) dropped."""
    pairs = _reprint_pairs(text)
    for label, value in pairs:
        key = META_LABELS[label]
        if key and getattr(article, key) is None:
            setattr(article, key, _unlink(value).strip())
    return bool(pairs)


def _article_tail(paras: list[Para], article: Article, title_level: int) -> list[Para]:
    """The body of an article: reprint lines at its end taken out, cut paragraphs joined, headings marked."""
    paras = list(paras)
    while paras and not paras[-1].rows and not paras[-1].photos and _reprint(_bare(paras[-1].text).strip(), article):
        paras.pop()
    contributed = CONTRIBUTED.match(_bare(paras[-1].text).strip()) if paras and not paras[-1].rows else None
    if contributed and article.source is None:
        article.source = SPACES.sub(" ", contributed.group(1)).strip()
        paras.pop()
    out: list[Para] = []
    for para in paras:
        if para.rows or para.photos:
            out.append(para)
            continue
        photo = out[-1] if out and out[-1].photos else None
        bare = _bare(para.text).strip()
        if photo is not None and not photo.credit and (credit := _credit(bare)):  # 张三 摄 under a photo
            out[-1] = replace(photo, credit=credit)
            continue
        if photo is not None and not photo.text and not photo.credit and _caption_like(para):
            caption, credit = _caption_and_credit(bare)
            out[-1] = replace(photo, text=caption, credit=credit)
            continue
        level = _hinted_level(para, title_level) if para.hint.startswith("heading") else _heading_level(para)
        if level:
            out.append(Para(_escape_stars(_bare(para.text).strip()), f"h{level}"))
            continue
        previous = out[-1] if out else None
        if (previous is not None and previous.hint in ("", *RUN_IN_HINTS) and not previous.rows
                and not _terminal(previous.text) and not _title_like(previous.text) and not para.hint):
            out[-1] = Para(_join(previous.text, para.text), previous.hint)
        elif run_in := _run_in_level(para):
            out.append(Para(para.text, f"r{run_in}"))
        else:
            out.append(Para(para.text))
    return out


RUN_IN_HEAD = 40  # characters at most in the heading sentence of a run-in paragraph
RUN_IN_HINTS = ("r1", "r2", "r3", "r4")


def _run_in_level(para: Para) -> int:
    """The level of a paragraph that opens with a numbered heading sentence and runs on into its text
    (（一）加强组织建设，提升服务能力。一是……), else 0: marked with its level's #s, the markup sets the
    sentence in the level's face."""
    bare = _bare(para.text).strip()
    level = _numbered(bare)
    end = markup.run_in_end(bare)
    return level if level and end is not None and end <= RUN_IN_HEAD else 0


CAPTION_MARKS = ("图为", "图：", "图:", "▲", "△", "↑", "上图", "下图", "图片：")
CAPTION_MAX = 60  # characters at most in a caption that no mark or style says is one
# Bounded repetitions only (a {0,3} where \s* would do): every pattern stays linear on a long run of spaces.
NAMES = r"[\u4e00-\u9fff·]{2,4}(?:[\s、，,]{1,3}[\u4e00-\u9fff·]{2,4}){0,3}"
CREDIT = re.compile(rf"[（(]?\s{{0,3}}(?:(?:摄影|图片|图)\s{{0,3}}[：:／/]\s{{0,3}}({NAMES})|({NAMES})\s{{0,3}}摄影?)"
                    rf"\s{{0,3}}[）)]?")
TRAILING_CREDIT = re.compile(rf"\s{{0,3}}[（(]\s{{0,3}}({NAMES})\s{{0,3}}摄影?\s{{0,3}}[）)]\s{{0,3}}$")


def _credit(text: str) -> str:
    """A photo's credit line (张三 摄, 摄影：张三, （张三　李四 摄）) as it prints: "张三 摄"; else ""."""
    match = CREDIT.fullmatch(text)
    if not match:
        return ""
    return re.sub(r"[\s、，,]+", "　", (match.group(1) or match.group(2)).strip()) + " 摄"


def _caption_like(para: Para) -> bool:
    """Whether the paragraph under a photo is its caption: styled or marked as one, or short and no sentence."""
    bare = _bare(para.text).strip()
    core = TRAILING_CREDIT.sub("", bare)
    return (para.hint == "caption" or bare.startswith(CAPTION_MARKS)
            or 0 < len(core) <= CAPTION_MAX and core[-1] not in "。！？；：" and not _numbered(core))


def _caption_and_credit(text: str) -> tuple[str, str]:
    """A caption and the credit at its end, if any: 市工商联召开座谈会（张三 摄） → (市工商联召开座谈会, 张三 摄)."""
    match = TRAILING_CREDIT.search(text)
    if not match:
        return text, ""
    return text[: match.start()].strip(), _credit(match.group(1) + " 摄")


def _hinted_level(para: Para, title_level: int) -> int:
    """The heading level of a paragraph a draft styled as a heading: its numbering first, then its style."""
    level = _numbered(para.text)
    if level:
        return level
    styled = int(para.hint[7:])
    return max(1, min(4, styled - title_level))


# --- the issue YAML -------------------------------------------------------------------------------------

ARTICLE_KEYS = ("column", "kicker", "title", "subtitle", "toc_title", "byline", "dateline", "note")
PUBLICATION_KEYS = ("name", "issuers", "compiled_by", "notice", "distribution", "contacts", "signoff", "copies")


LONG_SPACE = re.compile(rf"\s{{{MAX_SPACE_RUN + 1},}}")


def _bounded_spaces(text: str) -> str:
    """A paragraph's runs of white space cut to MAX_SPACE_RUN characters (more say nothing: a column gap is
    two): the recognisers' patterns then cost at most that much per character, however long a run the
    draft holds (a pattern like \\s*）$ tried at every offset of a run is quadratic in its length)."""
    return LONG_SPACE.sub(lambda match: match.group()[:MAX_SPACE_RUN], text)


@dataclass(frozen=True)
class Imported:
    """An imported issue: its YAML, and the photos it names, by their paths relative to the issue file."""

    text: str
    photos: dict[str, bytes]


def import_draft(path: Path, *, target: Path | None = None) -> str:
    """The issue YAML of a draft (import_issue, without its photos)."""
    return import_issue(path, target=target).text


def import_issue(path: Path, *, target: Path | None = None) -> Imported:
    """The issue of a draft (.docx, .md or .txt) and its photos. Fields equal to those of the publication file
    (found above `target`, the output file, or else above the current folder) are left out; year and number
    missing from the draft are taken from the target's name (2018-10.yaml) and flagged in a comment. The
    photos are named photos/STEM-N.png beside the issue file (STEM the target's). A DOCX that `bulletin build`
    wrote is read back by its styles instead (bulletin/wordback.py)."""
    if path.suffix.lower() == ".docx":
        from bulletin import wordback

        if wordback.ours(path):
            return wordback.import_issue(path, target=target)
    read = read_draft(path)
    paragraphs = [replace(p, text=_bounded_spaces(p.text)) for p in read.paragraphs]
    if not any(p.rows or p.photos or _bare(p.text).strip() for p in paragraphs):
        raise BulletinError([Problem(display_path(path), 0, 0, "", "no text to import: the draft is empty")])
    draft = recognise(paragraphs)
    stem = (target or path).stem
    keys = [key for article in draft.articles for para in article.body for key in para.photos]
    names = {key: f"{PHOTO_FOLDER}/{stem}-{n}{read.pictures[key].suffix}" for n, key in enumerate(keys, 1)}
    publication_file = find_publication(target if target is not None else Path.cwd() / "issue.yaml")
    publication = load_publication(publication_file) if publication_file is not None else None
    return Imported(issue_yaml(draft, publication, target, names),
                    {name: read.pictures[key].data for key, name in names.items()})


PHOTO_FOLDER = "photos"  # where an imported issue's photos go, beside it


def read_draft(path: Path) -> Read:
    """The paragraphs of a draft, read by the reader its suffix names, and its photos."""
    kind = SUFFIXES.get(path.suffix.lower())
    name = display_path(path)
    if kind is None:
        known = _(", ").join(sorted(SUFFIXES))
        kind_of = _("a {suffix} file").format(suffix=path.suffix) if path.suffix else _("a file without a suffix")
        raise BulletinError([Problem(name, 0, 0, "", _("cannot import {kind}: drafts are {known}").format(
            kind=kind_of, known=known))])
    try:
        if kind == "docx":
            check_regular(path, MAX_DRAFT_BYTES)
            check_package(path)
            return read_docx(path)
        raw = read_regular(path, MAX_ISSUE_BYTES)
    except Refused as refusal:
        raise BulletinError([Problem(name, 0, 0, "", str(refusal))]) from None
    except OSError as error:
        raise BulletinError([Problem(name, 0, 0, "", _("cannot read the file: {reason}").format(
            reason=error.strerror))]) from None
    except Exception as error:  # a damaged .docx: python-docx and mammoth raise many kinds
        raise BulletinError([Problem(name, 0, 0, "", _("not a Word document (.docx) that can be read: {reason}").format(
            reason=error))]) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw.decode("gb18030")
        except UnicodeDecodeError:
            raise BulletinError([Problem(name, 0, 0, "", _(
                "the file is neither UTF-8 nor GB18030 text"))]) from None
    if kind == "html":
        return Read(read_html(text))
    if kind != "markdown":
        return Read(read_text(text))
    return _beside(read_markdown(text), path.parent)


def _beside(paragraphs: list[Para], folder: Path) -> Read:
    """Paragraphs whose photos are files beside the draft (Markdown's ![…](file)): each read (bounded, a regular
    file in the draft's folder) and kept by key; one that is not (a web address, a missing file) stands as
    a lost photo, for the importer to report."""
    pictures: dict[str, Picture] = {}
    out = []
    for para in paragraphs:
        keys = []
        for name in para.photos:
            taken = None
            if not URL.match(name):
                try:
                    taken = take_picture(read_regular(folder / name, MAX_PHOTO_BYTES, within=folder))
                except (Refused, OSError):
                    taken = None
            if taken is None:
                keys.append(f"{LOST_PHOTO}{name}")
                continue
            keys.append(f"image-{len(pictures) + 1}")
            pictures[keys[-1]] = taken
        out.append(replace(para, photos=tuple(keys)))
    return Read(out, pictures)


def issue_yaml(draft: Draft, publication: Publication | None, target: Path | None = None,
               photos: dict[str, str] | None = None) -> str:
    """The recognised draft as issue YAML, with only the fields that differ from the publication's; `photos`
    names each photo's file by its key."""
    root = CommentedMap()
    notes: dict[str, str] = {}
    found = {**draft.masthead, **draft.colophon}
    stem = re.fullmatch(r"(\d{4})-(z?)(\d{1,3})", target.stem) if target is not None else None
    date: dt.date | None = found.get("date")
    kind = found.get("kind") or ("增刊" if stem and stem.group(2) else None)
    if kind and kind != "正刊":
        root["kind"] = kind
    for key, group in (("year", 1), ("number", 3)):
        value = found.get(key)
        if value is None and key == "year" and date is not None:
            value = date.year
        if value is None and stem:
            value, notes[key] = int(stem.group(group)), _("not in the draft: from the file name")
        if value is None:
            value, notes[key] = (dt.date.today().year if key == "year" else 1), _("not in the draft: check")
        root[key] = value
    if found.get("serial"):
        root["serial"] = found["serial"]
    if date is None or date.year != root["year"]:
        today = dt.date.today()
        date = today if today.year == root["year"] else dt.date(root["year"], 1, 1)
        notes["date"] = _("not in the draft: check")
    root["date"] = date
    if draft.toc:
        root["toc"] = True
    elif draft.masthead and len(draft.articles) > 1:
        root["toc"] = False  # a whole issue printed without one
    for key in PUBLICATION_KEYS:
        if key == "issuers" and publication is not None and "issuers" in found and set(
                map(_compact, found["issuers"])) <= set(map(_compact, publication.issuers)):
            continue  # a masthead that prints some of the publication's issuers prints the publication's
        if key in found and (publication is None or _differs(found[key], getattr(publication, key))):
            value = found[key]
            root[key] = CommentedMap(value) if isinstance(value, dict) else value
    for key, comment in notes.items():
        root.yaml_add_eol_comment(comment, key, column=20)
    articles = CommentedSeq()
    for article in draft.articles:
        articles.append(_article_map(article, photos or {}))
    root["articles"] = articles
    lines = []
    if draft.unplaced:
        lines += [_("Imported: check what the importer could not place:")]
        lines += [f"  {text[:200]}" for text in draft.unplaced]
    guesses = [(_plain(article.title or article.column or ""), guess)
               for article in draft.articles for guess in article.guesses]
    if guesses:
        lines += [_("Imported: what the importer guessed from looks alone (check it):")]
        lines += [f"  {title[:40]}: {guess[:200]}" for title, guess in guesses]
    if lines:
        root.yaml_set_start_comment("\n".join(lines))
    return yaml_text(root)


def yaml_text(root: CommentedMap) -> str:
    """An issue as the importers write it: block style, two-space indents, long lines kept whole."""
    yaml = YAML()
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.allow_unicode = True
    stream = io.StringIO()
    yaml.dump(root, stream)
    return stream.getvalue()


def _differs(found: Any, standing: Any) -> bool:
    if isinstance(found, dict) and isinstance(standing, dict):
        return list((k, str(v)) for k, v in found.items()) != list((k, str(v)) for k, v in standing.items())
    if isinstance(found, list) and isinstance(standing, list):
        return [_compact(str(x)) for x in found] != [_compact(str(x)) for x in standing]
    if isinstance(found, str) and isinstance(standing, str):
        return _compact(found) != _compact(standing)
    return bool(found != standing)


def _article_map(article: Article, photos: dict[str, str]) -> CommentedMap:
    item = CommentedMap()
    for key in ARTICLE_KEYS:
        value = getattr(article, key)
        if value:
            item[key] = _plain(value)
    if "\n" in article.title:  # the editor's line breaks: one line each, as README writes them (|-)
        item["title"] = LiteralScalarString("\n".join(_plain(line) for line in article.title.split("\n")))
    blocks: list[Any] = []
    prose: list[str] = []
    for para in article.body:
        if para.photos:
            if prose:
                blocks.append(_literal(prose))
                prose = []
            blocks += _photo_blocks(para, photos)
        elif para.rows:
            if prose:
                blocks.append(_literal(prose))
                prose = []
            table = CommentedMap()
            rows = CommentedSeq()
            for row in para.rows:
                cells = CommentedSeq(_plain(cell) for cell in row)
                cells.fa.set_flow_style()
                rows.append(cells)
            table["table"] = rows
            blocks.append(table)
        else:
            level = int(para.hint[1]) if re.fullmatch(r"[hr][1-4]", para.hint) else 0
            prose.append(("#" * level + " " if level else "") + _safe(para.text))
    if prose:
        blocks.append(_literal(prose))
    item["body"] = blocks[0] if len(blocks) == 1 and isinstance(blocks[0], str) else CommentedSeq(blocks)
    for key in ("source", "author", "published", "link"):
        value = getattr(article, key)
        if value:
            item[key] = _plain(value)
    if isinstance(item.get("published"), str) and ISO_DATE.fullmatch(item["published"]):
        item["published"] = dt.date.fromisoformat(item["published"])  # as an editor writes it: printed 2018年6月5日
    return item


def _photo_blocks(para: Para, names: dict[str, str]) -> list[CommentedMap]:
    """A paragraph of photos as blocks: one photo, or rows of two or three side by side (a row of its own
    for every three), the caption and credit with the last."""
    files = [names[key] for key in para.photos]
    groups = [files[i : i + 3] for i in range(0, len(files), 3)]
    if len(groups) > 1 and len(groups[-1]) == 1:  # four photos: two rows of two, not three and one alone
        groups[-2:] = [groups[-2][:2], [groups[-2][2], groups[-1][0]]]
    blocks = []
    for group in groups:
        block = CommentedMap()
        if len(group) == 1:
            block["photo"] = group[0]
        else:
            block["photos"] = CommentedSeq(CommentedMap(photo=name) for name in group)
        blocks.append(block)
    paragraphs = [_plain(_bare(text)) for text in para.text.split("\n\n") if text.strip()]
    caption = _literal(paragraphs) if len(paragraphs) > 1 else "".join(paragraphs)
    for key, value in (("caption", caption), ("credit", para.credit)):
        if value:
            blocks[-1][key] = value
    return blocks


def _plain(text: str) -> str:
    """A one-line field (title, byline, table cell): its lines joined, runs of white space made one space."""
    joined = ""
    for piece in _clean(text).split("\n"):
        joined = _join(joined, SPACES.sub(" ", piece).strip())
    return joined


def _safe(text: str) -> str:
    """A paragraph of body markup that parses: unpaired ** made literal, line breaks joined."""
    text = " ".join(text.split("\n")) if "\n" in text else text
    text = text.strip()
    try:
        markup.parse(text)
    except markup.MarkupError:
        text = re.sub(r"(?<!\\)\*", r"\\*", text)
    return text


def _literal(paragraphs: list[str]) -> str:
    """Paragraphs as one literal block scalar (|), a blank line between them."""
    block: str = LiteralScalarString("\n\n".join(line.rstrip() for line in paragraphs) + "\n")
    return block


def write_issue(text: str, target: Path, photos: dict[str, bytes] | None = None) -> None:
    """Write an imported issue to `target` and its photos beside it, each atomically; an existing file is
    never overwritten (one the same photo already is, is kept), and nothing is written when one would be."""
    files = {target.parent / name: data for name, data in (photos or {}).items()}
    there = {path for path in files if path.exists()}
    clashes = [target] if target.exists() else []
    clashes += [path for path in there if path.stat().st_size != len(files[path]) or path.read_bytes() != files[path]]
    if clashes:
        raise BulletinError([Problem(display_path(path), 0, 0, "", "already exists: not overwritten")
                             for path in clashes])
    for path, data in files.items():
        if path not in there:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(path, data)
    write_atomic(target, text.encode("utf-8"))
