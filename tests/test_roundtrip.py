"""The round trip from Word: our DOCX imported back gives the issue again, and an editor's edits in it, no more.

Each issue is built (word.render_docx), perhaps edited (python-docx) or rewritten by LibreOffice (soffice
--convert-to docx), imported (importer.import_issue, which hands our own DOCX to bulletin/wordback.py) next to
the issue file and loaded; the loaded Issue must equal the original's, or the original's with the edit made in
its YAML, in `canonical` form (below: what the YAML holds that no page prints).
"""

from __future__ import annotations

import itertools
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import docx
import pytest
from conftest import ISSUES, ROOT
from docx.oxml.ns import qn
from office import convert

from bulletin import compose
from bulletin.errors import BulletinError
from bulletin.importer import import_issue, write_issue
from bulletin.loader import load
from bulletin.model import Article, Issue, Photo, PhotoRow, Prose, Table
from bulletin.word import CARRIED, render_docx

FEATURES = ROOT / "tests" / "data" / "features"
SAMPLES = {"2018-06": (ISSUES / "2018" / "2018-06.yaml", ROOT / "publication.yaml"),
           "2018-10": (ISSUES / "2018" / "2018-10.yaml", ROOT / "publication.yaml"),
           "features": (FEATURES / "issues" / "features.yaml", FEATURES / "publication.yaml")}
GENERATED = 10  # generated issues, each also in Chinese only: 20 in all
SEED = 20261215


def canonical(issue: Issue) -> dict[str, Any]:
    """The issue as a page prints it, for comparing. The exceptions, each a value that cannot travel because
    no page shows it:
    - a body's text is its paragraphs as parsed (level, numbering, spans), not its source: how the YAML wraps
      lines, where one text block ends and the next begins (between two with nothing else between them), and
      its final newline are the file's layout (the offsets of the parsed paragraphs, into that source, too);
    - a subhead's bold marks, and white space at its ends: a subhead prints without them (README: "bold marks in
      it are dropped"; it is set as a title is, its lines trimmed);
    - a caption's text is its paragraphs (compose.caption_paragraphs): its wrapped lines and final newline are
      the YAML's layout as well;
    - white space at the ends of a table's cell: the layout trims a cell's lines as it trims a title's;
    - a title's blank lines and the white space around its lines (a title written "\\n活动"): not printed either.
    Everything else must be equal: every other field of the issue and its articles, photos and tables."""
    data = issue.model_dump(exclude={"articles"})
    data["articles"] = [_article(article) for article in issue.articles]
    return data


def _article(article: Article) -> dict[str, Any]:
    data = article.model_dump(exclude={"body"})
    if article.title:
        data["title"] = "\n".join(line.strip() for line in article.title.split("\n") if line.strip())
    body: list[Any] = []
    for block in article.body:
        if isinstance(block, Prose):
            paragraphs = [_paragraph(p) for p in block.paragraphs]
            if body and isinstance(body[-1], list):
                body[-1] += paragraphs
            else:
                body.append(paragraphs)
            continue
        dumped = block.model_dump()
        if isinstance(block, Table):
            dumped["table"] = [[cell.strip() for cell in row] for row in block.table]
        if isinstance(block, Photo | PhotoRow):
            dumped["caption"] = compose.caption_paragraphs(block.caption)
        if isinstance(block, PhotoRow):
            for photo, original in zip(dumped["photos"], block.photos, strict=True):
                photo["caption"] = compose.caption_paragraphs(original.caption)
        body.append(dumped)
    data["body"] = body
    return data


def _paragraph(paragraph: Any) -> tuple[Any, ...]:
    spans = tuple((span.text, span.bold, span.head) for span in paragraph.spans)
    if compose.paragraph_style(paragraph) == compose.SUBHEAD:
        spans = (("".join(span.text for span in paragraph.spans).strip(), False, 0),)
    return paragraph.level, paragraph.numbered, spans


# --- the folders and the round trip ------------------------------------------------------------------


def project(tmp: Path, issue: Path, publication: Path) -> Path:
    """A copy of an issue's project: the publication file, and the issue's folder (its photos) under it."""
    shutil.copyfile(publication, tmp / "publication.yaml")
    shutil.copytree(issue.parent, tmp / "issues", ignore=shutil.ignore_patterns("*.pdf", "*.docx"))
    return tmp / "issues" / issue.name


