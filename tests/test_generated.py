"""Issues as editors write them, generated, laid out and measured against every layout invariant.

The suite runs a fixed, seeded set (BULLETIN_GENERATED examples, 25 by default, seed BULLETIN_SEED); run many
more on demand, with hypothesis shrinking what fails to a small case:

    BULLETIN_GENERATED=500 BULLETIN_SEED=7 ./run test tests/test_generated.py

A failing example is written to build/generated-failures/<digest>/ (its issue, publication file and photos)
and named in the failure; keep it as a regression case by copying that folder to tests/data/regressions/<name>/
(each case there is laid out and measured by test_regression_case).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pdfplumber
import pytest
from conftest import ROOT
from hypothesis import HealthCheck, Phase, given, seed, settings
from issuegen import GeneratedIssue, issues
from layout_checks import Measured, check_text, violations
from office import convert_to_pdf

from bulletin import audit, build
from bulletin import layout as L
from bulletin.linebreak import NO_START
from bulletin.loader import load
from bulletin.typeset import Typesetter

EXAMPLES = int(os.environ.get("BULLETIN_GENERATED", "25"))
SEED = int(os.environ.get("BULLETIN_SEED", "20261207"))
ON_DEMAND = "BULLETIN_GENERATED" in os.environ
FAILURES = ROOT / "build" / "generated-failures"
REGRESSIONS = ROOT / "tests" / "data" / "regressions"
OFFICE_SAMPLE = 8  # generated issues whose DOCX LibreOffice prints


def render(path: Path, formats: tuple[str, ...] = ("pdf",)) -> dict[str, bytes]:
    loaded = load(path)
    return build.render(loaded, Typesetter(loaded.issue, loaded.path.parent), formats)


def measure(path: Path) -> dict[str, list[str]]:
    """Every invariant's violations on the issue at `path`, rendered as `bulletin build` renders it."""
    pdf = path.parent / f"{path.stem}.pdf"
    pdf.write_bytes(render(path)["pdf"])
    return violations(load(path), pdf)


def report(found: dict[str, list[str]]) -> str:
    return "\n".join(f"  {name}: {item}" for name, items in found.items() for item in items[:5])


def keep_failure(folder: Path) -> Path:
    """The failing example's folder, copied where it outlives the test run (named by its content)."""
    digest = hashlib.sha256((folder / "issue.yaml").read_bytes()).hexdigest()[:12]
    target = FAILURES / digest
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(folder, target, ignore=shutil.ignore_patterns("*.pdf"))
    return target


@settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck),
          phases=[Phase.generate, Phase.shrink] if ON_DEMAND else [Phase.generate])
@seed(SEED)
@given(issues())
def test_generated_issue_prints_right(issue: GeneratedIssue) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        path = issue.write(Path(scratch) / "issue")
        found = measure(path)
        if any(found.values()):
            kept = keep_failure(path.parent)
            pytest.fail(f"a generated issue breaks the layout (kept in {kept.relative_to(ROOT)}):\n{report(found)}")


CASES = sorted(path.parent.name for path in REGRESSIONS.glob("*/issue.yaml"))


@pytest.mark.parametrize("name", CASES)
def test_regression_case(name: str, tmp_path: Path) -> None:
    """Each generated issue that once broke the layout (tests/data/regressions/NAME/README says how)."""
    folder = tmp_path / name
    shutil.copytree(REGRESSIONS / name, folder)
    found = measure(folder / "issue.yaml")
    assert not any(found.values()), f"{name}:\n{report(found)}"


def test_the_regression_cases_are_kept() -> None:
    assert len(CASES) >= 10, CASES


# The DOCX of a sample of generated issues, as LibreOffice prints it


@pytest.fixture(scope="module")
def office_prints(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[Path, Path, Path]]:
    """A fixed sample of generated issues, OFFICE_SAMPLE as they come and as many again in Chinese only
    (named plain-…: no Latin letters, no digits): each one's issue file, our PDF and LibreOffice's PDF of
    our DOCX (one LibreOffice run)."""
    out = tmp_path_factory.mktemp("office")
    # A process of its own, so that the sample depends on the seed alone (see issuegen.sample).
    subprocess.run([sys.executable, str(ROOT / "tests" / "issuegen.py"), str(SEED + 1), str(OFFICE_SAMPLE), str(out)],
                   check=True, cwd=ROOT)
    names = [f"issue{kind}-{index}" for kind in ("", "-plain") for index in range(OFFICE_SAMPLE)]
    prints = []
    for name in names:
        path = out / name / "issue.yaml"
        outputs = render(path, ("pdf", "docx"))
        (path.parent / "ours.pdf").write_bytes(outputs["pdf"])
        (out / f"{name}.docx").write_bytes(outputs["docx"])
        prints.append(path)
    converted = convert_to_pdf([out / f"{path.parent.name}.docx" for path in prints], out)
    return [(path, path.parent / "ours.pdf", office) for path, office in zip(prints, converted, strict=True)]


