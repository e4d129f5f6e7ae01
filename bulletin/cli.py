"""The command line: bulletin init | new | build | check | serve | publish | verify | index | search | import |
audit | fonts."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import errno
import os
import re
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TextIO

from bulletin import __version__, i18n
from bulletin.errors import BulletinError, Problem
from bulletin.i18n import N_, _

if TYPE_CHECKING:
    from bulletin.archive import Archive, Rebuilt
    from bulletin.build import Result
    from bulletin.pdf import Worker
    from bulletin.proofread import Finding

FORMATS = ("pdf", "docx")
INTERRUPTED = 130  # the exit status of a command stopped by Ctrl-C (128 + SIGINT), as shells report it


def main(argv: Sequence[str] | None = None) -> int:
    """Run a command; exit status 0 when all went through, 1 when anything did not. Bare `bulletin` shows
    the help."""
    i18n.use(i18n.language_for(_publication_language()))
    parser = _parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "run"):
        parser.print_help()
        return 0
    _project_defaults(args)
    try:
        return int(args.run(args))
    except BulletinError as error:
        _print_problems(error.problems)
    except KeyboardInterrupt:
        print(_("interrupted"), file=sys.stderr)
        return INTERRUPTED
    except Exception as error:  # an error of ours or of a library: a message, not a traceback
        if args.verbose:
            traceback.print_exc()
        print(_("error: {error}").format(error=error) + ("" if args.verbose else _(" (--verbose shows the traceback)")),
              file=sys.stderr)
    return 1


def _publication_language() -> str | None:
    """What the publication around the working folder says of its language (None: it says nothing, or its
    file cannot be read now; its problems are told when a command reads it)."""
    import yaml

    from bulletin.inputs import MAX_ISSUE_BYTES, Refused, read_regular
    from bulletin.loader import find_publication

    publication = find_publication(Path.cwd() / "issue.yaml")
    try:  # composed, not constructed: its aliases are not expanded
        node = yaml.compose(read_regular(publication, MAX_ISSUE_BYTES).decode("utf-8-sig")) if publication else None
    except (OSError, Refused, ValueError, yaml.YAMLError, RecursionError):
        return None
    if not isinstance(node, yaml.MappingNode):
        return None
    said = [value.value for key, value in node.value if isinstance(key, yaml.ScalarNode) and key.value == "language"
            and isinstance(value, yaml.ScalarNode)]
    return str(said[0]) if said else None


# Each command's examples, shown by its --help (run from anywhere inside the publication's folder): the command,
# and what it does (translated where it is shown).
EXAMPLES: dict[str, list[tuple[str, str]]] = {
    "build": [("bulletin build", N_("every issue of issues/ into build/")),
              ("bulletin build issues/2018/2018-10.yaml", N_("one issue")),
              ("bulletin build issues/ --format pdf --out /tmp/out", "")],
    "check": [("bulletin check issues/2018/2018-10.yaml", N_("validate and proofread")),
              ("bulletin check --all --strict", N_("every issue, and the archive's numbering")),
              ("bulletin check issues/2018/2018-10.yaml --fix", N_("apply the safe fixes"))],
    "init": [("bulletin init 工商联信息 --issuer 某某市工商业联合会 --issuer 某某市总商会 --code gslxx", ""),
             ("bulletin init", N_("in the working folder"))],
    "new": [("bulletin new", N_("the next issue, dated today")),
            ("bulletin new --date 2018-11-05", ""),
            ("bulletin new --kind 增刊", N_("the year's next 增刊"))],
    "publish": [("bulletin publish issues/2018/2018-10.yaml", ""),
                ("bulletin publish issues/2018/2018-10.yaml --supersede --reason 更正第2页日期", "")],
    "verify": [("bulletin verify", ""),
               ("bulletin verify --expect 3f9a…", N_("the record's last hash, as noted at the last publish")),
               ("bulletin verify --rebuild", N_("make every edition again from the archive alone and compare")),
               ("bulletin verify --rebuild gslxx-2018-10-r2", N_("one edition (gslxx-2018-10: all of the issue's)"))],
    "index": [("bulletin index --out site/", "")],
    "serve": [("bulletin serve issues/2018/2018-10.yaml", N_("then open http://127.0.0.1:8000/"))],
    "search": [("bulletin search 消薄", ""), ("bulletin search 民营经济 --limit 10", "")],
    "import": [("bulletin import 来稿.docx -o issues/2018/2018-11.yaml", N_("or .md, .txt"))],
    "audit": [("bulletin audit build/2018-10.pdf 外单位简报.pdf", "")],
    "fonts": [("sudo apt-get install fonts-noto-cjk fonts-lxgw-wenkai", N_("the packages they are made from")),
              ("bulletin fonts",
               N_("into ~/.local/share/bulletin/fonts, or a checkout's fonts/ (BULLETIN_FONTS: another folder)"))],
}
EXAMPLE_WIDTH = 48  # the column the examples' notes start at
OUTCOMES = {"published": N_("published"), "superseded": N_("superseded")}  # what publish did, as it is told


# argparse's own words, which it says through gettext.gettext (bound at its import as its module's `_`):
# marked here for the catalogue, said in the editor's language by _speak_argparse.
ARGPARSE_WORDS = (
    N_("usage: "), N_("positional arguments"), N_("options"), N_("show this help message and exit"),
    N_("show program's version number and exit"), N_("the following arguments are required: %s"),
    N_("unrecognized arguments: %s"), N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("argument %(argument_name)s: %(message)s"), N_("%(prog)s: error: %(message)s\n"),
    N_("expected one argument"), N_("invalid %(type)s value: %(value)r"),
    N_("ambiguous option: %(option)s could match %(matches)s"), N_("not allowed with argument %s"),
    N_("one of the arguments %s is required"),
)


def _speak_argparse() -> None:
    """Let argparse say its words (usage:, error:, the arguments required …) through the catalogue, where
    it still says them through gettext.gettext as its module's `_` (Python 3.11 to 3.13 do); on a Python
    whose argparse does otherwise, they stay its own English."""
    import gettext

    if getattr(argparse, "_", None) in (gettext.gettext, i18n._):
        argparse._ = i18n._  # type: ignore[attr-defined]


def _parser() -> argparse.ArgumentParser:
    _speak_argparse()
    parser = argparse.ArgumentParser(
        prog="bulletin", description=_("Typeset and archive an internal bulletin's issues."),
        epilog=_("Run it anywhere inside the publication's folder (the one that holds publication.yaml); "
                 "bulletin COMMAND --help shows examples."))
    parser.add_argument("--version", action="version", version=f"bulletin {__version__}")
    commands = parser.add_subparsers(metavar="COMMAND")

    def command(name: str, help: str, run: object) -> argparse.ArgumentParser:
        examples = "\n".join(f"  {line:<{EXAMPLE_WIDTH}} # {_(note)}" if note else f"  {line}"
                             for line, note in EXAMPLES.get(name, []))
        sub = commands.add_parser(name, help=help, description=help,
                                  epilog=_("examples:") + f"\n{examples}" if examples else None,
                                  formatter_class=argparse.RawDescriptionHelpFormatter)
        sub.set_defaults(run=run)
        sub.add_argument("--verbose", action="store_true", help=_("show the traceback of an unexpected error"))
        return sub

    issues = _("the folder of issue files (default: the publication's issues/)")
    paths = {"nargs": "*", "type": Path, "metavar": "PATH",
             "help": _("issue files or folders of them (default: the publication's issues/)")}
    build = command("build", _("render issues into PDF and DOCX, only those that changed"), _build)
    build.add_argument("paths", **paths)  # type: ignore[arg-type]
    build.add_argument("--out", type=Path, default=None,
                       help=_("the output folder (default: the publication's build/)"))
    build.add_argument("--format", type=_formats, default=FORMATS, metavar="pdf,docx",
                       help=_("what to write: pdf, docx or both (default)"))
    build.add_argument("--jobs", type=int, default=None, help=_("processes to use (default: one per core)"))
    checking = command("check", _("validate and proofread issues without rendering them"), _check)
    checking.add_argument("paths", nargs="*", type=Path, metavar="PATH", help=_("issue files or folders of them"))
    checking.add_argument("--all", action="store_true", help=_("the whole archive issues/ and its numbering"))
    checking.add_argument("--fix", action="store_true", help=_("apply the proofreader's safe fixes in place"))
    checking.add_argument("--strict", action="store_true", help=_("exit 1 on any finding"))
    init = command("init", _("start a new publication folder: a commented publication.yaml, issues/ and the "
                             "first issue"), _init)
    init.add_argument("folder", nargs="?", type=Path, default=Path("."), metavar="FOLDER",
                      help=_("the new publication's folder (default: the working folder)"))
    init.add_argument("--name", default="工商联信息", help=_("the masthead name (default: 工商联信息)"))
    init.add_argument("--issuer", action="append", metavar="ISSUER",
                      help=_("an issuer (编印单位); repeat for each"))
    init.add_argument("--code", default="bulletin", type=_code,
                      help=_("the publication's code in the archive's file names: lowercase letters, digits, "
                             "hyphens"))
    init.add_argument("--date", type=dt.date.fromisoformat, default=None,
                      help=_("the first issue's date, YYYY-MM-DD (default: today)"))
    new = command("new", _("create the next issue's file"), _new)
    new.add_argument("--date", type=dt.date.fromisoformat, default=None, help=_("YYYY-MM-DD (default: today)"))
    new.add_argument("--issues", type=Path, default=None, help=issues)
    new.add_argument("--kind", choices=("正刊", "专刊", "增刊"), default="正刊",
                     help=_("正刊 (the default) and 专刊 take the next number; a 增刊 the year's next 增刊 number"))
    publish = command("publish", _("freeze an issue in the archive: PDF/A-3b, YAML, DOCX and the manifest"),
                      _publish)
    publish.add_argument("path", type=Path, metavar="ISSUE")
    publish.add_argument("--supersede", action="store_true", help=_("publish a corrected edition (更正版)"))
    publish.add_argument("--reason", default=None, help=_("why a corrected edition is needed (kept in the archive)"))
    catalogue = command("index", _("write the archive's catalogue pages (by year) and each year's compilation "
                                   "PDF"), _index)
    catalogue.add_argument("--out", type=Path, required=True, help=_("the folder for the catalogue"))
    catalogue.add_argument("--issues", type=Path, default=None, help=issues)
    catalogue.add_argument("--build", type=Path, default=None, help=_("where unpublished issues were built"))
    catalogue.add_argument("--no-compilations", action="store_true", help=_("skip the yearly compilations"))
    preview = command("serve", _("preview an issue at http://127.0.0.1:PORT/, updated on every save"), _serve)
    preview.add_argument("path", type=Path, metavar="ISSUE")
    preview.add_argument("--port", type=int, default=8000, help=_("the local port (default: 8000)"))
    searching = command("search", _("find the articles that hold every word of a query"), _search)
    searching.add_argument("term", nargs="+", metavar="TERM",
                           help=_("words of two characters or more, all of which an article must hold; a phrase "
                                  "in quotes (\"民营 经济\") is one word"))
    searching.add_argument("--issues", type=Path, default=None, help=issues)
    searching.add_argument("--index", type=Path, default=None,
                           help=_("the search index, updated before each search (default: build/search.sqlite)"))
    searching.add_argument("--build", type=Path, default=None,
                           help=_("where unpublished issues were built: their PDFs give the pages (default: "
                                  "build/)"))
    searching.add_argument("--limit", type=int, default=50, help=_("at most this many hits (default: 50)"))
    importing = command("import", _("turn a draft (.docx, .md, .txt) into an issue file"), _import)
    importing.add_argument("draft", type=Path, metavar="DRAFT")
    importing.add_argument("-o", "--output", type=Path, required=True, metavar="ISSUE.yaml",
                           help=_("the issue file to write (never over an existing one)"))
    auditing = command("audit", _("measure a PDF, ours or one from Word or WPS, against the layout: type area, "
                                  "pitch, characters a line, justification, line-breaking rules, masthead, page "
                                  "numbers, colophon"), _audit)
    auditing.add_argument("pdfs", nargs="+", type=Path, metavar="FILE.pdf", help=_("the PDF files to audit"))
    command("fonts", _("make the free fonts from Debian's packages into the folder bulletin reads them from "
                       "(once; ./run does it in a checkout)"), _fonts)
    verify = command("verify", _("hash the archive again against its manifest"), _verify)
    verify.add_argument("--archive", type=Path, default=None,
                        help=_("the archive folder (default: the publication's)"))
    verify.add_argument("--expect", default=None, metavar="HASH",
                        help=_("the record's last hash as noted at the last publish: whatever was removed since is "
                               "found"))
    verify.add_argument("--rebuild", nargs="?", const="", default=None, metavar="EDITION",
                        help=_("make every edition, or EDITION, again from the archive alone (its full source and "
                               "photos) and compare the bytes with the PDF and DOCX kept"))
    return parser


def _project_defaults(args: argparse.Namespace) -> None:
    """Fill the folders left unsaid from the publication's folder: the nearest one above the working folder
    that holds publication.yaml (as git finds its repository), or the working folder itself."""
    from bulletin.loader import find_publication

    publication = find_publication(Path.cwd() / "issue.yaml")
    root = publication.parent if publication is not None else Path.cwd()
    root = Path(os.path.relpath(root)) if root.is_relative_to(Path.cwd()) else root
    args.root = root
    for key, default in (("issues", root / "issues"), ("out", root / "build"), ("build", root / "build"),
                         ("index", root / "build" / "search.sqlite")):
        if getattr(args, key, False) is None:
            setattr(args, key, default)
    if getattr(args, "paths", None) == [] and args.run is _build:
        args.paths = [root / "issues"]


def _code(text: str) -> str:
    if not re.fullmatch(r"[a-z][a-z0-9-]*", text):
        raise argparse.ArgumentTypeError(_("{code}: a publication's code is lowercase letters, digits and hyphens, "
                                           "starting with a letter").format(code=repr(text)))
    return text


def _formats(text: str) -> tuple[str, ...]:
    chosen = tuple(dict.fromkeys(part.strip() for part in text.split(",") if part.strip()))
    unknown = [part for part in chosen if part not in FORMATS]
    if unknown or not chosen:
        raise argparse.ArgumentTypeError(_("expected pdf, docx or pdf,docx, got {text}").format(text=repr(text)))
    return chosen


def _issue_files(paths: list[Path]) -> list[Path]:
    """The issue files named, and those under the folders named."""
    from bulletin.archive import issue_files

    return [file for path in paths for file in (issue_files(path) if path.is_dir() else [path])]


def _print_problems(problems: Sequence[Problem], findings: Sequence[Finding] = ()) -> None:
    """Problems and the proofreader's findings together, in the order of their places in the files."""
    told: list[Problem | Finding] = [*problems, *findings]
    for item in sorted(told, key=lambda item: (item.file, item.line, item.column)):
        print(item, file=sys.stderr)


