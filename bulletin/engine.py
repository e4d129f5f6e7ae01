"""WeasyPrint, loaded and tuned for our use: imported fast (its native libraries found from the loader's
cache, its C declarations parsed once per machine, fontTools' rarely used parts on first use), fed our
fonts through a fontconfig file of their own, and a few costs of its PDF writer cut (array types parsed
once, font files copied out of HarfBuzz only when read, streams deflated by zlib-ng). Each measure keeps
WeasyPrint's output: tests pin the PDFs and check what each touches."""

from __future__ import annotations

import contextlib
import ctypes.util
import functools
import hashlib
import importlib
import logging
import os
import pickle
import re
import struct
import subprocess
import sys
import types
import weakref
from collections.abc import Iterator
from pathlib import Path
from typing import Any


def harfbuzz_subset_missing() -> bool:
    """WeasyPrint subsets fonts with HarfBuzz when it can; without it every build takes seconds longer."""
    return "harfbuzz-subset" not in _loader_cache() and ctypes.util.find_library("harfbuzz-subset") is None


@functools.cache
def weasyprint() -> Any:
    """WeasyPrint, imported on first call: only when a PDF is wanted (the import costs a sixth of a second)."""
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    with _libraries_from_loader_cache(), our_fontconfig(), _font_tools_on_first_use(), _declarations_from_cache():
        import pydyf  # type: ignore[import-untyped]
        import weasyprint
        import weasyprint.pdf.fonts
        import weasyprint.pdf.stream
        import weasyprint.text.fonts
        import weasyprint.urls
        from zlib_ng import zlib_ng

    weasyprint.pdf.fonts.ffi = _ArraysByItems(weasyprint.pdf.fonts.ffi)
    weasyprint.pdf.fonts.get_hb_object_data = _FaceData.reader(weasyprint.pdf.fonts.get_hb_object_data)
    weasyprint.pdf.stream.Font = _font_reading_its_file_on_use(weasyprint.pdf.fonts.Font)
    pydyf.zlib = _Deflate(zlib_ng)
    return weasyprint


class _FaceData:
    """A font file in HarfBuzz, copied out when first used. WeasyPrint's Font copies the whole file of
    every face it meets (Noto Serif CJK: 24 MB), though it embeds the subset HarfBuzz makes and reads the
    file itself only when it cannot: 20 to 35 ms of copying in each render. The copy waits for a use."""

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
def _declarations_from_cache() -> Iterator[None]:
    """While WeasyPrint is imported, the FFI objects it makes get a _RememberedParser for cffi's parser."""
    if "cffi.cparser" in sys.modules:  # too late to stand in: cffi parses as it always does
        yield
        return
    stand_in = types.ModuleType("cffi.cparser", "_RememberedParser for cffi's parser")
    stand_in.Parser = _RememberedParser  # type: ignore[attr-defined]
    sys.modules["cffi.cparser"] = stand_in
    try:
        yield
    finally:
        if sys.modules.get("cffi.cparser") is stand_in:
            del sys.modules["cffi.cparser"]


class _RememberedParser:
    """cffi's C parser (cffi.cparser.Parser) as WeasyPrint's FFI uses it, remembered across runs. cffi
    parses C with pycparser: WeasyPrint's declarations at every start (50 ms with pycparser's own import,
    a quarter of WeasyPrint's) and each type a call spells out, on its first use (2 ms each, seven of them
    in a render). What comes out depends only on the text and on cffi, so it is kept in a file, pickled
    before cffi builds anything from it: later runs load it (half a millisecond) and never import
    pycparser. Anything not in the file goes to cffi's own parser, which works on the same state (its
    attributes are this object's) and adds its result to the file."""

    FOLDER = "cffi"

    def __init__(self) -> None:
        self._declarations: dict[str, Any] = {}  # cffi's Parser starts from the same
        self._included_declarations: set[Any] = set()
        self._anonymous_counter = 0
        self._structnode2type: Any = weakref.WeakKeyDictionary()
        self._options: dict[str, Any] = {}
        self._int_constants: dict[str, int] = {}
        self._recomplete: list[Any] = []
        self._uses_new_feature = None
        self._types: dict[str, Any] = {}  # type spelling -> (type, qualifiers), from the file
        self._file: Path | None = None  # the file of the one text parsed so far
        self._parsed = b""  # what the file holds (pickled), unpickled anew for each addition

    def parse(self, csource: str, **options: Any) -> None:
        if self._file is None and not self._declarations:  # the first text: from the file, or parsed into it
            from bulletin.fonts import CACHE_HOME

            key = hashlib.sha256(repr((_cffi_version(), sorted(options.items()), csource)).encode()).hexdigest()
            self._file = CACHE_HOME / self.FOLDER / f"{key[:32]}.pickle"
            with contextlib.suppress(Exception):  # missing, unreadable or from another cffi: parse again
                self._parsed = self._file.read_bytes()
                state, self._types = pickle.loads(self._parsed)
                self.__dict__.update(state)
                return
            self._cffi().parse(csource, **options)
            self._parsed = pickle.dumps((_parser_state(self), {}))
            self._save(self._parsed)
            return
        self._file = None  # a second text: this parser's state is no longer one file's
        self._cffi().parse(csource, **options)

    def parse_type(self, cdecl: str) -> Any:
        return self.parse_type_and_quals(cdecl)[0]

    def parse_type_and_quals(self, cdecl: str) -> Any:
        if cdecl in self._types:
            return self._types[cdecl]
        result = self._cffi().parse_type_and_quals(cdecl)
        if self._file is not None:  # in the file too: parsed again there, on the state as it was parsed
            with contextlib.suppress(Exception):
                state, known = pickle.loads(self._parsed)
                parser = self._cffi(state)
                known[cdecl] = parser.parse_type_and_quals(cdecl)
                self._parsed = pickle.dumps((_parser_state(parser), known))
                self._save(self._parsed)
        return result

    def include(self, other: Any) -> None:
        self._file = None
        self._cffi().include(other)

    def _cffi(self, state: dict[str, Any] | None = None) -> Any:
        """cffi's own parser, working on this object's attributes (or on a copy of a state of them)."""
        if getattr(sys.modules.get("cffi.cparser"), "Parser", None) is _RememberedParser:
            del sys.modules["cffi.cparser"]  # the stand-in, while WeasyPrint is imported: the real one now
        parser = importlib.import_module("cffi.cparser").Parser()
        if state is None:
            parser.__dict__ = self.__dict__
        else:
            parser.__dict__.update(state)
        return parser

    def _save(self, data: bytes) -> None:
        from bulletin.output import write_atomic

        if self._file is not None:
            with contextlib.suppress(OSError):
                write_atomic(self._file, data)


def _parser_state(parser: Any) -> dict[str, Any]:
    """What cffi's parser has made of the text (its weak map from pycparser's nodes aside), without ours."""
    return {name: value for name, value in vars(parser).items()
            if name not in ("_structnode2type", "_types", "_file", "_parsed")}


def _cffi_version() -> tuple[str, tuple[int, int]]:
    import cffi  # type: ignore[import-untyped]

    return str(cffi.__version__), sys.version_info[:2]


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
