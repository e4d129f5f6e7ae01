"""The archive as a transaction: one publish at a time, nothing half-done left behind, a record that shows
tampering, and nothing read from outside it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from archive_factory import make_archive

from bulletin import archive as A
from bulletin.archive import Archive, publish, verify
from bulletin.loader import Loaded, load
from bulletin.output import write_atomic


def RENDER(staged: Loaded) -> dict[str, bytes]:  # noqa: N802 (a stand-in for the renderers, as fast as a constant)
    return {"pdf": b"%PDF-1.7 a stand-in", "docx": b"PK a stand-in"}


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bulletin.cli", *args], cwd=cwd, capture_output=True,
                          text=True, check=False, timeout=600)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    make_archive(tmp_path, {2016: 4, 2017: 2})
    monkeypatch.chdir(tmp_path)
    return tmp_path


def issue(project: Path, year: int, number: int) -> Path:
    return project / "issues" / str(year) / f"{year}-{number:02d}.yaml"


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under the archive (but its lock) and its bytes."""
    if not root.exists():
        return {}
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and p.name != A.LOCK}


def test_two_publishes_at_once_are_both_recorded(project: Path) -> None:
    """Real processes, started together, three rounds: every issue in the record, and verify satisfied."""
    for round_ in range(3):
        paths = [issue(project, 2016, 1 + round_), issue(project, 2017, 1 + round_ % 2)] if round_ < 2 else \
            [issue(project, 2016, 3), issue(project, 2016, 4)]
        processes = [subprocess.Popen([sys.executable, "-m", "bulletin.cli", "publish", str(p)], cwd=project,
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for p in paths]
        for process in processes:
            _, error = process.communicate(timeout=600)
            assert process.returncode == 0, error
    manifest = Archive(project / "archive").manifest()
    assert sorted(e["key"] for e in manifest.entries) == [
        "gslxx-2016-01", "gslxx-2016-02", "gslxx-2016-03", "gslxx-2016-04", "gslxx-2017-01", "gslxx-2017-02"]
    assert not list(verify(Archive(project / "archive")))


@pytest.mark.parametrize("fault", [KeyboardInterrupt, OSError])
def test_a_publish_stopped_at_any_step_leaves_the_archive_as_it_was(project: Path, fault: type[BaseException],
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    root = project / "archive"
    publish(load(issue(project, 2016, 1)), RENDER, supersede=False, reason=None)
    before = snapshot(root)
    writes = 5  # the issue file, the edition's source, the PDF and the DOCX, then the manifest
    real = write_atomic
    for step in range(writes):
        calls: list[Path] = []

        def failing(path: Path, data: bytes, *, mode: int | None = None, at: int = step,
                    calls: list[Path] = calls) -> None:
            calls.append(path)
            if len(calls) > at:
                raise fault("injected")
            real(path, data, mode=mode)

        monkeypatch.setattr(A, "write_atomic", failing)
        with pytest.raises(fault):
            publish(load(issue(project, 2016, 2)), RENDER, supersede=False, reason=None)
        assert snapshot(root) == before, f"step {step}"
    monkeypatch.setattr(A, "write_atomic", real)
    done = publish(load(issue(project, 2016, 2)), RENDER, supersede=False, reason=None)
    assert done.outcome == "published" and not done.recovered
    assert not list(verify(Archive(root)))


def test_a_killed_publish_is_recovered_by_the_next(project: Path) -> None:
    """A process killed between its files and its manifest (no clean-up runs): the next publish moves what it
    left aside, says so, and publishes; nothing is deleted."""
    path = issue(project, 2016, 1)
    killer = ("import os; from pathlib import Path; import bulletin.archive as A; from bulletin.loader import load\n"
              "real = A.write_atomic\n"
              "def dying(path, data, *, mode=None):\n"
              "    if path.name == A.MANIFEST: os._exit(9)\n"
              "    real(path, data, mode=mode)\n"
              "A.write_atomic = dying\n"
              f"A.publish(load(Path({str(path)!r})), lambda staged: {{'pdf': b'x', 'docx': b'y'}}, supersede=False,"
              " reason=None)\n")
    assert subprocess.run([sys.executable, "-c", killer], cwd=project, check=False).returncode == 9
    left = sorted(p.name for p in (project / "archive" / "2016").rglob("*") if p.is_file())
    assert left == ["gslxx-2016-01.docx", "gslxx-2016-01.pdf", "gslxx-2016-01.yaml", "source.yaml"]
    assert not (project / "archive" / A.MANIFEST).exists()
    found = [str(f) for f in verify(Archive(project / "archive"))]
    assert len(found) == 4 and all("不在档案清单中" in f for f in found)
    result = run("publish", str(path.relative_to(project)), cwd=project)
    assert result.returncode == 0, result.stderr
    assert result.stderr.count("上次发布中断留下的") == 4
    aside = sorted(p.name for p in (project / "archive" / A.INTERRUPTED).rglob("*") if p.is_file())
    assert aside == left
    assert not list(verify(Archive(project / "archive")))


@pytest.mark.parametrize("key", ["archive", "code"])
def test_an_issue_cannot_move_the_archive(project: Path, key: str) -> None:
    path = issue(project, 2016, 1)
    path.write_text(path.read_text(encoding="utf-8") + f"{key}: ../../elsewhere\n", encoding="utf-8")
    result = run("publish", str(path.relative_to(project)), cwd=project)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    line = len(path.read_text(encoding="utf-8").splitlines())
    assert f"issues/2016/2016-01.yaml:{line}:1: {key}: {key} 只能在 publication.yaml 中设定" in result.stderr
    assert not (project / "archive").exists() and not (project.parent / "elsewhere").exists()


def test_the_archive_folder_stays_under_the_publication(project: Path) -> None:
    publication = project / "publication.yaml"
    publication.write_text(publication.read_text(encoding="utf-8") + "archive: ../outside\n", encoding="utf-8")
    result = run("publish", "issues/2016/2016-01.yaml", cwd=project)
    assert result.returncode == 1 and "publication.yaml" in result.stderr and "不含 .." in result.stderr
    assert not (project.parent / "outside").exists()


@pytest.fixture
def published(project: Path) -> Archive:
    for number in (1, 2, 3):
        publish(load(issue(project, 2016, number)), RENDER, supersede=False, reason=None)
    archive = Archive(project / "archive")
    assert not list(verify(archive))
    return archive


def rewrite(archive: Archive, change: object) -> None:
    """Edit the manifest as an intruder would (and keep it valid JSON)."""
    path = archive.manifest_path
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)  # type: ignore[operator]
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def messages(archive: Archive, expect: str | None = None) -> list[str]:
    return [str(finding) for finding in verify(archive, expect)]


def test_verify_catches_an_entry_removed_with_its_files(published: Archive) -> None:
    head = published.manifest().head
    for name in published.manifest().entries[1]["files"]:
        (published.root / name).unlink()
    rewrite(published, lambda data: data["entries"].pop(1))
    assert any("接不上" in m for m in messages(published))
    last = published.manifest().entries[-1]
    for name in last["files"]:
        (published.root / name).unlink()
    rewrite(published, lambda data: data["entries"].pop())  # the last one: the journal shows it, and the hash
    assert any("日志 journal.log 记录的 2 个条目不在清单中" in m for m in messages(published))
    assert any("不是所记的" in m for m in messages(published, expect=head))


def test_a_publish_stopped_after_its_commit_is_completed_by_the_next(project: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    root = project / "archive"
    real = write_atomic

    def no_journal(path: Path, data: bytes, *, mode: int | None = None) -> None:
        if path.name == A.JOURNAL:
            raise OSError("disk full")
        real(path, data, mode=mode)

    monkeypatch.setattr(A, "write_atomic", no_journal)
    with pytest.raises(OSError):
        publish(load(issue(project, 2016, 1)), RENDER, supersede=False, reason=None)
    assert [e["key"] for e in Archive(root).manifest().entries] == ["gslxx-2016-01"]  # published
    assert any("未记入日志" in m for m in messages(Archive(root)))
    monkeypatch.setattr(A, "write_atomic", real)
    publish(load(issue(project, 2016, 2)), RENDER, supersede=False, reason=None)
    assert not messages(Archive(root))


def test_verify_catches_a_file_replaced_with_its_hash_updated(published: Archive) -> None:
    entry = published.manifest().entries[0]
    name = next(iter(entry["files"]))
    path = published.root / name
    path.chmod(0o644)
    path.write_bytes(b"forged")
    rewrite(published, lambda data: data["entries"][0]["files"].update({name: A.sha256(b"forged")}))
    found = messages(published)
    assert any("entries[0]" in m and "被改动过" in m for m in found), found


def test_verify_reports_files_no_entry_lists(published: Archive) -> None:
    (published.root / "2016" / "planted.pdf").write_bytes(b"x")
    (published.root / "2016" / "link.pdf").symlink_to("/etc/hostname")
    found = messages(published)
    assert "archive/2016/planted.pdf: 不在档案清单中" in found
    assert "archive/2016/link.pdf: 不在档案清单中" in found


@pytest.mark.parametrize("name", ["/etc/passwd", "../../etc/hostname", "2016/../../../etc/hostname", "C:/x",
                                  "2016/linked/passwd"])
def test_verify_never_reads_outside_the_archive(published: Archive, name: str) -> None:
    (published.root / "2016" / "linked").symlink_to("/etc")

    def plant(data: dict[str, list[dict[str, object]]]) -> None:
        files = data["entries"][0]["files"]
        assert isinstance(files, dict)
        files[name] = A.sha256(Path("/etc/passwd").read_bytes() if Path("/etc/passwd").exists() else b"")

    rewrite(published, plant)
    found = messages(published)
    assert f"archive/manifest.json: {name}: 指向档案之外，不读取" in found


@pytest.mark.parametrize(("text", "expected"), [
    ("[]", "archive/manifest.json: 档案清单的格式不认识"),
    ('{"format": 2, "entries": [{"key": 1}]}', "archive/manifest.json: entries[0].key: 档案清单条目不完整或类型不对"),
    ('{"gslxx-2016-01": 5}', "archive/manifest.json: 档案清单的结构不对"),
    ('{"format": 2,\n "entries": [', "archive/manifest.json:2:"),
])
def test_a_bad_manifest_is_named_in_the_error(project: Path, text: str, expected: str) -> None:
    (project / "archive").mkdir()
    (project / "archive" / "manifest.json").write_text(text, encoding="utf-8")
    for command in (["verify"], ["publish", "issues/2016/2016-01.yaml"]):
        result = run(*command, cwd=project)
        assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
        assert expected in result.stderr, result.stderr


def test_the_first_format_is_read_and_chained_by_the_next_publish(project: Path) -> None:
    root = project / "archive"
    publish(load(issue(project, 2016, 1)), RENDER, supersede=False, reason=None)
    data = json.loads((root / A.MANIFEST).read_text(encoding="utf-8"))
    old = {e["key"]: [{k: v for k, v in e.items() if k not in ("key", "previous", "sha256")}] for e in data["entries"]}
    (root / A.MANIFEST).write_text(json.dumps(old), encoding="utf-8")
    assert [m for m in messages(Archive(root)) if "旧格式" in m]
    publish(load(issue(project, 2016, 2)), RENDER, supersede=False, reason=None)
    assert [e["key"] for e in Archive(root).manifest().entries] == ["gslxx-2016-01", "gslxx-2016-02"]
    assert not messages(Archive(root))


def test_outputs_keep_the_editors_permissions(project: Path) -> None:
    """Files written follow the umask; a file rewritten in place keeps its mode (check --fix on a 0600 issue)."""
    path = issue(project, 2016, 1)
    path.chmod(0o600)
    text = path.read_text(encoding="utf-8")
    assert "的的" not in text
    path.write_text(text.replace("的", "的的", 1), encoding="utf-8")  # a slip the proofreader fixes
    subprocess.run([sys.executable, "-m", "bulletin.cli", "check", "--fix", str(path)], cwd=project, check=False,
                   capture_output=True)
    assert path.read_text(encoding="utf-8") == text
    assert path.stat().st_mode & 0o777 == 0o600
    out = project / "out"
    for mask in (0o022, 0o077):
        result = subprocess.run(["sh", "-c", f"umask {mask:03o} && {sys.executable} -m bulletin.cli build "
                                 f"issues/2016/2016-02.yaml --format docx --out out/{mask:o}"], cwd=project,
                                capture_output=True, text=True, check=False)
        assert result.returncode == 0, result.stderr
        (written,) = (out / f"{mask:o}").glob("*.docx")
        assert written.stat().st_mode & 0o777 == 0o666 & ~mask, oct(written.stat().st_mode)
