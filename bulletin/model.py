"""The issue model: the one contract between the YAML and the renderers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any, Literal, get_args

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from bulletin import markup
from bulletin.fonts import Chain
from bulletin.i18n import N_, _
from bulletin.layout import ROLES

Role = Literal["xiaobiaosong", "fangsong", "kaiti", "heiti", "songti", "bold"]
Kind = Literal["专刊", "增刊", "正刊"]
DistributionLabel = Literal["报", "送", "发", "抄送", "分送"]


def date_text(day: dt.date) -> str:
    """A date as printed: 2018年6月5日."""
    return f"{day.year}年{day.month}月{day.day}日"


class Model(BaseModel):
    """Every model: unknown keys are errors, numbers given for text are taken as text. (The docstring under
    each field is for its readers: nothing asks for it at run time, so pydantic is not told to read the
    source for it, which would cost every start of the command a fiftieth of a second.)"""

    model_config = ConfigDict(extra="forbid", frozen=True, coerce_numbers_to_str=True)


class Prose(Model):
    """Running text with its markup (blank line = new paragraph, `# ` heading, `**bold**`)."""

    source: str
    """The text as the editor wrote it."""
    paragraphs: tuple[markup.Parsed, ...] = ()
    """The parsed paragraphs and headings."""

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, data: Any) -> Any:
        if not isinstance(data, str):
            return data
        try:
            return {"source": data, "paragraphs": tuple(markup.parse(data))}
        except markup.MarkupError as error:
            raise PydanticCustomError("markup", str(error), {"offset": error.offset}) from None


class Photo(Model):
    """A photo with its caption and credit ("某某 摄")."""

    photo: Path
    """The image file, relative to the issue's YAML file."""
    caption: str | None = None
    """What the photo shows, set under it."""
    credit: str | None = None
    """Who took it, as printed: "张三 摄"."""
    width: float = Field(default=1.0, gt=0, le=1)
    """The width as a fraction of the type area."""


class PhotoRow(Model):
    """Photos side by side (two or three), scaled to one height across the type area, each with its own
    caption under it; the row's caption (the story of photo news: paragraphs at blank lines) and credit under
    them all."""

    photos: list[Photo] = Field(min_length=2, max_length=3)
    """The photos, left to right (their own width is the row's to decide: leave it out)."""
    caption: str | None = None
    """What the photos show together, set under the row."""
    credit: str | None = None
    """Who took them: "张三 摄"."""
    width: float = Field(default=1.0, gt=0, le=1)
    """The row's width as a fraction of the type area."""

    @model_validator(mode="after")
    def _no_own_widths(self) -> PhotoRow:
        if any(photo.width != 1.0 for photo in self.photos):
            raise PydanticCustomError("photo_row", _("photos side by side share the row's width: give width to the "
                                        "row (photos: …, width: 0.8), not to a photo of it"), {})
        return self


class Table(Model):
    """A simple table: rows of cells, the first row a header by default."""

    table: list[list[str]] = Field(min_length=1)
    """The rows; each a list of cell texts."""
    header: bool = True
    """Whether the first row is a header row."""
    widths: list[Annotated[float, Field(gt=0, le=1000, allow_inf_nan=False)]] | None = None
    """Relative column widths (default: equal): positive numbers."""
    caption: str | None = None
    """A title set above the table."""

    @model_validator(mode="after")
    def _rectangular(self) -> Table:
        columns = {len(row) for row in self.table}
        if len(columns) != 1:
            raise PydanticCustomError("table", _("every row needs the same number of cells, got {sizes}"),
                                      {"sizes": sorted(columns)})
        if self.widths is not None and len(self.widths) != columns.pop():
            raise PydanticCustomError("table", _("widths needs one number per column"), {})
        return self


BLOCK_TAGS = frozenset({"prose", "photo", "photos", "table"})


def _block_tag(item: Any) -> str | None:
    if isinstance(item, dict):
        return next((key for key in ("photo", "photos", "table") if key in item), None)
    return "prose" if isinstance(item, str | Prose) else None


BLOCK_EXPECTED = N_("expected text, a photo (photo: FILE), photos side by side (photos: [...]) or a table "
                    "(table: ROWS)")
Block = Annotated[
    Annotated[Prose, Tag("prose")] | Annotated[Photo, Tag("photo")] | Annotated[PhotoRow, Tag("photos")]
    | Annotated[Table, Tag("table")],
    Discriminator(
        _block_tag,
        custom_error_type="block",
        custom_error_message=BLOCK_EXPECTED,  # told in the editor's language by the loader
    ),
]


