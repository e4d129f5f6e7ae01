"""Reading inputs: only regular files, never through a link out of the project, never more than a limit.

A size from `stat` is not trusted alone (a link to /dev/zero reads as 0 bytes): a file is opened without
following a last link, refused unless it is a regular file (a FIFO would hang, a device never ends), and
read with its limit plus one byte, so that what is too large is refused however it looks.
"""

from __future__ import annotations

import os
import stat
import zipfile
from pathlib import Path

from bulletin.i18n import _

MIB = 1024 * 1024
MAX_ISSUE_BYTES = 4 * MIB  # an issue or publication file (YAML), a plain-text draft
MAX_PHOTO_BYTES = 64 * MIB  # a photo file: a camera's JPEG is 5-15 MiB
MAX_DRAFT_BYTES = 64 * MIB  # a .docx draft as stored
MAX_UNPACKED_BYTES = 256 * MIB  # all the members of a .docx draft, unpacked
MAX_PACKING_RATIO = 200  # unpacked : packed, per member (XML packs 5-20 times; a bomb, thousands)


class Refused(Exception):
    """An input that is not read: the message says why, and the limit."""


def size_text(size: int) -> str:
    return f"{size / MIB:.0f} MiB" if size >= MIB else f"{size / 1024:.0f} KiB"


def project_root(path: Path) -> Path:
    """The folder an input must stay in: the nearest folder above `path` (as named, its links not followed)
    with a publication.yaml, else its own."""
    named = Path(os.path.abspath(path))
    for folder in named.parents:
        if (folder / "publication.yaml").is_file():
            return folder.resolve()
    return named.parent.resolve()


def check_regular(path: Path, limit: int, *, within: Path | None = None) -> int:
    """The size of `path` if it may be read: a regular file (through links that stay inside `within`) of at
    most `limit` bytes; else Refused."""
    real = path.resolve()
    if within is not None and not real.is_relative_to(within.resolve()):
        raise Refused(_("a link out of the project (to {target}): not read").format(target=real))
    try:
        status = real.stat()
    except FileNotFoundError:
        raise Refused(_("not found")) from None
    if not stat.S_ISREG(status.st_mode):
        raise Refused(_("a folder, FIFO or device, not a regular file: not read"))
    if status.st_size > limit:
        raise Refused(_("is {size}, larger than the limit of {limit}").format(size=size_text(status.st_size),
                                                                         limit=size_text(limit)))
    return status.st_size


def read_regular(path: Path, limit: int, *, within: Path | None = None) -> bytes:
    """The bytes of `path`, at most `limit` of them, if it may be read (check_regular); else Refused."""
    check_regular(path, limit, within=within)
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        descriptor = os.open(path.resolve(), flags)
    except OSError as error:
        raise Refused(_("cannot be opened: {reason}").format(reason=error.strerror)) from None
    with os.fdopen(descriptor, "rb") as file:
        if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):  # swapped since it was looked at
            raise Refused(_("not a regular file: not read"))
        data = file.read(limit + 1)
    if len(data) > limit:
        raise Refused(_("larger than the limit of {limit}").format(limit=size_text(limit)))
    return data


def check_package(path: Path) -> None:
    """A ZIP package (.docx) that may be unpacked: every member's size and packing ratio bounded before
    anything is decompressed (the sizes in its central directory; zipfile stops a member that lies about its
    size when it is read)."""
    try:
        with zipfile.ZipFile(path) as package:
            members = package.infolist()
    except (zipfile.BadZipFile, OSError) as error:
        raise Refused(_("not a Word document (.docx) that can be read: {reason}").format(reason=error)) from None
    total = sum(member.file_size for member in members)
    if total > MAX_UNPACKED_BYTES:
        raise Refused(_("unpacks to {size}, more than the limit of {limit} (a ZIP bomb?)").format(
            size=size_text(total), limit=size_text(MAX_UNPACKED_BYTES)))
    for member in members:
        if member.file_size > 1 * MIB and member.file_size > MAX_PACKING_RATIO * max(member.compress_size, 1):
            raise Refused(_("{member} is packed more than {ratio} to 1 (a ZIP bomb?): not unpacked").format(
                member=member.filename, ratio=MAX_PACKING_RATIO))


def read_source(path: Path) -> bytes:
    """A file an issue is made from (its YAML, the publication file, a photo), already validated when the
    issue was loaded: read again under the largest of their limits."""
    return read_regular(path, MAX_PHOTO_BYTES)
