"""The Typst yardstick timed inside its own process: the same inputs as ../shared/bench/typst-peer/peer.py
(its template, its fonts), with the compile call timed apart from Python's start, the import of typst and
the font lookup. usage: typst_inside.py ISSUE.yaml OUT.pdf — prints the compile's seconds."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

PEER = Path(__file__).resolve().parent.parent.parent / "shared" / "bench" / "typst-peer"


def font_dirs() -> list[str]:
    """peer.py's folders: the Fandol fonts (texlive-lang-chinese) and Noto Serif CJK (fonts-noto-cjk)."""
    files = subprocess.run(["dpkg", "-L", "texlive-lang-chinese"], capture_output=True, text=True).stdout.split()
    files += subprocess.run(["fc-list", "Noto Serif CJK SC", "file"], capture_output=True, text=True).stdout.split()
    return sorted({os.path.dirname(f.rstrip(":")) for f in files if "Fandol" in f or "NotoSerifCJK" in f})


def main() -> None:
    import typst  # type: ignore[import-not-found,unused-ignore]  # the bench extra

    source, out = sys.argv[1:3]
    fonts = font_dirs()
    start = time.perf_counter()
    pdf = typst.compile(str(PEER / "bulletin.typ"), root=str(PEER), font_paths=fonts,
                        sys_inputs={"data": "/" + os.path.relpath(os.path.abspath(source), PEER), "fonts": "fandol"})
    elapsed = time.perf_counter() - start
    Path(out).write_bytes(pdf)
    print(f"{elapsed:.6f}")


if __name__ == "__main__":
    main()