def build(path: Path) -> Path:
    """The issue's DOCX, beside it."""
    loaded = load(path)
    out = path.with_name(f"{path.stem}-built.docx")
    out.write_bytes(render_docx(loaded.issue, path.parent))
    return out


IMPORTS = itertools.count(1)


def back(path: Path, document: Path) -> Issue:
    """`document` imported next to the issue file `path` (as `bulletin import` writes it) and loaded."""
    target = path.with_name(f"{path.stem}-back-{next(IMPORTS)}.yaml")
    imported = import_issue(document, target=target)
    write_issue(imported.text, target, imported.photos)
    return load(target).issue


def libreoffice(documents: list[Path]) -> list[Path]:
    """Each DOCX opened and saved again as DOCX by LibreOffice (which writes all of its XML anew)."""
    out = documents[0].parent / "libreoffice"
    out.mkdir(exist_ok=True)
    return convert(documents, out, "docx")


@pytest.fixture(scope="module")
def samples(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, Path, Path]]:
    """Each sample's issue file in a project of its own, its DOCX, and the DOCX as LibreOffice saves it."""
    found = {}
    for name, (issue, publication) in SAMPLES.items():
        path = project(tmp_path_factory.mktemp(name), issue, publication)
        found[name] = (path, build(path))
    converted = libreoffice([document for _path, document in found.values()])
    return {name: (path, document, office) for (name, (path, document)), office in
            zip(found.items(), converted, strict=True)}


# --- the samples and the issue of every element ------------------------------------------------------


@pytest.mark.parametrize("name", SAMPLES)
def test_our_docx_imports_back_as_the_issue(samples: dict[str, tuple[Path, Path, Path]], name: str) -> None:
    path, document, _office = samples[name]
    assert canonical(back(path, document)) == canonical(load(path).issue)


@pytest.mark.parametrize("name", SAMPLES)
def test_our_docx_saved_by_libreoffice_imports_back_as_the_issue(samples: dict[str, tuple[Path, Path, Path]],
                                                                 name: str) -> None:
    path, _document, office = samples[name]
    assert canonical(back(path, office)) == canonical(load(path).issue)


def test_the_samples_come_back_exactly(samples: dict[str, tuple[Path, Path, Path]]) -> None:
    """Where the YAML wraps no line and splits no text (the 2018 samples), the Issues are equal outright."""
    for name in ("2018-06", "2018-10"):
        path, document, office = samples[name]
        assert back(path, document) == load(path).issue
        assert back(path, office) == load(path).issue


def test_the_photos_keep_their_files(samples: dict[str, tuple[Path, Path, Path]]) -> None:
    """A picture that is its file beside the issue, as the build embeds it, names that file; no photo is written
    (LibreOffice keeps the pictures' bytes as they were)."""
    path, document, office = samples["features"]
    for draft in (document, office):
        imported = import_issue(draft, target=path.with_name("again.yaml"))
        assert imported.photos == {}
        assert "photo: meeting.png" in imported.text and "photo: visit.png" in imported.text


def test_a_replaced_picture_is_a_new_photo(samples: dict[str, tuple[Path, Path, Path]], tmp_path: Path) -> None:
    path, document, _office = samples["features"]
    edited = docx.Document(str(document))
    picture = next(part for part in edited.part.package.parts if part.partname.startswith("/word/media/"))
    replacement = (FEATURES / "issues" / "visit.png").read_bytes()
    picture._blob = replacement
    draft = tmp_path / "edited.docx"
    edited.save(str(draft))
    imported = import_issue(draft, target=path.with_name("2020-02.yaml"))
    assert list(imported.photos.values()) == [replacement]  # the picture of meeting.png, used twice: one file
    assert imported.text.count(f"photo: {next(iter(imported.photos))}") == 2
    assert "meeting.png" not in imported.text and "photo: visit.png" in imported.text


def test_only_our_docx_is_read_back_by_style(tmp_path: Path) -> None:
    from bulletin import wordback

    draft = tmp_path / "draft.docx"
    docx.Document().save(str(draft))
    assert not wordback.ours(draft)
    (tmp_path / "empty.docx").write_bytes(b"")
    assert not wordback.ours(tmp_path / "empty.docx")


