"""The free fonts, made from Debian's packages into the fonts folder (fonts/README.md): `bulletin fonts`."""

from __future__ import annotations

import contextlib
import hashlib
import io
import itertools
import math
import os
import shutil
import subprocess
import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from fontTools import subset
from fontTools.pens.basePen import BasePen
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.recordingPen import RecordingPen, replayRecording
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTCollection, TTFont, newTable
from fontTools.ttLib.reorderGlyphs import reorderGlyphs

from bulletin.fonts import CACHE_HOME, CHECKOUT_FONTS, DEBIAN_PACKAGES, FONTS_DIR, USER_FONTS, fontconfig_aliases
from bulletin.i18n import _
from bulletin.layout import FREE_FACES
from bulletin.output import write_atomic

FONTS = FONTS_DIR  # where this bulletin looks for them (bulletin.fonts)
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
    return {face.file: face.sha256 for face in FREE_FACES.values()}


def current(name: str, folder: Path | None = None) -> bool:
    """Whether FOLDER/NAME is there with its pinned digest (a stale file is made again)."""
    path = (folder or FONTS) / name
    return path.is_file() and hashlib.sha256(path.read_bytes()).hexdigest() == pinned().get(name)


def derive() -> None:
    """The faces made from packaged ones, the longest first, as many at once as there are cores; then the
    check of every glyph of each lightened face, shared out among the cores likewise, before it is put in place."""
    jobs = [(lightened_face, target) for target in LIGHTENED if not current(target)]
    jobs += [(noto_face, target) for target in NOTO_SC if not current(target)]
    if not jobs:
        return
    with ProcessPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        made = [pool.submit(make, target) for make, target in jobs]
        for (make, target), done in zip(jobs, made, strict=True):
            if make is not lightened_face:
                continue
            done.result()
            count = len(TTFont(_unchecked(target), lazy=True).getGlyphOrder())
            print(_("fonts: checking every glyph of {file} ({count}; a few minutes, once)").format(
                file=target, count=count), flush=True)
            chunk = math.ceil(count / CHECKS)
            checks = [pool.submit(lightening_faults_of, target, start, min(start + chunk, count))
                      for start in range(0, count, chunk)]
            if faults := [fault for check in checks for fault in check.result()]:
                raise RuntimeError(f"{target}: the conversion lost what it must keep: {'; '.join(faults[:10])}")
            _unchecked(target).replace(FONTS / target)
        for done in made:
            done.result()


CHECKS = 16  # the parts the check of a lightened face is cut into (the cores take them in turn)


def _unchecked(target: str) -> Path:
    return FONTS / f".{target}.unchecked"


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
    """fonts/.TARGET.unchecked: a packaged CFF face as TrueType, its outlines lightened within TOLERANCE; put
    in place as fonts/TARGET once every glyph of it passes lightening_faults() (derive)."""
    font = TTFont(PACKAGED / LIGHTENED[target], recalcTimestamp=False)
    as_truetype(font, TOLERANCE)
    saved = io.BytesIO()
    font.save(saved)
    write_atomic(_unchecked(target), saved.getvalue())


def lightening_faults_of(target: str, start: int, stop: int) -> list[str]:
    """lightening_faults() of the glyphs START to STOP of fonts/.TARGET.unchecked (the cmap with the first)."""
    return lightening_faults(TTFont(_unchecked(target)), TTFont(PACKAGED / LIGHTENED[target]), range(start, stop))


# The check of a lightened face: every outline lies within REACH of the package's, both ways (the tolerance,
# and the half unit TrueType's whole-unit coordinates may move a point); outlines are flattened to polylines
# within FLAT of their curves first.
REACH = TOLERANCE + 0.5
FLAT = 0.25


def lightening_faults(ours: TTFont, packaged: TTFont, glyph_ids: range | None = None) -> list[str]:
    """What a lightened face lost of the packaged one, glyph by glyph (by glyph id: the order is kept), of
    every glyph or those of `glyph_ids`: a cmap entry of any subtable, an advance, or an outline moved
    farther than REACH. Empty when none."""
    faults: list[str] = []
    order, original_order = ours.getGlyphOrder(), packaged.getGlyphOrder()
    if len(order) != len(original_order):
        return [f"{len(order)} glyphs, not {len(original_order)}"]
    ids = {name: gid for gid, name in enumerate(order)}
    original_ids = {name: gid for gid, name in enumerate(original_order)}
    chosen = range(len(order)) if glyph_ids is None else glyph_ids
    for table in packaged["cmap"].tables if chosen.start == 0 else ():
        kept = ours["cmap"].getcmap(table.platformID, table.platEncID)
        mapped = {code: ids[name] for code, name in (kept.cmap if kept else {}).items()}
        if mapped != {code: original_ids[name] for code, name in table.cmap.items()}:
            faults.append(f"cmap ({table.platformID}, {table.platEncID}) changed")
    glyphs, originals = ours.getGlyphSet(), packaged.getGlyphSet()
    for gid in chosen:
        name, original = order[gid], original_order[gid]
        if glyphs[name].width != originals[original].width:
            faults.append(f"{name}: advance {glyphs[name].width}, not {originals[original].width}")
        drawn, packaged_drawn = _polylines(glyphs[name]), _polylines(originals[original])
        if bool(drawn) != bool(packaged_drawn):
            faults.append(f"{name}: {'drawn' if drawn else 'blank'}, the package's is not")
        elif (far := _farthest(drawn, packaged_drawn)) > REACH or (far := _farthest(packaged_drawn, drawn)) > REACH:
            faults.append(f"{name}: an outline moved {far:.2f} units")
    return faults


