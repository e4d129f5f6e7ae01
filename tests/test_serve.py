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
