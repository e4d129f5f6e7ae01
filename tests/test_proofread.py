"""The proofreader: each rule's findings pinned exactly, the settings, the exit statuses and --fix in place."""

from __future__ import annotations

import difflib
import re
import shutil
from pathlib import Path

import pytest
from conftest import ISSUES, ROOT
from hypothesis import given, settings
from hypothesis import strategies as st

from bulletin import i18n
from bulletin import proofread as proofreader
from bulletin.errors import BulletinError
from bulletin.loader import load
from bulletin.proofread import RULES, Finding, Fix, apply_fixes, exit_status, proofread

HEAD = """\
kind: 专刊
year: 2018
number: 3
date: 2018-06-05
articles:
"""


@pytest.fixture(autouse=True)
def english() -> None:
    """The rules' messages pinned in English here, word for word; test_the_findings_speak_chinese pins the
    Chinese (and tests/test_messages.py that every message has its translation)."""
    i18n.use("en")


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copyfile(ROOT / "publication.yaml", tmp_path / "publication.yaml")
    (tmp_path / "issues").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write(project: Path, articles: str, head: str = HEAD) -> Path:
    path = project / "issues" / "2018-03.yaml"
    path.write_text(head + articles, encoding="utf-8")
    return path


def found(project: Path, articles: str, head: str = HEAD) -> list[str]:
    write(project, articles, head)
    return [str(finding) for finding in proofread(load(Path("issues/2018-03.yaml")))]


def test_the_rules_and_their_levels() -> None:
    assert {rule_id: entry.level for rule_id, entry in RULES.items()} == {
        "halfwidth-punctuation": "warning",
        "unpaired-bracket": "error",
        "doubled-character": "warning",
        "doubled-word": "warning",
        "letter-spaced-title": "warning",
        "stray-space": "warning",
        "spacing-numbers": "warning",
        "impossible-date": "error",
        "dateline-after-issue": "warning",
        "repeated-title": "error",
        "font-coverage": "error",
        "unknown-rule": "warning",
    }
    assert all(entry.description and "\n" not in entry.description for entry in RULES.values())


def test_halfwidth_punctuation_but_not_in_addresses_numbers_or_latin(project: Path) -> None:
    assert found(project, """\
  - title: 标题(一)
    body: |
      会议指出,要抓好落实.他说:"好的",大家都同意!对吗?是的;等等...
      见http://www.example.com/a,b.html或jx@163.com，时间10:30，增长3.5%，1,000元。
      这是David's book, in English. 1.加强学习
""") == [
        'issues/2018-03.yaml:6:14: halfwidth-punctuation: half-width "(" in Chinese text (write "（")',
        'issues/2018-03.yaml:6:16: halfwidth-punctuation: half-width ")" in Chinese text (write "）")',
        'issues/2018-03.yaml:8:11: halfwidth-punctuation: half-width "," in Chinese text (write "，")',
        'issues/2018-03.yaml:8:17: halfwidth-punctuation: half-width "." in Chinese text (write "。")',
        'issues/2018-03.yaml:8:20: halfwidth-punctuation: half-width ":" in Chinese text (write "：")',
        'issues/2018-03.yaml:8:21: halfwidth-punctuation: half-width \'"\' in Chinese text (write "“")',
        'issues/2018-03.yaml:8:24: halfwidth-punctuation: half-width \'"\' in Chinese text (write "”")',
        'issues/2018-03.yaml:8:25: halfwidth-punctuation: half-width "," in Chinese text (write "，")',
        'issues/2018-03.yaml:8:31: halfwidth-punctuation: half-width "!" in Chinese text (write "！")',
        'issues/2018-03.yaml:8:34: halfwidth-punctuation: half-width "?" in Chinese text (write "？")',
        'issues/2018-03.yaml:8:37: halfwidth-punctuation: half-width ";" in Chinese text (write "；")',
        'issues/2018-03.yaml:8:40: halfwidth-punctuation: half-width "..." in Chinese text (write "……")',
    ]