def _build(args: argparse.Namespace) -> int:
    worker = _pdf_worker(args)  # first, so that it gets ready while this process imports and typesets
    try:
        return _build_with(args, worker)
    finally:
        if worker:
            worker.close()


def _pdf_worker(args: argparse.Namespace) -> Worker | None:
    """A process for the PDF when one issue file is named and there is a core to spare (the editor's
    build; folders of issues are built one issue per core instead)."""
    if "pdf" not in args.format or len(args.paths) != 1 or not args.paths[0].is_file():
        return None
    if args.jobs == 1 or (os.cpu_count() or 1) < 2:
        return None
    import multiprocessing

    if "fork" not in multiprocessing.get_all_start_methods():  # Windows: the PDF is made in this process
        return None
    from bulletin.pdf import Worker

    return Worker()


def _build_with(args: argparse.Namespace, worker: Worker | None) -> int:
    from bulletin.build import Interrupted, build_all
    from bulletin.engine import harfbuzz_subset_missing
    from bulletin.loader import display_path

    if "pdf" in args.format and harfbuzz_subset_missing():
        print(_("warning: HarfBuzz's subsetter (Debian libharfbuzz-subset0) is missing: every PDF will take "
                "seconds longer to write"), file=sys.stderr)
    paths = _issue_files(args.paths)

    def report(done: int, total: int, result: Result) -> None:
        progress = f"[{done}/{total}] " if total > 1 else ""
        if result.written:
            targets = ", ".join(display_path(target) for target in result.written)
            print(f"{progress}{display_path(result.path)} -> {targets}", flush=True)
        elif result.problems:
            _print_problems(result.problems, result.found)
        else:
            if args.verbose and result.trace:
                print(result.trace, file=sys.stderr, end="")
            print(f"{display_path(result.path)}: " + _("error: {error}").format(error=result.error)
                  + ("" if args.verbose else _(" (--verbose shows the traceback)")), file=sys.stderr)

    status = _Status(sys.stderr)

    def building(done: int, total: int, now: list[Path]) -> None:
        names = "、".join(display_path(path) for path in now)
        status.show(_("building {issues} …").format(issues=f"[{done + 1}/{total}] {names}" if total > 1 else names))

    try:
        results = build_all(paths, args.out, args.format, status.clearing(report), jobs=args.jobs, worker=worker,
                            warn=status.clearing(lambda message: print(message, file=sys.stderr)),
                            building=building)
    except Interrupted as stop:
        status.clear()
        print(_("interrupted: {done} of {total} issues were built and are kept; the next build goes on with the "
                "rest").format(done=stop.done, total=stop.total), file=sys.stderr)
        return INTERRUPTED
    finally:
        status.clear()
    skipped = sum(result.skipped for result in results)
    if skipped:
        print(_("{skipped} of {total} up to date").format(skipped=skipped, total=len(results)))
    _tell_after_build(results)
    return 1 if any(result.problems or result.error for result in results) else 0


