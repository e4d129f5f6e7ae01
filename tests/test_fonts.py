"""Fonts: the installed free faces are the pinned ones, and the chains fall back as documented."""

from __future__ import annotations

import hashlib
import os
import subprocess
from pathlib import Path

import pytest
from conftest import ISSUES
from fontTools.pens.recordingPen import RecordingPen
from fontTools.ttLib import TTCollection, TTFont

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
    monkeypatch.setattr("bulletin.engine.harfbuzz_subset_missing", lambda: True)
    assert main(["build", str(ISSUES / "2018" / "2018-10.yaml"), "--out", str(tmp_path)]) == 0
    assert "warning: HarfBuzz's subsetter (Debian libharfbuzz-subset0) is missing" in capsys.readouterr().err


@pytest.mark.parametrize(("name", "collection"), [("NotoSerifCJKsc-Bold.otf", "NotoSerifCJK-Bold.ttc"),
                                                   ("NotoSansCJKsc-Regular.otf", "NotoSansCJK-Regular.ttc")])
def test_the_cut_faces_draw_every_character_as_noto_does(name: str, collection: str) -> None:
    ours = TTFont(FONTS_DIR / name)
    (noto,) = [face for face in TTCollection(Path("/usr/share/fonts/opentype/noto") / collection).fonts
               if face["name"].getDebugName(1) in ("Noto Serif CJK SC", "Noto Sans CJK SC")]
    ours_cmap, noto_cmap = ours.getBestCmap(), noto.getBestCmap()
    assert ours_cmap.keys() <= noto_cmap.keys() and len(ours_cmap) > 7000
    glyphs, originals = ours.getGlyphSet(), noto.getGlyphSet()
    for code in sorted(ours_cmap)[::7]:  # one character in seven: all would take a minute
        drawn, original = RecordingPen(), RecordingPen()
        glyphs[ours_cmap[code]].draw(drawn)
        originals[noto_cmap[code]].draw(original)
        assert (drawn.value, glyphs[ours_cmap[code]].width) == (original.value, originals[noto_cmap[code]].width), (
            chr(code))
    assert ours.getGlyphID(ours_cmap[ord("的")]) < 4000  # the common characters come first
