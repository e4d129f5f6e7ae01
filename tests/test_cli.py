"""The command line as an editor uses it: build, check, exit codes, and nothing lost on failure."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pdfplumber
import pytest
from conftest import ROOT

SMALL = """\
kind: 专刊
year: 2019
number: 1
date: 2019-01-08
articles:
  - title: 一篇短文
    body: |
      正文一段，垟字也能印出。
"""


def run(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bulletin.cli", *args], cwd=cwd, capture_output=True,
                          text=True, check=False, timeout=300, env={**os.environ, **(env or {})})


def outputs(project: Path) -> list[str]:
    """The files in build/, but for the build state and lock (dot files); no temporary file may be left."""
    return sorted(p.name for p in (project / "build").iterdir()
                  if p.name != ".bulletin-state.json" and not p.name.endswith(".lock"))


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copyfile(ROOT / "publication.yaml", tmp_path / "publication.yaml")
    (tmp_path / "issues" / "2019").mkdir(parents=True)
    (tmp_path / "issues" / "2019" / "2019-01.yaml").write_text(SMALL, encoding="utf-8")
    return tmp_path


def test_build_writes_a_pdf_and_a_docx_named_after_the_file(project: Path) -> None:
    result = run("build", "issues/2019/2019-01.yaml", cwd=project)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "issues/2019/2019-01.yaml -> build/2019-01.pdf, build/2019-01.docx\n"
    assert (project / "build" / "2019-01.pdf").read_bytes().startswith(b"%PDF-")
    assert (project / "build" / "2019-01.docx").read_bytes().startswith(b"PK")
    assert outputs(project) == ["2019-01.docx", "2019-01.pdf"]


def test_format_picks_what_is_written(project: Path) -> None:
    result = run("build", "issues/2019/2019-01.yaml", "--format", "docx", cwd=project)
    assert result.stdout == "issues/2019/2019-01.yaml -> build/2019-01.docx\n"
    assert outputs(project) == ["2019-01.docx"]
    result = run("build", "issues/2019/2019-01.yaml", "--format", "odt", cwd=project)
    assert result.returncode == 2
    assert "bulletin build：错误：参数 --format：应是 pdf、docx 或 pdf,docx，这里是 'odt'" in result.stderr


def test_build_a_folder_into_another_out(project: Path) -> None:
    result = run("build", "issues", "--out", "pdfs", "--format", "pdf", cwd=project)
    assert result.returncode == 0, result.stderr
    assert (project / "pdfs" / "2019-01.pdf").is_file()


def test_check_validates_without_writing(project: Path) -> None:
    result = run("check", "issues", cwd=project)
    assert (result.returncode, result.stdout) == (0, "issues/2019/2019-01.yaml：无误\n")
    assert not (project / "build").exists()


def test_bad_input_fails_cleanly_and_keeps_the_previous_output(project: Path) -> None:
    assert run("build", "issues/2019/2019-01.yaml", "--format", "pdf", cwd=project).returncode == 0
    good = (project / "build" / "2019-01.pdf").read_bytes()
    issue = project / "issues" / "2019" / "2019-01.yaml"
    issue.write_text(SMALL.replace("title:", "titel:").replace("number: 1", "number: one"), encoding="utf-8")
    result = run("build", "issues/2019/2019-01.yaml", cwd=project)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "issues/2019/2019-01.yaml:3:9: number: 应是整数，这里是文字 'one'",
        "issues/2019/2019-01.yaml:6:5: articles[0].titel: 没有「titel」这个键（是「title」吗？）",
    ]
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert (project / "build" / "2019-01.pdf").read_bytes() == good
    assert outputs(project) == ["2019-01.pdf"]


def test_a_character_no_font_has_is_an_error_at_its_place(project: Path) -> None:
    issue = project / "issues" / "2019" / "2019-01.yaml"
    issue.write_text(SMALL.replace("正文一段", "正文\U00031350一段"), encoding="utf-8")
    result = run("check", "issues/2019/2019-01.yaml", cwd=project)
    assert result.returncode == 1
    assert result.stderr == (
        "issues/2019/2019-01.yaml:8:9: font-coverage: articles[0].body[0]: "
        "字符「\U00031350」（U+31350）在仿宋的各字体中都没有（已试：FandolFang、Noto Serif CJK SC）\n")


def test_office_fonts_named_in_the_publication_come_first(project: Path) -> None:
    publication = project / "publication.yaml"
    publication.write_text(publication.read_text(encoding="utf-8")
                           + "fonts:\n  fangsong: [仿宋_GB2312]\n  heiti: [DejaVu Sans]\n", encoding="utf-8")
    issue = project / "issues" / "2019" / "2019-01.yaml"
    issue.write_text(SMALL.replace("正文一段", "\U00031350"), encoding="utf-8")
    result = run("check", "issues/2019/2019-01.yaml", cwd=project)
    assert "（已试：仿宋_GB2312（未安装）、FandolFang、Noto Serif CJK SC）" in result.stderr
    issue.write_text(SMALL.replace("正文一段，", "# 1 Latin heading\n\n      "), encoding="utf-8")
    (project / "tmp").mkdir()
    scratch = {"TMPDIR": str(project / "tmp")}  # where WeasyPrint copies an @font-face font
    assert run("build", "issues/2019/2019-01.yaml", "--format", "pdf", cwd=project, env=scratch).returncode == 0
    fonts = subprocess.run(["pdffonts", "build/2019-01.pdf"], cwd=project, capture_output=True, text=True).stdout
    assert "DejaVu" in fonts  # the installed "office" face sets the heading's Latin letters
    deadline = time.monotonic() + 10  # the PDF worker removes its copy of the office face as it ends
    while list((project / "tmp").iterdir()) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert list((project / "tmp").iterdir()) == []


def test_unexpected_errors_are_one_line_unless_verbose(project: Path) -> None:
    result = run("build", "issues/2019/missing.yaml", cwd=project)
    assert result.returncode == 1
    assert result.stderr == "issues/2019/missing.yaml: 无法读取文件：No such file or directory\n"


def test_verbose_shows_the_traceback_of_an_unexpected_error(project: Path, monkeypatch: pytest.MonkeyPatch,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    from bulletin.cli import main

    def broken(*args: object) -> bytes:
        raise RuntimeError("the renderer broke")

    monkeypatch.chdir(project)
    monkeypatch.setattr("bulletin.pdf.render_pdf", broken)
    assert main(["build", "issues/2019/2019-01.yaml"]) == 1
    assert capsys.readouterr().err == (
        "issues/2019/2019-01.yaml: 错误：the renderer broke（--verbose 显示调用栈）\n")
    assert main(["build", "issues/2019/2019-01.yaml", "--verbose"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Traceback (most recent call last):") and "RuntimeError: the renderer broke" in err
    assert outputs(project) == []


def test_bare_bulletin_shows_the_help_and_each_command_its_examples(project: Path) -> None:
    bare = run(cwd=project)
    assert bare.returncode == 0 and "排版并归档内部简报" in bare.stdout and "build" in bare.stdout
    for command in ("build", "check", "new", "publish", "serve", "search", "import", "audit"):
        shown = run(command, "--help", cwd=project)
        assert shown.returncode == 0 and "示例：" in shown.stdout, command
        assert f"bulletin {command}" in shown.stdout.split("示例：")[1], command


def test_commands_find_the_publication_from_any_folder_inside_it(project: Path) -> None:
    """Run from issues/2019 (as an editor who opened the folder of the year would): new and build use the
    publication's issues/ and build/, not folders made under the working one."""
    inside = project / "issues" / "2019"
    created = run("new", "--date", "2019-02-11", cwd=inside)
    assert created.returncode == 0, created.stderr
    assert (project / "issues" / "2019" / "2019-02.yaml").is_file()
    assert not (inside / "issues").exists()
    built = run("build", "--format", "pdf", cwd=inside)
    assert built.returncode == 0, built.stderr
    assert outputs(project) == ["2019-01.pdf", "2019-02.pdf"] and not (inside / "build").exists()


