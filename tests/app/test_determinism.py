"""The same answer on every run: invariants and reports do not depend on ``--jobs``, on
scheduling or on the load of the machine (no time-budgeted search decides their text)."""

from __future__ import annotations

import re

from typer.testing import CliRunner

from explorer.cli import app

MASK = re.compile(r"(?m)\s+\d+\.\d\d$")


def _check(*args: str) -> str:
    result = CliRunner().invoke(app, ["check", "tests/specs/mini.kp", *args])
    assert result.exit_code == 12, result.output
    return MASK.sub("", result.output)


def test_houdini_invariants_are_the_same_on_every_run_and_for_every_jobs():
    args = ("--engine", "houdini", "--show-invariant", "--no-vacuity")
    first = _check(*args, "-j", "1")
    assert "inductive invariant" in first
    assert _check(*args, "-j", "2") == first
    assert _check(*args, "-j", "1") == first


def test_auto_is_the_same_on_every_run():
    first = _check("-j", "2")
    assert _check("-j", "1") == first
