"""Fonts: the installed free faces are the pinned ones, and the chains fall back as documented."""

from __future__ import annotations

import hashlib
import itertools
import math
import os
import subprocess
from pathlib import Path

import pytest
from conftest import ISSUES
from fontTools.misc.bezierTools import cubicPointAtT, linePointAtT, quadraticPointAtT
from fontTools.pens.basePen import BasePen
from fontTools.pens.recordingPen import RecordingPen
from fontTools.ttLib import TTCollection, TTFont

from bulletin import fontinstall
from bulletin.cli import main
from bulletin.fonts import FAMILY_PREFIX, FONTS_DIR, Chain, renderer_fontconfig
from bulletin.layout import FREE_FACES, ROLES


def test_installed_fonts_are_the_pinned_files() -> None:
    written = dict(line.split()[::-1] for line in (FONTS_DIR / "SHA256SUMS").read_text().splitlines())
    assert written == {face.file: face.sha256 for face in FREE_FACES.values()}
    for face in FREE_FACES.values():
        assert hashlib.sha256((FONTS_DIR / face.file).read_bytes()).hexdigest() == face.sha256, face.file


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
                                                         capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    monkeypatch.setattr("bulletin.engine.harfbuzz_subset_missing", lambda: True)
    assert main(["build", str(ISSUES / "2018" / "2018-10.yaml"), "--out", str(tmp_path)]) == 0
    assert "注意：缺少 HarfBuzz 的子集工具（Debian libharfbuzz-subset0）" in capsys.readouterr().err


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


Point = tuple[float, float]


class _Samples(BasePen):  # type: ignore[misc]  # fontTools is untyped
    """Points along an outline, none more than half a unit from the next (a curve is sampled by its control
    polygon's length, which is never shorter than the curve)."""

    def __init__(self) -> None:
        super().__init__(None)
        self.points: list[Point] = []
        self._start: Point = (0.0, 0.0)

    def _along(self, *polygon: Point) -> None:
        at = {2: linePointAtT, 3: quadraticPointAtT, 4: cubicPointAtT}[len(polygon)]
        steps = max(1, math.ceil(2 * sum(math.dist(a, b) for a, b in itertools.pairwise(polygon))))
        self.points.extend(at(*polygon, step / steps) for step in range(1, steps + 1))

    def _moveTo(self, point: Point) -> None:
        self._start = point
        self.points.append(point)

    def _lineTo(self, point: Point) -> None:
        self._along(self._getCurrentPoint(), point)

    def _curveToOne(self, p1: Point, p2: Point, p3: Point) -> None:
        self._along(self._getCurrentPoint(), p1, p2, p3)

    def _qCurveToOne(self, p1: Point, p2: Point) -> None:
        self._along(self._getCurrentPoint(), p1, p2)

    def _closePath(self) -> None:
        self._along(self._getCurrentPoint(), self._start)


