"""WeasyPrint, loaded for our use: fed our fonts through a fontconfig file of their own and, on the exact
versions they were read against, three measures that reach into its internals to cut its start and its
writing (PATCHES, each with its allow-list beside its code). On any other version WeasyPrint runs as it is,
after one notice, and BULLETIN_PLAIN_ENGINE=1 runs it so without one: the PDF is the same, only slower
(tests render both ways and compare every glyph)."""

from __future__ import annotations

import contextlib
import ctypes.util
import functools
import importlib
import importlib.util
import logging
import os
import re
import struct
import subprocess
import sys
import types
import warnings
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bulletin.i18n import _

PLAIN_SWITCH = "BULLETIN_PLAIN_ENGINE"  # =1: WeasyPrint as it is, whatever the versions


def harfbuzz_subset_missing() -> bool:
    """WeasyPrint subsets fonts with HarfBuzz when it can; without it every build takes seconds longer."""
    return "harfbuzz-subset" not in _loader_cache() and ctypes.util.find_library("harfbuzz-subset") is None


@dataclass(frozen=True)
class Patch:
    """A measure that reaches into a library's internals, and the versions it was read and tested against."""

    name: str
    verified: Mapping[str, tuple[str, ...]]  # distribution: its versions


MODULES = {"weasyprint": "weasyprint", "cffi": "cffi", "fonttools": "fontTools"}  # distribution: its package


@dataclass(frozen=True)
class Plan:
    """How WeasyPrint is loaded in this process: patched, or plain and why."""

    patched: bool
    unverified: tuple[tuple[str, str | None, tuple[str, ...]], ...] = ()  # (distribution, installed, verified)


@functools.cache
def plan() -> Plan:
    """Patched when every library a patch reaches into is at a version it was verified against and the
    switch is off. Decided once, the notice with it, before this process first forks (bulletin.pdf asks
    then), so that the PDF worker and every process of a folder build share one decision and one notice."""
    if os.environ.get(PLAIN_SWITCH) == "1":
        return Plan(patched=False)
    unverified = tuple(sorted({(name, installed_version(name), versions)
                               for patch in PATCHES for name, versions in patch.verified.items()
                               if installed_version(name) not in versions}))
    if unverified:
        found = ", ".join(f"{name} {version or '?'}" for name, version, _versions in unverified)
        verified = ", ".join(f"{name} {' / '.join(versions)}" for name, _version, versions in unverified)
        print(_("note: WeasyPrint runs unpatched, slower but with the same output: {found} is installed, "
                "bulletin's speed-ups were verified with {verified} (bulletin/engine.py)").format(
                    found=found, verified=verified), file=sys.stderr, flush=True)
    return Plan(patched=not unverified, unverified=unverified)


@functools.cache
def installed_version(distribution: str) -> str | None:
    """The version of the distribution that provides the package Python would import, from the name of its
    .dist-info folder beside it (importlib.metadata takes 4 ms a name; this a tenth of one); None when
    there is not exactly one."""
    spec = importlib.util.find_spec(MODULES[distribution])
    if spec is None or spec.origin is None:
        return None
    folder = Path(spec.origin).parent.parent
    prefix = re.sub(r"[-_.]+", "_", distribution).lower() + "-"
    try:
        found = [entry.name for entry in os.scandir(folder)
                 if entry.name.endswith(".dist-info") and entry.name.lower().startswith(prefix)]
    except OSError:
        return None
    return found[0][len(prefix):-len(".dist-info")] if len(found) == 1 else None


