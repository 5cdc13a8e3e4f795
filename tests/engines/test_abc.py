"""The abc (pdr) and abc-bmc (bmc3) engines through the trust gate: they agree with
explicit search, their invariants are re-checked, and whatever ABC says that cannot be
read (a crash, a missing file, a short bmc3 run, a timeout) is ``Unknown`` with the reason.

The fake ABC programs below stand in for an ABC that misbehaves; the tests that need the
real one skip where it is not installed (Debian package berkeley-abc)."""

from __future__ import annotations

import os
import shutil
import stat
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from explorer.cli import app
from explorer.engines import Options, abc, explicit
from explorer.ir import expr as ir
from explorer.lang import load_spec
from explorer.verdict import HoldsUpTo, Proved, Unknown, Violated
from support.gate import checked

ROOT = Path(__file__).parents[2]
MINI = str(ROOT / "tests/specs/mini.kp")
HAVE_ABC = shutil.which("berkeley-abc") is not None or shutil.which("abc") is not None
needs_abc = pytest.mark.skipif(not HAVE_ABC, reason="ABC not installed (Debian package berkeley-abc)")


@pytest.fixture(scope="module")
def mini():
    return load_spec(MINI).model


@needs_abc
def test_abc_and_abc_bmc_agree_with_explicit_on_mini(mini):
    for prop in mini.properties:
        want = checked(explicit.check, mini, prop, Options(timeout_s=120)).outcome
        proved = checked(abc.check, mini, prop, Options(timeout_s=120)).outcome
        bounded = checked(abc.check_bmc, mini, prop, Options(timeout_s=120, bound=8)).outcome
        if isinstance(want, Violated):
            assert isinstance(proved, Violated), (prop.name, proved)
            assert isinstance(bounded, Violated) and bounded.depth == want.depth, (prop.name, bounded)
        else:
            assert isinstance(proved, Proved) and proved.certificate.checked, (prop.name, proved)
            assert proved.certificate.kind == "invariant"
            assert bounded == HoldsUpTo(8), (prop.name, bounded)


@needs_abc
def test_an_invariant_that_fails_the_recheck_is_unknown(mini, monkeypatch):
    prop = mini.property("integrity")
    real = abc.run_abc

    def fewer_clauses(*args, **kwargs):
        result = real(*args, **kwargs)
        return replace(result, clauses=result.clauses[: len(result.clauses) // 3])

    monkeypatch.setattr(abc, "run_abc", fewer_clauses)
    decided = checked(abc.check, mini, prop, Options(timeout_s=120))
    assert isinstance(decided.outcome, Unknown)
    assert "failed its re-check" in decided.outcome.reason


def fake_abc(folder: Path, script: str) -> None:
    """A program called berkeley-abc in ``folder`` that runs the shell ``script``."""
    path = folder / "berkeley-abc"
    path.write_text("#!/bin/sh\n" + script)
    path.chmod(path.stat().st_mode | stat.S_IEXEC)


@pytest.mark.parametrize("script, words", [
    ("echo 'Property proved.  Time = 0.1 sec'\n", "wrote no invariant"),
    ("echo 'Output 0 of miter \"m\" was asserted in frame 2.'\necho 'junk' > cex.txt\n",
     "not name@frame=value"),
    ("echo 'Segmentation fault' >&2\nexit 139\n", "status 139"),
    ("printf '.i 1\\n.ilb nosuchlatch[0]\\n1 1\\n' > inv.pla\necho 'Property proved.'\n",
     "names a latch the export has not"),
    ("echo 'something else entirely'\n", "something else entirely"),
])
def test_unreadable_abc_output_is_unknown_with_the_reason(mini, tmp_path, monkeypatch, script, words):
    fake_abc(tmp_path, script)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}/usr/bin:/bin")
    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: str(tmp_path / name)
                        if name == "berkeley-abc" else None)
    outcome = abc.check(mini, mini.property("integrity"), Options(timeout_s=30)).outcome
    assert isinstance(outcome, Unknown) and words in outcome.reason, outcome


def test_bmc3_that_finished_fewer_frames_than_the_bound_is_no_bounded_proof(mini, tmp_path, monkeypatch):
    fake_abc(tmp_path, "echo 'No output asserted in 4 frames. Resource limit reached (timeout 1 sec).'\n")
    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: str(tmp_path / name)
                        if name == "berkeley-abc" else None)
    outcome = abc.check_bmc(mini, mini.property("integrity"), Options(bound=10)).outcome
    assert isinstance(outcome, Unknown) and outcome.bound == 3, outcome
    fake_abc(tmp_path, "echo 'No output asserted in 11 frames.'\n")
    assert abc.check_bmc(mini, mini.property("integrity"), Options(bound=10)).outcome == HoldsUpTo(10)


