"""What the terminal is: its width, and whether to colour.

Output fits the terminal it goes to: the width of the terminal when the stream is one
(``COLUMNS`` overrides it), else ``DEFAULT_WIDTH`` columns, so that a piped or saved
output reads in an 80-to-100-column editor or mail.  Colour follows ``--color``: ``auto``
colours a terminal unless ``NO_COLOR`` is set (https://no-color.org), ``always`` and
``never`` do as they say.
"""

from __future__ import annotations

import os
import shutil
from typing import IO

DEFAULT_WIDTH = 100
MIN_WIDTH = 60
COLOR_MODES = ("auto", "always", "never")


def _isatty(stream: IO[str] | None) -> bool:
    try:
        return bool(stream is not None and stream.isatty())
    except (AttributeError, ValueError, OSError):
        return False


def width(stream: IO[str] | None) -> int:
    """Columns to fit: ``COLUMNS``, else the terminal's width if ``stream`` is one, else
    ``DEFAULT_WIDTH``; never below ``MIN_WIDTH``."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return max(MIN_WIDTH, int(columns))
    if _isatty(stream):
        return max(MIN_WIDTH, shutil.get_terminal_size((DEFAULT_WIDTH, 24)).columns)
    return DEFAULT_WIDTH


def use_color(mode: str, stream: IO[str] | None) -> bool:
    """Whether to write ANSI colours to ``stream`` under ``--color mode``."""
    if mode == "always":
        return True
    if mode == "never":
        return False
    return _isatty(stream) and not os.environ.get("NO_COLOR")


def interactive(stream: IO[str] | None) -> bool:
    """A live display only on a terminal."""
    return _isatty(stream)
