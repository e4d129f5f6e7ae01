"""Full-text search: the index of a generated archive, searches over it, and its incremental updates."""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pdfplumber
import pytest
import yaml
from archive_factory import SOURCES, make_archive
from conftest import ISSUES, ROOT

from bulletin.cli import main
from bulletin.model import Article
from bulletin.search import Hit, IndexReport, Layout, article_text, format_hit, index, search, snippet, terms

# make_archive takes the reference issue and the topic from the parity of serial + number, which is the same for
# every issue of a year and flips after a year with an odd count: 5, 6, 7 gives issues from both reference
# texts and every topic (6, 6, 6 would make all 18 from 2018-06).
YEARS = {2016: 5, 2017: 6, 2018: 7}
EVERYTHING = 100_000  # a limit that is no limit


@dataclass(frozen=True)
class Archive:
    """A generated archive and its index."""

    issues: Path
    database: Path
    paths: list[Path]
    report: IndexReport

    def texts(self) -> dict[str, str]:
        """Each issue's stem and the text of its articles, straight from its YAML (the test oracle)."""
        texts = {}
        for path in sorted(self.issues.rglob("*.yaml")):
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
            texts[path.stem] = "\n".join(_strings(data["articles"]))
        return texts

    def containing(self, term: str) -> set[str]:
        """The stems of the issues whose articles contain `term` (ignoring ASCII case, as the index does)."""
        return {stem for stem, text in self.texts().items() if term.lower() in text.lower()}

    def containing_all(self, terms: list[str]) -> set[str]:
        """The stems of the issues with an article that contains every one of `terms`."""
        stems = set()
        for path in sorted(self.issues.rglob("*.yaml")):
            for article in yaml.safe_load(path.read_text(encoding="utf-8"))["articles"]:
                text = "\n".join(_strings(article)).lower()
                if all(term.lower() in text for term in terms):
                    stems.add(path.stem)
        return stems


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _build(root: Path, years: dict[int, int]) -> Archive:
    paths = make_archive(root, years)
    database = root / "search.sqlite"
    return Archive(root / "issues", database, paths, index(root / "issues", database))


def _stems(hits: list[Hit]) -> set[str]:
    return {hit.stem for hit in hits}


def _first_title(path: Path) -> str:
    return str(yaml.safe_load(path.read_text(encoding="utf-8"))["articles"][0]["title"])


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Archive:
    return _build(tmp_path_factory.mktemp("archive"), YEARS)


@pytest.fixture
def small(tmp_path: Path) -> Archive:
    """An archive of its own, for the tests that change files."""
    return _build(tmp_path, {2017: 3, 2018: 3})


# --- searching -------------------------------------------------------------------------------------------------


def test_index_reads_every_file(archive: Archive) -> None:
    assert archive.report == IndexReport(added=sum(YEARS.values()))


def test_phrase_finds_exactly_the_issues_made_from_the_text_that_has_it(archive: Archive) -> None:
    phrase = "雅莹集团"
    reference = {source.stem: source.read_text(encoding="utf-8") for source in SOURCES}
    assert phrase in reference["2018-10"] and phrase not in reference["2018-06"]
    from_2018_10 = {path.stem for path in archive.paths
                    if _first_title(path).endswith(yaml.safe_load(reference["2018-10"])["articles"][0]["title"])}
    assert 0 < len(from_2018_10) < len(archive.paths)  # both reference texts are in the archive
    hits = search(archive.database, phrase, EVERYTHING)
    assert _stems(hits) == from_2018_10 == archive.containing(phrase)
    assert len(hits) == len(from_2018_10)  # 2018-10 has one article


@pytest.mark.parametrize("phrase", ["千企结千村", "消灭薄弱村", "商协会党组织", "乡村振兴"])
def test_phrases_find_the_issues_that_contain_them(archive: Archive, phrase: str) -> None:
    expected = archive.containing(phrase)
    assert expected
    assert _stems(search(archive.database, phrase, EVERYTHING)) == expected


def test_two_characters(archive: Archive) -> None:
    hits = search(archive.database, "消薄", EVERYTHING)
    assert hits and _stems(hits) == archive.containing("消薄")
    assert all("【消薄】" in hit.snippet for hit in hits)


