"""The layout numbers of the bulletin: one source for the PDF and the DOCX (GB/T 9704-2012, LAYOUT.md)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

PT_PER_MM = 72 / 25.4

# Page and type area [GB/T 9704 5.2]: A4, type area 156 × 225 mm.
PAGE_WIDTH_MM = 210.0
PAGE_HEIGHT_MM = 297.0
MARGIN_TOP_MM = 37.0
MARGIN_LEFT_MM = 28.0  # the binding side
TYPE_WIDTH_MM = 156.0
TYPE_HEIGHT_MM = 225.0
MARGIN_RIGHT_MM = PAGE_WIDTH_MM - MARGIN_LEFT_MM - TYPE_WIDTH_MM
MARGIN_BOTTOM_MM = PAGE_HEIGHT_MM - MARGIN_TOP_MM - TYPE_HEIGHT_MM

# The grid: 22 lines of 28 characters. Word stores the pitch in twentieths of a point (579).
LINES_PER_PAGE = 22
CHARS_PER_LINE = 28
LINE_PITCH_TWIPS = 579
LINE_PITCH_PT = LINE_PITCH_TWIPS / 20

# Type sizes (字号) in points.
SIZE_CHUHAO = 42.0
SIZE_ERHAO = 22.0
SIZE_SANHAO = 16.0
SIZE_SIHAO = 14.0

BODY_SIZE_PT = SIZE_SANHAO
TITLE_SIZE_PT = SIZE_ERHAO
KIND_SIZE_PT = 24.0
MASTHEAD_MAX_SIZE_PT = 60.0
MASTHEAD_MIN_SIZE_PT = SIZE_CHUHAO
COLOPHON_SIZE_PT = SIZE_SIHAO
PAGE_NUMBER_SIZE_PT = SIZE_SIHAO
PAGE_NUMBER_GAP_MM = 7.0  # from the bottom of the type area to the page number

# The masthead: the name's line height and tracking, the kind line's (专 刊, a character apart), the gap
# between the stacked 编印单位 and 办公室编 (and the width Word gives the latter), Word's header distance.
MASTHEAD_NAME_LINE_HEIGHT = 1.3  # ems of the name
MASTHEAD_NAME_TRACKING_EM = 0.1
KIND_LINE_HEIGHT_LINES = 1.5
KIND_TRACKING_EM = 1.0
COMPILED_BY_GAP_EM = 0.5
COMPILED_BY_WIDTH_CHARS = 6
DOCX_HEADER_DISTANCE_MM = 15.0

INDENT_CHARS = 2  # first-line indent of paragraphs and headings
ARTICLE_SPACE_LINES = (2, 1)  # empty lines above the first article (after the masthead or the 目录) and each later one
PHOTO_DPI = 300  # photos are embedded with at most this many pixels an inch at their printed size
PHOTO_GAP_MM = 4.0  # between photos side by side
PHOTO_CAPTION_CHARS = 6  # a photo side by side with a caption has at least this many caption characters' room
PHOTO_MIN_LINES = 2  # the least a photo is shrunk to, in lines, to leave room on its page for its captions
TABLE_LINE_HEIGHT = 1.5  # a table's lines, in ems of its type
TABLE_PADDING_PT = (2.0, 4.0)  # a cell's padding: top and bottom, left and right
TABLE_RULE_PT = 0.5  # a table's rules
TABLE_MARGIN_LINES = 0.5  # the space above and below a table, in lines
TABLE_KEEP_SHARE = 0.5  # rows kept together (two on each side of a page break) may fill this share of a page
COLOPHON_INDENT_CHARS = 1  # 送： indented one character each side

# The red of the masthead and its rule: CMYK 0/80/80/0.
RED_CMYK = (0.0, 0.8, 0.8, 0.0)
MASTHEAD_RULE_PT = 1.25
MASTHEAD_RULE_GAP_MM = 4.0
COLOPHON_OUTER_RULE_MM = 0.35
COLOPHON_INNER_RULE_MM = 0.25

# Word, WPS and LibreOffice set the DOCX's lines themselves. Body characters are set this much tighter than
# their size so that 28 always fit (28 × 15.6 = 436.8 pt, with room to spare for LibreOffice, which narrows the
# line to its character grid) and 29 never do (452.4 pt > 442.2 pt); justification spreads them to the margin.
DOCX_CONDENSE_PT = 0.4

# Squeezing a line to push one character in, before pushing one out (W3C clreq): the most a
# gap between two characters may shrink below the natural spacing, as a fraction of the type size.
MAX_SQUEEZE_EM = 0.06


def red_rgb_hex() -> str:
    """The masthead red for formats without CMYK (DOCX): the naive conversion of RED_CMYK."""
    c, m, y, k = RED_CMYK
    return "".join(f"{round(255 * (1 - v) * (1 - k)):02X}" for v in (c, m, y))


def type_width_pt() -> float:
    """The width of the type area in points."""
    return TYPE_WIDTH_MM * PT_PER_MM


def grid_spacing_pt(size_pt: float = BODY_SIZE_PT, chars: int = CHARS_PER_LINE) -> float:
    """The letter-spacing that sets `chars` full-width characters exactly across the type area."""
    return (type_width_pt() - chars * size_pt) / (chars - 1)


def char_pitch_pt() -> float:
    """The advance of one body character on the grid: its size plus the grid's letter-spacing, so that
    an indent of two characters leaves room for exactly 26."""
    return BODY_SIZE_PT + grid_spacing_pt()


def indent_pt(element: Element) -> float:
    """An element's first-line indent in points: characters of the grid at the body size (so that the indented
    line holds exactly two fewer), characters of its own size otherwise."""
    return element.indent * (char_pitch_pt() if element.size == BODY_SIZE_PT else element.size)


@dataclass(frozen=True)
class FreeFace:
    """A free font that the set-up (`bulletin fonts`, run by ./run) makes from Debian's packages."""

    family: str
    """The family name the renderers use for it."""
    file: str
    """Its file name in the fonts folder."""
    sha256: str
    """The digest the set-up must produce: every machine renders with the same bytes."""


