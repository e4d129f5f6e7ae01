"""Problems found in an issue, each located at a file, line and column, reported all at once."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the input, where an editor can find it."""

    file: str
    line: int  # 1-based; 0 when the whole file is meant
    column: int  # 1-based
    field: str  # articles[2].title, or "" for the file itself
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}" if self.line else self.file
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


class BulletinError(Exception):
    """The input cannot be built: carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(set(problems))
        super().__init__("\n".join(map(str, self.problems)))


def field_path(path: tuple[str | int, ...]) -> str:
    """articles[2].title from ("articles", 2, "title")."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else f".{part}" if text else part
    return text