class _Flattened(BasePen):  # type: ignore[misc]
    """An outline as polylines (one per contour), each curve split until its control points lie within FLAT
    of its chord (a curve lies in the hull of its control points: so within FLAT of the polyline)."""

    def __init__(self) -> None:
        super().__init__(None)
        self.lines: list[tuple[Point, Point]] = []
        self._start: Point = (0.0, 0.0)

    def _moveTo(self, point: Point) -> None:
        self._start = point

    def _lineTo(self, point: Point) -> None:
        self.lines.append((self._getCurrentPoint(), point))

    def _curveToOne(self, p1: Point, p2: Point, p3: Point) -> None:
        self._flatten((self._getCurrentPoint(), p1, p2, p3))

    def _qCurveToOne(self, p1: Point, p2: Point) -> None:
        self._flatten((self._getCurrentPoint(), p1, p2))

    def _closePath(self) -> None:
        if self._getCurrentPoint() != self._start:
            self.lines.append((self._getCurrentPoint(), self._start))

    def _flatten(self, curve: tuple[Point, ...]) -> None:
        if all(_distance(point, curve[0], curve[-1]) <= FLAT for point in curve[1:-1]):
            self.lines.append((curve[0], curve[-1]))
            return
        left, right = [curve[0]], [curve[-1]]
        points = list(curve)
        while len(points) > 1:  # de Casteljau at t = 1/2
            points = [((a[0] + b[0]) / 2, (a[1] + b[1]) / 2) for a, b in itertools.pairwise(points)]
            left.append(points[0])
            right.append(points[-1])
        self._flatten(tuple(left))
        self._flatten(tuple(reversed(right)))


def _polylines(glyph: Any) -> list[tuple[Point, Point]]:
    pen = _Flattened()
    glyph.draw(pen)
    return pen.lines


