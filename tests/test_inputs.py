"""Every input bounded, only regular files read: links out of the project, FIFOs, devices, bombs."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml
from conftest import ISSUES, ROOT
from PIL import Image

from bulletin import inputs

SECRET = "secret-line: the editor must never see this\n"


def run(*args: str, cwd: Path, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """A command in its own process, with a deadline (a FIFO read would hang it)."""
    return subprocess.run([sys.executable, "-m", "bulletin.cli", *args], cwd=cwd, capture_output=True, text=True,
                          check=False, timeout=timeout)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    (root / "issues").mkdir(parents=True)
    shutil.copyfile(ROOT / "publication.yaml", root / "publication.yaml")
    shutil.copyfile(ISSUES / "2018" / "2018-10.yaml", root / "issues" / "2018-10.yaml")
    (tmp_path / "outside.yaml").write_text(SECRET, encoding="utf-8")
    return root


def one_error(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    return result.stderr


@pytest.mark.parametrize("command", [["check"], ["build", "--out", "out", "--format", "docx"]])
def test_a_link_to_a_device_is_refused_not_read(project: Path, command: list[str]) -> None:
    (project / "issues" / "zero.yaml").symlink_to("/dev/zero")
    error = one_error(run(*command[:1], "issues/zero.yaml", *command[1:], cwd=project))
    assert "issues/zero.yaml: " in error and ("不是普通文件" in error or "项目之外" in error)


def test_a_fifo_is_refused_without_waiting(project: Path) -> None:
    os.mkfifo(project / "issues" / "pipe.yaml")
    error = one_error(run("check", "issues/pipe.yaml", cwd=project, timeout=20))
    assert "issues/pipe.yaml: 是文件夹、管道或设备，不是普通文件" in error


def test_a_link_out_of_the_project_is_not_read(project: Path) -> None:
    (project / "issues" / "shadow.yaml").symlink_to(project.parent / "outside.yaml")
    error = one_error(run("check", "issues/shadow.yaml", cwd=project))
    assert "指向项目之外的链接" in error and "secret" not in error and "editor must never" not in error


def test_folder_commands_neither_enter_linked_folders_nor_read_links_out(project: Path) -> None:
    elsewhere = project.parent / "elsewhere"
    elsewhere.mkdir()
    shutil.copyfile(project.parent / "outside.yaml", elsewhere / "2018-11.yaml")
    (project / "issues" / "linked").symlink_to(elsewhere, target_is_directory=True)
    (project / "issues" / "shadow.yaml").symlink_to(project.parent / "outside.yaml")
    os.mkfifo(project / "issues" / "pipe.yaml")
    for command in (["check", "issues"], ["build", "issues", "--out", "out", "--format", "docx"],
                    ["search", "--issues", "issues", "数字经济"]):
        result = run(*command, cwd=project, timeout=120)
        assert "Traceback" not in result.stderr and "secret" not in result.stderr + result.stdout, command
        assert "linked" not in result.stderr + result.stdout, command
    error = run("check", "issues", cwd=project, timeout=120).stderr
    assert "issues/pipe.yaml: 是文件夹、管道或设备，不是普通文件" in error
    assert "issues/shadow.yaml: 是指向项目之外的链接" in error


def test_a_photo_over_its_byte_limit_is_refused_by_check(project: Path) -> None:
    """A photo with a small valid header and 2 GB behind it (a sparse file: nothing is written)."""
    photo = project / "issues" / "huge.png"
    Image.new("RGB", (40, 30), "white").save(photo)
    with open(photo, "r+b") as file:
        file.truncate(2 * 1024**3)
    issue = project / "issues" / "2018-10.yaml"
    data = yaml.safe_load(issue.read_text(encoding="utf-8"))
    data["articles"][0]["body"] = [{"photo": "huge.png"}, "正文。"]
    issue.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    error = one_error(run("check", "issues/2018-10.yaml", cwd=project))
    assert "照片 huge.png：有 2048 MiB，超过上限 64 MiB" in error


def docx_with(member: str, data: bytes) -> bytes:
    """A .docx of python-docx's own template with one member replaced."""
    import docx

    template = io.BytesIO()
    docx.Document().save(template)
    out = io.BytesIO()
    with zipfile.ZipFile(template) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item.filename, data if item.filename == member else source.read(item.filename))
    return out.getvalue()


def test_a_docx_bomb_is_refused_before_it_is_unpacked(project: Path) -> None:
    draft = project / "bomb.docx"
    filler = b"<w:p/>" * (30 * 1024 * 1024 // 6)  # 30 MiB of XML that packs into some 30 KiB
    draft.write_bytes(docx_with("word/document.xml", b'<?xml version="1.0"?>' + filler))
    assert draft.stat().st_size < 1024 * 1024
    error = one_error(run("import", "bomb.docx", "-o", "issues/2018-11.yaml", cwd=project))
    assert "bomb.docx: word/document.xml 压缩比超过 200:1" in error
    assert not (project / "issues" / "2018-11.yaml").exists()


def test_the_unpacked_size_of_a_docx_is_bounded(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(inputs, "MAX_UNPACKED_BYTES", 1024)
    draft = tmp_path / "big.docx"
    draft.write_bytes(docx_with("word/document.xml", os.urandom(4096)))
    with pytest.raises(inputs.Refused, match="解压后有 .*超过上限"):
        inputs.check_package(draft)


def test_a_text_draft_over_the_issue_limit_is_refused(project: Path) -> None:
    draft = project / "long.txt"
    draft.write_text("市工商联召开会议。\n" * 300_000, encoding="utf-8")  # 8 MiB
    error = one_error(run("import", "long.txt", "-o", "issues/2018-11.yaml", cwd=project))
    assert "long.txt: 有 8 MiB，超过上限 4 MiB" in error
    assert not (project / "issues" / "2018-11.yaml").exists()
