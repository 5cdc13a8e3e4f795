"""Warnings, each said once: a warning about a line of a spec file is printed once for
that line, with the variants it applies to, not once per variant that inherits the file.

A warning comes in as ``(variant, property or None, text)``; its text may point at spec
lines (``specs/kvm_fpu/v4.14.kp:102:5``).  Paths are normalised (``a/../b`` is ``b``, an
absolute path under the working folder is relative to it).  Warnings pointing at one
place come first in the form compilers use (``file:line:col: warning: ...``), sorted by
file and line, after those that point at no single place.
"""

from __future__ import annotations

import os
import re
import textwrap
from dataclasses import dataclass
from typing import Iterable, Sequence

LOCATION = re.compile(r"(?P<path>[^\s():;,\[\]]+\.kp):(?P<line>\d+)(?::(?P<col>\d+))?")
SINGLE = re.compile(r"^(?P<what>[^:]+): (?P<where>\S+\.kp:\d+(?::\d+)?)(?: \((?P<detail>.*)\))?$")


def normalise_path(path: str) -> str:
    """``tests/x/../../specs/a.kp`` as ``specs/a.kp``; an absolute path under the working
    folder relative to it."""
    out = os.path.normpath(path)
    if os.path.isabs(out):
        try:
            relative = os.path.relpath(out)
        except ValueError:
            return out
        if not relative.startswith(".."):
            return relative
    return out


def normalise(text: str) -> str:
    """Every spec location in ``text`` with its path normalised."""
    return LOCATION.sub(lambda m: normalise_path(m["path"]) + m.group(0)[len(m["path"]):], text)


@dataclass(frozen=True)
class Warning:
    """One warning, once: its text, where it points (file, line, column; None when it
    points at no single place), the property it is about (``about``), the variants it applies to."""

    text: str
    variants: tuple[str, ...]
    about: str | None = None
    file: str | None = None
    line: int | None = None
    column: int | None = None

    @property
    def message(self) -> str:
        """The text without the place it points at (that is in ``file``/``line``)."""
        if self.file is None:
            return self.text
        found = SINGLE.match(self.text)
        assert found is not None
        detail = f": {found['detail']}" if found["detail"] else ""
        return f"{found['what']}{detail}"


def _where(text: str) -> tuple[str | None, int | None, int | None]:
    found = SINGLE.match(text)
    if found is None or len(LOCATION.findall(text)) != 1:
        return None, None, None
    place = LOCATION.search(found["where"])
    assert place is not None
    return place["path"], int(place["line"]), int(place["col"]) if place["col"] else None


def grouped(items: Iterable[tuple[str, str | None, str]]) -> list[Warning]:
    """Each distinct (property, text) once with the variants it came from (in order)."""
    variants: dict[tuple[str | None, str], list[str]] = {}
    for variant, prop, text in items:
        seen = variants.setdefault((prop, normalise(text)), [])
        if variant not in seen:
            seen.append(variant)
    out = [Warning(text, tuple(names), prop, *_where(text)) for (prop, text), names in variants.items()]
    placed = sorted((w for w in out if w.file is not None),
                    key=lambda w: (w.file, w.line or 0, w.column or 0, w.about or "", w.text))
    return [w for w in out if w.file is None] + placed


def warning_line(warning: Warning) -> str:
    """``file:line:col: warning: [property: ]message [variants]``."""
    about = f"{warning.about}: " if warning.about else ""
    applies = f" [{', '.join(warning.variants)}]" if warning.variants else ""
    if warning.file is None:
        return f"warning: {about}{warning.text}{applies}"
    place = f"{warning.file}:{warning.line}" + (f":{warning.column}" if warning.column else "")
    return f"{place}: warning: {about}{warning.message}{applies}"


def warnings_text(warnings: Sequence[Warning], width: int | None = None) -> str:
    """One warning a line (wrapped at ``width``, continued under an indent)."""
    lines: list[str] = []
    for warning in warnings:
        line = warning_line(warning)
        if width is None or len(line) <= width:
            lines.append(line)
        else:
            lines.extend(textwrap.wrap(line, width, subsequent_indent="    ", break_on_hyphens=False))
    return "".join(line + "\n" for line in lines)