def family(font: str) -> str:
    """A font's family as both PDFs name it: FandolFang-Regular, bulletin-FandolFang, NotoSerifCJKjp-Bold …"""
    name = font.split("+", 1)[-1].removeprefix("bulletin-").split(",")[0].lower().replace("-", "").replace(" ", "")
    for suffix in ("vkana", "regular", "bold"):
        name = name.removesuffix(suffix)
    for region in ("sc", "jp"):  # Noto's SC and JP faces are one family to this test: the system's collection
        name = name.replace(f"cjk{region}", "cjk")
    return name


def test_libreoffice_prints_the_text_in_the_faces_sizes_and_pages_of_the_pdf(
        office_prints: list[tuple[Path, Path, Path]]) -> None:
    wrong = []
    for path, ours, office in office_prints:
        loaded = load(path)
        measured = Measured.of(loaded, office)
        if not path.parent.name.startswith("issue-plain"):
            # LibreOffice breaks Latin runs in lines of its own (see the page count below) and drops a full stop
            # that falls at the end of one of its lines (it hangs punctuation whatever w:overflowPunct says):
            # in mixed text, a lost "." or "," between two of its lines is its own, not ours.
            measured.lost = [item for k, item in enumerate(measured.lost)
                             if not (k in measured.lost_at_breaks and item[1] in (".", ","))]
        wrong += [f"{path.parent.name}: text: {item}" for item in check_text(measured)]
        chains = Typesetter(loaded.issue, loaded.path.parent).chains
        for piece in measured.pieces:
            role = L.ELEMENTS[piece.style].role
            for char, own, glyph in zip(piece.text, piece.roles, piece.glyphs, strict=True):
                if glyph is None or piece.style in ("name",):  # the masthead is fitted to its width in each
                    continue
                # The DOCX sets bold runs in the body's office face made bold (仿宋_GB2312 加粗), as offices do: the
                # PDF, which cannot embolden a face, takes Noto Serif CJK SC Bold for them.
                face = chains["fangsong" if own == "bold" else own or role].face_for(char)  # type: ignore[index]
                if face and family(glyph.font) != family(face.family):
                    wrong.append(f"{path.parent.name}: {piece.style} «{char}» in {glyph.font}, not {face.family}")
                if abs(glyph.size - piece.size) > audit.SIZE:
                    wrong.append(f"{path.parent.name}: {piece.style} «{char}» at {glyph.size:g} pt, not {piece.size:g}")
        with pdfplumber.open(ours) as a, pdfplumber.open(office) as b:
            # LibreOffice puts space between Chinese and Latin letters or digits whatever the DOCX says (its
            # import skips w:autoSpaceDE and w:autoSpaceDN; Word honours them): a line holding some may run one
            # character short of ours, and the issue then onto one more page. In Chinese alone it cannot.
            slack = 0 if path.parent.name.startswith("issue-plain") else 1
            if abs(len(a.pages) - len(b.pages)) > slack:
                wrong.append(f"{path.parent.name}: LibreOffice prints {len(b.pages)} pages, the PDF {len(a.pages)}")
    assert not wrong, "\n".join(sorted(set(wrong))[:40])


def test_libreoffice_keeps_the_type_area_and_28_characters_a_line(
        office_prints: list[tuple[Path, Path, Path]]) -> None:
    """Nothing outside the type area (but a closing mark LibreOffice hangs past the right edge: it reads the
    DOCX's w:overflowPunct the other way round from Word), and full lines of Chinese hold 28 characters."""
    wrong = []
    for path, _, office in office_prints:
        document = audit.Document.read(office)
        for page in document.pages:
            numbers = set(page.page_number.glyphs) if page.page_number else set()
            for line in page.lines:
                for glyph in line.glyphs:
                    hung = glyph is line.glyphs[-1] and glyph.text in NO_START and glyph.x0 < audit.RIGHT
                    inside = (glyph.x0 >= audit.LEFT - audit.EDGE and glyph.x1 <= audit.RIGHT + audit.EDGE
                              and glyph.top >= audit.TOP - audit.EDGE and glyph.baseline <= audit.BOTTOM + audit.EDGE)
                    if not (inside or hung or glyph in numbers):
                        wrong.append(f"{path.parent.name}: p{page.number}: «{glyph.text}» outside: {line}")
            for box in page.boxes:
                if box.x0 < audit.LEFT - audit.EDGE or box.x1 > audit.RIGHT + audit.EDGE:
                    wrong.append(f"{path.parent.name}: p{page.number}: a {box.kind} outside the type area")
        found = audit.Report()
        audit._justified_and_grid(document, found)
        wrong += [f"{path.parent.name}: {finding}" for finding in found.errors if finding.rule == "grid"]
    assert not wrong, "\n".join(wrong[:20])
