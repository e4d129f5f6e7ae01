"""Install the free fonts into fonts/ from Debian's packages (see fonts/README.md): run by ./run."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from fontTools.ttLib import TTCollection

FONTS = Path(__file__).resolve().parent.parent / "fonts"
NOTO = Path("/usr/share/fonts/opentype/noto")
WENKAI = Path("/usr/share/fonts/truetype/lxgw-wenkai")
FANDOL = "usr/share/texlive/texmf-dist/fonts/opentype/public/fandol"

# Noto CJK ships as collections; the SC face of each is written out on its own.
NOTO_SC = {
    "NotoSerifCJKsc-Regular.otf": "NotoSerifCJK-Regular.ttc",
    "NotoSerifCJKsc-Bold.otf": "NotoSerifCJK-Bold.ttc",
    "NotoSansCJKsc-Regular.otf": "NotoSansCJK-Regular.ttc",
}
FANDOL_FILES = ["FandolFang-Regular.otf", "FandolKai-Regular.otf", "FandolHei-Regular.otf", "FandolSong-Regular.otf"]


def noto() -> None:
    for target, collection in NOTO_SC.items():
        if (FONTS / target).exists():
            continue
        fonts = TTCollection(NOTO / collection, recalcTimestamp=False).fonts
        (sc,) = [f for f in fonts if f["name"].getDebugName(1) in ("Noto Serif CJK SC", "Noto Sans CJK SC")]
        sc.save(FONTS / target)


def fandol() -> None:
    if all((FONTS / name).exists() for name in FANDOL_FILES):
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
    noto()
    for name in ("LXGWWenKai-Regular.ttf",):
        if not (FONTS / name).exists():
            shutil.copyfile(WENKAI / name, FONTS / name)
    fandol()
    print(f"fonts: {len(list(FONTS.glob('*.[ot]tf')))} faces in {FONTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
