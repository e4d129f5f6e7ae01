"""An archive that keeps everything: each edition's resolved source and photos, rebuilt from the archive alone
to the same bytes (`verify --rebuild`); a corrected edition's mark, 更正版 with its day, in the PDF and the DOCX."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
import sys
from pathlib import Path

import docx
import pdfplumber
import pytest
import yaml
from archive_factory import make_archive
from conftest import ROOT
from PIL import Image

from bulletin import archive as A
from bulletin.archive import Archive, rebuild
from bulletin.build import render_published
from bulletin.errors import BulletinError
from bulletin.loader import load
from bulletin.model import date_text

PHOTO = ROOT / "tests" / "data" / "features" / "issues" / "meeting.png"
ISSUE = "issues/2018/2018-01.yaml"
FIRST, CORRECTED = "2018/gslxx-2018-01", "2018/gslxx-2018-01-r2"


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bulletin.cli", *args], cwd=cwd, capture_output=True,
                          text=True, check=False, timeout=600)


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An archive, moved out of its publication folder, of an issue with a photo and its corrected edition."""
    project = tmp_path_factory.mktemp("project")
    make_archive(project, {2018: 2})
    path = project / ISSUE
    (path.parent / "photos").mkdir()
    shutil.copyfile(PHOTO, path.parent / "photos" / "meeting.png")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["articles"][0]["body"] = [data["articles"][0]["body"], {"photo": "photos/meeting.png", "caption": "会议现场"}]
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    first = run("publish", ISSUE, cwd=project)
    assert first.returncode == 0, first.stderr
    path.write_text(path.read_text(encoding="utf-8").replace("title: ", "title: 更正", 1), encoding="utf-8")
    corrected = run("publish", ISSUE, "--supersede", "--reason", "标题更正", cwd=project)
    assert corrected.returncode == 0, corrected.stderr
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    shutil.move(project / "archive", elsewhere / "archive")
    shutil.rmtree(project)  # the issues, their photos and publication.yaml: gone
    return elsewhere / "archive"


@pytest.fixture
def copy(published: Path, tmp_path: Path) -> Path:
    """A copy of the archive of its own, to tamper with."""
    return Path(shutil.copytree(published, tmp_path / "archive"))


def entries(root: Path) -> list[dict[str, object]]:
    return list(Archive(root).manifest().entries)


def test_an_edition_keeps_its_resolved_source_photos_and_fonts(published: Path) -> None:
    first, second = entries(published)
    files = first["files"]
    assert isinstance(files, dict)
    assert {f"{FIRST}/source.yaml", f"{FIRST}/photos/meeting.png"} <= set(files)
    assert (published / FIRST / "photos" / "meeting.png").read_bytes() == PHOTO.read_bytes()
    assert first["source"] == f"{FIRST}/source.yaml" and second["source"] == f"{CORRECTED}/source.yaml"
    assert isinstance(first["font_files"], dict) and isinstance(first["fonts"], dict)
    assert first["font_files"]["FandolFang"] == "FandolFang-Regular.ttf"
    assert set(first["font_files"]) == set(first["fonts"])
    source = yaml.safe_load((published / FIRST / "source.yaml").read_text(encoding="utf-8"))
    assert source["issuers"] == ["嘉兴市工商业联合会", "嘉兴市总商会"] and source["signoff"]["签发"] == "王静"
    assert source["code"] == "gslxx" and "corrected" not in source  # what publication.yaml gave it
    assert not list(A.verify(Archive(published)))  # every kept file in the hash chain


def test_both_editions_rebuild_from_the_archive_alone_to_the_same_bytes(published: Path) -> None:
    result = run("verify", "--archive", str(published), "--rebuild", cwd=published.parent)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[1:4] == [
        "gslxx-2018-01: rebuilt to the same bytes as the archive",
        "gslxx-2018-01-r2: rebuilt to the same bytes as the archive",
        "2 of 2 editions rebuilt to the same bytes",  # (no publication here: the locale's English)
    ]


