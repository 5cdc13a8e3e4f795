"""The Promela export: SPIN with -DNOREDUCE stores exactly the states explorer's
exhaustive search finds (less the export's start state), on hand-made models, generated
models and bundled specs."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from explorer.engines import Options, explicit
from explorer.engines.spin import run_pan
from explorer.export.promela import to_promela
from explorer.lang import load_spec
from support.strategies import examples, models

ROOT = Path(__file__).parents[2]
needs_spin = pytest.mark.skipif(shutil.which("spin") is None or shutil.which("gcc") is None,
                                reason="spin or gcc not installed (Debian packages spin, gcc)")


def test_every_action_cites_its_spec_line():
    model = load_spec(str(ROOT / "tests/specs/mini.kp")).model
    text = to_promela(model).text
    for action in model.actions:
        span = action.origin.span
        assert f"{action.name}: {span.file}:{span.line}" in text
    assert text.count(":: d_step") >= len(model.actions)


def _same_count(model):
    pan = run_pan(model, None, timeout_s=120)
    own = explicit.explore(model, Options(reduction="none"))
    assert pan.problem == "" and pan.errors == 0
    assert pan.model_states == own.states, f"{model.name}: spin {pan.model_states}, explicit {own.states}"


@needs_spin
@pytest.mark.parametrize("path", ["tests/specs/mini.kp", "specs/kvm_fpu/v4.15.kp", "specs/kvm_fpu/v5.16.kp"])
def test_spin_counts_what_explicit_counts_on_specs(path):
    _same_count(load_spec(str(ROOT / path)).model)


@needs_spin
def test_spin_counts_what_explicit_counts_on_examples():
    for example in examples():
        _same_count(example.model)


@needs_spin
@settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck))
@given(models())
def test_spin_counts_what_explicit_counts_on_generated_models(model):
    _same_count(model)
