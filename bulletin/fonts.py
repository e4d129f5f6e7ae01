"""Fonts: the faces of each role's fallback chain, their coverage and advance widths."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import html
import json
import os
import subprocess
import tempfile
import unicodedata
from array import array
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bulletin.i18n import _
from bulletin.layout import FREE_FACES, OFFICE_FACES, ROLE_NAMES, ROLES
from bulletin.output import write_atomic

# Where the free faces are: BULLETIN_FONTS if set; else fonts/ of the checkout the package is run from (an
# editable install, ./run's); else the user's data folder, where `bulletin fonts` installs them for an
# installed bulletin (pip or pipx) and where ./run links the checkout's too.
CHECKOUT_FONTS = Path(__file__).resolve().parent.parent / "fonts"
USER_FONTS = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "bulletin" / "fonts"
FONTS_DIR = Path(os.environ.get("BULLETIN_FONTS")
                 or (CHECKOUT_FONTS if (CHECKOUT_FONTS / "fonts.conf").is_file() else USER_FONTS))
# The Debian packages the free faces are made from (texlive-lang-chinese is only downloaded, not installed).
DEBIAN_PACKAGES = ("fonts-noto-cjk", "fonts-lxgw-wenkai")
# What saves time: font metrics, compiled templates, the renderer's fontconfig file.
CACHE_HOME = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "bulletin"
CACHE_DIR = CACHE_HOME / "font-metrics"
FAMILY_PREFIX = "bulletin "  # our faces' names in CSS and fontconfig: no system font answers to them
IGNORED = frozenset("\n\r\t\u200b\u00ad")  # never drawn as glyphs


class FontError(Exception):
    """A free font is missing: the set-up was not run."""


def missing_fonts_message() -> str:
    """What to do when free faces are missing: the packages to install and the command that makes them."""
    missing = [face.file for face in FREE_FACES.values() if not (FONTS_DIR / face.file).is_file()]
    return _("the free fonts are not installed: {files} missing in {folder}. Install them with "
             "`sudo apt-get install {packages}` and then `bulletin fonts` (in a checkout, ./run build does both); "
             "or name the office's own installed fonts in publication.yaml under fonts:, for every role").format(
                 files=", ".join(missing), folder=FONTS_DIR, packages=" ".join(DEBIAN_PACKAGES))


@dataclass(frozen=True)
class Face:
    """One font face of a chain, found on this machine or not."""

    family: str
    path: Path | None
    free: bool

    @property
    def label(self) -> str:
        return self.family if self.path else _("{family} (not installed)").format(family=self.family)


@dataclass(frozen=True)
class Metrics:
    """What line breaking needs of a face: its characters, their advances, and the runs of characters the
    renderer sets as one glyph (HarfBuzz applies the font's `ccmp` ligatures always: Noto CJK draws —— as
    one two-em dash, narrower than two dashes)."""

    advances: dict[int, float]  # code point -> advance in em
    ligatures: dict[str, float] = field(default_factory=dict)  # characters -> the advance of their one glyph

    def covers(self, char: str) -> bool:
        return ord(char) in self.advances


METRICS_FORMAT = "2"  # of the cached file: bumped when what it holds changes


@functools.cache
def metrics(path: Path) -> Metrics:
    """A face's character map and advances: once per process, and read from the font's tables only the
    first time on a machine (parsing a CJK font's tables takes a tenth of a second; the cache, a few ms)."""
    stat = path.stat()
    key = hashlib.sha256(f"{METRICS_FORMAT}:{path.resolve()}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    cached = CACHE_DIR / f"{key.hexdigest()[:32]}.metrics"
    try:
        data = cached.read_bytes()
        header = array("I")
        header.frombytes(data[:4])
        count = header[0]  # code points: a 4-byte one and an 8-byte advance each, then the ligatures (JSON)
        codes, widths = array("I"), array("d")
        codes.frombytes(data[4 : 4 + 4 * count])
        widths.frombytes(data[4 + 4 * count : 4 + 12 * count])
        return Metrics(dict(zip(codes, widths, strict=True)), json.loads(data[4 + 12 * count :]))
    except (OSError, ValueError, IndexError):
        pass
    from fontTools.ttLib import TTFont  # only here: most builds read the cache, and fontTools takes a while

    with TTFont(path, lazy=True, fontNumber=0) as font:
        units = font["head"].unitsPerEm
        hmtx = font["hmtx"].metrics
        cmap = font.getBestCmap()
        advances = {code: hmtx[glyph][0] / units for code, glyph in cmap.items()}
        ligatures = {text: hmtx[glyph][0] / units for text, glyph in _composed(font, cmap).items()}
    with contextlib.suppress(OSError):  # a cache that cannot be written is only slower
        CACHE_DIR.mkdir(parents=True, exist_ok=True)
        write_atomic(cached, array("I", [len(advances)]).tobytes() + array("I", advances).tobytes()
                     + array("d", advances.values()).tobytes() + json.dumps(ligatures, ensure_ascii=False).encode())
    return Metrics(advances, ligatures)


def _composed(font: Any, cmap: dict[int, str]) -> dict[str, str]:
    """The font's `ccmp` ligatures of characters it maps (what HarfBuzz always applies): their text and glyph."""
    if "GSUB" not in font or font["GSUB"].table.FeatureList is None:
        return {}
    table = font["GSUB"].table
    characters = {glyph: chr(code) for code, glyph in sorted(cmap.items(), reverse=True)}
    found: dict[str, str] = {}
    for record in table.FeatureList.FeatureRecord:
        if record.FeatureTag != "ccmp":
            continue
        for index in record.Feature.LookupListIndex:
            lookup = table.LookupList.Lookup[index]
            for subtable in lookup.SubTable:
                subtable = subtable.ExtSubTable if lookup.LookupType == 7 else subtable
                for first, ligatures in (getattr(subtable, "ligatures", None) or {}).items():
                    for ligature in ligatures:
                        glyphs = [first, *ligature.Component]
                        if all(glyph in characters for glyph in glyphs):
                            found.setdefault("".join(characters[glyph] for glyph in glyphs), ligature.LigGlyph)
    return found


@functools.cache
def find_face(family: str) -> Face:
    """A free face from fonts/, or an office face installed on this machine (via fontconfig)."""
    if family in FREE_FACES:
        path = FONTS_DIR / FREE_FACES[family].file
        return Face(family, path if path.is_file() else None, free=True)
    return Face(family, _installed(family), free=False)


def _installed(family: str) -> Path | None:
    """The regular face of an installed font family, by exact family name (fontconfig's best match,
    which falls back to any font: so its family must be the one asked for)."""
    try:
        found = subprocess.run(["fc-match", "-f", "%{family}\n%{file}", f"{family}:weight=regular"],
                               capture_output=True, text=True, check=False, timeout=30).stdout
    except (OSError, subprocess.TimeoutExpired):
        return None
    families, _newline, file = found.partition("\n")
    return Path(file) if family in families.split(",") and file else None


class Chain:
    """A role's fallback chain of faces: the first that has a character sets it."""

    def __init__(self, role: str, families: Iterable[str]) -> None:
        self.role = role
        self.faces = tuple(find_face(family) for family in dict.fromkeys(families))
        self.installed = tuple(face for face in self.faces if face.path)
        # Free faces stand behind the office's: with one of them missing (the set-up not run), the chain is
        # the office's installed faces alone, or, with none of those, the missing fonts are the error.
        if any(face.free and not face.path for face in self.faces):
            office = [face for face in self.installed if not face.free]
            if not office:
                raise FontError(missing_fonts_message())
            self.installed = tuple(office)
        self._faces: dict[str, Face | None] = {}  # asked for every character of every line: kept
        self._advances: dict[str, float] = {}

    @classmethod
    def of(cls, role: str, families: tuple[str, ...]) -> Chain:
        """The chain of `families`: one per process when they are all free faces (pinned files, so what it
        has looked up stays true: the next issue, or the next render of the preview, starts from it); made
        anew when an office's font is among them, which may have been installed since."""
        if all(family in FREE_FACES for family in families):
            return _free_chain(role, families)
        return cls(role, families)

    def face_for(self, char: str) -> Face | None:
        """The face that draws `char`, or None when no face of the chain has it."""
        if char in self._faces:
            return self._faces[char]
        found = next((face for face in self.installed if face.path and metrics(face.path).covers(char)), None)
        self._faces[char] = found
        return found

    def advance(self, char: str) -> float:
        """The advance of `char` in em (1 for what the chain cannot draw: coverage is checked first)."""
        if (known := self._advances.get(char)) is not None:
            return known
        face = self.face_for(char)
        advance = self._advances[char] = metrics(face.path).advances[ord(char)] if face and face.path else 1.0
        return advance

    def composed(self, text: str, start: int) -> tuple[int, float]:
        """The run of `text` from `start` that the face of its first character sets as one glyph (as HarfBuzz
        does: the longest), and that glyph's advance in em; (1, its own advance) for a character alone."""
        face = self.face_for(text[start])
        ligatures = metrics(face.path).ligatures if face and face.path else {}
        for length in (3, 2):
            run = text[start : start + length]
            if len(run) == length and run in ligatures and all(self.face_for(c) == face for c in run):
                return length, ligatures[run]
        return 1, self.advance(text[start])

    def missing(self, text: str) -> list[tuple[int, str]]:
        """The characters of `text` (with their offsets) that no face of the chain can draw."""
        return [(i, c) for i, c in enumerate(text) if c not in IGNORED and self.face_for(c) is None]

    def describe_missing(self, char: str) -> str:
        """The error message for a character this chain cannot print."""
        tried = _(", ").join(face.label for face in self.faces)
        shown = repr(char)[1:-1] if unicodedata.category(char) in ("Cc", "Cf") else char  # controls spelled out
        return _("character '{character}' (U+{code}) is in no font of the {role} role (tried: {tried})").format(
            character=shown, code=f"{ord(char):04X}", role=ROLE_NAMES[self.role], tried=tried)


@functools.cache
def _free_chain(role: str, families: tuple[str, ...]) -> Chain:
    return Chain(role, families)


def renderer_fontconfig() -> Path:
    """A fontconfig configuration that knows the free faces of fonts/ and nothing else, each under its
    prefixed name (bulletin FandolFang), with a font cache of its own: the PDF renderer loads it once per
    process instead of copying each face out of an @font-face rule, and no system font can stand in for
    ours. Written on first use, beside the metrics cache (in the temporary folder if that is read-only)."""
    folder = FONTS_DIR.resolve()
    rules = "".join(f"""
  <match target="scan">
    <test name="file"><string>{html.escape(str(folder / face.file))}</string></test>
    <edit name="family" mode="prepend"><string>{html.escape(FAMILY_PREFIX + face.family)}</string></edit>
  </match>""" for face in FREE_FACES.values())
    digest = hashlib.sha256(rules.encode()).hexdigest()[:16]
    for base in (CACHE_HOME / "fontconfig", Path(tempfile.gettempdir()) / f"bulletin-fontconfig-{os.getuid()}"):
        path = base / digest / "fonts.conf"
        text = f"""<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<!-- bulletin's free faces for its PDF renderer (bulletin.fonts.renderer_fontconfig writes this file) -->
<fontconfig>
  <dir>{html.escape(str(folder))}</dir>
  <cachedir>{html.escape(str(path.parent))}</cachedir>{rules}
</fontconfig>
"""
        with contextlib.suppress(OSError):
            if not path.is_file() or path.read_text(encoding="utf-8") != text:
                write_atomic(path, text.encode())
            return path
    raise FontError(_("cannot write a fontconfig file under {cache} or {temporary}").format(
        cache=CACHE_HOME, temporary=tempfile.gettempdir()))


def fontconfig_aliases() -> str:
    """fonts/fonts.conf: the office font names (方正小标宋简体, 仿宋_GB2312 …) as aliases of the free chains,
    for LibreOffice and other fontconfig programs on machines without the office fonts."""
    matches = []
    for role, office in OFFICE_FACES.items():
        if role == "bold":
            continue
        families = dict.fromkeys(name.removesuffix(" Bold") for name in ROLES[role])
        weight = "" if not ROLES[role][0].endswith(" Bold") else (
            '\n    <edit name="weight" mode="assign" binding="strong"><const>bold</const></edit>')
        strings = "".join(f"<string>{family}</string>" for family in families)
        matches.append(f"""  <match target="pattern">
    <test name="family"><string>{office}</string></test>
    <edit name="family" mode="prepend" binding="strong">{strings}</edit>{weight}
  </match>""")
    body = "\n".join(matches)
    return f"""<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<!-- The office fonts as aliases of bulletin's free fonts (bulletin.fonts.fontconfig_aliases writes this file).
     Use (fontconfig takes only an absolute path): FONTCONFIG_FILE="$PWD/fonts/fonts.conf" soffice ... -->
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <dir prefix="relative">.</dir>
{body}
</fontconfig>
"""
