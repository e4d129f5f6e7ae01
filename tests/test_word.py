"""The DOCX: its XML against golden files, its page set-up, styles and fonts, and LibreOffice's rendering of it."""

from __future__ import annotations

import datetime as dt
import difflib
import io
import os
import subprocess
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import docx
import pdfplumber
import pytest
from conftest import ISSUES, REFERENCE, ROOT
from lxml import etree
from office import convert_to_pdf

from bulletin import compose, layout
from bulletin.fonts import fontconfig_aliases
from bulletin.html import render_html
from bulletin.loader import Loaded, load
from bulletin.pdf import render_pdf
from bulletin.typeset import Block, Typesetter
from bulletin.word import render_docx

GOLDEN = Path(__file__).resolve().parent / "golden"
SAMPLES = {
    "2018-06": ISSUES / "2018" / "2018-06.yaml",
    "2018-10": ISSUES / "2018" / "2018-10.yaml",
    "features": ROOT / "tests" / "data" / "features" / "issues" / "features.yaml",
}
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
NS = {"w": W[1:-1]}


@dataclass
class Built:
    loaded: Loaded
    data: bytes

    def part(self, name: str) -> Any:
        with zipfile.ZipFile(io.BytesIO(self.data)) as package:
            return etree.fromstring(package.read(name))


@pytest.fixture(scope="session")
def built() -> dict[str, Built]:
    result = {}
    for name, path in SAMPLES.items():
        loaded = load(path)
        result[name] = Built(loaded, render_docx(loaded.issue, path.parent))
    return result


