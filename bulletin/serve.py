"""The live preview: the issue's pages as they will print, on a local page that reloads within a second of
each save."""

from __future__ import annotations

import contextlib
import gc
import html
import io
import threading
import time
import traceback
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote

from bulletin.build import prepare, render
from bulletin.errors import BulletinError
from bulletin.html import TEMPLATES_DIR, environment
from bulletin.i18n import _
from bulletin.loader import display_path, find_publication
from bulletin.pdf import ResourceError

SCALE = 2.0  # the pages' pixels per point: sharp on a screen of twice the density
JPEG_QUALITY = 90  # the pages' pictures: no blur at the edges of the type that an editor would see
RELOAD = '<script>new EventSource("/events").onmessage = () => location.reload();</script>'
RETRY_S = 0.5  # after the watcher itself fails (the folder gone for a moment): look again this soon


@dataclass(frozen=True)
class Line:
    """A line of a page's text, where the PDF has it (points from the page's top left corner)."""

    text: str
    left: float
    top: float
    width: float
    height: float


@dataclass(frozen=True)
class Page:
    """A page as it will print: its picture, and its text laid over it (to find, select and copy)."""

    picture: bytes  # JPEG
    width: float  # points
    height: float
    lines: tuple[Line, ...]


def pages(pdf: bytes) -> list[Page]:
    """The PDF's pages drawn (PDFium, which pdfplumber brings) with their lines of text and their places."""
    import pypdfium2 as pdfium  # type: ignore[import-untyped]

    document = pdfium.PdfDocument(pdf)
    try:
        drawn = []
        for page in document:
            width, height = page.get_size()
            image = io.BytesIO()
            page.render(scale=SCALE).to_pil().save(image, "JPEG", quality=JPEG_QUALITY)  # a seventh of PNG's time
            text = page.get_textpage()
            lines = []
            for i in range(text.count_rects()):
                left, bottom, right, top = text.get_rect(i)
                line = text.get_text_bounded(left, bottom, right, top).strip()
                if line:
                    lines.append(Line(line, left, height - top, right - left, top - bottom))
            drawn.append(Page(image.getvalue(), width, height, tuple(lines)))
        return drawn
    finally:
        document.close()


@dataclass
class Preview:
    """The current state of the issue being edited: its pages and PDF, or its problems, and a version."""

    path: Path
    version: int = 0
    page: str = ""
    pages: list[Page] = field(default_factory=list)
    pdf: bytes = b""
    changed: threading.Condition = field(default_factory=threading.Condition)
    rendering: threading.Lock = field(default_factory=threading.Lock)  # one rendering at a time

    def refresh(self) -> None:
        """Load, set and lay out the issue again, and tell every open page; whatever goes wrong is shown on
        the page (the issue's problems, or an unforeseen error), never the end of the preview."""
        try:
            page, pdf, drawn = self._state()
        except Exception as error:  # noqa: BLE001 (the watcher outlives whatever an input can do)
            pdf, drawn = b"", []
            try:
                page = self._errors([_("unexpected error: {error}").format(error=error or type(error).__name__)],
                                    traceback.format_exc())
            except Exception:  # noqa: BLE001 (a template of the errors' own page in the wrong: the words alone)
                page = f'<pre id="bulletin-errors">{html.escape(traceback.format_exc())}</pre>{RELOAD}'
        with self.changed:
            self.page, self.pages, self.pdf, self.version = page, drawn, pdf, self.version + 1
            self.changed.notify_all()

    def _state(self) -> tuple[str, bytes, list[Page]]:
        """The page of the issue as it stands now, its PDF and its pages (none when it has problems)."""
        try:
            with self.rendering:
                loaded, typesetter = prepare(self.path)
                pdf = render(loaded, typesetter, ("pdf",))["pdf"]
                drawn = pages(pdf)
        except (BulletinError, ResourceError) as error:
            problems = error.problems if isinstance(error, BulletinError) else [error]
            return self._errors([str(problem) for problem in problems]), b"", []
        page = environment().get_template("preview.html.j2").render(
            name=display_path(self.path), stem=self.path.stem, pages=drawn, version=self.version + 1)
        return page, pdf, drawn

    def _errors(self, problems: list[str], trace: str = "") -> str:
        return environment().get_template("preview-errors.html.j2").render(
            name=display_path(self.path), problems=problems, trace=trace)

    def wait(self, seen: int, timeout: float) -> int:
        """The version once it differs from `seen`, or after `timeout` seconds."""
        with self.changed:
            self.changed.wait_for(lambda: self.version != seen, timeout=timeout)
            return self.version

    def download(self, suffix: str) -> bytes:
        """The current state as PDF (the one on the page) or DOCX."""
        if suffix == "pdf" and self.pdf:
            return self.pdf
        with self.rendering:
            loaded, typesetter = prepare(self.path)
            return render(loaded, typesetter, (suffix,))[suffix]

    def watched(self) -> list[Path]:
        """What a change of should reload the page: the issue's folder, the publication file, the templates."""
        publication = find_publication(self.path)
        return [self.path.parent.resolve(), TEMPLATES_DIR, *([publication] if publication else [])]