# The free faces, by the name the roles below use. fonts/README.md records where each comes from and its licence.
FREE_FACES: dict[str, FreeFace] = {
    face.family: face
    for face in (
        FreeFace("FandolFang", "FandolFang-Regular.ttf",
                 "5cb16af702855d51ba7195a7fabafd791ad152faaa0da7b85a2c0f1c991332d0"),
        FreeFace("FandolKai", "FandolKai-Regular.otf",
                 "ea7e7fb4f9b3ac694a68d43946e04d21deed6e8c29a7c2d3081e1a4138f2f827"),
        FreeFace("FandolHei", "FandolHei-Regular.otf",
                 "4afa97aa8751e0118617df88272b58d43691b5cffb7ea024c4580496e9f34d28"),
        FreeFace("FandolSong", "FandolSong-Regular.otf",
                 "a3820003227d4abe31fe28b493200d94a849ccfd078b50a019264f70353020b0"),
        FreeFace("Noto Serif CJK SC", "NotoSerifCJKsc-Regular.otf",
                 "9db9cfb2875b67a625636f1890e3b1519be1fffec583daf4d6a73ca8dea33a97"),
        FreeFace("Noto Serif CJK SC Bold", "NotoSerifCJKsc-Bold.otf",
                 "d54ff4e6bed9753b4e9efdbf253b786da4d0e0579787a5a5648bacddb3347b76"),
        FreeFace("Noto Sans CJK SC", "NotoSansCJKsc-Regular.otf",
                 "7a0ef67c0373168f3e9203714e8ffb25dc5f67bf8af9a580a787d95ea58769d6"),
        FreeFace("LXGW WenKai", "LXGWWenKai-Regular.ttf",
                 "bbf534b0ca093928f94d1782855e65a19a32cde82b075d495d072025521953c8"),
    )
}

# Font roles (GB/T 9704 names styles, not files): each is a fallback chain of free faces. The
# publication file may put an office's own faces (方正小标宋简体, 仿宋_GB2312 …) in front of a chain.
# The Noto Bold and Sans faces are cut to GB 2312 at set-up (smaller PDFs); the full Noto Serif CJK SC
# ends each chain so that a rare character still prints.
ROLES: dict[str, tuple[str, ...]] = {
    "xiaobiaosong": ("Noto Serif CJK SC Bold", "Noto Serif CJK SC"),  # 小标宋: masthead, titles
    "fangsong": ("FandolFang", "Noto Serif CJK SC"),  # 仿宋: body, colophon
    "kaiti": ("LXGW WenKai", "FandolKai", "Noto Serif CJK SC"),  # 楷体: （一）, bylines, kickers
    "heiti": ("Noto Sans CJK SC", "FandolHei", "Noto Serif CJK SC"),  # 黑体: 一、 headings, 目录
    "songti": ("FandolSong", "Noto Serif CJK SC"),  # 宋体: page numbers
    "bold": ("Noto Serif CJK SC Bold", "Noto Serif CJK SC"),  # run-in leads: a real bold face (no faux bold)
}
BODY_ROLE = "fangsong"  # the body's role: its first face gives every line its height and baseline (the strut)

# The faces an office has for each role: what the DOCX names (and the fontconfig aliases in fonts/fonts.conf
# stand in for) unless the publication file names others.
OFFICE_FACES: dict[str, str] = {
    "xiaobiaosong": "方正小标宋简体",
    "fangsong": "仿宋_GB2312",
    "kaiti": "楷体_GB2312",
    "heiti": "黑体",
    "songti": "宋体",
    "bold": "仿宋_GB2312",
}

