"""The proofreader (bulletin check): rules for Chinese official text, each finding located, many safely fixable."""

# The character classes come from zhon (zhon.hanzi.characters: the Han ideographs of every CJK block;
# zhon.hanzi.punctuation: the full-width and CJK punctuation), not from hand-written code-point ranges.
# Every rule reads the text as the editor wrote it (SourceMap.texts: the YAML value), so that an offset
# found in it is both where the finding is reported and where --fix edits.

from __future__ import annotations

import calendar
import codecs
import datetime as dt
import difflib
import io
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from zhon import hanzi  # type: ignore[import-untyped]

from bulletin import compose
from bulletin.check import check as check_fonts
from bulletin.check import typesetter_for
from bulletin.errors import BulletinError, Problem, field_path
from bulletin.i18n import N_, _
from bulletin.loader import FieldPath, Loaded, Salvaged, SourceMap, display_path
from bulletin.markup import paragraph_spans
from bulletin.model import Issue, Prose
from bulletin.output import write_atomic

Level = Literal["error", "warning"]

HAN = hanzi.characters  # a character-class body: 〇一-鿿㐀-䶿… (zhon)
CJK_PUNCTUATION = hanzi.punctuation.replace("\u3000", "")  # full-width punctuation, without the full-width space
HAN_CHAR = re.compile(f"[{HAN}]")
CHINESE_CHAR = re.compile(f"[{HAN}{re.escape(CJK_PUNCTUATION)}]")
SPACES = " \u3000"  # a half-width and a full-width space
MASK = "\0"  # stands in the view of a text for its markup (** and the # of headings): same offsets, no text


@dataclass(frozen=True)
class Fix:
    """A safe automatic replacement: `old` at character `offset` of the raw text of the field at `path`."""

    path: FieldPath
    offset: int
    old: str
    new: str


@dataclass(frozen=True)
class Finding:
    """One thing the proofreader found, where an editor can find it."""

    rule: str
    level: Level
    file: str
    line: int  # 1-based; 0 when the whole file is meant
    column: int  # 1-based
    field: str  # articles[0].body
    message: str
    suggestion: str | None = None
    fix: Fix | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}" if self.line else self.file
        text = f"{where}: {self.rule}: {self.message}"
        if not self.suggestion:
            return text
        return _("{finding} ({suggestion})").format(finding=text, suggestion=self.suggestion)


@dataclass(frozen=True)
class Hit:
    """What a rule found in a field: where, what, and the replacement that fixes it when that is safe."""

    path: FieldPath
    offset: int | None
    message: str
    suggestion: str | None = None
    old: str | None = None
    new: str | None = None


@dataclass(frozen=True)
class Text:
    """One text field of the issue as the rules see it."""

    path: FieldPath  # the key of its raw text in the source map
    raw: str  # as written
    view: str  # `raw` with markup masked (MASK), offset for offset
    element: str  # the layout element that sets it (title, kicker, byline, p …; "body" for article bodies)
    key: str  # its key in the YAML (title, link, 送 …)
    own: bool  # written in the issue file (not inherited from publication.yaml)
    segments: tuple[tuple[int, int], ...]  # its paragraphs (start, end): the whole text but for bodies
    headings: tuple[tuple[int, int], ...]  # the text of its # headings (bodies only)


@dataclass
class Context:
    """An issue being proofread: its texts and where they were written."""

    loaded: Loaded
    sources: SourceMap
    texts: list[Text]

    @property
    def issue(self) -> Issue:
        """The issue, its publication's settings included."""
        return self.loaded.issue

    def locate(self, path: FieldPath, offset: int | None) -> tuple[str, int, int]:
        """File, line and column of a character of a field, also inside quoted and plain scalars (the
        source map places those only at their start)."""
        spot = self.sources.spots.get(path)
        if spot is None or offset is None or spot.block or path not in self.sources.texts:
            return self.sources.locate(path, offset)
        source = self.sources.lines[spot.file][spot.line] if spot.line < len(self.sources.lines[spot.file]) else ""
        start = spot.column + (source[spot.column : spot.column + 1] in ("'", '"'))
        if source[start : start + offset] == self.sources.texts[path][:offset]:
            return spot.file, spot.line + 1, start + offset + 1
        return self.sources.locate(path, None)  # escapes or a folded line before it: the field's start

    def line(self, path: FieldPath, offset: int | None) -> int:
        """The line of a character of a field, for messages that point at a second place."""
        return self.locate(path, offset)[1]


Check = Callable[[Context], Iterable[Hit | Problem]]


@dataclass(frozen=True)
class Rule:
    """A proofreading rule: its level, what it reports, and the function that finds it."""

    level: Level
    description: str
    check: Check


RULES: dict[str, Rule] = {}
"""Every rule by its id (stable: publication.yaml's proofread.disable names them)."""


