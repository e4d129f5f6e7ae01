"""Chinese line breaking and justification (W3C clreq, GB/T 15834): WeasyPrint justifies only spaces."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

# Never at the start of a line; — and … are here too, so that —— and …… are never split.
NO_START = frozenset("，。、；：？！）》”’」』】〕〉．,.;:?!)]}%…—·～")
NO_END = frozenset("（《“‘「『【〔〈([{")  # never at the end of a line
EPSILON = 0.01  # points: rounding slack when fitting


@dataclass(frozen=True)
class Line:
    """Characters [start, end) of a paragraph set as one line with its own letter-spacing (in points)."""

    start: int
    end: int
    spacing: float
    justified: bool


def is_wide(char: str) -> bool:
    """A full-width character: Chinese, and the full-width punctuation and forms."""
    return unicodedata.east_asian_width(char) in ("W", "F")


def _in_word(char: str) -> bool:
    return not is_wide(char) and not char.isspace()


def may_break(text: str, i: int) -> bool:
    """Whether a line may end between text[i-1] and text[i]."""
    before, after = text[i - 1], text[i]
    if before.isspace():
        return True
    if after.isspace():
        return False  # break after the space, which then hangs at the line's end
    if after in NO_START or before in NO_END:
        return False
    return not (_in_word(before) and _in_word(after))


def break_lines(
    text: str,
    advances: Sequence[float],
    widths: tuple[float, float],
    spacing: float,
    squeeze: float,
) -> list[Line]:
    """Break `text` into lines: `widths` for the first line and the rest, characters set `spacing`
    apart (points), a gap allowed to shrink by `squeeze` to push one character in before pushing
    one out. Every line but the last is justified to its width."""
    lines: list[Line] = []
    start, n = 0, len(text)
    while start < n:
        width = widths[0] if not lines else widths[1]
        end = _fit(advances, start, width, spacing)
        if end < n:
            end = _choose_break(text, advances, start, end, width, spacing - squeeze)
        shown = _visible_end(text, start, end)
        if end >= n and _natural(advances, start, shown, spacing) <= width + EPSILON:
            lines.append(Line(start, shown, spacing, justified=False))
        else:
            ink = sum(advances[start:shown])
            gaps = max(shown - start - 1, 1)
            lines.append(Line(start, shown, (width - ink) / gaps, justified=True))
        start = end
        while start < n and text[start].isspace():
            start += 1
    return lines


def _natural(advances: Sequence[float], start: int, end: int, spacing: float) -> float:
    return sum(advances[start:end]) + (end - start - 1) * spacing


def _fit(advances: Sequence[float], start: int, width: float, spacing: float) -> int:
    """The end of the longest run from `start` that fits at the natural spacing (at least one character)."""
    used, end = advances[start], start + 1
    while end < len(advances) and used + spacing + advances[end] <= width + EPSILON:
        used += spacing + advances[end]
        end += 1
    return end


def _choose_break(text: str, advances: Sequence[float], start: int, end: int, width: float,
                  tightest: float) -> int:
    """Where to end a line that would naturally end at `end`: there if allowed, else one character
    pushed in if it fits squeezed, else pushed out to the nearest allowed break."""
    if may_break(text, end):
        return end
    pushed = end + 1
    if (pushed <= len(text) and (pushed == len(text) or (may_break(text, pushed)))
            and _natural(advances, start, _visible_end(text, start, pushed), tightest) <= width + EPSILON):
        return pushed
    for candidate in range(end - 1, start, -1):
        if may_break(text, candidate):
            return candidate
    return end  # one unbreakable word longer than the line


def _visible_end(text: str, start: int, end: int) -> int:
    """The end of a line without the spaces that hang at it."""
    while end > start + 1 and text[end - 1].isspace():
        end -= 1
    return end
