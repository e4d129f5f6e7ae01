"""The compose stage: the bulletin's own strings made once, from the model, for both outputs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, style

from bulletin import compose, markup
from bulletin.importer import import_draft
from bulletin.model import Article

# The bulletin's own words and marks: spelled in compose.py alone.
OWN_STRINGS = ["编者按", "※", "目　录", "共印", "来源：", "作者：", "发布时间：", "原文链接", '"— "', '" —"', "——{"]
RENDERERS = ["bulletin/typeset.py", "bulletin/word.py", "bulletin/html.py", "bulletin/pdf.py",
             "templates/issue.html.j2", "templates/issue.css.j2"]


@pytest.mark.parametrize("renderer", RENDERERS)
def test_no_renderer_spells_the_bulletins_own_strings(renderer: str) -> None:
    text = (ROOT / renderer).read_text(encoding="utf-8")
    found = [s for s in OWN_STRINGS if s in text]
    assert not found, f"{renderer} spells {found}: take them from bulletin.compose"


def test_the_proofreader_and_the_docx_use_no_private_helper_of_the_typesetter() -> None:
    for module in ("bulletin/word.py", "bulletin/proofread.py"):
        text = (ROOT / module).read_text(encoding="utf-8")
        assert not re.search(r"from bulletin\.typeset import [^\n]*\b_\w+", text), module


@pytest.mark.parametrize(("published", "printed"), [("2018-06-05 10:30", "2018-06-05 10:30"),
                                                    ("2018年6月5日", "2018年6月5日")])
def test_a_reprint_prints_its_source_author_time_and_link(published: str, printed: str) -> None:
    article = Article(title="标题", body=["正文。"], source="新华网", author="张三", published=published,
                      link="https://example.org/a?b=1")
    assert compose.reprint_lines(article) == [f"来源：新华网　作者：张三　发布时间：{printed}",
                                              "原文链接：https://example.org/a?b=1"]


def test_a_date_as_the_time_of_publication_prints_as_a_chinese_date() -> None:
    data = yaml.safe_load("title: 标题\nbody: 正文。\nsource: 人民网\npublished: 2018-06-05\n")
    article = Article.model_validate(data)
    assert compose.reprint_lines(article) == ["来源：人民网　发布时间：2018年6月5日"]


def test_the_importer_keeps_the_time_of_publication(tmp_path: Path) -> None:
    draft = tmp_path / "draft.txt"
    draft.write_text("嘉兴市召开民营经济座谈会\n\n会议指出，要进一步优化营商环境。\n\n"
                     "来源：嘉兴日报　发布时间：2018-06-05 10:30\n", encoding="utf-8")
    imported = yaml.safe_load(import_draft(draft, target=tmp_path / "2018-10.yaml"))
    (article,) = imported["articles"]
    assert article["source"] == "嘉兴日报" and article["published"] == "2018-06-05 10:30"


def test_a_column_heading_is_printed_once_over_its_run_of_articles() -> None:
    from bulletin.model import Issue

    data = yaml.safe_load((ROOT / "tests" / "data" / "features" / "issues" / "features.yaml").read_text("utf-8"))
    publication = yaml.safe_load((ROOT / "publication.yaml").read_text(encoding="utf-8"))
    issue = Issue.model_validate({**publication, **data})
    assert [a.column for a in issue.articles] == ["调查研究", "【工作动态】", "工作动态", "简讯", "图片新闻"]
    # brackets typed or not: one column
    assert compose.column_heads(issue) == ["【调查研究】", "【工作动态】", None, "【简讯】", "【图片新闻】"]
    assert compose.toc_entries(issue) == [  # briefs and photo news without a title: their column alone
        compose.TocEntry("【调查研究】", column=True), compose.TocEntry("民营企业复工复产情况调查"),
        compose.TocEntry("【工作动态】", column=True), compose.TocEntry("短讯"), compose.TocEntry("商会动态"),
        compose.TocEntry("【简讯】", column=True), compose.TocEntry("【图片新闻】", column=True)]


def test_a_column_heading_prints_in_both_outputs(tmp_path: Path) -> None:
    import docx
    import pdfplumber

    from bulletin.cli import main

    assert main(["build", str(ROOT / "tests/data/features/issues/features.yaml"), "--out", str(tmp_path)]) == 0
    with pdfplumber.open(tmp_path / "features.pdf") as pdf:
        text = "".join(page.extract_text() for page in pdf.pages)
        heading = [c for page in pdf.pages for c in page.chars if c["text"] == "研"][1]  # the 目录's is 楷体
    for column in ("【工作动态】", "【调查研究】", "【简讯】", "【图片新闻】"):
        assert text.count(column) == 2, column  # in the 目录 and over the articles
    assert "Sans" in heading["fontname"] or "Hei" in heading["fontname"], heading["fontname"]  # 黑体
    document = docx.Document(str(tmp_path / "features.docx"))
    columns = [p for p in document.paragraphs if style(p).name == "Column Heading"]
    assert [p.text for p in columns] == ["【调查研究】", "【工作动态】", "【简讯】", "【图片新闻】"]
    assert all(style(p).paragraph_format.keep_with_next for p in columns)


def test_the_importer_reads_column_headings(tmp_path: Path) -> None:
    draft = tmp_path / "draft.txt"
    draft.write_text("【工作动态】\n\n市工商联召开民营经济座谈会\n\n6月5日，市工商联召开民营经济座谈会。\n\n"
                     "【基层风采】\n\n海宁市商会开展主题党日活动\n\n6月10日，海宁市商会组织党员开展主题党日活动。\n",
                     encoding="utf-8")
    imported = yaml.safe_load(import_draft(draft, target=tmp_path / "2018-10.yaml"))
    assert [(a["column"], a["title"]) for a in imported["articles"]] == [
        ("工作动态", "市工商联召开民营经济座谈会"), ("基层风采", "海宁市商会开展主题党日活动")]


# Run-in headings and unnumbered subheads


def test_a_heading_whose_first_sentence_runs_on_is_a_run_in_heading() -> None:
    (run_in,) = markup.parse("## （一）加强组织建设，提升服务能力。**一是**健全组织体系。")
    assert run_in.level == 0 and compose.paragraph_style(run_in) == "p"  # running text, kept with nothing
    assert [(s.text, s.bold, s.head) for s in run_in.spans] == [
        ("（一）加强组织建设，提升服务能力。", False, 2), ("一是", True, 0), ("健全组织体系。", False, 0)]
    assert [compose.span_role(s, "fangsong") for s in run_in.spans] == ["kaiti", "bold", "fangsong"]
    (heiti,) = markup.parse("# 一、加强组织建设。 全市新建基层商会12家。")  # a space after the heading is dropped
    assert [(s.text, s.head) for s in heiti.spans] == [("一、加强组织建设。", 1), ("全市新建基层商会12家。", 0)]
    assert compose.span_role(heiti.spans[0], "fangsong") == "heiti"


@pytest.mark.parametrize("text", ["# 一、“怎么办？”的问题", "# 一、总体情况。", "## （一）总体进度",
                                  "# 一、《决定》出台！"])
def test_a_heading_stands_alone_when_no_text_follows_its_first_sentence(text: str) -> None:
    (heading,) = markup.parse(text)
    assert heading.level > 0 and not any(span.head for span in heading.spans)


@pytest.mark.parametrize(("text", "style"), [
    ("# 聚焦主责主业 提升服务质效", "subhead"), ("## 聚焦主责主业", "subhead"), ("# 一、复工情况", "h1"),
    ("## （一）总体进度", "h2"), ("### 1. 制造业", "h3"), ("#### （1）规模以上企业", "h4"),
    ("# 第一部分 总体情况", "h1"), ("## ①复工", "h2")])
def test_a_heading_without_a_number_is_a_subhead(text: str, style: str) -> None:
    (heading,) = markup.parse(text)
    assert compose.paragraph_style(heading) == style


def test_run_in_headings_and_subheads_print_in_their_faces_in_both_outputs(tmp_path: Path) -> None:
    import docx
    import pdfplumber

    from bulletin.cli import main

    assert main(["build", str(ROOT / "tests/data/features/issues/features.yaml"), "--out", str(tmp_path)]) == 0
    with pdfplumber.open(tmp_path / "features.pdf") as pdf:
        lines = [(line["text"], line["chars"]) for page in pdf.pages for line in page.extract_text_lines()]
    (subhead,) = [(text, chars) for text, chars in lines if text == "聚焦主责主业 提升服务质效"]
    middle = (subhead[1][0]["x0"] + subhead[1][-1]["x1"]) / 2
    assert abs(middle - pdf_middle()) < 1.0, middle  # centred in the type area
    assert all("Sans" in c["fontname"] for c in subhead[1] if c["text"].strip())  # 黑体
    (run_in,) = [chars for text, chars in lines if text.startswith("（二）强化服务担当")]
    faces = {c["text"]: c["fontname"] for c in run_in}
    assert "WenKai" in faces["担"] and "Bold" in faces["一"] and "Fandol" in faces["健"], faces  # 楷体, bold, 仿宋
    (heiti,) = [chars for text, chars in lines if text.startswith("二、加强组织建设")]
    assert "Sans" in heiti[2]["fontname"] and "Fandol" in heiti[-1]["fontname"]
    document = docx.Document(str(tmp_path / "features.docx"))
    (paragraph,) = [p for p in document.paragraphs if p.text.startswith("（二）强化服务担当")]
    assert style(paragraph).name == "Body Text"
    assert [(r.text, style(r).name) for r in paragraph.runs][:2] == [
        ("（二）强化服务担当，提升服务能力。", "Run-in Heading 2"), ("一是", "Strong")]
    assert document.styles["Run-in Heading 2"].font.name == "楷体_GB2312"
    (sub,) = [p for p in document.paragraphs if p.text == "聚焦主责主业 提升服务质效"]
    assert style(sub).name == "Subheading" and style(sub).paragraph_format.keep_with_next


def pdf_middle() -> float:
    from bulletin import layout as L

    return (L.MARGIN_LEFT_MM + L.TYPE_WIDTH_MM / 2) * L.PT_PER_MM


def test_the_issue_of_every_element_keeps_the_layout_invariants(tmp_path: Path) -> None:
    import shutil

    from layout_checks import violations

    from bulletin.build import prepare, render
    from bulletin.loader import load

    folder = tmp_path / "issues"
    shutil.copytree(ROOT / "tests" / "data" / "features" / "issues", folder)
    shutil.copy(ROOT / "publication.yaml", tmp_path)
    path = folder / "features.yaml"
    pdf = tmp_path / "features.pdf"
    pdf.write_bytes(render(*prepare(path), ("pdf",))["pdf"])
    found = violations(load(path), pdf)
    assert not any(found.values()), {name: items[:3] for name, items in found.items() if items}


def test_the_importer_marks_run_in_headings(tmp_path: Path) -> None:
    draft = tmp_path / "draft.txt"
    draft.write_text("关于商会工作情况的通报\n\n现将有关情况通报如下。\n\n"
                     "（一）加强组织建设，提升服务能力。一是健全组织体系，新建基层商会12家。\n\n"
                     "（二）强化服务担当\n\n各商会主动对接会员企业。\n", encoding="utf-8")
    (article,) = yaml.safe_load(import_draft(draft, target=tmp_path / "2018-10.yaml"))["articles"]
    assert article["body"].split("\n\n") == [
        "现将有关情况通报如下。", "## （一）加强组织建设，提升服务能力。一是健全组织体系，新建基层商会12家。",
        "## （二）强化服务担当", "各商会主动对接会员企业。\n"]


# Layout numbers live in bulletin/layout.py alone

UNIT = re.compile(r"(?<![\w.#-])\d+(?:\.\d+)?\s*(?:pt|mm|cm|in|em)\b")
LENGTHS = {"Pt", "Mm", "Cm", "Inches", "Emu", "Twips"}  # python-docx's lengths
LAYOUT_USERS = ["bulletin/word.py", "bulletin/typeset.py", "bulletin/html.py", "bulletin/pdf.py", "bulletin/serve.py",
                "bulletin/compose.py", "bulletin/photos.py"]


def unit_literals_in_python(source: str) -> list[str]:
    """Lengths written as literals in code (comments and docstrings aside): "12pt" in a string, Mm(15)."""
    import ast
    import io
    import tokenize

    docstrings = {node.body[0].lineno for node in ast.walk(ast.parse(source))
                  if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
                  and node.body and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)
                  and isinstance(node.body[0].value.value, str)}
    found = []
    tokens = [t for t in tokenize.generate_tokens(io.StringIO(source).readline)
              if t.type not in (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT)]
    for i, token in enumerate(tokens):
        if token.type == tokenize.STRING and token.start[0] not in docstrings:
            found += [f"{token.start[0]}: {m.group()}" for m in UNIT.finditer(token.string)]
        if (token.string in LENGTHS and i + 2 < len(tokens) and tokens[i + 1].string == "("
                and tokens[i + 2].type == tokenize.NUMBER):
            found.append(f"{token.start[0]}: {token.string}({tokens[i + 2].string})")
    return found


def unit_literals_in_template(source: str) -> list[str]:
    """Lengths written as literals in a template, its comments aside ({# #} and /* */)."""
    source = re.sub(r"\{#.*?#\}|/\*.*?\*/", lambda m: "\n" * m.group().count("\n"), source, flags=re.S)
    return [f"{source.count(chr(10), 0, m.start()) + 1}: {m.group()}" for m in UNIT.finditer(source)]


@pytest.mark.parametrize("module", LAYOUT_USERS)
def test_no_renderer_writes_a_layout_number_of_its_own(module: str) -> None:
    found = unit_literals_in_python((ROOT / module).read_text(encoding="utf-8"))
    assert not found, f"{module} writes lengths of its own (take them from bulletin/layout.py): {found}"


@pytest.mark.parametrize("template", ["templates/issue.css.j2", "templates/issue.html.j2"])
def test_no_template_of_the_issue_writes_a_layout_number_of_its_own(template: str) -> None:
    found = unit_literals_in_template((ROOT / template).read_text(encoding="utf-8"))
    assert not found, f"{template} writes lengths of its own (take them from bulletin/layout.py): {found}"


def test_the_literal_finder_finds_what_it_should() -> None:
    code = 'def f():\n    """7 mm under."""\n    x = {"a": "12pt"}\n    y = Mm(15)\n    z = Mm(L.A)  # 7 mm\n'
    assert unit_literals_in_python(code) == ["3: 12pt", "4: Mm(15)"]
    assert unit_literals_in_template("a { b: 1.5em; }\n{# 7 mm #}/* 3 pt */ c: {{ L.X }}pt") == ["1: 1.5em"]


def test_a_toc_with_no_line_to_list_is_printed_by_neither_output(tmp_path: Path) -> None:
    """toc: true over an issue whose articles are all untitled and outside any column: no 目录 in the PDF's
    HTML nor in the DOCX (the DOCX once printed its heading over nothing)."""
    import docx

    from bulletin import layout
    from bulletin.html import render_html
    from bulletin.loader import load
    from bulletin.typeset import Typesetter
    from bulletin.word import render_docx

    case = ROOT / "tests" / "data" / "regressions" / "untitled-only-with-toc"
    loaded = load(case / "issue.yaml")
    assert loaded.issue.toc is True and not loaded.issue.shows_toc and compose.toc_entries(loaded.issue) == []
    assert 'class="toc"' not in render_html(loaded.issue, Typesetter(loaded.issue, case))
    (tmp_path / "issue.docx").write_bytes(render_docx(loaded.issue, case))
    heading = layout.ELEMENTS["toc-heading"].style
    assert not [p for p in docx.Document(str(tmp_path / "issue.docx")).paragraphs if style(p).name == heading]
    titled = loaded.issue.model_copy(update={"articles": [loaded.issue.articles[0].model_copy(
        update={"title": "标题"})]})
    assert titled.shows_toc and [entry.text for entry in compose.toc_entries(titled)] == ["标题"]
