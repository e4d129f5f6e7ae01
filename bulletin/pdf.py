"""The PDF renderer: WeasyPrint, fed only our fonts and the issue's own assets."""

from __future__ import annotations

import atexit
import contextlib
import datetime as dt
import functools
import gc
import hashlib
import multiprocessing
import multiprocessing.util
import os
import traceback
import warnings
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

from bulletin import engine
from bulletin.i18n import _


class ResourceError(Exception):
    """The issue refers to something the renderer may not or cannot read."""


def font_configuration() -> Any:
    """One FontConfiguration per process: fonts are loaded once, memory stays flat across issues. Our free
    faces come from fontconfig (bulletin.fonts.renderer_fontconfig); an office's own faces are copied
    out of their @font-face rules into a scratch folder, which lives until the configuration is released,
    at the end of the process that made it, whether it ends normally or (a worker) by multiprocessing's
    own exit. A forked child makes its own: the one it inherits, and its folder, stay its parent's."""
    pid = os.getpid()
    if pid not in _configurations:
        with engine.our_fontconfig():
            _configurations[pid] = _font_configuration_class()()
        atexit.register(release)
        multiprocessing.util.Finalize(None, release, exitpriority=0)
    return _configurations[pid]


@functools.cache
def _font_configuration_class() -> type:
    weasyprint = engine.weasyprint()

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
os.register_at_fork(before=engine.plan)  # one decision, one notice, for every process a build forks


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
    urls = engine.weasyprint().urls

    class Fetcher(urls.URLFetcher):  # type: ignore[misc,name-defined]
        def fetch(self, url: str, headers: Any = None) -> Any:
            url = unquote(url)
            if url.startswith("font:"):
                from bulletin.fonts import find_face

                face = find_face(url.removeprefix("font:"))
                if face.path is None:
                    raise ResourceError(_("font not installed: {family}").format(family=face.family))
                return urls.URLFetcherResponse(face.path.as_uri(), face.path.read_bytes())
            if url.startswith("asset:") and assets is not None:
                from bulletin.photos import asset

                try:
                    data = asset(assets, url.removeprefix("asset:"))
                except ValueError as error:
                    raise ResourceError(str(error)) from None
                return urls.URLFetcherResponse(url, data)
            raise ResourceError(_("refused to fetch {url}: only the issue's own files are read").format(url=url))

    return Fetcher(fail_on_errors=True)


def render_document(html: str, assets: Path, css: str = "") -> Any:
    """An issue's HTML laid out by WeasyPrint, with `css` besides its own styles: a Document whose pages
    can be counted, merged and written."""
    weasyprint = engine.weasyprint()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            document = weasyprint.HTML(string=html, url_fetcher=_fetcher(assets),
                                       base_url=assets.resolve().as_uri() + "/")
            return document.render(font_config=font_configuration(), stylesheets=[_stylesheet(css)] if css else [])
        except weasyprint.urls.FatalURLFetchingError as error:  # a BaseException: past every `except Exception`
            raise ResourceError(str(error.__cause__ or error)) from None


def _stylesheet(css: str) -> Any:
    """A stylesheet parsed once per process: every issue of a publication has the same, give or take the
    faces it uses (a tenth of the layout's time, saved on each issue after the first)."""
    key = (os.getpid(), css)  # parsed with this process's FontConfiguration
    if key not in _stylesheets:
        if len(_stylesheets) >= 8:
            _stylesheets.clear()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            _stylesheets[key] = engine.weasyprint().CSS(string=css, url_fetcher=_fetcher(None),
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


def render_archival_pdf(html: str, assets: Path, source: Path, description: str,
                        dates: tuple[dt.date, dt.date]) -> bytes:
    """An issue's HTML as PDF/A-3b with its YAML source embedded, so that the record carries its own source.
    The source is dated `dates` (created, modified: the issue's days, as the PDF's own dates are), never
    the clock's: the same issue gives the same bytes."""
    weasyprint = engine.weasyprint()
    data = source.read_bytes()
    created, modified = (dt.datetime(day.year, day.month, day.day) for day in dates)
    attachment = weasyprint.Attachment(string=data, name=source.name, description=description,
                                       relationship="Source", created=created, modified=modified)
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

    def expect(self, css: str) -> None:
        """Parse the stylesheet of the HTML to come, while this process typesets the issue."""
        self._used = True
        self._connection.send(css)

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
        if isinstance(request, str):  # a stylesheet ahead of its HTML
            with contextlib.suppress(Exception):  # a failure shows again, with its message, in the render
                _stylesheet(request)
            continue
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
