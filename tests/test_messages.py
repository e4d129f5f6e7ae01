"""The message catalogue: every message in the code translated, the compiled catalogue that of its source,
the language chosen as the editor expects, and messages pinned in both languages."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

from bulletin import i18n

sys.path.insert(0, str(ROOT / "scripts"))
import messages  # noqa: E402 (scripts/ is no package)

FIELD = re.compile(r"\{(\w*)[^{}]*\}")


def test_every_message_of_the_code_is_translated_and_compiled() -> None:
    """`./run messages` has been run and every message translated: nothing new, nothing gone, nothing
    untranslated, and the .mo is exactly the .po compiled."""
    catalog = messages.read()
    extracted = {message.id for message in messages.extracted() if message.id}
    translated = {message.id for message in catalog if message.id}
    assert extracted - translated == set(), "new messages: run ./run messages and translate them"
    assert translated - extracted == set(), "messages no longer in the code: run ./run messages"
    assert [message.id for message in catalog if message.id and not message.string] == []
    assert messages.MO.read_bytes() == messages.compiled(catalog), "the .mo lags its .po: run ./run messages"


def test_each_translation_has_the_fields_of_its_message() -> None:
    """A field lost or misspelt in a translation would raise KeyError where the message is told."""
    for message in messages.read():
        if message.id:
            assert sorted(FIELD.findall(str(message.string))) == sorted(FIELD.findall(str(message.id))), message.id


@pytest.mark.parametrize(("setting", "environ", "expected"), [
    ("zh", {"LANG": "en_US.UTF-8"}, "zh"), ("en", {"LANG": "zh_CN.UTF-8"}, "en"),
    (None, {"LANG": "zh_CN.UTF-8"}, "zh"), (None, {"LC_ALL": "zh_TW.UTF-8", "LANG": "en_US"}, "zh"),
    (None, {"LANG": "C.UTF-8"}, "en"), (None, {}, "en"), ("fr", {"LANG": "zh_CN"}, "zh"),
])
def test_the_language_is_the_publications_else_the_locales(setting: str | None, environ: dict[str, str],
                                                            expected: str) -> None:
    assert i18n.language_for(setting, environ) == expected


BAD = "year: 2018\nnumber: ten\ndate: 2018-06-31\narticles:\n  - title: 题\n    byline：宣传处\n    body: 文\n"


@pytest.mark.parametrize(("language", "expected"), [
    ("zh", ["issues/bad.yaml:6:11: YAML 语法：「byline」后面是全角冒号「：」，键与值之间要用半角冒号加空格：byline: …"
            "（解析器原话：could not find expected ':'）"]),
    ("en", ["issues/bad.yaml:6:11: YAML syntax: a full-width colon \"：\" after \"byline\": write a half-width "
            "colon and a space between a key and its value: byline: … (the parser says: could not find expected "
            "':')"]),
])
def test_a_command_speaks_the_language_of_the_publication(tmp_path: Path, language: str,
                                                          expected: list[str]) -> None:
    """The same mistakes told by `bulletin check` in each language, their places the same."""
    publication = (ROOT / "publication.yaml").read_text(encoding="utf-8")
    (tmp_path / "publication.yaml").write_text(publication.replace("language: zh", f"language: {language}"),
                                               encoding="utf-8")
    (tmp_path / "issues").mkdir()
    (tmp_path / "issues" / "bad.yaml").write_text(BAD, encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "bulletin.cli", "check", "issues/bad.yaml"], cwd=tmp_path,
                            capture_output=True, text=True, timeout=120, env={"LANG": "C.UTF-8", "PATH": "/usr/bin"})
    assert result.returncode == 1 and result.stderr.splitlines() == expected
    (tmp_path / "issues" / "bad.yaml").write_text(BAD.replace("byline：", "byline: "), encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "bulletin.cli", "check", "issues/bad.yaml"], cwd=tmp_path,
                            capture_output=True, text=True, timeout=120, env={"LANG": "C.UTF-8", "PATH": "/usr/bin"})
    told = {"zh": ["issues/bad.yaml:2:9: number: 应是整数，这里是文字 'ten'",
                   "issues/bad.yaml:3:7: date: 2018-06-31 不是日历上的日期（day is out of range for month）"],
            "en": ["issues/bad.yaml:2:9: number: expected a whole number, got the text 'ten'",
                   "issues/bad.yaml:3:7: date: 2018-06-31 is not a date of the calendar (day is out of range for "
                   "month)"]}
    assert result.stderr.splitlines() == told[language]


def test_without_a_language_the_locale_decides(tmp_path: Path) -> None:
    publication = (ROOT / "publication.yaml").read_text(encoding="utf-8")
    (tmp_path / "publication.yaml").write_text(publication.replace("language: zh\n", ""), encoding="utf-8")
    (tmp_path / "issues").mkdir()
    (tmp_path / "issues" / "bad.yaml").write_text("", encoding="utf-8")
    for lang, expected in (("zh_CN.UTF-8", "issues/bad.yaml:1:1: 文件是空的"),
                           ("C.UTF-8", "issues/bad.yaml:1:1: the file is empty")):
        result = subprocess.run([sys.executable, "-m", "bulletin.cli", "check", "issues/bad.yaml"], cwd=tmp_path,
                                capture_output=True, text=True, timeout=120, env={"LANG": lang, "PATH": "/usr/bin"})
        assert result.stderr.splitlines() == [expected]


def test_the_catalogue_ships_with_the_package() -> None:
    assert (Path(i18n.__file__).parent / "locale" / "zh" / "LC_MESSAGES" / "bulletin.mo").is_file()
    package = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert '"locale/*/LC_MESSAGES/*.mo"' in package  # in the wheel too