def test_single_quotes_alternate_and_apostrophes_stay(project: Path) -> None:
    findings = proofread(load(write(project, """\
  - title: 标题
    body: 他说'好',又说'行'。It's the members' list.
""").relative_to(project)))
    assert [(f.column, f.fix.old if f.fix else None, f.fix.new if f.fix else None) for f in findings] == [
        (13, "'", "‘"), (15, "'", "’"), (16, ",", "，"), (19, "'", "‘"), (21, "'", "’")]


def test_unpaired_and_misnested_brackets(project: Path) -> None:
    assert found(project, """\
  - title: 标题
    body: |
      “引号没有关上，《书名》）多余。
      （括号《交叉）》，‘单引号’、【方括号】、〔2018〕正常。China’s economy.
""") == [
        'issues/2018-03.yaml:8:7: unpaired-bracket: "“" is never closed: no "”" after it',
        'issues/2018-03.yaml:8:19: unpaired-bracket: "）" closes nothing: no "（" before it',
        'issues/2018-03.yaml:9:13: unpaired-bracket: "）" closes "（" (line 9) while "《" (line 9) is still open',
    ]


def test_doubled_function_characters_and_words(project: Path) -> None:
    assert found(project, """\
  - title: 标题
    body: |
      我们的的目标是是明确的，完成了了任务，工作工作要抓好，加强管理加强管理。
""") == [
        'issues/2018-03.yaml:8:9: doubled-character: "的" is typed twice: "我们的的目标" (write "我们的目标")',
        'issues/2018-03.yaml:8:13: doubled-character: "是" is typed twice: "目标是是明确" (write "目标是明确")',
        'issues/2018-03.yaml:8:21: doubled-character: "了" is typed twice: "完成了了任务" (write "完成了任务")',
        'issues/2018-03.yaml:8:26: doubled-word: "工作" is typed twice: "工作工作" (write "工作")',
        'issues/2018-03.yaml:8:34: doubled-word: "加强管理" is typed twice: "加强管理加强管理" (write "加强管理")',
    ]


def test_reduplication_and_words_that_meet_are_not_doubling(project: Path) -> None:
    assert found(project, """\
  - title: 标题
    body: |
      常常、人人、看看、谢谢、天天、处处、渐渐、等等、纷纷。的的确确，实实在在，是是非非。
      达到目的的手段，不能不了了之，为了了解情况，关键是是否落实，现在在座的同志，终于于昨日完成，参与与支持。
      研究研究再说，一个一个地落实，点对点对接，面对面对话，哈哈哈哈。
""") == []
    words = "、".join(sorted(proofreader.LEGITIMATE_REDUPLICATION))
    assert found(project, f"  - title: 标题\n    body: {words}。\n") == []
    assert not {word[0] for word in proofreader.LEGITIMATE_REDUPLICATION} & set(proofreader.DOUBLED_FUNCTION_CHARACTERS)


def test_stray_spaces_and_letter_spaced_titles(project: Path) -> None:
    (project / "issues" / "photo.png").write_bytes((ROOT / "tests" / "data" / "features" / "issues" /
                                                    "meeting.png").read_bytes())
    assert found(project, """\
  - kicker: 市 县 联 动
    title: 市县联动　精准对接
    subtitle: 记市县联 动
    byline: 张三　李四
    body:
      - |
        # 目　录

        中文 中文，中文　中文。 下一句。
      - photo: photo.png
        credit: 张三 摄
""") == [
        'issues/2018-03.yaml:6:13: letter-spaced-title: "市 县 联 动" is letter-spaced by hand: the template sets '
        'titles and headings, and typed spaces print as uneven gaps (write "市县联动")',
        'issues/2018-03.yaml:8:19: stray-space: a space between Chinese characters: "联 动" (write "联动")',
        'issues/2018-03.yaml:12:11: letter-spaced-title: "目　录" is letter-spaced by hand: the template sets '
        'titles and headings, and typed spaces print as uneven gaps (write "目录")',
        'issues/2018-03.yaml:14:11: stray-space: a space between Chinese characters: "文 中" (write "文中")',
        'issues/2018-03.yaml:14:17: stray-space: a full-width space between Chinese characters: "文　中" '
        '(write "文中")',
        'issues/2018-03.yaml:14:21: stray-space: a space between Chinese characters: "。 下" (write "。下")',
    ]