def test_the_carried_values_are_in_custom_properties(samples: dict[str, tuple[Path, Path, Path]]) -> None:
    import zipfile

    from bulletin import wordback

    _path, document, office = samples["features"]
    for draft in (document, office):
        with zipfile.ZipFile(draft) as package:
            properties = wordback._custom_properties(package)
        assert properties[CARRIED] == "1"
        values = wordback.carried(properties)
        assert values["A2"] == {"column": "【工作动态】"} and values["T1"] == {"widths": [2.0, 1.0, 1.0]}


# --- edits --------------------------------------------------------------------------------------------


def body_paragraph(document: Any, text: str) -> Any:
    return next(p for p in document.paragraphs if text in p.text)


def change_a_word(document: Any) -> None:
    paragraph = body_paragraph(document, "复工率持续提升")
    run = next(run for run in paragraph.runs if "持续提升" in run.text)
    run.text = run.text.replace("持续提升", "稳步提升")


def add_a_paragraph(document: Any) -> None:
    paragraph = body_paragraph(document, "市工商联发布支持企业复工复产十条措施")
    added = paragraph.insert_paragraph_before("各地商会同步推出配套举措。", style=paragraph.style)
    paragraph._p.addnext(added._p)  # after it: Enter at its end


def bold_a_lead(document: Any) -> None:
    """The first sentence of a paragraph made bold, as Ctrl+B does (w:b on its run)."""
    paragraph = body_paragraph(document, "问卷覆盖制造业")
    text = paragraph.text
    for run in list(paragraph.runs):
        run._r.getparent().remove(run._r)
    lead = text[: text.index("。") + 1]
    paragraph.add_run(lead).bold = True
    paragraph.add_run(text[len(lead) :])


def move_an_article(document: Any) -> None:
    """The third article (商会动态, under the column of the one before it) moved before the second (短讯, whose
    column heading goes with it): its paragraphs cut and pasted, as an editor selects them."""
    body = document.element.body
    starts = [i for i, child in enumerate(body) if any(
        mark.get(qn("w:name"), "").startswith("_Bulletin_A") for mark in child.iter(qn("w:bookmarkStart")))]
    second, third, fourth = starts[1] - 1, starts[2], starts[3] - 1  # the 2nd and 4th start with a column heading
    moved = list(body)[third:fourth]
    anchor = list(body)[second]
    for element in moved:
        anchor.addprevious(element)


EDITS = {
    "change a word": (change_a_word, [("复工率持续提升", "复工率稳步提升")]),
    "add a paragraph": (add_a_paragraph, [("    body: 市工商联发布支持企业复工复产十条措施。\n",
                                           "    body: |\n      市工商联发布支持企业复工复产十条措施。\n\n"
                                           "      各地商会同步推出配套举措。\n")]),
    "bold a lead": (bold_a_lead, [("        3月以来，", "        **3月以来，"),
                                  ("了解复工复产进度。\n", "了解复工复产进度。**\n")]),
    "move an article": (move_an_article, []),
}


def expected(path: Path, name: str) -> Issue:
    """The features issue with the edit made in its YAML instead."""
    text = path.read_text(encoding="utf-8")
    for old, new in EDITS[name][1]:
        assert old in text, old
        text = text.replace(old, new)
    edited = path.with_name(f"{path.stem}-expected.yaml")
    edited.write_text(text, encoding="utf-8")
    issue = load(edited).issue
    if name == "move an article":
        articles = issue.articles
        issue = issue.model_copy(update={"articles": [articles[0], articles[2], articles[1], *articles[3:]]})
    return issue


@pytest.fixture(scope="module")
def edited(samples: dict[str, tuple[Path, Path, Path]]) -> dict[str, tuple[Path, Path]]:
    """The features DOCX with each edit made through python-docx, and that DOCX as LibreOffice saves it."""
    path, document, _office = samples["features"]
    drafts = []
    for name, (edit, _changes) in EDITS.items():
        opened = docx.Document(str(document))
        edit(opened)
        drafts.append(path.with_name(name.replace(" ", "-") + ".docx"))
        opened.save(str(drafts[-1]))
    return dict(zip(EDITS, zip(drafts, libreoffice(drafts), strict=True), strict=True))


