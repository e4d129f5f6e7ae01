"""Fonts: the installed free faces are the pinned ones, and the chains fall back as documented."""

from __future__ import annotations

import hashlib
import os
import subprocess
from pathlib import Path

import pytest
from conftest import ISSUES

from bulletin.cli import main
from bulletin.fonts import FAMILY_PREFIX, FONTS_DIR, Chain, renderer_fontconfig
from bulletin.layout import FREE_FACES, ROLES


def test_installed_fonts_are_the_pinned_files() -> None:
    pinned = dict(line.split()[::-1] for line in (FONTS_DIR / "SHA256SUMS").read_text().splitlines())
    assert set(pinned) == {face.file for face in FREE_FACES.values()}
    for name, digest in pinned.items():
        assert hashlib.sha256((FONTS_DIR / name).read_bytes()).hexdigest() == digest, name


def test_the_pdf_renderer_sees_our_faces_and_no_other() -> None:
    listed = subprocess.run(["fc-list", "--format", "%{file}\t%{family}\n"], capture_output=True, text=True,
                            check=True, env={**os.environ, "FONTCONFIG_FILE": str(renderer_fontconfig())}).stdout
    rows = (line.split("\t") for line in listed.splitlines())
    families = {Path(file).name: family.split(",") for file, family in rows}
    assert set(families) == {face.file for face in FREE_FACES.values()}
    for face in FREE_FACES.values():
        assert families[face.file][0] == FAMILY_PREFIX + face.family


def test_fangsong_falls_back_for_what_fandol_lacks() -> None:
    chain = Chain("fangsong", ROLES["fangsong"])
    assert chain.face_for("仿") is not None and chain.face_for("仿").family == "FandolFang"  # type: ignore[union-attr]
    assert chain.face_for("垟").family == "Noto Serif CJK SC"  # type: ignore[union-attr]
    assert chain.missing("垟\U00031350") == [(1, "\U00031350")]


def test_build_warns_when_harfbuzz_subsetter_is_missing(monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str], tmp_path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("bulletin.pdf.harfbuzz_subset_missing", lambda: True)
    assert main(["build", str(ISSUES / "2018" / "2018-10.yaml"), "--out", str(tmp_path)]) == 0
    assert "warning: HarfBuzz's subsetter (Debian libharfbuzz-subset0) is missing" in capsys.readouterr().err
