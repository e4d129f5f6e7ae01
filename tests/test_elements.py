"""The elements an office prints beyond titled articles: briefs and photo news without a title, photos side by
side, captions of several paragraphs — in the model, both outputs, the archive's tools and the importer."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import docx
import pdfplumber
import pytest
import yaml
from conftest import ROOT, style

from bulletin import compose, markup
from bulletin import layout as L
from bulletin.build import prepare, render
from bulletin.errors import BulletinError
from bulletin.importer import import_draft
from bulletin.loader import load

FEATURES = ROOT / "tests" / "data" / "features" / "issues"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The issue of every element, built into PDF and DOCX."""
    root = tmp_path_factory.mktemp("features")
    shutil.copytree(FEATURES, root / "issues")
    shutil.copy(ROOT / "publication.yaml", root)
    path = root / "issues" / "features.yaml"
    outputs = render(*prepare(path), ("pdf", "docx"))
    for kind, data in outputs.items():
        (root / f"features.{kind}").write_bytes(data)
    return {"yaml": path, "pdf": root / "features.pdf", "docx": root / "features.docx"}


def test_untitled_articles_list_only_their_column_in_the_toc(built: dict[str, Path]) -> None:
    issue = load(built["yaml"]).issue
    untitled = [article for article in issue.articles if not article.title]
    assert [article.column for article in untitled] == ["简讯", "图片新闻"]
    entries = [entry.text for entry in compose.toc_entries(issue)]
    assert entries[-2:] == ["【简讯】", "【图片新闻】"]  # no entry of their own
    with pdfplumber.open(built["pdf"]) as pdf:
        bookmarks = [title for level, title, *_ in pdf.doc.get_outlines() if level == 1]
    assert bookmarks == [article.headline for article in issue.articles if article.title]  # one per title


def test_a_row_of_photos_prints_side_by_side_at_one_height(built: dict[str, Path]) -> None:
    with pdfplumber.open(built["pdf"]) as pdf:
        page = next(page for page in pdf.pages if len(page.images) == 2)
        first, second = sorted(page.images, key=lambda image: image["x0"])
        words = page.extract_words()
        lines = page.extract_text_lines()
    assert abs(first["top"] - second["top"]) < 0.1 and abs(first["height"] - second["height"]) < 0.1
    gap = (second["x0"] - first["x1"]) / L.PT_PER_MM
    assert gap >= L.PHOTO_GAP_MM - 0.1, gap
    type_left, type_right = L.MARGIN_LEFT_MM * L.PT_PER_MM, (L.MARGIN_LEFT_MM + L.TYPE_WIDTH_MM) * L.PT_PER_MM
    assert first["x0"] >= type_left - 0.5 and second["x1"] <= type_right + 0.5
    captions = {line["text"]: line for line in words if line["text"] in ("座谈会现场", "走访会员企业")}
    assert set(captions) == {"座谈会现场", "走访会员企业"}  # each on a line of its own, under its photo
    for text, photo in (("座谈会现场", first), ("走访会员企业", second)):
        line = captions[text]
        assert line["top"] > photo["bottom"] and photo["x0"] - 1 <= (line["x0"] + line["x1"]) / 2 <= photo["x1"] + 1
    credit = next(line for line in lines if line["text"].endswith("摄"))
    assert abs(credit["x1"] - type_right) < 1.0  # flush right


def test_a_caption_of_several_paragraphs_is_set_as_the_story(built: dict[str, Path]) -> None:
    with pdfplumber.open(built["pdf"]) as pdf:
        lines = [line for page in pdf.pages for line in page.extract_text_lines()]
    story = [line for line in lines if line["text"].startswith(("3月8日", "走访中"))]
    assert len(story) == 2
    indent = L.indent_pt(L.ELEMENTS["story"])
    for line in story:  # each paragraph indented two characters of its size, in 楷体 at 14 pt
        assert abs(line["x0"] - L.MARGIN_LEFT_MM * L.PT_PER_MM - indent) < 0.5, line["x0"]
        assert all(abs(c["size"] - L.ELEMENTS["story"].size) < 0.1 for c in line["chars"])
        assert all("WenKai" in c["fontname"] for c in line["chars"] if c["text"].strip())


