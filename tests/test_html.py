"""The templates: the HTML of each sample issue against its golden file (see README to regenerate)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ISSUES, ROOT

from bulletin.html import render_html
from bulletin.loader import Loaded, load
from bulletin.typeset import Typesetter

GOLDEN = Path(__file__).resolve().parent / "golden"
SAMPLES = {
    "2018-06": ISSUES / "2018" / "2018-06.yaml",
    "2018-10": ISSUES / "2018" / "2018-10.yaml",
    "features": ROOT / "tests" / "data" / "features" / "issues" / "features.yaml",
}


def html_of(loaded: Loaded) -> str:
    return render_html(loaded.issue, Typesetter(loaded.issue, loaded.path.parent))


@pytest.mark.parametrize("name", SAMPLES)
def test_html_matches_golden(name: str, regen_golden: bool) -> None:
    html = html_of(load(SAMPLES[name]))
    golden = GOLDEN / f"{name}.html"
    if regen_golden:
        golden.write_text(html, encoding="utf-8")
    assert golden.exists(), f"no golden file: run the tests with --regen-golden once, then read {golden}"
    expected = golden.read_text(encoding="utf-8")
    assert html.splitlines() == expected.splitlines(), "the HTML changed: if intended, regenerate (README)"


def test_content_is_escaped_never_run_as_markup_or_template(tmp_path: Path) -> None:
    source = (SAMPLES["features"]).read_text(encoding="utf-8")
    hostile = source.replace("民营企业复工复产情况调查", "<script>x</script>{{ 7*7 }}&amp;")
    (tmp_path / "issues").mkdir()
    (tmp_path / "publication.yaml").write_bytes((ROOT / "publication.yaml").read_bytes())
    for photo in ("meeting.png", "visit.png"):
        (tmp_path / "issues" / photo).write_bytes((SAMPLES["features"].parent / photo).read_bytes())
    path = tmp_path / "issues" / "x.yaml"
    path.write_text(hostile, encoding="utf-8")
    html = html_of(load(path))
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "{{ 7*7 }}" in html.replace("&#34;", '"') and "49" not in html.split("<body>")[1][:2000]
    assert "&amp;amp;" in html