@functools.cache
def weasyprint() -> Any:
    """WeasyPrint, imported on first call: only when a PDF is wanted (the import costs a sixth of a second)."""
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    patched = plan().patched
    with our_fontconfig(), _patched_imports() if patched else contextlib.nullcontext(), warnings.catch_warnings():
        # Our fontconfig file lists only the free faces: with none installed (the office's fonts named in
        # publication.yaml instead, reached through @font-face, or the set-up not run, which the build
        # reports with what to install) it has none, and WeasyPrint's warning would only mislead.
        warnings.filterwarnings("ignore", "No fonts configured in FontConfig", UserWarning)
        import weasyprint
        import weasyprint.pdf.fonts
        import weasyprint.pdf.stream
        import weasyprint.text.fonts
        import weasyprint.urls

    if patched:
        weasyprint.pdf.fonts.get_hb_object_data = _FaceData.reader(weasyprint.pdf.fonts.get_hb_object_data)
        weasyprint.pdf.stream.Font = _font_reading_its_file_on_use(weasyprint.pdf.fonts.Font)
    return weasyprint


def patched() -> bool:
    """Whether this process's WeasyPrint is the patched one: its PDF writer makes our Font."""
    return weasyprint().pdf.stream.Font is not weasyprint().pdf.fonts.Font


@contextlib.contextmanager
def _patched_imports() -> Iterator[None]:
    with _libraries_from_loader_cache(), _font_tools_on_first_use():
        yield


FONT_FILES_ON_USE = Patch("font files copied on use", {"weasyprint": ("70.0",)})


class _FaceData:
    """A font file in HarfBuzz, copied out when first used (FONT_FILES_ON_USE: WeasyPrint 70's Font and
    get_hb_object_data). WeasyPrint's Font copies the whole file of every face it meets (Noto Serif CJK:
    24 MB), though it embeds the subset HarfBuzz makes and reads the file itself only when it cannot: 20 to
    35 ms of copying in each render. The copy waits for a use. Upstream: docs/upstream.md."""

    def __init__(self, read: Any, face: Any) -> None:
        self._read, self._face, self._data = read, face, None

    @classmethod
    def reader(cls, read: Any) -> Any:
        """WeasyPrint's get_hb_object_data, a face's whole file deferred (glyph images read at once)."""

        def get_hb_object_data(hb_object: Any, ot_color: Any = None, glyph: Any = None) -> Any:
            return cls(read, hb_object) if ot_color is None else read(hb_object, ot_color, glyph)

        return get_hb_object_data

    def data(self) -> bytes | None:
        if self._face is not None:
            self._data, self._face = self._read(self._face), None
        return self._data

    def __bool__(self) -> bool:  # WeasyPrint asks whether a subset came out
        return bool(self.data())


def _font_reading_its_file_on_use(font: type) -> type:
    """WeasyPrint's Font, its file_content read from its _FaceData when something reads it."""

    def get(self: Any) -> Any:
        content = self.__dict__["file_content"]
        if isinstance(content, _FaceData):
            content = self.__dict__["file_content"] = content.data()
        return content

    def set_(self: Any, content: Any) -> None:
        self.__dict__["file_content"] = content

    return type("Font", (font,), {"file_content": property(get, set_), "__doc__": font.__doc__})


FONT_TOOLS_ON_FIRST_USE = Patch("fontTools on first use", {"weasyprint": ("70.0",), "fonttools": ("4.68.0",)})


@contextlib.contextmanager
def _font_tools_on_first_use() -> Iterator[None]:
    """FONT_TOOLS_ON_FIRST_USE (WeasyPrint 70's pdf.fonts imports, fontTools 4.68's module names).
    WeasyPrint imports fontTools' subsetter and variable-font instancer at start-up, for fonts that
    HarfBuzz cannot subset and for variable fonts, neither of which it meets here: a fifth of its import.
    While it is imported, each stands in sys.modules as a small module that imports the real one when
    first used; after, sys.modules is as it was, and anyone else importing them gets the real ones."""
    subset = types.ModuleType("fontTools.subset", "imported on first use")
    subset.__getattr__ = functools.partial(_real_attribute, "fontTools.subset")  # type: ignore[method-assign]
    instancer = types.ModuleType("fontTools.varLib.instancer", "imported on first use")
    instancer.instantiateVariableFont = functools.partial(  # type: ignore[attr-defined]
        _call_real, "fontTools.varLib.instancer", "instantiateVariableFont")
    stand_ins = {module.__name__: module for module in (subset, instancer) if module.__name__ not in sys.modules}
    sys.modules.update(stand_ins)
    try:
        yield
    finally:
        for name, module in stand_ins.items():
            if sys.modules.get(name) is module:
                del sys.modules[name]