def test_topic_finds_only_its_issues(archive: Archive) -> None:
    topic = "商会建设"
    expected = {path.stem for path in archive.paths if _first_title(path).startswith(f"{topic}：")}
    assert 0 < len(expected) < len(archive.paths)
    hits = search(archive.database, topic, EVERYTHING)
    assert _stems(hits) == expected
    assert all(hit.title.startswith(f"{topic}：") for hit in hits)


@pytest.mark.parametrize("term", ["千企结千村", "消薄", "商会建设"])
def test_snippets_mark_the_match(archive: Archive, term: str) -> None:
    for hit in search(archive.database, term, EVERYTHING):
        assert f"【{term}】" in hit.snippet
        assert "\n" not in hit.snippet
        assert len(hit.snippet) <= 2 * 20 + len(term) + 4


def test_newest_first_and_limit(archive: Archive) -> None:
    hits = search(archive.database, "千企结千村", EVERYTHING)
    dates = [hit.date for hit in hits]
    assert dates == sorted(dates, reverse=True)
    assert hits[0].stem == max(archive.containing("千企结千村"))  # stems sort as their issues do here
    assert search(archive.database, "千企结千村", 3) == hits[:3]
    assert len(search(archive.database, "千企结千村")) == min(50, len(hits))
    two = search(archive.database, "消薄", EVERYTHING)
    assert search(archive.database, "消薄", 4) == two[:4]


def test_term_is_stripped(archive: Archive) -> None:
    assert search(archive.database, "  雅莹集团\n") == search(archive.database, "雅莹集团")


@pytest.mark.parametrize("term", ["", "消", "  消 ", "\n"])
def test_one_character_is_refused(archive: Archive, term: str) -> None:
    with pytest.raises(ValueError, match="检索词至少要两个字"):
        search(archive.database, term)


@pytest.mark.parametrize("term", ['""', "''", '"雅莹', '雅莹"', 'a"b"c', "' OR 1=1 --", "'); DROP TABLE files; --",
                                  "%%", "__", "消%", "%薄", "消_", "_薄", "消薄%", "_薄弱", "\\%", "消\\",
                                  "NEAR(消薄 工作)", "消薄*", "text:消薄", "消薄 OR 工作", "^消薄", "雅莹集团\"'%_"])
def test_quotes_and_sql_characters_are_literal(archive: Archive, term: str) -> None:
    """No error, and the characters are matched as themselves (an unescaped % or _ would match far more);
    a query of words, each of two characters or more, asks for all of them."""
    assert _stems(search(archive.database, term, EVERYTHING)) == archive.containing_all(terms(term))


@pytest.mark.parametrize(("query", "expected"), [
    ("融资 用工", ["融资", "用工"]), ('"民营 经济" 融资', ["民营 经济", "融资"]), ("“民营 经济”", ["民营 经济"]),
    ("  雅莹集团 ", ["雅莹集团"]), ("' OR 1=1 --", ["' OR 1=1 --"]), ('""', ['""']), ('a"b"c', ['a"b"c']),
    ("消 薄", ["消 薄"]),  # a part of one character: the query is one phrase
])
def test_a_query_is_its_words_and_its_phrases_in_quotes(query: str, expected: list[str]) -> None:
    assert terms(query) == expected


def test_a_search_of_two_words_finds_the_articles_with_both(archive: Archive) -> None:
    both = _stems(search(archive.database, "消薄 民营", EVERYTHING))
    assert both == archive.containing_all(["消薄", "民营"])
    assert both and both <= archive.containing("消薄") and both <= archive.containing("民营")
    assert _stems(search(archive.database, "消薄 不在任何一期里的词", EVERYTHING)) == set()


def test_no_index(tmp_path: Path) -> None:
    missing = tmp_path / "search.sqlite"
    with pytest.raises(FileNotFoundError, match="bulletin index"):
        search(missing, "雅莹集团")
    assert not missing.exists()


@pytest.mark.parametrize(("layout", "page", "where"), [
    ("current", 3, "第3页"), ("current", None, "页码不明（PDF中未找到）"),
    ("stale", None, "排版已过期（PDF早于期刊文件）"),
    ("none", None, "未排版（本期没有PDF）"),
])
def test_format_hit(layout: Layout, page: int | None, where: str) -> None:
    hit = Hit("2018-10", "2018年第10期", "2018-06-05", "嘉兴市工商联凝聚企业力量强势推进消薄工作",
              "…全省“【千企结千村】、消灭…", layout, page)
    assert format_hit(hit) == (f"2018-10 2018年第10期 (2018-06-05) {where} 嘉兴市工商联凝聚企业力量强势推进消薄工作: "
                               "…全省“【千企结千村】、消灭…")