class _Status:
    """A line that says what is being done now, on a terminal only, written over by the next and cleared
    before anything else is printed (so that what stays on the screen is the results, line by line)."""

    def __init__(self, stream: TextIO) -> None:
        self.stream, self.shown = stream, False
        self.live = stream.isatty()

    def show(self, text: str) -> None:
        if self.live:
            self.stream.write(f"\r\x1b[K{text}")
            self.stream.flush()
            self.shown = True

    def clear(self) -> None:
        if self.shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self.shown = False

    def clearing(self, tell: Callable[..., None]) -> Callable[..., None]:
        """`tell`, with the status line cleared first."""

        def cleared(*args: object) -> None:
            self.clear()
            tell(*args)

        return cleared


def _tell_after_build(results: list[Result]) -> None:
    """What the editor should know of what was built: each missing office font once, and the proofreader's
    findings (for one issue, its count; for several, how many issues have some)."""
    from bulletin.loader import display_path

    for warning in dict.fromkeys(warning for result in results for warning in result.warnings):
        print(_("warning: {warning}").format(warning=warning), file=sys.stderr)
    found = [result for result in results if result.findings]
    if len(found) == 1:
        path, count = display_path(found[0].path), found[0].findings
        print(_("warning: {path}: the proofreader has {count} finding(s): bulletin check {path} lists them").format(
            path=path, count=count), file=sys.stderr)
    elif found:
        total = sum(result.findings for result in found)
        print(_("warning: the proofreader has {total} findings in {count} issues: bulletin check lists them").format(
            total=total, count=len(found)), file=sys.stderr)