SPACED = "a number spaced from the Chinese beside it; official text writes them together (GB/T 15835)"


def test_a_number_spaced_from_chinese_is_reported_however_many_are(project: Path) -> None:
    assert found(project, """\
  - title: 标题
    body: |
      共有68个村，其中13个村已签约，5月底前完成。
      至少 60 个村。
""") == [
        f'issues/2018-03.yaml:9:9: spacing-numbers: "少 60 个": {SPACED} (write "少60个")',
    ]


def test_a_number_spaced_on_one_side_is_reported(project: Path) -> None:
    assert found(project, """\
  - title: 标题
    body: 共68个，至少 60个。
""") == [
        f'issues/2018-03.yaml:7:18: spacing-numbers: "少 60个": {SPACED} (write "少60个")',
    ]


def test_spaces_are_never_suggested_where_most_numbers_have_them(project: Path) -> None:
    """GB/T 15835: numerals against Chinese, without spaces, whatever the rest of the file does."""
    findings = found(project, """\
  - title: 标题
    body: |
      至少 60 个村，5 月 31 日至 6 月 1 日，共 13 家。
      丽水市68个村。
""")
    assert findings and all("(write" in f and " 个\")" not in f.split("(write")[1] for f in findings)
    assert not any("市68个" in finding for finding in findings)


def test_impossible_dates_and_a_dateline_after_the_issue(project: Path) -> None:
    assert found(project, """\
  - title: 标题
    dateline: 2018年6月6日上午
    body: |
      今年2月30日，13月，2018年2月29日，2020年2月29日，4月31日，12月31日，2018年0月。
  - title: 另一篇
    dateline: 6月5日
    body: 正文。
""") == [
        'issues/2018-03.yaml:7:15: dateline-after-issue: "2018年6月6日" is after the issue\'s date (2018年6月5日)',
        'issues/2018-03.yaml:9:9: impossible-date: "2月30日" cannot exist: February has 29 days',
        'issues/2018-03.yaml:9:15: impossible-date: "13月" cannot exist: there is no month 13',
        'issues/2018-03.yaml:9:19: impossible-date: "2018年2月29日" cannot exist: February 2018 has 28 days',
        'issues/2018-03.yaml:9:41: impossible-date: "4月31日" cannot exist: April has 30 days',
        'issues/2018-03.yaml:9:54: impossible-date: "2018年0月" cannot exist: there is no month 0',
    ]


def test_a_title_repeated_across_articles(project: Path) -> None:
    assert found(project, """\
  - title: 联动消薄
    body: 正文。
  - title: 另一篇
    body: 正文。
  - title: 联动 消薄
    body: 正文。
""") == [
        'issues/2018-03.yaml:10:12: repeated-title: "联动 消薄" is also the title of article 1 (line 6)',
    ]


def test_characters_no_font_prints(project: Path) -> None:
    write(project, """\
  - title: 庆祝🎉
    body: 正文。
""")
    findings = proofread(load(Path("issues/2018-03.yaml")))
    assert [(f.rule, f.level, str(f)) for f in findings] == [(
        "font-coverage", "error", "issues/2018-03.yaml:6:12: font-coverage: articles[0].title: "
        "character '🎉' (U+1F389) is in no font "
        "of the 小标宋 role (tried: Noto Serif CJK SC Bold, Noto Serif CJK SC)")]
    assert findings[0].field == "articles[0].title" and findings[0].fix is None


def test_the_publication_disables_rules_and_names_unknown_ones(project: Path) -> None:
    publication = project / "publication.yaml"
    publication.write_text(publication.read_text(encoding="utf-8")
                           + "proofread:\n  disable: [doubled-character, spacing-number]\n", encoding="utf-8")
    assert found(project, """\
  - title: 标题
    body: 我们的的目标，至少 60 个，共68个，另有13个，还有5个。
""") == [
        f'issues/2018-03.yaml:7:20: spacing-numbers: "少 60 个": {SPACED} (write "少60个")',
        'publication.yaml:46:32: unknown-rule: no rule is called "spacing-number" (did you mean "spacing-numbers"?)',
    ]


