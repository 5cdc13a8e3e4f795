"""Golden tests: a spec, a command line, and the exact output expected (as mypyvy does).

Each case in tests/golden/ is a ``NAME.cmd`` file holding the command line (after
``explorer``) and a ``NAME.out`` file holding the expected output followed by a line
``exit: N``.  Times are masked.  To regenerate after a deliberate change:
``EXPLORER_UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py`` and review the diff.
"""

from __future__ import annotations

import os
import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from explorer.cli import app

GOLDEN = Path(__file__).parent / "golden"
ROOT = Path(__file__).parent.parent
CASES = sorted(p.stem for p in GOLDEN.glob("*.cmd"))


def _mask(text: str) -> str:
    text = re.sub(r'"time_s": [0-9.e-]+', '"time_s": T', text)
    return re.sub(r"(?m)(\s)\d+\.\d\d$", r"\1T", text)


@pytest.mark.parametrize("case", CASES)
def test_golden(case, monkeypatch):
    monkeypatch.chdir(ROOT)
    args = shlex.split((GOLDEN / f"{case}.cmd").read_text())
    result = CliRunner().invoke(app, args)
    actual = _mask(result.output) + f"exit: {result.exit_code}\n"
    expected_file = GOLDEN / f"{case}.out"
    if os.environ.get("EXPLORER_UPDATE_GOLDEN"):
        expected_file.write_text(actual)
    assert actual == expected_file.read_text()
