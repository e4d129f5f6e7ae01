"""The archive catalogue (HTML pages by year) and the yearly compilation PDF (年度汇编)."""

from __future__ import annotations

import io
import itertools
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote

import pdfplumber
import pytest
import yaml
from archive_factory import make_archive
from pdfplumber.pdf import PDF

from bulletin import i18n
from bulletin.archive import Entry, Latest, scan
from bulletin.catalogue import compile_year, write_catalogue
from bulletin.html import render_html
from bulletin.pdf import render_pdf
from bulletin.typeset import Typesetter

TITLE_SIZE = 22.0  # article titles are set 二号; nothing else of an issue is
ESCAPED = "<b>&"


@pytest.fixture(scope="module")
def entries(tmp_path_factory: pytest.TempPathFactory) -> list[Entry]:
    """Three issues a year for 2017 and 2018 (2018's of three articles each, with a 目录), a 增刊 of 2017 dated
    before its main issues, a title with HTML in it, and one file that does not load."""
    root = tmp_path_factory.mktemp("archive")
    # 总第N期 from 100: the factory alternates its two reference issues so that 2018 gets the one of three articles.
    paths = make_archive(root, {2017: 3, 2018: 3}, first_serial=100)
    second = next(path for path in paths if path.stem == "2018-02")
    data = yaml.safe_load(second.read_text(encoding="utf-8"))
    data["articles"][1]["title"] = data["articles"][1]["title"].replace("：", f"：{ESCAPED}", 1)
    second.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    supplement = yaml.safe_load((root / "issues" / "2017" / "2017-01.yaml").read_text(encoding="utf-8"))
    supplement.update(kind="增刊", number=1, serial=None, date="2017-01-02")
    supplement["articles"][0]["title"] = "增刊：全年回顾"
    (root / "issues" / "2017" / "2017-z01.yaml").write_text(yaml.safe_dump(supplement, allow_unicode=True),
                                                            encoding="utf-8")
    (root / "issues" / "2017" / "2017-04.yaml").write_text("year: [\n", encoding="utf-8")
    found = scan(root / "issues")
    assert len(found) == 8 and sum(entry.loaded is None for entry in found) == 1
    return found


def issues_of(entries: list[Entry], year: int) -> list[Entry]:
    """A year's issues in the order the catalogue and the compilation keep: main sequence, then 增刊."""
    return sorted((e for e in entries if e.loaded and e.issue.year == year),
                  key=lambda e: (e.issue.supplement, e.issue.number))


# --- the HTML catalogue ---------------------------------------------------------------------------------


Catalogue = tuple[Path, dict[str, Latest], list[Path]]


@pytest.fixture(scope="module")
def catalogue(entries: list[Entry], tmp_path_factory: pytest.TempPathFactory) -> Catalogue:
    """The catalogue of `entries`: 2017's issues published (2017-02 in a corrected edition), 2018-01 and
    2018-02 built but not published, 2018-03 not built. In Chinese (a module's fixture runs before the
    autouse one that sets it)."""
    i18n.use("zh")
    base = tmp_path_factory.mktemp("site")
    files: dict[str, Latest] = {}
    for entry in entries:
        if entry.loaded is None:
            continue
        stem = entry.issue.stem
        if stem == "2018-03":
            files[stem] = Latest({})
            continue
        published = entry.issue.year == 2017
        folder = base / ("archive" if published else "build") / str(entry.issue.year)
        folder.mkdir(parents=True, exist_ok=True)
        paths = {"pdf": folder / f"gslxx-{stem}.pdf"}
        if stem != "2018-02":  # one issue without its DOCX
            paths["docx"] = folder / f"工商联信息 {stem}.docx"  # a name to be quoted
        for key, path in paths.items():
            path.write_bytes(f"{stem}.{key}".encode())
        files[stem] = Latest(paths, (2 if stem == "2017-02" else 1) if published else 0)
    out = base / "catalogue"
    written = write_catalogue(entries, out, files)
    return out, files, written


def rows(page: str) -> list[str]:
    return re.findall(r"<tr[^>]*>\n(.*?)</tr>", page, re.S)


def test_catalogue_writes_an_index_and_a_page_per_year(catalogue: Catalogue) -> None:
    out, _, written = catalogue
    assert sorted(written) == sorted([out / "index.html", out / "2017.html", out / "2018.html"])
    assert not [path for path in out.iterdir() if path.name.endswith(".part")]
    index = (out / "index.html").read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in index and '<meta charset="utf-8">' in index and "<title>" in index
    assert index.index('href="2018.html"') < index.index('href="2017.html"')  # newest year first
    assert index.index('<section id="y2018">') < index.index('<section id="y2017">')