@pytest.mark.parametrize("name", EDITS)
def test_an_edit_made_through_python_docx_comes_back(samples: dict[str, tuple[Path, Path, Path]],
                                                     edited: dict[str, tuple[Path, Path]], name: str) -> None:
    path = samples["features"][0]
    assert canonical(back(path, edited[name][0])) == canonical(expected(path, name))


@pytest.mark.parametrize("name", EDITS)
def test_an_edit_saved_by_libreoffice_comes_back(samples: dict[str, tuple[Path, Path, Path]],
                                                 edited: dict[str, tuple[Path, Path]], name: str) -> None:
    path = samples["features"][0]
    assert canonical(back(path, edited[name][1])) == canonical(expected(path, name))


def test_a_new_article_the_editor_wrote_is_an_article(samples: dict[str, tuple[Path, Path, Path]],
                                                      tmp_path: Path) -> None:
    """A title typed after an article's body (in the Title style) begins an article of its own, in the column
    where it stands."""
    path, document, _office = samples["features"]
    opened = docx.Document(str(document))
    paragraph = body_paragraph(opened, "各县（市、区）商会组织会员企业有序复工")
    styles = [p.style for p in opened.paragraphs if p.style is not None and p.style.name == "Title"]
    title = paragraph.insert_paragraph_before("商会新闻", style=styles[0])
    text = paragraph.insert_paragraph_before("商会召开会员大会。", style=paragraph.style)
    paragraph._p.addnext(text._p)
    paragraph._p.addnext(title._p)
    draft = tmp_path / "new.docx"
    opened.save(str(draft))
    issue = back(path, draft)
    assert [(a.column, a.title) for a in issue.articles[1:4]] == [
        ("【工作动态】", "短讯"), ("工作动态", "商会动态"), ("工作动态", "商会新闻")]
    assert issue.articles[3].body[0].source == "商会召开会员大会。\n"  # type: ignore[union-attr]


# --- generated issues ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[Path, Path, Path]]:
    """GENERATED issues as they come and each again in Chinese only (tests/issuegen.py, in a process of its own so
    that the sample depends on the seed alone): each one's file, its DOCX and LibreOffice's."""
    out = tmp_path_factory.mktemp("generated")
    subprocess.run([sys.executable, str(ROOT / "tests" / "issuegen.py"), str(SEED), str(GENERATED), str(out)],
                   check=True, cwd=ROOT)
    paths = sorted(out.glob("*/issue.yaml"))
    documents = []
    for path in paths:
        documents.append(out / f"{path.parent.name}.docx")
        documents[-1].write_bytes(build(path).read_bytes())
    return list(zip(paths, documents, libreoffice(documents), strict=True))


def differences(path: Path, document: Path) -> list[str]:
    """Where the issue imported from `document` differs from the issue file `path`, field by field."""
    try:
        found, wanted = canonical(back(path, document)), canonical(load(path).issue)
    except BulletinError as error:
        return [f"{path.parent.name}: {error}"]
    wrong = [f"{path.parent.name}: {key}" for key in wanted if key != "articles" and found[key] != wanted[key]]
    if len(found["articles"]) != len(wanted["articles"]):
        return [*wrong, f"{path.parent.name}: {len(found['articles'])} articles, not {len(wanted['articles'])}"]
    for i, (a, b) in enumerate(zip(found["articles"], wanted["articles"], strict=True)):
        wrong += [f"{path.parent.name}: articles[{i}].{key}: {str(a[key])[:300]} != {str(b[key])[:300]}"
                  for key in b if a[key] != b[key]]
    return wrong


def test_generated_issues_import_back(generated: list[tuple[Path, Path, Path]]) -> None:
    wrong = [line for path, document, _office in generated for line in differences(path, document)]
    assert not wrong, "\n".join(wrong)


def test_generated_issues_saved_by_libreoffice_import_back(generated: list[tuple[Path, Path, Path]]) -> None:
    wrong = [line for path, _document, office in generated for line in differences(path, office)]
    assert not wrong, "\n".join(wrong)
