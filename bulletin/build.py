"""Building issues: render each one's outputs in memory, write them together, skip what has not changed."""

from __future__ import annotations

import contextlib
import fcntl
import functools
import gc
import hashlib
import json
import os
import signal
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bulletin import __version__, pdf
from bulletin.archive import sha256, source_files
from bulletin.check import check, typesetter_for
from bulletin.errors import BulletinError, Problem
from bulletin.fonts import FONTS_DIR
from bulletin.i18n import _
from bulletin.inputs import Refused, read_source
from bulletin.layout import ROLE_NAMES
from bulletin.loader import Loaded, load, salvage
from bulletin.output import write_atomic
from bulletin.typeset import Typesetter

if TYPE_CHECKING:
    from bulletin.proofread import Finding

STATE_FILE = ".bulletin-state.json"  # in the output folder: what each output was built from


@dataclass(frozen=True)
class Result:
    """What building one issue did."""

    path: Path
    written: tuple[Path, ...] = ()
    skipped: bool = False
    problems: tuple[Problem, ...] = ()
    error: str | None = None
    trace: str | None = None
    inputs: tuple[tuple[str, str], ...] = ()  # the source files and their digests, for the state file
    warnings: tuple[str, ...] = ()  # what the editor should know of a build that went through
    findings: int = 0  # the proofreader's findings (bulletin check lists them)
    found: tuple[Finding, ...] = ()  # the findings themselves, of an issue that has problems: told with them


def prepare(path: Path) -> tuple[Loaded, Typesetter]:
    """Load and check an issue: every problem at once, or nothing."""
    return checked(load(path))


def checked(loaded: Loaded) -> tuple[Loaded, Typesetter]:
    """A loaded issue and its typesetter, if the typesetting finds no problem; else every problem at once."""
    typesetter = typesetter_for(loaded)
    problems = check(loaded, typesetter)
    if problems:
        raise BulletinError(problems)
    return loaded, typesetter


def render_published(loaded: Loaded) -> dict[str, bytes]:
    """An edition's files as published, from its archived source and the photos beside it alone: the PDF as
    PDF/A-3b with that source embedded, and the DOCX. What publish writes, and `verify --rebuild` makes again."""
    from bulletin.html import render_html
    from bulletin.typeset import set_issue
    from bulletin.word import render_docx

    loaded, typesetter = checked(loaded)
    context = set_issue(loaded.issue, typesetter)  # set in lines once, for the PDF and the DOCX
    html = render_html(loaded.issue, typesetter, context=context)
    description = f"{loaded.issue.name} {loaded.issue.issue_line}"
    dates = (loaded.issue.date, loaded.issue.corrected or loaded.issue.date)  # the source's: written, corrected
    return {"pdf": pdf.render_archival_pdf(html, loaded.path.parent, loaded.path, description, dates),
            "docx": render_docx(loaded.issue, loaded.path.parent, context)}


def render(loaded: Loaded, typesetter: Typesetter, formats: Iterable[str], worker: pdf.Worker | None = None,
           alongside: Callable[[], None] | None = None) -> dict[str, bytes]:
    """The issue's outputs, by format, all in memory; the PDF in `worker` when there is one, while this
    process writes the DOCX (and does `alongside`, other work of the build)."""
    from bulletin.typeset import set_issue

    outputs = {}
    context = set_issue(loaded.issue, typesetter)  # the issue set in lines once, for the PDF and the DOCX
    if "pdf" in formats:
        from bulletin.html import render_css, render_html

        css = render_css(typesetter)
        if worker:
            worker.expect(css)
        html = render_html(loaded.issue, typesetter, css="", context=context)
        if worker:
            worker.submit(html, loaded.path.parent, css)
        else:
            outputs["pdf"] = pdf.render_pdf(html, loaded.path.parent, css)
    if "docx" in formats:
        from bulletin.word import render_docx

        outputs["docx"] = render_docx(loaded.issue, loaded.path.parent, context)
    if alongside:
        alongside()
    if worker and "pdf" in formats:
        outputs["pdf"] = worker.result()
    return {name: outputs[name] for name in ("pdf", "docx") if name in outputs}


LOCK_FILE = ".bulletin.lock"  # in the output folder: one file for every issue's lock and the state's
LOCK_SLOTS = 1 << 20  # an issue locks one byte of it, chosen by its name (two names may share one: harmless)


