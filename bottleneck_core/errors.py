"""The one error type for unusable input: its message is French and names the file, the column and the rows."""
from __future__ import annotations


class InputError(Exception):
    """An input the analysis cannot use; the message says what is wrong and what to do, in French."""

    def __init__(self, message: str, *, file: str | None = None, column: str | None = None,
                 rows: list[int] | None = None, hint: str | None = None):
        self.file = file
        self.column = column
        self.rows = [int(r) for r in rows or []]
        self.hint = hint
        self.detail = message
        super().__init__(self._render())

    def _render(self) -> str:
        parts = []
        if self.file:
            parts.append(f"Fichier « {self.file} »")
        if self.column:
            parts.append(f"colonne « {self.column} »")
        if self.rows:
            parts.append(describe_rows(self.rows))
        prefix = ", ".join(parts)
        text = f"{prefix} : {self.detail}" if prefix else self.detail
        return f"{text} {self.hint}" if self.hint else text


def describe_rows(rows: list[int], limit: int = 10) -> str:
    """`ligne 6`, `lignes 2, 3 et 12 autres`: row numbers as users find them in the file."""
    shown = ", ".join(str(r) for r in rows[:limit])
    more = f" et {len(rows) - limit} autres" if len(rows) > limit else ""
    return f"{'ligne' if len(rows) == 1 else 'lignes'} {shown}{more}"


def at_rows(rows: list[int], limit: int = 10) -> str:
    """`à la ligne 6`, `aux lignes 2, 3`: the same rows inside a sentence."""
    return f"{'à la' if len(rows) == 1 else 'aux'} {describe_rows(rows, limit)}"