def watch(preview: Preview, stop: threading.Event) -> None:
    """Re-render on every change of the watched files, until stopped; the watch itself begins again when it
    fails (a folder moved away and back)."""
    from watchfiles import watch as changes

    while not stop.is_set():
        try:
            for _ in changes(*preview.watched(), stop_event=stop, debounce=100, step=50):
                preview.refresh()
        except Exception:  # noqa: BLE001 (the preview shows its state; the watch goes on)
            time.sleep(RETRY_S)
            preview.refresh()


def handler(preview: Preview, port: int) -> type[BaseHTTPRequestHandler]:
    hosts = {f"{name}:{port}" for name in ("127.0.0.1", "localhost", "[::1]")}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (the name http.server calls)
            # Only a page of this preview's own address: a web page the editor visits could point another
            # name at 127.0.0.1 (DNS rebinding) and read what is served here; its requests carry that name.
            if self.headers.get("Host", "").lower() not in hosts:
                self._send(b"misdirected request", "text/plain", HTTPStatus.MISDIRECTED_REQUEST)
                return
            try:
                self._answer()
            except Exception:  # noqa: BLE001 (a request this handler did not foresee: an answer, never a traceback)
                self._send(b"bad request", "text/plain", HTTPStatus.BAD_REQUEST)

        def _answer(self) -> None:
            path = self.path.split("?", 1)[0]  # a page's picture carries its version, for the browser's cache
            stem = preview.path.stem
            if path == "/":
                self._send(preview.page.encode(), "text/html; charset=utf-8")
            elif path == "/events":
                self._events()
            elif path.startswith("/page/") and path.endswith(".jpg"):
                drawn, number = preview.pages, path[len("/page/") : -len(".jpg")]
                if not number.isdigit() or not 1 <= int(number) <= len(drawn):
                    self._send(b"not found", "text/plain", HTTPStatus.NOT_FOUND)
                    return
                self._send(drawn[int(number) - 1].picture, "image/jpeg")
            elif path in (f"/{quote(stem)}.pdf", f"/{quote(stem)}.docx"):
                suffix = path.rsplit(".", 1)[1]
                try:
                    data = preview.download(suffix)
                except (BulletinError, ResourceError) as error:
                    self._send(str(error).encode(), "text/plain; charset=utf-8", HTTPStatus.UNPROCESSABLE_ENTITY)
                    return
                kind = "application/pdf" if suffix == "pdf" else (
                    "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
                self._send(data, kind, attachment=f"{stem}.{suffix}")
            else:
                self._send(b"not found", "text/plain", HTTPStatus.NOT_FOUND)

        def _send(self, body: bytes, kind: str, status: HTTPStatus = HTTPStatus.OK, attachment: str = "") -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            if attachment:
                # a plain name for old browsers, the name itself (RFC 6266) for the others
                fallback = attachment.encode("ascii", "replace").decode().replace("?", "_").replace('"', "_")
                self.send_header("Content-Disposition",
                                 f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(attachment)}")
            self.end_headers()
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the page went away (a reload)
                self.wfile.write(body)

        def _events(self) -> None:
            """Server-sent events: one message each time the issue is set again."""
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            seen = preview.version
            try:
                while True:
                    now = preview.wait(seen, timeout=15)
                    self.wfile.write((f"data: {now}\n\n" if now != seen else ": keep-alive\n\n").encode())
                    self.wfile.flush()
                    seen = now
            except (BrokenPipeError, ConnectionResetError):
                return

        def log_message(self, format: str, *args: object) -> None:
            pass  # the editor's terminal shows what matters: the address and the errors

    return Handler


def serve(path: Path, port: int, ready: threading.Event | None = None, stop: threading.Event | None = None) -> None:
    """Serve the preview of `path` on 127.0.0.1 until interrupted (or `stop` is set)."""
    preview = Preview(path)
    preview.refresh()
    stop = stop or threading.Event()
    server = ThreadingHTTPServer(("127.0.0.1", port), handler(preview, port))
    if port == 0:  # a free port chosen by the system: the handler must know which
        server.RequestHandlerClass = handler(preview, server.server_address[1])
    server.daemon_threads = True
    watcher = threading.Thread(target=watch, args=(preview, stop), daemon=True)
    watcher.start()
    gc.freeze()  # what the first rendering left (WeasyPrint, the fonts) stays out of the collector's sight
    print(_("previewing {name} at {url} (Ctrl-C stops)").format(
        name=display_path(path), url=f"http://127.0.0.1:{server.server_address[1]}/"), flush=True)
    if ready:
        ready.set()
    def shut_down_when_stopped() -> None:
        stop.wait()
        server.shutdown()

    threading.Thread(target=shut_down_when_stopped, daemon=True).start()
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        server.server_close()
