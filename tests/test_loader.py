"""Loading issues: the reference issues load; every mistake is reported at its place, all at once."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from conftest import ISSUES, ROOT

from bulletin.errors import BulletinError
from bulletin.loader import load


def test_reference_issues_load_over_the_publication_file() -> None:
    issue = load(ISSUES / "2018" / "2018-10.yaml").issue
    assert (issue.name, issue.kind, issue.issue_line, issue.date) == ("工商联信息", "专刊", "2018年第10期",
                                                                      dt.date(2018, 6, 5))
    assert issue.issuers == ["嘉兴市工商业联合会", "嘉兴市总商会"] and issue.compiled_by == "办公室编"
    assert issue.distribution["送"].startswith("省委组织部")  # the issue's own list over the publication's
    assert issue.signoff == {"签发": "王静", "审核": "李强", "编辑": "黄克飞"}
    assert not issue.shows_toc
    six = load(ISSUES / "2018" / "2018-06.yaml").issue
    assert six.shows_toc and six.distribution["送"].startswith("省工商联")
    assert six.articles[2].toc_entry.startswith("市委统战部副部长") and six.articles[2].byline == "叶伟达"


def write_issue(tmp_path: Path, text: str) -> Path:
    shutil.copyfile(ROOT / "publication.yaml", tmp_path / "publication.yaml")
    (tmp_path / "issues").mkdir()
    path = tmp_path / "issues" / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def messages(path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    monkeypatch.chdir(path.parent.parent)
    with pytest.raises(BulletinError) as caught:
        load(path.relative_to(path.parent.parent))
    return [str(problem) for problem in caught.value.problems]


BAD = """\
kind: 特刊
year: 2018
number: ten
date: 2018-06-05
articles:
  - titel: 嘉兴
    body: |
      第一段 **加粗

      第二段
  - title: [a, b]
    body:
      - photo: missing.jpg
        captoin: x
      - 42
