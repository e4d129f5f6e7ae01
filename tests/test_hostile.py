"""Hostile input (tests/hostile/): a clear error, nothing lost, nothing reached; and fuzzing of the loader."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pdfplumber
import pytest
import yaml
from conftest import ISSUES, ROOT
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from lxml import etree

from bulletin.cli import main
from bulletin.errors import BulletinError
from bulletin.loader import load

CORPUS = Path(__file__).resolve().parent / "hostile"

# Each file of the corpus and the first line `bulletin check` prints for it (exit status 1), or "ok".
OUTCOMES = {
    "billion-laughs.yaml": "issues/billion-laughs.yaml:1:35: e[7][8][8][8][9]: the document is too large "
                           "(aliases that expand past 100000 values?)",
    "bom.yaml": "ok",
    "control-character.yaml": "issues/control-character.yaml:8:9: YAML syntax: the character U+0007 is not "
                              "allowed in a YAML file (a control character?)",
    "control-escape.yaml": "issues/control-escape.yaml:6:12: font-coverage: articles[0].title: "
                           "character '\\x07' (U+0007) is in "
                           "no font of the 小标宋 role (tried: Noto Serif CJK SC Bold, Noto Serif CJK SC)",
    "deep-nesting.yaml": "issues/deep-nesting.yaml:5:51: articles[0]: the document nests deeper than 40 levels",
    "emoji.yaml": "issues/emoji.yaml:6:12: font-coverage: articles[0].title: "
                  "character '🎉' (U+1F389) is in no font of the 小标宋 "
                  "role (tried: Noto Serif CJK SC Bold, Noto Serif CJK SC)",
    "gbk.yaml": "issues/gbk.yaml:1:1: the file is not UTF-8 text (saved as GBK? save it as UTF-8)",
    "impossible-date.yaml": "issues/impossible-date.yaml:4:7: date: 2019-02-30 is not a date of the calendar "
                            "(day is out of range for month)",
    "impossible-date-key.yaml": "issues/impossible-date-key.yaml:6:3: distribution: 2019-02-29 is not a date of the "
                                "calendar (day is out of range for month)",
    "markup-in-content.yaml": "ok",
    "outside-bmp.yaml": "issues/outside-bmp.yaml:8:10: font-coverage: articles[0].body[0]: "
                        "character '𠀀' (U+20000) is in no font "
                        "of the 仿宋 role (tried: FandolFang, Noto Serif CJK SC)",
    "photo-absolute.yaml": "issues/photo-absolute.yaml:9:16: articles[0].body[1].photo: a photo must be a file in "
                           "the issue's folder (issues), not /etc/passwd",
    "photo-bomb.yaml": "issues/photo-bomb.yaml:9:16: articles[0].body[1].photo: bomb.png is an image of more "
                       "than 40000000 pixels",
    "photo-data-url.yaml": "issues/photo-data-url.yaml:9:16: articles[0].body[1].photo: a photo is a file beside "
                           "the issue, not a web address: data:image/png;base64,iVBORw0KGgo=",
    "photo-file-url.yaml": "issues/photo-file-url.yaml:9:16: articles[0].body[1].photo: a photo is a file beside "
                           "the issue, not a web address: file:///etc/passwd",
    "photo-http.yaml": "issues/photo-http.yaml:9:16: articles[0].body[1].photo: a photo is a file beside the "
                       "issue, not a web address: http://example.com/a.jpg",
    "photo-https.yaml": "issues/photo-https.yaml:9:16: articles[0].body[1].photo: a photo is a file beside the "
                        "issue, not a web address: https://example.com/a.jpg",
    "photo-missing.yaml": "issues/photo-missing.yaml:9:16: articles[0].body[1].photo: photo file not found: "
                          "nothere.jpg",
    "photo-not-an-image.yaml": "issues/photo-not-an-image.yaml:9:16: articles[0].body[1].photo: not-an-image.png "
                               "is not an image (PNG or JPEG)",
    "photo-outside.yaml": "issues/photo-outside.yaml:9:16: articles[0].body[1].photo: a photo must be a file in "
                          "the issue's folder (issues), not ../../etc/passwd",
    "syntax-error.yaml": "issues/syntax-error.yaml:3:1: YAML syntax: expected ',' or ']', but got '<stream end>'",
    "tabs.yaml": "issues/tabs.yaml:3:1: YAML syntax: a tab in the indentation: YAML indents with spaces only "
                 "(the parser says: found character '\\t' that cannot start any token)",
    "unknown-key.yaml": "issues/unknown-key.yaml:7:5: articles[0].bdoy: unknown key 'bdoy' (did you mean 'body'?)",
    "wrong-types.yaml": "issues/wrong-types.yaml:1:7: kind: expected one of 专刊, 增刊 or 正刊, got the number 1",
}


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The hostile corpus in a project that speaks English (its outcomes are pinned in English; the Chinese
    are pinned in test_loader and test_messages)."""
    from bulletin import i18n

    publication = (ROOT / "publication.yaml").read_text(encoding="utf-8")
    (tmp_path / "publication.yaml").write_text(publication.replace("language: zh", "language: en"), encoding="utf-8")
    i18n.use("en")
    shutil.copytree(CORPUS, tmp_path / "issues")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_every_corpus_file_has_an_outcome() -> None:
    assert sorted(OUTCOMES) == sorted(p.name for p in CORPUS.glob("*.yaml"))