def _check(args: argparse.Namespace) -> int:
    from bulletin.archive import integrity, scan
    from bulletin.loader import display_path, load, salvage
    from bulletin.proofread import apply_fixes, exit_status, proofread, proofread_salvaged

    paths = args.paths or ([args.root / "issues"] if args.all else [])
    if not paths:
        raise BulletinError([Problem("bulletin", 0, 0, "", _("check what? name issue files or folders, or --all"))])
    status = 0
    for path in _issue_files(paths):
        try:
            salvaged = salvage(path)  # the schema's problems and the proofreader's findings in one pass
            findings = proofread_salvaged(salvaged)
            if args.fix and not salvaged.problems and any(finding.fix for finding in findings):
                fixed = sum(apply_fixes(Path(file), findings) for file in dict.fromkeys(
                    finding.file for finding in findings if finding.fix))
                print(_("{path}: {count} fix(es) applied").format(path=display_path(path), count=fixed))
                findings = proofread(load(path))
        except BulletinError as error:
            status = 1
            _print_problems(error.problems)
            continue
        _print_problems(salvaged.problems, findings)
        if not findings and not salvaged.problems:
            print(_("{path}: ok").format(path=display_path(path)))
        status = max(status, exit_status(findings, args.strict), 1 if salvaged.problems else 0)
    folders = [path for path in paths if path.is_dir()]
    archive_problems = [problem for folder in folders for problem in integrity(scan(folder))]
    _print_problems(archive_problems)
    return 1 if status or archive_problems else 0


