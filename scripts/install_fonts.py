"""Install the free fonts into fonts/ from Debian's packages (see fonts/README.md): run by ./run."""

from __future__ import annotations

import hashlib
import math
import os
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.recordingPen import RecordingPen, replayRecording
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTCollection, TTFont, newTable
from fontTools.ttLib.reorderGlyphs import reorderGlyphs

from bulletin.fonts import CACHE_HOME  # the set-up runs after the package is installed (./run)

FONTS = Path(__file__).resolve().parent.parent / "fonts"
PINNED = FONTS / "SHA256SUMS"
NOTO = Path("/usr/share/fonts/opentype/noto")
WENKAI = Path("/usr/share/fonts/truetype/lxgw-wenkai")
FANDOL = "usr/share/texlive/texmf-dist/fonts/opentype/public/fandol"
# The packages' own files that faces are made from, kept for the tests that compare the two.
PACKAGED = CACHE_HOME / "packages"

# Noto CJK ships as collections; the SC face of each is written out on its own.
NOTO_SC = {
    "NotoSerifCJKsc-Regular.otf": "NotoSerifCJK-Regular.ttc",
    "NotoSerifCJKsc-Bold.otf": "NotoSerifCJK-Bold.ttc",
    "NotoSansCJKsc-Regular.otf": "NotoSansCJK-Regular.ttc",
}
# The faces that set only titles, headings and leads are cut to the GB 2312 repertoire (FandolHei's), their
# glyphs put in GB 2312's order: WeasyPrint embeds every glyph id up to the highest one an issue uses (empty
# but for its metrics), so the common characters, the symbols and Latin go first. That takes ~50 KB off
# every PDF. The full Noto Serif CJK SC stays last in their chains for rare characters. (The Fandol faces
# and Noto's full face are in that order already, as far as it helps: reordering them gains nothing.)
COMPACT = ("NotoSerifCJKsc-Bold.otf", "NotoSansCJKsc-Regular.otf")
FANDOL_FILES = ["FandolFang-Regular.otf", "FandolKai-Regular.otf", "FandolHei-Regular.otf", "FandolSong-Regular.otf"]
# FandolFang sets the body of every issue, and its outlines are heavy (no subroutines, many nearly straight
# curves): ~460 bytes a glyph in a PDF, 300 KB for a 7-page issue. It is made lighter once, here, with
# every outline kept within TOLERANCE of the package's (2/1000 em: 0.01 mm at 16 pt, a quarter of a
# 1200 dpi dot): curves that straight become lines, runs of lines that straight one line, and the rest
# quadratic curves (TrueType, whose outlines also compress better). A PDF embeds it ~45% smaller.
LIGHTENED = {"FandolFang-Regular.ttf": "FandolFang-Regular.otf"}
TOLERANCE = 2.0  # font units (FandolFang has 1000 to the em)


def pinned() -> dict[str, str]:
    """File name -> SHA-256 the set-up must produce."""
    return dict(line.split()[::-1] for line in PINNED.read_text().splitlines() if line.strip())


def current(name: str) -> bool:
    """Whether fonts/NAME is there with its pinned digest (a stale file is made again)."""
    path = FONTS / name
    return path.exists() and hashlib.sha256(path.read_bytes()).hexdigest() == pinned().get(name)


def derive() -> None:
    """The faces made from packaged ones, the longest first, as many at once as there are cores."""
    jobs = [(lightened_face, target) for target in LIGHTENED if not current(target)]
    jobs += [(noto_face, target) for target in NOTO_SC if not current(target)]
    if jobs:
        with ProcessPoolExecutor(max_workers=min(len(jobs), os.cpu_count() or 1)) as pool:
            for done in [pool.submit(make, target) for make, target in jobs]:
                done.result()