def _strays(points: list[Point], others: list[Point], reach: float) -> list[Point]:
    """The points (every fourth: two units apart) farther than `reach` from every one of `others`, these in
    a grid of cells `reach` wide: a point's neighbours within reach are in its cell and the eight around."""
    grid: dict[tuple[int, int], list[Point]] = {}
    for x, y in others:
        grid.setdefault((int(x // reach), int(y // reach)), []).append((x, y))
    around = [(0, 0), *((dx, dy) for dx in (-1, 0, 1) for dy in (-1, 0, 1) if dx or dy)]
    return [(x, y) for x, y in points[::4]
            if not any(math.dist((x, y), other) <= reach for dx, dy in around
                       for other in grid.get((int(x // reach) + dx, int(y // reach) + dy), ()))]


def test_the_lightened_face_keeps_the_packages_outlines_within_its_tolerance() -> None:
    """FandolFang is made TrueType and lighter at set-up (bulletin/fontinstall.py): every character
    keeps its advance, and a sample of outlines lies within the tolerance of the package's, both ways."""
    (name, packaged_name), = fontinstall.LIGHTENED.items()
    packaged_path = fontinstall.PACKAGED / packaged_name
    assert packaged_path.is_file(), f"{packaged_path} is missing: the set-up (./run test) keeps it"
    ours, packaged = TTFont(FONTS_DIR / name), TTFont(packaged_path)
    assert "glyf" in ours and "CFF " not in ours
    ours_cmap, packaged_cmap = ours.getBestCmap(), packaged.getBestCmap()
    assert ours_cmap.keys() == packaged_cmap.keys()
    glyphs, originals = ours.getGlyphSet(), packaged.getGlyphSet()
    assert all(glyphs[ours_cmap[code]].width == originals[packaged_cmap[code]].width for code in ours_cmap)
    reach = fontinstall.TOLERANCE + 0.5  # within the tolerance, give or take the half unit between samples
    strays = {}
    for code in sorted(ours_cmap)[::211]:  # fifty characters: the whole repertoire would take minutes
        drawn, original = _Samples(), _Samples()
        glyphs[ours_cmap[code]].draw(drawn)
        originals[packaged_cmap[code]].draw(original)
        assert bool(drawn.points) == bool(original.points), chr(code)  # blank (a space) stays blank
        if found := _strays(drawn.points, original.points, reach) + _strays(original.points, drawn.points, reach):
            strays[chr(code)] = found[:3]
    assert not strays, f"outlines moved farther than {reach} units: {strays}"


def test_chains_of_free_faces_are_shared_and_chains_with_an_office_face_looked_up_anew() -> None:
    free = ROLES["fangsong"]
    assert Chain.of("fangsong", free) is Chain.of("fangsong", free)  # what one issue looked up, the next reuses
    office = ("仿宋_GB2312", *free)
    assert Chain.of("fangsong", office) is not Chain.of("fangsong", office)  # it may have been installed since


def test_a_dash_pair_is_measured_as_the_one_glyph_noto_sets_it_in(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """HarfBuzz applies Noto CJK's ccmp ligature to —— (one two-em dash, narrower than two dashes): the line
    breaker measures that glyph, from the font and again from the cache."""
    import bulletin.fonts as fonts

    bold = FONTS_DIR / FREE_FACES["Noto Serif CJK SC Bold"].file
    for attempt in ("from the font", "from the cache"):
        monkeypatch.setattr(fonts, "CACHE_DIR", tmp_path)
        fonts.metrics.cache_clear()
        found = fonts.metrics(bold)
        assert found.ligatures["——"] == pytest.approx(1.766) and found.advances[0x2014] == pytest.approx(0.928), attempt
    chain = Chain("bold", ROLES["bold"])
    glyphs, width = chain.composed("a——b", 1)
    assert glyphs == 2 and width == pytest.approx(1.766) and chain.composed("a——b", 0)[0] == 1
    fonts.metrics.cache_clear()


def test_the_set_ups_glyph_check_finds_a_moved_point_and_a_lost_character() -> None:
    """The set-up checks every glyph of the lightened face before putting it in place (fontinstall.derive):
    it passes the face as made, and fails it for a point moved 4 units each way or a character dropped from the cmap."""
    (name, packaged_name), = fontinstall.LIGHTENED.items()
    ours, packaged = TTFont(FONTS_DIR / name), TTFont(fontinstall.PACKAGED / packaged_name)
    glyph = ours.getBestCmap()[ord("仿")]
    gid = ours.getGlyphID(glyph)
    assert fontinstall.lightening_faults(ours, packaged, range(gid, gid + 1)) == []
    outline = ours["glyf"][glyph]
    corner = next(i for i, flag in enumerate(outline.flags) if flag & 1)  # an on-curve point
    x, y = outline.coordinates[corner]
    outline.coordinates[corner] = (x + 4, y + 4)
    (fault,) = fontinstall.lightening_faults(ours, packaged, range(gid, gid + 1))
    assert fault.startswith(f"{glyph}: an outline moved ")
    del ours["cmap"].getcmap(3, 1).cmap[ord("仿")]
    assert "cmap (3, 1) changed" in fontinstall.lightening_faults(ours, packaged, range(0, 1))


def test_without_the_free_faces_a_chain_is_the_offices_installed_fonts_or_the_message(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import bulletin.fonts as fonts

    office = FONTS_DIR / FREE_FACES["Noto Serif CJK SC"].file  # standing in for an installed 仿宋_GB2312
    monkeypatch.setattr(fonts, "FONTS_DIR", tmp_path)
    monkeypatch.setattr(fonts, "_installed", lambda family: office if family == "仿宋_GB2312" else None)
    fonts.find_face.cache_clear()
    try:
        chain = Chain("fangsong", ("仿宋_GB2312", *ROLES["fangsong"]))
        assert [face.family for face in chain.installed] == ["仿宋_GB2312"]
        assert chain.face_for("仿") is not None and chain.face_for("仿").path == office  # type: ignore[union-attr]
        with pytest.raises(fonts.FontError, match="sudo apt-get install fonts-noto-cjk fonts-lxgw-wenkai"):
            Chain("heiti", ("黑体", *ROLES["heiti"]))
    finally:
        fonts.find_face.cache_clear()
