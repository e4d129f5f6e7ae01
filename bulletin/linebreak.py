"""Chinese line breaking and justification (W3C clreq, GB/T 15834): WeasyPrint justifies only spaces."""

from __future__ import annotations

import unicodedata
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate

# Never at the start of a line; — and … are here too, so that —— and …… are never split.
NO_START = frozenset("，。、；：？！）》”’」』】〕〉．,.;:?!)]}%…—·～")
NO_END = frozenset("（《“‘「『【〔〈([{")  # never at the end of a line
EPSILON = 0.01  # points: rounding slack when fitting
MAX_PUSH_OUT = 4  # characters a line may end short of full to keep the rules (a long word may need more)
OFF_GRID_COST = 0.01  # of a line set off its natural spacing: more than any squared deviation it allows
# A word of Latin letters, digits and signs (a URL, an e-mail address, a code) wider than this share of the
# line may break inside: after the signs that part a URL at a small cost, between any two of its characters
# at a larger one. Either costs more than pushing a character in or out, far less than stretching a line of
# three characters over the whole measure, which is what keeping the word whole would do.
LONG_WORD_SHARE = 1 / 3
URL_SEPARATORS = frozenset("/.-_?&=#:@~%,;+")
URL_BREAK_COST = 0.02
WORD_BREAK_COST = 0.5
RAGGED_SHORT_COST = 0.1  # of a line not justified that ends short of the measure, by the square of its shortfall


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


def may_break(text: str, i: int, last: str | None = None) -> bool:
    """Whether a line may end between text[i-1] and text[i]; `last` is the last character before i that is
    not a space (looked for when not given). A space hangs at the end of the line it ends, so it neither
    lets a closing mark start the next line nor an opening one end this."""
    before, after = text[i - 1], text[i]
    if after.isspace() or after in NO_START:
        return False
    if before.isspace():
        if last is None:
            stripped = text[:i].rstrip()
            last = stripped[-1:]
        return last not in NO_END
    if before in NO_END:
        return False
    return not (_in_word(before) and _in_word(after))


def break_lines(
    text: str,
    advances: Sequence[float],
    widths: tuple[float, float],
    spacing: float,
    squeeze: float,
    *,
    only: frozenset[int] | None = None,
    ragged: bool = False,
    joined: Sequence[bool] | None = None,
) -> list[Line]:
    """Break `text` into lines: `widths` for the first line and the rest, characters set `spacing`
    apart (points), a gap allowed to shrink by `squeeze` so that a character can be pushed in before
    one is pushed out (0 for lines that are not justified, which are never squeezed). Every line but the
    last is justified to its width; `ragged` lines are not (centred or flush), and then a short line costs
    little (the square of how short it is, as a share of the measure). With `only`, a line may end only at
    those offsets (a title's word boundaries), unless no line could then be made. `joined[i]` says that
    character i is one glyph with the one before it (—— in a face that draws it as one): the renderer's
    letter-spacing falls after the glyph, once, so there is no gap between them.

    The breaks are chosen for the whole paragraph at once (as Knuth and Plass do for TeX): of all the
    allowed ways, the one whose lines stray least from the natural spacing, so that one unavoidable
    push-in or push-out does not set off others in the lines after it."""
    n = len(text)
    paragraph = _Paragraph(text, advances, spacing, min(widths), only, ragged, joined)
    # Costs only add up: a way that has cost more than one way all through (each line's cheapest end,
    # taken in turn) cannot end cheaper, and is not followed (most paragraphs: only the lines on the grid).
    bound = _greedy_cost(paragraph, widths, spacing, squeeze)
    best: dict[int, tuple[float, int]] = {0: (0.0, -1)}  # line start -> (cost so far, previous start)
    for start in range(n):
        if start not in best or best[start][0] > bound:
            continue
        width = widths[0] if start == 0 else widths[1]
        for end, cost in _candidates(paragraph, start, width, spacing, squeeze):
            following = paragraph.next_start[end]
            total = best[start][0] + cost
            if following not in best or total < best[following][0]:
                best[following] = (total, start)
    starts = [n]
    while starts[-1] != 0:
        starts.append(best[starts[-1]][1])
    starts.reverse()
    lines = []
    for start, following in zip(starts, starts[1:], strict=False):
        width = widths[0] if start == 0 else widths[1]
        shown = paragraph.shown(start, following)
        if following >= n and paragraph.length(start, shown, spacing) <= width + EPSILON:
            lines.append(Line(start, shown, spacing, justified=False))
        else:
            gaps = max(paragraph.gaps(start, shown), 1)
            lines.append(Line(start, shown, (width - sum(advances[start:shown])) / gaps, justified=True))
    return lines