def test_the_docx_sets_the_row_as_a_table_of_pictures_and_the_story_in_its_style(built: dict[str, Path]) -> None:
    document = docx.Document(str(built["docx"]))
    row = next(table for table in document.tables if table._tbl.xpath(".//pic:pic"))
    cells = row.rows[0].cells
    assert len(cells) == 2  # a photo and its caption a cell
    assert [p.text for p in cells[0].paragraphs][1:] == ["座谈会现场"]
    assert [p.text for p in cells[1].paragraphs][1:] == ["走访会员企业"]
    properties = cells[0]._tc.tcPr
    assert properties is not None
    margin = properties.find(f"{W}tcMar").find(f"{W}right").get(f"{W}w")  # the gap: the first's margin
    assert abs(int(margin) / 20 - L.PHOTO_GAP_MM * L.PT_PER_MM) < 0.1
    story = [p for p in document.paragraphs if style(p).name == "Photo Story"]
    assert [p.text[:4] for p in story] == ["3月8日", "走访中，"]
    assert style(story[0]).paragraph_format.first_line_indent is not None
    credit = next(p for p in document.paragraphs if p.text.endswith("摄") and "王五" in p.text)
    assert style(credit).name == "Photo Credit"


@pytest.mark.parametrize(("row", "message"), [
    ("[{photo: a.png}]", "photos: 至少应有2项，这里只有1项"),
    ("[{photo: a.png}, {photo: a.png, width: 0.5}]", "并排的照片共用一行的宽度"),
    ("[{photo: a.png}, {photo: missing.png}]", "photos[1].photo: 找不到照片文件：missing.png"),
])
def test_a_row_of_photos_is_checked_as_an_editor_wrote_it(tmp_path: Path, row: str, message: str) -> None:
    shutil.copy(ROOT / "publication.yaml", tmp_path)
    shutil.copy(FEATURES / "meeting.png", tmp_path / "a.png")
    path = tmp_path / "x.yaml"
    path.write_text(f"year: 2020\nnumber: 1\ndate: 2020-03-09\narticles:\n  - body:\n      - photos: {row}\n",
                    encoding="utf-8")
    with pytest.raises(BulletinError) as error:
        load(path)
    assert message in str(error.value), str(error.value)


def test_the_importer_reads_briefs_under_their_column(tmp_path: Path) -> None:
    draft = tmp_path / "draft.txt"
    draft.write_text("市工商联召开民营经济座谈会\n\n6月5日，市工商联召开民营经济座谈会，听取企业意见建议。\n\n简讯\n\n"
                     "市工商联召开主席会议。6月8日，市工商联召开主席会议，研究部署下半年工作。\n\n"
                     "全市商会工作会议召开。6月9日，全市商会工作会议召开。\n", encoding="utf-8")
    target = tmp_path / "2018-10.yaml"
    articles = yaml.safe_load(import_draft(draft, target=target))["articles"]
    assert [(a.get("column"), a.get("title")) for a in articles] == [
        (None, "市工商联召开民营经济座谈会"), ("简讯", None)]
    assert articles[1]["body"].split("\n\n") == [
        "**市工商联召开主席会议。**6月8日，市工商联召开主席会议，研究部署下半年工作。",
        "**全市商会工作会议召开。**6月9日，全市商会工作会议召开。\n"]


def test_the_search_index_names_an_untitled_article_by_its_column() -> None:
    from bulletin.search import article_text

    issue = load(FEATURES / "features.yaml").issue
    briefs = next(article for article in issue.articles if article.column == "简讯")
    assert briefs.headline == "" and "市工商联召开主席会议" in article_text(briefs)
    photo_news = issue.articles[-1]
    assert "座谈会现场" in article_text(photo_news) and "李四　王五 摄" in article_text(photo_news)


