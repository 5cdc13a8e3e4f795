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


def verdict_table(verdicts: Iterable[Verdict], tablefmt: str = "simple") -> str:
    """The verdict table; ``depth`` is the counterexample's length (``-`` when none)."""
    return tabulate(
        verdict_rows(verdicts),
        headers=VERDICT_HEADERS,
        tablefmt=tablefmt,
        floatfmt=".2f",
        missingval="-",
        disable_numparse=False,
    )


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
    ``{"version": 1, "variants": [...], "properties": [...], "rows": [{"property", "cells":
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
    return {"version": 1, "variants": cols, "properties": rows, "rows": out_rows}


def compare_json(verdicts: Sequence[Verdict], *, variants: Sequence[str] | None = None) -> str:
    return json.dumps(compare_dict(verdicts, variants=variants), indent=2, ensure_ascii=False) + "\n"
