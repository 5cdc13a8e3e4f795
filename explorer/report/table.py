"""Tables: the verdict table of ``explorer check`` and the compare matrix of
``explorer compare`` (variants as columns, properties as rows), via tabulate."""

from __future__ import annotations

import json
from typing import Any, Iterable, Sequence

from tabulate import tabulate, tabulate_formats

from explorer.report.inputs import verdict_class
from explorer.report.phrases import matrix_cell, verdict_text
from explorer.verdict import Verdict

VERDICT_HEADERS = ("variant", "property", "verdict", "depth", "engine", "time (s)")
TABLE_FORMATS: tuple[str, ...] = tuple(tabulate_formats)
"""What ``--tablefmt`` takes: every format tabulate knows."""


def verdict_rows(verdicts: Iterable[Verdict]) -> list[list[Any]]:
    """One row per (variant, property): variant, property, verdict text, depth, engine,
    time in seconds."""
    return [
        [v.variant, v.property, verdict_text(v), v.depth, v.engine, v.time_s]
        for v in verdicts
    ]


TONES = {"failed": "\x1b[31m", "passed": "\x1b[32m", "other": "\x1b[33m"}


def _tone(verdict: Verdict, text: str) -> str:
    kind = "failed" if verdict.failed else "passed" if verdict.passed else "other"
    return f"{TONES[kind]}{text}\x1b[0m"


def verdict_table(verdicts: Iterable[Verdict], tablefmt: str = "simple", *,
                  width: int | None = None, color: bool = False, with_time: bool = True) -> str:
    """The verdict table; ``depth`` is the counterexample's length (``-`` when none).

    With ``width``, a table wider than that drops the ``depth`` column (the verdict
    says it too), then wraps the verdict column; ``color`` tints the verdicts."""
    verdicts = list(verdicts)
    rows = verdict_rows(verdicts)
    headers = list(VERDICT_HEADERS)
    if not with_time:
        rows = [row[:-1] for row in rows]
        headers = headers[:-1]

    def render(rows, headers, maxcolwidths=None) -> str:
        return tabulate(rows, headers=headers, tablefmt=tablefmt, floatfmt=".2f", missingval="-",
                        disable_numparse=False, maxcolwidths=maxcolwidths)

    def widest(text: str) -> int:
        return max((len(line) for line in text.splitlines()), default=0)

    out = render(rows, headers)
    wrapped = False
    if width is not None and widest(out) > width:
        depth = headers.index("depth")
        rows = [row[:depth] + row[depth + 1:] for row in rows]
        headers = headers[:depth] + headers[depth + 1:]
        out = render(rows, headers)
        over = widest(out) - width
        if over > 0:
            column = headers.index("verdict")
            limits: list[int | None] = [None] * len(headers)
            limits[column] = max(16, max(len(str(r[column])) for r in rows) - over)
            out = render(rows, headers, limits)
            wrapped = True
    if color and not wrapped:  # tabulate aligns ANSI-coloured cells by their visible width
        column = headers.index("verdict")
        out = render([row[:column] + [_tone(v, row[column])] + row[column + 1:]
                      for v, row in zip(verdicts, rows)], headers)
    return out


# --------------------------------------------------------------------------- compare


def _order(items: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for item in items:
        seen.setdefault(item, None)
    return list(seen)


def matrix(
    verdicts: Sequence[Verdict], variants: Sequence[str] | None = None
) -> tuple[list[str], list[str], dict[tuple[str, str], Verdict]]:
    """(variants, properties, {(property, variant): verdict}); orders are those of first
    appearance unless ``variants`` is given."""
    cols = list(variants) if variants is not None else _order(v.variant for v in verdicts)
    rows = _order(v.property for v in verdicts if v.variant in cols)
    cells = {(v.property, v.variant): v for v in verdicts}
    return cols, rows, cells


def compare_table(
    verdicts: Sequence[Verdict],
    tablefmt: str = "github",
    *,
    with_time: bool = False,
    variants: Sequence[str] | None = None,
) -> str:
    """Variants as columns, properties as rows, in any tabulate ``tablefmt``."""
    cols, rows, cells = matrix(verdicts, variants)
    body = [[p, *(matrix_cell(cells.get((p, c)), with_time) for c in cols)] for p in rows]
    return tabulate(body, headers=["property", *cols], tablefmt=tablefmt, disable_numparse=True)


def compare_dict(
    verdicts: Sequence[Verdict], *, variants: Sequence[str] | None = None
) -> dict[str, Any]:
    """The compare matrix as plain data:
    ``{"kind": "explorer.compare", "version": 1, "variants": [...], "properties": [...], "rows": [{"property", "cells":
    {variant: {"verdict", "status", "depth", "bound", "engine", "time_s", "text"} | null}}]}``."""
    cols, rows, cells = matrix(verdicts, variants)
    out_rows = []
    for p in rows:
        row: dict[str, Any] = {}
        for c in cols:
            v = cells.get((p, c))
            row[c] = None if v is None else {
                "verdict": v.name,
                "status": verdict_class(v),
                "depth": v.depth,
                "bound": v.bound,
                "engine": v.engine,
                "time_s": round(v.time_s, 3),
                "text": matrix_cell(v),
            }
        out_rows.append({"property": p, "cells": row})
    return {"kind": "explorer.compare", "version": 1, "variants": cols, "properties": rows, "rows": out_rows}


def compare_json(verdicts: Sequence[Verdict], *, variants: Sequence[str] | None = None) -> str:
    return json.dumps(compare_dict(verdicts, variants=variants), indent=2, ensure_ascii=False) + "\n"
