"""The import corpus measured: each draft imported and compared with its editor's issue, field by field
(.venv/bin/python bench/import_corpus.py [--half dev|held|all])."""

from __future__ import annotations

import argparse
import difflib
import re
import shutil
import statistics
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bulletin.errors import BulletinError  # noqa: E402
from bulletin.importer import import_issue, write_issue  # noqa: E402
from bulletin.loader import load  # noqa: E402
from bulletin.model import Article, Issue, Photo, PhotoRow, Prose, Table  # noqa: E402

CORPUS = ROOT / "tests" / "data" / "corpus"
PUBLICATION = ROOT / "publication.yaml"  # the publication values the drafts are imported against
HALVES = ("dev", "held")


@dataclass(frozen=True)
class Case:
    """One draft of the corpus, as corpus.yaml lists it."""

    name: str
    half: str
    kind: str
    about: str
    dated: bool  # the draft gives the issue's own date (otherwise the editor chose it: not measured)

    @property
    def folder(self) -> Path:
        return CORPUS / self.name

    @property
    def draft(self) -> Path:
        return next(self.folder.glob("draft.*"))


def cases(half: str = "all") -> list[Case]:
    """The corpus's drafts of one half (dev, held) or all."""
    index = yaml.safe_load((CORPUS / "corpus.yaml").read_text(encoding="utf-8"))["drafts"]
    found = [Case(item["name"], item["half"], item["kind"], item["about"], bool(item.get("dated"))) for item in index]
    return [case for case in found if half in ("all", case.half)]


# --- what is compared --------------------------------------------------------------------------------------


def compact(text: Any) -> str:
    """A value as compared: its text without white space and bold marks ('' for none)."""
    return re.sub(r"\s+", "", str(text)).replace("**", "") if text is not None else ""


def prose(article: Article) -> list[tuple[int, str]]:
    """(level, text) of every paragraph and heading of an article, in order."""
    return [(p.level, compact("".join(span.text for span in p.spans)))
            for block in article.body if isinstance(block, Prose) for p in block.paragraphs]


def photos(article: Article) -> list[tuple[str, str]]:
    """(caption, credit) of every photo, a row of them counted as its photos with the row's caption."""
    out = []
    for block in article.body:
        if isinstance(block, Photo):
            out.append((compact(block.caption), compact(block.credit)))
        elif isinstance(block, PhotoRow):
            out += [(compact(photo.caption), "") for photo in block.photos]
            out.append((compact(block.caption), compact(block.credit)))
    return out


def dateline(text: str | None) -> str:
    """A dateline as compared: without the brackets some drafts type around it."""
    return compact(text).strip("（）()")


FIELDS: dict[str, Callable[[Issue, Case], Any]] = {
    "issue": lambda issue, case: (issue.kind, issue.year, issue.number, issue.serial, issue.issuers),
    "title": lambda issue, case: [compact(a.headline) for a in issue.articles],
    "head": lambda issue, case: [(compact(a.kicker), compact(a.subtitle), compact(a.note),
                                  compact(a.column).strip("【】")) for a in issue.articles],
    "byline": lambda issue, case: [compact(a.byline) for a in issue.articles],
    "date": lambda issue, case: (issue.date if case.dated else None, [dateline(a.dateline) for a in issue.articles]),
    "source": lambda issue, case: [(compact(a.source), compact(a.author), compact(a.published), compact(a.link))
                                   for a in issue.articles],
    "articles": lambda issue, case: len(issue.articles),
    "headings": lambda issue, case: [[p for p in prose(a) if p[0]] for a in issue.articles],
    "paragraphs": lambda issue, case: [sum(1 for p in prose(a) if not p[0]) for a in issue.articles],
    "photos": lambda issue, case: [photos(a) for a in issue.articles],
    "tables": lambda issue, case: [[[[compact(c) for c in row] for row in b.table] for b in a.body
                                    if isinstance(b, Table)] for a in issue.articles],
}


def text(issue: Issue) -> str:
    """The text of every article's body, one paragraph a line: what the text ratio compares."""
    return "\n".join(p for a in issue.articles for _, p in prose(a))