def test_the_years_compilation_lists_the_titled_articles_of_an_issue_with_untitled_ones(
        built: dict[str, Path]) -> None:
    from bulletin.archive import scan
    from bulletin.catalogue import compile_year

    entries = [entry for entry in scan(built["yaml"].parent) if entry.loaded]
    with pdfplumber.open(io.BytesIO(compile_year(entries, 2020))) as pdf:
        contents = pdf.pages[0].extract_text()
    assert [line.split(" ")[0].rstrip("·") for line in contents.split("\n")[3:]] == [
        "民营企业复工复产情况调查", "短讯", "商会动态"]


def test_the_preview_shows_every_element(tmp_path: Path) -> None:
    import html
    import re
    import threading
    import urllib.request

    from test_serve import free_port

    from bulletin.serve import serve

    shutil.copytree(FEATURES, tmp_path / "issues")
    shutil.copy(ROOT / "publication.yaml", tmp_path)
    port, ready, stop = free_port(), threading.Event(), threading.Event()
    thread = threading.Thread(target=serve, args=(tmp_path / "issues" / "features.yaml", port, ready, stop),
                              daemon=True)
    thread.start()
    try:
        assert ready.wait(60)
        url = f"http://127.0.0.1:{port}"
        page = urllib.request.urlopen(url + "/", timeout=30).read().decode()
        shown = "".join(html.unescape(line) for line in re.findall(r'<span class="line"[^>]*>([^<]*)</span>', page))
        for element in ("（二）强化服务担当", "聚焦主责主业", "【简讯】", "市工商联召开主席会议。", "座谈会现场",
                        "走访会员企业", "李四　王五 摄", "原文链接"):
            assert element in shown, element
        pictures = re.findall(r'<img [^>]*src="(/page/[0-9]+\.jpg[^"]*)"', page)
        assert len(pictures) == page.count('class="page"') >= 2
        for picture in pictures:
            assert urllib.request.urlopen(url + picture, timeout=30).read()[:2] == b"\xff\xd8"  # a JPEG
        with pdfplumber.open(io.BytesIO(urllib.request.urlopen(url + "/features.pdf", timeout=30).read())) as pdf:
            assert sum(len(pdf_page.images) for pdf_page in pdf.pages) == 3  # the first article's, the two across
    finally:
        stop.set()
        thread.join(10)


def _png(colour: tuple[int, int, int], size: tuple[int, int]) -> io.BytesIO:
    from PIL import Image

    data = io.BytesIO()
    Image.new("RGB", size, colour).save(data, "PNG")
    data.seek(0)
    return data


def test_the_importer_takes_a_word_drafts_photos_with_their_captions_and_credits(tmp_path: Path) -> None:
    from docx.shared import Mm

    from bulletin.cli import main

    draft = docx.Document()
    draft.add_paragraph("市工商联召开民营经济座谈会", style="Title")
    draft.add_paragraph("6月5日，市工商联召开民营经济座谈会，听取企业意见建议。")
    draft.add_paragraph().add_run().add_picture(_png((200, 50, 50), (320, 200)), width=Mm(100))
    draft.add_paragraph("座谈会现场（张三 摄）")
    draft.add_paragraph("会议要求，各级工商联要主动服务企业。")
    draft.add_paragraph("【图片新闻】")
    side_by_side = draft.add_paragraph()
    side_by_side.add_run().add_picture(_png((50, 50, 200), (300, 400)), width=Mm(50))
    side_by_side.add_run().add_picture(_png((50, 200, 50), (400, 300)), width=Mm(60))
    draft.add_paragraph("6月10日，海宁市商会组织会员企业开展公益活动。")
    draft.add_paragraph("活动共募集善款10万元。")
    draft.add_paragraph("李四 摄")
    draft.save(str(tmp_path / "draft.docx"))
    shutil.copy(ROOT / "publication.yaml", tmp_path)
    target = tmp_path / "issues" / "2018-10.yaml"
    target.parent.mkdir()
    assert main(["import", str(tmp_path / "draft.docx"), "-o", str(target)]) == 0
    first, news = yaml.safe_load(target.read_text(encoding="utf-8"))["articles"]
    assert first["body"][1] == {"photo": "photos/2018-10-1.png", "caption": "座谈会现场", "credit": "张三 摄"}
    assert news["column"] == "图片新闻" and "title" not in news
    (row,) = news["body"]
    assert row["photos"] == [{"photo": "photos/2018-10-2.png"}, {"photo": "photos/2018-10-3.png"}]
    assert row["caption"] == "6月10日，海宁市商会组织会员企业开展公益活动。\n\n活动共募集善款10万元。\n"
    assert row["credit"] == "李四 摄"
    assert (target.parent / "photos" / "2018-10-1.png").read_bytes() == _png((200, 50, 50), (320, 200)).getvalue()
    assert main(["build", str(target), "--out", str(tmp_path / "build")]) == 0  # what it wrote builds
    with pdfplumber.open(tmp_path / "build" / "2018-10.pdf") as pdf:
        assert sum(len(page.images) for page in pdf.pages) == 3
    # Imported again: nothing overwritten, nothing written
    (target.parent / "photos" / "2018-10-2.png").write_bytes(b"edited")
    target.unlink()
    assert main(["import", str(tmp_path / "draft.docx"), "-o", str(target)]) == 1
    assert not target.exists() and (target.parent / "photos" / "2018-10-2.png").read_bytes() == b"edited"


