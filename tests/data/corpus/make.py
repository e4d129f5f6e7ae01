"""Write the import corpus's drafts from its expected issues: `.venv/bin/python tests/data/corpus/make.py`.

Each folder's expected.yaml is the issue a careful editor makes of the draft beside it. The draft is written
here from that issue, in the arrangement its case below gives (Word styles or none, automatic numbering,
hard wraps, page furniture, web boilerplate), so that a draft and its issue cannot drift apart. Run this only
when a case is meant to change; the drafts it writes (the .docx files too, byte for byte the same on every
run) are committed, and corpus.yaml indexes them.
"""

from __future__ import annotations

import html
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import docx
import yaml
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from PIL import Image, ImageDraw

HERE = Path(__file__).resolve().parent
PHOTO = "photo.png"  # the picture a Markdown draft names beside it
FIXED_TIME = (2024, 1, 1, 0, 0, 0)  # every zip member's time: the same bytes on every run
FULL_SPACE = "\u3000"


# --- the expected issue, as the drafts need it ------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    """One element of an article's body: a paragraph (level 0), a heading (1-4), a photo or a table."""

    kind: str  # p, h, photo, table
    text: str = ""
    level: int = 0
    block: Any = None


def items(article: dict[str, Any]) -> list[Item]:
    """The body of an expected article, element by element."""
    body = article["body"]
    out: list[Item] = []
    for block in [body] if isinstance(body, str) else body:
        if isinstance(block, str):
            for para in re.split(r"\n\s*\n", block.strip()):
                heading = re.match(r"^(#{1,4}) (.*)$", para)
                if heading:
                    out.append(Item("h", heading.group(2), len(heading.group(1))))
                else:
                    out.append(Item("p", para.replace("\n", "")))
        else:
            out.append(Item("photo" if "photo" in block else "table", block=block))
    return out


def bare(text: str) -> str:
    """Text without its bold marks."""
    return text.replace("**", "")


def sources(article: dict[str, Any]) -> dict[str, str]:
    """The reprint particulars an article prints, by their label."""
    labels = {"source": "来源", "author": "作者", "published": "发布时间", "link": "原文链接"}
    return {label: str(article[key]) for key, label in labels.items() if key in article}


# --- plain text ------------------------------------------------------------------------------------------


def wrap(text: str, width: int, first: str = "") -> list[str]:
    """A paragraph broken into lines of `width` characters, as a PDF's text layer gives them."""
    text = first + text
    lines: list[str] = []
    while text:
        cut = width + 1 if text[width : width + 1] in NO_LINE_START else width  # punctuation hangs
        lines.append(text[:cut])
        text = text[cut:]
    return lines


NO_LINE_START = set("，。、；：？！”’）》")


def pages(lines: list[str], per_page: int, footer: Callable[[int], str], header: str = "") -> list[str]:
    """Lines laid out on pages of `per_page` lines: each page's number at its foot, a running header at the
    top of each page after the first."""
    out: list[str] = []
    for n, start in enumerate(range(0, len(lines), per_page), 1):
        if header and n > 1:
            out.append(header)
        out += lines[start : start + per_page]
        out.append(footer(n))
    return out


def text_body(article: dict[str, Any], *, indent: str = FULL_SPACE * 2, width: int = 0) -> list[str]:
    """An article's body as text lines: paragraphs indented (hard-wrapped when a width is given), headings
    on their own line, tables as tab-separated rows, photos left out."""
    lines: list[str] = []
    for item in items(article):
        if item.kind == "table":
            lines += ["\t".join(str(cell) for cell in row) for row in item.block["table"]]
        elif item.kind in ("p", "h"):
            lead = indent if item.kind == "p" or item.level > 1 else ""
            lines += wrap(bare(item.text), width, lead) if width else [lead + bare(item.text)]
    return lines


def centred(text: str, width: int = 30) -> str:
    """A line centred as a PDF's text layer gives it: spaces before."""
    return " " * max(0, width - len(text)) + text


def write_text(folder: Path, lines: list[str], *, blank: bool = True, name: str = "draft.txt") -> None:
    """The draft as text: a blank line between lines (paragraphs), or none."""
    (folder / name).write_text(("\n\n" if blank else "\n").join(lines) + "\n", encoding="utf-8")


# --- Word ------------------------------------------------------------------------------------------------


