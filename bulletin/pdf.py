"""The PDF renderer: WeasyPrint, fed only our fonts and the issue's own assets."""

from __future__ import annotations

import ctypes.util
import functools
import hashlib
import logging
import warnings
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from bulletin.fonts import find_face
from bulletin.html import render_html
from bulletin.model import Issue


class ResourceError(Exception):
    """The issue refers to something the renderer may not or cannot read."""


def harfbuzz_subset_missing() -> bool:
    """WeasyPrint subsets fonts with HarfBuzz when it can; without it every build takes seconds longer."""
    return ctypes.util.find_library("harfbuzz-subset") is None


@functools.cache
def _weasyprint() -> Any:
    """Import WeasyPrint only when a PDF is wanted (the import alone costs about half a second)."""
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    import weasyprint
    import weasyprint.text.fonts
    import weasyprint.urls

    return weasyprint


@functools.cache
def font_configuration() -> Any:
    """One FontConfiguration per process: fonts are loaded once, memory stays flat across issues."""
    return _weasyprint().text.fonts.FontConfiguration()


def _fetcher(assets: Path) -> Any:
    """A URL fetcher that serves our fonts (font:NAME) and files under the issue's folder (asset:PATH),
    and refuses everything else: no network, no file outside the project."""
    urls = _weasyprint().urls

    class Fetcher(urls.URLFetcher):  # type: ignore[misc,name-defined]
        def fetch(self, url: str, headers: Any = None) -> Any:
            url = unquote(url)
            if url.startswith("font:"):
                face = find_face(url.removeprefix("font:"))
                if face.path is None:
                    raise ResourceError(f"font not installed: {face.family}")
                return urls.URLFetcherResponse(face.path.as_uri(), face.path.read_bytes())
            if url.startswith("asset:"):
                path = (assets / url.removeprefix("asset:")).resolve()
                if not path.is_relative_to(assets.resolve()) or not path.is_file():
                    raise ResourceError(f"not a file in the issue's folder: {url.removeprefix('asset:')}")
                return urls.URLFetcherResponse(path.as_uri(), path.read_bytes())
            raise ResourceError(f"refused to fetch {url}: only the issue's own files are read")

    return Fetcher(fail_on_errors=True)


def render_document(issue: Issue, assets: Path, html: str | None = None) -> Any:
    """The issue laid out by WeasyPrint: a Document whose pages can be counted, merged and written."""
    weasyprint = _weasyprint()
    html = html if html is not None else render_html(issue)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        document = weasyprint.HTML(string=html, url_fetcher=_fetcher(assets), base_url=assets.resolve().as_uri() + "/")
        return document.render(font_config=font_configuration())


def _identifier(*parts: bytes) -> bytes:
    """The PDF's file identifier, from its content: the same issue gives the same bytes."""
    return hashlib.sha256(b"\0".join(parts)).hexdigest()[:32].encode()


def render_pdf(issue: Issue, assets: Path, html: str | None = None) -> bytes:
    """The issue as PDF bytes; the same issue gives the same bytes."""
    html = html if html is not None else render_html(issue)
    pdf: bytes = render_document(issue, assets, html).write_pdf(pdf_identifier=_identifier(html.encode()))
    return pdf


def render_archival_pdf(issue: Issue, assets: Path, source: Path, html: str | None = None) -> bytes:
    """The issue as PDF/A-3b with its YAML source embedded, so that the record carries its own source."""
    weasyprint = _weasyprint()
    html = html if html is not None else render_html(issue)
    data = source.read_bytes()
    attachment = weasyprint.Attachment(string=data, name=source.name, description=f"{issue.name} {issue.issue_line}",
                                       relationship="Source")
    pdf: bytes = render_document(issue, assets, html).write_pdf(
        pdf_identifier=_identifier(html.encode(), data), pdf_variant="pdf/a-3b", attachments=[attachment])
    return pdf
