"""Where Chinese text divides into words: jieba's dictionary and algorithm (jieba-rs, through rjieba), so that
a title's lines break between words, never inside one (…工 / 作…)."""

from __future__ import annotations

import functools


@functools.cache
def boundaries(text: str) -> frozenset[int]:
    """The offsets of `text` (0 < i < len) at which one word ends and the next begins. The segmenter's
    dictionary loads on first use (a tenth of a second): only text that needs breaking asks for it."""
    import rjieba

    ends, at = set(), 0
    for word in rjieba.cut(text, hmm=True):
        at += len(word)
        ends.add(at)
    ends.discard(len(text))
    return frozenset(ends)