def document() -> Any:
    """A new Word document (python-docx's own template) with a Chinese body face."""
    doc = docx.Document()
    normal = doc.styles["Normal"]
    normal.font.size = Pt(16)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "仿宋_GB2312")
    doc.core_properties.author = "corpus"
    return doc


def runs(paragraph: Any, text: str, bold: bool = False) -> Any:
    """Add text to a paragraph, its **bold** runs as bold runs."""
    for n, piece in enumerate(text.split("**")):
        if piece:
            paragraph.add_run(piece).bold = bold or n % 2 == 1
    return paragraph


def para(doc: Any, text: str, *, style: str | None = None, bold: bool = False, centre: bool = False,
         indent: bool = False) -> Any:
    """Add a paragraph: a style, or direct formatting (bold, centred, first line indented two characters)."""
    paragraph = runs(doc.add_paragraph(style=style), text, bold)
    if centre:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if indent:
        paragraph.paragraph_format.first_line_indent = Pt(32)
    return paragraph


def chinese_numbering(doc: Any) -> str:
    """A numbering definition of the 一、二、 kind (chineseCounting) added to numbering.xml: its numId."""
    numbering = doc.part.numbering_part.element
    abstract = OxmlElement("w:abstractNum")
    abstract.set(qn("w:abstractNumId"), "90")
    level = OxmlElement("w:lvl")
    level.set(qn("w:ilvl"), "0")
    for tag, value in (("w:start", "1"), ("w:numFmt", "chineseCounting"), ("w:lvlText", "%1、"),
                       ("w:lvlJc", "left")):
        child = OxmlElement(tag)
        child.set(qn("w:val"), value)
        level.append(child)
    abstract.append(level)
    numbering.insert(0, abstract)
    num = OxmlElement("w:num")
    num.set(qn("w:numId"), "90")
    ref = OxmlElement("w:abstractNumId")
    ref.set(qn("w:val"), "90")
    num.append(ref)
    numbering.append(num)
    return "90"


def numbered(paragraph: Any, num_id: str) -> None:
    """Number a paragraph by a numbering definition (numPr), as Word's numbering button does."""
    properties = paragraph._p.get_or_add_pPr()
    numpr = OxmlElement("w:numPr")
    for tag, value in (("w:ilvl", "0"), ("w:numId", num_id)):
        child = OxmlElement(tag)
        child.set(qn("w:val"), value)
        numpr.append(child)
    properties.insert(0, numpr)


NUMBER = re.compile(r"^(?:[一二三四五六七八九十]+、|\d{1,2}[.．]\s*)")


def word_body(doc: Any, article: dict[str, Any], folder: Path, *, headings: str = "bold",
              caption: str = "line") -> None:
    """An article's body in Word: headings styled (Heading N), bold, or numbered automatically (list-number:
    List Number; chinese: a 一、 numbering), the number then not typed; photos inline with their caption
    under them (caption: line, a credit line of its own; end: （张三 摄） at the caption's end)."""
    num_id = chinese_numbering(doc) if headings == "chinese" else ""
    for item in items(article):
        if item.kind == "p":
            para(doc, item.text, indent=True)
        elif item.kind == "h":
            if headings == "styled":
                para(doc, item.text, style=f"Heading {item.level}")
            elif headings == "list-number":
                para(doc, NUMBER.sub("", item.text), style="List Number", bold=True)
            elif headings == "chinese":
                numbered(para(doc, NUMBER.sub("", item.text), bold=True), num_id)
            else:
                para(doc, item.text, bold=True, indent=True)
        elif item.kind == "photo":
            picture = doc.add_paragraph()
            picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
            picture.add_run().add_picture(str(folder / item.block["photo"]), width=Mm(120))
            block = item.block
            if caption == "end":
                para(doc, f"{block['caption']}（{block['credit'].removesuffix(' 摄')} 摄）", centre=True)
            else:
                para(doc, block["caption"], centre=True)
                para(doc, block["credit"], centre=True)
        else:
            rows = item.block["table"]
            table = doc.add_table(rows=len(rows), cols=len(rows[0]))
            table.style = "Table Grid"
            for r, row in enumerate(rows):
                for c, cell in enumerate(row):
                    table.cell(r, c).text = str(cell)


