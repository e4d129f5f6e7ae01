"""Titles break between words (or where the editor broke them), in the PDF and the DOCX alike; tables
repeat their header and keep their rows in both; the DOCX sets Chinese and Latin as the PDF does."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pdfplumber
import pytest
from conftest import ISSUES
from lxml import etree
from project import build_issue

from bulletin import compose
from bulletin import layout as L
from bulletin.audit import Document
from bulletin.loader import load
from bulletin.model import Table
from bulletin.typeset import Typesetter
from bulletin.word import render_docx
from bulletin.words import boundaries

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
NS = {"w": W[1:-1]}
LONG_TITLE = "关于进一步加强和改进新时代民营经济统战工作的实施意见"  # 26 characters: two lines of 22 pt


def title_lines(pdf: Path) -> list[str]:
    """The lines of 22-pt text on page 1 (the title's)."""
    page = Document.read(pdf).pages[0]
    return [line.text for line in page.lines if line.sized(L.TITLE_SIZE_PT)]


def document_xml(docx: Path) -> Any:
    with zipfile.ZipFile(docx) as package:
        return etree.fromstring(package.read("word/document.xml"))


def data_tables(docx: Path) -> list[Any]:
    """The DOCX's tables but the masthead's (the first) and the colophon's (floated to the foot)."""
    tables = document_xml(docx).findall(".//w:tbl", NS)[1:]
    return [table for table in tables if table.find("w:tblPr/w:tblpPr", NS) is None]


def lines_of(element: Any) -> list[str]:
    """The text of a paragraph or cell, parted into lines at its w:br."""
    parts = ("\n" if node.tag == W + "br" else node.text or "" for node in element.iter(W + "t", W + "br"))
    return "".join(parts).split("\n")


def docx_title(docx: Path) -> list[str]:
    """The DOCX title paragraph's lines (its runs' text parted by w:br)."""
    for paragraph in document_xml(docx).iter(W + "p"):
        style = paragraph.find("w:pPr/w:pStyle", NS)
        if style is not None and style.get(W + "val") == "Title":
            return lines_of(paragraph)
    raise AssertionError("no Title paragraph")


def test_a_long_title_breaks_between_words_into_even_lines(tmp_path: Path) -> None:
    pdf, docx = build_issue(tmp_path, articles=[{"title": LONG_TITLE, "body": "正文。"}])
    lines = title_lines(pdf)
    assert "".join(lines) == LONG_TITLE and len(lines) == 2
    assert len(lines[0]) in boundaries(LONG_TITLE), lines  # between two words of jieba's dictionary
    assert abs(len(lines[0]) - len(lines[1])) <= 4, lines  # balanced, not 20 + 6
    assert docx_title(docx) == lines  # the DOCX breaks it where the PDF does


def test_the_editor_breaks_a_title_with_a_newline(tmp_path: Path) -> None:
    pdf, docx = build_issue(tmp_path, articles=[{"title": "嘉兴市工商联\n凝聚企业力量推进消薄工作", "body": "正文。"},
                                                {"title": "第二篇", "body": "正文。"}])
    assert title_lines(pdf)[:2] == ["嘉兴市工商联", "凝聚企业力量推进消薄工作"]  # though it fits on one line
    assert docx_title(docx) == ["嘉兴市工商联", "凝聚企业力量推进消薄工作"]
    with pdfplumber.open(pdf) as document:
        text = document.pages[0].extract_text()
        outline = [str(title) for _, title, *_ in document.doc.get_outlines()]
    assert "※嘉兴市工商联凝聚企业力量推进消薄工作" in text.replace(" ", "")  # the 目录 on one line
    assert outline == ["嘉兴市工商联凝聚企业力量推进消薄工作", "第二篇"]


def test_a_title_of_only_line_breaks_is_refused(tmp_path: Path) -> None:
    (tmp_path / "issues").mkdir()
    (tmp_path / "publication.yaml").write_bytes((ISSUES.parent / "publication.yaml").read_bytes())
    path = tmp_path / "issues" / "a.yaml"
    path.write_text('year: 2026\nnumber: 1\ndate: 2026-01-05\narticles:\n  - title: "\\n"\n    body: 正文。\n',
                    encoding="utf-8")
    with pytest.raises(Exception, match="标题要有文字，不能只有换行"):
        load(path)


def table_issue(rows: int) -> list[dict[str, Any]]:
    return [{"table": [["地区", "企业数", "说明"], *([f"第{i}区", str(i), "一段较长的说明文字"] for i in range(rows))]}]


def test_a_long_table_repeats_its_header_and_keeps_rows_in_both(tmp_path: Path) -> None:
    pdf, docx = build_issue(tmp_path, table_issue(60))
    with pdfplumber.open(pdf) as document:
        pages = [page.extract_text() for page in document.pages]
    continued = [text for text in pages if "第30区" in text or "第59区" in text]
    assert continued and all(text.replace(" ", "").count("地区企业数说明") == 1 for text in pages if "区" in text)
    rows = data_tables(docx)[-1].findall("w:tr", NS)
    assert rows[0].find("w:trPr/w:tblHeader", NS) is not None
    assert all(row.find("w:trPr/w:cantSplit", NS) is not None for row in rows)
    cells = [cell for row in rows for cell in row.findall("w:tc", NS)]
    assert all(cell.find("w:tcPr/w:vAlign", NS).get(W + "val") == "center" for cell in cells)
    kept = [i for i, row in enumerate(rows) if row.find(".//w:keepNext", NS) is not None]
    assert kept == [0, 1, len(rows) - 2]  # the header, and two rows on each side of any break


def test_two_tables_in_a_row_stay_two_in_the_docx(tmp_path: Path) -> None:
    _, docx = build_issue(tmp_path, [*table_issue(2), *table_issue(3)])
    body = document_xml(docx).find("w:body", NS)
    tags = [child.tag.split("}")[1] for child in body]
    first = tags.index("tbl", tags.index("tbl") + 1)  # after the masthead's table of issuers
    assert tags[first + 1] == "p" and tags[first + 2] == "tbl"  # Word and LibreOffice join adjacent tables


def test_the_docx_puts_no_space_between_chinese_and_latin_and_hangs_no_punctuation() -> None:
    loaded = load(ISSUES / "2018" / "2018-10.yaml")
    data = render_docx(loaded.issue, loaded.path.parent)
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        styles = etree.fromstring(package.read("word/styles.xml"))
    holders = [styles.find("w:docDefaults/w:pPrDefault/w:pPr", NS),
               *(s.find("w:pPr", NS) for s in styles.findall("w:style", NS) if s.get(W + "type") == "paragraph"
                 and s.find("w:pPr", NS) is not None and s.find("w:name", NS).get(W + "val") != "Normal")]
    ours = [h for h in holders if h is not None and h.find("w:jc", NS) is not None]  # the styles we set
    assert len(ours) >= len(compose.elements(loaded.issue))  # (a corrected edition's mark: none in a first)
    for holder in [holders[0], *ours]:
        for tag in ("autoSpaceDE", "autoSpaceDN", "overflowPunct"):
            assert holder.find(f"w:{tag}", NS).get(W + "val") == "0", (tag, etree.tostring(holder)[:200])


def test_an_issue_without_a_colophon_prints_none_of_its_rules(tmp_path: Path) -> None:
    pdf, docx = build_issue(tmp_path, distribution={}, contacts={}, signoff={})
    assert not [r for r in Document.read(pdf).pages[-1].rules if r.length_mm > 150 and not r.red]
    assert document_xml(docx).find(".//w:framePr", NS) is None


def test_the_docx_cells_break_where_the_pdfs_do(tmp_path: Path) -> None:
    cells = [["一", "二"], ["嘉兴市工商联凝聚企业力量强势推进消薄工作的各项措施", "二"]]
    pdf, docx = build_issue(tmp_path, [{"table": cells, "widths": [1, 3]}])
    loaded = load(tmp_path / "issues" / "a.yaml")
    (table,) = [b for b in loaded.issue.articles[0].body if isinstance(b, Table)]
    cell = Typesetter(loaded.issue, loaded.path.parent).table(table).rows[0][0]
    assert cell.count("\n") >= 2
    tbl = data_tables(docx)[-1]
    first = tbl.findall("w:tr", NS)[1].find("w:tc", NS)
    assert "\n".join(lines_of(first)) == cell
