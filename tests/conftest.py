"""Shared fixtures: the project's paths and the golden-file switch."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
ISSUES = ROOT / "issues"
REFERENCE = ROOT.parent / "shared" / "reference"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--regen-golden", action="store_true",
                     help="rewrite the golden files from the current output (then read the diff)")


@pytest.fixture(autouse=True)
def chinese() -> None:
    """Every test starts in Chinese, the editor's language (and the samples' publication.yaml's); a test of
    the English messages says so (i18n.use("en")). A command run in the test sets its own, as it does."""
    from bulletin import i18n

    i18n.use("zh")


@pytest.fixture
def regen_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--regen-golden"))


def style(part: Any) -> Any:
    """The style of a python-docx paragraph or run, which its type allows to be None; here it never is."""
    assert part.style is not None, part.text
    return part.style
