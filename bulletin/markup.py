"""The small inline markup of article bodies: paragraphs, `#` headings and `**bold**` runs.

A heading prints what the editor typed after its `#`s, its number included (一、 （一） 1. （1）): the level
gives its face, the number is never added. A heading that begins without a number is an unnumbered subhead
(聚焦主责主业 提升服务质效). A heading whose first sentence is followed by more text in its paragraph runs
in: the sentence, up to its 。！？, is set in the level's face and the text runs on after it in the body's
(## （一）加强组织建设。一是……).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bulletin.i18n import _

HEADING = re.compile(r"(#{1,4}) +")
MARKS = re.compile(r"\\\*|\*\*")  # an escaped asterisk, or the ** that opens or closes bold text
# The numbers of the four heading levels as editors type them, and other numbering that is not a subhead's
# (第一部分, ①); a heading that begins with none of them is unnumbered.
NUMBERS = (
    re.compile(r"[一二三四五六七八九十百]+、"),
    re.compile(r"[（(][一二三四五六七八九十百]+[）)]"),
    re.compile(r"\d{1,2}[.．、](?!\d)"),
    re.compile(r"[（(]\d{1,2}[）)]"),
)
OTHER_NUMBERS = re.compile(r"第[一二三四五六七八九十百零〇\d]+[部分章节条篇]|[①-⑳]|[一二三四五六七八九十]是")
SENTENCE_ENDS = frozenset("。！？!?")
OPENING = frozenset("“‘《〈（(「『【〔[")
CLOSING = frozenset("”’》〉）)」』】〕]")
CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f\U00020000-\U0003ffff]")


class MarkupError(ValueError):
    """A markup mistake, at a character offset of the source text."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.offset = offset


@dataclass(frozen=True)
class Span:
    """A run of text in one style."""

    text: str
    bold: bool = False
    head: int = 0  # set in the face of this heading level: the heading of a run-in paragraph


@dataclass(frozen=True)
class Parsed:
    """One paragraph of a body: level 0 for running text, 1–4 for the headings 一、（一）1.（1）."""

    level: int
    spans: tuple[Span, ...]
    offset: int  # where the paragraph starts in the source text
    numbered: bool = True  # a heading that begins with a number; an unnumbered one is a subhead


def paragraph_spans(source: str) -> list[tuple[int, int]]:
    """Where each paragraph of a body (a run of lines that are not blank) starts and ends, its last newline
    included. Line by line, so linear in the text: the pattern it replaces, (?:[^\\n]*\\S[^\\n]*(?:\\n|$))+,
    backtracked quadratically on a long line of spaces."""
    spans: list[tuple[int, int]] = []
    start: int | None = None
    end = position = 0
    for line in source.split("\n"):
        after = position + len(line)
        if line.strip():
            start = position if start is None else start
            end = min(after + 1, len(source))
        elif start is not None:
            spans.append((start, end))
            start = None
        position = after + 1
    if start is not None:
        spans.append((start, end))
    return spans


def parse(source: str) -> list[Parsed]:
    """Split a body into paragraphs at blank lines and parse each one's markup."""
    parsed = []
    for start, end in paragraph_spans(source):
        block = source[start:end]
        lines = [line.strip() for line in block.splitlines()]
        text, offset = join_lines(lines), start + (len(block) - len(block.lstrip()))
        heading = HEADING.match(text)
        if not heading:
            parsed.append(Parsed(0, _spans(text, offset), offset))
            continue
        level, text, offset = len(heading.group(1)), text[heading.end() :], offset + heading.end()
        spans = _spans(text, offset)
        run_in = run_in_end(plain(spans))
        if run_in is not None:  # a run-in heading: a body paragraph that opens in the level's face
            parsed.append(Parsed(0, _headed(spans, run_in, level), offset))
        else:
            parsed.append(Parsed(level, spans, offset, numbered=numbering(plain(spans)) != 0))
    return parsed


def numbering(text: str) -> int:
    """The level of the heading number that begins `text` (一、 1, （一） 2, 1. 3, （1） 4), -1 for other
    numbering (第一部分, ①), 0 for none."""
    text = text.lstrip()
    for level, pattern in enumerate(NUMBERS, 1):
        if pattern.match(text):
            return level
    return -1 if OTHER_NUMBERS.match(text) else 0


def run_in_end(text: str) -> int | None:
    """Where the heading of a run-in paragraph ends: after its first sentence's 。！？ (one outside quotes
    and brackets, so that 《怎么办？》 does not end it), when text follows it; else None."""
    depth = 0
    for i, char in enumerate(text):
        if char in OPENING:
            depth += 1
        elif char in CLOSING:
            depth = max(depth - 1, 0)
        elif char in SENTENCE_ENDS and depth == 0:
            end = i + 1
            while end < len(text) and text[end] in SENTENCE_ENDS:
                end += 1
            return end if text[end:].strip() else None
    return None


def _headed(spans: tuple[Span, ...], end: int, level: int) -> tuple[Span, ...]:
    """The spans with their first `end` characters marked as the heading of `level` (white space after the
    heading dropped: the text runs straight on)."""
    out: list[Span] = []
    position = 0
    for span in spans:
        cut = min(max(end - position, 0), len(span.text))
        rest = span.text[cut:]
        if cut:
            out.append(Span(span.text[:cut], span.bold, level))
        if position <= end <= position + len(span.text):
            rest = rest.lstrip()
        if rest:
            out.append(Span(rest, span.bold))
        position += len(span.text)
    return tuple(out)


def join_lines(lines: list[str]) -> str:
    """Join hard-wrapped lines: no space between Chinese characters, one between Latin words."""
    text = lines[0]
    for line in lines[1:]:
        cjk_seam = CJK.match(text[-1:]) or CJK.match(line[:1])
        text += line if cjk_seam else " " + line
    return text


def _spans(text: str, offset: int) -> tuple[Span, ...]:
    """Cut a paragraph into plain and **bold** spans; a backslash escapes an asterisk."""
    spans: list[Span] = []
    current, bold, opened_at, position = "", False, 0, 0
    for mark in MARKS.finditer(text):
        current, position = current + text[position : mark.start()], mark.end()
        if mark.group() == "\\*":
            current += "*"
            continue
        if current:
            spans.append(Span(current, bold))
        current, bold, opened_at = "", not bold, mark.start()
    current += text[position:]
    if bold:
        raise MarkupError(_("'**' opens bold text that is never closed (write \\* for an asterisk)"),
                          offset + opened_at)
    if current:
        spans.append(Span(current, bold))
    if not spans:
        raise MarkupError(_("empty paragraph"), offset)
    return tuple(spans)


def plain(spans: tuple[Span, ...]) -> str:
    """The text of spans without their styles."""
    return "".join(span.text for span in spans)
