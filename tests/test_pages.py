"""The page of a match in an issue's printed text: within its article, else where the article begins."""

from __future__ import annotations

from pathlib import Path

import pytest

from bulletin.pages import PrintedText, Unreadable, read

# Three pages: a 目录 that lists both titles above the first article, the second article from page 2 on, and a
# brief (no title) after it on page 3. Bookmarks: the first article on page 1, the second on page 2.
PAGES = ["目录 甲文标题 乙文标题\n甲文标题 甲文讲到 融资。", "乙文标题 乙文\n讲到用工 与融\n",
         "资。简讯讲到 Loan 与融资。"]
HEADINGS = ["甲文标题", "乙文标题", ""]
PRINTED = PrintedText.of(PAGES, (0, 1))


@pytest.mark.parametrize(("term", "position", "page"), [
    ("融资", 0, 1),
    ("融资", 1, 2),  # across the break of pages 2 and 3: where it begins
    ("用工", 1, 2),
    ("简讯", 2, 3),  # the brief, after the second article
    ("loan", 2, 3),  # case-folded, as the index is
    ("乙文 讲到", 1, 2),  # white space is the layout's: a line break or a space in the query alike
    ("甲文标题", 0, 1),
    ("不在", 0, 1),  # not printed: where the article begins
    ("不在", 2, None),  # … which a brief has no bookmark to tell
])
def test_the_page_of_a_match_is_in_its_article(term: str, position: int, page: int | None) -> None:
    assert PRINTED.page(term, HEADINGS, position) == page


def test_the_title_is_where_the_article_begins_not_its_entry_in_the_contents() -> None:
    pages = ["目录 甲文标题 乙文：叶伟达讲话 甲文标题 正文", "叶伟达出席", "乙文标题 叶伟达讲话"]
    printed = PrintedText.of(pages, (0, 2))
    assert printed.page("叶伟达", HEADINGS, 0) == 2  # not the 目录's entry above the title on page 1
    assert printed.page("叶伟达", HEADINGS, 1) == 3


def test_bookmarks_that_are_not_one_per_title_are_not_trusted() -> None:
    printed = PrintedText.of(PAGES, (0,))
    assert printed.page("融资", HEADINGS, 1) == 1  # the first in the whole text
    assert printed.page("不在", HEADINGS, 1) is None


def test_a_file_that_is_not_a_pdf_is_unreadable(tmp_path: Path) -> None:
    path = tmp_path / "a.pdf"
    path.write_bytes(b"%PDF-1.7 not a PDF after all")
    with pytest.raises(Unreadable):
        read(path)
