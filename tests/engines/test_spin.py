"""The spin engine through the trust gate agrees with explicit search: same verdicts, same
shortest depths (pan's breadth-first search), proofs certified with equal state counts."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from explorer.engines import Options, explicit, spin
from explorer.lang import load_spec
from explorer.verdict import Proved, Unknown, Violated
from support.gate import checked

ROOT = Path(__file__).parents[2]
pytestmark = pytest.mark.skipif(shutil.which("spin") is None or shutil.which("gcc") is None,
                                reason="spin or gcc not installed (Debian packages spin, gcc)")


def test_spin_agrees_with_explicit_on_mini():
    model = load_spec(str(ROOT / "tests/specs/mini.kp")).model
    for prop in model.properties:
        got = checked(spin.check, model, prop, Options(timeout_s=120)).outcome
        want = checked(explicit.check, model, prop, Options(timeout_s=120)).outcome
        assert type(got) is type(want), (prop.name, got, want)
        if isinstance(want, Violated):
            assert got.depth == want.depth, prop.name
        else:
            assert isinstance(got, Proved) and got.certificate.checked


def test_missing_spin_is_unknown_naming_the_package(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    model = load_spec(str(ROOT / "tests/specs/mini.kp")).model
    outcome = spin.check(model, model.properties[0], Options()).outcome
    assert isinstance(outcome, Unknown) and "Debian package spin" in outcome.reason