@pytest.fixture(scope="session")
def libreoffice(built: dict[str, Built], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The reference issues as LibreOffice prints them (one LibreOffice run for all)."""
    out = tmp_path_factory.mktemp("libreoffice")
    documents = []
    for name in ("2018-06", "2018-10"):
        documents.append(out / f"{name}.docx")
        documents[-1].write_bytes(built[name].data)
    return dict(zip(("2018-06", "2018-10"), convert_to_pdf(documents, out), strict=True))


def pretty(xml: Any) -> str:
    return str(etree.tostring(xml, pretty_print=True, encoding="unicode"))


@pytest.mark.parametrize("name", SAMPLES)
def test_document_xml_matches_golden(built: dict[str, Built], name: str, regen_golden: bool) -> None:
    xml = pretty(built[name].part("word/document.xml"))
    golden = GOLDEN / f"{name}.document.xml"
    if regen_golden:
        golden.write_text(xml, encoding="utf-8")
    assert golden.exists(), f"no golden file: run the tests with --regen-golden once, then read {golden}"
    assert xml.splitlines() == golden.read_text(encoding="utf-8").splitlines(), (
        "word/document.xml changed: if intended, regenerate (README)")


def test_same_issue_same_bytes(built: dict[str, Built]) -> None:
    again = render_docx(built["features"].loaded.issue, SAMPLES["features"].parent)
    assert again == built["features"].data


def test_python_docx_opens_it(built: dict[str, Built]) -> None:
    for item in built.values():
        document = docx.Document(io.BytesIO(item.data))
        assert document.paragraphs and document.core_properties.title.startswith("工商联信息")


def test_page_setup_grid_and_footers(built: dict[str, Built]) -> None:
    item = built["2018-10"]
    document = item.part("word/document.xml")
    (section,) = document.findall(".//w:body/w:sectPr", NS)
    size, margins, grid = (section.find(f"w:{tag}", NS) for tag in ("pgSz", "pgMar", "docGrid"))
    assert (int(size.get(W + "w")), int(size.get(W + "h"))) == (11906, 16838)  # A4 in twips
    twips = {side: int(margins.get(W + side)) / 56.6929 for side in ("top", "left", "right", "bottom")}
    assert {side: round(mm) for side, mm in twips.items()} == {"top": 37, "left": 28, "right": 26, "bottom": 35}
    assert grid.get(W + "type") == "linesAndChars" and grid.get(W + "linePitch") == "579"
    pitch = layout.BODY_SIZE_PT + int(grid.get(W + "charSpace")) / 4096
    type_height = layout.TYPE_HEIGHT_MM * layout.PT_PER_MM
    assert round(layout.type_width_pt() / pitch) == 28 and int(type_height / 28.95) == 22
    settings = item.part("word/settings.xml")
    assert settings.find("w:evenAndOddHeaders", NS) is not None
    references = {ref.get(W + "type"): ref for ref in section.findall("w:footerReference", NS)}
    assert set(references) == {"default", "even"}
    footers = [item.part(name) for name in ("word/footer1.xml", "word/footer2.xml")]
    for footer in footers:
        assert "".join(footer.itertext()) == "— 1 —"  # U+2014 dashes around a PAGE field
        assert footer.find(".//w:fldSimple", NS).get(W + "instr").strip() == "PAGE"
    assert sorted(footer.find(".//w:jc", NS).get(W + "val") for footer in footers) == ["left", "right"]


def test_every_paragraph_has_a_named_style(built: dict[str, Built]) -> None:
    for name, item in built.items():
        document = item.part("word/document.xml")
        for paragraph in document.iter(W + "p"):
            if paragraph.getparent().tag == W + "tc" and not "".join(paragraph.itertext()):
                continue  # the empty paragraph a table cell must hold
            assert paragraph.find("w:pPr/w:pStyle", NS) is not None, (name, "".join(paragraph.itertext()))
    styles = built["features"].part("word/styles.xml")
    names = {style.find("w:name", NS).get(W + "val") for style in styles.findall("w:style", NS)}
    for element in compose.elements(built["features"].loaded.issue).values():  # all but a corrected edition's mark
        assert element.style.lower() in {n.lower() for n in names}, element.style
    for builtin in ("heading 1", "heading 4", "Title", "Subtitle", "caption", "Body Text", "toc 1", "Strong"):
        assert builtin.lower() in {n.lower() for n in names}


def test_fonts_name_the_office_faces_in_all_four_slots_and_never_the_theme(built: dict[str, Built]) -> None:
    loaded = built["2018-10"].loaded
    corrected = loaded.issue.model_copy(update={"corrected": dt.date(2018, 7, 1)})  # every element styled
    styles = Built(loaded, render_docx(corrected, loaded.path.parent)).part("word/styles.xml")
    assert not [f.attrib for f in styles.iter(W + "rFonts") if any("heme" in a for a in f.attrib)]
    by_style = {style.find("w:name", NS).get(W + "val").lower(): style for style in styles.findall("w:style", NS)}
    for element in layout.ELEMENTS.values():
        fonts = by_style[element.style.lower()].find("w:rPr/w:rFonts", NS)
        slots = {slot: fonts.get(W + slot) for slot in ("ascii", "hAnsi", "eastAsia", "cs")}
        assert set(slots.values()) == {layout.OFFICE_FACES[element.role]}, (element.style, slots)
    defaults = styles.find("w:docDefaults/w:rPrDefault/w:rPr", NS)
    assert defaults.find("w:lang", NS).get(W + "eastAsia") == "zh-CN"
    assert defaults.find("w:lang", NS).get(W + "val") == "zh-CN"
    document = built["2018-10"].part("word/document.xml")
    hinted = [run for run in document.iter(W + "r") if "“" in "".join(run.itertext())]
    assert hinted and all(run.find("w:rPr/w:rFonts", NS).get(W + "hint") == "eastAsia" for run in hinted)


def test_office_fonts_follow_the_publication(tmp_path: Path) -> None:
    (tmp_path / "issues").mkdir()
    publication = (ROOT / "publication.yaml").read_text(encoding="utf-8") + "fonts:\n  fangsong: [方正仿宋_GBK]\n"
    (tmp_path / "publication.yaml").write_text(publication, encoding="utf-8")
    (tmp_path / "issues" / "a.yaml").write_bytes(SAMPLES["2018-10"].read_bytes())
    loaded = load(tmp_path / "issues" / "a.yaml")
    styles = Built(loaded, render_docx(loaded.issue, tmp_path / "issues")).part("word/styles.xml")
    body = [s for s in styles.findall("w:style", NS) if s.get(W + "styleId") == "BodyText"][0]
    assert body.find("w:rPr/w:rFonts", NS).get(W + "eastAsia") == "方正仿宋_GBK"


def test_masthead_colophon_tables_photos_and_toc(built: dict[str, Built]) -> None:
    features = built["features"]
    document = features.part("word/document.xml")
    styles = features.part("word/styles.xml")
    masthead = [s for s in styles.findall("w:style", NS) if s.get(W + "styleId") == "Masthead"][0]
    assert masthead.find("w:rPr/w:color", NS).get(W + "val") == layout.red_rgb_hex() == "FF3333"
    red_rule = document.find(".//w:pBdr/w:bottom", NS)
    assert (red_rule.get(W + "color"), red_rule.get(W + "sz")) == ("FF3333", "10")
    floating = [t for t in document.iter(W + "tbl") if t.find("w:tblPr/w:tblpPr", NS) is not None]
    assert len(floating) == 1 and floating[0].find("w:tblPr/w:tblpPr", NS).get(W + "tblpYSpec") == "bottom"
    borders = floating[0].find("w:tblPr/w:tblBorders", NS)
    sizes = {side: int(borders.find(f"w:{side}", NS).get(W + "sz")) / 8 / layout.PT_PER_MM
             for side in ("top", "bottom", "insideH")}
    eighth_of_a_point = 1 / 8 / layout.PT_PER_MM  # the resolution of Word's border widths, in mm
    for side, target in (("top", 0.35), ("bottom", 0.35), ("insideH", 0.25)):
        assert abs(sizes[side] - target) <= eighth_of_a_point / 2, (side, sizes[side])
    assert "".join(floating[0].itertext()).startswith("送：")
    assert not [p for p in document.iter(W + "p") if p.find("w:pPr/w:framePr", NS) is not None]
    data_tables = [t for t in document.iter(W + "tbl") if "行业" in "".join(t.itertext())]
    columns = [int(c.get(W + "w")) for c in data_tables[0].findall("w:tblGrid/w:gridCol", NS)]
    assert len(columns) == 3 and abs(sum(columns) - 8844) <= 2 and columns[0] > columns[1]
    with zipfile.ZipFile(io.BytesIO(features.data)) as package:
        assert any(name.startswith("word/media/") for name in package.namelist())
    assert document.find(".//w:drawing", NS) is not None
    text = "".join(document.itertext())
    assert "市工商联召开复工复产座谈会" in text and "李四 摄" in text
    assert "※民营企业复工复产情况调查" in text  # ※, a tab, the title
    assert not [i for i in document.iter(W + "instrText") if "TOC" in (i.text or "")]
    assert not [f for f in document.iter(W + "fldSimple") if "TOC" in f.get(W + "instr", "")]


def test_the_fontconfig_aliases_file_is_current() -> None:
    assert (ROOT / "fonts" / "fonts.conf").read_text(encoding="utf-8") == fontconfig_aliases(), (
        "fonts/fonts.conf is stale: regenerate it with bulletin.fonts.fontconfig_aliases()")


# LibreOffice's rendering of the DOCX


def alnum(text: str) -> str:
    return "".join(c for c in text if c.isalnum())


# As measured (LibreOffice 7.x of Debian): the text against the reference (0.998818, 0.998985), and the full
# lines of Chinese that do not hold 28 characters (2 of 77, 1 of 64). A regression fails; an improvement is
# written in here by hand.
REFERENCE_RATIO = {"2018-06": 0.9988, "2018-10": 0.9989}
OFF_GRID_IN_LIBREOFFICE = {"2018-06": 2, "2018-10": 1}


@pytest.mark.parametrize("name", ["2018-06", "2018-10"])
def test_libreoffice_reproduces_the_reference_text(libreoffice: dict[str, Path], name: str) -> None:
    with pdfplumber.open(libreoffice[name]) as pdf:
        text = alnum("".join(page.extract_text() for page in pdf.pages))
    reference = alnum((REFERENCE / f"{name}.txt").read_text(encoding="utf-8"))
    ratio = difflib.SequenceMatcher(None, text, reference, autojunk=False).ratio()
    assert ratio >= REFERENCE_RATIO[name], f"{name}: LibreOffice's text matches the reference at {ratio:.6f}"


@pytest.mark.parametrize("name", ["2018-06", "2018-10"])
def test_libreoffice_keeps_28_characters_a_line(libreoffice: dict[str, Path], name: str) -> None:
    left, right = layout.MARGIN_LEFT_MM, layout.MARGIN_LEFT_MM + layout.TYPE_WIDTH_MM
    full = []
    with pdfplumber.open(libreoffice[name]) as pdf:
        for page in pdf.pages:
            for line in page.extract_text_lines():
                chars = [c for c in line["chars"] if c["text"].strip()]
                text = "".join(c["text"] for c in chars)
                at_left = abs(line["x0"] / layout.PT_PER_MM - left) < 1
                at_right = abs(line["x1"] / layout.PT_PER_MM - right) < 1.5
                body = chars and abs(chars[0]["size"] - layout.BODY_SIZE_PT) < 0.5
                if body and at_left and at_right and all(unicodedata.east_asian_width(c) in "WF" for c in text):
                    full.append(text)
    wrong = [text for text in full if len(text) != layout.CHARS_PER_LINE]
    assert len(full) > 40 and len(wrong) <= OFF_GRID_IN_LIBREOFFICE[name], (
        f"{name}: {len(wrong)} of {len(full)} full lines do not hold 28: {wrong[:8]}")


@pytest.mark.parametrize("name", ["2018-06", "2018-10"])
def test_libreoffice_page_count_matches_the_pdf(built: dict[str, Built], libreoffice: dict[str, Path],
                                                 name: str) -> None:
    issue = built[name].loaded.issue
    weasyprint_pages = len(pdfplumber.open(io.BytesIO(render_pdf(
        render_html(issue, Typesetter(issue, SAMPLES[name].parent)), SAMPLES[name].parent))).pages)
    with pdfplumber.open(libreoffice[name]) as pdf:
        assert len(pdf.pages) == weasyprint_pages, (len(pdf.pages), weasyprint_pages)


def test_the_readmes_libreoffice_command_works_as_written(tmp_path: Path) -> None:
    """README's command, run verbatim from a folder laid out as the project: the fonts found (not a sans face
    for everything, as fontconfig does with a relative FONTCONFIG_FILE)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    (command,) = [line for line in readme.splitlines() if line.startswith("FONTCONFIG_FILE=") and "soffice" in line]
    (tmp_path / "fonts").symlink_to(ROOT / "fonts")
    (tmp_path / "build").mkdir()
    loaded = load(SAMPLES["2018-10"])
    (tmp_path / "build" / "2018-10.docx").write_bytes(render_docx(loaded.issue, SAMPLES["2018-10"].parent))
    done = subprocess.run(["bash", "-c", command], cwd=tmp_path, env={**os.environ, "HOME": str(tmp_path)},
                          capture_output=True, text=True, timeout=300, check=False)
    (pdf,) = tmp_path.glob("build/**/2018-10.pdf")
    assert "Cannot load" not in done.stderr, done.stderr
    with pdfplumber.open(pdf) as document:
        fonts = {c["fontname"].split("+")[-1] for page in document.pages for c in page.chars}
    assert any("FandolFang" in font for font in fonts) and any("LXGWWenKai" in font for font in fonts), fonts