def _init(args: argparse.Namespace) -> int:
    from bulletin.archive import create_new
    from bulletin.html import environment
    from bulletin.loader import PUBLICATION_FILE, display_path, find_publication
    from bulletin.output import write_atomic

    folder: Path = args.folder
    above = find_publication(folder.resolve() / "issue.yaml")
    if above is not None:
        told = (_("a publication is here already: not made again") if above.parent == folder.resolve() else
                _("inside the folder of this publication: a publication is not made inside another"))
        raise BulletinError([Problem(display_path(above), 0, 0, "", told)])
    date = args.date or dt.date.today()
    folder.mkdir(parents=True, exist_ok=True)
    import yaml

    def scalar(value: str) -> str:  # as YAML writes it: quoted where it must be (a colon, a leading *)
        return str(yaml.safe_dump(value, allow_unicode=True, width=1 << 20)).removesuffix("\n").removesuffix(
            "\n...").strip()

    issuers = args.issuer or ["某某市工商业联合会", "某某市总商会"]
    text = environment().get_template("publication.yaml.j2").render(
        title=" ".join(args.name.split()), name=scalar(args.name), issuers=[scalar(issuer) for issuer in issuers],
        code=args.code, first=f"{date.year}-01")
    write_atomic(folder / PUBLICATION_FILE, text.encode("utf-8") + b"\n")
    for name in ("issues", "build"):
        (folder / name).mkdir(exist_ok=True)
    first = create_new(folder / "issues", date)
    publication = display_path(folder / PUBLICATION_FILE)
    print(_("created: {publication}, {issue}").format(publication=publication, issue=display_path(first)))
    print(_("next: put the office's name, issuers and colophon into {publication}, write the first issue in "
            "{issue}, then bulletin build").format(publication=publication, issue=display_path(first)))
    return 0


