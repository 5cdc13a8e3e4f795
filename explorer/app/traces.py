"""Saved counterexamples: an ITF file written by ``check --itf`` read back for showing."""

from __future__ import annotations

import json
from pathlib import Path

from explorer.app.specs import UsageError
from explorer.report.itf import NotATrace, verdict_from_itf
from explorer.verdict import Verdict


def load_trace(path: str) -> tuple[Verdict, str]:
    """The verdict and parameter description saved in the ITF file at ``path``; a file
    that is missing, not JSON or not such a trace is a usage error."""
    file = Path(path)
    if not file.is_file():
        raise UsageError(f"no such trace file: {path}")
    try:
        obj = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise UsageError(f"cannot read {path} as JSON: {err}") from None
    try:
        return verdict_from_itf(obj)
    except (NotATrace, KeyError, TypeError, ValueError) as err:
        raise UsageError(f"{path}: {err}") from None