@contextlib.contextmanager
def locked(out: Path, stem: str | None) -> Iterator[None]:
    """One build of an issue at a time into a folder (two at once would mix their outputs), or with `stem`
    None, one writer of the folder's build state: a byte of one lock file each (fcntl record locks: freed
    when the process ends, however it ends, and no lock file left per issue). Under an issue's lock, the
    temporary files a killed build of it left behind are cleared."""
    out.mkdir(parents=True, exist_ok=True)
    slot = 0 if stem is None else 1 + int(hashlib.sha256(stem.encode()).hexdigest(), 16) % LOCK_SLOTS
    descriptor = os.open(out / LOCK_FILE, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o666)
    try:
        fcntl.lockf(descriptor, fcntl.LOCK_EX, 1, slot)
        if stem is not None:
            for debris in [*out.glob(f".{stem}.*.part"), out / f".{stem}.lock"]:  # (and an older version's lock)
                debris.unlink(missing_ok=True)
        yield
    finally:
        os.close(descriptor)  # and with it the lock


def build_one(path: Path, out: Path, formats: tuple[str, ...], worker: pdf.Worker | None = None) -> Result:
    """Build one issue into `out`; problems are returned, not raised (this runs in worker processes)."""
    try:
        with locked(out, path.stem):
            return _build_one(path, out, formats, worker)
    except BulletinError as error:
        return Result(path, problems=tuple(error.problems), found=_found(path, error.problems))
    except pdf.WorkerError as error:
        return Result(path, error=str(error), trace=error.trace)
    except Exception as error:  # an error of ours or of a library: a message, and the traceback for --verbose
        return Result(path, error=str(error) or type(error).__name__, trace=traceback.format_exc())


def _found(path: Path, problems: list[Problem]) -> tuple[Finding, ...]:
    """The proofreader's findings on an issue that cannot be built, to be told with its problems (but those
    of the font check where the build's own check told them)."""
    from bulletin.proofread import proofread_salvaged

    told = {(problem.file, problem.line, problem.column) for problem in problems}
    return tuple(finding for finding in proofread_salvaged(salvage(path))
                 if finding.rule != "font-coverage" or (finding.file, finding.line, finding.column) not in told)


def _build_one(path: Path, out: Path, formats: tuple[str, ...], worker: pdf.Worker | None) -> Result:
    loaded, typesetter = prepare(path)
    from bulletin.proofread import proofread

    findings: list[object] = []  # counted while the PDF is laid out in its own process
    outputs = render(loaded, typesetter, formats, worker, alongside=lambda: findings.extend(proofread(loaded)))
    targets = []
    for suffix, data in outputs.items():  # everything rendered before anything is written
        targets.append(out / f"{path.stem}.{suffix}")
        write_atomic(targets[-1], data)
    inputs = tuple((str(file.resolve()), sha256(read_source(file))) for file in source_files(loaded))
    return Result(path, tuple(targets), inputs=inputs, warnings=missing_office_fonts(typesetter),
                  findings=len(findings))


def missing_office_fonts(typesetter: Typesetter) -> tuple[str, ...]:
    """The office fonts the publication names that this machine has not: the issue is set in the free faces
    that stand in for them, and an editor should know before it circulates."""
    issue = typesetter.issue
    missing = []
    for role, names in issue.fonts.items():
        chain = typesetter.chains[role]
        for name in names:
            if not any(face.family == name and face.path for face in chain.faces):
                stand_in = chain.installed[0].family if chain.installed else "?"
                missing.append(_("the {role} font {name} that publication.yaml names is not installed here: set "
                                 "in {stand_in} instead").format(role=ROLE_NAMES[role], name=name, stand_in=stand_in))
    return tuple(missing)


