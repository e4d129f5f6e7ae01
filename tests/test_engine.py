"""The engine (bulletin/engine.py): WeasyPrint patched only on the versions each patch was verified against,
plain otherwise, the same glyphs in the same places either way; python-docx's private parts; the hard exit."""

from __future__ import annotations

import importlib.metadata
import io
import os
import re
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pdfplumber
import pytest

from bulletin import build, engine, word
from bulletin.loader import load
from bulletin.typeset import Typesetter

ROOT = Path(__file__).resolve().parents[1]
ISSUE = ROOT / "issues" / "2018" / "2018-10.yaml"
SWITCHED = os.environ.get(engine.PLAIN_SWITCH) == "1"

# A process of its own renders 2018-10 and writes the PDF to stdout; `before` runs first (a version changed).
RENDER = """
import sys
from pathlib import Path
from bulletin import build, engine, i18n
from bulletin.pdf import Worker
i18n.use("zh")
{before}
loaded, typesetter = build.prepare(Path({issue!r}))
worker = Worker()  # the editor's build: the PDF made in a forked worker
try:
    pdf = build.render(loaded, typesetter, ("pdf",), worker)["pdf"]
finally:
    worker.close()
sys.stdout.buffer.write(pdf)
sys.stderr.write("patched" if engine.patched() else "plain")
"""


def render_here() -> bytes:
    loaded = load(ISSUE)
    return build.render(loaded, Typesetter(loaded.issue, loaded.path.parent), ("pdf",))["pdf"]


def render_apart(*, plain: bool, before: str = "") -> tuple[bytes, str]:
    """2018-10's PDF from a process of its own, on the plain engine or not, and what it wrote on stderr."""
    env = {name: value for name, value in os.environ.items() if name != engine.PLAIN_SWITCH}
    if plain:
        env[engine.PLAIN_SWITCH] = "1"
    done = subprocess.run([sys.executable, "-c", RENDER.format(before=before, issue=str(ISSUE))],
                          capture_output=True, check=True, env=env, cwd=ROOT)
    return done.stdout, done.stderr.decode()


def glyphs(data: bytes) -> list[tuple[int, str, float, float, str]]:
    """Every glyph of a PDF: its page, text, position and face."""
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return [(number, char["text"], round(char["x0"], 2), round(char["top"], 2), char["fontname"])
                for number, page in enumerate(pdf.pages) for char in page.chars]


def unverified() -> dict[str, str]:
    """The installed versions (as importlib.metadata reads them) that some patch was not verified against."""
    return {name: importlib.metadata.version(name) for patch in engine.PATCHES
            for name, versions in patch.verified.items() if importlib.metadata.version(name) not in versions}


def test_weasyprint_is_patched_exactly_when_the_switch_is_off_and_every_version_is_verified() -> None:
    assert engine.patched() == (not SWITCHED and not unverified()), unverified()


def test_the_set_up_installs_the_versions_the_patches_were_verified_against() -> None:
    pins = dict(re.findall(r"^([\w.-]+)==(\S+)$", (ROOT / "constraints.txt").read_text(), re.MULTILINE))
    pins = {name.lower(): version for name, version in pins.items()}
    for patch in engine.PATCHES:
        for name, versions in patch.verified.items():
            assert pins[name] in versions, (patch.name, name, pins[name])
    assert pins["python-docx"] in word.DOCX_VERIFIED


def test_installed_versions_are_read_as_importlib_metadata_reads_them() -> None:
    for name in engine.MODULES:
        assert engine.installed_version(name) == importlib.metadata.version(name)


def test_the_other_engine_sets_every_glyph_where_this_one_does() -> None:
    """The PDF of this process's engine and of the other one (patched or plain): the same glyphs, faces and
    positions, page by page."""
    here = render_here()
    other, said = render_apart(plain=engine.patched())
    assert said == ("plain" if engine.patched() else "patched")
    assert glyphs(other) == glyphs(here)


def test_an_unverified_weasyprint_is_run_plain_after_one_notice() -> None:
    """A WeasyPrint the patches were not verified against: plain, one notice (from the parent, as it forks
    the PDF worker, which does not repeat it), the same glyphs."""
    before = ("real = engine.installed_version\n"
              "engine.installed_version = lambda name: '71.0' if name == 'weasyprint' else real(name)")
    pdf, said = render_apart(plain=False, before=before)
    assert said == ("提示：WeasyPrint 以原样运行（不打补丁），较慢，输出相同：已安装 weasyprint 71.0，"
                    "bulletin 的加速措施只在 weasyprint 70.0 上验证过（bulletin/engine.py）\nplain")
    assert glyphs(pdf) == glyphs(render_here())


