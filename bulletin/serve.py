"""The live preview: the issue on a local page that reloads within a second of each save."""

from __future__ import annotations

import contextlib
import gc
import html as markup
import re
import threading
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote

from bulletin import layout as L
from bulletin.build import prepare, render
from bulletin.errors import BulletinError
from bulletin.fonts import FontError, find_face
from bulletin.html import TEMPLATES_DIR, environment, render_html
from bulletin.inputs import Refused
from bulletin.loader import display_path, find_publication
from bulletin.pdf import ResourceError
from bulletin.photos import asset

# On screen the issue is shown as an A4 sheet; for the true pages, download the PDF.
# (The page's numbers are the layout's; the bar's pixels are the screen's own.)
SCREEN = f"""<style>
@media screen {{
  html {{ background: #777; }}
  body {{ box-sizing: border-box; width: {L.PAGE_WIDTH_MM}mm; min-height: {L.PAGE_HEIGHT_MM}mm; margin: 12px auto;
         padding: {L.MARGIN_TOP_MM}mm {L.MARGIN_RIGHT_MM}mm {L.MARGIN_BOTTOM_MM}mm {L.MARGIN_LEFT_MM}mm;
         background: white; box-shadow: 0 2px 12px rgba(0,0,0,.4); }}
  .colophon {{ float: none; margin-top: {L.LINE_PITCH_PT}pt; }}
  #bulletin-bar {{ position: fixed; top: 0; left: 0; right: 0; font: 14px sans-serif; background: #222; color: #eee;
                  padding: 6px 12px; z-index: 9; }}
  #bulletin-bar a {{ color: #9cf; margin-right: 14px; }}
  #bulletin-errors {{ font: 15px/1.6 monospace; color: #a00; white-space: pre-wrap; }}
  .masthead .name, .masthead .kind {{ color: #{L.red_rgb_hex()}; }}  /* browsers do not know device-cmyk() */
  .red-rule {{ border-bottom-color: #{L.red_rgb_hex()}; }}
}}
</style>"""
REFERENCE = re.compile(r'/(?:font|asset)/[^"\')\s]+')  # a file the page asks the preview for
RELOAD = """<script>
new EventSource("/events").onmessage = () => {
  sessionStorage.setItem("bulletin-scroll", String(window.scrollY)); location.reload();
};
window.addEventListener("load", () => window.scrollTo(0, Number(sessionStorage.getItem("bulletin-scroll") || 0)));
</script>"""


@dataclass
class Preview:
    """The current state of the issue being edited: its page, or its problems, and a version number."""

    path: Path
    version: int = 0
    page: str = ""
    changed: threading.Condition = field(default_factory=threading.Condition)
    rendering: threading.Lock = field(default_factory=threading.Lock)  # one download at a time
    warmed: threading.Event = field(default_factory=threading.Event)
    served: frozenset[str] = frozenset()  # the /font/… and /asset/… paths the current page refers to
    fonts: dict[str, Path | None] = field(default_factory=dict)  # a font's file by name, looked up once

    def refresh(self) -> None:
        """Load and set the issue again, and tell every open page."""
        bar = (f'<div id="bulletin-bar">{markup.escape(display_path(self.path))} · '
               '<a href="/issue.pdf">PDF</a><a href="/issue.docx">DOCX</a></div>')
        try:
            loaded, typesetter = prepare(self.path)
            page = render_html(loaded.issue, typesetter)
        except BulletinError as error:
            page = environment().get_template("preview-errors.html.j2").render(
                name=self.path.name, problems=[str(problem) for problem in error.problems])
        page = page.replace("</head>", SCREEN + RELOAD + "</head>", 1).replace("<body>", "<body>" + bar, 1)
        page = page.replace('url("font:', 'url("/font/').replace('src="asset:', 'src="/asset/')  # over HTTP
        served = frozenset(unquote(ref) for ref in REFERENCE.findall(page))  # the only files it may ask for
        with self.changed:
            self.page, self.version, self.served = page, self.version + 1, served
            self.changed.notify_all()

    def wait(self, seen: int, timeout: float) -> int:
        """The version once it differs from `seen`, or after `timeout` seconds."""
        with self.changed:
            self.changed.wait_for(lambda: self.version != seen, timeout=timeout)
            return self.version

    def download(self, suffix: str) -> bytes:
        """The current state as PDF or DOCX."""
        with self.rendering:
            loaded, typesetter = prepare(self.path)
            return render(loaded, typesetter, (suffix,))[suffix]

    def warm(self) -> None:
        """Make the PDF once, in the background: the first download then finds WeasyPrint imported, the
        fonts loaded and the stylesheet parsed (a re-render takes a quarter of a second, not half a second
        and more). What the process holds by then stays out of the collector's sight (gc.freeze)."""
        with contextlib.suppress(Exception):  # an issue with errors: its page says so already
            self.download("pdf")
        gc.freeze()
        self.warmed.set()

    def watched(self) -> list[Path]:
        """What a change of should reload the page: the issue's folder, the publication file, the templates."""
        publication = find_publication(self.path)
        return [self.path.parent.resolve(), TEMPLATES_DIR, *([publication] if publication else [])]


def watch(preview: Preview, stop: threading.Event) -> None:
    """Re-render on every change of the watched files, until stopped."""
    from watchfiles import watch as changes

    for _ in changes(*preview.watched(), stop_event=stop, debounce=100, step=50):
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
            if self.path == "/":
                self._send(preview.page.encode(), "text/html; charset=utf-8")
            elif self.path == "/events":
                self._events()
            elif self.path.startswith(("/font/", "/asset/")):
                self._file()
            elif self.path in ("/issue.pdf", "/issue.docx"):
                suffix = self.path.rsplit(".", 1)[1]
                try:
                    data = preview.download(suffix)
                except (BulletinError, ResourceError) as error:
                    self._send(str(error).encode(), "text/plain; charset=utf-8", HTTPStatus.UNPROCESSABLE_ENTITY)
                    return
                kind = "application/pdf" if suffix == "pdf" else (
                    "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
                self._send(data, kind, attachment=f"{preview.path.stem}.{suffix}")
            else:
                self._send(b"not found", "text/plain", HTTPStatus.NOT_FOUND)

        def _file(self) -> None:
            """A font or a photo that the current page refers to; nothing else (not the other files beside
            the issue, not any font of the system)."""
            if unquote(self.path) not in preview.served:
                self._send(b"not found", "text/plain", HTTPStatus.NOT_FOUND)
                return
            kind, _, name = unquote(self.path).lstrip("/").partition("/")
            if kind == "asset":
                try:
                    self._send(asset(preview.path.parent, name), "application/octet-stream")
                except (ValueError, OSError, Refused):
                    self._send(b"not found", "text/plain", HTTPStatus.NOT_FOUND)
                return
            if name not in preview.fonts:
                try:
                    preview.fonts[name] = find_face(name).path
                except FontError:
                    preview.fonts[name] = None
            path = preview.fonts[name]
            if path is None or not path.is_file():
                self._send(b"not found", "text/plain", HTTPStatus.NOT_FOUND)
                return
            self._send(path.read_bytes(), f"font/{path.suffix[1:].lower()}")

        def _send(self, body: bytes, kind: str, status: HTTPStatus = HTTPStatus.OK, attachment: str = "") -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            if attachment:
                self.send_header("Content-Disposition", f'attachment; filename="{attachment}"')
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
    threading.Thread(target=preview.warm, daemon=True).start()
    print(f"previewing {display_path(path)} at http://127.0.0.1:{server.server_address[1]}/ (Ctrl-C stops)",
          flush=True)
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