def save(doc: Any, folder: Path) -> None:
    """Save draft.docx with fixed times, so that a run writes the same bytes as the last."""
    doc.core_properties.created = doc.core_properties.modified = __import__("datetime").datetime(2024, 1, 1)
    buffer = io.BytesIO()
    doc.save(buffer)
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(zipfile.ZipInfo(info.filename, FIXED_TIME), source.read(info.filename),
                            zipfile.ZIP_DEFLATED)
    (folder / "draft.docx").write_bytes(out.getvalue())


def photo_png() -> bytes:
    """A small picture standing for a meeting photo (Pillow: PNG, no metadata)."""
    image = Image.new("RGB", (480, 320), (214, 222, 230))
    draw = ImageDraw.Draw(image)
    draw.rectangle((40, 200, 440, 300), fill=(150, 40, 40))
    for x in range(70, 420, 60):
        draw.ellipse((x, 120, x + 36, 156), fill=(60, 60, 70))
        draw.rectangle((x + 4, 156, x + 32, 200), fill=(40, 50, 90))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=False)
    return buffer.getvalue()


# --- web pages -------------------------------------------------------------------------------------------


def page(title: str, site: str, head: str, content: str, foot: str) -> str:
    """A saved web page: navigation, the article and the site's furniture around it."""
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>{html.escape(title)}_{site}</title>
<script>var _hmt = _hmt || []; window.share = function () {{ return "分享到"; }};</script>
<style>body {{ font-family: SimSun; }} .nav a {{ margin: 0 8px; }}</style>
</head>
<body>
<div class="top"><a href="/">首页</a> | <a href="/zwgk/">政务公开</a> | <a href="/xwzx/">新闻中心</a> | 无障碍阅读</div>
<div class="nav">当前位置：<a href="/">首页</a> &gt; <a href="/xwzx/">新闻中心</a> &gt; 工作动态</div>
<div class="article">
{head}
{content}
</div>
{foot}
<div class="footer"><p>主办单位：{site}　　地址：嘉兴市南湖区　　邮编：314000</p>
<p>版权所有 © {site}　浙ICP备05012345号</p></div>
</body>
</html>
"""


def html_body(article: dict[str, Any]) -> str:
    """An article's body as a web page's content: <p> paragraphs (indented with full-width spaces, as
    editors of such sites type them), <strong> for bold, a table."""
    out = []
    for item in items(article):
        if item.kind == "table":
            rows = "".join("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>"
                           for row in item.block["table"])
            out.append(f'<table border="1" cellspacing="0">{rows}</table>')
        elif item.kind in ("p", "h"):
            text = html.escape(item.text)
            text = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", text)
            out.append(f'<p style="text-indent: 2em;">{FULL_SPACE * 2}{text}</p>')
    return '<div class="content">\n' + "\n".join(out) + "\n</div>"


# --- the cases -------------------------------------------------------------------------------------------


def first(issue: dict[str, Any]) -> dict[str, Any]:
    return dict(issue["articles"][0])


def c01(issue: dict[str, Any], folder: Path) -> None:
    """Word, styled: Title, the byline a plain line under it, Heading 1 sections."""
    art, doc = first(issue), document()
    para(doc, art["title"], style="Title")
    para(doc, "平湖市工商联　张三", centre=True)
    word_body(doc, art, folder, headings="styled")
    save(doc, folder)


def c02(issue: dict[str, Any], folder: Path) -> None:
    """Word without styles: a bold centred title, the byline under it, bold typed headings."""
    art, doc = first(issue), document()
    para(doc, art["title"], bold=True, centre=True)
    para(doc, art["byline"], centre=True)
    word_body(doc, art, folder, headings="bold")
    save(doc, folder)


def c03(issue: dict[str, Any], folder: Path) -> None:
    """Word: Title style, headings in List Number (automatic 1. 2. 3.), （海盐县工商联 供稿） at the end."""
    art, doc = first(issue), document()
    para(doc, art["title"], style="Title")
    word_body(doc, art, folder, headings="list-number")
    para(doc, "（海盐县工商联　供稿）", indent=True)
    save(doc, folder)


def c04(issue: dict[str, Any], folder: Path) -> None:
    """Word: a bold title and byline, headings numbered 一、二、 by numbering.xml (chineseCounting)."""
    art, doc = first(issue), document()
    para(doc, art["title"], bold=True, centre=True)
    para(doc, art["byline"], centre=True)
    word_body(doc, art, folder, headings="chinese")
    save(doc, folder)


def c05(issue: dict[str, Any], folder: Path) -> None:
    """Word: a bold title, no byline, the source as （海宁市工商联 供稿） closing the text."""
    art, doc = first(issue), document()
    para(doc, art["title"], bold=True, centre=True)
    word_body(doc, art, folder)
    para(doc, "（海宁市工商联 供稿）", indent=True)
    save(doc, folder)


def c06(issue: dict[str, Any], folder: Path) -> None:
    """Word: the byline above the title."""
    art, doc = first(issue), document()
    para(doc, "桐乡市工商联　王磊")
    para(doc, art["title"], bold=True, centre=True)
    word_body(doc, art, folder)
    save(doc, folder)


def c07(issue: dict[str, Any], folder: Path) -> None:
    """Word: a Title-styled title and a table between paragraphs."""
    art, doc = first(issue), document()
    para(doc, art["title"], style="Title")
    word_body(doc, art, folder)
    save(doc, folder)


def c08(issue: dict[str, Any], folder: Path) -> None:
    """Word: a bold title, the byline, a photo with 图为… under it and the credit on a line of its own."""
    art, doc = first(issue), document()
    para(doc, art["title"], bold=True, centre=True)
    para(doc, "南湖区工商联 赵敏", centre=True)
    word_body(doc, art, folder)
    save(doc, folder)


def c09(issue: dict[str, Any], folder: Path) -> None:
    """Word: a speech — bold title, ——在……上的讲话, speaker, （date）, 同志们：, bold headings."""
    art, doc = first(issue), document()
    para(doc, art["title"], bold=True, centre=True)
    para(doc, "——" + art["subtitle"], centre=True)
    para(doc, "市工商联主席　周建华", centre=True)
    para(doc, "（2024年3月15日）", centre=True)
    word_body(doc, art, folder)
    save(doc, folder)


def c10(issue: dict[str, Any], folder: Path) -> None:
    """Word: two articles, each title in Heading 1, the second with a ——subtitle; no 目录."""
    doc = document()
    for art in issue["articles"]:
        para(doc, art["title"], style="Heading 1")
        if "subtitle" in art:
            para(doc, "——" + art["subtitle"], centre=True)
        word_body(doc, art, folder)
    save(doc, folder)


def c11(issue: dict[str, Any], folder: Path) -> None:
    """Word: a whole issue — masthead lines, 目录, two bold titles, the colophon."""
    doc = document()
    para(doc, "工商联信息", bold=True, centre=True)
    para(doc, "2024年第5期（总第152期）", centre=True)
    para(doc, "嘉兴市工商业联合会")
    para(doc, "嘉兴市总商会")
    para(doc, "2024年5月20日")
    para(doc, "目　录", bold=True, centre=True)
    for art in issue["articles"]:
        para(doc, "※" + art["title"])
    for art in issue["articles"]:
        para(doc, art["title"], bold=True, centre=True)
        word_body(doc, art, folder)
    para(doc, "送：" + issue["distribution"]["送"] + "。")
    para(doc, "签发：王静　审核：李强　编辑：黄克飞")
    save(doc, folder)


def c12(issue: dict[str, Any], folder: Path) -> None:
    """Word: 【工作动态】 over a bold-titled article, then 简讯 with bold leads."""
    doc = document()
    column, briefs = issue["articles"]
    para(doc, "【工作动态】", bold=True)
    para(doc, column["title"], bold=True, centre=True)
    word_body(doc, column, folder)
    para(doc, "简讯", bold=True)
    word_body(doc, briefs, folder)
    save(doc, folder)


def c13(issue: dict[str, Any], folder: Path) -> None:
    """Word: a kicker over a bold title, the byline, a photo captioned with （孙伟 摄） at the end, a table."""
    art, doc = first(issue), document()
    para(doc, art["kicker"], centre=True)
    para(doc, art["title"], bold=True, centre=True)
    para(doc, art["byline"], centre=True)
    word_body(doc, art, folder, caption="end")
    save(doc, folder)


def c14(issue: dict[str, Any], folder: Path) -> None:
    """Word: a title that ends in ？ (bold), the byline, bold run-in leads."""
    art, doc = first(issue), document()
    para(doc, art["title"], bold=True, centre=True)
    para(doc, art["byline"], centre=True)
    word_body(doc, art, folder)
    save(doc, folder)


def number_footer(style: str) -> Callable[[int], str]:
    return {"dash": lambda n: f"— {n} —", "hyphen": lambda n: f"- {n} -"}[style]


def c15(issue: dict[str, Any], folder: Path) -> None:
    """Text copied out of a PDF: a 通报 with its masthead, the date typed with spaces, a two-line title,
    run-in （一） sections, every wrapped line followed by a blank line, — N — page numbers."""
    art = first(issue)
    lines = [centred("工商联信息"), centred("2023年第6期"), "嘉兴市工商业联合会        2023年 6月 5日",
             centred("关于2023年一季度全市商会组织"), centred("规范化建设情况的通报")]
    body = text_body(art, width=30, indent="  ")
    write_text(folder, lines + pages(body, 24, number_footer("dash")), blank=True)


def c16(issue: dict[str, Any], folder: Path) -> None:
    """Text copied out of a PDF: a 通报, wrapped at 35, a running header on each page, - N - numbers."""
    art = first(issue)
    lines = ["工商联信息", "2023年第9期", "嘉兴市工商业联合会 嘉兴市总商会 2023年 9月18日",
             "关于表扬2023年度“四好”商会建设先进", "单位的通报"]
    body = text_body(art, width=35, indent="")
    write_text(folder, lines + pages(body, 14, number_footer("hyphen"), "工商联信息　2023年第9期"), blank=False)


def c17(issue: dict[str, Any], folder: Path) -> None:
    """Text copied out of a PDF: a report wrapped at 28, its byline under the title, - N - numbers."""
    art = first(issue)
    lines = [centred(art["title"], 34), centred(art["byline"])]
    body = text_body(art, width=28)
    write_text(folder, lines + pages(body, 20, number_footer("hyphen")), blank=False)


def c18(issue: dict[str, Any], folder: Path) -> None:
    """Text copied out of a PDF: a speech, its date typed with spaces, blank lines between wrapped lines."""
    art = first(issue)
    lines = [centred(art["title"]), centred("市工商联党组书记　叶明"), centred("（2023年 11月 8日）")]
    body = text_body(art, width=32, indent="")
    write_text(folder, lines + pages(body, 18, number_footer("dash")), blank=True)


def c19(issue: dict[str, Any], folder: Path) -> None:
    """Text copied out of a PDF: a masthead with two issuers on two lines, the second beside the date."""
    art = first(issue)
    lines = [centred("工商联信息"), centred("2024年第1期"), "海宁市工商业联合会",
             "海宁市总商会                2024年1月 10日", centred(art["title"])]
    body = text_body(art, width=30)
    write_text(folder, lines + pages(body, 30, number_footer("dash")), blank=False)


def c20(issue: dict[str, Any], folder: Path) -> None:
    """Text copied out of a PDF: 简讯, its briefs wrapped at 32 (their bold lost)."""
    art = first(issue)
    body = text_body(art, width=32)
    write_text(folder, [centred("简　讯")] + pages(body, 40, number_footer("hyphen")), blank=False)


SHARE = '<div class="share">分享到：<a href="#">微信</a> <a href="#">微博</a> <a href="#">QQ空间</a></div>'
PRINT = '<div class="tools"><a href="javascript:window.print()">【打印本页】</a> <a href="#">【关闭窗口】</a></div>'


def c21(issue: dict[str, Any], folder: Path) -> None:
    """A saved government page: 发布时间 and 来源 on one line, share buttons, 上一篇/下一篇, 打印本页 关闭窗口."""
    art = first(issue)
    head = (f"<h1>{art['title']}</h1>\n<div class=\"info\">发布时间：{art['published']}　来源：{art['source']}"
            "　浏览次数：1024　字号：<a>大</a> <a>中</a> <a>小</a></div>")
    foot = (f"{SHARE}\n{PRINT}\n<div class=\"pages\"><p>上一篇：全市经济运行情况通报</p>"
            "<p>下一篇：市政府召开常务会议</p></div>")
    (folder / "draft.html").write_text(page(art["title"], "嘉兴市人民政府", head, html_body(art), foot),
                                       encoding="utf-8")


def c22(issue: dict[str, Any], folder: Path) -> None:
    """A saved chamber page: 来源, 作者 and 发布时间 in one line, a table in the text."""
    art = first(issue)
    head = (f"<h2 class=\"title\">{art['title']}</h2>\n<p class=\"meta\">来源：{art['source']}　作者：{art['author']}"
            f"　发布时间：{art['published']}</p>")
    (folder / "draft.html").write_text(page(art["title"], "嘉兴市温州商会", head, html_body(art), SHARE),
                                       encoding="utf-8")


def c23(issue: dict[str, Any], folder: Path) -> None:
    """A saved page: a title ending in ？, the particulars on two lines, 免责声明 under the text."""
    art = first(issue)
    head = (f"<div class=\"tit\">{art['title']}</div>\n<div class=\"meta\"><span>来源：{art['source']}</span>"
            f"<br><span>发布时间：{art['published']}</span></div>")
    foot = "<div class=\"statement\">免责声明：本网转载作品均注明出处，版权归原作者所有。</div>\n" + PRINT
    (folder / "draft.html").write_text(page(art["title"], "浙江省工商业联合会", head, html_body(art), foot),
                                       encoding="utf-8")


def c24(issue: dict[str, Any], folder: Path) -> None:
    """A saved page: a <table> layout, the particulars under the title, 免责声明 and 上一篇/下一篇."""
    art = first(issue)
    head = (f"<table class=\"layout\"><tr><td><h1>{art['title']}</h1></td></tr>\n<tr><td>作者：{art['author']}"
            f"　来源：{art['source']}　发布时间：{art['published']}</td></tr></table>")
    foot = ("<p>【免责声明】本网站所载内容仅供参考。</p>\n<p>上一篇：平湖市工商联召开年度总结会</p>\n"
            "<p>下一篇：没有了</p>\n" + PRINT)
    (folder / "draft.html").write_text(page(art["title"], "平湖市工商业联合会", head, html_body(art), foot),
                                       encoding="utf-8")


def c25(issue: dict[str, Any], folder: Path) -> None:
    """A WeChat article copied as text: 点击上方蓝字关注, the account and date, 阅读原文, 长按识别二维码."""
    art = first(issue)
    lines = ["点击上方蓝字关注我们", art["title"], "原创 市工商联 嘉兴工商联 2024-03-01 17:30 发表于浙江"]
    lines += [bare(item.text) for item in items(art)]
    lines += ["END", "来源：嘉兴工商联", "编辑：小张", "长按识别二维码关注我们", "阅读原文", "分享 收藏 点赞 在看"]
    write_text(folder, lines, blank=True)


def c26(issue: dict[str, Any], folder: Path) -> None:
    """A WeChat article saved as a web page: rich_media markup, 阅读原文, 长按识别二维码."""
    art = first(issue)
    paragraphs = "\n".join(f'<section><span style="font-size: 15px;">{html.escape(bare(item.text))}</span>'
                           "</section>" for item in items(art))
    text = f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{html.escape(art['title'])}</title>
<script>var biz = "MzA5"; var msg_title = "{html.escape(art['title'])}";</script></head>
<body id="activity-detail" class="zh_CN">
<div class="rich_media_inner">
<h1 class="rich_media_title" id="activity-name">{html.escape(art['title'])}</h1>
<div id="meta_content" class="rich_media_meta_list"><span class="rich_media_meta rich_media_meta_nickname">
<a id="js_name">嘉兴市湖南商会</a></span> <em id="publish_time">2024-05-20 08:12</em></div>
<div class="rich_media_content" id="js_content">
<section><span>点击上方蓝字关注我们</span></section>
{paragraphs}
<section><span>来源：嘉兴市湖南商会</span></section>
<section><img data-src="https://mmbiz.qpic.cn/qrcode.jpg"><span>长按识别二维码</span></section>
</div>
<div id="js_read_area"><a id="js_view_source">阅读原文</a> 阅读 1086 <a>在看</a></div>
</div>
</body></html>
"""
    (folder / "draft.html").write_text(text, encoding="utf-8")