@pytest.mark.parametrize("name", sorted(OUTCOMES))
def test_hostile_file(project: Path, name: str, capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["check", f"issues/{name}"])
    out, err = capsys.readouterr()
    if OUTCOMES[name] == "ok":
        assert (status, out, err) == (0, f"issues/{name}: ok\n", "")
    else:
        assert status == 1 and out == "" and "Traceback" not in err
        assert err.splitlines()[0] == OUTCOMES[name]


def test_markup_in_content_prints_literally_everywhere(project: Path) -> None:
    assert main(["build", "issues/markup-in-content.yaml", "--out", "out"]) == 0
    with pdfplumber.open(project / "out" / "markup-in-content.pdf") as pdf:
        text = "".join("".join(page.extract_text().split()) for page in pdf.pages)  # lines broken at spaces
    for literal in ("{{7*7}}", "{%raw%}", "<script>alert(1)</script>", "</div>", "&amp;", "<b>不加粗</b>"):
        assert literal in text, literal
    with zipfile.ZipFile(project / "out" / "markup-in-content.docx") as package:
        document = package.read("word/document.xml")
    assert b"&lt;script&gt;" in document and b"<script>" not in document  # escaped, never markup
    text = "".join(etree.fromstring(document).itertext())  # the title's lines joined again
    for literal in ("{{ 7*7 }}", "<script>alert(1)</script>", "&amp;", "{% endraw %}"):
        assert literal in text, literal


