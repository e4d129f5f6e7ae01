"""A folder build stopped by Ctrl-C keeps what it finished; its state survives damage and a second build
of the same folder; it leaves one lock file, not one per issue; a damaged search index is made again."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from archive_factory import make_archive

from bulletin.build import LOCK_FILE, STATE_FILE


@pytest.fixture
def project(tmp_path: Path) -> Path:
    make_archive(tmp_path, {2016: 6, 2017: 6})
    return tmp_path


def build(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bulletin.cli", "build", *args], cwd=project, capture_output=True,
                          text=True, check=False, timeout=600)


def state(project: Path, out: str = "out") -> dict[str, object]:
    data: dict[str, object] = json.loads((project / out / STATE_FILE).read_text(encoding="utf-8"))
    return data


def test_ctrl_c_stops_a_folder_build_at_once_and_keeps_what_was_finished(project: Path) -> None:
    """As a terminal sends it: SIGINT to the whole process group, workers included."""
    process = subprocess.Popen([sys.executable, "-m", "bulletin.cli", "build", "issues", "--out", "out", "--jobs", "2"],
                               cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               start_new_session=True)
    assert process.stdout is not None
    first = process.stdout.readline()
    assert first.startswith("[1/12] "), first
    os.killpg(process.pid, signal.SIGINT)
    stopped = time.monotonic()
    out, err = process.communicate(timeout=60)
    assert time.monotonic() - stopped < 5, "the build did not stop at once"
    assert process.returncode == 130
    assert "Traceback" not in err and err.count("\n") == 1 and err.startswith("已中断："), err
    done = int(re.search(r"(\d+) 期已完成", err).group(1))  # type: ignore[union-attr]
    assert done >= 1 and len(state(project)) == done
    with pytest.raises(ProcessLookupError):  # no worker outlives it
        os.killpg(process.pid, 0)
    again = build(project, "issues", "--out", "out", "--jobs", "2")
    assert again.returncode == 0, again.stderr
    assert f"[1/{12 - done}] " in again.stdout and f"12 期中 {done} 期未改动" in again.stdout


@pytest.mark.parametrize("damage", ["[]", "{not json", '{"x": 1}', ""])
def test_a_damaged_state_is_started_afresh(project: Path, damage: str) -> None:
    assert build(project, "issues/2016", "--out", "out", "--format", "docx").returncode == 0
    (project / "out" / STATE_FILE).write_text(damage, encoding="utf-8")
    result = build(project, "issues/2016", "--out", "out", "--format", "docx")
    assert result.returncode == 0 and "构建状态文件无法读取" in result.stderr, result.stderr
    assert "[6/6]" in result.stdout and len(state(project)) == 6


def test_two_builds_into_one_folder_keep_each_others_state(project: Path) -> None:
    processes = [subprocess.Popen([sys.executable, "-m", "bulletin.cli", "build", f"issues/{year}", "--out", "out",
                                   "--format", "docx", "--jobs", "1"], cwd=project, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True) for year in (2016, 2017)]
    for process in processes:
        _, err = process.communicate(timeout=600)
        assert process.returncode == 0, err
    assert len(state(project)) == 12
    result = build(project, "issues", "--out", "out", "--format", "docx")
    assert "12 期中 12 期未改动" in result.stdout


def test_one_lock_file_for_the_folder(project: Path) -> None:
    (project / "out").mkdir()
    (project / "out" / ".2016-01.lock").write_text("")  # an older version's
    assert build(project, "issues", "--out", "out", "--format", "docx").returncode == 0
    hidden = sorted(p.name for p in (project / "out").iterdir() if p.name.startswith("."))
    assert hidden == [STATE_FILE, LOCK_FILE]


@pytest.mark.parametrize("damage", [b"not a database at all" * 100, b""])
def test_a_damaged_search_index_is_made_again(project: Path, damage: bytes) -> None:
    run = [sys.executable, "-m", "bulletin.cli", "search", "--issues", "issues", "--index", "build/search.sqlite"]
    assert subprocess.run([*run, "数字经济"], cwd=project, capture_output=True, check=False).returncode == 0
    (project / "build" / "search.sqlite").write_bytes(damage)
    result = subprocess.run([*run, "数字经济"], cwd=project, capture_output=True, text=True, check=False)
    assert result.returncode == 0 and "数字经济" in result.stdout, result.stderr
    assert "Traceback" not in result.stderr