def test_snippet() -> None:
    assert snippet("短文中的\n词语", "词语") == "短文中的 【词语】"
    text = "甲" * 30 + "目标" + "乙" * 30
    assert snippet(text, "目标") == "…" + "甲" * 20 + "【目标】" + "乙" * 20 + "…"
    assert snippet("Bulletin text", "TEXT") == "Bulletin 【text】"


def test_article_text_has_every_field() -> None:
    article = Article.model_validate({
        "kicker": "引题", "title": "标题", "subtitle": "副题", "byline": "作者", "dateline": "日期", "note": "按语",
        "body": ["第一段**加粗**文字。\n\n# 一、小标题",
                 {"photo": "a.png", "caption": "图说", "credit": "某某 摄"},
                 {"table": [["表头甲", "表头乙"], ["单元格", "数据"]], "caption": "表题"}],
    })
    assert article_text(article).split("\n") == ["引题", "标题", "副题", "作者", "日期", "按语", "第一段加粗文字。",
                                                  "一、小标题", "图说", "某某 摄", "表题", "表头甲", "表头乙",
                                                  "单元格", "数据"]


# --- keeping the index up to date ------------------------------------------------------------------------------


def test_reindex_unchanged(small: Archive) -> None:
    assert small.report == IndexReport(added=6)
    assert index(small.issues, small.database) == IndexReport(unchanged=6)


def test_edited_file_is_reindexed(small: Archive) -> None:
    path = small.paths[4]
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    old = data["articles"][0]["title"]
    assert path.stem in _stems(search(small.database, old, EVERYTHING))
    data["articles"][0]["title"] = "全新标题：修订后的文章"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    assert index(small.issues, small.database) == IndexReport(updated=1, unchanged=5)
    assert [hit.stem for hit in search(small.database, "修订后的文章")] == [path.stem]
    assert search(small.database, "修订后的文章")[0].title == "全新标题：修订后的文章"
    assert path.stem not in _stems(search(small.database, old, EVERYTHING))
    assert _stems(search(small.database, old, EVERYTHING)) == small.containing(old)


def test_deleted_file_is_dropped(small: Archive) -> None:
    path = small.paths[0]
    assert path.stem in _stems(search(small.database, "市工商联", EVERYTHING))
    path.unlink()
    assert index(small.issues, small.database) == IndexReport(removed=1, unchanged=5)
    assert _stems(search(small.database, "市工商联", EVERYTHING)) == {p.stem for p in small.paths[1:]}


def test_invalid_file_is_skipped_and_counted(small: Archive) -> None:
    broken = small.issues / "2018" / "2018-04.yaml"
    broken.write_text("year: 2018\nnumber: [\n", encoding="utf-8")
    report = index(small.issues, small.database)
    assert (report.added, report.updated, report.removed, report.unchanged, report.skipped) == (0, 0, 0, 6, 1)
    assert report.problems and all("2018-04.yaml" in problem.file for problem in report.problems)
    assert "1 skipped" in str(report)
    # still invalid: skipped again, not taken for unchanged
    assert index(small.issues, small.database).skipped == 1


def test_indexed_file_turned_invalid_leaves_the_index(small: Archive) -> None:
    path = small.paths[0]
    good = path.read_bytes()
    path.write_text(path.read_text(encoding="utf-8").replace("number: 1\n", "number: zero\n"), encoding="utf-8")
    report = index(small.issues, small.database)
    assert (report.added, report.updated, report.removed, report.unchanged, report.skipped) == (0, 0, 0, 5, 1)
    assert path.stem not in _stems(search(small.database, "市工商联", EVERYTHING))
    path.write_bytes(good)
    assert index(small.issues, small.database) == IndexReport(added=1, unchanged=5)
    assert path.stem in _stems(search(small.database, "市工商联", EVERYTHING))


def test_index_of_another_schema_version_is_rebuilt(small: Archive) -> None:
    with closing(sqlite3.connect(small.database)) as db:
        db.execute("PRAGMA user_version = 999")
    assert index(small.issues, small.database) == IndexReport(added=6)
    assert search(small.database, "市工商联")


