"""`bulletin audit`: both sample PDFs pass; a PDF that departs from the layout in one respect fails on it."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ISSUES

from bulletin import build, i18n
from bulletin.audit import AuditError, audit, format_report
from bulletin.cli import main
from bulletin.html import render_css, render_html
from bulletin.loader import load
from bulletin.pdf import render_pdf
from bulletin.typeset import Typesetter

SAMPLES = ("2018-06", "2018-10")


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("audit")
    paths = {}
    for stem in SAMPLES:
        loaded = load(ISSUES / "2018" / f"{stem}.yaml")
        paths[stem] = out / f"{stem}.pdf"
        paths[stem].write_bytes(build.render(loaded, Typesetter(loaded.issue, loaded.path.parent), ("pdf",))["pdf"])
    return paths


@pytest.mark.parametrize("stem", SAMPLES)
def test_the_sample_issues_pass(pdfs: dict[str, Path], stem: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["audit", str(pdfs[stem])]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[-1] == f"{pdfs[stem]}: 符合版式", out
    for figure in ("行距：28.95 pt", "每页正文行数：至多 22", "禁则：0 处违反", "页码：", "版记末条分隔线：下缘 26"):
        assert figure in out, (figure, out)


def doctored(tmp_path: Path, css: str = "", edit: tuple[str, str] = ("", "")) -> Path:
    """2018-10 as we render it, with a rule added to its stylesheet or its HTML edited."""
    loaded = load(ISSUES / "2018" / "2018-10.yaml")
    typesetter = Typesetter(loaded.issue, loaded.path.parent)
    html = render_html(loaded.issue, typesetter, css="").replace(*edit)
    path = tmp_path / "doctored.pdf"
    path.write_bytes(render_pdf(html, loaded.path.parent, render_css(typesetter) + css))
    return path


DEPARTURES = {  # what is changed, and the rule that must then fail (on the page given, 0 for the document)
    "page-size": ("@page { size: 200mm 290mm; }", ("", ""), 1),
    "type-area": (".p.lines { margin-left: -12mm; }", ("", ""), 1),
    "pitch": (".p.lines { line-height: 31pt; }", ("", ""), 1),
    "justify": (".p .t, .p { letter-spacing: 0 !important; }", ("", ""), 1),
    "masthead": (".name { color: black !important; }", ("", ""), 1),
    "page-number": ("@page :right { @bottom-right { content: none; } } @page :left { @bottom-left { content: none; } }",
                    ("", ""), 1),
    "colophon": (".colophon { float: none; }", ("", ""), 7),
    "title-size": (".title.lines > .t { font-size: 26pt; }", ("", ""), 1),
}


@pytest.mark.parametrize("rule", sorted(DEPARTURES))
def test_a_departure_is_found_on_its_page(tmp_path: Path, rule: str, capsys: pytest.CaptureFixture[str]) -> None:
    css, edit, page = DEPARTURES[rule]
    path = doctored(tmp_path, css, edit)
    report = audit(path)
    assert not report.passed
    assert any(f.rule == rule and f.page == page for f in report.errors), [str(f) for f in report.errors][:10]
    assert main(["audit", str(path)]) == 1
    assert capsys.readouterr().out.splitlines()[-1].startswith(f"{path}: 不符合版式")


def test_kinsoku_at_a_line_start_is_found(tmp_path: Path) -> None:
    """A paragraph's line made to start with a comma: a line's last comma moved by hand to the next line."""
    path = doctored(tmp_path, edit=("，\n", "\n，"))
    found = [f for f in audit(path).errors if f.rule == "kinsoku"]
    assert found and "行首不应是«，»" in found[0].message, found


def test_what_is_not_a_pdf_is_refused_with_its_name(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "a.pdf").write_text("not a pdf", encoding="utf-8")
    assert main(["audit", str(tmp_path / "a.pdf"), str(tmp_path / "missing.pdf")]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err == [f"{tmp_path / 'a.pdf'}: 不是可读的 PDF 文件（PdfminerException）",
                   f"{tmp_path / 'missing.pdf'}: 没有这个文件"]


def test_the_audit_speaks_english_when_the_language_is_en(tmp_path: Path) -> None:
    """Findings, figures and verdict come from the catalogue: the page numbers taken away, told in English."""
    path = doctored(tmp_path, DEPARTURES["page-number"][0])
    i18n.use("en")
    lines = format_report(str(path), audit(path)).splitlines()
    assert f"{path}: page 1: [page-number] no page number «— 1 —»" in lines, lines
    assert f"{path}: page 7: note [page-number] no page number «— 7 —» (the colophon's page may go without)" in lines
    for figure in ("pages: 7", "body lines a page: at most 22", "kinsoku: 0 breach(es)",
                   "page numbers: 0/7 pages right"):
        assert f"{path}: {figure}" in lines, (figure, lines)
    assert lines[-1] == f"{path}: departs from the layout: 6 problem(s), 1 note(s)"
    with pytest.raises(AuditError, match="^no such file$"):
        audit(tmp_path / "missing.pdf")
