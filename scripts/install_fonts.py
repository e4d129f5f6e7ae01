"""Install the free fonts into fonts/ from Debian's packages (see fonts/README.md): run by ./run."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection, TTFont

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
# The faces that set only titles, headings and leads are cut to the GB 2312 repertoire (FandolHei's) with
# compact glyph ids: WeasyPrint keeps every glyph id up to the highest one used, which for a 65,000-glyph
# face costs ~100 KB of every PDF. The full Noto Serif CJK SC stays last in their chains for rare characters.
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
    repertoire = set(TTFont(FONTS / "FandolHei-Regular.otf", lazy=True).getBestCmap())
    for target, collection in NOTO_SC.items():
        if current(target):
            continue
        fonts = TTCollection(NOTO / collection, recalcTimestamp=False).fonts
        (sc,) = [f for f in fonts if f["name"].getDebugName(1) in ("Noto Serif CJK SC", "Noto Sans CJK SC")]
        if target in COMPACT:
            options = subset.Options(retain_gids=False, layout_features=["*"], name_IDs=["*"], notdef_outline=True,
                                     recalc_timestamp=False, drop_tables=[])
            subsetter = subset.Subsetter(options)
            subsetter.populate(unicodes=repertoire | set(range(0x20, 0x7F)) | set(range(0x3000, 0x3040))
                               | set(range(0xFF00, 0xFFF0)))
            subsetter.subset(sc)
        sc.save(FONTS / target)


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
