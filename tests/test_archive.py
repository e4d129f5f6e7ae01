"""The archive: numbering new issues, its integrity, incremental builds, publishing and verifying."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from archive_factory import make_archive

from bulletin.archive import Archive, integrity, next_issue, scan
from bulletin.cli import main

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bulletin.cli", *args], cwd=cwd, capture_output=True,
                          text=True, check=False, timeout=600)


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    make_archive(tmp_path, {2016: 4, 2017: 5, 2018: 3})
    return tmp_path


def test_the_generated_archive_is_whole(archive: Path) -> None:
    entries = scan(archive / "issues")
    assert len(entries) == 12 and not [e for e in entries if e.problems]
    assert integrity(entries) == []


def test_new_numbers_the_next_issue_of_the_year(archive: Path, monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(archive)
    assert main(["new", "--date", "2018-11-02"]) == 0
    assert capsys.readouterr().out == "issues/2018/2018-04.yaml\n"
    text = (archive / "issues" / "2018" / "2018-04.yaml").read_text(encoding="utf-8")
    assert "year: 2018\nnumber: 4\nserial: 113\ndate: 2018-11-02\n" in text  # 12 issues from 总第101期
    assert text.startswith("# 2018年第4期：这里没写的，取自 publication.yaml\n")  # in the publication's language
    assert main(["check", "issues/2018/2018-04.yaml"]) == 0
    assert main(["new", "--date", "2019-01-03"]) == 0  # numbering restarts each year, 总第N期 does not
    assert capsys.readouterr().out.endswith("issues/2019/2019-01.yaml\n")
    assert next_issue(archive / "issues", __import__("datetime").date(2019, 2, 1)).serial == 115


def test_new_starts_a_supplement_in_its_own_sequence_and_a_special_issue_in_the_main_one(
        archive: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(archive)
    for _ in range(2):
        assert main(["new", "--kind", "增刊", "--date", "2018-11-02"]) == 0
    assert capsys.readouterr().out == "issues/2018/2018-z01.yaml\nissues/2018/2018-z02.yaml\n"
    text = (archive / "issues" / "2018" / "2018-z02.yaml").read_text(encoding="utf-8")
    assert text.startswith("# 2018年增刊第2期") and "kind: 增刊" in text and "serial" not in text
    assert main(["new", "--kind", "专刊", "--date", "2018-11-03"]) == 0  # the main sequence: 第4期, 总第113期
    assert capsys.readouterr().out == "issues/2018/2018-04.yaml\n"
    text = (archive / "issues" / "2018" / "2018-04.yaml").read_text(encoding="utf-8")
    assert "kind: 专刊" in text and "number: 4\nserial: 113\n" in text
    assert main(["check", "issues/2018/2018-z02.yaml", "issues/2018/2018-04.yaml"]) == 0


def test_new_never_overwrites(archive: Path, monkeypatch: pytest.MonkeyPatch,
                              capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(archive)
    (archive / "issues" / "2018" / "2018-03.yaml").rename(archive / "issues" / "2018" / "x.yaml")
    target = archive / "issues" / "2018" / "2018-04.yaml"
    target.write_text("keep me", encoding="utf-8")  # a stray file where the next issue would go
    (archive / "issues" / "2018" / "x.yaml").rename(archive / "issues" / "2018" / "2018-03.yaml")
    assert main(["new", "--date", "2018-12-01"]) == 1
    assert target.read_text(encoding="utf-8") == "keep me"
    assert "issues/2018/2018-04.yaml: already exists: not overwritten" in capsys.readouterr().err


def test_check_all_reports_the_archive_integrity(archive: Path) -> None:
    issues = archive / "issues"
    (issues / "2017" / "2017-03.yaml").unlink()  # a missing number
    dup = (issues / "2016" / "2016-02.yaml").read_text(encoding="utf-8")
    (issues / "2016" / "2016-09.yaml").write_text(dup, encoding="utf-8")  # number 2 twice, named 9
    two = (issues / "2018" / "2018-02.yaml")
    two.write_text(two.read_text(encoding="utf-8").replace("serial: 111", "serial: 150"), encoding="utf-8")
    result = run("check", "--all", cwd=archive)
    assert result.returncode == 1
    errors = result.stderr.splitlines()
    assert any(e.startswith("issues/2016/2016-09.yaml:") and "文件名是 2016-09，期刊却是2016年第2期"
               in e for e in errors), errors
    assert any("2016年第2期与 issues/2016/2016-02.yaml 重号" in e for e in errors), errors
    assert any("缺2017年第3期" in e and "series" in e for e in errors), errors
    assert any(e.startswith("issues/2018/2018-02.yaml:") and "总第150期排在总第110期" in e for e in errors), errors
    assert any(e.startswith("issues/2018/2018-03.yaml:") and "总第112期排在总第150期" in e for e in errors), errors


def test_the_series_says_where_the_archive_starts_and_what_is_kept_elsewhere(archive: Path) -> None:
    """publication.yaml's series: numbers before the start are not looked for, those kept elsewhere are not
    missing (nor their 总第N期), and an issue before the start is told; an issue cannot set it."""
    issues = archive / "issues"
    for stem in ("2016-01", "2017-03"):
        (issues / stem[:4] / f"{stem}.yaml").unlink()
    publication = archive / "publication.yaml"
    text = re.sub(r"(?m)^series:\n(?:  .*\n)*", "", publication.read_text(encoding="utf-8"))  # the samples' own
    publication.write_text(text + "series:\n  start: 2016-02\n  elsewhere: [2017-03]\n", encoding="utf-8")
    result = run("check", "--all", cwd=archive)
    assert result.returncode == 0, result.stderr
    assert "缺第" not in result.stderr and "排在" not in result.stderr
    publication.write_text(text + "series:\n  start: 2016-03\n", encoding="utf-8")
    result = run("check", "--all", cwd=archive)
    assert result.returncode == 1
    assert "issues/2016/2016-02.yaml:" in result.stderr and "在 series.start（2016-03）之前" in result.stderr
    assert "缺2017年第3期" in result.stderr
    one = issues / "2016" / "2016-02.yaml"
    one.write_text(one.read_text(encoding="utf-8") + "series:\n  start: 2016-02\n", encoding="utf-8")
    assert "series 只能在 publication.yaml 中设定" in run("check", str(one), cwd=archive).stderr


def test_the_shipped_archive_passes_check_all() -> None:
    """The samples are 2018年第6期 and 第10期: publication.yaml says so (series), and check --all agrees."""
    result = run("check", "--all", cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert "缺第" not in result.stderr


def test_a_date_outside_its_year_is_caught(archive: Path) -> None:
    path = archive / "issues" / "2017" / "2017-01.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("date: 2017-", "date: 2016-"), encoding="utf-8")
    result = run("check", "--all", cwd=archive)
    assert result.returncode == 1 and "date: 日期 2016-" in result.stderr and "不在本期的年份 2017 内" in result.stderr


def test_build_only_rebuilds_what_changed(archive: Path) -> None:
    first = run("build", "issues", "--format", "docx", cwd=archive)
    assert first.returncode == 0, first.stderr
    assert "[12/12]" in first.stdout
    again = run("build", "issues", "--format", "docx", cwd=archive)
    assert again.returncode == 0 and again.stdout == "12 期中 12 期未改动，不重排\n"
    path = archive / "issues" / "2017" / "2017-02.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("title: ", "title: 修订", 1), encoding="utf-8")
    third = run("build", "issues", "--format", "docx", cwd=archive)
    assert third.stdout == ("issues/2017/2017-02.yaml -> build/2017-02.docx\n"
                            "12 期中 11 期未改动，不重排\n")
    publication = archive / "publication.yaml"
    publication.write_text(publication.read_text(encoding="utf-8").replace("王静", "王敬"), encoding="utf-8")
    fourth = run("build", "issues", "--format", "docx", cwd=archive)
    assert "[12/12]" in fourth.stdout  # the publication file feeds every issue


def test_publish_freezes_and_verify_checks(archive: Path) -> None:
    issue = "issues/2018/2018-02.yaml"
    result = run("publish", issue, cwd=archive)
    assert result.returncode == 0, result.stderr
    folder = archive / "archive" / "2018"
    assert sorted(p.name for p in folder.iterdir()) == ["gslxx-2018-02", "gslxx-2018-02.docx", "gslxx-2018-02.pdf",
                                                        "gslxx-2018-02.yaml"]
    manifest = json.loads((archive / "archive" / "manifest.json").read_text(encoding="utf-8"))
    (entry,) = [e for e in manifest["entries"] if e["key"] == "gslxx-2018-02"]
    assert set(entry["files"]) == {"2018/gslxx-2018-02.pdf", "2018/gslxx-2018-02.docx", "2018/gslxx-2018-02.yaml",
                                   "2018/gslxx-2018-02/source.yaml"}
    assert entry["tool"].startswith("bulletin ") and "FandolFang" in entry["fonts"]
    pdf = (folder / "gslxx-2018-02.pdf").read_bytes()
    meta = subprocess.run(["pdfinfo", "-meta", "archive/2018/gslxx-2018-02.pdf"], cwd=archive, capture_output=True,
                          text=True, check=True).stdout
    assert 'pdfaid:part="3"' in meta and 'pdfaid:conformance="B"' in meta and "工商联信息 2018年第2期" in meta
    detach = ["pdfdetach", "-save", "1", "-o", str(archive / "attached.yaml"), "archive/2018/gslxx-2018-02.pdf"]
    subprocess.run(detach, cwd=archive, check=True)
    assert (archive / "attached.yaml").read_bytes() == (folder / "gslxx-2018-02" / "source.yaml").read_bytes()
    assert (folder / "gslxx-2018-02.yaml").read_bytes() == (archive / issue).read_bytes()  # the editor's file too
    assert run("publish", issue, cwd=archive).stdout == f"{issue}：已发布，未改动\n"
    path = archive / issue
    path.write_text(path.read_text(encoding="utf-8").replace("title: ", "title: 更正", 1), encoding="utf-8")
    refused = run("publish", issue, cwd=archive)
    assert refused.returncode == 1 and "已有改动" in refused.stderr and "--supersede" in refused.stderr
    assert (folder / "gslxx-2018-02.pdf").read_bytes() == pdf
    corrected = run("publish", issue, "--supersede", "--reason", "标题更正", cwd=archive)
    assert corrected.returncode == 0, corrected.stderr
    assert (folder / "gslxx-2018-02-r2.pdf").exists() and (folder / "gslxx-2018-02.pdf").read_bytes() == pdf
    editions = Archive(archive / "archive").manifest().editions("gslxx-2018-02")
    assert [e["edition"] for e in editions] == [1, 2] and editions[1]["reason"] == "标题更正"
    verified = run("verify", cwd=archive)
    head = Archive(archive / "archive").manifest().head
    assert verified.returncode == 0
    assert verified.stdout == f"已核验 8 个发布文件中的 8 个\n档案链尾：{head}\n"
    assert f"档案链尾：{head}" in corrected.stdout
    (folder / "gslxx-2018-02.docx").chmod(0o644)
    (folder / "gslxx-2018-02.docx").write_bytes(b"tampered")
    (folder / "gslxx-2018-02-r2.yaml").chmod(0o644)
    (folder / "gslxx-2018-02-r2.yaml").unlink()
    broken = run("verify", cwd=archive)
    assert broken.returncode == 1
    assert broken.stderr.splitlines() == [
        "archive/2018/gslxx-2018-02.docx: 已被改动，SHA-256 与发布时不同",
        "archive/2018/gslxx-2018-02-r2.yaml: 缺失",
    ]
    assert broken.stdout.startswith("已核验 8 个发布文件中的 6 个\n")


def test_published_files_are_read_only(archive: Path) -> None:
    assert run("publish", "issues/2016/2016-01.yaml", cwd=archive).returncode == 0
    files = [path for path in (archive / "archive" / "2016").rglob("*") if path.is_file()]
    assert len(files) == 4  # the PDF, the DOCX, the issue file, and the edition's source.yaml
    for path in files:
        assert path.stat().st_mode & 0o222 == 0, path
    assert Archive(archive / "archive").manifest().editions("gslxx-2016-01")[0]["edition"] == 1


def test_search_from_the_command_line(archive: Path) -> None:
    result = run("search", "商会建设", cwd=archive)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines and all("【商会建设】" in line for line in lines)
    dates = [line.split("(")[1][:10] for line in lines]
    assert dates == sorted(dates, reverse=True)  # newest first
    assert run("search", "无此短语", cwd=archive).returncode == 1
    short = run("search", "商", cwd=archive)
    assert (short.returncode, short.stderr) == (1, "search: 检索词至少要两个字\n")


def test_index_writes_the_catalogue_and_compilations(archive: Path) -> None:
    assert run("publish", "issues/2018/2018-01.yaml", cwd=archive).returncode == 0
    assert run("build", "issues/2018/2018-02.yaml", "--format", "pdf", cwd=archive).returncode == 0
    result = run("index", "--out", "site", cwd=archive)
    assert result.returncode == 0, result.stderr
    site = archive / "site"
    assert {p.name for p in site.iterdir()} >= {"index.html", "2016.html", "2017.html", "2018.html",
                                                 "gslxx-2018-compilation.pdf"}
    year = (site / "2018.html").read_text(encoding="utf-8")
    published, built = archive / "archive" / "2018" / "gslxx-2018-01.pdf", archive / "build" / "2018-02.pdf"
    assert 'href="files/2018/gslxx-2018-01.pdf"' in year  # a copy of the published edition
    assert 'href="files/2018/2018-02.pdf"' in year  # a copy of the latest build of an unpublished issue
    assert (site / "files" / "2018" / "gslxx-2018-01.pdf").read_bytes() == published.read_bytes()
    assert (site / "files" / "2018" / "2018-02.pdf").read_bytes() == built.read_bytes()
    assert "已发布" in year and "未发布（最近一次排版稿）" in year and "未发布，未排版" in year


def test_a_changed_module_of_the_tool_rebuilds_everything() -> None:
    """An upgraded or edited bulletin rebuilds: its code is part of what every output depends on."""
    from bulletin import build, word

    module = Path(word.__file__)
    before = build.environment_digest(("pdf",))
    stat = module.stat()
    try:
        os.utime(module, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
        assert build.environment_digest(("pdf",)) != before
    finally:
        os.utime(module, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert build.environment_digest(("pdf",)) == before
