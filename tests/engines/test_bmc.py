"""The bmc engine: shortest counterexamples, replayed; bounds; timeouts; stats."""

from __future__ import annotations


import pytest


from support.smt_models import counter_noise, site_vs_state, token_ring
from support.strategies import examples

from explorer.engines import Options, bmc
from explorer.verdict import HoldsUpTo, Unknown, Violated
from support.gate import checked


@pytest.mark.parametrize("sorts", ["bv", "int"])
def test_known_shortest_depths(sorts):
    for ex in examples():
        for prop in ex.model.properties:
            result = checked(bmc.check, ex.model, prop, Options(bound=10), sorts=sorts)
            expected = ex.depths[prop.name]
            if expected is None:
                assert result.outcome == HoldsUpTo(10), (ex.model.name, prop.name)
            else:
                assert isinstance(result.outcome, Violated), (ex.model.name, prop.name)
                assert result.outcome.depth == expected, (ex.model.name, prop.name)


def test_counter_depth_seven_among_noise():
    model = counter_noise()
    result = checked(bmc.check, model, model.property("x_is_7"), Options(bound=20))
    assert isinstance(result.outcome, Violated)
    trace = result.outcome.trace
    assert trace.depth == 7 and trace.actions == ("inc",) * 7
    assert trace.raw_states[-1][0] == 7
    assert len(result.stats["frame_times"]) == 8 and result.stats["time_s"] > 0
    # one step short of the counterexample
    assert checked(bmc.check, model, model.property("x_is_7"), Options(bound=6)).outcome == HoldsUpTo(6)


def test_state_violation_beats_step_site_of_same_frame_count():
    model = site_vs_state()
    result = checked(bmc.check, model, model.properties[0], Options(bound=5))
    assert result.outcome.depth == 1
    assert result.outcome.trace.actions == ("go",)


def test_step_site_trace_ends_with_the_forbidden_step():
    ex = [e for e in examples() if e.model.name == "step_site"][0]
    result = checked(bmc.check, ex.model, ex.model.property("no_guest_save"), Options(bound=5))
    trace = result.outcome.trace
    assert trace.actions == ("load_guest", "save")
    assert trace.steps[-1].violation == "save while regs == guest"


def test_without_lemmas_and_binary_selector_same_answers():
    model = counter_noise()
    for kwargs in ({"lemmas": False}, {"selector": "binary"}):
        result = checked(bmc.check, model, model.property("x_is_7_and_flag"), Options(bound=12), **kwargs)
        assert result.outcome.depth == 8


def test_timeout_is_unknown():
    model = token_ring()
    result = checked(bmc.check, model, model.properties[0], Options(bound=10_000, timeout_s=0.3))
    assert isinstance(result.outcome, Unknown)
    assert "timeout" in result.outcome.reason
    assert result.outcome.bound >= 1


def test_progress_is_reported():
    seen = []
    model = counter_noise()
    checked(bmc.check, model, model.property("x_is_7"), Options(bound=3, progress=seen.append))
    assert [p["depth"] for p in seen] == [0, 1, 2, 3]