def test_lines_go_together_only_where_the_pdf_keeps_them(built: dict[str, Built]) -> None:
    """Widow control off everywhere (LibreOffice would keep two lines at each end of a paragraph, the PDF
    does not); the first article two lines below the 目录, as in the PDF."""
    styles = built["2018-06"].part("word/styles.xml")
    defaults = styles.find(f"{W}docDefaults/{W}pPrDefault/{W}pPr")
    assert defaults.find(f"{W}widowControl").get(f"{W}val") == "0"
    assert not [s for s in styles.iter(f"{W}widowControl") if s.get(f"{W}val") != "0"]
    body = built["2018-06"].part("word/document.xml").find(f"{W}body")
    title = next(p for p in body.iter(f"{W}p") if p.find(f"{W}pPr/{W}pStyle[@{W}val='Title']") is not None)
    spacing = title.find(f"{W}pPr/{W}spacing")
    assert int(spacing.get(f"{W}before")) == layout.ARTICLE_SPACE_LINES[0] * layout.LINE_PITCH_TWIPS


def test_the_space_around_a_table_is_dropped_at_a_page_top(built: dict[str, Built]) -> None:
    """The half line above and below a table is space before (Word and LibreOffice drop it at the top of a
    page, as the PDF drops the table's margin), on a line of one twip."""
    body = built["features"].part("word/document.xml").find(f"{W}body")
    tables = [t for t in body.findall(f"{W}tbl") if t.find(f"{W}tblPr/{W}tblStyle[@{W}val='TableGrid']") is not None]
    assert tables
    for table in tables:
        above = table.getprevious()
        if above.findall(f".//{W}t"):  # the table's caption, kept with it
            above = above.getprevious()
        for spacer in (above, table.getnext()):
            spacing = spacer.find(f"{W}pPr/{W}spacing")
            assert not spacer.findall(f".//{W}t")
            assert (spacing.get(f"{W}line"), spacing.get(f"{W}lineRule")) == ("1", "exact")
            assert int(spacing.get(f"{W}before")) + 1 == round(layout.TABLE_MARGIN_LINES * layout.LINE_PITCH_TWIPS)


