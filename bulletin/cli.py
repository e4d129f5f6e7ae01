"""The command line: bulletin build | check."""

from __future__ import annotations

import argparse
import sys
import traceback
from collections.abc import Iterator, Sequence
from pathlib import Path

from bulletin import __version__
from bulletin.check import check
from bulletin.errors import BulletinError, Problem
from bulletin.fonts import FontError
from bulletin.loader import PUBLICATION_FILE, Loaded, display_path, load
from bulletin.output import write_atomic
from bulletin.typeset import Typesetter


def main(argv: Sequence[str] | None = None) -> int:
    """Run a command; exit status 0 when every issue went through, 1 when any did not."""
    args = _parser().parse_args(argv)
    failed = 0
    for path in _issue_files(args.paths):
        try:
            args.run(path, args)
        except BulletinError as error:
            failed += 1
            for problem in error.problems:
                print(problem, file=sys.stderr)
        except Exception as error:  # an error of ours or of a library: a message, not a traceback
            failed += 1
            if args.verbose:
                traceback.print_exc()
            print(f"{display_path(path)}: error: {error}"
                  + ("" if args.verbose else " (--verbose shows the traceback)"), file=sys.stderr)
    return 1 if failed else 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="bulletin", description="Typeset a bulletin issue from YAML.")
    parser.add_argument("--version", action="version", version=f"bulletin {__version__}")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")
    build = commands.add_parser("build", help="render issues into PDF and DOCX")
    build.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="issue files or folders of them")
    build.add_argument("--out", type=Path, default=Path("build"), help="output folder (default: build)")
    build.add_argument("--format", type=_formats, default=FORMATS, metavar="pdf,docx",
                       help="what to write (default: both)")
    build.set_defaults(run=_build)
    checking = commands.add_parser("check", help="validate issues without rendering")
    checking.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="issue files or folders of them")
    checking.set_defaults(run=_check)
    for command in (build, checking):
        command.add_argument("--verbose", action="store_true", help="show tracebacks of unexpected errors")
    return parser


FORMATS = ("pdf", "docx")


def _formats(text: str) -> tuple[str, ...]:
    chosen = tuple(dict.fromkeys(part.strip() for part in text.split(",") if part.strip()))
    unknown = [part for part in chosen if part not in FORMATS]
    if unknown or not chosen:
        raise argparse.ArgumentTypeError(f"expected pdf, docx or pdf,docx, got {text!r}")
    return chosen


def _issue_files(paths: list[Path]) -> Iterator[Path]:
    """The issue files named, and those under the folders named (publication files aside)."""
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*.yaml") if p.name != PUBLICATION_FILE)
        else:
            yield path


def _prepare(path: Path) -> tuple[Loaded, Typesetter]:
    """Load and check an issue: every problem at once, or nothing."""
    loaded = load(path)
    try:
        typesetter = Typesetter(loaded.issue)
    except FontError as error:
        raise BulletinError([Problem(display_path(path), 0, 0, "", str(error))]) from None
    problems = check(loaded, typesetter)
    if problems:
        raise BulletinError(problems)
    return loaded, typesetter


def _check(path: Path, args: argparse.Namespace) -> None:
    _prepare(path)
    print(f"{display_path(path)}: ok")


def _build(path: Path, args: argparse.Namespace) -> None:
    loaded, typesetter = _prepare(path)
    outputs: dict[Path, bytes] = {}  # everything is rendered before anything is written
    if "pdf" in args.format:
        from bulletin.html import render_html
        from bulletin.pdf import harfbuzz_subset_missing, render_pdf

        if harfbuzz_subset_missing() and not getattr(_build, "warned", False):
            _build.warned = True  # type: ignore[attr-defined]
            print("warning: HarfBuzz's subsetter (Debian libharfbuzz-subset0) is missing: "
                  "every PDF will take seconds longer to write", file=sys.stderr)
        outputs[args.out / f"{path.stem}.pdf"] = render_pdf(loaded.issue, path.parent,
                                                            render_html(loaded.issue, typesetter))
    if "docx" in args.format:
        from bulletin.word import render_docx

        outputs[args.out / f"{path.stem}.docx"] = render_docx(loaded.issue, path.parent)
    for target, data in outputs.items():
        write_atomic(target, data)
    print(f"{display_path(path)} -> " + ", ".join(display_path(target) for target in outputs))


if __name__ == "__main__":
    sys.exit(main())
