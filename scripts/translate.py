"""Put translations into the Chinese catalogue: `translate.py FILE.py…`, each file a dict T of msgid to
Chinese (a translator's batch); then `./run messages` compiles. Messages not in the catalogue are refused."""

from __future__ import annotations

import runpy
import sys

from babel.messages.pofile import write_po
from messages import PO, read

catalog = read()
unknown = []
for batch in sys.argv[1:]:
    for message_id, text in runpy.run_path(batch)["T"].items():
        if message_id in catalog:
            catalog[message_id].string = text
        else:
            unknown.append(message_id)
with PO.open("wb") as file:
    write_po(file, catalog, width=120, no_location=True, sort_output=True)
for message_id in unknown:
    print(f"not in the catalogue: {message_id}", file=sys.stderr)
sys.exit(1 if unknown else 0)