def test_abc_that_stops_at_its_time_limit_is_a_timeout(mini, tmp_path, monkeypatch):
    fake_abc(tmp_path, "echo 'Reached timeout (1 seconds) in frame 14.'\necho 'Property UNDECIDED.'\n")
    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: str(tmp_path / name)
                        if name == "berkeley-abc" else None)
    outcome = abc.check(mini, mini.property("integrity"), Options(timeout_s=1.5)).outcome
    assert isinstance(outcome, Unknown) and outcome.reason.startswith("timeout after 1.5 s"), outcome


def test_abc_that_does_not_finish_is_a_timeout(mini, tmp_path, monkeypatch):
    fake_abc(tmp_path, "sleep 30\n")
    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: str(tmp_path / name)
                        if name == "berkeley-abc" else None)
    monkeypatch.setattr(abc, "GRACE_S", 0.5)
    outcome = abc.check(mini, mini.property("integrity"), Options(timeout_s=1)).outcome
    assert isinstance(outcome, Unknown) and "timeout" in outcome.reason, outcome


def test_missing_abc_is_unknown_and_exit_2_naming_the_package(mini, monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    for engine in (abc.check, abc.check_bmc, abc.check_scorr):
        outcome = engine(mini, mini.properties[0], Options()).outcome
        assert isinstance(outcome, Unknown) and "Debian package berkeley-abc" in outcome.reason
    for name in ("abc", "abc-bmc", "abc-scorr"):
        result = CliRunner().invoke(app, ["check", MINI, "--engine", name])
        assert result.exit_code == 2 and "Debian package berkeley-abc" in result.output


@needs_abc
def test_a_proof_on_the_cone_is_certified_with_its_folded_constants(monkeypatch):
    from explorer.export.aiger import AigerExport
    from support.smt_models import bystander
    model = bystander()
    prop = model.properties[0]
    proved = checked(abc.check, model, prop, Options(timeout_s=60)).outcome
    assert isinstance(proved, Proved) and proved.certificate.checked, proved
    # without "armed stays false" the clauses over the cone are not inductive on the model
    monkeypatch.setattr(AigerExport, "constant_clauses", lambda self: ())
    outcome = checked(abc.check, model, prop, Options(timeout_s=60)).outcome
    assert isinstance(outcome, Unknown) and "failed its re-check" in outcome.reason, outcome


@needs_abc
def test_a_proof_after_scorr_is_certified_with_the_latch_equivalences_it_proved(monkeypatch):
    from support.smt_models import twins
    model = twins()
    prop = model.properties[0]
    merged = abc.run_abc(model, prop, "pdr", timeout_s=60, prepare="scorr")
    assert merged.answer == "proved" and merged.size == (0, 0), merged  # a and b merged
    decided = checked(abc.check_scorr, model, prop, Options(timeout_s=60))
    assert isinstance(decided.outcome, Proved) and decided.outcome.certificate.checked, decided
    assert decided.stats["abc_size"] == (0, 0)
    # pdr's invariant over no latch at all is "true": the equivalence is the whole proof
    monkeypatch.setattr(abc, "read_equivalences", lambda *a: ())
    outcome = checked(abc.check_scorr, model, prop, Options(timeout_s=60)).outcome
    assert isinstance(outcome, Unknown) and "failed its re-check" in outcome.reason, outcome


@needs_abc
def test_abc_scorr_agrees_with_explicit_on_mini(mini):
    for prop in mini.properties:
        want = checked(explicit.check, mini, prop, Options(timeout_s=120)).outcome
        got = checked(abc.check_scorr, mini, prop, Options(timeout_s=120)).outcome
        if isinstance(want, Violated):
            assert isinstance(got, Violated) and got.depth == want.depth, (prop.name, got)
        else:
            assert isinstance(got, Proved) and got.certificate.checked, (prop.name, got)


@needs_abc
def test_a_property_whose_cone_is_empty_is_still_decided():
    from support.smt_models import bystander
    model = bystander()
    never = replace(model.properties[0], name="never", bad=ir.FALSE)
    for engine, want in ((abc.check, Proved), (abc.check_bmc, HoldsUpTo), (abc.check_scorr, Proved)):
        outcome = checked(engine, model, never, Options(timeout_s=60, bound=4)).outcome
        assert isinstance(outcome, want), (engine, outcome)