# --- scale (no timings: this only shows that a few hundred issues index and search as they should) ------------


def test_three_hundred_issues(tmp_path: Path) -> None:
    years = {2000 + i: 20 for i in range(15)} | {2000: 21, 2014: 19}  # 300, from both reference texts
    big = _build(tmp_path, years)
    assert big.report == IndexReport(added=300)
    for term in ("雅莹集团", "消薄"):
        expected = big.containing(term)
        assert expected
        hits = search(big.database, term, EVERYTHING)
        assert _stems(hits) == expected
        assert search(big.database, term) == hits[:50]
    assert index(big.issues, big.database) == IndexReport(unchanged=300)


# --- the page of a hit: the sample issues built into PDFs -------------------------------------------------------


@dataclass(frozen=True)
class Project:
    """The sample issues and their PDFs in build/, indexed."""

    root: Path

    @property
    def issues(self) -> Path:
        return self.root / "issues"

    @property
    def build(self) -> Path:
        return self.root / "build"

    @property
    def database(self) -> Path:
        return self.root / "build" / "search.sqlite"

    def index(self) -> IndexReport:
        return index(self.issues, self.database, self.build)

    def hits(self, query: str) -> list[tuple[str, str, str]]:
        """Each hit's stem, title and where it is, as the CLI prints it (the index brought up to date first)."""
        self.index()
        return [(hit.stem, hit.title, format_hit(hit).split(" ")[3]) for hit in search(self.database, query)]


def _printed_pages(pdf: Path, term: str) -> list[int]:
    """The 1-based pages whose characters hold `term` (the oracle: pdfplumber, line breaks and all)."""
    with pdfplumber.open(pdf) as document:
        return [number for number, page in enumerate(document.pages, start=1)
                if term in "".join(char["text"] for char in page.chars)]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("laid-out")
    shutil.copyfile(ROOT / "publication.yaml", root / "publication.yaml")
    shutil.copytree(ISSUES, root / "issues")
    assert main(["build", str(root / "issues"), "--out", str(root / "build"), "--format", "pdf"]) == 0
    return root


@pytest.fixture
def project(built: Path, tmp_path: Path) -> Project:
    """A copy of the built project of its own (copied with the files' times, so the PDFs stay newer)."""
    shutil.copytree(built, tmp_path / "project")
    project = Project(tmp_path / "project")
    assert project.index() == IndexReport(added=2, pdfs_read=2)
    return project


def test_a_hit_says_the_page_where_its_term_is_printed(project: Project) -> None:
    pdf = project.build / "2018-10.pdf"
    assert _printed_pages(pdf, "雅莹集团") == [2, 4, 5]  # first on page 2: not the article's page 1
    assert project.hits("雅莹集团") == [("2018-10", "嘉兴市工商联凝聚企业力量强势推进消薄工作", "第2页")]
    assert _printed_pages(pdf, "燃气集团") == [3]
    # the page of the query's first term
    assert project.hits("燃气集团 市工商联") == [("2018-10", "嘉兴市工商联凝聚企业力量强势推进消薄工作", "第3页")]
    assert project.hits("市工商联 燃气集团") == [("2018-10", "嘉兴市工商联凝聚企业力量强势推进消薄工作", "第1页")]


def test_each_article_gives_the_page_of_its_own_match(project: Project) -> None:
    """叶伟达 is in all three articles of 2018-06 and in the 目录 on page 1 (the third one's toc_title): each hit
    gives the page where its own article prints the name."""
    assert _printed_pages(project.build / "2018-06.pdf", "叶伟达") == [1, 3]
    assert [hit for hit in project.hits("叶伟达") if hit[0] == "2018-06"] == [
        ("2018-06", "市委常委会专题听取市工商联工作情况汇报", "第1页"),
        ("2018-06", "市工商联召开所属商协会党组织党建工作会议", "第3页"),
        ("2018-06", "在市工商联所属商协会党组织党建工作会议上的讲话摘要", "第3页"),
    ]


def test_a_match_that_is_not_on_one_page_gives_the_page_where_the_article_begins(project: Project) -> None:
    pdf = project.build / "2018-10.pdf"
    assert _printed_pages(pdf, "评价结") == [2] and _printed_pages(pdf, "果作为") == [3]  # broken by the page
    assert project.hits("评价结果作为") == [("2018-10", "嘉兴市工商联凝聚企业力量强势推进消薄工作", "第1页")]


