"""The live preview in a real headless Chromium: load, edit, see it change, see errors, download."""

from __future__ import annotations

import io
import shutil
import socket
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

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
    assert "嘉兴市工商联凝聚企业力量" in page and "EventSource" in page and "共 7 页" in page
    picture = urllib.request.urlopen(url + "page/1.jpg?v=1", timeout=30)
    assert picture.headers["Content-Type"] == "image/jpeg" and picture.read().startswith(b"\xff\xd8")
    pdf = urllib.request.urlopen(url + "2018-10.pdf", timeout=60)
    assert pdf.read().startswith(b"%PDF-")
    assert 'filename="2018-10.pdf"' in pdf.headers["Content-Disposition"]  # the issue's name, not issue.pdf
    docx = urllib.request.urlopen(url + "2018-10.docx", timeout=60)
    assert docx.read().startswith(b"PK") and "2018-10.docx" in docx.headers["Content-Disposition"]


def page_geometry(page: Any) -> list[dict[str, Any]]:
    """Each page on screen: its size and its lines of text with their places (CSS pixels)."""
    return cast(list[dict[str, Any]], page.evaluate("""() => [...document.querySelectorAll('.page')].map(p => {
        const box = p.getBoundingClientRect();
        return {width: box.width, height: box.height, lines: [...p.querySelectorAll('.line')].map(l => {
            const r = l.getBoundingClientRect();
            return {text: l.textContent, left: r.left - box.left, top: r.top - box.top};
        })};
    })"""))


def test_the_preview_shows_the_pages_as_they_print(served: tuple[str, Path], tmp_path: Path) -> None:
    """Real pages in Chromium: as many as the PDF has, A4 in shape, each with its page number at the foot on
    the outer side, the colophon at the foot of the last; an edit shows within a second or so (a figure)."""
    import pdfplumber
    from playwright.sync_api import sync_playwright

    assert CHROMIUM, "Chromium is not installed: ./run installs it (Debian chromium)"
    url, issue = served
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": 900, "height": 1200})
        page.goto(url)
        page.wait_for_selector("text=强势推进消薄工作")
        sheets = page_geometry(page)
        with pdfplumber.open(io.BytesIO(urllib.request.urlopen(url + "2018-10.pdf", timeout=60).read())) as pdf:
            assert len(sheets) == len(pdf.pages) == 7
        for number, sheet in enumerate(sheets, 1):
            assert abs(sheet["height"] / sheet["width"] - 297 / 210) < 0.01
            folio = [line for line in sheet["lines"] if line["text"] == f"— {number} —"]
            assert len(folio) == 1 and folio[0]["top"] > 0.85 * sheet["height"], number
            outer = folio[0]["left"] > sheet["width"] / 2 if number % 2 else folio[0]["left"] < sheet["width"] / 2
            assert outer, f"page {number}: its number is not on the outer side"
            assert page.locator(f"#page-{number} img").evaluate("i => i.complete && i.naturalWidth > 0"), number
        signoff = [line for line in sheets[-1]["lines"] if line["text"].startswith("签发：")]
        assert signoff and signoff[0]["top"] > 0.8 * sheets[-1]["height"]  # the colophon at the foot
        assert not any(line["text"].startswith("签发：") for sheet in sheets[:-1] for line in sheet["lines"])
        page.wait_for_timeout(300)  # the event stream is open
        issue.write_text(issue.read_text(encoding="utf-8").replace("强势推进消薄工作", "强势推进消薄攻坚"),
                         encoding="utf-8")
        saved = time.monotonic()
        page.wait_for_function("[...document.querySelectorAll('#page-1 .line')].some("
                               "l => l.textContent.includes('强势推进消薄攻坚'))", timeout=10_000)
        reloaded = time.monotonic() - saved
        page.screenshot(path=str(tmp_path / "preview.png"))
        assert (tmp_path / "preview.png").stat().st_size > 10_000
        browser.close()
    print(f"the page showed the edit {reloaded:.2f} s after the save")  # a figure, not an assertion