def test_build_says_when_an_office_font_the_publication_names_is_missing(project: Path) -> None:
    publication = project / "publication.yaml"
    publication.write_text(publication.read_text(encoding="utf-8") + "fonts:\n  fangsong: [仿宋_GB2312]\n",
                           encoding="utf-8")
    result = run("build", "issues/2019/2019-01.yaml", "--format", "pdf", cwd=project)
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == "注意：publication.yaml 指定的仿宋字体「仿宋_GB2312」本机未安装，以 FandolFang 代替"
    assert outputs(project) == ["2019-01.pdf"]


def test_build_counts_the_proofreaders_findings(project: Path) -> None:
    issue = project / "issues" / "2019" / "2019-01.yaml"
    issue.write_text(SMALL.replace("正文一段", "至少 60 个村。正文一段"), encoding="utf-8")
    result = run("build", "issues/2019/2019-01.yaml", cwd=project)
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == ("注意：issues/2019/2019-01.yaml 校对有 1 条提示，bulletin check "
                                     "issues/2019/2019-01.yaml 逐条列出")
    issue.write_text(SMALL, encoding="utf-8")
    clean = run("build", "issues/2019/2019-01.yaml", cwd=project)
    assert clean.returncode == 0 and clean.stderr == ""


ONE_PASS = """\
kind: 专刊
year: 2019
number: 1
date: 2019-02-30
articles:
  - title: 一篇短文
    body: |
      今年 4 月，市工商联召开会议,会议指出要落实。
  - titel: 第二篇
    body: |
      第二篇正文。
"""