def test_no_network_and_no_file_outside_is_reached(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The PDF's URL fetcher serves only our fonts and the issue's own files: a stylesheet or image that
    reaches out is refused, not fetched."""
    from bulletin.pdf import ResourceError, _fetcher

    fetcher = _fetcher(project / "issues")
    for url in ("http://127.0.0.1:9/x.png", "https://example.com/x.css", "file:///etc/passwd",
                "data:image/png;base64,iVBORw0KGgo=", "asset:../publication.yaml", "asset:/etc/passwd"):
        with pytest.raises(ResourceError):
            fetcher.fetch(url)
    assert fetcher.fetch("asset:bomb.png").read().startswith(b"\x89PNG")


def test_enormous_files_and_many_articles(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    huge = project / "issues" / "huge.yaml"
    huge.write_text("title: " + "字" * (2 * 1024 * 1024) + "\n", encoding="utf-8")
    assert main(["check", "issues/huge.yaml"]) == 1
    assert capsys.readouterr().err == "issues/huge.yaml: the file is 6144 KiB: an issue is at most 4 MiB of text\n"
    many = yaml.safe_load((ISSUES / "2018" / "2018-10.yaml").read_text(encoding="utf-8"))
    many["articles"] = [{"title": f"第{i}篇", "body": "正文" * 40} for i in range(500)]
    (project / "issues" / "2019-01.yaml").write_text(yaml.safe_dump(many, allow_unicode=True), encoding="utf-8")
    assert main(["build", "issues/2019-01.yaml", "--out", "out", "--format", "docx"]) == 0


def run_build(project: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    """A build of issues/reference.yaml in its own process, its scratch files (WeasyPrint's copies of the
    fonts) in the project's tmp/; `env` added to the environment."""
    (project / "tmp").mkdir(exist_ok=True)
    return subprocess.Popen([sys.executable, "-m", "bulletin.cli", "build", "reference.yaml", "--out", "out",
                             *args], cwd=project / "issues", stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "TMPDIR": str(project / "tmp"), **(env or {})})


def processes_in(folder: Path) -> list[int]:
    """The processes working in `folder` (Linux)."""
    found = []
    for entry in Path("/proc").iterdir():
        with contextlib.suppress(OSError):
            if entry.name.isdigit() and (entry / "cwd").resolve() == folder.resolve():
                found.append(int(entry.name))
    return found


# Loaded into the build's process through PYTHONPATH: an audit hook that, when the build is about to rename
# its first finished temporary output into place, says which (a file the test waits for) and holds the
# process there — the known point at which the test kills it.
HOLD_BEFORE_RENAME = """
import os, sys, time
MARK = os.environ["BULLETIN_TEST_MARK"]
def hold(event, args):
    if event == "os.rename" and str(args[0]).endswith(".part") and os.path.basename(str(args[1])).startswith(
            "reference."):
        with open(MARK + ".tmp", "w") as file:
            file.write(str(args[0]))
        os.rename(MARK + ".tmp", MARK)
        time.sleep(300)
sys.addaudithook(hold)
"""


def test_a_killed_build_leaves_the_previous_outputs(project: Path) -> None:
    """Killed with SIGKILL mid-write — its new PDF and DOCX rendered, the first written to its temporary
    file, not yet renamed over the old one — a build leaves the previous outputs whole and unchanged, and
    the next build clears what it left."""
    long = yaml.safe_load((ISSUES / "2018" / "2018-06.yaml").read_text(encoding="utf-8"))
    long["articles"] *= 2
    issue = project / "issues" / "reference.yaml"
    issue.write_text(yaml.safe_dump(long, allow_unicode=True), encoding="utf-8")
    assert run_build(project).wait(300) == 0
    out = project / "issues" / "out"
    before = {p.name: p.read_bytes() for p in out.glob("reference.*")}
    assert sorted(before) == ["reference.docx", "reference.pdf"]
    issue.write_text(issue.read_text(encoding="utf-8").replace("title: ", "title: 新", 1), encoding="utf-8")
    hooks, mark = project / "hooks", project / "renaming"
    hooks.mkdir()
    (hooks / "sitecustomize.py").write_text(HOLD_BEFORE_RENAME, encoding="utf-8")
    build = run_build(project, env={"PYTHONPATH": str(hooks), "BULLETIN_TEST_MARK": str(mark)})
    deadline = time.monotonic() + 300
    while not mark.exists() and build.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert mark.exists(), f"the build never reached its first rename (exit {build.poll()})"
    written = Path(mark.read_text(encoding="utf-8"))
    assert written.parent == out and written.name.endswith(".part") and written.stat().st_size > 0  # mid-write
    build.send_signal(signal.SIGKILL)
    assert build.wait(60) == -signal.SIGKILL
    deadline = time.monotonic() + 30  # its PDF worker sees the build gone and ends too
    while processes_in(project / "issues") and time.monotonic() < deadline:
        time.sleep(0.1)
    assert processes_in(project / "issues") == []
    assert {p.name: p.read_bytes() for p in out.glob("reference.*")} == before  # the old outputs, whole
    assert written.exists()  # the debris of the killed write
    assert run_build(project).wait(300) == 0  # and the next build clears it
    assert not list(out.glob(".*.part"))
    assert list((project / "tmp").iterdir()) == []  # nor do the processes leave scratch files