def c27(issue: dict[str, Any], folder: Path) -> None:
    """A web article copied as text: the particulars on one line, 字号, share buttons, 上一篇/下一篇."""
    art = first(issue)
    lines = ["首页 > 新闻中心 > 要闻", art["title"],
             f"发布时间：{art['published']}　来源：{art['source']}　作者：{art['author']}", "字号：大 中 小"]
    lines += [FULL_SPACE * 2 + bare(item.text) for item in items(art)]
    lines += ["分享到：微信 微博 QQ空间", "上一篇：全省经济工作会议召开", "下一篇：省政府新闻发布会",
              "【打印本页】 【关闭窗口】"]
    write_text(folder, lines, blank=False)


def c28(issue: dict[str, Any], folder: Path) -> None:
    """A web article copied as text: a title ending in ？, 来源 and 发布时间 on lines of their own, 免责声明."""
    art = first(issue)
    lines = [art["title"], f"来源：{art['source']}", f"发布时间：{art['published']}"]
    lines += [bare(item.text) for item in items(art)]
    lines += ["免责声明：本网转载文章仅为传递信息，不代表本网观点。", "打印本页 关闭窗口"]
    write_text(folder, lines, blank=True)


def markdown_body(article: dict[str, Any]) -> list[str]:
    """An article's body in Markdown: ## headings, **bold**, ![caption](photo.png) and its credit, tables."""
    out = []
    for item in items(article):
        if item.kind == "p":
            out.append(item.text)
        elif item.kind == "h":
            out.append("#" * (item.level + 1) + " " + item.text)
        elif item.kind == "photo":
            out += [f"![{item.block['caption']}]({PHOTO})", item.block["credit"]]
        else:
            rows = [[str(cell) for cell in row] for row in item.block["table"]]
            lines = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * len(rows[0])]
            out.append("\n".join(lines + ["| " + " | ".join(row) + " |" for row in rows[1:]]))
    return out