class Article(Model):
    """One article of an issue."""

    column: str | None = None
    """栏目: the column the article belongs to (工作动态); consecutive articles of one column share its heading,
    printed once above the first of them as 【工作动态】, and listed in the 目录."""
    title: str | None = Field(default=None, min_length=1)
    """The headline (小标宋 二号, centred; long titles break between words into lines of even length). A
    newline in it is a line break the editor chose. Photo news and briefs (简讯) may go without: they print
    under their column's heading, and the 目录 lists no entry of their own (unless toc_title gives one)."""
    kicker: str | None = None
    """引题: the line above the title."""
    subtitle: str | None = None
    """副题: the line under the title, set after a dash."""
    toc_title: str | None = None
    """The 目录 entry when it differs from the title."""
    byline: str | None = None
    """The author or speaker, centred under the title."""
    dateline: str | None = None
    """When it was said or written, under the byline (2018年4月4日上午)."""
    note: str | None = None
    """编者按: the editor's note set before the body."""
    body: list[Block] = Field(min_length=1)
    """The text: one block of prose, or a list of prose, photos and tables."""
    source: str | None = None
    """For a reprint: where it first appeared (来源)."""
    author: str | None = None
    """For a reprint: its author (作者)."""
    link: str | None = None
    """For a reprint: the address of the original (原文链接)."""
    published: str | None = None
    """For a reprint: when the original was published (发布时间), as it should print: 2018-06-05 10:30, or a
    date (2018-06-05), printed 2018年6月5日."""

    @field_validator("published", mode="before")
    @classmethod
    def _published_text(cls, value: Any) -> Any:
        if isinstance(value, dt.datetime):
            return f"{date_text(value)} {value:%H:%M}"
        if isinstance(value, dt.date):
            return date_text(value)
        return value

    @field_validator("body", mode="before")
    @classmethod
    def _one_block(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    @field_validator("title")
    @classmethod
    def _has_text(cls, value: str | None) -> str | None:
        if value is not None and not value.strip():
            raise PydanticCustomError("title", _("a title needs text, not only line breaks"), {})
        return value

    @property
    def headline(self) -> str:
        """The title on one line: the editor's line breaks joined as wrapped lines are ("" without a title)."""
        if not self.title:
            return ""
        return markup.join_lines([line.strip() for line in self.title.split("\n") if line.strip()])

    def photos(self) -> list[Photo]:
        """Every photo of the article, those side by side included, in order."""
        return [photo for block in self.body for photo in
                (block.photos if isinstance(block, PhotoRow) else [block] if isinstance(block, Photo) else [])]

    @property
    def toc_entry(self) -> str:
        """What the 目录 lists for this article ("" for none: an untitled one without toc_title)."""
        return self.toc_title or self.headline


ISSUE_STEM = r"^\d{4}-z?\d{2,3}$"  # an issue by its file's stem: 2018-06, or 2018-z01 for a 增刊


class Series(Model):
    """Where the archive's numbering starts and what of it is kept elsewhere (bulletin check --all)."""

    start: str | None = Field(default=None, pattern=ISSUE_STEM)
    """The first issue in this archive (2018-06): the numbers before it, that year, are not looked for."""
    elsewhere: list[Annotated[str, Field(pattern=ISSUE_STEM)]] = []
    """Issues that exist but are not kept here (on paper only: [2018-07, 2018-08]), not reported missing."""


class Proofread(Model):
    """What the proofreader (bulletin check) reports."""

    disable: list[str] = []
    """Rule ids not to report, such as [spacing-numbers]."""


class Publication(Model):
    """What repeats in every issue of a bulletin: publication.yaml at the project's root."""

    name: str = Field(min_length=1)
    """The bulletin's name in the masthead (工商联信息)."""
    issuers: list[str] = Field(min_length=1)
    """编印单位, stacked in the masthead."""
    compiled_by: str | None = None
    """Set beside the issuers: 办公室编."""
    notice: str | None = None
    """Upper left of page 1, such as 内部资料 注意保存."""
    distribution: dict[DistributionLabel, str] = {}
    """The colophon's groups: label (送/报/发) to recipients, in order."""
    contacts: dict[str, str] = {}
    """The colophon's contact lines: label (网址, 邮箱, 电话 …) to value, in order."""
    signoff: dict[str, str] = {}
    """The colophon's sign-off: role (签发/审核/编辑) to name."""
    copies: int | None = Field(default=None, gt=0, le=10_000_000)
    """共印N份, when printed."""
    fonts: dict[Role, list[str]] = {}
    """An office's own fonts, tried before the free ones, per role (fangsong: [仿宋_GB2312])."""
    proofread: Proofread = Proofread()
    series: Series = Series()
    language: Literal["zh", "en"] | None = None
    """The language of the messages, help and preview: zh or en (unset: the locale's, Chinese when it is)."""
    """Settings of the proofreader (bulletin check)."""
    code: str = Field(default="bulletin", pattern=r"^[a-z][a-z0-9-]*$")
    """The ASCII name of the bulletin in archive file names (gslxx → archive/2018/gslxx-2018-10.pdf)."""
    archive: str = "archive"
    """Where published issues are kept: a folder under the publication file's (no absolute path, no `..`)."""

    @field_validator("archive")
    @classmethod
    def _inside(cls, value: str) -> str:
        parts = value.replace("\\", "/").split("/")
        if value.startswith(("/", "\\")) or ":" in value or any(part in ("", ".", "..") for part in parts):
            raise PydanticCustomError("archive", _("the archive is a folder under the publication's, without `..` "
                                                   "nor an absolute path"), {})
        return value


class Issue(Publication):
    """One numbered issue: its own fields, over the publication's."""

    kind: Kind = "正刊"
    """专刊, 增刊 or 正刊 (正刊 prints no kind line)."""
    year: int = Field(ge=1949, le=2999)
    """The year of the issue number (2018年第10期)."""
    number: int = Field(gt=0, le=999)
    """The number within the year."""
    serial: int | None = Field(default=None, gt=0, le=999_999)
    """总第N期: the running number over all years."""
    date: dt.date
    """The date printed in the masthead (YYYY-MM-DD)."""
    toc: bool | None = None
    """Print a 目录: true, false, or unset for "when there are two articles or more"."""
    articles: list[Article] = Field(min_length=1)
    """The articles, in order."""
    corrected: dt.date | None = None
    """更正版: the day of this corrected edition, printed under the issue line. Set by publish --supersede in
    the edition's archived source, never in an issue file."""

    @model_validator(mode="after")
    def _date_in_year(self) -> Issue:
        if self.date.year != self.year:
            raise PydanticCustomError(
                "date_year", _("the date {date} is not in the issue's year {year}"),
                {"date": self.date.isoformat(), "year": self.year, "field": "date"},
            )
        return self

    @property
    def supplement(self) -> bool:
        """增刊 are numbered on their own; 正刊 and 专刊 share the main sequence."""
        return self.kind == "增刊"

    @property
    def stem(self) -> str:
        """The file stem the archive expects: 2018-10, or 2018-z01 for a 增刊."""
        return f"{self.year}-{'z' if self.supplement else ''}{self.number:02d}"

    @property
    def issue_line(self) -> str:
        """2018年第10期, with （总第N期） when known."""
        line = f"{self.year}年第{self.number}期"
        return f"{line}（总第{self.serial}期）" if self.serial else line

    @property
    def date_text(self) -> str:
        """The date as printed: 2018年6月5日."""
        return date_text(self.date)

    @property
    def shows_toc(self) -> bool:
        """Whether the 目录 is printed: as `toc` says, else when there are several articles; never without a
        line to list (an issue whose articles are all untitled and outside any column has none)."""
        wanted = self.toc if self.toc is not None else len(self.articles) > 1
        return wanted and any(article.toc_entry or article.column for article in self.articles)

    def font_chain(self, role: Role) -> tuple[str, ...]:
        """The fonts of a role, the office's own first."""
        return (*self.fonts.get(role, ()), *ROLES[role])

    def font_chains(self) -> dict[Role, Chain]:
        """Every role's chain of faces, as found on this machine."""
        return {role: Chain.of(role, self.font_chain(role)) for role in get_args(Role)}


# The keys an issue may take over from the publication file.
STANDING_KEYS = frozenset(Publication.model_fields)
# where the archive is, what its files are called and where its numbering starts: never per issue
PUBLICATION_ONLY = frozenset({"archive", "code", "series", "language"})
ARCHIVE_ONLY = frozenset({"corrected"})  # what publish writes into an edition's archived source: never by an editor