def test_two_builds_at_once_do_not_corrupt_each_other(project: Path) -> None:
    shutil.copyfile(ISSUES / "2018" / "2018-10.yaml", project / "issues" / "reference.yaml")
    builds = [run_build(project), run_build(project)]
    assert [build.wait(300) for build in builds] == [0, 0]
    with pdfplumber.open(project / "issues" / "out" / "reference.pdf") as pdf:
        assert "嘉兴市工商联凝聚企业力量强势推进消薄工作" in pdf.pages[0].extract_text()
    zipfile.ZipFile(project / "issues" / "out" / "reference.docx").testzip()
    assert list((project / "tmp").iterdir()) == []


# Fuzzing: whatever the bytes, the loader gives an issue or located problems, never a traceback.

scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=30),
                    st.dates())
trees = st.recursive(scalars, lambda children: st.lists(children, max_size=4)
                     | st.dictionaries(st.sampled_from(["title", "body", "year", "number", "date", "kind", "articles",
                                                        "photo", "table", "x", "toc", "serial"]) | st.text(max_size=8),
                                       children, max_size=5), max_leaves=25)


def load_or_problems(path: Path) -> None:
    try:
        load(path)
    except BulletinError as error:
        assert error.problems and all(problem.file for problem in error.problems)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=300))
def test_fuzz_any_text(project: Path, text: str) -> None:
    path = project / "issues" / "fuzz.yaml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass") if text < "\ud800" else path.write_bytes(
        text.encode("utf-8", "replace"))
    load_or_problems(path)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tree=trees)
def test_fuzz_any_yaml_document(project: Path, tree: object) -> None:
    path = project / "issues" / "fuzz.yaml"
    path.write_text(yaml.safe_dump(tree, allow_unicode=True), encoding="utf-8")
    load_or_problems(path)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=200))
def test_fuzz_any_bytes(project: Path, data: bytes) -> None:
    path = project / "issues" / "fuzz.yaml"
    path.write_bytes(data)
    load_or_problems(path)


# The date and number fields, fuzzed as an editor might type them: a located problem, or an issue that
# renders; the salvage that lets the proofreader read on never fails either.

numbers = st.one_of(st.integers(), st.integers(-5, 3000).map(str), st.floats(allow_nan=True).map(repr),
                    st.sampled_from(["十", "１０", "10期", "0x10", "1e3", "1_000", "+5", "-0", "~", "''", "[]", "{}",
                                     "2018年", "10.0", "9" * 40, ".inf", "!!int 10", "!!str 10", "*x", "&x 1"]))
dates = st.one_of(
    st.tuples(st.integers(-10, 12000), st.integers(-1, 14), st.integers(-1, 40)).map(
        lambda t: f"{t[0]:04d}-{t[1]:02d}-{t[2]:02d}"),
    st.tuples(st.integers(1900, 2100), st.integers(0, 13), st.integers(0, 32)).map(
        lambda t: f"{t[0]}年{t[1]}月{t[2]}日"),
    st.sampled_from(["2018-6-5", "2018/06/05", "20180605", "2018-06-05T10:00:00", "2018-06-05 25:00",
                     "2018-02-29", "2016-02-29", "0000-01-01", "9999-12-31", "''", "~", "today", "2018-06-31",
                     "!!timestamp 2018-06-31", "2018-06-05Z"]),
    numbers)