@pytest.mark.parametrize("command", ["check", "build"])
def test_schema_problems_and_proofreading_are_told_in_one_pass(project: Path, command: str) -> None:
    """An editor fixes everything in one round: the impossible date and the misspelt key come with the
    proofreader's findings on the text that stands, in the order of their lines; nothing is built."""
    issue = project / "issues" / "2019" / "2019-01.yaml"
    issue.write_text(ONE_PASS, encoding="utf-8")
    result = run(command, "issues/2019/2019-01.yaml", cwd=project)
    assert result.returncode == 1
    told = [line.split(": ")[0] + ": " + line.split(": ")[1] for line in result.stderr.splitlines()
            if line.startswith("issues/")]
    assert told == ["issues/2019/2019-01.yaml:4:7: date",  # 2019-02-30
                    "issues/2019/2019-01.yaml:8:9: spacing-numbers",  # "今年 4 月"
                    "issues/2019/2019-01.yaml:8:22: halfwidth-punctuation",  # ","
                    "issues/2019/2019-01.yaml:9:5: articles[1].titel"], result.stderr
    assert not (project / "build").exists() or outputs(project) == []
    assert "Traceback" not in result.stderr


def test_proofreading_skips_what_stands_in_for_a_value_in_the_wrong(project: Path) -> None:
    """A field the schema refuses is set aside for the proofreader: no finding on it, nor on its stand-in."""
    issue = project / "issues" / "2019" / "2019-01.yaml"
    issue.write_text(SMALL.replace("  - title: 一篇短文\n", "  - title: [一篇 ,短文]\n"), encoding="utf-8")
    result = run("check", "issues/2019/2019-01.yaml", cwd=project)
    assert result.returncode == 1
    assert [line for line in result.stderr.splitlines() if line.startswith("issues/")] == [
        "issues/2019/2019-01.yaml:6:12: articles[0].title: 应是文字，这里是一个列表"], result.stderr


def test_a_busy_port_is_told_with_what_to_do(project: Path) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run("serve", "issues/2019/2019-01.yaml", "--port", str(port), cwd=project)
    assert result.returncode == 1
    assert f"端口 {port} 已被占用" in result.stderr and f"--port {port + 1}" in result.stderr
    assert "Errno" not in result.stderr and "Traceback" not in result.stderr


