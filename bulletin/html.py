"""The HTML stage: the typeset issue through the Jinja templates, for WeasyPrint (and the preview)."""

from __future__ import annotations

import contextlib
import functools
import os
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import quote

import jinja2

from bulletin import compose, i18n, layout
from bulletin.fonts import CACHE_HOME, FAMILY_PREFIX, Chain
from bulletin.model import Issue, Role
from bulletin.typeset import Typesetter, set_issue


def _templates_dir() -> Path:
    """The templates: in the package when it is installed (the wheel maps templates/ to bulletin/templates/,
    pyproject.toml), else templates/ of the checkout the package is run from (an editable install)."""
    package = Path(__file__).resolve().parent
    installed = package / "templates"
    return installed if (installed / "issue.html.j2").is_file() else package.parent / "templates"


TEMPLATES_DIR = _templates_dir()
ISSUE_TEMPLATES = ("issue.html.j2", "issue.css.j2")  # what an issue's PDF is made with
RED = "device-cmyk({} {} {} {})".format(*layout.RED_CMYK)


@functools.cache
def environment() -> jinja2.Environment:
    """The one Jinja environment: strict, autoescaped, templates from templates/."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        autoescape=jinja2.select_autoescape(["html", "html.j2"]),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        bytecode_cache=_compiled_templates(),
    )
    env.globals["pt"] = lambda value: f"{value:.4f}".rstrip("0").rstrip(".") + "pt"
    env.globals["mm"] = lambda value: f"{value:.3f}".rstrip("0").rstrip(".") + "mm"
    env.globals["L"] = layout
    env.globals["_"] = i18n._  # the message catalogue: _("…{name}…").format(name=…), extracted by Babel
    env.globals["html_language"] = lambda: "zh-CN" if i18n.language() == "zh" else "en"  # of the page
    return env


def _compiled_templates() -> jinja2.BytecodeCache | None:
    """Jinja's cache of compiled templates (keyed by each template's source, like Python's own
    __pycache__): a cold build compiles none of them again. None where the cache folder is read-only."""
    folder = CACHE_HOME / "templates"
    with contextlib.suppress(OSError):
        folder.mkdir(parents=True, exist_ok=True)
    return jinja2.FileSystemBytecodeCache(str(folder)) if os.access(folder, os.W_OK) else None


def css_family(family: str) -> str:
    """The @font-face name of a face, as a CSS string: its family name, prefixed so that no system
    font answers to it, escaped so that a name from the publication file stays a name."""
    escaped = "".join(c if c.isalnum() or c in " _-" else f"\\{ord(c):x} " for c in FAMILY_PREFIX + family)
    return f'"{escaped}"'



def font_rules(chains: Mapping[Role, Chain], used: set[str]) -> tuple[list[dict[str, str]], dict[Role, str]]:
    """The @font-face rules (for the faces in `used` only: each loaded face costs time and memory) and each
    role's font-family list (every face of its chain, office faces first)."""
    families = dict.fromkeys(face.family for chain in chains.values() for face in chain.installed)
    faces = [{"css": css_family(family), "url": "font:" + quote(family)} for family in families if family in used]
    roles = {role: ", ".join(css_family(face.family) for face in chain.installed) for role, chain in chains.items()}
    return faces, roles


def render_html(issue: Issue, typesetter: Typesetter, *, css: str | None = None,
                context: dict[str, object] | None = None) -> str:
    """The issue as one HTML document with its stylesheet inlined; with `css` given ("" for none), that
    instead (the PDF renderer takes the stylesheet apart, parsed once per process). `context`: the issue
    as set_issue set it, when the caller has it already (a build sets it once for the PDF and the DOCX)."""
    css = render_css(typesetter) if css is None else css
    return environment().get_template("issue.html.j2").render(css=css, **(context or set_issue(issue, typesetter)))


def render_css(typesetter: Typesetter) -> str:
    """The issue's stylesheet: the layout's numbers, and the fonts of the issue's chains."""
    faces, roles = font_rules(typesetter.chains, typesetter.used_faces())
    return environment().get_template("issue.css.j2").render(
        L=layout,
        elements=compose.elements(typesetter.issue),
        faces=faces,
        roles=roles,
        red=RED,
        indents={name: f"{layout.indent_pt(element):.4f}pt" for name, element in layout.ELEMENTS.items()
                 if element.indent},
        # The dash sits mid-em: the top of the box is half an em above it.
        page_number_gap=f"{layout.PAGE_NUMBER_GAP_MM * layout.PT_PER_MM - layout.PAGE_NUMBER_SIZE_PT / 2:.4f}pt",
        page_number_text=compose.PAGE_NUMBER,
    )
