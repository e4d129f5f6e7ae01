"""The small inline markup of article bodies: paragraphs, `#` headings and `**bold**` runs."""

from __future__ import annotations

import re
from dataclasses import dataclass

HEADING = re.compile(r"(#{1,4}) +")
MARKS = re.compile(r"\\\*|\*\*")  # an escaped asterisk, or the ** that opens or closes bold text
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


@dataclass(frozen=True)
class Parsed:
    """One paragraph of a body: level 0 for running text, 1–4 for the headings 一、（一）1.（1）."""

    level: int
    spans: tuple[Span, ...]
    offset: int  # where the paragraph starts in the source text


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
        level = len(heading.group(1)) if heading else 0
        if heading:
            text, offset = text[heading.end() :], offset + heading.end()
        parsed.append(Parsed(level, _spans(text, offset), offset))
    return parsed


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
        raise MarkupError("'**' opens bold text that is never closed (write \\* for an asterisk)", offset + opened_at)
    if current:
        spans.append(Span(current, bold))
    if not spans:
        raise MarkupError("empty paragraph", offset)
    return tuple(spans)


def plain(spans: tuple[Span, ...]) -> str:
    """The text of spans without their styles."""
    return "".join(span.text for span in spans)
