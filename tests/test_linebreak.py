"""Chinese line breaking: kinsoku, push-in before push-out, exact justification."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from unittest import mock

from hypothesis import given, settings
from hypothesis import strategies as st

from bulletin import layout, linebreak
from bulletin.linebreak import break_lines, is_wide, may_break

SIZE = layout.BODY_SIZE_PT
WIDTH = layout.type_width_pt()
SPACING = layout.grid_spacing_pt()
SQUEEZE = layout.MAX_SQUEEZE_EM * SIZE


def lines_of(text: str) -> list[str]:
    advances = [SIZE] * len(text)  # every character one em wide
    lines = break_lines(text, advances, (WIDTH, WIDTH), SPACING, SQUEEZE)
    return [text[line.start : line.end] for line in lines]


def test_full_lines_hold_28_characters_and_end_on_the_right_edge() -> None:
    text = "字" * 60
    advances = [SIZE] * 60
    lines = break_lines(text, advances, (WIDTH, WIDTH), SPACING, SQUEEZE)
    assert [line.end - line.start for line in lines] == [28, 28, 4]
    first = lines[0]
    assert abs(28 * SIZE + 27 * first.spacing - WIDTH) < 1e-6
    assert first.justified and not lines[-1].justified
    assert lines[-1].spacing == SPACING


def test_punctuation_that_cannot_start_a_line_is_pushed_in() -> None:
    lines = lines_of("字" * 28 + "，后面的字")
    assert lines[0] == "字" * 28 + "，"
    assert not any(line[0] in "，。、；：？！）》”’" for line in lines[1:])


def test_an_opening_bracket_never_ends_a_line() -> None:
    lines = lines_of("字" * 27 + "《书名》的字")
    assert lines[0] == "字" * 27 + "《书"  # one character pushed in rather than 《 left at the end
    lines = lines_of("字" * 27 + "《书》的字")
    assert lines[0] == "字" * 27  # 书》 cannot both come in: 《 goes out to the next line
    assert lines[1].startswith("《")


def test_dashes_and_ellipses_are_never_split() -> None:
    for mark in ("——", "……"):
        for before in range(25, 30):
            lines = lines_of("字" * before + mark + "字" * 10)
            assert all(mark in line or mark[0] not in line for line in lines), (before, lines)


def test_latin_words_and_numbers_are_kept_whole() -> None:
    text = "字" * 26 + "2018年"
    advances = [SIZE] * 26 + [SIZE / 2] * 4 + [SIZE]
    lines = break_lines(text, advances, (WIDTH, WIDTH), SPACING, SQUEEZE)
    assert [text[line.start : line.end] for line in lines] == ["字" * 26 + "2018", "年"]
    assert not may_break("ab", 1) and may_break("字字", 1) and may_break("a 字", 2)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="字词，。、“”《》（）——……ab1 ", min_size=60, max_size=300))
def test_bisecting_for_the_shortest_line_finds_the_breaks_walking_finds(text: str) -> None:
    advances = [SIZE if is_wide(char) else SIZE / 2 for char in text]
    bisected = break_lines(text, advances, (WIDTH - 2 * SIZE, WIDTH), SPACING, SQUEEZE)
    with mock.patch.object(linebreak._Paragraph, "first_end", lambda self, start, short_of: start + 1):
        walked = break_lines(text, advances, (WIDTH - 2 * SIZE, WIDTH), SPACING, SQUEEZE)
    assert bisected == walked


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="字词，。、“”《》（）——……ab1 ", min_size=60, max_size=300))
def test_ways_dearer_than_the_greedy_breaks_are_dropped_without_changing_the_best(text: str) -> None:
    advances = [SIZE if is_wide(char) else SIZE / 2 for char in text]
    bounded = break_lines(text, advances, (WIDTH - 2 * SIZE, WIDTH), SPACING, SQUEEZE)
    with mock.patch.object(linebreak, "_greedy_cost", lambda *arguments: float("inf")):  # every way followed
        unbounded = break_lines(text, advances, (WIDTH - 2 * SIZE, WIDTH), SPACING, SQUEEZE)
    assert bounded == unbounded


def widths_of(text: str) -> list[float]:
    return [SIZE if is_wide(char) else SIZE / 2 for char in text]


def test_a_long_url_breaks_after_its_separators_not_past_the_edge() -> None:
    text = "原文链接：https://www.example.gov.cn/news/2018/department/office/notice-of-the-meeting.html"
    lines = break_lines(text, widths_of(text), (WIDTH, WIDTH), 0.0, 0.0, ragged=True)  # never squeezed
    assert len(lines) == 2
    first = lines[0]
    assert text[first.end - 1] in linebreak.URL_SEPARATORS  # after a / . - and the like
    assert sum(widths_of(text)[first.start:first.end]) <= WIDTH + 0.01  # it fits unsqueezed


def test_an_unbreakable_run_longer_than_a_line_breaks_inside_rather_than_stretch_a_line() -> None:
    text = "字" * 25 + "并建立" + "a" * 120 + "字"
    lines = break_lines(text, widths_of(text), (WIDTH, WIDTH), SPACING, SQUEEZE)
    assert lines[0].end - lines[0].start >= 26  # not three characters stretched over the measure
    assert all(abs(line.spacing - SPACING) < 2 for line in lines[:-1])


def test_a_space_lets_no_closing_mark_start_a_line_and_no_opening_one_end_it() -> None:
    assert not may_break("JyK %", 4) and not may_break("（ x", 2) and may_break("a b", 2)


def test_a_title_breaks_only_at_the_offsets_it_is_given() -> None:
    text = "字" * 20 + "字" * 10
    lines = break_lines(text, widths_of(text), (WIDTH, WIDTH), 0.0, 0.0, only=frozenset({12}), ragged=True)
    assert [line.end for line in lines] == [12, 30]


def test_a_bold_dash_drawn_as_one_glyph_takes_one_gap_of_letter_spacing(tmp_path: Path) -> None:
    """Noto Serif CJK Bold draws —— as one glyph, and the renderer spaces letters once per glyph: a line
    that holds it and is squeezed or stretched to the measure must count one gap for the pair, or it ends
    past the right edge (by up to 0.6 pt before this was fixed). The dash is set at every place of a line."""
    import statistics

    import pdfplumber
    from project import build_issue

    filler = "全市各级工商联组织要坚持把服务民营经济高质量发展作为工作主线，推动各项工作落地见效。"
    body = [f"{'市工商联会员企业' * 4}"[:k] + "**——**" + filler * 3 for k in range(28)]
    pdf, _ = build_issue(tmp_path, body)
    ends: dict[bool, list[float]] = {True: [], False: []}
    with pdfplumber.open(pdf) as document:
        for page in document.pages:
            lines: list[list[dict[str, Any]]] = []
            for char in sorted(page.chars, key=lambda char: char["bottom"]):  # a line: one baseline (±5 pt)
                if lines and abs(char["bottom"] - lines[-1][-1]["bottom"]) < 5:
                    lines[-1].append(char)
                else:
                    lines.append([char])
            for line in lines:
                ends[any("—" in char["text"] for char in line)].append(max(char["x1"] for char in line))
    edge = statistics.mode(round(end, 1) for end in ends[False])  # where the full lines end
    full = [end for end in ends[True] if end > edge - 5]  # not the last lines of the paragraphs
    assert len(full) >= 20, full
    assert all(edge - 0.3 <= end <= edge + 0.15 for end in full), sorted(full)