def _new(args: argparse.Namespace) -> int:
    from bulletin.archive import create_new
    from bulletin.loader import display_path

    print(display_path(create_new(args.issues, args.date or dt.date.today(), args.kind)))
    return 0


def _publish(args: argparse.Namespace) -> int:
    from bulletin.archive import publish
    from bulletin.build import prepare, render_published
    from bulletin.loader import display_path

    if args.supersede and not args.reason:
        raise BulletinError([Problem(display_path(args.path), 0, 0, "", _("--supersede needs --reason '…' (it is "
                                                                          "kept in the manifest)"))])
    loaded = prepare(args.path)[0]  # the editor's file: its problems are found in it, before the archive is locked
    done = publish(loaded, render_published, supersede=args.supersede, reason=args.reason)
    for path, aside in done.recovered:
        print(_("{path}: not in the manifest (left by an interrupted publish): moved to {aside}").format(
            path=display_path(path), aside=display_path(aside)), file=sys.stderr)
    if done.outcome == "unchanged":
        print(_("{path}: already published, unchanged").format(path=display_path(args.path)))
    for path in done.written:
        print(f"{_(OUTCOMES[done.outcome])}: {display_path(path)}")
    if done.written:
        print(_("the record's last hash: {head}").format(head=done.head))
    return 0


def _index(args: argparse.Namespace) -> int:
    from bulletin.archive import latest_files, scan
    from bulletin.catalogue import compile_year, write_catalogue
    from bulletin.loader import display_path
    from bulletin.output import write_atomic

    entries = [entry for entry in scan(args.issues) if entry.loaded]
    files = latest_files(entries, args.build)
    compilations: dict[int, Path] = {}
    if not args.no_compilations:
        for year in sorted({entry.issue.year for entry in entries}):
            code = entries[0].issue.code
            compilations[year] = args.out / f"{code}-{year}-compilation.pdf"
            write_atomic(compilations[year], compile_year(entries, year))
            print(f"{display_path(compilations[year])}", flush=True)
    for path in write_catalogue(entries, args.out, files, compilations=compilations):
        print(display_path(path))
    return 0


def _serve(args: argparse.Namespace) -> int:
    from bulletin.serve import serve

    if not args.path.is_file():
        raise BulletinError([Problem(str(args.path), 0, 0, "", _("no such issue file"))])
    try:
        serve(args.path, args.port)
    except OSError as error:
        if error.errno != errno.EADDRINUSE:
            raise
        raise BulletinError([Problem("bulletin serve", 0, 0, "", _(
            "port {port} is in use (the preview is open already?): take another, such as --port {other}").format(
            port=args.port, other=args.port + 1))]) from None
    return 0


def _search(args: argparse.Namespace) -> int:
    from bulletin import search

    try:
        report = search.index(args.issues, args.index, args.build)
        # What the shell quoted ("民营 经济") is one phrase; each other word a term of its own.
        query = " ".join(f'"{term}"' if " " in term.strip() and '"' not in term else term for term in args.term)
        hits = search.search(args.index, query, args.limit)
    except ValueError as error:
        raise BulletinError([Problem("search", 0, 0, "", str(error))]) from None
    if report.rebuilt:
        print(_("{index}: the search index was unreadable: made again").format(index=args.index), file=sys.stderr)
    if report.skipped:
        print(_("note: {count} invalid issue file(s) not searched (bulletin check --all)").format(count=report.skipped),
              file=sys.stderr)
    _print_problems(report.unreadable)
    for hit in hits:
        print(search.format_hit(hit))
    if not hits:
        print(_("no article holds {query}").format(query=query), file=sys.stderr)
    return 0 if hits else 1


