"""The PDF renderer: WeasyPrint, fed only our fonts and the issue's own assets."""

from __future__ import annotations

import atexit
import contextlib
import ctypes.util
import functools
import gc
import hashlib
import importlib
import logging
import multiprocessing
import multiprocessing.util
import os
import re
import struct
import subprocess
import sys
import traceback
import types
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote


class ResourceError(Exception):
    """The issue refers to something the renderer may not or cannot read."""


def harfbuzz_subset_missing() -> bool:
    """WeasyPrint subsets fonts with HarfBuzz when it can; without it every build takes seconds longer."""
    return "harfbuzz-subset" not in _loader_cache() and ctypes.util.find_library("harfbuzz-subset") is None


@functools.cache
def _weasyprint() -> Any:
    """Import WeasyPrint only when a PDF is wanted (the import costs about a quarter of a second)."""
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    with _libraries_from_loader_cache(), _our_fontconfig(), _font_tools_on_first_use():
        import pydyf  # type: ignore[import-untyped]
        import weasyprint
        import weasyprint.pdf.fonts
        import weasyprint.text.fonts
        import weasyprint.urls
        from zlib_ng import zlib_ng

    weasyprint.pdf.fonts.ffi = _ArraysByItems(weasyprint.pdf.fonts.ffi)
    pydyf.zlib = _Deflate(zlib_ng)
    return weasyprint


class _Deflate:
    """pydyf deflates every stream (the fonts above all: a megabyte an issue) with zlib at level 9. zlib-ng
    writes the same format faster, and at level 6 in half the time again for 0.5% more bytes."""

    LEVEL = 6

    def __init__(self, zlib: Any) -> None:
        self._zlib = zlib

    def compressobj(self, level: int = LEVEL) -> Any:
        return self._zlib.compressobj(min(level, self.LEVEL))

    def compress(self, data: bytes, level: int = LEVEL) -> bytes:
        compressed: bytes = self._zlib.compress(data, min(level, self.LEVEL))
        return compressed

    def __getattr__(self, name: str) -> Any:
        return getattr(self._zlib, name)


class _ArraysByItems:
    """WeasyPrint's font subsetter asks cffi for arrays spelled with their length (hb_codepoint_t[740]), and
    cffi parses every new spelling of a type with pycparser: 2 ms each, two or three per font of every
    issue. The same array, made from the spelling without the length and the same items, is parsed once."""

    def __init__(self, ffi: Any) -> None:
        self._ffi = ffi

    def new(self, cdecl: str, init: Any = None) -> Any:
        if (match := re.fullmatch(r"(\w+)\[(\d+)\]", cdecl)) and init is not None and len(init) == int(match[2]):
            return self._ffi.new(f"{match[1]}[]", init)
        return self._ffi.new(cdecl, init)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._ffi, name)


@contextlib.contextmanager
def _font_tools_on_first_use() -> Iterator[None]:
    """WeasyPrint imports fontTools' subsetter and variable-font instancer at start-up, for fonts that
    HarfBuzz cannot subset and for variable fonts, neither of which it meets here: a fifth of its import.
    While it is imported, each stands in sys.modules as a small module that imports the real one when
    first used; after, sys.modules is as it was, and anyone else importing them gets the real ones."""
    subset = types.ModuleType("fontTools.subset", "imported on first use")
    subset.__getattr__ = functools.partial(_real_attribute, "fontTools.subset")  # type: ignore[method-assign]
    instancer = types.ModuleType("fontTools.varLib.instancer", "imported on first use")
    instancer.instantiateVariableFont = functools.partial(  # type: ignore[attr-defined]
        _call_real, "fontTools.varLib.instancer", "instantiateVariableFont")
    stand_ins = {module.__name__: module for module in (subset, instancer) if module.__name__ not in sys.modules}
    sys.modules.update(stand_ins)
    try:
        yield
    finally:
        for name, module in stand_ins.items():
            if sys.modules.get(name) is module:
                del sys.modules[name]


def _real_attribute(module: str, name: str) -> Any:
    if name.startswith("__"):  # what the import system asks of any module: the stand-in has none of it
        raise AttributeError(name)
    return getattr(importlib.import_module(module), name)


def _call_real(module: str, name: str, *args: Any, **kwargs: Any) -> Any:
    return getattr(importlib.import_module(module), name)(*args, **kwargs)


@contextlib.contextmanager
def _our_fontconfig() -> Iterator[None]:
    """Fontconfig reads FONTCONFIG_FILE when a configuration is loaded: ours while WeasyPrint loads one,
    the system's again for everything else (fc-match finding an office's fonts, programs we run)."""
    from bulletin.fonts import renderer_fontconfig

    before = os.environ.get("FONTCONFIG_FILE")
    os.environ["FONTCONFIG_FILE"] = str(renderer_fontconfig())
    try:
        yield
    finally:
        if before is None:
            del os.environ["FONTCONFIG_FILE"]
        else:
            os.environ["FONTCONFIG_FILE"] = before