@pytest.mark.parametrize("year", [2017, 2018])
def test_a_year_page_lists_its_issues_in_order(entries: list[Entry], year: int,
                                               catalogue: Catalogue) -> None:
    out = catalogue[0]
    page = (out / f"{year}.html").read_text(encoding="utf-8")
    found = rows(page)
    expected = issues_of(entries, year)
    assert len(found) == len(expected) == (4 if year == 2017 else 3)
    for row, entry in zip(found, expected, strict=True):
        issue = entry.issue
        assert issue.issue_line in row and issue.date_text in row
        assert ("增刊" in row) == issue.supplement
        items = re.findall(r"<li>(.*?)</li>", row)
        assert items == [(article.title or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                         for article in issue.articles]
    if year == 2017:
        assert "增刊：全年回顾" in found[-1]  # after the main sequence, though dated first
    # The index holds the same rows, year by year.
    index = (out / "index.html").read_text(encoding="utf-8")
    assert all(row in index for row in found)


def test_links_are_relative_and_point_at_copies_of_the_files(entries: list[Entry], catalogue: Catalogue) -> None:
    out, files, _ = catalogue
    for year in (2017, 2018):
        page = (out / f"{year}.html").read_text(encoding="utf-8")
        for row, entry in zip(rows(page), issues_of(entries, year), strict=True):
            links = dict((label, href) for href, label in re.findall(r'<a href="([^"]+)">(PDF|DOCX)</a>', row))
            outputs = files[entry.issue.stem].paths
            assert sorted(links) == sorted(key.upper() for key in outputs)
            for key, path in outputs.items():
                href = links[key.upper()]
                assert not href.startswith(("/", "file:", "..")) and " " not in href and "\\" not in href
                copy = out / unquote(href)
                assert copy.is_relative_to(out / "files" / str(year)) and copy.read_bytes() == path.read_bytes()


def test_the_site_stands_on_its_own_wherever_it_is_copied(catalogue: Catalogue, tmp_path: Path) -> None:
    """Copied away from the archive and the build (which are then gone), every link of every page opens."""
    out = catalogue[0]
    moved = tmp_path / "elsewhere" / "site"
    shutil.copytree(out, moved)
    checked = 0
    for page in moved.glob("*.html"):
        for href in re.findall(r'href="([^"]+)"', page.read_text(encoding="utf-8")):
            target = (page.parent / unquote(href)).resolve()
            assert target.is_file() and target.is_relative_to(moved), f"{page.name}: {href}"
            checked += 1
    assert checked > 20


def test_the_catalogue_tells_published_issues_from_the_others(entries: list[Entry], catalogue: Catalogue) -> None:
    out = catalogue[0]
    marks = {}
    for year in (2017, 2018):
        page = (out / f"{year}.html").read_text(encoding="utf-8")
        for row, entry in zip(rows(page), issues_of(entries, year), strict=True):
            marks[entry.issue.stem] = re.findall(r'<span class="status">(.*?)</span>', row)
    assert marks == {"2017-01": ["已发布"], "2017-02": ["已发布（更正版）"], "2017-03": ["已发布"],
                     "2017-z01": ["已发布"], "2018-01": ["未发布（最近一次排版稿）"],
                     "2018-02": ["未发布（最近一次排版稿）"], "2018-03": ["未发布，未排版"]}
    page = (out / "2018.html").read_text(encoding="utf-8")
    assert page.count('<tr class="draft">') == 2 and page.count('<tr class="unbuilt">') == 1


def test_a_file_no_longer_linked_leaves_the_site(entries: list[Entry], tmp_path: Path) -> None:
    """A superseded edition's copy is swept from files/; an unchanged file is not copied again."""
    loaded = [entry for entry in entries if entry.loaded and entry.issue.stem == "2017-01"]
    first, second = tmp_path / "gslxx-2017-01.pdf", tmp_path / "gslxx-2017-01-v2.pdf"
    first.write_bytes(b"one")
    second.write_bytes(b"two")
    out = tmp_path / "site"
    write_catalogue(loaded, out, {"2017-01": Latest({"pdf": first}, 1)})
    copy = out / "files" / "2017" / first.name
    before = copy.stat().st_mtime_ns, copy.stat().st_ino
    write_catalogue(loaded, out, {"2017-01": Latest({"pdf": first}, 1)})
    assert (copy.stat().st_mtime_ns, copy.stat().st_ino) == before
    write_catalogue(loaded, out, {"2017-01": Latest({"pdf": second}, 2)})
    assert sorted(path.name for path in (out / "files").rglob("*") if path.is_file()) == [second.name]


def test_the_pages_escape_what_they_show(catalogue: Catalogue) -> None:
    out = catalogue[0]
    for name in ("2018.html", "index.html"):
        page = (out / name).read_text(encoding="utf-8")
        assert "&lt;b&gt;&amp;" in page and ESCAPED not in page


# --- the yearly compilation ------------------------------------------------------------------------------


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def title_text(page: pdfplumber.page.Page) -> str:
    """The text set at the size of article titles."""
    return "".join(char["text"] for char in page.chars if abs(char["size"] - TITLE_SIZE) < 0.1)


@pytest.fixture(scope="module")
def compiled(entries: list[Entry]) -> bytes:
    return compile_year(entries, 2018)


@pytest.fixture(scope="module")
def compilation(compiled: bytes) -> Iterator[PDF]:
    with pdfplumber.open(io.BytesIO(compiled)) as pdf:
        yield pdf


def own_page_texts(entries: list[Entry]) -> list[list[str]]:
    """Each 2018 issue's own PDF, page by page."""
    texts = []
    for entry in issues_of(entries, 2018):
        with pdfplumber.open(io.BytesIO(render_pdf(
                render_html(entry.issue, Typesetter(entry.issue, entry.path.parent)), entry.path.parent))) as pdf:
            texts.append([page.extract_text() for page in pdf.pages])
    return texts


def test_the_compilation_opens_with_its_contents(entries: list[Entry], compilation: PDF) -> None:
    first = squeeze(compilation.pages[0].extract_text())
    assert "工商联信息2018年汇编" in first
    titles = [article.title for entry in issues_of(entries, 2018) for article in entry.issue.articles]
    assert len(titles) == 9
    contents = "".join(squeeze(page.extract_text() or "") for page in compilation.pages[:2])
    assert all(squeeze(title or "") in contents for title in titles)
    assert all(squeeze(title or "") in first for title in titles[:3])
    assert compilation.metadata["Title"] == "工商联信息 2018年汇编"


PAGE_NUMBER = re.compile(r"—\s*(\d+)\s*—")


def test_the_issues_follow_the_contents_numbered_on(entries: list[Entry], compilation: PDF) -> None:
    """Each issue as it prints on its own, but its pages numbered as the compilation's (odd numbers on the
    right, even on the left), each issue beginning on an odd page, a blank page before it where needed."""
    own = own_page_texts(entries)
    pages = compilation.pages
    texts = [page.extract_text() for page in pages]
    index = next(index for index, text in enumerate(texts) if PAGE_NUMBER.search(text))  # the contents: unnumbered
    assert index >= 1 and "汇编" in texts[0]
    for issue in own:
        if (index + 1) % 2 == 0:
            assert texts[index] == "" and not pages[index].chars, f"page {index + 1} should be left blank"
            index += 1
        for text in issue:
            number = PAGE_NUMBER.findall(texts[index])
            assert number == [str(index + 1)], f"page {index + 1} prints {number}"
            assert PAGE_NUMBER.sub("", texts[index]) == PAGE_NUMBER.sub("", text)
            lowest = max(char["top"] for char in pages[index].chars)  # the page number's line
            on_right = min(char["x0"] for char in pages[index].chars if char["top"] == lowest) > pages[index].width / 2
            assert on_right == ((index + 1) % 2 == 1), f"page {index + 1}'s number is on the wrong side"
            index += 1
    assert index == len(pages)


def test_the_contents_give_the_page_of_each_article(entries: list[Entry], compilation: PDF) -> None:
    pages = compilation.pages
    titled = [squeeze(title_text(page)) for page in pages]
    leading = itertools.takewhile(lambda page: "·" in page.extract_text(), pages)  # the leaders of the contents
    contents = "".join(re.sub(r"[^\S\n]+", "", page.extract_text()) + "\n" for page in leading)
    checked = 0
    for entry in issues_of(entries, 2018):
        for article in entry.issue.articles:
            # The title, wrapped anywhere, its leader, and the number that ends the line.
            title = "\n?".join(re.escape(char) for char in squeeze(article.toc_entry))
            match = re.search(title + r"\n?[·.…]*(\d+)\n", contents)
            assert match, f"no page number after {article.toc_entry!r} in the contents"
            number = int(match.group(1))
            on = [index + 1 for index, text in enumerate(titled) if squeeze(article.title or "") in text]
            assert on == [number], f"{article.title}: the contents say page {number}, the title is on {on}"
            checked += 1
    assert checked == 9


def test_the_compilation_is_reproducible(entries: list[Entry], compiled: bytes) -> None:
    assert compile_year(entries, 2018) == compiled


def test_a_year_without_issues_is_an_error(entries: list[Entry]) -> None:
    from bulletin.errors import BulletinError

    with pytest.raises(BulletinError, match="2016年没有可汇编的刊期"):
        compile_year(entries, 2016)


@pytest.mark.parametrize(("contents", "lengths", "starts"), [
    (1, [3, 4, 1], [3, 7, 11]),  # blank pages 2 and 6; the four pages 7-10 end on an even page
    (2, [2, 5], [3, 5]),
    (3, [1], [5]),
])
def test_each_issue_of_a_compilation_begins_on_an_odd_page(contents: int, lengths: list[int],
                                                           starts: list[int]) -> None:
    from bulletin.catalogue import _starts

    assert _starts(contents, lengths) == starts