def _import(args: argparse.Namespace) -> int:
    from bulletin.importer import import_issue, write_issue
    from bulletin.loader import display_path

    imported = import_issue(args.draft, target=args.output)
    write_issue(imported.text, args.output, imported.photos)
    print(display_path(args.output))
    for name in imported.photos:
        print(display_path(args.output.parent / name))
    return 0


def _audit(args: argparse.Namespace) -> int:
    """Each PDF's findings, page by page, and its figures; exit status 1 when any departs from the layout."""
    from bulletin.audit import AuditError, audit, format_report

    status = 0
    for path in args.pdfs:
        try:
            report = audit(path)
        except AuditError as error:
            print(f"{path}: {error}", file=sys.stderr)
            status = 1
            continue
        print(format_report(str(path), report))
        status = max(status, 0 if report.passed else 1)
    return status


def _fonts(args: argparse.Namespace) -> int:
    from bulletin import fontinstall

    stale = fontinstall.install()
    print(_("fonts: {count} faces in {folder}").format(count=len(fontinstall.pinned()) - len(stale),
                                                       folder=fontinstall.FONTS))
    if stale:
        print(_("not as pinned: {files} (have Debian's packages changed?)").format(files=", ".join(stale)),
              file=sys.stderr)
    return 1 if stale else 0


def _verify(args: argparse.Namespace) -> int:
    from bulletin.archive import Archive, published_files, verify
    from bulletin.loader import PUBLICATION_FILE

    if args.archive is None:
        from bulletin.loader import load_publication

        archive = Archive(Path(PUBLICATION_FILE).resolve().parent / load_publication(Path(PUBLICATION_FILE)).archive)
    else:
        archive = Archive(args.archive)
    if not archive.manifest_path.exists():
        raise BulletinError([Problem(str(archive.manifest_path), 0, 0, "", _("no manifest: nothing was published"))])
    with archive.lock():
        manifest = archive.manifest()
        findings = list(verify(archive, args.expect))
    for finding in findings:
        print(finding, file=sys.stderr)
    count = len(published_files(manifest))
    bad = {finding.member for finding in findings if finding.member}
    print(_("{good} of {count} published files verified").format(good=count - len(bad), count=count))
    rebuilt = [] if args.rebuild is None else _rebuild(archive, args.rebuild or None)
    print(_("the record's last hash: {head}").format(head=manifest.head))
    return 1 if findings or not all(result.same for result in rebuilt) else 0


def _rebuild(archive: Archive, name: str | None) -> list[Rebuilt]:
    """Each edition (or those `name` names) made again from the archive alone, told as it is compared (outside
    the lock: what is published never changes, and a publish need not wait for the rendering)."""
    from bulletin.archive import rebuild
    from bulletin.build import render_published

    results = []
    for result in rebuild(archive, render_published, name):
        print(result, file=sys.stdout if result.same else sys.stderr, flush=True)
        results.append(result)
    same = sum(result.same for result in results)
    print(_("{same} of {count} editions rebuilt to the same bytes").format(same=same, count=len(results)))
    return results


def run() -> NoReturn:
    """The `bulletin` command: main(), then a hard exit (as mypy does). The interpreter's own teardown, which
    frees every module and object one by one, costs 0.12 s after a build of 2018-10 (measured: 136 ms from
    main's end to the process's, against 13 ms), a quarter of the build. What it would run has nothing left
    to do, and tests/test_engine.py holds it so: outputs are synced and renamed and the PDF worker or the
    pool joined before main returns; the FontConfiguration's scratch folder is released here; stdout and
    stderr are flushed here; multiprocessing's and weakref's exit registries are empty, no logging handler
    is installed, and every lock (fcntl, filelock) is released on leaving its `with`."""
    status = main()
    if "bulletin.pdf" in sys.modules:
        sys.modules["bulletin.pdf"].release()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError):  # a reader that has gone (bulletin … | head) wants nothing more
            stream.flush()
    os._exit(status)


if __name__ == "__main__":
    run()
