"""The live preview in a real headless Chromium: load, edit, see it change, see errors, download."""

from __future__ import annotations

import shutil
import socket
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import ISSUES, ROOT

from bulletin.serve import serve

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--no-first-run", "--disable-sync", "--disable-quic"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    shutil.copyfile(ROOT / "publication.yaml", tmp_path / "publication.yaml")
    issue = tmp_path / "issues" / "2018-10.yaml"
    issue.parent.mkdir()
    shutil.copyfile(ISSUES / "2018" / "2018-10.yaml", issue)
    port, ready, stop = free_port(), threading.Event(), threading.Event()
    thread = threading.Thread(target=serve, args=(issue, port, ready, stop), daemon=True)
    thread.start()
    assert ready.wait(60)
    yield f"http://127.0.0.1:{port}/", issue
    stop.set()
    thread.join(10)


def test_the_page_serves_the_issue_and_its_downloads(served: tuple[str, Path]) -> None:
    url, _ = served
    page = urllib.request.urlopen(url, timeout=30).read().decode()
    assert "嘉兴市工商联凝聚企业力量强势推进消薄工作" in page and "EventSource" in page
    assert urllib.request.urlopen(url + "issue.pdf", timeout=60).read().startswith(b"%PDF-")
    assert urllib.request.urlopen(url + "issue.docx", timeout=60).read().startswith(b"PK")
    font = urllib.request.urlopen(url + "font/FandolFang", timeout=30)
    assert font.status == 200 and font.headers["Content-Type"] == "font/ttf"  # FandolFang is TrueType
    with pytest.raises(urllib.error.HTTPError):
        urllib.request.urlopen(url + "asset/../../publication.yaml", timeout=30)


def test_an_edit_shows_in_the_browser(served: tuple[str, Path], tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    assert CHROMIUM, "Chromium is not installed: ./run installs it (Debian chromium)"
    url, issue = served
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": 900, "height": 1200})
        page.goto(url)
        page.wait_for_selector("text=嘉兴市工商联凝聚企业力量强势推进消薄工作")
        page.wait_for_timeout(300)  # the event stream is open
        issue.write_text(issue.read_text(encoding="utf-8").replace("强势推进消薄工作", "全力推进消薄工作"),
                         encoding="utf-8")
        saved = time.monotonic()
        page.wait_for_selector("text=嘉兴市工商联凝聚企业力量全力推进消薄工作", timeout=10_000)
        reloaded = time.monotonic() - saved
        page.screenshot(path=str(tmp_path / "preview.png"))
        assert (tmp_path / "preview.png").stat().st_size > 10_000
        issue.write_text(issue.read_text(encoding="utf-8").replace("number: 10", "number: ten"), encoding="utf-8")
        page.wait_for_selector("#bulletin-errors", timeout=10_000)
        errors = page.inner_text("#bulletin-errors")
        assert "2018-10.yaml:3:9: number: expected a whole number, got the text 'ten'" in errors
        browser.close()
    print(f"the page showed the edit {reloaded:.2f} s after the save")  # a figure, not an assertion


def test_the_preview_makes_its_pdf_once_in_the_background(tmp_path: Path) -> None:
    from bulletin import pdf
    from bulletin.serve import Preview

    shutil.copyfile(ROOT / "publication.yaml", tmp_path / "publication.yaml")
    shutil.copyfile(ISSUES / "2018" / "2018-06.yaml", tmp_path / "2018-06.yaml")
    pdf._stylesheets.clear()
    preview = Preview(tmp_path / "2018-06.yaml")
    preview.warm()  # serve() runs it in a thread of its own as it starts
    assert preview.warmed.is_set() and pdf._stylesheets, "the first download would parse the stylesheet"
    assert preview.download("pdf").startswith(b"%PDF-")


def get(url: str, path: str, host: str | None = None) -> tuple[int, bytes]:
    """A GET of `path` with its own Host header (urllib would send the URL's)."""
    import http.client
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    connection.putrequest("GET", path, skip_host=True)
    connection.putheader("Host", host if host is not None else parts.netloc)
    connection.endheaders()
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, body


@pytest.mark.parametrize("host", ["evil.example:{port}", "127.0.0.1.evil.example", "", "localhost:1"])
def test_a_page_of_another_name_is_answered_nothing(served: tuple[str, Path], host: str) -> None:
    """DNS rebinding: a web page the editor visits points its own name at 127.0.0.1."""
    url, _ = served
    port = url.rsplit(":", 1)[1].strip("/")
    for path in ("/", "/issue.pdf", "/font/FandolFang", "/events"):
        status, body = get(url, path, host.format(port=port))
        assert status == 421 and b"2018" not in body, path
    assert get(url, "/", f"localhost:{port}")[0] == 200


def test_only_what_the_page_refers_to_is_served(served: tuple[str, Path]) -> None:
    url, issue = served
    (issue.parent / "notes.txt").write_text("另一份草稿", encoding="utf-8")
    (issue.parent / "2018-11.yaml").write_text("title: 未发", encoding="utf-8")
    for path in ("/asset/notes.txt", "/asset/2018-11.yaml", "/asset/../publication.yaml", "/font/DejaVu%20Sans",
                 "/font/Noto%20Sans%20Mono", "/font/../../etc/passwd"):
        status, body = get(url, path)
        assert status == 404 and "草稿".encode() not in body, path
    assert get(url, "/font/FandolFang")[0] == 200  # referred to by the page's @font-face rules


@pytest.mark.parametrize("path", ["/asset/%00", "/font/%00", "/asset/" + "a" * 60_000, "/%ff%fe", "/font/%7f",
                                  "/asset/%2e%2e/%2e%2e/etc/passwd"])
def test_malformed_requests_get_an_answer_not_a_traceback(served: tuple[str, Path], path: str,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    url, _ = served
    status, _ = get(url, path)
    assert 400 <= status < 500
    assert "Traceback" not in capsys.readouterr().err
    assert get(url, "/")[0] == 200  # and the preview still answers