@st.composite
def heads(draw: st.DrawFn) -> tuple[object, object, object, object]:
    """year, number, serial and date: each most often valid (the date in the year), else anything."""

    def field(valid: st.SearchStrategy[object], odd: st.SearchStrategy[object]) -> object:
        return draw(odd if draw(st.integers(0, 4)) == 0 else valid)

    year = field(st.integers(1949, 2999), numbers)
    in_year = st.tuples(st.integers(1, 12), st.integers(1, 31)).map(lambda t: f"{year}-{t[0]:02d}-{t[1]:02d}")
    return year, field(st.integers(1, 999), numbers), field(st.integers(1, 999_999), numbers), field(in_year, dates)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(fields=heads())
def test_fuzz_the_date_and_number_fields(project: Path, fields: tuple[object, object, object, object]) -> None:
    year, number, serial, date = fields
    from bulletin.loader import salvage
    from bulletin.typeset import Typesetter
    from bulletin.word import render_docx

    path = project / "issues" / "fuzz.yaml"
    path.write_text(f"year: {year}\nnumber: {number}\nserial: {serial}\ndate: {date}\n"
                    "articles:\n  - title: 标题\n    body: 正文。\n", encoding="utf-8")
    try:
        loaded = load(path)
    except BulletinError as error:
        assert all(problem.line >= 1 and problem.file.endswith("fuzz.yaml") for problem in error.problems), \
            error.problems
        salvage(path)
        return
    event("rendered")
    render_docx(loaded.issue, path.parent, None)  # the issue line, the date and the file's properties
    assert Typesetter(loaded.issue, path.parent).texts()


def test_a_resource_the_renderer_cannot_fetch_is_an_error_not_a_crash(project: Path) -> None:
    """WeasyPrint stops on a fetch that fails with FatalURLFetchingError, a BaseException that passes every
    `except Exception`: the build says what failed, on the issue, and the folder build goes on."""
    from bulletin.pdf import ResourceError, render_pdf

    with pytest.raises(ResourceError, match="refused to fetch http://example.com/x.png"):
        render_pdf('<img src="http://example.com/x.png">', project / "issues")


@pytest.mark.parametrize("name", ["a%20b.png", "a b#c?d.png", "照片 1.png"])
def test_a_photo_name_with_url_characters_builds(project: Path, name: str) -> None:
    """A photo's name is quoted once into the HTML and unquoted once by the fetcher: a literal %20 is a %20."""
    from PIL import Image

    Image.new("RGB", (300, 200), "red").save(project / "issues" / name)
    data = {"year": 2018, "number": 10, "date": "2018-06-05",
            "articles": [{"title": "照片", "body": [{"photo": name, "caption": "图"}, "正文。"]}]}
    (project / "issues" / "photo.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert main(["build", "issues/photo.yaml", "--out", "out"]) == 0
    with pdfplumber.open(project / "out" / "photo.pdf") as pdf:
        assert len(pdf.pages[0].images) == 1


@pytest.mark.parametrize("command", [["check", "--all", "issues"], ["search", "--issues", "issues", "正文"],
                                     ["index", "--issues", "issues", "--out", "site"],
                                     ["new", "--issues", "issues", "--date", "2019-03-01"]])
def test_an_impossible_date_stops_no_folder_command(project: Path, command: list[str],
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    main(command)
    captured = capsys.readouterr()
    assert "out of range" not in captured.err.replace("not a date of the calendar (day is out of range", ""), \
        captured.err
    assert "Traceback" not in captured.err and "error:" not in captured.err, captured.err


def photo_issue(project: Path, name: str) -> Path:
    data = {"year": 2018, "number": 10, "date": "2018-06-05",
            "articles": [{"title": "照片", "body": [{"photo": name, "caption": "图"}, "正文。"]}]}
    path = project / "issues" / "photo.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize(("name", "mode"), [("p.webp", "RGB"), ("cmyk.jpg", "CMYK"), ("palette.png", "P"),
                                            ("deep.png", "I;16"), ("grey-alpha.png", "LA"), ("p.gif", "P"),
                                            ("p.bmp", "RGB"), ("p.tiff", "RGB")])