def test_an_issue_without_a_pdf_says_so(project: Project) -> None:
    (project.build / "2018-06.pdf").unlink()
    assert {hit[2] for hit in project.hits("叶伟达") if hit[0] == "2018-06"} == {"未排版（本期没有PDF）"}
    with closing(sqlite3.connect(project.database)) as db:
        assert db.execute("SELECT count(*) FROM pdfs").fetchone() == (1,)  # its text is dropped


def test_an_issue_file_newer_than_its_pdf_says_the_pdf_is_out_of_date(project: Project) -> None:
    issue, pdf = project.issues / "2018" / "2018-10.yaml", project.build / "2018-10.pdf"
    os.utime(issue, ns=(pdf.stat().st_mtime_ns + 1, pdf.stat().st_mtime_ns + 1))
    assert project.hits("雅莹集团") == [("2018-10", "嘉兴市工商联凝聚企业力量强势推进消薄工作",
                                     "排版已过期（PDF早于期刊文件）")]
    os.utime(pdf, ns=(issue.stat().st_mtime_ns + 1, issue.stat().st_mtime_ns + 1))  # built again, as it was
    assert project.index() == IndexReport(unchanged=2, pdfs_read=1)
    assert project.hits("雅莹集团")[0][2] == "第2页"


def test_each_pdf_is_read_once(project: Project) -> None:
    assert project.index() == IndexReport(unchanged=2)
    pdf = project.build / "2018-06.pdf"
    os.utime(pdf, ns=(pdf.stat().st_mtime_ns + 1, pdf.stat().st_mtime_ns + 1))
    assert project.index() == IndexReport(unchanged=2, pdfs_read=1)
    assert project.index() == IndexReport(unchanged=2)


def test_an_unreadable_pdf_is_named_and_gives_no_page(project: Project) -> None:
    pdf = project.build / "2018-10.pdf"
    pdf.write_bytes(b"%PDF-1.7 not a PDF after all")
    report = project.index()
    assert [(problem.file, problem.message.split("：")[0]) for problem in report.unreadable] == [
        (str(pdf), "PDF 无法读取，检索结果不给页码")]
    assert project.hits("雅莹集团")[0][2] == "未排版（本期没有PDF）"


def test_the_search_command_prints_the_page_of_each_hit(project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    (project.build / "2018-06.pdf").unlink()
    folders = ["--issues", str(project.issues), "--index", str(project.database), "--build", str(project.build)]
    assert main(["search", "叶伟达", *folders]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "2018-10 2018年第10期 (2018-06-05) 第3页 嘉兴市工商联凝聚企业力量强势推进消薄工作: "
        "…日，由市委统战部副部长、市工商联党委书记【叶伟达】带队组织我市五芳斋集团、燃气集团、徽商贸…",
        "2018-06 2018年第6期 (2018-04-13) 未排版（本期没有PDF） 市委常委会专题听取市工商联工作情况汇报: "
        "…作。 市委统战部副部长、市工商联党委书记【叶伟达】汇报了省工商联十一届二次执委会议主要精神…",
        "2018-06 2018年第6期 (2018-04-13) 未排版（本期没有PDF） 市工商联召开所属商协会党组织党建工作会议: "
        "…流。 市委统战部副部长、市工商联党委书记【叶伟达】指出，2017年，各商协会党组织在强化政…",
        "2018-06 2018年第6期 (2018-04-13) 未排版（本期没有PDF） 在市工商联所属商协会党组织党建工作会议上的"
        "讲话摘要: …属商协会党组织党建工作会议上的讲话摘要 【叶伟达】 2018年4月4日上午 2017年，市…",
    ]


def test_a_published_issue_gives_the_page_of_its_published_pdf(project: Project, monkeypatch: pytest.MonkeyPatch,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(project.root)
    assert main(["publish", "issues/2018/2018-10.yaml"]) == 0
    (project.build / "2018-10.pdf").unlink()
    assert project.hits("雅莹集团") == [("2018-10", "嘉兴市工商联凝聚企业力量强势推进消薄工作", "第2页")]
    with closing(sqlite3.connect(project.database)) as db:
        assert db.execute("SELECT pdf FROM files WHERE path = '2018/2018-10.yaml'").fetchone() == (
            str((project.root / "archive" / "2018" / "gslxx-2018-10.pdf").resolve()),)
