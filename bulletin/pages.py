"""Where text stands in an issue's PDF: its pages' text and article bookmarks, read once, and the page of a match."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from pathlib import Path

from pdfminer.pdfdocument import PDFNoOutlines
from pdfminer.pdftypes import PDFObjRef, resolve1
from pdfminer.psexceptions import PSException
from pdfplumber.pdf import PDF
from pdfplumber.utils.exceptions import PdfminerException

ARTICLE_LEVEL = 1  # the outline level of our PDFs' article bookmarks (one per article with a title)


class Unreadable(Exception):
    """A PDF whose pages or outline cannot be read."""


@dataclass(frozen=True)
class PrintedText:
    """An issue's text as its PDF prints it, compared as search compares: without white space (lines and letter
    spacing are the layout's, not the text's) and case-folded."""

    text: str  # every page's characters in the order they are drawn, page after page
    starts: tuple[int, ...]  # where each page begins in `text`
    articles: tuple[int, ...]  # the 0-based page of each article bookmark, in order

    @classmethod
    def of(cls, pages: list[str], articles: tuple[int, ...]) -> PrintedText:
        texts = [normal(page) for page in pages]
        starts = tuple(sum(len(text) for text in texts[:number]) for number in range(len(texts)))
        return cls("".join(texts), starts, articles)

    def page(self, term: str, headings: list[str], position: int) -> int | None:
        """The 1-based page where `term` first stands in the article at `position` (`headings`: each article's
        title on one line, "" for one without); else the page where the article begins, from its bookmark;
        None when neither is known (an article without a title, or bookmarks that are not one per title)."""
        start, end, begins = self._stretch(headings, position)
        found = self.text.find(normal(term), start, end) if normal(term) else -1
        return bisect_right(self.starts, found) if found >= 0 else begins

    def _stretch(self, headings: list[str], position: int) -> tuple[int, int, int | None]:
        """Where the article's text may stand: from its title (or the title before it, for an article without
        one) to the next title; and its bookmark's 1-based page."""
        titled = [number for number, heading in enumerate(headings) if heading]
        if len(titled) != len(self.articles):
            return 0, len(self.text), None
        titles = [self._title(headings[number], page) for number, page in zip(titled, self.articles, strict=True)]
        before = [index for index, number in enumerate(titled) if number <= position]
        after = [index for index, number in enumerate(titled) if number > position]
        start = titles[before[-1]] if before else 0
        end = titles[after[0]] if after else len(self.text)
        begins = self.articles[before[-1]] + 1 if before and titled[before[-1]] == position else None
        return start, end, begins

    def _title(self, heading: str, page: int) -> int:
        """Where a title stands on the page of its bookmark: the last place there that has its words (a 目录
        before it lists them too), else the page's start."""
        end = self.starts[page + 1] if page + 1 < len(self.starts) else len(self.text)
        found = self.text.rfind(normal(heading), self.starts[page], end)
        return found if found >= 0 else self.starts[page]


def normal(text: str) -> str:
    """Text as the PDF and the index are compared: without white space, case-folded."""
    return re.sub(r"\s+", "", text).casefold()


def read(path: Path) -> PrintedText:
    """The printed text and article bookmarks of a PDF (raises Unreadable)."""
    try:
        with PDF.open(path) as pdf:
            pages = ["".join(str(char["text"]) for char in page.chars) for page in pdf.pages]
            return PrintedText.of(pages, _bookmarks(pdf))
    except (PdfminerException, PSException) as error:
        raise Unreadable(str(error) or type(error).__name__) from None


def _bookmarks(pdf: PDF) -> tuple[int, ...]:
    """The 0-based page of each article bookmark (one whose page cannot be told is left out)."""
    numbers = {page.page_obj.pageid: number for number, page in enumerate(pdf.pages)}
    try:
        outline = list(pdf.doc.get_outlines())
    except PDFNoOutlines:
        return ()
    pages = []
    for level, _title, destination, _action, _structure in outline:
        target = resolve1(destination) if destination is not None else None
        page = target[0] if level == ARTICLE_LEVEL and isinstance(target, list) and target else None
        if isinstance(page, PDFObjRef) and page.objid in numbers:
            pages.append(numbers[page.objid])
    return tuple(pages)