def test_errors_show_in_place_and_the_watcher_outlives_them(served: tuple[str, Path],
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """A mistake shows on the page where the pages were; so does an error nobody foresaw; each time the next
    save that mends it brings the pages back."""
    from playwright.sync_api import sync_playwright

    from bulletin import serve

    url, issue = served
    good = issue.read_text(encoding="utf-8")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": 900, "height": 1200})
        page.goto(url)
        page.wait_for_selector("text=强势推进消薄工作")
        page.wait_for_timeout(300)  # the event stream is open
        for broken in (good.replace("number: 10", "number: ten"), good.replace("date: 2018-06-05", "date: 2018-06-31"),
                       good.replace("articles:", "articles: [")):
            issue.write_text(broken, encoding="utf-8")
            page.wait_for_selector("#bulletin-errors", timeout=10_000)
            issue.write_text(good, encoding="utf-8")
            page.wait_for_selector("text=强势推进消薄工作", timeout=10_000)
        errors = []
        issue.write_text(good.replace("number: 10", "number: ten"), encoding="utf-8")
        page.wait_for_selector("#bulletin-errors", timeout=10_000)
        errors.append(page.inner_text("#bulletin-errors"))
        from bulletin.build import render as real_render

        def failing(*args: Any, **kwargs: Any) -> Any:
            raise RuntimeError("an error nobody foresaw")

        monkeypatch.setattr(serve, "render", failing)
        issue.write_text(good, encoding="utf-8")
        page.wait_for_function("document.body.innerText.includes('an error nobody foresaw')", timeout=10_000)
        errors.append(page.inner_text("#bulletin-errors"))
        monkeypatch.setattr(serve, "render", real_render)
        issue.write_text(good + "\n", encoding="utf-8")
        page.wait_for_selector("text=强势推进消薄工作", timeout=10_000)
        browser.close()
    assert "2018-10.yaml:3:9: number: 应是整数，这里是文字 'ten'" in errors[0]
    assert errors[1].strip().startswith("意外错误：an error nobody foresaw")


def test_the_download_is_the_pdf_the_page_shows(tmp_path: Path) -> None:
    from bulletin.serve import Preview

    shutil.copyfile(ROOT / "publication.yaml", tmp_path / "publication.yaml")
    shutil.copyfile(ISSUES / "2018" / "2018-06.yaml", tmp_path / "2018-06.yaml")
    preview = Preview(tmp_path / "2018-06.yaml")
    preview.refresh()
    assert preview.download("pdf") is preview.pdf and preview.pdf.startswith(b"%PDF-")
    assert len(preview.pages) > 1 and all(page.picture.startswith(b"\xff\xd8") for page in preview.pages)


def get(url: str, path: str, host: str | None = None) -> tuple[int, bytes]:
    """A GET of `path` with its own Host header (urllib would send the URL's)."""
    import http.client
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=30)
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
    for path in ("/", "/2018-10.pdf", "/page/1.jpg", "/events"):
        status, body = get(url, path, host.format(port=port))
        assert status == 421 and b"2018" not in body, path
    assert get(url, "/", f"localhost:{port}")[0] == 200


def test_only_the_pages_and_the_downloads_are_served(served: tuple[str, Path]) -> None:
    url, issue = served
    (issue.parent / "notes.txt").write_text("另一份草稿", encoding="utf-8")
    (issue.parent / "2018-11.yaml").write_text("title: 未发", encoding="utf-8")
    for path in ("/asset/notes.txt", "/asset/2018-11.yaml", "/asset/../publication.yaml", "/font/FandolFang",
                 "/font/../../etc/passwd", "/page/0.jpg", "/page/8.jpg", "/page/1.png", "/page/%31.jpg",
                 "/page/-1.jpg", "/2018-11.pdf", "/issue.pdf", "/2018-10.yaml"):
        status, body = get(url, path)
        assert status == 404 and "草稿".encode() not in body, path
    assert get(url, "/page/7.jpg")[0] == 200


@pytest.mark.parametrize("path", ["/asset/%00", "/font/%00", "/asset/" + "a" * 60_000, "/%ff%fe", "/font/%7f",
                                  "/asset/%2e%2e/%2e%2e/etc/passwd"])
def test_malformed_requests_get_an_answer_not_a_traceback(served: tuple[str, Path], path: str,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    url, _ = served
    status, _ = get(url, path)
    assert 400 <= status < 500
    assert "Traceback" not in capsys.readouterr().err
    assert get(url, "/")[0] == 200  # and the preview still answers


@pytest.mark.parametrize(("language", "bar", "label", "lang"), [
    ("zh", "共 7 页，与印出的一样", "第 7 页，共 7 页", 'lang="zh-CN"'),
    ("en", "7 pages, as they will print", "page 7 of 7", 'lang="en"'),
])
def test_the_preview_page_speaks_the_editors_language(tmp_path: Path, language: str, bar: str, label: str,
                                                      lang: str) -> None:
    from bulletin import i18n
    from bulletin.serve import Preview

    shutil.copyfile(ROOT / "publication.yaml", tmp_path / "publication.yaml")
    shutil.copyfile(ISSUES / "2018" / "2018-10.yaml", tmp_path / "2018-10.yaml")
    i18n.use(language)
    preview = Preview(tmp_path / "2018-10.yaml")
    preview.refresh()
    assert bar in preview.page and label in preview.page and lang in preview.page