def rule(rule_id: str, level: Level, description: str) -> Callable[[Check], Check]:
    """Register a rule function under an id."""

    def register(check: Check) -> Check:
        RULES[rule_id] = Rule(level, description, check)
        return check

    return register


def proofread(loaded: Loaded) -> list[Finding]:
    """Every finding of every rule on a loaded issue, in file order, but for the rules the publication disables."""
    context = Context(loaded, loaded.sources, _fields(loaded, loaded.sources))
    disabled = set(loaded.issue.proofread.disable)
    findings: set[Finding] = set()
    for rule_id, entry in RULES.items():
        if rule_id in disabled:
            continue
        for hit in entry.check(context):
            findings.add(_finding(context, rule_id, entry.level, hit))
    return sorted(findings, key=lambda f: (f.file, f.line, f.column, f.rule, f.message))


def proofread_salvaged(salvaged: Salvaged) -> list[Finding]:
    """The findings on what stands of an issue that has problems (loader.salvage): none on a field set aside,
    so that the editor sees the schema's problems and the proofreader's findings in one pass."""
    if salvaged.loaded is None:
        return []
    aside = [field_path(path) for path in salvaged.aside]
    return [finding for finding in proofread(salvaged.loaded)
            if not any(finding.field == spot or finding.field.startswith((f"{spot}.", f"{spot}[")) for spot in aside)]


def exit_status(findings: Iterable[Finding], strict: bool) -> int:
    """The exit status of bulletin check: 1 when an error-level finding fired (with `strict`, any finding), else 0."""
    findings = list(findings)
    return 1 if any(f.level == "error" for f in findings) or (strict and findings) else 0


def _finding(context: Context, rule_id: str, level: Level, hit: Hit | Problem) -> Finding:
    if isinstance(hit, Problem):  # the field stays in the message, as bulletin build reports it
        message = f"{hit.field}: {hit.message}" if hit.field else hit.message
        return Finding(rule_id, level, hit.file, hit.line, hit.column, hit.field, message)
    fix = Fix(hit.path, hit.offset, hit.old, hit.new) if hit.old is not None and hit.new is not None \
        and hit.offset is not None else None
    return Finding(rule_id, level, *context.locate(hit.path, hit.offset), field_path(hit.path), hit.message,
                   hit.suggestion, fix)


# --- the texts -------------------------------------------------------------------------------------------------


def _fields(loaded: Loaded, sources: SourceMap) -> list[Text]:
    """Every text of the issue that an editor wrote, as compose.texts enumerates them, with its raw text."""
    own_file = display_path(loaded.path)
    seen: set[FieldPath] = set()
    texts: list[Text] = []
    for path, _raw, element, _own in compose.texts(loaded.issue):
        raw_path = path if path in sources.texts else path[:-1] if path and path[-1] == 0 else None
        if raw_path is None or raw_path in seen or raw_path not in sources.texts:
            continue  # what the template prints itself (目录, the issue line), or a number
        seen.add(raw_path)
        raw = sources.texts[raw_path]
        block = _block(loaded.issue, path)
        own = sources.spots[raw_path].file == own_file
        key = next((str(part) for part in reversed(raw_path) if isinstance(part, str)), "")
        if isinstance(block, Prose):
            if block.source != raw:
                continue
            view, segments, headings = _prose_view(block)
            texts.append(Text(raw_path, raw, view, "body", key, own, segments, headings))
        else:
            texts.append(Text(raw_path, raw, raw, element, key, own, ((0, len(raw)),), ()))
    return texts


def _block(issue: Issue, path: FieldPath) -> object:
    if len(path) == 4 and path[0] == "articles" and path[2] == "body":
        article, index = issue.articles[int(path[1])], int(path[3])
        return article.body[index] if index < len(article.body) else None
    return None




def _prose_view(prose: Prose) -> tuple[str, tuple[tuple[int, int], ...], tuple[tuple[int, int], ...]]:
    """A body with its markup masked, its paragraphs, and the text of its headings."""
    raw = prose.source
    view = list(raw)
    i = 0
    while i < len(raw):
        if raw.startswith("\\*", i):
            view[i], i = MASK, i + 2
        elif raw.startswith("**", i):
            view[i] = view[i + 1] = MASK
            i += 2
        else:
            i += 1
    segments = tuple((start, end - raw.endswith("\n", start, end)) for start, end in paragraph_spans(raw))
    headings = []
    for paragraph in prose.paragraphs:
        if paragraph.level:
            start = paragraph.offset
            while start > 0 and raw[start - 1] in " #":
                start -= 1
                view[start] = MASK
            end = next((e for s, e in segments if s <= paragraph.offset <= e), len(raw))
            headings.append((paragraph.offset, end))
    return "".join(view), segments, tuple(headings)


def _is_han(char: str) -> bool:
    return bool(char) and HAN_CHAR.match(char) is not None


def _is_chinese(char: str) -> bool:
    return bool(char) and CHINESE_CHAR.match(char) is not None