"""


def test_every_problem_is_reported_at_once_with_its_place(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert messages(write_issue(tmp_path, BAD), monkeypatch) == [
        "issues/bad.yaml:1:7: kind: 应是 专刊、增刊或正刊 之一，这里是文字 '特刊'",
        "issues/bad.yaml:3:9: number: 应是整数，这里是文字 'ten'",
        "issues/bad.yaml:6:5: articles[0].titel: 没有「titel」这个键（是「title」吗？）",
        "issues/bad.yaml:8:11: articles[0].body: 「**」开始的加粗没有结束（星号本身写作 \\*）",
        "issues/bad.yaml:11:12: articles[1].title: 应是文字，这里是一个列表",
        "issues/bad.yaml:13:16: articles[1].body[0].photo: 找不到照片文件：missing.jpg",
        "issues/bad.yaml:14:9: articles[1].body[0].captoin: 没有「captoin」这个键（是「caption」吗？）",
        "issues/bad.yaml:15:9: articles[1].body[1]: 应是文字、照片（photo: 文件）、并排照片（photos: [...]）或表格"
        "（table: 行）",
    ]


# Each mistake pinned in both languages: the place is the same, only the words change.
MISTAKES = [
    ("year: 2018\nnumber: [\n",
     "issues/bad.yaml:3:1: YAML 语法：expected the node content, but found '<stream end>'",
     "issues/bad.yaml:3:1: YAML syntax: expected the node content, but found '<stream end>'"),
    ("year: 2018\nyear: 2019\n", "issues/bad.yaml:2:1: year: 键重复了", "issues/bad.yaml:2:1: year: duplicate key"),
    # The commonest slips, at the line of the slip (the parser stops a line later), in the editor's words
    ("year: 2018\narticles:\n  - title: 标题\n    byline：宣传信息处\n    body: 文\n",
     "issues/bad.yaml:4:11: YAML 语法：「byline」后面是全角冒号「：」，键与值之间要用半角冒号加空格：byline: …（解析器"
     "原话：could not find expected ':'）",
     "issues/bad.yaml:4:11: YAML syntax: a full-width colon \"：\" after \"byline\": write a half-width colon and a "
     "space between a key and its value: byline: … (the parser says: could not find expected ':')"),
    ("year: 2018\narticles:\n  - title: 标题\n    byline:宣传信息处\n    body: 文\n",
     "issues/bad.yaml:4:12: YAML 语法：「byline:」后面要有一个空格：byline: …（解析器原话：could not find "
     "expected ':'）",
     "issues/bad.yaml:4:12: YAML syntax: \"byline:\" needs a space after the colon: byline: … (the parser says: "
     "could not find expected ':')"),
    ("year: 2018\narticles:\n  - title: 标题\n    body: **一是**加强\n",
     "issues/bad.yaml:4:11: YAML 语法：以 * 或 & 开头的值要加引号，或写成块（|）（解析器原话：expected alphabetic or "
     "numeric character, but found '*'）",
     "issues/bad.yaml:4:11: YAML syntax: a value that opens with * or & must be quoted, or written as a block (|) "
     "(the parser says: expected alphabetic or numeric character, but found '*')"),
    ("year: 2018\n number: 3\n",
     "issues/bad.yaml:2:1: YAML 语法：这一行比上一行缩进得多，而上一行的键已有值：缩进多了空格？（解析器原话：mapping "
     "values are not allowed here）",
     "issues/bad.yaml:2:1: YAML syntax: this line is indented more than the one before, whose key has a value "
     "already: a space too many? (the parser says: mapping values are not allowed here)"),
    ("year: 2018\narticles:\n  - title: 标题\n    body: 一是: 加强\n",
     "issues/bad.yaml:4:13: YAML 语法：值里有「: 」：这样的值要加引号，或写成块（|）（解析器原话：mapping values are "
     "not allowed here）",
     "issues/bad.yaml:4:13: YAML syntax: the value holds \": \": quote such a value, or write it as a block (|) "
     "(the parser says: mapping values are not allowed here)"),
    ("", "issues/bad.yaml:1:1: 文件是空的", "issues/bad.yaml:1:1: the file is empty"),
    ("kind: 专刊\nyear: 2018\nnumber: 1\ndate: 2019-01-05\narticles:\n  - title: 题\n    body: 文\n",
     "issues/bad.yaml:4:7: date: 日期 2019-01-05 不在本期的年份 2018 内",
     "issues/bad.yaml:4:7: date: the date 2019-01-05 is not in the issue's year 2018"),
    ("year: 2018\nnumber: 1\ndate: 6月5日\narticles: []\n",
     "issues/bad.yaml:3:7: date: 应是日期（YYYY-MM-DD），这里是文字 '6月5日'",
     "issues/bad.yaml:3:7: date: expected a date (YYYY-MM-DD), got the text '6月5日'"),
]


@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize(("text", "zh", "en"), MISTAKES)
def test_single_mistakes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, zh: str, en: str,
                         language: str) -> None:
    from bulletin import i18n

    i18n.use(language)
    assert messages(write_issue(tmp_path, text), monkeypatch)[0] == {"zh": zh, "en": en}[language]


def test_a_file_that_is_not_utf8_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_issue(tmp_path, "")
    path.write_bytes("title: 嘉兴\n".encode("gbk"))
    assert messages(path, monkeypatch) == [
        "issues/bad.yaml:1:1: 文件不是 UTF-8 文本（存成了 GBK？请另存为 UTF-8）"]


def test_aliases_cannot_blow_up(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    laughs = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{n}: &{n} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
        for p, n in zip("abcdefgh", "bcdefghi", strict=True))
    (first, *_) = messages(write_issue(tmp_path, laughs), monkeypatch)
    assert "文件太大（别名展开后超过100000个值？）" in first


def test_publication_keys_are_checked_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_issue(tmp_path, (ISSUES / "2018" / "2018-10.yaml").read_text(encoding="utf-8"))
    publication = tmp_path / "publication.yaml"
    publication.write_text(publication.read_text(encoding="utf-8") + "nmae: x\n", encoding="utf-8")
    (message,) = messages(path, monkeypatch)
    assert message.startswith("publication.yaml:")
    assert message.endswith("nmae: 没有「nmae」这个键（是「name」吗？）")