@contextlib.contextmanager
def _libraries_from_loader_cache() -> Iterator[None]:
    """WeasyPrint asks for each native library under several names (one per platform), and for every name
    that is not this platform's, ctypes runs `ldconfig -p` and then a trial link with gcc: about 0.2 s of
    the import. The loader's cache, read once, gives the same answers at once. Where it does not list every
    library WeasyPrint needs (not Linux, a library outside the cache), ctypes keeps its own way."""
    table = _loader_cache()
    if not all(name in table for name in WEASYPRINT_LIBRARIES):
        yield
        return
    original = ctypes.util.find_library
    ctypes.util.find_library = lambda name: table.get(name)
    try:
        yield
    finally:
        ctypes.util.find_library = original


WEASYPRINT_LIBRARIES = ("gobject-2.0", "pango-1.0", "pangoft2-1.0", "harfbuzz", "fontconfig")


@functools.cache
def _loader_cache() -> dict[str, str]:
    """`ldconfig -p` as a map from a library's name (pango-1.0) to its file (libpango-1.0.so.0), for this
    process's architecture, first entry first: what ctypes.util.find_library answers on Linux."""
    try:
        listing = subprocess.run(["ldconfig", "-p"], capture_output=True, text=True, check=True,
                                 env={**os.environ, "LC_ALL": "C", "PATH": "/sbin:/usr/sbin:/usr/bin:/bin"}).stdout
    except (OSError, subprocess.CalledProcessError):
        return {}
    abi = LOADER_ABIS.get(f"{os.uname().machine}-{struct.calcsize('P') * 8}", "libc6")
    table: dict[str, str] = {}
    for match in re.finditer(r"^\s+(lib(\S+?)\.so\S*)\s+\(([^)]*)\)", listing, re.MULTILINE):
        file, name, flags = match.groups()
        if flags.startswith(abi):
            table.setdefault(name, file)
    return table


# How `ldconfig -p` labels this machine's own libraries (ctypes.util keeps the same table).
LOADER_ABIS = {"x86_64-64": "libc6,x86-64", "ppc64-64": "libc6,64bit", "sparc64-64": "libc6,64bit",
               "s390x-64": "libc6,64bit", "ia64-64": "libc6,IA-64"}


def font_configuration() -> Any:
    """One FontConfiguration per process: fonts are loaded once, memory stays flat across issues. Our free
    faces come from fontconfig (bulletin.fonts.renderer_fontconfig); an office's own faces are copied
    out of their @font-face rules into a scratch folder, which lives until the configuration is released,
    at the end of the process that made it, whether it ends normally or (a worker) by multiprocessing's
    own exit. A forked child makes its own: the one it inherits, and its folder, stay its parent's."""
    pid = os.getpid()
    if pid not in _configurations:
        with _our_fontconfig():
            _configurations[pid] = _font_configuration_class()()
        atexit.register(release)
        multiprocessing.util.Finalize(None, release, exitpriority=0)
    return _configurations[pid]


@functools.cache
def _font_configuration_class() -> type:
    weasyprint = _weasyprint()

    class FontConfiguration(weasyprint.text.fonts.FontConfiguration):  # type: ignore[misc,name-defined]
        def add_font_face(self, rule_descriptors: Any, url_fetcher: Any) -> Any:
            """A free face is already in the configuration, under the same name: nothing to copy."""
            from bulletin.fonts import FAMILY_PREFIX
            from bulletin.layout import FREE_FACES

            family = rule_descriptors.get("font_family", "").removeprefix(FAMILY_PREFIX)
            ours = (("external", f"font:{quote(family)}"),)
            if family in FREE_FACES and tuple(rule_descriptors.get("src", ())) == ours:
                return None
            self.copied = True
            return super().add_font_face(rule_descriptors, url_fetcher)

    return FontConfiguration


_configurations: dict[int, Any] = {}  # by process


def release() -> None:
    """Drop this process's FontConfiguration, which removes its scratch folder (if it made one: only an
    office's own fonts are copied there, and only then is it worth a collection to be sure it goes)."""
    configuration = _configurations.pop(os.getpid(), None)
    if getattr(configuration, "copied", False):
        del configuration
        gc.collect()


def _fetcher(assets: Path | None) -> Any:
    """A URL fetcher that serves our fonts (font:NAME) and files under the issue's folder (asset:PATH; none
    for a stylesheet), and refuses everything else: no network, no file outside the project."""
    urls = _weasyprint().urls

    class Fetcher(urls.URLFetcher):  # type: ignore[misc,name-defined]
        def fetch(self, url: str, headers: Any = None) -> Any:
            url = unquote(url)
            if url.startswith("font:"):
                from bulletin.fonts import find_face

                face = find_face(url.removeprefix("font:"))
                if face.path is None:
                    raise ResourceError(f"font not installed: {face.family}")
                return urls.URLFetcherResponse(face.path.as_uri(), face.path.read_bytes())
            if url.startswith("asset:") and assets is not None:
                path = (assets / url.removeprefix("asset:")).resolve()
                if not path.is_relative_to(assets.resolve()) or not path.is_file():
                    raise ResourceError(f"not a file in the issue's folder: {url.removeprefix('asset:')}")
                return urls.URLFetcherResponse(path.as_uri(), path.read_bytes())
            raise ResourceError(f"refused to fetch {url}: only the issue's own files are read")

    return Fetcher(fail_on_errors=True)