def test_a_folder_build_on_every_core_gives_the_notice_once(tmp_path: Path) -> None:
    """The decision is made before the build forks its processes: they share it, and its one notice."""
    code = ("import sys\nfrom bulletin import cli, engine\nreal = engine.installed_version\n"
            "engine.installed_version = lambda name: '71.0' if name == 'weasyprint' else real(name)\n"
            f"sys.exit(cli.main(['build', 'issues/2018', '--out', {str(tmp_path)!r}, '--format', 'pdf', "
            "'--jobs', '2']))")
    env = {name: value for name, value in os.environ.items() if name != engine.PLAIN_SWITCH}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert [line for line in done.stderr.splitlines() if "weasyprint 71.0" in line] == [
        "提示：WeasyPrint 以原样运行（不打补丁），较慢，输出相同：已安装 weasyprint 71.0，bulletin 的加速措施只在 "
        "weasyprint 70.0 上验证过（bulletin/engine.py）"], done.stderr
    assert sorted(path.name for path in tmp_path.glob("*.pdf")) == ["2018-06.pdf", "2018-10.pdf"]


@pytest.mark.skipif(not engine.plan().patched, reason="the patched engine is not in use")
def test_font_files_are_copied_only_when_read_and_the_pdf_is_the_same() -> None:
    import weasyprint.pdf.fonts
    import weasyprint.pdf.stream
    import weasyprint.text.fonts

    copied = []
    data = engine._FaceData.data

    def counted(face: engine._FaceData) -> bytes | None:
        content = data(face)
        copied.append(len(content or b""))
        return content

    with mock.patch.object(engine._FaceData, "data", counted):
        patched = render_here()
    assert copied and max(copied) < 500_000, copied  # the subsets (KBs), never a whole face (MBs)
    with (mock.patch.object(weasyprint.pdf.stream, "Font", weasyprint.pdf.fonts.Font),  # WeasyPrint's own way
          mock.patch.object(weasyprint.pdf.fonts, "get_hb_object_data", weasyprint.text.fonts.get_hb_object_data)):
        assert render_here() == patched


# --- python-docx -----------------------------------------------------------------------------------------


def test_every_private_part_of_python_docx_the_writer_uses_is_there() -> None:
    assert word._missing_private_parts() == []


def test_an_unverified_python_docx_without_a_private_part_is_refused_by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    import docx.styles

    from bulletin import i18n

    monkeypatch.setattr(docx, "__version__", "1.3.0")
    monkeypatch.delattr(docx.styles, "BabelFish")
    word.check_python_docx.cache_clear()
    i18n.use("zh")
    try:
        with pytest.raises(word.DocxUnsupported) as raised:
            word.check_python_docx()
    finally:
        word.check_python_docx.cache_clear()
        i18n.use("en")
    assert str(raised.value) == ("已安装的 python-docx 1.3.0 缺少 DOCX 生成所用的 docx.styles.BabelFish：请安装 "
                                 "python-docx 1.2.0")


def test_an_unverified_python_docx_with_every_private_part_writes_the_docx(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("docx.__version__", "1.2.1")
    word.check_python_docx.cache_clear()
    try:
        word.check_python_docx()
    finally:
        word.check_python_docx.cache_clear()


# --- the hard exit ---------------------------------------------------------------------------------------

EXIT = """
import logging, multiprocessing, multiprocessing.util, os, sys, weakref
sys.argv = ["bulletin", "build", {issue!r}, "--out", {out!r}, "--format", "pdf,docx", *{options!r}]
hard_exit = os._exit

def report(status):  # what the interpreter's teardown would still find to do, then cli.run's own exit
    pdf = sys.modules.get("bulletin.pdf")
    idle = [pdf.release] if pdf and not pdf._configurations else []  # released already: a second call is a no-op
    finalizers = [f for f in multiprocessing.util._finalizer_registry.values() if f._callback not in idle]
    alive = [f for f in weakref.finalize._registry if f.atexit]
    handlers = [h for name in [None, *logging.root.manager.loggerDict] for h in logging.getLogger(name).handlers
                if not isinstance(h, logging.NullHandler)]
    left = (finalizers, alive, handlers, multiprocessing.active_children())
    sys.stderr.write(repr(left))
    sys.stderr.flush()
    hard_exit(status)

os._exit = report
from bulletin import cli
cli.run()
"""


@pytest.mark.parametrize("options", [(), ("--jobs", "1")], ids=["worker", "one-process"])
def test_cli_run_leaves_nothing_for_the_teardown_its_hard_exit_skips(tmp_path: Path, options: tuple[str, ...]) -> None:
    """cli.run ends with os._exit: by then no finaliser, exit function or logging handler has work left, and
    the outputs are whole (built with the PDF in a worker, and in the one process)."""
    done = subprocess.run([sys.executable, "-c", EXIT.format(issue=str(ISSUE), out=str(tmp_path), options=options)],
                          capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert done.stderr.endswith("([], [], [], [])"), done.stderr
    assert sorted(path.name for path in tmp_path.iterdir() if not path.name.startswith(".")) == [
        "2018-10.docx", "2018-10.pdf"]
    with pdfplumber.open(tmp_path / "2018-10.pdf") as pdf:
        assert len(pdf.pages) > 1
