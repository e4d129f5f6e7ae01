"""Checks beyond the schema: what the renderers would otherwise print wrong (fonts that lack a character)."""

from __future__ import annotations

from bulletin.errors import BulletinError, Problem
from bulletin.fonts import FontError
from bulletin.loader import Loaded, display_path
from bulletin.typeset import Typesetter


def typesetter_for(loaded: Loaded) -> Typesetter:
    """The issue's typesetter; a free font missing from fonts/ (the set-up was not run) is a problem."""
    try:
        return Typesetter(loaded.issue, loaded.path.parent)
    except FontError as error:
        raise BulletinError([Problem(display_path(loaded.path), 0, 0, "", str(error))]) from None


def check(loaded: Loaded, typesetter: Typesetter) -> list[Problem]:
    """Every problem of a loaded issue that only its typesetting can find."""
    problems: list[Problem] = []
    reported: set[tuple[object, str]] = set()
    for path, text, role, start in typesetter.texts():
        chain = typesetter.chains[role]
        raw = loaded.sources.texts.get(path, text)
        for _index, char in chain.missing(text):
            if (path, char) not in reported:
                reported.add((path, char))
                offset = raw.find(char, start)
                problems.append(loaded.sources.problem(path, chain.describe_missing(char),
                                                       offset if offset >= 0 else None))
    return problems
