"""What a trace says about its cause: owners, the violation's cause, other properties
failing, and the point of no return (``semantics.causes``, ``semantics.doom``)."""

from __future__ import annotations

import itertools
from pathlib import Path

from hypothesis import HealthCheck, given, settings

from support.gate import checked
from support.strategies import counter, models

from explorer import semantics as S
from explorer.engines import explicit
from explorer.lang import load_spec
from explorer.semantics.causes import data_places
from explorer.engines.explicit.machine import CompiledGraph
from explorer.semantics.doom import Budget, doomed_states, no_return, with_no_return

V414 = Path(__file__).parents[2] / "specs" / "kvm_fpu" / "v4.14.kp"


def _safe_by_greatest_fixpoint(model, prop, states):
    """The states from which some run avoids bad forever (or stops first), computed the
    other way round from ``doomed_states``: the greatest set of non-bad states each of
    which has no successor or a successor in the set."""
    safe = {s for s in states if not S.is_bad(model, prop, s)}
    while True:
        keep = {s for s in safe
                if not (succ := [n for _, n in S.successors(model, s)]) or any(n in safe for n in succ)}
        if keep == safe:
            return safe
        safe = keep


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(models(max_actions=5))
def test_doomed_states_are_exactly_those_with_no_way_out(model):
    for prop, init in itertools.product(model.properties, list(S.initial_states(model))[:2]):
        ids, doomed = doomed_states(model, prop, init)
        safe = _safe_by_greatest_fixpoint(model, prop, list(ids))
        assert {s for s, i in ids.items() if i not in doomed} == safe


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(models(max_actions=5))
def test_the_compiled_graph_dooms_the_same_states(model):
    """What ``app`` walks (the compiled machine) against the reference semantics."""
    for prop, init in itertools.product(model.properties, list(S.initial_states(model))[:2]):
        ids, doomed = doomed_states(model, prop, init)
        graph = CompiledGraph(model, prop)
        compiled_ids, compiled_doomed = doomed_states(model, prop, init, graph=graph)
        assert len(compiled_ids) == len(ids)
        assert {graph.key(s) for s, i in ids.items() if i in doomed} == \
            {k for k, i in compiled_ids.items() if i in compiled_doomed}


def test_a_run_with_a_single_future_is_doomed_from_its_start():
    example = counter()  # x counts up to 5 and stops; x == 4 is bad: nothing avoids it
    model = example.model
    prop = model.property("x_le_3")
    trace = S.replay(model, prop, (0,), ["inc"] * 4)
    assert no_return(model, prop, trace.raw_states) == (0, "")
    assert with_no_return(model, prop, trace).no_return == 0


def test_the_budget_is_said_not_guessed():
    model = counter().model
    prop = model.property("x_le_3")
    trace = S.replay(model, prop, (0,), ["inc"] * 4)
    point, why = no_return(model, prop, trace.raw_states, max_states=2)
    assert point is None and "more than 2 states" in why
    marked = with_no_return(model, prop, trace, max_states=2)
    assert marked.no_return is None and marked.no_return_note == why
    try:
        doomed_states(model, prop, (0,), max_states=2)
    except Budget:
        pass
    else:
        raise AssertionError("no budget")


def test_the_data_sort_and_its_places_in_v4_14():
    model = load_spec(str(V414)).model
    data = data_places(model)
    assert data.sort.name == "Data"
    assert [data.sort.members[o] for o in data.owners] == ["qemu", "guest", "other", "scratch"]
    places = [model.elements[p].name for p in data.places]
    assert "regs[cpu0]" in places and "vcpu.fpu" in places and "guest_fpu" in places
    assert "vcpu.data" not in places  # never written: a label, not a place


def test_no_loss_names_the_lost_data_and_other_failures_are_marked():
    spec = load_spec(str(V414))
    model = spec.model
    prop = model.property("no_loss")
    decided = checked(explicit.check, model, prop)
    trace = decided.outcome.trace
    last = trace.steps[-1]
    assert ("qemu", ()) in last.owners
    causes = [n.text for n in last.notes if n.kind == "cause"]
    assert causes == ["qemu's data is lost: its last copy (vcpu.fpu) is overwritten here"]
    assert [n.property for n in last.notes if n.kind == "also_violated"] == ["wanpeng"]
    assert dict(trace.owners)["qemu"] == ("regs[cpu0]",)
