"""bulletin as a normal package: a wheel that holds what it reads, installed into a clean venv, builds the
samples from a folder outside the repository; and what it says when the free fonts are missing."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pdfplumber
from conftest import ROOT

from bulletin.fonts import USER_FONTS
from bulletin.layout import FREE_FACES

BIN = Path(sys.executable).parent  # the editable install's venv


def _run(command: list[str | Path], *, cwd: Path | None = None, env: dict[str, str] | None = None,
         timeout: float | None = None) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([str(part) for part in command], capture_output=True, text=True, check=False, cwd=cwd,
                          env=env, timeout=timeout)
    assert done.returncode == 0, f"{' '.join(map(str, command))} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


def _publication(folder: Path) -> Path:
    """A copy of the samples' publication.yaml and issues/2018/, outside the repository."""
    (folder / "issues" / "2018").mkdir(parents=True)
    shutil.copy(ROOT / "publication.yaml", folder)
    for issue in (ROOT / "issues" / "2018").glob("*.yaml"):
        shutil.copy(issue, folder / "issues" / "2018")
    return folder


def _texts(pdf: Path) -> list[str]:
    with pdfplumber.open(pdf) as document:
        return [page.extract_text() for page in document.pages]


def test_a_wheel_in_a_clean_venv_builds_the_samples_outside_the_repository(tmp_path: Path) -> None:
    """Slow (about a minute: a wheel, a venv and the dependencies installed from the configured index). It is
    never skipped: without the index or the user's fonts (./run's set-up links them) it fails, saying why."""
    assert all((USER_FONTS / face.file).is_file() for face in FREE_FACES.values()), (
        f"the free fonts are not in {USER_FONTS}: the set-up (./run test, `bulletin fonts`) puts them there")
    source = tmp_path / "source"  # what the wheel is made of, copied: setuptools' build/ stays out of ours
    for folder in ("bulletin", "templates"):
        shutil.copytree(ROOT / folder, source / folder, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", source)
    _run([BIN / "python", "-m", "pip", "wheel", source, "--no-deps", "-q", "-w", tmp_path / "dist"])
    (wheel,) = (tmp_path / "dist").glob("bulletin-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {f"bulletin/templates/{template.name}" for template in (ROOT / "templates").glob("*.j2")} <= names
    assert "bulletin/locale/zh/LC_MESSAGES/bulletin.mo" in names
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", venv])
    _run([venv / "bin" / "python", "-m", "pip", "install", "-q", "-c", ROOT / "constraints.txt", wheel])
    linked = tmp_path / "fonts"  # the faces as made: `bulletin fonts` of the wheel checks them, makes none
    linked.mkdir()
    for face in FREE_FACES.values():
        os.link(USER_FONTS / face.file, linked / face.file)
    outside = _publication(tmp_path / "publication")
    done = _run([venv / "bin" / "bulletin", "fonts"], cwd=outside, env={**os.environ, "BULLETIN_FONTS": str(linked)})
    assert done.stdout == f"字体：{linked} 中有 8 个字体\n" and (linked / "fonts.conf").is_file()
    environment = {key: value for key, value in os.environ.items() if key != "BULLETIN_FONTS"}
    environment["XDG_CACHE_HOME"] = str(tmp_path / "cache")  # cold: no metrics, templates or fontconfig cached
    _run([venv / "bin" / "bulletin", "build"], cwd=outside, env=environment)
    editable = _publication(tmp_path / "editable")
    _run([BIN / "bulletin", "build"], cwd=editable, env=environment)
    for issue in ("2018-06", "2018-10"):
        assert (outside / "build" / f"{issue}.docx").stat().st_size > 10_000, issue
        assert _texts(outside / "build" / f"{issue}.pdf") == _texts(editable / "build" / f"{issue}.pdf"), issue


def test_without_the_free_fonts_the_build_says_what_to_install(tmp_path: Path) -> None:
    folder = _publication(tmp_path / "publication")
    environment = {**os.environ, "BULLETIN_FONTS": str(tmp_path / "none")}
    done = subprocess.run([BIN / "bulletin", "build", "issues/2018/2018-10.yaml"], cwd=folder, env=environment,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 1
    missing = ", ".join(face.file for face in FREE_FACES.values())
    assert done.stderr.splitlines(keepends=True)[0] == (
        f"issues/2018/2018-10.yaml: 免费字体未安装：{tmp_path / 'none'} 中缺少 {missing}。请先安装："
        "sudo apt-get install fonts-noto-cjk fonts-lxgw-wenkai，再运行 bulletin fonts（在源码目录中，./run build "
        "两步都做）；或在 publication.yaml 的 fonts: 下为每个字体角色写明本单位已安装的字体\n")
