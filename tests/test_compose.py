"""The compose stage: the bulletin's own strings made once, from the model, for both outputs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from conftest import ROOT

from bulletin import compose
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
