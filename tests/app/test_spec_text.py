"""A proof's invariant printed as spec text that parses back (``app.spec_text``): the
printed lines, turned into an ``always`` property, are proved; the text is the same on
every run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from explorer import ir
from explorer.app.spec_text import same_meaning
from explorer.cli import app
from explorer.lang import load_spec

ROOT = Path(__file__).parents[2]
MINI = ROOT / "tests" / "specs" / "mini.kp"


def _invariant_lines(output: str) -> list[str]:
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if "inductive invariant" in line) + 1
    return [line.strip() for line in lines[start:] if line.startswith("    ")]


def _prove_lines(tmp_path, base: Path, lines: list[str], params: tuple[str, ...] = ()) -> None:
    spec = tmp_path / "printed.kp"
    spec.write_text(f'extends "{base}"\n\nproperty printed "the printed invariant": always '
                    + " && ".join(f"({line})" for line in lines) + "\n")
    proved = CliRunner().invoke(app, ["check", str(spec), "-p", "printed", "-e", "explicit",
                                      "-j", "1", "--no-vacuity", *params])
    assert proved.exit_code == 0, proved.output
    (row,) = [line for line in proved.output.splitlines() if line.split()[1:2] == ["printed"]]
    assert " proved (explicit" in row


def test_the_printed_invariant_parses_back_and_is_proved(tmp_path, monkeypatch):
    """Every line, the program counters' and the scheduler's too, is spec text."""
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("COLUMNS", "300")
    shown = CliRunner().invoke(app, ["check", str(MINI), "-p", "integrity", "-e", "houdini",
                                     "--show-invariant", "-j", "1", "--no-vacuity"])
    assert shown.exit_code == 0, shown.output
    lines = _invariant_lines(shown.output)
    assert len(lines) >= 10 and not any(line.startswith("//") or ".pc" in line or "sched" in line
                                        for line in lines)
    assert any("==>" in line for line in lines)  # implications too, not only ranges
    assert any('vcpu at "mini.kp:' in line for line in lines)  # places at spec lines
    assert any("cpu0 at context_switch" in line for line in lines)  # the CPU's runtime code
    _prove_lines(tmp_path, MINI, lines)


def test_a_wrong_line_is_not_proved(tmp_path, monkeypatch):
    """The proof-back check can fail: a line with a place the task never holds there."""
    monkeypatch.chdir(ROOT)
    with pytest.raises(AssertionError):
        _prove_lines(tmp_path, MINI, ['vcpu at "mini.kp:38" ==> !running(vcpu)'])


def test_same_meaning_compares_every_assignment():
    model = load_spec(str(MINI)).model
    slot = model.slot("guest_fpu", None)
    sort = model.elements[slot].sort
    read = ir.Read("guest_fpu", None, sort)
    guest, qemu = ir.Const(sort, sort.value_of("guest")), ir.Const(sort, sort.value_of("qemu"))
    either = ir.Or((ir.Eq(read, guest), ir.Eq(read, qemu)))
    assert same_meaning(model, either, ir.Or((ir.Eq(read, qemu), ir.Eq(read, guest))), [slot])
    assert not same_meaning(model, either, ir.Eq(read, guest), [slot])


def test_the_invariant_is_the_same_on_every_run():
    texts = set()
    for seed in ("1", "2"):
        out = subprocess.run(
            [sys.executable, "-m", "explorer", "check", str(MINI), "-p", "integrity", "-e", "houdini",
             "--json", "-j", "1", "--no-vacuity"],
            capture_output=True, text=True, timeout=300, cwd=ROOT,
            env={**os.environ, "PYTHONHASHSEED": seed})
        assert out.returncode == 0, out.stderr
        texts.add(json.loads(out.stdout)["results"][0]["certificate"]["text"])
    assert len(texts) == 1