def _real_attribute(module: str, name: str) -> Any:
    if name.startswith("__"):  # what the import system asks of any module: the stand-in has none of it
        raise AttributeError(name)
    return getattr(importlib.import_module(module), name)


def _call_real(module: str, name: str, *args: Any, **kwargs: Any) -> Any:
    return getattr(importlib.import_module(module), name)(*args, **kwargs)


@contextlib.contextmanager
def our_fontconfig() -> Iterator[None]:
    """Fontconfig reads FONTCONFIG_FILE when a configuration is loaded: ours while WeasyPrint loads one,
    the system's again for everything else (fc-match finding an office's fonts, programs we run)."""
    from bulletin.fonts import renderer_fontconfig

    before = os.environ.get("FONTCONFIG_FILE")
    os.environ["FONTCONFIG_FILE"] = str(renderer_fontconfig())
    try:
        yield
    finally:
        if before is None:
            del os.environ["FONTCONFIG_FILE"]
        else:
            os.environ["FONTCONFIG_FILE"] = before


LIBRARIES_FROM_LOADER_CACHE = Patch("libraries from the loader's cache",
                                    {"weasyprint": ("70.0",), "cffi": ("2.1.1",)})


@contextlib.contextmanager
def _libraries_from_loader_cache() -> Iterator[None]:
    """LIBRARIES_FROM_LOADER_CACHE (WeasyPrint 70's text.ffi names, cffi 2.1's dlopen through ctypes.util).
    WeasyPrint asks for each native library under several names (one per platform), and for every name
    that is not this platform's, ctypes runs `ldconfig -p` and then a trial link with gcc: about 0.2 s of
    the import. The loader's cache, read once, gives the same answers at once. Where it does not list every
    library WeasyPrint needs (not Linux, a library outside the cache), ctypes keeps its own way. Upstream:
    docs/upstream.md."""
    table = _loader_cache()
    if not all(name in table for name in WEASYPRINT_LIBRARIES):
        yield
        return
    original = ctypes.util.find_library
    ctypes.util.find_library = lambda name: table.get(name)
    try:
        yield
    finally:
        ctypes.util.find_library = original


WEASYPRINT_LIBRARIES = ("gobject-2.0", "pango-1.0", "pangoft2-1.0", "harfbuzz", "fontconfig")


@functools.cache
def _loader_cache() -> dict[str, str]:
    """`ldconfig -p` as a map from a library's name (pango-1.0) to its file (libpango-1.0.so.0), for this
    process's architecture, first entry first: what ctypes.util.find_library answers on Linux."""
    try:
        listing = subprocess.run(["ldconfig", "-p"], capture_output=True, text=True, check=True,
                                 env={**os.environ, "LC_ALL": "C", "PATH": "/sbin:/usr/sbin:/usr/bin:/bin"}).stdout
    except (OSError, subprocess.CalledProcessError):
        return {}
    abi = LOADER_ABIS.get(f"{os.uname().machine}-{struct.calcsize('P') * 8}", "libc6")
    table: dict[str, str] = {}
    for match in re.finditer(r"^\s+(lib(\S+?)\.so\S*)\s+\(([^)]*)\)", listing, re.MULTILINE):
        file, name, flags = match.groups()
        if flags.startswith(abi):
            table.setdefault(name, file)
    return table


# How `ldconfig -p` labels this machine's own libraries (ctypes.util keeps the same table).
LOADER_ABIS = {"x86_64-64": "libc6,x86-64", "ppc64-64": "libc6,64bit", "sparc64-64": "libc6,64bit",
               "s390x-64": "libc6,64bit", "ia64-64": "libc6,IA-64"}

PATCHES = (LIBRARIES_FROM_LOADER_CACHE, FONT_TOOLS_ON_FIRST_USE, FONT_FILES_ON_USE)  # all of them, each above