# What each role is called in Chinese, for messages and the README.
ROLE_NAMES: dict[str, str] = {
    "xiaobiaosong": "小标宋",
    "fangsong": "仿宋",
    "kaiti": "楷体",
    "heiti": "黑体",
    "songti": "宋体",
    "bold": "粗体",
}


Align = Literal["justify", "center", "left", "right"]


@dataclass(frozen=True)
class Element:
    """How one element of the bulletin is set: the same numbers for the PDF's CSS and the DOCX's styles."""

    role: str
    """The font role (a key of ROLES)."""
    size: float
    """The type size in points."""
    align: Align
    """Alignment of its lines."""
    style: str
    """Its Word style: a built-in name where Word has one, so that an editor restyles by style."""
    indent: float = 0
    """First-line indent in characters."""
    red: bool = False
    """Set in the masthead red."""


# Every element, by the name the HTML classes and the typesetter use.
ELEMENTS: dict[str, Element] = {
    "notice": Element("heiti", BODY_SIZE_PT, "left", "Notice"),
    "name": Element("xiaobiaosong", MASTHEAD_MAX_SIZE_PT, "center", "Masthead", red=True),
    "kind": Element("xiaobiaosong", KIND_SIZE_PT, "center", "Issue Kind", red=True),
    "number": Element("fangsong", BODY_SIZE_PT, "center", "Issue Line"),
    "correction": Element("kaiti", BODY_SIZE_PT, "center", "Correction Mark"),  # 更正版（日期）, under the issue line
    "issuer": Element("fangsong", BODY_SIZE_PT, "left", "Issuer"),
    "red-rule": Element("fangsong", BODY_SIZE_PT, "left", "Masthead Rule", red=True),
    "toc-heading": Element("heiti", BODY_SIZE_PT, "center", "TOC Heading"),
    "toc-item": Element("kaiti", BODY_SIZE_PT, "justify", "toc 1"),
    "column": Element("heiti", BODY_SIZE_PT, "left", "Column Heading"),
    "kicker": Element("kaiti", BODY_SIZE_PT, "center", "Kicker"),
    "title": Element("xiaobiaosong", TITLE_SIZE_PT, "center", "Title"),
    "subtitle": Element("kaiti", BODY_SIZE_PT, "center", "Subtitle"),
    "byline": Element("kaiti", BODY_SIZE_PT, "center", "Byline"),
    "dateline": Element("kaiti", BODY_SIZE_PT, "center", "Dateline"),
    "note": Element("kaiti", BODY_SIZE_PT, "justify", "Editor's Note", indent=INDENT_CHARS),
    "p": Element("fangsong", BODY_SIZE_PT, "justify", "Body Text", indent=INDENT_CHARS),
    "h1": Element("heiti", BODY_SIZE_PT, "justify", "Heading 1", indent=INDENT_CHARS),
    "h2": Element("kaiti", BODY_SIZE_PT, "justify", "Heading 2", indent=INDENT_CHARS),
    "h3": Element("fangsong", BODY_SIZE_PT, "justify", "Heading 3", indent=INDENT_CHARS),
    "h4": Element("fangsong", BODY_SIZE_PT, "justify", "Heading 4", indent=INDENT_CHARS),
    "subhead": Element("heiti", BODY_SIZE_PT, "center", "Subheading"),  # a heading without a number
    "caption": Element("kaiti", COLOPHON_SIZE_PT, "center", "Caption"),
    "story": Element("kaiti", COLOPHON_SIZE_PT, "justify", "Photo Story", indent=INDENT_CHARS),  # a caption's paras
    "photo": Element("fangsong", BODY_SIZE_PT, "center", "Picture"),
    "credit": Element("kaiti", COLOPHON_SIZE_PT, "right", "Photo Credit"),
    "table": Element("fangsong", COLOPHON_SIZE_PT, "center", "Table Text"),
    "table-head": Element("heiti", COLOPHON_SIZE_PT, "center", "Table Heading"),
    "source": Element("kaiti", COLOPHON_SIZE_PT, "left", "Source"),
    "distribution": Element("fangsong", COLOPHON_SIZE_PT, "justify", "Distribution"),
    "contacts": Element("fangsong", COLOPHON_SIZE_PT, "left", "Contacts"),
    "signoff": Element("fangsong", COLOPHON_SIZE_PT, "left", "Sign-off"),
    "page-number": Element("songti", PAGE_NUMBER_SIZE_PT, "right", "Footer"),
}
# The Word character style of a line break the layout chose (a title's or a subhead's balanced break), so that
# an import tells it from the editor's own (Shift+Enter), which a title keeps.
AUTOMATIC_BREAK_STYLE = "Automatic Line Break"