def render_document(html: str, assets: Path, css: str = "") -> Any:
    """An issue's HTML laid out by WeasyPrint, with `css` besides its own styles: a Document whose pages
    can be counted, merged and written."""
    weasyprint = _weasyprint()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        document = weasyprint.HTML(string=html, url_fetcher=_fetcher(assets), base_url=assets.resolve().as_uri() + "/")
        return document.render(font_config=font_configuration(), stylesheets=[_stylesheet(css)] if css else [])


def _stylesheet(css: str) -> Any:
    """A stylesheet parsed once per process: every issue of a publication has the same, give or take the
    faces it uses (a tenth of the layout's time, saved on each issue after the first)."""
    key = (os.getpid(), css)  # parsed with this process's FontConfiguration
    if key not in _stylesheets:
        if len(_stylesheets) >= 8:
            _stylesheets.clear()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            _stylesheets[key] = _weasyprint().CSS(string=css, url_fetcher=_fetcher(None),
                                                  font_config=font_configuration())
    return _stylesheets[key]


_stylesheets: dict[tuple[int, str], Any] = {}


def _identifier(*parts: bytes) -> bytes:
    """The PDF's file identifier, from its content: the same issue gives the same bytes."""
    return hashlib.sha256(b"\0".join(parts)).hexdigest()[:32].encode()


def render_pdf(html: str, assets: Path, css: str = "") -> bytes:
    """An issue's HTML (and stylesheet) as PDF bytes; the same gives the same bytes."""
    pdf: bytes = render_document(html, assets, css).write_pdf(pdf_identifier=_identifier(html.encode(), css.encode()))
    return pdf


def render_archival_pdf(html: str, assets: Path, source: Path, description: str) -> bytes:
    """An issue's HTML as PDF/A-3b with its YAML source embedded, so that the record carries its own source."""
    weasyprint = _weasyprint()
    data = source.read_bytes()
    attachment = weasyprint.Attachment(string=data, name=source.name, description=description,
                                       relationship="Source")
    pdf: bytes = render_document(html, assets).write_pdf(
        pdf_identifier=_identifier(html.encode(), data), pdf_variant="pdf/a-3b", attachments=[attachment])
    return pdf


class WorkerError(Exception):
    """The PDF worker failed: its message, and its traceback for --verbose."""

    def __init__(self, message: str, trace: str) -> None:
        super().__init__(message)
        self.trace = trace


class Worker:
    """A process of its own for one issue's PDF, started first thing: it imports WeasyPrint while this
    process loads, checks and typesets the issue, then lays out the pages while this one writes the DOCX.
    On two cores a cold build of both formats takes about the time of the PDF alone."""

    def __init__(self) -> None:
        context = multiprocessing.get_context("fork")  # the child starts from this process's imports
        self._connection, child = context.Pipe()
        self._process = context.Process(target=_serve, args=(child, self._connection), name="bulletin-pdf",
                                        daemon=True)
        self._process.start()
        child.close()
        self._used = False

    def submit(self, html: str, assets: Path, css: str = "") -> None:
        """Start rendering an issue's HTML; `result` waits for the PDF."""
        self._used = True
        self._connection.send((html, assets, css))

    def result(self) -> bytes:
        try:
            outcome, value, trace = self._connection.recv()
        except EOFError:
            raise WorkerError("the PDF worker ended without an answer", "") from None
        if outcome == "error":
            raise WorkerError(value, trace)
        pdf: bytes = value
        return pdf

    def close(self) -> None:
        """End the worker: a worker that rendered is let finish (it removes its scratch files); one that
        was never asked anything is stopped where it is (it has written nothing yet)."""
        if self._used:
            with contextlib.suppress(OSError):
                self._connection.send(None)
        else:
            self._process.terminate()
        self._connection.close()
        self._process.join()


def _serve(connection: Any, parents_end: Any) -> None:
    """The worker's life: get WeasyPrint and the fonts ready, then render each HTML sent until told to stop
    or until the build is gone (its end of the pipe is closed here, so that its death reads as the end)."""
    parents_end.close()
    with contextlib.suppress(Exception):  # a failure here shows again, with its message, on the first render
        font_configuration()
    gc.freeze()  # what the imports made stays: the collector need not walk it while the pages are laid out
    while (request := _receive(connection)) is not None:
        html, assets, css = request
        answer: tuple[str, bytes | str, str]
        try:
            answer = ("ok", render_pdf(html, assets, css), "")
        except Exception as error:  # sent back whole: the build reports it on the issue, as it would its own
            answer = ("error", str(error) or type(error).__name__, traceback.format_exc())
        try:
            connection.send(answer)
        except OSError:  # the build has ended (killed, or interrupted): nobody wants the answer
            break
    release()


def _receive(connection: Any) -> Any:
    try:
        return connection.recv()
    except (EOFError, OSError):
        return None
