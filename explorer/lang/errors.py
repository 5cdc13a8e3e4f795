"""Spec errors: every problem in a spec is reported with file:line:col, the offending line
and what was expected, and never as a Python traceback."""

from __future__ import annotations

from explorer.ir import Span


class SpecError(Exception):
    """A problem in a spec, at a place in a file (or with no place, e.g. a missing file)."""

    def __init__(self, message: str, span: Span | None = None, source_line: str | None = None):
        super().__init__(message)
        self.message = message
        self.span = span
        self.source_line = source_line

    def __str__(self) -> str:
        if self.span is None:
            return f"error: {self.message}"
        text = f"{self.span}: error: {self.message}"
        if self.source_line is not None:
            caret = " " * (max(self.span.column, 1) - 1) + "^"
            text += f"\n    {self.source_line.rstrip()}\n    {caret}"
        return text