def environment_digest(formats: tuple[str, ...]) -> str:
    """What every output depends on besides its sources: templates, fonts, the tool (its version and its
    code: a changed module rebuilds, as a changed template does) and the formats."""
    digest = hashlib.sha256(f"{__version__}:{','.join(formats)}".encode())
    from bulletin.html import ISSUE_TEMPLATES, TEMPLATES_DIR

    code = sorted(Path(__file__).parent.glob("*.py"))
    for path in [*code, *sorted([*(TEMPLATES_DIR / name for name in ISSUE_TEMPLATES), *FONTS_DIR.glob("*")])]:
        stat = path.stat()
        digest.update(f"{path.name}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


class State:
    """The build state of an output folder: for each issue, the digests it was last built from. Saved as
    issues finish (so that a build stopped halfway keeps what it finished), merged into what another build
    of the same folder saved meanwhile; a state file that cannot be read is started afresh (all rebuilt)."""

    SAVE_EVERY_S = 2.0

    def __init__(self, out: Path, formats: tuple[str, ...]) -> None:
        self.path = out / STATE_FILE
        self.out = out
        self.environment = environment_digest(formats)
        self.formats = formats
        self.entries, self.damaged = self._read()
        self.fresh: dict[str, dict[str, object]] = {}
        self.saved_at = 0.0

    def _read(self) -> tuple[dict[str, dict[str, object]], bool]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}, False
        except (OSError, ValueError):
            return {}, True
        if not isinstance(data, dict) or not all(isinstance(entry, dict) and isinstance(entry.get("inputs"), dict)
                                                 for entry in data.values()):
            return {}, True
        return data, False

    def up_to_date(self, path: Path, out: Path) -> bool:
        """Whether the issue's outputs exist and nothing they were built from has changed."""
        entry = self.entries.get(str(path.resolve()))
        if not entry or entry.get("environment") != self.environment:
            return False
        if not all((out / f"{path.stem}.{suffix}").exists() for suffix in self.formats):
            return False
        inputs = entry["inputs"]
        assert isinstance(inputs, dict)
        try:
            return all(sha256(read_source(Path(name))) == digest for name, digest in inputs.items())
        except (OSError, Refused):
            return False

    def record(self, result: Result) -> None:
        entry: dict[str, object] = {"environment": self.environment, "inputs": dict(result.inputs)}
        self.entries[str(result.path.resolve())] = self.fresh[str(result.path.resolve())] = entry
        if time.monotonic() - self.saved_at >= self.SAVE_EVERY_S:
            self.save()

    def save(self) -> None:
        """Write what this build recorded over what the folder's state holds now (another build's entries kept)."""
        if not self.fresh:
            return
        with locked(self.out, None):
            current, _found = self._read()
            current.update(self.fresh)
            write_atomic(self.path, (json.dumps(current, indent=1, sort_keys=True) + "\n").encode())
        self.saved_at = time.monotonic()


def _start_worker(formats: tuple[str, ...]) -> None:
    """A build process's start: Ctrl-C left to the parent (which stops the pool), the renderers imported
    once, then everything they made frozen out of the garbage collector's sight (it would walk those objects
    again and again, issue after issue, for nothing)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if "pdf" in formats:
        pdf.font_configuration()
    if "docx" in formats:
        import bulletin.word  # noqa: F401
    gc.freeze()


class Interrupted(Exception):
    """A build stopped by Ctrl-C: how many of the issues to build were finished (and kept)."""

    def __init__(self, done: int, total: int) -> None:
        super().__init__(f"{done}/{total}")
        self.done, self.total = done, total


def build_all(paths: list[Path], out: Path, formats: tuple[str, ...],
              report: Callable[[int, int, Result], None], *, jobs: int | None = None,
              worker: pdf.Worker | None = None, warn: Callable[[str], None] | None = None,
              building: Callable[[int, int, list[Path]], None] | None = None) -> list[Result]:
    """Build every issue that changed since the last build into `out`, on every core: several issues one
    per process, a single issue with its PDF in `worker` (when given) beside it. Ctrl-C stops the workers
    at once and raises Interrupted; what was finished is in the state, and the next build goes on from there.
    `building` is told, as the run starts and after each issue, what is being built now (done, total, paths)."""
    state = State(out, formats)
    if state.damaged and warn:
        warn(_("{path}: the build state was unreadable: started afresh, rebuilding all").format(path=state.path))
    stale = [path for path in paths if not state.up_to_date(path, out)]
    results = [Result(path, skipped=True) for path in paths if path not in stale]
    workers = min(jobs or os.cpu_count() or 1, len(stale))

    def finished(result: Result) -> None:
        results.append(result)
        if result.written:
            state.record(result)
        done = len(results) - (len(paths) - len(stale))
        report(done, len(stale), result)
        if building and done < len(stale):
            building(done, len(stale), stale[done : done + workers])  # in order: the workers' next issues

    if building and stale:
        building(0, len(stale), stale[:workers])

    pool = None
    try:
        if workers > 1:
            import multiprocessing  # not imported for the editor's one-issue build

            pool = multiprocessing.get_context("fork").Pool(workers, initializer=_start_worker, initargs=(formats,))
            for result in pool.imap(functools.partial(build_one, out=out, formats=formats), stale):
                finished(result)
            pool.close()
        else:
            for path in stale:
                finished(build_one(path, out, formats, worker if len(stale) == 1 else None))
    except KeyboardInterrupt:
        if pool is not None:
            pool.terminate()  # the workers end now; their half-written files are temporary ones, cleared later
        raise Interrupted(len(results) - (len(paths) - len(stale)), len(stale)) from None
    finally:
        if pool is not None:
            pool.terminate()
            pool.join()
        state.save()
    return results
