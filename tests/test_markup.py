"""The body markup: paragraphs, headings, bold runs, joined lines."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bulletin.markup import MarkupError, Span, paragraph_spans, parse


def test_paragraphs_split_at_blank_lines_and_join_wrapped_lines() -> None:
    parsed = parse("第一段第一行\n接着写。\n\n第二段 with\nLatin words\n")
    assert [p.spans for p in parsed] == [(Span("第一段第一行接着写。"),), (Span("第二段 with Latin words"),)]


def test_headings_take_their_level_from_the_hashes() -> None:
    parsed = parse("# 一、总体\n\n## （一）分项\n\n### 1. 细项\n\n#### （1）条目\n\n正文")
    assert [(p.level, p.spans[0].text) for p in parsed] == [
        (1, "一、总体"), (2, "（一）分项"), (3, "1. 细项"), (4, "（1）条目"), (0, "正文")]


def test_bold_runs_and_escaped_asterisks() -> None:
    (paragraph,) = parse(r"**一是出台方案。**5月初，2\*3=6。")
    assert paragraph.spans == (Span("一是出台方案。", bold=True), Span("5月初，2*3=6。"))


def test_unclosed_bold_names_its_offset() -> None:
    with pytest.raises(MarkupError) as caught:
        parse("第一段\n\n第二段 **没有结束")
    assert caught.value.offset == len("第一段\n\n第二段 ")
    assert str(caught.value) == "「**」开始的加粗没有结束（星号本身写作 \\*）"


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=" \t\n\r\u3000\u2028a字*#", max_size=40))
def test_paragraph_spans_are_the_runs_of_lines_that_are_not_blank(text: str) -> None:
    """The line-by-line splitter finds what the pattern it replaced found, without its backtracking."""
    old = [(m.start(), m.end()) for m in re.finditer(r"(?:[^\n]*\S[^\n]*(?:\n|$))+", text)]
    assert paragraph_spans(text) == old