def test_a_line_the_pdf_squeezes_is_as_tight_in_the_docx(built: dict[str, Built]) -> None:
    """Each line the PDF squeezes to push a character in is a run (or runs) of its own, set tighter than
    DOCX_CONDENSE_PT by the squeeze; the paragraph's text is whole and in order."""
    from bulletin.typeset import set_article

    loaded = built["2018-06"].loaded
    typesetter = Typesetter(loaded.issue, loaded.path.parent)
    squeezed = [
        (block, line) for article in loaded.issue.articles for block in set_article(article, typesetter).blocks
        if isinstance(block, Block) and block.style == "p"
        for line in block.lines if line.spacing < block.spacing - 1e-6]
    assert squeezed, "the sample has no squeezed line to check"
    body = built["2018-06"].part("word/document.xml").find(f"{W}body")
    runs = {"".join(r.itertext()): r for r in body.iter(f"{W}r")}
    condensed = round(layout.DOCX_CONDENSE_PT * 20)
    for block, line in squeezed:
        text = "".join(span.text for span in line.spans)
        run = next((r for t, r in runs.items() if text in t), None)
        assert run is not None, f"no run holds the squeezed line {text!r}"
        assert int(run.find(f"{W}rPr/{W}spacing").get(f"{W}val")) < -condensed, text
        paragraph = "".join(run.getparent().itertext()).replace(" ", "")
        assert paragraph == "".join(span.text for set_line in block.lines for span in set_line.spans).replace(" ", "")


def test_a_photos_line_is_as_tall_as_the_photo(built: dict[str, Built]) -> None:
    """The paragraph that holds a photo is set at 1 pt: at the body size its line would stand taller than a
    flat photo, and push what follows off the PDF's grid (a 1:8 photo turned on its side: 5.9 mm tall)."""
    styles = built["features"].part("word/styles.xml")
    picture = styles.find(f"{W}style[@{W}styleId='Picture']")
    assert picture.find(f"{W}rPr/{W}sz").get(f"{W}val") == "2"