@dataclass(frozen=True)
class Measure:
    """One draft measured: which fields came out right, the text ratio, and the error if the import failed."""

    case: Case
    right: dict[str, bool]
    ratio: float
    error: str = ""


def project(folder: Path) -> Path:
    """A publication folder: the publication file, and an issues/ folder."""
    (folder / "issues").mkdir(parents=True)
    shutil.copyfile(PUBLICATION, folder / "publication.yaml")
    return folder


def target(folder: Path, case: Case) -> Path:
    """Where the editor's issue goes in a project: issues/YYYY/YYYY-NN.yaml, as the expected issue numbers it."""
    expected = yaml.safe_load((case.folder / "expected.yaml").read_text(encoding="utf-8"))
    supplement = "z" if expected.get("kind") == "增刊" else ""
    path = folder / "issues" / str(expected["year"]) / f"{expected['year']}-{supplement}{expected['number']:02d}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def load_expected(case: Case, folder: Path) -> Issue:
    """The editor's issue, loaded (validated) from inside a project, its photos beside it."""
    path = target(project(folder), case)
    shutil.copyfile(case.folder / "expected.yaml", path)
    if (case.folder / "photos").is_dir():
        shutil.copytree(case.folder / "photos", path.parent / "photos")
    return load(path).issue


def load_imported(case: Case, folder: Path) -> Issue:
    """The draft imported into a project, written and loaded as `bulletin import` and `build` would."""
    path = target(project(folder), case)
    imported = import_issue(case.draft, target=path)
    write_issue(imported.text, path, imported.photos)
    return load(path).issue


def measure_case(case: Case) -> Measure:
    """Import one draft and compare it with the editor's issue."""
    with tempfile.TemporaryDirectory() as temp:
        expected = load_expected(case, Path(temp) / "expected")
        try:
            imported = load_imported(case, Path(temp) / "imported")
        except BulletinError as error:
            return Measure(case, dict.fromkeys(FIELDS, False), 0.0, str(error).splitlines()[0][:80])
    right = {name: facet(imported, case) == facet(expected, case) for name, facet in FIELDS.items()}
    ratio = difflib.SequenceMatcher(None, text(expected), text(imported), autojunk=False).ratio()
    return Measure(case, right, ratio)


def measure(half: str = "all") -> list[Measure]:
    """Every draft of a half measured."""
    return [measure_case(case) for case in cases(half)]


def summary(measures: list[Measure]) -> dict[str, float]:
    """The share of drafts each field is right on, and the mean and least text ratio."""
    shares = {name: sum(m.right[name] for m in measures) / len(measures) for name in FIELDS}
    ratios = [m.ratio for m in measures]
    return {**shares, "ratio mean": statistics.fmean(ratios), "ratio min": min(ratios)}


# --- the report --------------------------------------------------------------------------------------------

SHORT = {"issue": "iss", "title": "tit", "head": "hed", "byline": "byl", "date": "dat", "source": "src",
         "articles": "art", "headings": "hdg", "paragraphs": "par", "photos": "pho", "tables": "tab"}


def report(measures: list[Measure]) -> str:
    """The table of drafts (+ right, - wrong) and the figures of each half."""
    width = max(len(m.case.name) for m in measures)
    lines = [f"{'draft':<{width}} half " + " ".join(SHORT[name] for name in FIELDS) + "  ratio"]
    for m in measures:
        marks = " ".join(f"{'+' if m.right[name] else '-':>3}" for name in FIELDS)
        note = f"  {m.error}" if m.error else ""
        lines.append(f"{m.case.name:<{width}} {m.case.half:<4} {marks}  {m.ratio:.4f}{note}")
    for half in HALVES:
        part = [m for m in measures if m.case.half == half]
        if not part:
            continue
        figures = summary(part)
        lines.append("")
        lines.append(f"{half} ({len(part)} drafts): " + ", ".join(f"{name} {figures[name]:.0%}" for name in FIELDS))
        lines.append(f"{half} text ratio: mean {figures['ratio mean']:.4f}, min {figures['ratio min']:.4f}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--half", choices=("dev", "held", "all"), default="dev")
    args = parser.parse_args()
    print(report(measure(args.half)))


if __name__ == "__main__":
    main()
