"""Photos as printed (Pillow): upright by their EXIF orientation, no larger than the type area allows, and
resampled to at most PHOTO_DPI at their printed size (never up), the same bytes for the PDF and the DOCX."""

from __future__ import annotations

import functools
import io
import math
from dataclasses import dataclass
from pathlib import Path

from bulletin import layout as L
from bulletin.i18n import _
from bulletin.inputs import read_source

# EXIF orientations that turn the picture a quarter: its stored width is its printed height.
QUARTER_TURNS = frozenset({5, 6, 7, 8})
ORIENTATION_TAG = 0x0112
MM_PER_INCH = 25.4
JPEG_QUALITY = 90  # a re-encoded photo: no visible loss at print size


@dataclass(frozen=True)
class Placement:
    """Where a photo prints: its size in millimetres and the pixels it is embedded with."""

    width_mm: float
    height_mm: float
    pixels: int  # the embedded image's width


@functools.lru_cache(maxsize=256)
def _upright_size(path: Path, stamp: tuple[int, int]) -> tuple[int, int]:
    """The photo's pixels as seen, after its EXIF orientation (from the header: nothing is decoded)."""
    from PIL import Image

    with Image.open(path) as image:
        width, height = image.size
        orientation = image.getexif().get(ORIENTATION_TAG, 1)
    return (height, width) if orientation in QUARTER_TURNS else (width, height)


def _stamp(path: Path) -> tuple[int, int]:
    stat = path.stat()
    return stat.st_size, stat.st_mtime_ns


def place(path: Path, width: float, reserved_lines: int) -> Placement:
    """A photo `width` of the type area wide, narrower if it would be too tall for a page with
    `reserved_lines` body lines of caption and credit under it; and the pixels it needs there."""
    pixel_width, pixel_height = _upright_size(path, _stamp(path))
    width_mm = L.TYPE_WIDTH_MM * width
    height_mm = width_mm * pixel_height / pixel_width
    tallest = _tallest(reserved_lines)
    if height_mm > tallest:
        width_mm, height_mm = width_mm * tallest / height_mm, tallest
    return _placement(width_mm, height_mm, pixel_width)


def _placement(width_mm: float, height_mm: float, pixel_width: int) -> Placement:
    """A photo printed at this size, embedded with at most PHOTO_DPI (never more pixels than it has)."""
    return Placement(width_mm, height_mm, min(math.ceil(width_mm / MM_PER_INCH * L.PHOTO_DPI), pixel_width))


def place_row(paths: list[Path], width: float, reserved_lines: int,
              least_mm: list[float] | None = None) -> list[tuple[Placement, float]]:
    """Photos side by side at one height, together `width` of the type area wide with PHOTO_GAP_MM between
    them, each in a cell at least `least_mm` wide (the room its caption needs; the photo centred in it);
    lower (the row narrower) if they would be too tall for a page with `reserved_lines` under them. Each
    photo's placement and its cell's width."""
    sizes = [_upright_size(path, _stamp(path)) for path in paths]
    aspects = [pixel_width / pixel_height for pixel_width, pixel_height in sizes]
    least = least_mm or [0.0] * len(paths)
    room = max(L.TYPE_WIDTH_MM * width - L.PHOTO_GAP_MM * (len(paths) - 1), float(len(paths)))
    least = [min(need, room / len(paths)) for need in least]  # never more than a fair share each

    def cells(height: float) -> list[float]:
        return [max(aspect * height, need) for aspect, need in zip(aspects, least, strict=True)]

    low, high = 0.0, room / sum(aspects)  # the height that fills the room: sum(cells) is monotonic in it
    for _attempt in range(60):
        middle = (low + high) / 2
        low, high = (middle, high) if sum(cells(middle)) <= room else (low, middle)
    height_mm = min(low, _tallest(reserved_lines))
    return [(_placement(aspect * height_mm, height_mm, size[0]), cell)
            for aspect, size, cell in zip(aspects, sizes, cells(height_mm), strict=True)]


def _tallest(reserved_lines: int) -> float:
    """The tallest a photo may print, in mm: a page with `reserved_lines` body lines under it and one above
    (and never less than PHOTO_MIN_LINES, whatever its captions take: they then go on to the next page)."""
    line = L.LINE_PITCH_PT / L.PT_PER_MM
    return max(L.TYPE_HEIGHT_MM - (reserved_lines + 1) * line, L.PHOTO_MIN_LINES * line)


def reference(path: str, placement: Placement) -> str:
    """How the HTML names a photo at its placement: asset:PATH?px=WIDTH (the renderers read it back with
    `asset`)."""
    from urllib.parse import quote

    return f"asset:{quote(path)}?px={placement.pixels}"


def asset(folder: Path, name: str) -> bytes:
    """What an asset: reference names (without its scheme, unquoted): a photo of the issue's folder, resampled
    to the width it asks for. ValueError for anything else."""
    path_part, _mark, query = name.partition("?px=")
    path = (folder / path_part).resolve()
    if not path.is_relative_to(folder.resolve()) or not path.is_file():
        raise ValueError(_("not a file in the issue's folder: {path}").format(path=path_part))
    if not query:
        return read_source(path)
    if not query.isdigit() or int(query) < 1:
        raise ValueError(_("not a width in pixels: {query}").format(query=query))
    return image_bytes(path, int(query))


def image_bytes(path: Path, pixels: int) -> bytes:
    """The photo to embed, `pixels` wide: turned upright, resampled down, its metadata (GPS too) left out.
    A JPEG or PNG that needs none of that is embedded as it is."""
    return _image_bytes(path, _stamp(path), pixels)


@functools.lru_cache(maxsize=32)
def _image_bytes(path: Path, stamp: tuple[int, int], pixels: int) -> bytes:
    from PIL import Image, ImageOps

    with Image.open(path) as image:
        orientation = image.getexif().get(ORIENTATION_TAG, 1)
        kind = image.format
        upright = image.height if orientation in QUARTER_TURNS else image.width
        if kind in ("JPEG", "PNG") and orientation == 1 and pixels >= upright and image.mode in ("RGB", "L", "RGBA"):
            return read_source(path)
        picture = ImageOps.exif_transpose(image)
        if picture.mode not in ("RGB", "L", "RGBA", "LA"):
            picture = picture.convert("RGBA" if "A" in picture.getbands() or "transparency" in picture.info else "RGB")
        if pixels < picture.width:
            height = max(1, round(picture.height * pixels / picture.width))
            picture = picture.resize((pixels, height), Image.Resampling.LANCZOS)
        out = io.BytesIO()
        if kind == "JPEG" and picture.mode in ("RGB", "L"):
            picture.save(out, "JPEG", quality=JPEG_QUALITY, optimize=False)
        else:
            picture.save(out, "PNG")
        return out.getvalue()
