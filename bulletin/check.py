"""Checks beyond the schema: what the renderers would otherwise print wrong (fonts that lack a character)."""

from __future__ import annotations

from bulletin.errors import Problem
from bulletin.loader import Loaded
from bulletin.typeset import Typesetter


def check(loaded: Loaded, typesetter: Typesetter) -> list[Problem]:
    """Every problem of a loaded issue that only its typesetting can find."""
    problems: list[Problem] = []
    for path, text, role in typesetter.texts():
        chain = typesetter.chains[role]
        reported: set[str] = set()
        for offset, char in chain.missing(text):
            if char not in reported:
                reported.add(char)
                problems.append(loaded.sources.problem(path, chain.describe_missing(char), offset))
    return problems
