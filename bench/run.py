"""The benchmark: medians of repeated runs of what editors wait for, beside the Typst yardstick (./run bench)."""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PEER = ROOT.parent / "shared" / "bench" / "typst-peer"
ISSUES = ROOT / "issues" / "2018"
BULLETIN = [sys.executable, "-m", "bulletin.cli"]


def tree_peak_kib(pid: int, stop: threading.Event, peak: list[int]) -> None:
    """Sample the resident memory of a process and its children (Linux /proc) until stopped."""
    while not stop.is_set():
        total = 0
        for child in [pid, *_descendants(pid)]:
            try:
                status = Path(f"/proc/{child}/status").read_text()
            except OSError:
                continue
            total += next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0)
        peak[0] = max(peak[0], total)
        time.sleep(0.02)


def _descendants(pid: int) -> list[int]:
    found: list[int] = []
    try:
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
    except OSError:
        return found  # the process has ended meanwhile
    for task in tasks:
        try:
            children = [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
        for child in children:
            found += [child, *_descendants(child)]
    return found


def measure(command: list[str], cwd: Path = ROOT, env: dict[str, str] | None = None,
            output: list[bytes] | None = None) -> tuple[float, float]:
    """Wall time (s) and peak memory (MiB, the whole process tree) of one run of a command (`env` added to
    the environment; what it prints appended to `output` when given)."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE if output is not None else subprocess.DEVNULL,
                               stderr=subprocess.PIPE, env={**os.environ, **(env or {})})
    stop, peak = threading.Event(), [0]
    sampler = threading.Thread(target=tree_peak_kib, args=(process.pid, stop, peak))
    sampler.start()
    stdout, stderr = process.communicate()
    elapsed = time.perf_counter() - start
    if output is not None:
        output.append(stdout)
    stop.set()
    sampler.join()
    if process.returncode != 0:
        raise SystemExit(f"failed: {' '.join(command)}\n{stderr.decode()}")
    return elapsed, peak[0] / 1024


def cold_build(stem: str, formats: str, *, empty_cache: bool = False) -> tuple[float, float]:
    """A fresh process and a fresh output folder: no cache stands in for a real render. With `empty_cache`,
    the tool's cache folder (compiled templates, fontconfig's cache, the loader's library paths) empty too:
    the first build on a new machine."""
    with tempfile.TemporaryDirectory() as out, tempfile.TemporaryDirectory() as cache:
        return measure([*BULLETIN, "build", str(ISSUES / f"{stem}.yaml"), "--out", out, "--format", formats],
                       env={"XDG_CACHE_HOME": cache} if empty_cache else None)


def peer(stem: str) -> tuple[float, float]:
    """The yardstick's whole process, as ../shared/bench/typst-peer runs it."""
    with tempfile.TemporaryDirectory() as out:
        return measure([sys.executable, str(PEER / "peer.py"), f"{stem}.yaml", f"{out}/{stem}.pdf"], cwd=PEER)


def peer_compile(stem: str) -> float:
    """The yardstick's compile alone, timed inside its process (bench/typst_inside.py)."""
    printed: list[bytes] = []
    with tempfile.TemporaryDirectory() as out:
        measure([sys.executable, str(ROOT / "bench" / "typst_inside.py"), str(PEER / f"{stem}.yaml"),
                 f"{out}/{stem}.pdf"], cwd=PEER, output=printed)
    return float(printed[0])


class BusyCore:
    """One core kept busy by a process of its own (a loop), for the measurements under load."""

    def __enter__(self) -> BusyCore:
        self.process = subprocess.Popen([sys.executable, "-c", "while True: pass"])
        time.sleep(0.2)
        return self

    def __exit__(self, *exc: object) -> None:
        self.process.kill()
        self.process.wait()


def warm_rerender(runs: int) -> tuple[float, float]:
    """Inside one warm process, as the preview runs: what it does on each save (load, check, typeset, lay
    out the PDF, draw its pages), and of that the PDF alone (what a download of the current state costs)."""
    sys.path.insert(0, str(ROOT))
    from bulletin.build import prepare, render
    from bulletin.serve import Preview

    path = ISSUES / "2018-06.yaml"
    preview = Preview(path)
    preview.refresh()  # serve() does this once as it starts
    page, pdf = [], []
    for _ in range(runs):
        start = time.perf_counter()
        preview.refresh()
        page.append(time.perf_counter() - start)
        start = time.perf_counter()
        loaded, typesetter = prepare(path)
        render(loaded, typesetter, ("pdf",))
        pdf.append(time.perf_counter() - start)
    return statistics.median(page), statistics.median(pdf)


def archive(count: int) -> tuple[tuple[float, float], tuple[float, float]]:
    """A generated archive of `count` issues: a full build, then the no-op rebuild."""
    sys.path.insert(0, str(ROOT / "tests"))
    from archive_factory import make_archive

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        per_year = 20
        make_archive(root, {2000 + year: per_year for year in range(count // per_year)})
        full = measure([*BULLETIN, "build", "issues", "--out", "build"], cwd=root)
        noop = measure([*BULLETIN, "build", "issues", "--out", "build"], cwd=root)
        shutil.rmtree(root / "build")
    return full, noop


def bytes_per_page(stem: str) -> float:
    import pdfplumber

    with tempfile.TemporaryDirectory() as out:
        subprocess.run([*BULLETIN, "build", str(ISSUES / f"{stem}.yaml"), "--out", out, "--format", "pdf"],
                       check=True, capture_output=True)
        pdf = Path(out) / f"{stem}.pdf"
        with pdfplumber.open(pdf) as document:
            return pdf.stat().st_size / len(document.pages) / 1024


def cold_rows(stem: str, runs: int) -> list[tuple[str, str, str]]:
    """The cold builds of an issue beside the yardstick, in interleaved rounds (each ours in every format,
    with an empty cache, then the yardstick's process and its compile alone): a shared machine's slow and fast
    spells fall on both alike, and each ratio is the median of each round's own."""
    rounds = [{formats: cold_build(stem, formats) for formats in ("pdf", "docx", "pdf,docx")}
              | {"empty cache": cold_build(stem, "pdf,docx", empty_cache=True), "peer": peer(stem),
                 "peer compile": (peer_compile(stem), 0.0)}
              for _ in range(runs)]
    rows = []
    for key, name in (("pdf", f"cold build {stem} (pdf)"), ("docx", f"cold build {stem} (docx)"),
                      ("pdf,docx", f"cold build {stem} (pdf,docx)"),
                      ("empty cache", f"cold build {stem} (pdf,docx), empty cache"),
                      ("peer", f"Typst yardstick {stem}: its process"),
                      ("peer compile", f"Typst yardstick {stem}: its compile alone")):
        wall = statistics.median(r[key][0] for r in rounds)
        memory = statistics.median(r[key][1] for r in rounds)
        rows.append((name, f"{wall:.2f} s", f"{memory:.0f} MiB" if memory else ""))
    for key, name in (("peer", "its process"), ("peer compile", "its compile alone")):
        ratio = statistics.median(r["pdf,docx"][0] / r[key][0] for r in rounds)
        rows.append((f"  ratio ours (pdf,docx) / Typst {stem}, {name}", f"{ratio:.2f}×", ""))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5, help="runs of each cold measurement (median)")
    parser.add_argument("--archive", type=int, default=200, help="issues in the generated archive (0: skip)")
    args = parser.parse_args()
    print(f"bulletin benchmark — {os.cpu_count()} cores, medians of {args.runs} runs\n")
    rows = []
    for load in ("both cores free", "one core busy"):
        rows.append((f"— {load} —", "", ""))
        with BusyCore() if load == "one core busy" else contextlib.nullcontext():
            for stem in ("2018-06", "2018-10"):
                rows += cold_rows(stem, args.runs)
    page, pdf = warm_rerender(args.runs)
    rows.append(("warm re-render 2018-06: the preview's pages (PDF drawn)", f"{page:.3f} s", ""))
    rows.append(("warm re-render 2018-06: PDF", f"{pdf:.3f} s", ""))
    if args.archive:
        (full, full_memory), (noop, noop_memory) = archive(args.archive)
        rows.append((f"archive of {args.archive}: full build (pdf,docx)", f"{full:.1f} s", f"{full_memory:.0f} MiB"))
        rows.append((f"archive of {args.archive}: no-op rebuild", f"{noop:.2f} s", f"{noop_memory:.0f} MiB"))
    for stem in ("2018-06", "2018-10"):
        rows.append((f"PDF size {stem}", f"{bytes_per_page(stem):.1f} KiB/page", ""))
    width = max(len(row[0]) for row in rows)
    print(f"{'measure':<{width}}  {'time':>12}  {'peak memory':>12}")
    for name, figure, peak in rows:
        print(f"{name:<{width}}  {figure:>12}  {peak:>12}")


if __name__ == "__main__":
    main()
