"""Messages in the editor's language, from one catalogue: gettext, Chinese or English.

Every message an editor reads is written in the code once, in English, as `_("…{name}…")` (str.format
fields), and translated in `locale/zh/LC_MESSAGES/bulletin.po` (compiled beside it to `bulletin.mo`;
`./run messages` extracts, updates and compiles, with Babel). The language is Chinese when publication.yaml
says `language: zh`, or says nothing and the locale is Chinese (LC_ALL, LC_MESSAGES, LANG, LANGUAGE);
English otherwise. Located messages keep their `path:line:col:` form in both: only the words change.
"""

from __future__ import annotations

import gettext
import os
from collections.abc import Mapping
from pathlib import Path

DOMAIN = "bulletin"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
LANGUAGES = ("zh", "en")
LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE")  # in the order gettext reads them

_current: gettext.NullTranslations = gettext.NullTranslations()  # English: the messages as written
_language = "en"


def language_for(setting: str | None, environ: Mapping[str, str] | None = None) -> str:
    """The language of the messages: the publication's `language:` when it says one, else the locale's."""
    if setting in LANGUAGES:
        return setting
    environ = os.environ if environ is None else environ
    for variable in LOCALE_VARIABLES:
        if value := environ.get(variable, ""):
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


def use(language: str) -> None:
    """Speak `language` (zh or en) from now on, in this process and those it forks."""
    global _current, _language
    _current = (gettext.translation(DOMAIN, LOCALE_DIR, languages=[language]) if language == "zh"
                else gettext.NullTranslations())
    _language = language


def language() -> str:
    """The language in use: zh or en."""
    return _language


def _(message: str) -> str:
    """`message` in the language in use."""
    return _current.gettext(message)


def N_(message: str) -> str:  # noqa: N802 (gettext's own name for it)
    """A message marked for the catalogue where it is written, translated where it is used (_(name))."""
    return message


def ngettext(singular: str, plural: str, count: int) -> str:
    """The singular or the plural (English), or the one Chinese form."""
    return _current.ngettext(singular, plural, count)
