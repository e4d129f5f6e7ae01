"""The worst inputs of each hostile class, timed: wall time and peak memory of the command that meets them.

    .venv/bin/python bench/hostile.py

Each case writes its input in a scratch project, then runs `bulletin` in a fresh process of its own that
reports its own peak resident memory (VmHWM at exit, Linux: the input's making is not counted).
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
MEASURED = """
import sys
from bulletin.cli import main
try:
    status = main(sys.argv[2:])
finally:  # the peak of this process since its exec (getrusage would count what its parent held at the fork)
    peak = next(line for line in open("/proc/self/status") if line.startswith("VmHWM:")).split()[1]
    with open(sys.argv[1], "w") as report:
        report.write(peak)
sys.exit(status)
"""
BASE = {"year": 2018, "number": 10, "date": "2018-06-05"}


def issue(folder: Path, name: str, articles: list[dict[str, object]]) -> str:
    (folder / name).write_text(yaml.safe_dump({**BASE, "articles": articles}, allow_unicode=True, width=10**9),
                               encoding="utf-8")
    return name


def zero_link(folder: Path) -> list[str]:
    (folder / "zero.yaml").symlink_to("/dev/zero")
    return ["check", "zero.yaml"]


def fifo(folder: Path) -> list[str]:
    os.mkfifo(folder / "pipe.yaml")
    return ["check", "pipe.yaml"]


def docx_bomb(folder: Path) -> list[str]:
    import docx

    template = io.BytesIO()
    docx.Document().save(template)
    out = io.BytesIO()
    with zipfile.ZipFile(template) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "word/document.xml":
                data = b'<?xml version="1.0"?>' + b"<w:p/>" * (1536 * 1024 * 1024 // 6)  # 1.5 GB of XML
            target.writestr(item.filename, data)
    (folder / "bomb.docx").write_bytes(out.getvalue())
    return ["import", "bomb.docx", "-o", "imported.yaml"]


def huge_photo(folder: Path) -> list[str]:
    from PIL import Image

    Image.new("RGB", (40, 30), "white").save(folder / "huge.png")
    with open(folder / "huge.png", "r+b") as file:
        file.truncate(2 * 1024**3)
    return ["check", issue(folder, "photo.yaml", [{"title": "照片", "body": [{"photo": "huge.png"}, "正文"]}])]


def long_text(folder: Path) -> list[str]:
    (folder / "long.txt").write_text("市工商联召开会议。\n" * 6_000_000, encoding="utf-8")  # 50 MB
    return ["import", "long.txt", "-o", "imported.yaml"]


def spaces(folder: Path) -> list[str]:
    run = " " * 1_000_000
    return ["check", issue(folder, "spaces.yaml", [{"title": "空格", "body": f"正文\n\n{run}\n\n正文{run}结尾"}])]


def letters(folder: Path) -> list[str]:
    run = "a" * 1_000_000
    return ["check", issue(folder, "letters.yaml", [{"title": "字母", "body": f"正文{run}结尾"}])]


def table(folder: Path) -> list[str]:
    rows = [[f"第{i}行", "数据", "更多的数据"] for i in range(2000)]
    name = issue(folder, "table.yaml", [{"title": "表", "body": [{"table": rows, "header": True}]}])
    return ["build", name, "--out", "out", "--format", "docx"]


CASES: dict[str, Callable[[Path], list[str]]] = {
    "a link to /dev/zero (check)": zero_link,
    "a FIFO (check)": fifo,
    "a .docx whose XML unpacks to 1.5 GB (import)": docx_bomb,
    "a 2 GB photo behind a valid header (check)": huge_photo,
    "a 50 MB .txt draft (import)": long_text,
    "1,000,000 spaces in a line and as a line (check)": spaces,
    "1,000,000 letters in a row (check)": letters,
    "a table of 2,000 rows (build --format docx)": table,
}


def run_case(name: str) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        shutil.copyfile(ROOT / "publication.yaml", folder / "publication.yaml")
        command = CASES[name](folder)
        report = folder / "peak.txt"
        start = time.perf_counter()
        result = subprocess.run([sys.executable, "-c", MEASURED, str(report), *command], cwd=folder,
                                capture_output=True, text=True, timeout=600, check=False)
        spent = time.perf_counter() - start
        peak = int(report.read_text()) / 1024
        said = (result.stderr or result.stdout).strip().splitlines()
        print(f"{name:52} {spent:6.2f} s {peak:7.0f} MiB  exit {result.returncode}  {said[0][:90] if said else ''}",
              flush=True)


def main() -> None:
    if len(sys.argv) > 1:
        run_case(sys.argv[1])
        return
    print(f"{'case':52} {'time':>8} {'peak':>11}")
    for name in CASES:
        subprocess.run([sys.executable, __file__, name], check=False)


if __name__ == "__main__":
    main()
