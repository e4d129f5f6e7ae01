"""The message catalogue, kept in step with the code: extract every _("…") of bulletin/ and templates/
(babel.cfg), merge it into the Chinese catalogue (new messages untranslated, gone ones dropped), and compile
it. Run through `./run messages`; then translate what the script lists as untranslated and run it again.
tests/test_messages.py fails while a message is untranslated or the compiled file lags its source."""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
LOCALE = ROOT / "bulletin" / "locale"
PO = LOCALE / "zh" / "LC_MESSAGES" / "bulletin.po"
MO = PO.with_suffix(".mo")
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}


def extracted() -> Catalog:
    """Every message the code and the templates hold, in the order of their files."""
    catalog = Catalog(project="bulletin", domain="bulletin")
    method_map = [("bulletin/**.py", "python"), ("templates/**.j2", "jinja2")]
    options = {"templates/**.j2": {"extensions": "jinja2.ext.i18n", "trimmed": "true"}}
    for filename, _, message, comments, context in extract_from_dir(
            ROOT, method_map, options, keywords=KEYWORDS, comment_tags=("TRANSLATORS:",)):
        catalog.add(message, None, [(filename, 0)], auto_comments=comments, context=context)
    return catalog


def read() -> Catalog:
    with PO.open("rb") as file:
        return read_po(file, locale="zh", domain="bulletin")


def compiled(catalog: Catalog) -> bytes:
    import io

    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()


def main() -> int:
    template = extracted()
    catalog = read() if PO.exists() else Catalog(locale="zh", domain="bulletin", project="bulletin")
    catalog.update(template, no_fuzzy_matching=True, update_header_comment=False)
    catalog.obsolete.clear()
    PO.parent.mkdir(parents=True, exist_ok=True)
    with PO.open("wb") as file:
        write_po(file, catalog, width=120, omit_header=False, no_location=True, sort_output=True,
                 include_previous=False)
    MO.write_bytes(compiled(read()))
    missing = [message.id for message in read() if message.id and not message.string]
    for message_id in missing:
        print(f"untranslated: {message_id}", file=sys.stderr)
    print(f"{PO.relative_to(ROOT)}: {len(read())} messages, {len(missing)} untranslated")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
