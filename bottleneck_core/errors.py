"""The one error type for unusable input: its message is French and names file, column and rows."""
from __future__ import annotations


class InputError(Exception):
    """An input the analysis cannot use; the message says what is wrong and what to do, in French."""

    def __init__(self, message: str, *, file: str | None = None, column: str | None = None,
                 rows: list[int] | None = None, hint: str | None = None):
        self.file = file
        self.column = column
        self.rows = list(rows or [])
        self.hint = hint
        self.detail = message
        super().__init__(self._render())

    def __reduce__(self):
        return _rebuild, (self.detail, self.file, self.column, self.rows, self.hint)

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
        if self.hint:
            text = f"{text} {self.hint}"
        return text


def describe_rows(rows: list[int], limit: int = 10) -> str:
    """French phrase listing spreadsheet row numbers, cut after `limit`."""
    shown = ", ".join(str(r) for r in rows[:limit])
    more = f" et {len(rows) - limit} autres" if len(rows) > limit else ""
    word = "ligne" if len(rows) == 1 else "lignes"
    return f"{word} {shown}{more}"


def _rebuild(detail, file, column, rows, hint) -> InputError:
    return InputError(detail, file=file, column=column, rows=rows, hint=hint)