def _before(view: str, i: int, start: int = 0) -> str:
    """The character before `i`, skipping masked markup ("" at the start)."""
    while i > start and view[i - 1] == MASK:
        i -= 1
    return view[i - 1] if i > start else ""


def _after(view: str, i: int, end: int) -> str:
    """The character at `i` or after it, skipping half-width spaces and masked markup ("" at the end)."""
    while i < end and view[i] in " " + MASK:
        i += 1
    return view[i] if i < end else ""


def _quote(text: str) -> str:
    """A piece of text as messages quote it."""
    return f"'{text}'" if '"' in text else f'"{text}"'


def _write(text: str) -> str:
    return _("write {text}").format(text=_quote(text))


def _context(view: str, start: int, end: int, width: int = 2) -> tuple[int, int]:
    """The span of a match widened by up to `width` Chinese characters on each side."""
    left = start
    while left > 0 and start - left < width and _is_han(view[left - 1]):
        left -= 1
    right = end
    while right < len(view) and right - end < width and _is_han(view[right]):
        right += 1
    return left, right


# --- 1. half-width punctuation ------------------------------------------------------------------------------

STOPS = re.compile(r"\.{3,}|[,.:;?!]")
FULL_WIDTH = {",": "，", ".": "。", ":": "：", ";": "；", "?": "？", "!": "！", "(": "（", ")": "）"}
# Each is tried only where a run of its characters begins (the look-behind), never inside one: from every
# offset of a long run of letters the bare patterns would scan to its end, a quadratic search.
URL = re.compile(r"(?:(?<![A-Za-z0-9+.-])[0-9+.-]*(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*://)|www\.)[!-~]+")
EMAIL = re.compile(r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
APOSTROPHE = re.compile(r"(?<=[A-Za-z])'(?=[A-Za-z])|(?<=[A-Za-z]s)'(?![A-Za-z])")  # it's, the members' list
OPENING_CONTEXT = frozenset(SPACES + "\n" + MASK + "，。：；！？、（《【〔“‘")


def _protected(view: str) -> set[int]:
    """The offsets inside web addresses and e-mail addresses, where ASCII punctuation belongs."""
    protected: set[int] = set()
    for pattern in (URL, EMAIL):
        for match in pattern.finditer(view):
            start, end = match.start("scheme") if match.lastgroup == "scheme" else match.start(), match.end()
            if pattern is URL:
                end -= len(match.group()) - len(match.group().rstrip(".,:;!?)'\""))
            protected.update(range(start, end))
    return protected


@rule("halfwidth-punctuation", "warning", 'half-width , . : ; ? ! ( ) " \' in Chinese text, for their full-width forms')
def halfwidth_punctuation(context: Context) -> Iterator[Hit]:
    """Half-width punctuation next to Chinese: not in web or e-mail addresses, numbers (3.5, 10:30, 1,000), a
    heading's "1." or between Latin words; quotes alternate open and close within a paragraph."""
    for text in context.texts:
        if text.key == "link" or text.element == "contacts":
            continue
        protected = _protected(text.view)
        for start, end in text.segments:
            yield from _stops(text, start, end, protected)
            yield from _parentheses(text, start, end, protected)
            yield from _quotes(text, start, end, protected)


def _punctuation_hit(text: Text, offset: int, old: str, new: str) -> Hit:
    message = _("half-width {mark} in Chinese text").format(mark=_quote(old.strip()))
    return Hit(text.path, offset, message, _write(new), old, new)


def _stops(text: Text, start: int, end: int, protected: set[int]) -> Iterator[Hit]:
    view = text.view
    for match in STOPS.finditer(view, start, end):
        i = match.start()
        if i in protected:
            continue
        before, after = _before(view, i, start), _after(view, match.end(), end)
        if match.group().startswith("."):
            chinese = _is_chinese(before)  # never after a digit: 3.5, the "1." of a heading
        else:
            chinese = (_is_chinese(before) or _is_chinese(after)) and not (before.isdigit() and after.isdigit())
        if not chinese:
            continue
        stop = match.end()
        while stop < end and view[stop] == " ":  # a full-width mark brings its own space
            stop += 1
        new = "……" if match.group().startswith("...") else FULL_WIDTH[match.group()]
        yield _punctuation_hit(text, i, text.raw[i:stop], new)


def _parentheses(text: Text, start: int, end: int, protected: set[int]) -> Iterator[Hit]:
    view = text.view
    opened: list[int] = []
    pairs: list[tuple[int, int]] = []
    singles: list[int] = []
    for i in range(start, end):
        if i in protected:
            continue
        if view[i] == "(":
            opened.append(i)
        elif view[i] == ")":
            if opened:
                pairs.append((opened.pop(), i))
            else:
                singles.append(i)
    for left, right in pairs:
        if (HAN_CHAR.search(view, left + 1, right) or _is_chinese(_before(view, left, start))
                or _is_chinese(_after(view, right + 1, end))):
            yield _punctuation_hit(text, left, "(", "（")
            yield _punctuation_hit(text, right, ")", "）")
    for i in singles + opened:
        if _is_chinese(_before(view, i, start)) or _is_chinese(_after(view, i + 1, end)):
            yield _punctuation_hit(text, i, view[i], FULL_WIDTH[view[i]])


def _quotes(text: Text, start: int, end: int, protected: set[int]) -> Iterator[Hit]:
    view = text.view
    apostrophes = {m.start() for m in APOSTROPHE.finditer(view, start, end)}
    for mark, (opening, closing) in (('"', ("“", "”")), ("'", ("‘", "’"))):
        marks = [i for i in range(start, end) if view[i] == mark and i not in protected and i not in apostrophes]
        for left, right in zip(marks[::2], marks[1::2], strict=False):
            if (HAN_CHAR.search(view, left + 1, right) or _is_chinese(_before(view, left, start))
                    or _is_chinese(_after(view, right + 1, end))):
                yield _punctuation_hit(text, left, mark, opening)
                yield _punctuation_hit(text, right, mark, closing)
        if len(marks) % 2:
            i = marks[-1]
            before = view[i - 1] if i > start else ""
            if _is_chinese(_before(view, i, start)) or _is_chinese(_after(view, i + 1, end)):
                yield _punctuation_hit(text, i, mark, opening if not before or before in OPENING_CONTEXT else closing)


# --- 2. unpaired brackets and quotes ------------------------------------------------------------------------

BRACKETS = {"“": "”", "‘": "’", "《": "》", "〈": "〉", "（": "）", "【": "】", "〔": "〕"}
CLOSERS = {closing: opening for opening, closing in BRACKETS.items()}


@rule("unpaired-bracket", "error", "“” ‘’ 《》 〈〉 （） 【】 〔〕 that are never closed, close nothing, or cross")
def unpaired_brackets(context: Context) -> Iterator[Hit]:
    """Full-width quotes and brackets checked with a stack over each field: an opener never closed, a closer
    with no opener, and a closer that closes an outer pair while an inner one is still open (reported once:
    the inner pair may still close after it, as in （《）》)."""
    for text in context.texts:
        view = text.view
        stack: list[int] = []
        for i, char in enumerate(view):
            if char == "’" and 0 < i < len(view) - 1 and view[i - 1].isascii() and view[i - 1].isalpha() \
                    and view[i + 1].isascii() and view[i + 1].isalpha():
                continue  # an apostrophe: China’s
            if char in BRACKETS:
                stack.append(i)
            elif char in CLOSERS:
                opening = CLOSERS[char]
                if stack and view[stack[-1]] == opening:
                    stack.pop()
                    continue
                match = next((depth for depth in range(len(stack) - 1, -1, -1) if view[stack[depth]] == opening),
                             None)
                if match is None:
                    yield Hit(text.path, i, _("{mark} closes nothing: no {opening} before it").format(
                        mark=_quote(char), opening=_quote(opening)))
                    continue
                inner = stack[-1]
                yield Hit(text.path, i, _(
                    "{mark} closes {opening} (line {line}) while {inner} (line {inner_line}) is still open").format(
                    mark=_quote(char), opening=_quote(opening), line=context.line(text.path, stack[match]),
                    inner=_quote(view[inner]), inner_line=context.line(text.path, inner)))
                del stack[match]  # the inner opener stays open: its own closer may follow
        for i in stack:
            yield Hit(text.path, i, _("{mark} is never closed: no {closing} after it").format(
                mark=_quote(view[i]), closing=_quote(BRACKETS[view[i]])))


# --- 3. doubled characters and words ------------------------------------------------------------------------

# Reduplication is how Chinese forms many words, so a doubled character is not a slip in itself: the words
# below (adverbs, "every …" nouns, tentative verbs, politeness) are written doubled on purpose. The rule
# therefore checks only a closed list of function characters that never form a word by doubling, and leaves
# alone a pair inside AABB reduplication (的的确确, 实实在在, 是是非非).
LEGITIMATE_REDUPLICATION = frozenset({
    "常常", "往往", "渐渐", "纷纷", "刚刚", "仅仅", "默默", "久久", "稍稍", "明明", "偏偏", "恰恰", "紧紧", "牢牢",
    "深深", "好好", "大大", "多多", "慢慢", "早早", "层层", "步步", "处处", "事事", "时时", "刻刻", "人人", "个个",
    "家家", "户户", "天天", "年年", "月月", "种种", "样样", "件件", "条条", "项项", "等等", "看看", "想想",
    "谈谈", "说说", "听听", "试试", "走走", "问问", "谢谢", "妈妈", "爸爸", "哥哥", "姐姐", "星星", "悄悄",
})
# Some function characters are left out because two words often meet on them: 等等 is a word; 把 + 把关,
# 即将 + 将, 作为 + 为, 发展和 + 和平, 研究所 + 所长, 当地 + 地方, 对 + 对联, 值得 + 得到, 及 + 及时, 合并 + 并购,
# 尤其 + 其他. For those kept, the contexts where the pair is two words meeting (目的 + 的, 为了 + 了解,
# 关键是 + 是否, 受不了 + 了 …) are listed with each.
DOUBLED_FUNCTION_CHARACTERS: dict[str, tuple[str, ...]] = {
    "的": ("目的的", "的的确", "的的士", "打的的"),
    "了": ("了了之", "了了解", "了了结", "不了了", "没了了"),
    "是": ("是是非", "是是否", "要是是"),
    "在": ("现在在", "存在在", "所在在"),
    "于": ("终于于",),
    "与": ("参与与",),
    "之": tuple(f"之之{c}" for c in "后前中间下上外内际一"),
    "被": (), "也": (), "很": (), "而": (), "或": (), "吗": (), "呢": (),
}
# Two to four characters typed twice (工作工作) are reported without a fix: besides slips there are the
# ABAB reduplications of verbs and adjectives below (研究研究 "look into it") and 一个一个 "one by one".
# Nor where the first three characters or the last three are an ABA word: 点对点 + 对接, 面对面 + 对话.
ABA_WORDS = frozenset({
    "点对点", "面对面", "一对一", "手拉手", "手把手", "肩并肩", "心连心", "背靠背", "心贴心", "实打实", "硬碰硬",
    "端到端", "点到点", "门对门", "户对户", "一帮一", "多对多", "人对人", "脸对脸", "肩挨肩", "人挨人",
})
REDUPLICATED_WORDS = frozenset({
    "研究", "讨论", "商量", "考虑", "学习", "了解", "交流", "沟通", "休息", "锻炼", "介绍", "调查", "整理", "打扫",
    "活动", "准备", "检查", "比较", "总结", "体验", "尝试", "清理", "收拾", "打听", "琢磨", "思考", "分析", "梳理",
    "雪白", "通红", "冰凉", "笔直", "碧绿", "火热", "蜡黄", "漆黑", "滚烫",
})
DOUBLED_CHARACTER = re.compile(f"([{''.join(DOUBLED_FUNCTION_CHARACTERS)}])\\1")
DOUBLED_WORD = re.compile(f"([{HAN}]{{2,4}})\\1")


def _legitimate_pair(view: str, i: int) -> bool:
    """Whether the pair of characters at `i` is two words meeting or part of AABB reduplication."""
    char = view[i]
    if (i >= 2 and view[i - 2] == view[i - 1] and _is_han(view[i - 1])) or \
            (i + 3 < len(view) and view[i + 2] == view[i + 3] and _is_han(view[i + 2])):
        return True
    for context in DOUBLED_FUNCTION_CHARACTERS[char]:
        at = context.find(char + char)
        if view[max(i - at, 0) : i - at + len(context)] == context and i >= at:
            return True
    return False


@rule("doubled-character", "warning", "a function character typed twice (的的, 了了, 是是), for one of it")
def doubled_characters(context: Context) -> Iterator[Hit]:
    """The function characters of DOUBLED_FUNCTION_CHARACTERS typed twice, but where two words meet."""
    for text in context.texts:
        for match in DOUBLED_CHARACTER.finditer(text.view):
            if _legitimate_pair(text.view, match.start()):
                continue
            left, right = _context(text.view, match.start(), match.end())
            shown = text.view[left:right]
            fixed = shown[: match.start() - left] + match.group(1) + shown[match.end() - left :]
            yield Hit(text.path, match.start(), _("{character} is typed twice: {shown}").format(
                character=_quote(match.group(1)), shown=_quote(shown)),
                      _write(fixed), match.group(), match.group(1))


@rule("doubled-word", "warning", "a word of two to four characters typed twice (工作工作), but ABAB reduplication")
def doubled_words(context: Context) -> Iterator[Hit]:
    """A run of two to four Chinese characters repeated at once; no fix, as it may be meant."""
    for text in context.texts:
        for match in DOUBLED_WORD.finditer(text.view):
            word = match.group(1)
            if len(set(word)) == 1 or word in REDUPLICATED_WORDS or (len(word) == 2 and word[0] == "一") \
                    or match.group()[:3] in ABA_WORDS or match.group()[-3:] in ABA_WORDS:
                continue
            yield Hit(text.path, match.start(), _("{word} is typed twice: {shown}").format(
                word=_quote(word), shown=_quote(match.group())),
                      _write(word))


# --- 4. and 5. spaces in Chinese text -----------------------------------------------------------------------

TITLE_ELEMENTS = frozenset({"title", "kicker", "subtitle", "toc-item", "name", "issuer", "kind"})
TEMPLATE_SPACED = frozenset({"name", "issuer", "kind"})  # the template letter-spaces these itself
NAME_ELEMENTS = frozenset({"byline", "credit", "signoff", "notice", "contacts"})  # 张三　李四, 张三 摄, 王　静
LETTER_SPACED = re.compile(f"[{HAN}](?:[{SPACES}]+[{HAN}])+")
PHRASE_SEPARATOR = re.compile(f"(?<=[{HAN}]{{2}})[{SPACES}](?=[{HAN}]{{2}})")


def _title_spans(text: Text) -> Iterator[tuple[int, int]]:
    """The title-like stretches of a text: a whole title or kicker, or each heading of a body."""
    if text.element in TITLE_ELEMENTS:
        yield 0, len(text.raw)
    yield from text.headings


def _letter_spaced(text: Text) -> Iterator[tuple[int, int]]:
    for start, end in _title_spans(text):
        stripped = text.view[start:end].strip(SPACES + "\n")
        if LETTER_SPACED.fullmatch(stripped):
            first = text.view.index(stripped, start)
            yield first, first + len(stripped)


@rule("letter-spaced-title", "warning", "a title or heading letter-spaced with typed spaces (专 刊, 目 录)")
def letter_spaced_titles(context: Context) -> Iterator[Hit]:
    """A title, kicker or heading whose every character is set apart by spaces: the spacing is the template's."""
    for text in context.texts:
        for start, end in _letter_spaced(text):
            spaced = text.raw[start:end]
            joined = "".join(char for char in spaced if char not in SPACES)
            why = _("the template letter-spaces it") if text.element in TEMPLATE_SPACED else \
                _("the template sets titles and headings, and typed spaces print as uneven gaps")
            message = _("{text} is letter-spaced by hand: {why}").format(text=_quote(spaced), why=why)
            yield Hit(text.path, start, message, _write(joined),
                      spaced, joined)


@rule("stray-space", "warning", "a space between two Chinese characters or marks, for none")
def stray_spaces(context: Context) -> Iterator[Hit]:
    """A half-width or full-width space inside Chinese text; not in names (bylines, credits, the sign-off), a
    letter-spaced title (letter-spaced-title), or between two phrases of a title (市县联动　精准对接)."""
    for text in context.texts:
        if text.element in NAME_ELEMENTS or text.key == "link":
            continue
        spaced = list(_letter_spaced(text))
        titles = list(_title_spans(text))
        for match in re.finditer(f"[{SPACES}]+", text.view):
            i, j = match.span()
            if not (i and j < len(text.view) and _is_chinese(text.view[i - 1]) and _is_chinese(text.view[j])):
                continue
            if any(s <= i < e for s, e in spaced):
                continue
            if any(s <= i < e for s, e in titles) and PHRASE_SEPARATOR.match(text.view, i) and j == i + 1:
                continue
            left, right = _context(text.view, i, j, 1)
            shown = text.view[min(left, i - 1) : max(right, j + 1)]
            kind = _("a full-width space") if "\u3000" in match.group() else _("a space")
            yield Hit(text.path, i, _("{space} between Chinese characters: {shown}").format(space=kind,
                                                                                        shown=_quote(shown)),
                      _write(shown.replace(match.group(), "")), match.group(), "")


# --- 6. spacing around numbers ------------------------------------------------------------------------------

NUMBER = re.compile(r"(?<![0-9A-Za-z.,])\d+(?:[.,]\d+)*(?![0-9A-Za-z])")


@dataclass(frozen=True)
class _Number:
    text: Text
    start: int  # of the quoted stretch: from the Chinese character before the number
    end: int  # to the one after it
    inner: tuple[int, int]  # the number with the spaces around it: what a fix rewrites
    gaps: tuple[bool, ...]  # spaced or not, for each side that touches Chinese

    @property
    def shown(self) -> str:
        return self.text.view[self.start : self.end]


def _numbers(texts: list[Text]) -> Iterator[_Number]:
    """Numbers written next to a Chinese character, with or without a space between."""
    for text in texts:
        view = text.view
        for match in NUMBER.finditer(view):
            start, end, gaps = match.start(), match.end(), []
            left, right = start, end
            while left > 0 and view[left - 1] == " ":
                left -= 1
            while right < len(view) and view[right] == " ":
                right += 1
            if left > 0 and _is_han(view[left - 1]):
                gaps.append(left < start)
                start = left - 1
            else:
                left = match.start()
            if right < len(view) and _is_han(view[right]):
                gaps.append(right > end)
                end = right + 1
            else:
                right = match.end()
            if gaps:
                yield _Number(text, start, end, (left, right), tuple(gaps))


@rule("spacing-numbers", "warning", "a number spaced from the Chinese beside it (60 个): official text writes 60个 "
                                    "(GB/T 15835)")
def spacing_numbers(context: Context) -> Iterator[Hit]:
    """A half-width space between a number and the Chinese beside it, on either side, each time: official
    documents write numerals against Chinese without spaces (GB/T 15835-2011, 出版物上数字用法), whatever the
    rest of the file does; the fix takes the space out (never puts one in)."""
    numbers = list(_numbers([t for t in context.texts if t.own and t.key != "link" and t.element != "contacts"]))
    for number in numbers:
        if True not in number.gaps:
            continue
        left, right = number.inner
        old = number.text.view[left:right]
        new = old.strip(" ")
        shown = number.shown[: left - number.start] + new + number.shown[right - number.start :]
        message = _("{shown}: a number spaced from the Chinese beside it; official text writes them together "
                    "(GB/T 15835)").format(shown=_quote(number.shown))
        yield Hit(number.text.path, left, message, _write(shown), old, new)


# --- 7. dates -----------------------------------------------------------------------------------------------

DATE = re.compile(r"(?<![0-9])(?:(\d{4}) *年 *)?(?<![0-9])(\d{1,2}) *月(?: *(\d{1,2}) *日)?")
MONTHS = ("", N_("January"), N_("February"), N_("March"), N_("April"), N_("May"), N_("June"), N_("July"),
          N_("August"), N_("September"), N_("October"), N_("November"), N_("December"))


def _dates(text: Text) -> Iterator[tuple[re.Match[str], int | None, int, int | None]]:
    for match in DATE.finditer(text.view):
        year, month, day = match.group(1), int(match.group(2)), match.group(3)
        yield match, int(year) if year else None, month, int(day) if day else None


def _impossible(year: int | None, month: int, day: int | None) -> str | None:
    if not 1 <= month <= 12:
        return _("there is no month {month}").format(month=month)
    if day is None:
        return None
    days = calendar.monthrange(year if year else 2000, month)[1]  # 2000: a leap year, when the year is not given
    if 1 <= day <= days:
        return None
    if year:
        return _("{month} {year} has {days} days").format(month=_(MONTHS[month]), year=year, days=days)
    return _("{month} has {days} days").format(month=_(MONTHS[month]), days=days)


@rule("impossible-date", "error", "a date that cannot exist (2018年2月30日, 13月)")
def impossible_dates(context: Context) -> Iterator[Hit]:
    """Dates written 2018年2月30日, 2月30日 or 13月 whose month or day does not exist."""
    for text in context.texts:
        for match, year, month, day in _dates(text):
            reason = _impossible(year, month, day)
            if reason:
                message = _("{date} cannot exist: {reason}").format(date=_quote(match.group()), reason=reason)
                yield Hit(text.path, match.start(), message)


@rule("dateline-after-issue", "warning", "a dateline (2018年6月6日) later than the issue's date")
def dateline_after_issue(context: Context) -> Iterator[Hit]:
    """A full date in an article's dateline after the date printed in the masthead (the year, when left out,
    is the issue's)."""
    issue = context.issue
    for text in context.texts:
        if text.key != "dateline":
            continue
        for match, year, month, day in _dates(text):
            if day is None or _impossible(year, month, day):
                continue
            date = dt.date(year or issue.year, month, day)
            if date > issue.date:
                yield Hit(text.path, match.start(), _(
                    "{date} is after the issue's date ({issue_date})").format(date=_quote(match.group()),
                                                                             issue_date=issue.date_text))


# --- 8. repeated titles -------------------------------------------------------------------------------------


@rule("repeated-title", "error", "two articles of the issue with the same title")
def repeated_titles(context: Context) -> Iterator[Hit]:
    """An article whose title (spaces aside) is an earlier article's."""
    first: dict[str, int] = {}
    for i, article in enumerate(context.issue.articles):
        title = re.sub(f"[{SPACES}]", "", article.headline).strip()
        if not title:
            continue  # photo news, briefs
        if title in first:
            earlier = ("articles", first[title], "title")
            yield Hit(("articles", i, "title"), None, _(
                "{title} is also the title of article {number} (line {line})").format(
                title=_quote(article.headline), number=first[title] + 1, line=context.line(earlier, None)))
        else:
            first[title] = i


# --- 9. characters no font prints ---------------------------------------------------------------------------


@rule("font-coverage", "error", "a character that none of its role's fonts can print (bulletin.check)")
def font_coverage(context: Context) -> Iterator[Problem]:
    """The font check of bulletin.check, located with the proofreader's source map."""
    try:
        typesetter = typesetter_for(context.loaded)
    except BulletinError as error:
        yield from error.problems
        return
    yield from check_fonts(context.loaded, typesetter)


# --- the settings -------------------------------------------------------------------------------------------


@rule("unknown-rule", "warning", "a rule id in proofread.disable that no rule has")
def unknown_rules(context: Context) -> Iterator[Hit]:
    """A misspelt rule id in publication.yaml's proofread.disable would silently disable nothing."""
    for i, rule_id in enumerate(context.issue.proofread.disable):
        if rule_id not in RULES:
            close = difflib.get_close_matches(rule_id, sorted(RULES), n=1, cutoff=0.6)
            message = _("no rule is called {rule} (did you mean {close}?)") if close else _("no rule is called {rule}")
            yield Hit(("proofread", "disable", i), None, message.format(rule=_quote(rule_id),
                                                                       close=_quote(close[0]) if close else ""))


# --- --fix --------------------------------------------------------------------------------------------------

INDENTS = ((2, 4, 2), (2, 2, 0), (2, 4, 0), (4, 4, 2), (4, 4, 0), (4, 2, 0))  # mapping, sequence, dash offset


def apply_fixes(path: Path, findings: Iterable[Finding]) -> int:
    """Apply the safe fixes of the findings in `path` (one YAML file) in place, keeping its comments, key order,
    quoting and block scalars; return how many were applied. The file is rewritten only when it changes, and
    only if writing it back untouched reproduces it byte for byte (else a BulletinError: fix by hand)."""
    target = path.resolve()
    fixes = sorted({f.fix for f in findings if f.fix is not None and Path(f.file).resolve() == target},
                   key=lambda fix: (fix.path, fix.offset))
    if not fixes:
        return 0
    raw = path.read_bytes()
    bom = raw.startswith(codecs.BOM_UTF8)
    original = raw.decode("utf-8-sig")
    crlf = "\r\n" in original
    text = original.replace("\r\n", "\n")
    yaml, data = _round_trip(path, text)
    by_field: dict[FieldPath, list[Fix]] = {}
    for fix in fixes:
        by_field.setdefault(fix.path, []).append(fix)
    applied = 0
    for field, field_fixes in by_field.items():
        container, key = _locate_value(data, field)
        if container is None:
            continue
        value = container[key]
        if not isinstance(value, str):
            continue
        edited, done = _edit(value, field_fixes)
        if done:
            container[key] = _restyle(value, edited, done)
            applied += len(done)
    if not applied:
        return 0
    out = io.StringIO()
    yaml.dump(data, out)
    result = out.getvalue()
    if result == text:
        return 0
    if crlf:
        result = result.replace("\n", "\r\n")
    write_atomic(path, (codecs.BOM_UTF8 if bom else b"") + result.encode("utf-8"))
    return applied


def _round_trip(path: Path, text: str) -> tuple[Any, Any]:
    """A ruamel.yaml round-trip loader and dumper set to write this file back as it is, and its data."""
    from ruamel.yaml import YAML

    for mapping, sequence, offset in INDENTS:
        yaml = YAML()  # round-trip mode: comments, key order and scalar styles are kept
        yaml.preserve_quotes = True
        yaml.width = 1 << 30  # never re-wrap a long line of Chinese
        yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
        yaml.explicit_start = re.match(r"(?:\s*#[^\n]*\n|\s*\n)*---", text) is not None
        data = yaml.load(text)
        out = io.StringIO()
        yaml.dump(data, out)
        if out.getvalue() == text:
            return yaml, data
    raise BulletinError([Problem(display_path(path), 0, 0, "", "cannot --fix this file: written back it would "
                                 "change beyond the fixes (its indentation or line folding); fix it by hand")])


def _locate_value(data: Any, path: FieldPath) -> tuple[Any, Any]:
    """The container holding the value at a field path and its key or index (None, None when not there)."""
    container: Any = None
    key: Any = None
    node = data
    for part in path:
        container = node
        if isinstance(node, dict):
            key = part if part in node else next((k for k in node if str(k) == str(part)), None)
            if key is None:
                return None, None
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            key = part
        else:
            return None, None
        node = container[key]
    return container, key


def _edit(value: str, fixes: list[Fix]) -> tuple[str, list[Fix]]:
    """Apply fixes to one text from the last offset to the first, skipping any that overlap or no longer match;
    the text and the fixes applied."""
    done: list[Fix] = []
    limit = len(value)
    for fix in sorted(fixes, key=lambda f: f.offset, reverse=True):
        end = fix.offset + len(fix.old)
        if end > limit or value[fix.offset : end] != fix.old:
            continue
        value = value[: fix.offset] + fix.new + value[end:]
        done.append(fix)
        limit = fix.offset
    return value, done


def _restyle(old: str, new: str, fixes: list[Fix]) -> str:
    """The edited text in the style of the original scalar: literal | stays literal, quotes stay, folds move."""
    from ruamel.yaml.scalarstring import FoldedScalarString, ScalarString

    if not isinstance(old, ScalarString):
        return new
    result = type(old)(new)
    anchor = old.yaml_anchor()
    if anchor is not None:
        result.yaml_set_anchor(anchor.value, always_dump=anchor.always_dump)
    if hasattr(old, "comment"):
        result.comment = old.comment
    if isinstance(old, FoldedScalarString) and hasattr(old, "fold_pos"):
        positions = []
        for position in old.fold_pos:
            shift = sum(len(f.new) - len(f.old) for f in fixes if f.offset + len(f.old) <= position)
            if not any(f.offset < position < f.offset + len(f.old) for f in fixes):
                positions.append(position + shift)
        result.fold_pos = positions
    return result  # type: ignore[no-any-return]