def widest_unbreakable(text: str, advances: Sequence[float], spacing: float,
                       joined: Sequence[bool] | None = None) -> float:
    """The width of the widest run of `text` that no rule lets a line break inside (a word, a number, a
    character with the marks that may not leave it): the narrowest a column can be without breaking a rule."""
    paragraph = _Paragraph(text, advances, spacing, float("inf"), joined=joined)
    widest, start = 0.0, 0
    for end in range(1, len(text) + 1):
        if paragraph.allowed[end]:
            shown = paragraph.shown(start, end)
            widest = max(widest, paragraph.length(start, shown, spacing))
            start = paragraph.next_start[end]
    return widest


def _greedy_cost(paragraph: _Paragraph, widths: tuple[float, float], spacing: float, squeeze: float) -> float:
    """The cost of breaking each line at its own cheapest end, the first of equals (summed as the search does)."""
    start, total, n = 0, 0.0, len(paragraph.text)
    while start < n:
        end, cost = min(_candidates(paragraph, start, widths[0] if start == 0 else widths[1], spacing, squeeze),
                        key=lambda candidate: candidate[1])
        total, start = total + cost, paragraph.next_start[end]
    return total


class _Paragraph:
    """What the search for breaks asks of a paragraph again and again, worked out once."""

    def __init__(self, text: str, advances: Sequence[float], spacing: float, width: float,
                 only: frozenset[int] | None = None, ragged: bool = False,
                 joined: Sequence[bool] | None = None) -> None:
        self.text, self.advances, self.spacing, self.ragged = text, advances, spacing, ragged
        self.prefix = list(accumulate(advances, initial=0.0))  # ink of [a, b) = prefix[b] - prefix[a]
        self.joins = list(accumulate(joined or [False] * len(text), initial=0))  # glued to the one before, below i
        self.narrow = list(accumulate((not is_wide(c) for c in text), initial=0))  # half-width chars before i
        n = len(text)
        self.next_start = list(range(n + 1))  # where the line after one ending at i starts: past the spaces
        for i in range(n - 1, -1, -1):
            if text[i].isspace():
                self.next_start[i] = self.next_start[i + 1]
        self.trimmed = list(range(n + 1))  # where a line ending at i ends, without the spaces that hang at it
        for i in range(1, n + 1):
            if text[i - 1].isspace():
                self.trimmed[i] = self.trimmed[i - 1]
        # a line may end at i
        self.allowed = [False, *(may_break(text, i, text[self.trimmed[i] - 1 : self.trimmed[i]]) for i in range(1, n)),
                        True]
        self.penalty = [0.0] * (n + 1)  # what ending a line at i costs besides its spacing
        self._long_words(width)
        if only is not None:
            self.allowed = [allowed and (i in only or i == n or text[i - 1].isspace())
                            for i, allowed in enumerate(self.allowed)]
        # The natural length of [0, i) plus one gap, rising with i when no advance is below -spacing: then
        # the shortest line worth trying from a start is found by bisection, not by walking up to it.
        self.natural = [ink + (i - self.joins[i]) * spacing for i, ink in enumerate(self.prefix)]
        self.rising = all(advance + spacing >= 0 for advance in advances)

    def _long_words(self, width: float) -> None:
        """Let a word too long to push about break inside (LONG_WORD_SHARE), keeping the line-start and
        line-end rules and never parting // ."""
        text, n, start = self.text, len(self.text), 0
        while start < n:
            if not _in_word(text[start]):
                start += 1
                continue
            end = start
            while end < n and _in_word(text[end]):
                end += 1
            if self.length(start, end, self.spacing) > LONG_WORD_SHARE * width:
                for i in range(start + 1, end):
                    before, after = text[i - 1], text[i]
                    if after in NO_START or before in NO_END or before == after == "/":
                        continue
                    self.allowed[i] = True
                    self.penalty[i] = URL_BREAK_COST if before in URL_SEPARATORS else WORD_BREAK_COST
            start = end

    def first_end(self, start: int, short_of: float) -> int:
        """An end at or before the first from `start` whose line is not shorter than `short_of`."""
        if not self.rising:
            return start + 1
        target = self.natural[start] + self.spacing + short_of
        return max(start + 1, bisect_left(self.natural, target, start + 1) - 1)  # one early: rounding

    def gaps(self, start: int, end: int) -> int:
        """The gaps that letter-spacing widens in [start, end): one after each glyph but the last."""
        return end - start - 1 - (self.joins[end] - self.joins[start + 1]) if end > start else 0

    def length(self, start: int, end: int, spacing: float) -> float:
        """The width of [start, end) set `spacing` apart."""
        return self.prefix[end] - self.prefix[start] + self.gaps(start, end) * spacing

    def shown(self, start: int, end: int) -> int:
        """The end of the line [start, end) without the spaces that hang at it (never before its first)."""
        return max(self.trimmed[end], start + 1)


