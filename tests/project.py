"""A project folder for a test: the publication file, one issue of given articles or body, its photos; built."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from conftest import ROOT

from bulletin.cli import main


def build_issue(tmp_path: Path, body: list[Any] | None = None, photos: dict[str, bytes] | None = None, *,
                articles: list[dict[str, Any]] | None = None, **fields: Any) -> tuple[Path, Path]:
    """The issue built by `bulletin build` into tmp_path/out: its PDF and DOCX."""
    (tmp_path / "issues").mkdir(exist_ok=True)
    (tmp_path / "publication.yaml").write_bytes((ROOT / "publication.yaml").read_bytes())
    for name, data in (photos or {}).items():
        (tmp_path / "issues" / name).write_bytes(data)
    issue = {"year": 2026, "number": 1, "date": "2026-01-05", **fields,
             "articles": articles or [{"title": "照片", "body": ["正文一段。", *(body or [])]}]}
    path = tmp_path / "issues" / "a.yaml"
    path.write_text(yaml.safe_dump(issue, allow_unicode=True), encoding="utf-8")
    assert main(["build", str(path), "--out", str(tmp_path / "out")]) == 0
    return tmp_path / "out" / "a.pdf", tmp_path / "out" / "a.docx"