def test_what_check_accepts_in_a_photo_the_build_embeds_validly(project: Path, name: str, mode: str) -> None:
    """Every kind of photo check accepts is embedded as a PNG or JPEG the PDF and the DOCX can hold."""
    from PIL import Image

    Image.new(mode, (300, 200)).save(project / "issues" / name)
    photo_issue(project, name)
    assert main(["check", "issues/photo.yaml"]) == 0
    assert main(["build", "issues/photo.yaml", "--out", "out"]) == 0
    with pdfplumber.open(project / "out" / "photo.pdf") as pdf:
        assert len(pdf.pages[0].images) == 1
    with zipfile.ZipFile(project / "out" / "photo.docx") as package:
        media = [n for n in package.namelist() if n.startswith("word/media/")]
        assert len(media) == 1
        assert package.read(media[0])[:4] in (b"\x89PNG", b"\xff\xd8\xff\xe0", b"\xff\xd8\xff\xdb", b"\xff\xd8\xff\xee")


@pytest.mark.parametrize("suffix", ["jpg", "png"])
def test_a_truncated_photo_is_refused_by_check(project: Path, suffix: str,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    from PIL import Image

    whole = io.BytesIO()
    Image.effect_noise((300, 200), 60).convert("RGB").save(whole, "JPEG" if suffix == "jpg" else "PNG")
    (project / "issues" / f"cut.{suffix}").write_bytes(whole.getvalue()[: len(whole.getvalue()) * 2 // 3])
    photo_issue(project, f"cut.{suffix}")
    assert main(["check", "issues/photo.yaml"]) == 1
    assert f"the photo cut.{suffix} is truncated or damaged" in capsys.readouterr().err


@pytest.mark.parametrize(("field", "text"), [("widths: [0, 1]", "widths[0]: expected more than 0, got the number 0"),
                                             ("widths: [-1, 2]", "widths[0]: expected more than 0, got the number -1"),
                                             ("widths: [.nan, 1]", "widths[0]: Input should be a finite number"),
                                             ("widths: [.inf, 1]", "widths[0]: Input should be a finite number")])
def test_table_widths_that_the_build_cannot_make_are_refused(project: Path, field: str, text: str,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    (project / "issues" / "t.yaml").write_text(
        "year: 2018\nnumber: 10\ndate: 2018-06-05\narticles:\n  - title: 表\n    body:\n"
        f"      - table: [[a, b], [c, d]]\n        {field}\n", encoding="utf-8")
    assert main(["check", "issues/t.yaml"]) == 1
    assert text in capsys.readouterr().err


def test_numbers_and_names_too_long_for_the_outputs(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    digits = "9" * 5000
    for name, numbers in (("n", f"number: {digits}"), ("s", f"number: 1\nserial: {digits[:4000]}")):
        (project / "issues" / f"{name}.yaml").write_text(f"year: 2018\n{numbers}\ndate: 2018-06-05\narticles:\n"
                                                         "  - title: 数\n    body: 正文\n", encoding="utf-8")
    assert main(["check", "issues/n.yaml", "issues/s.yaml"]) == 1
    err = capsys.readouterr().err
    assert "number: the number is too long: 5000 digits" in err and len(err) < 1000
    assert "serial: expected at most 999999, got a number of 4000 digits" in err
    publication = project / "publication.yaml"
    publication.write_text(publication.read_text(encoding="utf-8").replace("name: 工商联信息", "name: " + "长" * 300),
                           encoding="utf-8")
    photo_issue(project, "none.png").write_text(
        "year: 2018\nnumber: 10\ndate: 2018-06-05\narticles:\n  - title: 标题\n    body: 正文\n", encoding="utf-8")
    assert main(["build", "issues/photo.yaml", "--out", "out", "--format", "docx"]) == 0
    import docx

    assert len(docx.Document(str(project / "out" / "photo.docx")).core_properties.title) == 255