def test_a_tampered_photo_is_reported_by_verify_and_by_the_rebuild(copy: Path) -> None:
    photo = copy / CORRECTED / "photos" / "meeting.png"
    image = Image.open(PHOTO).convert("RGB")
    image.putpixel((0, 0), (255, 0, 0))
    photo.chmod(0o644)
    image.save(photo)  # still a photo: the edition can be made, and differs
    result = run("verify", "--archive", str(copy), "--rebuild", "gslxx-2018-01-r2", cwd=copy.parent)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"archive/{CORRECTED}/photos/meeting.png: altered: its SHA-256 is not the one published",
        f"gslxx-2018-01-r2: rebuilt, differs from the archive: {CORRECTED}.pdf, {CORRECTED}.docx",
    ]
    assert "0 of 1 editions rebuilt to the same bytes" in result.stdout


def test_an_edition_set_in_a_font_this_machine_lacks_cannot_be_rebuilt(copy: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    installed = A.font_files
    monkeypatch.setattr(A, "font_files", lambda issue: {family: path for family, path in installed(issue).items()
                                                         if family != "FandolFang"})
    results = list(rebuild(Archive(copy), render_published, "gslxx-2018-01"))  # the issue: both its editions
    assert [str(result) for result in results] == [
        f"{edition}: 无法重建：字体未安装：FandolFang（FandolFang-Regular.ttf）"
        for edition in ("gslxx-2018-01", "gslxx-2018-01-r2")]


def test_the_corrected_edition_prints_its_mark_under_the_issue_line_and_the_first_none(published: Path) -> None:
    corrected = dt.date.fromisoformat(str(entries(published)[1]["corrected"]))
    mark = f"更正版（{date_text(corrected)}）"
    with pdfplumber.open(published / f"{FIRST}.pdf") as pdf:
        assert "更正版" not in pdf.pages[0].extract_text()
    with pdfplumber.open(published / f"{CORRECTED}.pdf") as pdf:
        page = pdf.pages[0]
        lines = page.extract_text_lines()
        (issue_line,) = [line for line in lines if line["text"].startswith("2018年第1期")]
        (marked,) = [line for line in lines if "更正版" in line["text"]]
        issuers = min((line for line in lines if line["text"].startswith("嘉")), key=lambda line: line["top"])
    assert marked["text"] == mark
    assert issue_line["bottom"] < marked["top"] and marked["bottom"] < issuers["top"]  # just under the issue line
    assert abs((marked["x0"] + marked["x1"]) / 2 - (issue_line["x0"] + issue_line["x1"]) / 2) < 1  # centred as it


def test_the_corrected_edition_docx_has_the_mark_in_its_style(published: Path) -> None:
    corrected = dt.date.fromisoformat(str(entries(published)[1]["corrected"]))
    first = docx.Document(io.BytesIO((published / f"{FIRST}.docx").read_bytes()))
    assert not [p for p in first.paragraphs if "更正版" in p.text]
    assert "Correction Mark" not in [style.name for style in first.styles]  # the first edition's files as before
    second = docx.Document(io.BytesIO((published / f"{CORRECTED}.docx").read_bytes()))
    texts = [(p.text, p.style.name if p.style else "") for p in second.paragraphs]
    at = texts.index(("2018年第1期（总第101期）", "Issue Line"))
    assert texts[at + 1] == (f"更正版（{date_text(corrected)}）", "Correction Mark")


def test_an_issue_file_cannot_claim_to_be_a_correction(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_archive(tmp_path, {2018: 1})
    path = tmp_path / ISSUE
    path.write_text(path.read_text(encoding="utf-8") + "corrected: 2018-02-01\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    line = len(path.read_text(encoding="utf-8").splitlines())
    with pytest.raises(BulletinError) as error:
        load(path)
    assert [str(problem) for problem in error.value.problems] == [
        f"{ISSUE}:{line}:1: corrected: corrected 由 publish --supersede 写入档案，不能在期刊文件中设定"]