def _farthest(lines: list[tuple[Point, Point]], others: list[tuple[Point, Point]]) -> float:
    """How far `lines` get from `others`, to within REACH: 0 when every point of them is within REACH of
    `others`, else the distance of a point found beyond it. The distance to a segment is convex along a
    line, so a segment whose two ends lie within REACH of one segment of `others` lies within it whole;
    one that does not is halved until it does, or until a piece shorter than a tenth of a unit is found
    farther than REACH from every segment near it."""
    cell = 2 * REACH
    grid: dict[tuple[int, int], list[tuple[Point, Point]]] = {}

    def near(point: Point) -> list[tuple[Point, Point]]:
        if not grid:  # made when first needed: most pieces lie along the segment the last one did
            for segment in others:  # each segment in the cells it passes through, walked in steps under a cell
                (ax, ay), (bx, by) = segment
                steps = max(1, math.ceil(math.dist(*segment) / (0.9 * cell)))
                for step in range(steps + 1):
                    x, y = ax + (bx - ax) * step / steps, ay + (by - ay) * step / steps
                    listed = grid.setdefault((int(x // cell), int(y // cell)), [])
                    if not listed or listed[-1] is not segment:
                        listed.append(segment)
        cx, cy = int(point[0] // cell), int(point[1] // cell)
        return [segment for dx in (-1, 0, 1) for dy in (-1, 0, 1) for segment in grid.get((cx + dx, cy + dy), ())]

    def along(a: Point, b: Point, segment: tuple[Point, Point]) -> bool:
        return _within(a, *segment) and _within(b, *segment)

    same = set(others) | {(b, a) for a, b in others}  # most lines are kept as they were: nothing to measure
    at = {segment: index for index, segment in enumerate(others)}
    last = 0  # the segment of `others` that the last piece lay along: the next piece most likely lies along it
    pending = [segment for segment in reversed(lines) if segment not in same]
    while pending:
        a, b = pending.pop()
        following = others[max(0, last - 4) : last + 5]
        if found := next((segment for segment in following
                          if along(a, b, segment)), None):
            last = at[found]
            continue
        candidates = near(a) + near(b) if math.dist(a, b) > cell else near(a)
        if found := next((segment for segment in candidates
                          if along(a, b, segment)), None):
            last = at[found]
            continue
        if math.dist(a, b) < 0.1:
            return min((_distance(a, *segment) for segment in candidates), default=math.inf)
        middle = ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2)
        pending += [(middle, b), (a, middle)]
    return 0.0


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
        spanned: list[Point] = [current, *points[:-1]] if current is not None and operator == "curveTo" else []
        if spanned and all(_distance(point, spanned[0], points[-1]) <= tolerance for point in spanned[1:]):
            operator, points = "lineTo", points[-1:]
        if operator == "lineTo" and points[0] == current:
            continue  # a line to where it is
        if operator == "lineTo" and out and out[-1][0] == "lineTo" and start is not None and current is not None:
            dropped = [*run, current, *spanned[1:]]
            if all(_distance(point, start, points[0]) <= tolerance for point in dropped):
                out[-1], run, current = ("lineTo", points), dropped, points[0]
                continue
        start, current = current, (points[-1] if points else None)
        run = spanned[1:] if operator == "lineTo" else []
        out.append((operator, points))
    return out


def _within(point: Point, a: Point, b: Point) -> bool:
    """Whether a point lies within REACH of the segment from a to b (_distance, without its square root)."""
    (x, y), (ax, ay), (bx, by) = point, a, b
    dx, dy = bx - ax, by - ay
    length = dx * dx + dy * dy
    t = 0.0 if length == 0 else max(0.0, min(1.0, ((x - ax) * dx + (y - ay) * dy) / length))
    ex, ey = x - ax - t * dx, y - ay - t * dy
    return ex * ex + ey * ey <= REACH * REACH


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

        def fetched() -> bool:
            return subprocess.run(download, cwd=tmp, check=False, stdout=subprocess.DEVNULL).returncode == 0

        # Failing, the package lists were never fetched: as root, fetch them; else say so.
        if not fetched() and (os.geteuid() != 0 or subprocess.run(["apt-get", "update", "-qq"], check=False).returncode
                              or not fetched()):
            raise RuntimeError(_("cannot download Debian's package texlive-lang-chinese (its Fandol fonts): "
                                 "run `sudo apt-get update`, then `bulletin fonts` again"))
        (deb,) = Path(tmp).glob("texlive-lang-chinese_*.deb")
        subprocess.run(["dpkg-deb", "-x", str(deb), f"{tmp}/x"], check=True)
        PACKAGED.mkdir(parents=True, exist_ok=True)
        for name in FANDOL_FILES:
            shutil.copyfile(f"{tmp}/x/{FANDOL}/{name}", PACKAGED / name)
    fandol()


def missing_packages() -> list[str]:
    """The Debian packages of DEBIAN_PACKAGES whose files the set-up needs and cannot find."""
    needed = {"fonts-noto-cjk": NOTO / NOTO_SC["NotoSerifCJKsc-Regular.otf"],
              "fonts-lxgw-wenkai": WENKAI / "LXGWWenKai-Regular.ttf"}
    return [package for package in DEBIAN_PACKAGES if not needed[package].is_file()]


def install() -> list[str]:
    """Make every free face in FONTS that is not there as pinned (the others are not touched, nor hashed
    again beyond reading them), write its SHA256SUMS and fonts.conf, and offer the faces to an installed
    bulletin in USER_FONTS; the files left not as pinned (none, unless Debian's packages changed)."""
    if missing := [package for package in missing_packages()
                   if not all(current(face) for face in pinned())]:
        raise RuntimeError(_("the free fonts are made from Debian's packages {packages}: install them with "
                             "`sudo apt-get install {packages}`, then run `bulletin fonts` again").format(
                                 packages=" ".join(missing)))
    FONTS.mkdir(parents=True, exist_ok=True)
    for old in set(FONTS.glob("*.[ot]tf")) - {FONTS / name for name in pinned()}:
        old.unlink()  # a face an earlier set-up installed (FandolFang was an .otf): fontconfig would list it
    fandol()
    derive()
    for name in ("LXGWWenKai-Regular.ttf",):
        if not current(name):
            shutil.copyfile(WENKAI / name, FONTS / name)
    _write_if_changed(FONTS / "SHA256SUMS", "".join(f"{digest}  {name}\n" for name, digest in pinned().items()))
    _write_if_changed(FONTS / "fonts.conf", fontconfig_aliases())
    if FONTS.resolve() == CHECKOUT_FONTS.resolve():
        shared(FONTS, USER_FONTS)
    return [name for name in pinned() if not current(name)]


def shared(source: Path, target: Path) -> None:
    """The faces of a checkout's fonts/ in the user's data folder too, for a bulletin installed with pip or
    pipx (which cannot know the checkout): hard links, so that they outlast the checkout at no cost in
    space (copies across file systems, made only where what is there is not as pinned)."""
    with contextlib.suppress(OSError):  # the user's data folder is a convenience, not a need of this checkout
        target.mkdir(parents=True, exist_ok=True)
        for name in pinned():
            there, link = target / name, target / f".{name}.link"
            if there.exists() and there.samefile(source / name):
                continue
            link.unlink(missing_ok=True)
            try:  # a link costs nothing, where hashing what is there would cost every ./run a tenth of a second
                os.link(source / name, link)
                link.replace(there)
            except OSError:
                if not current(name, target):
                    shutil.copyfile(source / name, link)
                    link.replace(there)
        for name in ("SHA256SUMS", "fonts.conf"):
            _write_if_changed(target / name, (source / name).read_text(encoding="utf-8"))


def _write_if_changed(path: Path, text: str) -> None:
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        write_atomic(path, text.encode())
