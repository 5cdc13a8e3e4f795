"""Golden tests in mypyvy's style: a spec, its command line, and the exact output.

Each case is a spec ``tests/golden/**/NAME.kp`` whose first line is
``// explorer: ARGS`` (``%s`` stands for the spec's own path), beside ``NAME.expect``:
the expected output followed by a line ``exit: N``.  Commands run from the repository
root; times are masked.  To regenerate after a deliberate change:
``EXPLORER_UPDATE_GOLDEN=1 python -m pytest tests/golden`` and review the diff.
"""

from __future__ import annotations

import os
import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from explorer.cli import app

GOLDEN = Path(__file__).parent
ROOT = GOLDEN.parents[1]
PREFIX = "// explorer:"
CASES = sorted(p for p in GOLDEN.rglob("*.kp") if p.read_text().startswith(PREFIX))


def _mask(text: str) -> str:
    text = re.sub(r'"time_s": [0-9.e-]+', '"time_s": T', text)
    return re.sub(r"(?m)(\s)\d+\.\d\d$", r"\1T", text)


def command(case: Path) -> list[str]:
    line = case.read_text().splitlines()[0][len(PREFIX):]
    return [str(case.relative_to(ROOT)) if arg == "%s" else arg for arg in shlex.split(line)]


@pytest.mark.parametrize("case", CASES, ids=lambda p: str(p.relative_to(GOLDEN).with_suffix("")))
def test_golden(case, monkeypatch):
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("COLUMNS", raising=False)  # not a terminal: 100 columns
    result = CliRunner().invoke(app, command(case))
    actual = _mask(result.output) + f"exit: {result.exit_code}\n"
    expected = case.with_suffix(".expect")
    if os.environ.get("EXPLORER_UPDATE_GOLDEN"):
        expected.write_text(actual)
    assert actual == expected.read_text()


def test_every_case_has_a_command_and_an_expectation():
    assert len(CASES) >= 5
    for case in CASES:
        assert case.with_suffix(".expect").exists(), case