def _candidates(paragraph: _Paragraph, start: int, width: float, spacing: float,
                squeeze: float) -> list[tuple[int, float]]:
    """The ends of the lines that may start at `start`, each with its cost: a line off its natural
    spacing costs one unit (half for a line with Latin letters or digits, which cannot sit on the grid
    anyway), and the squared deviation (in em) on top, a stretch twice a squeeze; so the fewest
    all-Chinese lines leave the grid, and those that must are pushed in rather than out. Lines more than
    MAX_PUSH_OUT characters short of full are not considered (unless nothing else is possible)."""
    text, advances, prefix, narrow, allowed = (paragraph.text, paragraph.advances, paragraph.prefix,
                                               paragraph.narrow, paragraph.allowed)
    n, size = len(text), advances[start] or 1.0
    shortest = -float("inf") if paragraph.ragged else width - MAX_PUSH_OUT * size
    found: list[tuple[int, float]] = []
    for end in range(min(paragraph.first_end(start, shortest), n), n + 1):
        if paragraph.length(start, end, spacing - squeeze) > width + EPSILON:
            break
        if end < n and (not allowed[end] or paragraph.length(start, end, spacing) < shortest):
            continue
        shown = paragraph.shown(start, end)
        natural = paragraph.length(start, shown, spacing)
        if end == n and natural <= width + EPSILON:
            found.append((end, 0.0))  # the last line, set at its natural spacing
            continue
        if paragraph.ragged:
            found.append((end, RAGGED_SHORT_COST * ((width - natural) / width) ** 2 + paragraph.penalty[end]))
            continue
        deviation = ((width - prefix[shown] + prefix[start]) / max(paragraph.gaps(start, shown), 1) - spacing) / size
        off_grid = 0.0 if abs(deviation) <= 1e-3 else OFF_GRID_COST / (2 if narrow[shown] > narrow[start] else 1)
        found.append((end, off_grid + deviation**2 * (2 if deviation > 0 else 1) + paragraph.penalty[end]))
    if not found:  # nothing allowed fits: the greedy break (an unbreakable word longer than the line)
        end = _fit(paragraph, start, width, spacing)
        end = end if end >= n else _choose_break(paragraph, start, end, width, spacing - squeeze)
        found.append((end, 1e6))
    return found


def _fit(paragraph: _Paragraph, start: int, width: float, spacing: float) -> int:
    """The end of the longest run from `start` that fits at the natural spacing (at least one character)."""
    end = start + 1
    while end < len(paragraph.text) and paragraph.length(start, end + 1, spacing) <= width + EPSILON:
        end += 1
    return end


def _choose_break(paragraph: _Paragraph, start: int, end: int, width: float, tightest: float) -> int:
    """Where to end a line that would naturally end at `end`: there if allowed, else one character
    pushed in if it fits squeezed, else pushed out to the nearest allowed break, else to the nearest place
    that keeps the line-start and line-end rules at least."""
    allowed, text, n = paragraph.allowed, paragraph.text, len(paragraph.text)
    if allowed[end]:
        return end
    pushed = end + 1
    if (pushed <= n and allowed[pushed]
            and paragraph.length(start, paragraph.shown(start, pushed), tightest) <= width + EPSILON):
        return pushed
    for candidate in range(end - 1, start, -1):
        if allowed[candidate]:
            return candidate
    for candidate in range(end, start, -1):
        if text[candidate] not in NO_START and text[candidate - 1] not in NO_END:
            return candidate
    return end  # nothing but marks that may not start a line
