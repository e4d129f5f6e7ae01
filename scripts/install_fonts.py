"""Install the free fonts into fonts/ from Debian's packages (see fonts/README.md): run by ./run."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection, TTFont
from fontTools.ttLib.reorderGlyphs import reorderGlyphs

FONTS = Path(__file__).resolve().parent.parent / "fonts"
PINNED = FONTS / "SHA256SUMS"
NOTO = Path("/usr/share/fonts/opentype/noto")
WENKAI = Path("/usr/share/fonts/truetype/lxgw-wenkai")
FANDOL = "usr/share/texlive/texmf-dist/fonts/opentype/public/fandol"

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


def pinned() -> dict[str, str]:
    """File name -> SHA-256 the set-up must produce."""
    return dict(line.split()[::-1] for line in PINNED.read_text().splitlines() if line.strip())


def current(name: str) -> bool:
    """Whether fonts/NAME is there with its pinned digest (a stale file is made again)."""
    path = FONTS / name
    return path.exists() and hashlib.sha256(path.read_bytes()).hexdigest() == pinned().get(name)


def noto() -> None:
    stale = [target for target in NOTO_SC if not current(target)]
    if stale:
        with ProcessPoolExecutor(max_workers=min(len(stale), os.cpu_count() or 1)) as pool:
            list(pool.map(noto_face, stale))


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


def fandol() -> None:
    if all(current(name) for name in FANDOL_FILES):
        return
    # Only the Fandol .otf files of texlive-lang-chinese, not the rest of TeX.
    with tempfile.TemporaryDirectory() as tmp:
        Path(tmp).chmod(0o777)  # apt downloads as the _apt user
        download = ["apt-get", "download", "texlive-lang-chinese"]
        if subprocess.run(download, cwd=tmp, check=False, stdout=subprocess.DEVNULL).returncode != 0:
            subprocess.run(["apt-get", "update", "-qq"], check=True)  # the package lists were never fetched
            subprocess.run(download, cwd=tmp, check=True, stdout=subprocess.DEVNULL)
        (deb,) = Path(tmp).glob("texlive-lang-chinese_*.deb")
        subprocess.run(["dpkg-deb", "-x", str(deb), f"{tmp}/x"], check=True)
        for name in FANDOL_FILES:
            shutil.copyfile(f"{tmp}/x/{FANDOL}/{name}", FONTS / name)


def main() -> int:
    FONTS.mkdir(exist_ok=True)
    fandol()
    noto()
    for name in ("LXGWWenKai-Regular.ttf",):
        if not current(name):
            shutil.copyfile(WENKAI / name, FONTS / name)
    stale = [name for name in pinned() if not current(name)]
    print(f"fonts: {len(list(FONTS.glob('*.[ot]tf')))} faces in {FONTS}"
          + (f"; not as pinned: {', '.join(stale)} (Debian's packages changed?)" if stale else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