def c29(issue: dict[str, Any], folder: Path) -> None:
    """Markdown: # title, the byline, ## headings, a photo and its credit."""
    art = first(issue)
    lines = [f"# {art['title']}", art["byline"], *markdown_body(art)]
    (folder / PHOTO).write_bytes(photo_png())
    write_text(folder, lines, name="draft.md")


def c30(issue: dict[str, Any], folder: Path) -> None:
    """Markdown: two articles under # titles, the second without a byline; no 目录."""
    lines = []
    for art in issue["articles"]:
        lines.append(f"# {art['title']}")
        if "byline" in art:
            lines.append(art["byline"])
        lines += markdown_body(art)
    write_text(folder, lines, name="draft.md")


def c31(issue: dict[str, Any], folder: Path) -> None:
    """Markdown: a title in bold (no #), bold leads, a pipe table."""
    art = first(issue)
    write_text(folder, [f"**{art['title']}**", *markdown_body(art)], name="draft.md")


def c32(issue: dict[str, Any], folder: Path) -> None:
    """Markdown: a speech — # title, the speaker and the date on one line, ## headings."""
    art = first(issue)
    lines = [f"# {art['title']}", f"{art['byline']}　（{art['dateline']}）", *markdown_body(art)]
    write_text(folder, lines, name="draft.md")


