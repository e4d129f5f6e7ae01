"""Photos in both outputs: upright by their EXIF orientation, at most 300 dpi at their printed size (never
upsampled), centred, no taller than a page allows; the same pixels in the PDF and the DOCX."""

from __future__ import annotations

import io
import random
import zipfile
from pathlib import Path

import pdfplumber
import pytest
from lxml import etree
from PIL import Image, ImageStat
from project import build_issue

from bulletin import layout as L

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
MM = L.PT_PER_MM


STORED = {3: Image.Transpose.ROTATE_180, 6: Image.Transpose.ROTATE_90, 8: Image.Transpose.ROTATE_270}


def camera_jpeg(width: int, height: int, orientation: int) -> bytes:
    """A photo of `width` × `height` as a phone stores it: noisy (as large as a real one), a blue band along
    its top, turned as the camera was held, with EXIF saying how to turn it back."""
    rng = random.Random(7)
    image = Image.frombytes("RGB", (width, height), rng.randbytes(width * height * 3))
    image.paste((20, 40, 160), (0, 0, width, height // 10))
    exif = Image.Exif()
    exif[0x0112] = orientation
    out = io.BytesIO()
    image.transpose(STORED[orientation]).save(out, "JPEG", quality=95, exif=exif.tobytes())
    return out.getvalue()


def band_on_top(picture: Image.Image) -> bool:
    """Whether the blue band is along the top: red low there, noise (red about 128) along the other sides."""
    width, height = picture.size
    strips = {"top": (0, 0, width, height // 20), "bottom": (0, height - height // 20, width, height),
              "left": (0, height // 5, width // 20, height), "right": (width - width // 20, height // 5, width, height)}
    red = {side: ImageStat.Stat(picture.crop(box)).mean[0] for side, box in strips.items()}
    return red["top"] < 60 and all(red[side] > 90 for side in ("bottom", "left", "right"))


def docx_images(path: Path) -> list[tuple[Image.Image, tuple[int, int]]]:
    """Each picture of a DOCX: its image and its extent (EMU), in document order."""
    with zipfile.ZipFile(path) as package:
        document = etree.fromstring(package.read("word/document.xml"))
        rels = etree.fromstring(package.read("word/_rels/document.xml.rels"))
        targets = {rel.get("Id"): rel.get("Target") for rel in rels}
        found: list[tuple[Image.Image, tuple[int, int]]] = []
        for drawing in document.iter(W + "drawing"):
            extent = drawing.find(f".//{WP}extent")
            blip = drawing.find(".//{http://schemas.openxmlformats.org/drawingml/2006/main}blip")
            embed = blip.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}embed")
            image = Image.open(io.BytesIO(package.read("word/" + targets[embed])))
            image.load()
            found.append((image, (int(extent.get("cx")), int(extent.get("cy")))))
    return found


def test_a_phone_photo_prints_upright_at_300_dpi_in_both(tmp_path: Path) -> None:
    camera = camera_jpeg(3000, 4000, orientation=6)  # seen portrait, stored landscape
    assert len(camera) > 8_000_000
    pdf, docx = build_issue(tmp_path, [{"photo": "phone.jpg", "width": 0.5, "caption": "会场"}], {"phone.jpg": camera})
    with pdfplumber.open(pdf) as document:
        (image,) = [i for page in document.pages for i in page.images]
        width_mm, height_mm = (image["x1"] - image["x0"]) / MM, (image["bottom"] - image["top"]) / MM
        pixels = image["srcsize"]
    assert abs(width_mm - 78.0) < 0.2 and abs(height_mm - 104.0) < 0.2  # half the type area wide, 3:4
    assert pixels == (922, 1229), pixels  # 78 mm at 300 dpi: ceil(78 / 25.4 * 300) wide
    assert abs((image["x0"] + image["x1"]) / 2 / MM - (L.MARGIN_LEFT_MM + L.TYPE_WIDTH_MM / 2)) < 0.2  # centred
    ((picture, (cx, cy)),) = docx_images(docx)
    assert picture.size == (922, 1229) and picture.getexif().get(0x0112) is None  # upright: no turn left to do
    assert abs(cx / 36000 - 78.0) < 0.2 and abs(cy / 36000 - 104.0) < 0.2  # EMU: 36000 a millimetre
    assert band_on_top(picture)  # the band that the camera stored along a side is at the top again
    assert pdf.stat().st_size < 1_000_000 and docx.stat().st_size < 1_000_000  # not the camera's 8 MB


def test_a_small_photo_is_never_upsampled_and_a_tall_one_fits_its_page(tmp_path: Path) -> None:
    small = io.BytesIO()
    Image.new("RGB", (120, 90), (200, 100, 50)).save(small, "PNG")
    tall = io.BytesIO()
    Image.new("RGB", (100, 1000), (50, 100, 200)).save(tall, "PNG")  # 1:10
    pdf, docx = build_issue(tmp_path, [{"photo": "small.png"}, {"photo": "tall.png", "caption": "一张很高的照片",
                                                                  "credit": "张三 摄"}],
                            {"small.png": small.getvalue(), "tall.png": tall.getvalue()})
    with pdfplumber.open(pdf) as document:
        images = [(number, i) for number, page in enumerate(document.pages, 1) for i in page.images]
        captions = [(number, c) for number, page in enumerate(document.pages, 1)
                    for c in page.chars if c["text"] == "摄"]
    (_, first), (page, second) = images
    assert first["srcsize"] == (120, 90) and abs((first["x1"] - first["x0"]) / MM - 156.0) < 0.2  # full width, 120 px
    height = (second["bottom"] - second["top"]) / MM
    assert height <= L.TYPE_HEIGHT_MM - 2 * L.LINE_PITCH_PT / MM  # with its caption and credit on the page
    assert captions and captions[0][0] == page and captions[0][1]["top"] > second["bottom"]
    assert [picture.size for picture, _ in docx_images(docx)] == [(120, 90), (100, 1000)]


@pytest.mark.parametrize("orientation", [3, 8])
def test_every_turn_is_undone(tmp_path: Path, orientation: int) -> None:
    _, docx = build_issue(tmp_path, [{"photo": "p.jpg"}], {"p.jpg": camera_jpeg(400, 300, orientation)})
    ((picture, _),) = docx_images(docx)
    assert picture.size == (400, 300)
    assert band_on_top(picture)