def test_an_issue_s_own_settings_override_the_publication_s(project: Path) -> None:
    head = HEAD.replace("articles:\n", "proofread:\n  disable: [doubled-character, spacing-numbers]\narticles:\n")
    assert found(project, """\
  - title: 标题
    body: 我们的的目标，至少 60 个，共68个。
""", head) == []


def test_exit_status() -> None:
    warning = Finding("stray-space", "warning", "a.yaml", 1, 1, "title", "m")
    error = Finding("impossible-date", "error", "a.yaml", 1, 1, "title", "m")
    assert exit_status([], strict=False) == 0 and exit_status([], strict=True) == 0
    assert exit_status([warning], strict=False) == 0 and exit_status([warning], strict=True) == 1
    assert exit_status([warning, error], strict=False) == 1 and exit_status([error], strict=True) == 1


def test_a_finding_prints_its_suggestion_in_parentheses_or_none() -> None:
    fix = Fix(("articles", 0, "body"), 3, "60 个", "60个")
    assert str(Finding("spacing-numbers", "warning", "issues/2018/2018-10.yaml", 31, 27, "articles[0].body",
                       f'"60 个": {SPACED}', 'write "60个"', fix)) == \
        f'issues/2018/2018-10.yaml:31:27: spacing-numbers: "60 个": {SPACED} (write "60个")'
    assert str(Finding("repeated-title", "error", "a.yaml", 3, 5, "articles[1].title", "repeated")) == \
        "a.yaml:3:5: repeated-title: repeated"
    assert str(Finding("font-coverage", "error", "a.yaml", 0, 0, "", "fonts missing")) == \
        "a.yaml: font-coverage: fonts missing"


# --- --fix ----------------------------------------------------------------------------------------------------

FIXABLE = """\
# 2018年第3期（校对样例）
kind: 专刊   # 专刊 prints a kind line
year: 2018
number: 3
date: 2018-06-05

articles:
  # the first article
  - kicker: 市 县 联 动
    title: "联动消薄,精准对接"  # quoted on purpose
    subtitle: '记市县联动'
    body: |
      # 一、主动作为

      会议指出,要抓好落实.我们的的目标是至少 60 个村,共68个村，其中13个村已签约。

      中文 内容，**一是明确任务。**5月初完成,工作工作要抓好。
  - title: 另一篇
    body:
      - 正文。
      - table:
          - [项目, 数量]
          - [村 数, "68"]
"""


def test_fix_edits_in_place_keeping_comments_quotes_and_block_scalars(project: Path) -> None:
    path = write(project, FIXABLE, head="")
    findings = proofread(load(Path("issues/2018-03.yaml")))
    assert [str(f) for f in findings] == [
        'issues/2018-03.yaml:9:13: letter-spaced-title: "市 县 联 动" is letter-spaced by hand: the template sets '
        'titles and headings, and typed spaces print as uneven gaps (write "市县联动")',
        'issues/2018-03.yaml:10:17: halfwidth-punctuation: half-width "," in Chinese text (write "，")',
        'issues/2018-03.yaml:15:11: halfwidth-punctuation: half-width "," in Chinese text (write "，")',
        'issues/2018-03.yaml:15:17: halfwidth-punctuation: half-width "." in Chinese text (write "。")',
        'issues/2018-03.yaml:15:20: doubled-character: "的" is typed twice: "我们的的目标" (write "我们的目标")',
        f'issues/2018-03.yaml:15:27: spacing-numbers: "少 60 个": {SPACED} (write "少60个")',
        'issues/2018-03.yaml:15:33: halfwidth-punctuation: half-width "," in Chinese text (write "，")',
        'issues/2018-03.yaml:17:9: stray-space: a space between Chinese characters: "文 内" (write "文内")',
        'issues/2018-03.yaml:17:29: halfwidth-punctuation: half-width "," in Chinese text (write "，")',
        'issues/2018-03.yaml:17:30: doubled-word: "工作" is typed twice: "工作工作" (write "工作")',
        'issues/2018-03.yaml:23:15: stray-space: a space between Chinese characters: "村 数" (write "村数")',
    ]
    before = path.read_text(encoding="utf-8")
    assert apply_fixes(path, findings) == 10
    after = path.read_text(encoding="utf-8")
    old_lines, new_lines = before.splitlines(), after.splitlines()
    blocks = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False).get_opcodes()
    assert {tag for tag, *_ in blocks} == {"equal", "replace"}  # no line added, removed or moved
    changed = {i + 1: (old_lines[i], new_lines[i]) for i in range(len(old_lines)) if old_lines[i] != new_lines[i]}
    assert changed == {
        9: ("  - kicker: 市 县 联 动", "  - kicker: 市县联动"),
        10: ('    title: "联动消薄,精准对接"  # quoted on purpose',
             '    title: "联动消薄，精准对接"  # quoted on purpose'),
        15: ("      会议指出,要抓好落实.我们的的目标是至少 60 个村,共68个村，其中13个村已签约。",
             "      会议指出，要抓好落实。我们的目标是至少60个村，共68个村，其中13个村已签约。"),
        17: ("      中文 内容，**一是明确任务。**5月初完成,工作工作要抓好。",
             "      中文内容，**一是明确任务。**5月初完成，工作工作要抓好。"),
        23: ('          - [村 数, "68"]', '          - [村数, "68"]'),
    }
    assert len(old_lines) == len(new_lines) and before.startswith("# 2018年第3期（校对样例）\nkind: 专刊   # 专刊")
    assert [str(f) for f in proofread(load(Path("issues/2018-03.yaml")))] == [
        'issues/2018-03.yaml:17:29: doubled-word: "工作" is typed twice: "工作工作" (write "工作")',
    ]
    assert apply_fixes(path, proofread(load(Path("issues/2018-03.yaml")))) == 0