def c33(issue: dict[str, Any], folder: Path) -> None:
    """Text: the title, then indented paragraphs hard-wrapped at 36 with no blank lines."""
    art = first(issue)
    write_text(folder, [art["title"], *text_body(art, width=36)], blank=False)


def c34(issue: dict[str, Any], folder: Path) -> None:
    """Text: two articles, the first with a byline, the second with none; no 目录, a paragraph a line."""
    lines = []
    for art in issue["articles"]:
        lines.append(art["title"])
        if "byline" in art:
            lines.append(art["byline"])
        lines += text_body(art)
    write_text(folder, lines, blank=True)


def c35(issue: dict[str, Any], folder: Path) -> None:
    """Text: 简讯, one brief a paragraph, no bold."""
    write_text(folder, ["简讯", *text_body(first(issue), indent="")], blank=True)


def c36(issue: dict[str, Any], folder: Path) -> None:
    """Text: a title ending in ？, the byline, paragraphs a line each, a blank line between."""
    art = first(issue)
    write_text(folder, [art["title"], art["byline"], *text_body(art)], blank=True)


CASES: dict[str, Callable[[dict[str, Any], Path], None]] = {
    name: case for name, case in globals().items() if re.fullmatch(r"c\d\d", name) and callable(case)
}


def main() -> None:
    png = photo_png()
    for folder in sorted(path for path in HERE.iterdir() if (path / "expected.yaml").is_file()):
        issue = yaml.safe_load((folder / "expected.yaml").read_text(encoding="utf-8"))
        for article in issue["articles"]:
            for item in items(article):
                if item.kind == "photo":
                    target = folder / item.block["photo"]
                    target.parent.mkdir(exist_ok=True)
                    target.write_bytes(png)
        for old in folder.glob("draft.*"):
            old.unlink()
        CASES["c" + folder.name[:2]](issue, folder)
        print(folder.name)


if __name__ == "__main__":
    main()