def test_the_importer_takes_a_markdown_drafts_photos_and_names_those_it_cannot(tmp_path: Path) -> None:
    (tmp_path / "pictures").mkdir()
    (tmp_path / "pictures" / "visit.png").write_bytes(_png((50, 50, 200), (300, 200)).getvalue())
    draft = tmp_path / "draft.md"
    draft.write_text("# 市工商联走访会员企业\n\n6月5日，市工商联走访会员企业。\n\n![走访现场](pictures/visit.png)\n\n"
                     "王五 摄\n\n![](https://example.org/a.png)\n\n![](missing.png)\n", encoding="utf-8")
    from bulletin.importer import import_issue

    imported = import_issue(draft, target=tmp_path / "2018-10.yaml")
    (article,) = yaml.safe_load(imported.text)["articles"]
    assert article["body"][1] == {"photo": "photos/2018-10-1.png", "caption": "走访现场", "credit": "王五 摄"}
    assert list(imported.photos) == ["photos/2018-10-1.png"]
    assert "https://example.org/a.png" in imported.text and "missing.png" in imported.text  # in the comment


def test_two_rows_of_photos_stay_two_tables_in_the_docx(tmp_path: Path) -> None:
    """Word and LibreOffice join adjacent tables (LibreOffice then set the first row's photos 2 mm right)."""
    from bulletin.word import render_docx

    shutil.copy(ROOT / "publication.yaml", tmp_path)
    for name in ("meeting.png", "visit.png"):
        shutil.copy(FEATURES / name, tmp_path / name)
    path = tmp_path / "x.yaml"
    path.write_text("year: 2020\nnumber: 1\ndate: 2020-03-09\narticles:\n  - body:\n"
                    "      - photos: [{photo: meeting.png}, {photo: visit.png}]\n"
                    "      - photos: [{photo: visit.png}, {photo: meeting.png}]\n", encoding="utf-8")
    document = docx.Document(io.BytesIO(render_docx(load(path).issue, tmp_path)))
    body = [child.tag.split("}")[1] for child in document.element.body]
    first = body.index("tbl")
    assert body[first : first + 3] == ["tbl", "p", "tbl"]


def test_the_importer_reads_subheads(tmp_path: Path) -> None:
    draft = docx.Document()
    draft.add_paragraph("嘉兴市工商联凝聚企业力量强势推进消薄工作", style="Title")
    draft.add_paragraph("引导民营企业积极履行社会责任是工商联工作的一项重要职能。")
    draft.add_paragraph("聚焦主责主业 提升服务质效", style="Heading 2")
    draft.add_paragraph("市工商联始终将专项行动作为一项政治任务。")
    draft.save(str(tmp_path / "draft.docx"))
    (article,) = yaml.safe_load(import_draft(tmp_path / "draft.docx", target=tmp_path / "2018-10.yaml"))["articles"]
    paragraphs = markup.parse(article["body"])
    assert [compose.paragraph_style(p) for p in paragraphs] == ["p", "subhead", "p"]
