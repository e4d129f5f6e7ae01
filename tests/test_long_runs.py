"""Nothing an editor can type makes the tool slow: long runs of every kind of character, through every
pattern and every command that reads editor text.

A pattern that backtracks (\\s*X$ tried at every offset of a run of spaces) is quadratic in the run: 20,000
spaces took 9 s and 80,000 two minutes. These runs are long enough that a quadratic pass takes minutes, so
the deadlines below (generous for the linear work) tell the two apart without timing anything closely.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from conftest import ROOT

import bulletin

# One run of each kind of character an editor's text holds (a unit repeated).
UNITS = {
    "space": " ", "ideographic-space": "\u3000", "tab": "\t", "nbsp": "\u00a0", "newline": "\n", "latin": "a",
    "digit": "1", "han": "字", "comma": "，", "period": "。", "star": "*", "hash": "#", "dash": "—",
    "ellipsis": "…", "paren": "（", "close": "）", "dot": ".", "slash": "/", "colon": ":", "at": "@",
    "hyphen": "-", "underscore": "_", "latin-space": "a ", "star-space": "* ", "doubled": "工作", "lead": "一是",
    "quote": "“", "url": "http://a.b/", "zwsp": "\u200b", "number-space": "1 ", "backslash": "\\",
}
PATTERN_RUN = 20_000  # characters a pattern is tried on
COMMAND_RUN = 100_000  # characters of a run the commands read (twice: within a line, and a line alone)
PATTERN_DEADLINE_S = 2.0  # a linear scan of 20,000 characters takes milliseconds
COMMAND_DEADLINE_S = 90.0  # check, a DOCX build and an import of 200,000 characters: seconds


def patterns() -> list[tuple[str, re.Pattern[str]]]:
    """Every compiled pattern at the top level of the package's modules."""
    found = []
    for module in pkgutil.iter_modules(bulletin.__path__):
        loaded = importlib.import_module(f"bulletin.{module.name}")
        for name, value in vars(loaded).items():
            if isinstance(value, re.Pattern) and isinstance(value.pattern, str):
                found.append((f"{module.name}.{name}", value))
    return found


def test_the_package_has_patterns_to_try() -> None:
    assert len(patterns()) > 40


@pytest.mark.parametrize("unit", sorted(UNITS))
def test_no_pattern_backtracks_on_a_long_run(unit: str) -> None:
    slow = []
    for name, pattern in patterns():
        text = "开头" + UNITS[unit] * (PATTERN_RUN // len(UNITS[unit])) + "结尾"
        start = time.perf_counter()
        for scan in (pattern.search, pattern.findall, pattern.match, pattern.fullmatch):
            scan(text)
        pattern.sub("", text)
        spent = time.perf_counter() - start
        if spent > PATTERN_DEADLINE_S:
            slow.append(f"{name} ({pattern.pattern[:60]}): {spent:.1f} s")
    assert not slow, slow


DRIVER = """
import sys
from bulletin.cli import main
for args in (["check", "run.yaml"], ["build", "run.yaml", "--out", "out", "--format", "docx"],
             ["import", "run.txt", "-o", "imported.yaml"]):
    status = main(args)
    print("@@", args[0], status, flush=True)
"""


@pytest.mark.parametrize("unit", sorted(UNITS))
def test_the_commands_read_a_long_run_in_linear_time(unit: str, tmp_path: Path) -> None:
    """check (the proofreader too), a DOCX build (the line breaker) and import (the recognisers), on a body
    holding a long run within a line and the same run as a line of its own: each ends, with an answer,
    before the deadline."""
    run = UNITS[unit] * (COMMAND_RUN // len(UNITS[unit]))
    (tmp_path / "publication.yaml").write_bytes((ROOT / "publication.yaml").read_bytes())
    body = f"正文开头{run}结尾。\n\n{run}\n\n结尾。"
    data = {"year": 2018, "number": 10, "date": "2018-06-05",
            "articles": [{"title": "标题" + run[:200].replace("\n", ""), "body": body}]}
    (tmp_path / "run.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, width=10**9), encoding="utf-8")
    (tmp_path / "run.txt").write_text(f"标题\n\n{body}\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-c", DRIVER], cwd=tmp_path, capture_output=True, text=True,
                            timeout=COMMAND_DEADLINE_S, check=False)
    assert "Traceback" not in result.stderr, result.stderr[-2000:]
    done = [line.split()[1] for line in result.stdout.splitlines() if line.startswith("@@ ")]
    assert done == ["check", "build", "import"], result.stderr[-2000:]


def test_a_table_of_2000_rows_builds_in_linear_time(tmp_path: Path) -> None:
    """python-docx's table.cell() walks the whole table: looked up per cell, 2,000 rows took minutes."""
    rows = [[f"第{i}行", "数据", "更多的数据"] for i in range(2000)]
    data = {"year": 2018, "number": 10, "date": "2018-06-05",
            "articles": [{"title": "表", "body": [{"table": rows, "header": True}]}]}
    (tmp_path / "publication.yaml").write_bytes((ROOT / "publication.yaml").read_bytes())
    (tmp_path / "table.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "bulletin.cli", "build", "table.yaml", "--out", "out",
                             "--format", "docx"], cwd=tmp_path, capture_output=True, text=True,
                            timeout=COMMAND_DEADLINE_S, check=False)
    assert result.returncode == 0, result.stderr
    import docx

    tables = docx.Document(str(tmp_path / "out" / "table.docx")).tables
    assert max(len(table.rows) for table in tables) == 2000