def noto_face(target: str) -> None:
    """fonts/TARGET: the SC face of a Noto CJK collection, cut and reordered if it is one of COMPACT."""
    fonts = TTCollection(NOTO / NOTO_SC[target], recalcTimestamp=False).fonts
    (sc,) = [f for f in fonts if f["name"].getDebugName(1) in ("Noto Serif CJK SC", "Noto Sans CJK SC")]
    if target in COMPACT:
        repertoire = set(TTFont(FONTS / "FandolHei-Regular.otf", lazy=True).getBestCmap())
        options = subset.Options(retain_gids=False, layout_features=["*"], name_IDs=["*"], notdef_outline=True,
                                 recalc_timestamp=False, drop_tables=[])
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=repertoire | set(range(0x20, 0x7F)) | set(range(0x3000, 0x3040))
                           | set(range(0xFF00, 0xFFF0)))
        subsetter.subset(sc)
        in_gb2312_order(sc)
    sc.save(FONTS / target)


def in_gb2312_order(font: TTFont) -> None:
    """Renumber the glyphs of a font: .notdef, then the characters in the order of their GB 2312 codes
    (ASCII, the symbols, the 3,755 common characters, the 3,008 rarer ones), then the other characters by
    code point, then the glyphs no character maps to (variants), as they were."""

    def rank(code: int) -> tuple[int, bytes]:
        try:
            return 0, chr(code).encode("gb2312")
        except UnicodeEncodeError:
            return 1, code.to_bytes(4, "big")

    order = font.getGlyphOrder()
    ranks: dict[str, tuple[int, bytes]] = {}
    for code, name in font.getBestCmap().items():
        ranks[name] = min(ranks.get(name, (2, b"")), rank(code))
    position = {name: gid for gid, name in enumerate(order)}
    new = [order[0], *sorted(order[1:], key=lambda name: (*ranks.get(name, (2, b"")), position[name]))]
    # A CID-keyed CFF (Noto's) says which font dict each glyph uses by glyph id: each charstring is read
    # with its own before the ids change, and the table is rebuilt from them when the font is written.
    top = font["CFF "].cff.topDictIndex[0]
    cid_keyed = hasattr(top, "FDSelect")
    for gid, name in enumerate(order):
        charstring = top.CharStrings[name]
        if cid_keyed:
            charstring.fdSelectIndex = top.FDSelect[gid]
    reorderGlyphs(font, new)
    if cid_keyed:
        top.FDSelect.gidArray = []


def lightened_face(target: str) -> None:
    """fonts/TARGET: a packaged CFF face as TrueType, its outlines lightened within TOLERANCE."""
    font = TTFont(PACKAGED / LIGHTENED[target], recalcTimestamp=False)
    as_truetype(font, TOLERANCE)
    font.save(FONTS / target)


def as_truetype(font: TTFont, tolerance: float) -> None:
    """Turn a CFF font into a TrueType one, each outline straightened() and its cubic curves made quadratic
    within `tolerance` (fontTools' cu2qu); the metrics stay, but for the side bearings TrueType reads from
    them (the left one places each outline), which follow the new outlines."""
    order, drawn = font.getGlyphOrder(), font.getGlyphSet()
    glyphs = {}
    for name in order:
        recording, pen = RecordingPen(), TTGlyphPen(None)
        drawn[name].draw(recording)
        replayRecording(straightened(recording.value, tolerance), Cu2QuPen(pen, tolerance, reverse_direction=True))
        glyphs[name] = pen.glyph()
    origins = font.get("VORG")  # vertical origins: CFF's own; TrueType's are in vmtx
    for tag in ("CFF ", "VORG"):
        if tag in font:
            del font[tag]
    font["loca"] = newTable("loca")
    font["glyf"] = glyf = newTable("glyf")
    glyf.glyphOrder, glyf.glyphs = order, glyphs
    for name, glyph in glyphs.items():
        glyph.recalcBounds(glyf)
        font["hmtx"][name] = (font["hmtx"][name][0], getattr(glyph, "xMin", 0))
        if origins is not None and "vmtx" in font:
            font["vmtx"][name] = (font["vmtx"][name][0], origins[name] - getattr(glyph, "yMax", 0))
    font["maxp"] = maxp = newTable("maxp")  # version 1.0: the outline counts are filled in when saved
    maxp.tableVersion, maxp.numGlyphs = 0x00010000, len(order)
    for field in ("maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs", "maxStackElements",
                  "maxSizeOfInstructions", "maxComponentElements", "maxComponentDepth"):
        setattr(maxp, field, 0)
    maxp.maxZones = 1
    font["head"].glyphDataFormat = 0
    font["post"].formatType = 3.0  # no glyph names: nothing reads them
    font.sfntVersion = "\0\1\0\0"


