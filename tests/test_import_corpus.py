"""The import corpus: every editor's issue is valid, and the dev half imports at least as well as last measured."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest


def bench() -> ModuleType:
    """bench/import_corpus.py, the measure, loaded as a module."""
    path = Path(__file__).resolve().parents[1] / "bench" / "import_corpus.py"
    spec = importlib.util.spec_from_file_location("import_corpus", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("import_corpus", module)
    spec.loader.exec_module(module)
    return module


CORPUS = bench()

# The dev half's figures as measured (bench/import_corpus.py --half dev): how many of its drafts each field is
# right on, and the text ratio's mean and least; none may fall below them.
RIGHT = {"issue": 18, "title": 17, "head": 16, "byline": 17, "date": 18, "source": 16, "articles": 18,
         "headings": 18, "paragraphs": 17, "photos": 18, "tables": 18}
RATIO_MEAN, RATIO_MIN = 0.9977, 0.9587


def test_the_index_lists_every_draft_once_each_half_near_half() -> None:
    listed = [case.name for case in CORPUS.cases()]
    folders = sorted(path.name for path in CORPUS.CORPUS.iterdir() if (path / "expected.yaml").is_file())
    assert sorted(listed) == folders and len(set(listed)) == len(listed) >= 30
    assert all(len(list(CORPUS.CORPUS.joinpath(name).glob("draft.*"))) == 1 for name in listed)
    kinds = {case.kind for case in CORPUS.cases()}
    for kind in kinds:
        halves = [case.half for case in CORPUS.cases() if case.kind == kind]
        assert {"dev", "held"} <= set(halves), kind


@pytest.mark.parametrize("case", CORPUS.cases(), ids=lambda case: case.name)
def test_the_editors_issue_loads(case: object, tmp_path: Path) -> None:
    issue = CORPUS.load_expected(case, tmp_path / "project")
    assert issue.articles


def test_the_dev_half_imports_at_least_as_well_as_measured() -> None:
    measures = CORPUS.measure("dev")
    figures = CORPUS.summary(measures)
    right = {name: round(figures[name] * len(measures)) for name in RIGHT}
    below = {name: (right[name], floor) for name, floor in RIGHT.items() if right[name] < floor}
    assert not below, CORPUS.report(measures)
    assert figures["ratio mean"] >= RATIO_MEAN and figures["ratio min"] >= RATIO_MIN, CORPUS.report(measures)