def test_a_file_without_fixes_is_not_rewritten(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(project, """\
  - title: 标题   # 注释
    body: 工作工作要抓好。
""")
    monkeypatch.setattr(proofreader, "write_atomic", lambda *args: pytest.fail("rewritten"))
    findings = proofread(load(Path("issues/2018-03.yaml")))
    assert [f.rule for f in findings] == ["doubled-word"] and apply_fixes(path, findings) == 0
    stale = Finding("stray-space", "warning", "issues/2018-03.yaml", 6, 12, "articles[0].title", "m", None,
                    Fix(("articles", 0, "title"), 0, "标 题", "标题"))
    assert apply_fixes(path, [stale]) == 0  # the text no longer says what the fix expects


def test_fix_keeps_windows_line_ends_and_the_byte_order_mark(project: Path) -> None:
    path = project / "issues" / "2018-03.yaml"
    text = (HEAD + "  - title: 标题\n    body: |\n      正文,内容。\n").replace("\n", "\r\n")
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert apply_fixes(path, proofread(load(Path("issues/2018-03.yaml")))) == 1
    assert path.read_bytes() == b"\xef\xbb\xbf" + text.replace("正文,", "正文，").encode("utf-8")


def test_fix_refuses_a_file_it_cannot_write_back_as_it_was(project: Path) -> None:
    path = write(project, """\
  - title: 标题,一
    body: 正文，内容
      接下一行
""")
    before = path.read_bytes()
    with pytest.raises(BulletinError) as caught:
        apply_fixes(path, proofread(load(Path("issues/2018-03.yaml"))))
    assert str(caught.value) == ("issues/2018-03.yaml: cannot --fix this file: written back it would change beyond "
                                 "the fixes (its indentation or line folding); fix it by hand")
    assert path.read_bytes() == before


def test_an_overridden_standing_key_is_read_and_fixed_in_the_issue_file(project: Path) -> None:
    head = HEAD.replace("articles:\n", "distribution:\n  送: 省工商联,市委办公室\narticles:\n")
    path = write(project, "  - title: 标题\n    body: 正文。\n", head)
    findings = proofread(load(Path("issues/2018-03.yaml")))
    assert [str(f) for f in findings] == [
        'issues/2018-03.yaml:6:10: halfwidth-punctuation: half-width "," in Chinese text (write "，")']
    assert apply_fixes(project / "publication.yaml", findings) == 0
    assert apply_fixes(path, findings) == 1
    assert "  送: 省工商联，市委办公室\n" in path.read_text(encoding="utf-8")


# --- the reference issues -------------------------------------------------------------------------------------


def test_the_reference_issues_have_no_error_only_2018_10_s_number_spacing(monkeypatch: pytest.MonkeyPatch) -> None:
    """2018-10 spaces most of its numbers from the Chinese beside them (as its source did): each is reported,
    and the fix takes the space out; none of its unspaced numbers is told to take one."""
    monkeypatch.chdir(ROOT)
    assert proofread(load(ISSUES / "2018" / "2018-06.yaml")) == []
    findings = proofread(load(ISSUES / "2018" / "2018-10.yaml"))
    assert exit_status(findings, strict=False) == 0 and exit_status(findings, strict=True) == 1
    assert len(findings) == 28 and {f.rule for f in findings} == {"spacing-numbers"}
    where = "issues/2018/2018-10.yaml"
    assert str(findings[0]) == f'{where}:20:74: spacing-numbers: "少 60 个": {SPACED} (write "少60个")'
    assert not any(f.line in (12, 16) for f in findings)  # "2018年", "今年4月": as they should be


def test_fixing_2018_10_takes_the_spaces_out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copyfile(ROOT / "publication.yaml", tmp_path / "publication.yaml")
    (tmp_path / "issues" / "2018").mkdir(parents=True)
    path = tmp_path / "issues" / "2018" / "2018-10.yaml"
    shutil.copyfile(ISSUES / "2018" / "2018-10.yaml", path)
    monkeypatch.chdir(tmp_path)
    before = path.read_text(encoding="utf-8").splitlines()
    assert apply_fixes(path, proofread(load(Path("issues/2018/2018-10.yaml")))) == 28
    after = path.read_text(encoding="utf-8").splitlines()
    assert len(before) == len(after)
    assert [i + 1 for i, (old, new) in enumerate(zip(before, after, strict=True)) if old != new] == [20, 24, 28, 30, 32]
    assert "至少60个" in after[19] and "5月31日至6月1日" in after[19] and "丽水市68个薄弱村" in after[11]
    assert proofread(load(Path("issues/2018/2018-10.yaml"))) == []


@pytest.mark.parametrize("path", [ISSUES / "2018" / "2018-06.yaml", ISSUES / "2018" / "2018-10.yaml",
                                  ROOT / "publication.yaml"], ids=lambda path: path.name)
def test_the_project_s_files_write_back_byte_for_byte(path: Path) -> None:
    _, data = proofreader._round_trip(path, path.read_text(encoding="utf-8"))  # raises when it cannot
    if "articles" in data:
        assert data["articles"][0]["body"].style == "|"  # literal block scalars stay literal


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="aw1.-@:/_ 字x", max_size=30))
def test_addresses_are_found_as_the_bare_patterns_found_them(text: str) -> None:
    """The web and e-mail address patterns are tried only where a run begins (linear), and protect what the
    bare patterns protected."""
    from bulletin.proofread import _protected

    expected: set[int] = set()
    bare = (r"(?:[A-Za-z][A-Za-z0-9+.-]*://|www\.)[!-~]+", r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
    for pattern in bare:
        for match in re.finditer(pattern, text):
            end = match.end()
            if "://" in pattern:
                end -= len(match.group()) - len(match.group().rstrip(".,:;!?)'\""))
            expected.update(range(match.start(), end))
    assert _protected(text) == expected


def test_the_findings_speak_chinese(project: Path) -> None:
    """The same findings in the editor's language: the message, and its suggestion in full-width brackets."""
    i18n.use("zh")
    assert found(project, """\
  - title: 标题
    body: 至少 60 个村(含2个街道)的的目标。
""") == [
        'issues/2018-03.yaml:7:13: spacing-numbers: "少 60 个" 数字与汉字之间有空格：'
        '公文中数字紧接汉字书写（GB/T 15835）（应写作 "少60个"）',
        'issues/2018-03.yaml:7:19: halfwidth-punctuation: 中文里用了半角的 "("（应写作 "（"）',
        'issues/2018-03.yaml:7:25: halfwidth-punctuation: 中文里用了半角的 ")"（应写作 "）"）',
        'issues/2018-03.yaml:7:26: doubled-character: "的" 打了两遍："的的目标"（应写作 "的目标"）',
    ]