Point = tuple[float, float]


Segment = tuple[str, tuple[Point, ...]]


def straightened(segments: list[Segment], tolerance: float) -> list[Segment]:
    """An outline (a RecordingPen's segments) with each curve whose control points lie within `tolerance`
    of its chord drawn as that chord, and each run of lines whose points (control points of straightened
    curves included) lie within `tolerance` of one line drawn as that line. A curve lies inside the hull of
    its control points, so no part of the outline moves by more than `tolerance`."""
    out: list[Segment] = []
    start: Point | None = None  # where the last segment of `out` starts
    current: Point | None = None
    run: list[Point] = []  # the points a line that ends at `current` stands for
    for operator, points in segments:
        spanned = [current, *points[:-1]] if current is not None and operator == "curveTo" else []
        if spanned and all(_distance(point, current, points[-1]) <= tolerance for point in spanned[1:]):
            operator, points = "lineTo", points[-1:]
        if operator == "lineTo" and points[0] == current:
            continue  # a line to where it is
        if operator == "lineTo" and out and out[-1][0] == "lineTo" and start is not None:
            dropped = [*run, current, *spanned[1:]]
            if all(_distance(point, start, points[0]) <= tolerance for point in dropped):
                out[-1], run, current = ("lineTo", points), dropped, points[0]
                continue
        start, current = current, (points[-1] if points else None)
        run = spanned[1:] if operator == "lineTo" else []
        out.append((operator, points))
    return out


def _distance(point: Point, a: Point, b: Point) -> float:
    """From a point to the segment from a to b."""
    (x, y), (ax, ay), (bx, by) = point, a, b
    dx, dy = bx - ax, by - ay
    length = dx * dx + dy * dy
    t = 0.0 if length == 0 else max(0.0, min(1.0, ((x - ax) * dx + (y - ay) * dy) / length))
    return math.hypot(x - ax - t * dx, y - ay - t * dy)


def fandol() -> None:
    """The Fandol faces from texlive-lang-chinese (only their .otf files, not the rest of TeX): kept as
    packaged under PACKAGED, copied into fonts/ but for the LIGHTENED one, made in derive()."""
    if all((PACKAGED / name).is_file() for name in FANDOL_FILES):
        for name in FANDOL_FILES:
            if name not in LIGHTENED.values() and not current(name):
                shutil.copyfile(PACKAGED / name, FONTS / name)
        return
    with tempfile.TemporaryDirectory() as tmp:
        Path(tmp).chmod(0o777)  # apt downloads as the _apt user
        download = ["apt-get", "download", "texlive-lang-chinese"]
        if subprocess.run(download, cwd=tmp, check=False, stdout=subprocess.DEVNULL).returncode != 0:
            subprocess.run(["apt-get", "update", "-qq"], check=True)  # the package lists were never fetched
            subprocess.run(download, cwd=tmp, check=True, stdout=subprocess.DEVNULL)
        (deb,) = Path(tmp).glob("texlive-lang-chinese_*.deb")
        subprocess.run(["dpkg-deb", "-x", str(deb), f"{tmp}/x"], check=True)
        PACKAGED.mkdir(parents=True, exist_ok=True)
        for name in FANDOL_FILES:
            shutil.copyfile(f"{tmp}/x/{FANDOL}/{name}", PACKAGED / name)
    fandol()


def main() -> int:
    FONTS.mkdir(exist_ok=True)
    for old in set(FONTS.glob("*.[ot]tf")) - {FONTS / name for name in pinned()}:
        old.unlink()  # a face an earlier set-up installed (FandolFang was an .otf): fontconfig would list it
    fandol()
    derive()
    for name in ("LXGWWenKai-Regular.ttf",):
        if not current(name):
            shutil.copyfile(WENKAI / name, FONTS / name)
    stale = [name for name in pinned() if not current(name)]
    print(f"fonts: {len(list(FONTS.glob('*.[ot]tf')))} faces in {FONTS}"
          + (f"; not as pinned: {', '.join(stale)} (Debian's packages changed?)" if stale else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
