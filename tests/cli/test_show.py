"""``explorer show``: a saved counterexample printed exactly as ``check`` printed it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from explorer.cli import app

ROOT = Path(__file__).parents[2]


def _trace_blocks(output: str) -> list[str]:
    """The trace blocks of check's output: from each header to the next blank line."""
    blocks = output.split("\n\n")[1:]  # the table comes first
    return [b.rstrip("\n") + "\n" for b in blocks if ": VIOLATED at depth" in b or ": REACHED" in b]


@pytest.mark.parametrize("locations", [False, True])
def test_show_prints_the_trace_check_printed(tmp_path, monkeypatch, locations):
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("COLUMNS", raising=False)
    flags = ["--locations"] if locations else []
    checked = CliRunner().invoke(app, ["check", "tests/golden/preemption_only/v4.15.kp", "-e", "explicit",
                                       "-j", "1", "--no-vacuity", "-p", "wanpeng", "-P", "cpus=1",
                                       "--itf", str(tmp_path), *flags])
    assert checked.exit_code == 12, checked.output
    (saved,) = tmp_path.glob("*.itf.json")
    shown = CliRunner().invoke(app, ["show", str(saved), *flags])
    assert shown.exit_code == 0, shown.output
    assert _trace_blocks(checked.output) == [shown.output]
    # what points at the cause is saved and shown too
    assert "owners at start: qemu in regs[cpu0]" in shown.output
    assert "⚑ point of no return: from here every run ends in the violation" in shown.output
    assert shown.output.startswith("wanpeng: VIOLATED at depth 8 (tests/golden/preemption_only/v4.15.kp, ")


def test_show_of_a_reach_witness_and_at_another_width(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("COLUMNS", "80")
    checked = CliRunner().invoke(app, ["check", "tests/golden/preemption_only/v4.15.kp", "-e", "explicit",
                                       "-j", "1", "--no-vacuity", "-p", "preempted_with_guest",
                                       "--traces", "all", "--itf", str(tmp_path)])
    (saved,) = tmp_path.glob("*.itf.json")
    shown = CliRunner().invoke(app, ["show", str(saved)])
    assert _trace_blocks(checked.output) == [shown.output]
    assert max(len(line) for line in shown.output.splitlines()) <= 80


def test_show_refuses_what_is_not_a_saved_trace(tmp_path):
    missing = CliRunner().invoke(app, ["show", str(tmp_path / "nothing.itf.json")])
    assert missing.exit_code == 2 and "no such trace file" in missing.output
    other = tmp_path / "other.itf.json"
    other.write_text(json.dumps({"#meta": {}, "vars": [], "states": []}))
    refused = CliRunner().invoke(app, ["show", str(other)])
    assert refused.exit_code == 2 and "not a trace written by explorer" in refused.output
    broken = tmp_path / "broken.itf.json"
    broken.write_text("{")
    assert CliRunner().invoke(app, ["show", str(broken)]).exit_code == 2
