"""WeasyPrint, loaded and tuned for our use: imported fast (its native libraries found from the loader's
cache, fontTools' rarely used parts on first use), fed our fonts through a fontconfig file of their own,
and a few costs of its PDF writer cut (array types parsed once, streams deflated by zlib-ng). Each measure
keeps WeasyPrint's output: tests pin the PDFs and check what each touches."""

from __future__ import annotations

import contextlib
import ctypes.util
import functools
import importlib
import logging
import os
import re
import struct
import subprocess
import sys
import types
from collections.abc import Iterator
from typing import Any


def harfbuzz_subset_missing() -> bool:
    """WeasyPrint subsets fonts with HarfBuzz when it can; without it every build takes seconds longer."""
    return "harfbuzz-subset" not in _loader_cache() and ctypes.util.find_library("harfbuzz-subset") is None


@functools.cache
def weasyprint() -> Any:
    """WeasyPrint, imported on first call: only when a PDF is wanted (the import costs a sixth of a second)."""
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    with _libraries_from_loader_cache(), our_fontconfig(), _font_tools_on_first_use():
        import pydyf  # type: ignore[import-untyped]
        import weasyprint
        import weasyprint.pdf.fonts
        import weasyprint.text.fonts
        import weasyprint.urls
        from zlib_ng import zlib_ng

    weasyprint.pdf.fonts.ffi = _ArraysByItems(weasyprint.pdf.fonts.ffi)
    pydyf.zlib = _Deflate(zlib_ng)
    return weasyprint


class _Deflate:
    """pydyf deflates every stream (the fonts above all: a megabyte an issue) with zlib at level 9. zlib-ng
    writes the same format faster, and at level 6 in half the time again for 0.5% more bytes."""

    LEVEL = 6

    def __init__(self, zlib: Any) -> None:
        self._zlib = zlib

    def compressobj(self, level: int = LEVEL) -> Any:
        return self._zlib.compressobj(min(level, self.LEVEL))

    def compress(self, data: bytes, level: int = LEVEL) -> bytes:
        compressed: bytes = self._zlib.compress(data, min(level, self.LEVEL))
        return compressed

    def __getattr__(self, name: str) -> Any:
        return getattr(self._zlib, name)


class _ArraysByItems:
    """WeasyPrint's font subsetter asks cffi for arrays spelled with their length (hb_codepoint_t[740]), and
    cffi parses every new spelling of a type with pycparser: 2 ms each, two or three per font of every
    issue. The same array, made from the spelling without the length and the same items, is parsed once."""

    def __init__(self, ffi: Any) -> None:
        self._ffi = ffi

    def new(self, cdecl: str, init: Any = None) -> Any:
        if (match := re.fullmatch(r"(\w+)\[(\d+)\]", cdecl)) and init is not None and len(init) == int(match[2]):
            return self._ffi.new(f"{match[1]}[]", init)
        return self._ffi.new(cdecl, init)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._ffi, name)


@contextlib.contextmanager
def _font_tools_on_first_use() -> Iterator[None]:
    """WeasyPrint imports fontTools' subsetter and variable-font instancer at start-up, for fonts that
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


@contextlib.contextmanager
def _libraries_from_loader_cache() -> Iterator[None]:
    """WeasyPrint asks for each native library under several names (one per platform), and for every name
    that is not this platform's, ctypes runs `ldconfig -p` and then a trial link with gcc: about 0.2 s of
    the import. The loader's cache, read once, gives the same answers at once. Where it does not list every
    library WeasyPrint needs (not Linux, a library outside the cache), ctypes keeps its own way."""
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