def test_init_new_build_publish_verify_in_a_fresh_folder(tmp_path: Path) -> None:
    """A new office's first day, from the README alone: init, write, new, build, publish, verify."""
    result = run("init", "工商联信息", "--issuer", "某市工商业联合会", "--issuer", "某市总商会", "--code", "gsl",
                 "--date", "2026-03-02", cwd=tmp_path, env={"LANG": "zh_CN.UTF-8"})  # no publication yet: the locale
    assert result.returncode == 0, result.stderr
    folder = tmp_path / "工商联信息"
    assert "已建立" in result.stdout and (folder / "issues" / "2026" / "2026-01.yaml").is_file()
    publication = (folder / "publication.yaml").read_text(encoding="utf-8")
    assert "# 编印单位：刊头中上下叠排" in publication and "  - 某市总商会\n" in publication
    assert "code: gsl\n" in publication
    again = run("init", "工商联信息", cwd=tmp_path, env={"LANG": "zh_CN.UTF-8"})
    assert again.returncode == 1 and "这里已有出版物，不再新建" in again.stderr
    assert (folder / "publication.yaml").read_text(encoding="utf-8") == publication  # untouched
    inside = run("init", "子文件夹", cwd=folder / "issues")  # the publication's language: zh
    assert inside.returncode == 1 and "已在这个出版物的文件夹之内" in inside.stderr
    assert run("new", "--date", "2026-03-20", cwd=folder / "issues" / "2026").stdout == "2026-02.yaml\n"
    assert (folder / "issues" / "2026" / "2026-02.yaml").is_file()
    assert run("check", "--all", cwd=folder).returncode == 0
    built = run("build", cwd=folder)
    assert built.returncode == 0, built.stderr
    assert sorted(p.name for p in (folder / "build").glob("2026-*")) == [
        "2026-01.docx", "2026-01.pdf", "2026-02.docx", "2026-02.pdf"]
    published = run("publish", "issues/2026/2026-01.yaml", cwd=folder)
    assert published.returncode == 0, published.stderr
    assert run("verify", cwd=folder).returncode == 0
    rebuilt = run("verify", "--rebuild", cwd=folder)  # from the archive alone, to the same bytes
    assert rebuilt.returncode == 0, rebuilt.stdout + rebuilt.stderr
    with pdfplumber.open(folder / "build" / "2026-01.pdf") as pdf:
        text = pdf.pages[0].extract_text().replace(" ", "")
    assert "工商联信息" in text and "2026年第1期" in text and "某市工商业联合会" in text and "某市总商会" in text


def test_a_long_build_says_what_it_is_building_on_a_terminal(project: Path) -> None:
    """On a terminal a status line says which issues are being built now, each result line replaces it and
    none is left at the end; in a pipe (a log, CI) nothing but the results."""
    import pty

    for number in (2, 3):
        (project / "issues" / "2019" / f"2019-0{number}.yaml").write_text(
            SMALL.replace("number: 1", f"number: {number}"), encoding="utf-8")
    primary, secondary = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "bulletin.cli", "build", "--format", "docx", "--jobs", "1"],
                               cwd=project, stdin=secondary, stdout=secondary, stderr=secondary)
    os.close(secondary)
    screen = b""
    with contextlib.suppress(OSError):  # the end of the output: EIO once the process has closed its side
        while chunk := os.read(primary, 4096):
            screen += chunk
    os.close(primary)
    assert process.wait(120) == 0
    text = screen.decode()
    for done, number in ((1, 1), (2, 2), (3, 3)):
        assert f"\r\x1b[K正在排版 [{done}/3] issues/2019/2019-0{number}.yaml …" in text, text
    seen = [line.rstrip("\r").rsplit("\r\x1b[K", 1)[-1] for line in text.split("\n")]  # what stays on screen
    assert seen == [f"[{n}/3] issues/2019/2019-0{n}.yaml -> build/2019-0{n}.docx" for n in (1, 2, 3)] + [""], seen
    quiet = run("build", "--format", "docx", cwd=project)  # a pipe: results only (here: all up to date)
    assert "正在排版" not in quiet.stderr + quiet.stdout
