"""Engines keep each other honest: on generated models every engine gives the same verdict,
BMC and explicit search give the same shortest counterexample length, every counterexample
replays on the concrete semantics, and every proof's certificate re-checks.

Models come two ways: drawn at the IR level (tests/strategies.py), and drawn as spec text
that goes through the whole pipeline (parser, lowering, engines).
"""

from __future__ import annotations


import pytest
from hypothesis import given, settings
from hypothesis import strategies as st


from support.strategies import models

from explorer import semantics
from explorer.engines import Options, abc, bmc, explicit, houdini, kinduction, pdr, peers, spin
from explorer.lang import load_spec
from explorer.ir import Model
from explorer.verdict import HoldsUpTo, Proved, Unknown, Violated
from support.gate import checked

TIMEOUT = 20.0


def _replays(model: Model, prop, trace) -> None:
    applied = len(trace.states) - 1
    again = semantics.replay(model, prop, trace.raw_states[0], trace.actions[:applied])
    assert again.actions == trace.actions
    assert again.raw_states == trace.raw_states


def agree(model: Model) -> None:
    """All engines on every property of ``model``, with explicit search as the reference."""
    for prop in model.properties:
        reference = checked(explicit.check, model, prop, Options(timeout_s=TIMEOUT)).outcome
        if isinstance(reference, Unknown):
            continue
        bound = (reference.depth if isinstance(reference, Violated) else 0) + 12
        options = Options(bound=bound, timeout_s=TIMEOUT)
        outcomes = {
            "bmc": checked(bmc.check, model, prop, options).outcome,
            "kind": checked(kinduction.check, model, prop, options).outcome,
            "pdr": checked(pdr.check, model, prop, options).outcome,
            "houdini": checked(houdini.check, model, prop, options).outcome,
        }
        if isinstance(reference, Violated):
            _replays(model, prop, reference.trace)
            for name, outcome in outcomes.items():
                if isinstance(outcome, Unknown):
                    continue
                assert isinstance(outcome, Violated), f"{name} disagrees on {prop.name}: {outcome}"
                _replays(model, prop, outcome.trace)
            assert outcomes["bmc"].depth == reference.depth, "BMC and explicit disagree on the shortest depth"
            for name in ("kind", "houdini"):
                if isinstance(outcomes[name], Violated):
                    assert outcomes[name].depth == reference.depth, f"{name} and explicit disagree on the depth"
        else:
            assert isinstance(reference, Proved) and reference.certificate.checked
            assert isinstance(outcomes["bmc"], HoldsUpTo), f"bmc disagrees on {prop.name}"
            for name in ("kind", "pdr", "houdini"):
                outcome = outcomes[name]
                # no proof within the bound (k-induction) or in time is not a disagreement
                assert not isinstance(outcome, Violated), f"{name} disagrees on {prop.name}: {outcome}"
                if isinstance(outcome, Proved):
                    assert outcome.certificate.checked, f"{name}'s certificate was not re-checked"
            assert isinstance(outcomes["pdr"], (Proved, Unknown)), f"pdr gave {outcomes['pdr']}"


@settings(max_examples=120)
@given(models())
def test_all_engines_agree_on_generated_ir_models(model):
    agree(model)


@pytest.mark.slow
@settings(max_examples=1500)
@given(models(max_actions=8, depth=3))
def test_all_engines_agree_on_many_generated_ir_models(model):
    agree(model)


PEERS = {"spin": spin.check, "abc": abc.check, "abc-bmc": abc.check_bmc, "abc-scorr": abc.check_scorr}


def peers_agree(model: Model) -> None:
    """SPIN and ABC on every property of ``model``, explicit search the reference: the
    same verdicts, the same shortest depths (SPIN's breadth-first search, bmc3, and pdr
    shortened by bmc3), invariants and state counts that re-check."""
    for prop in model.properties:
        reference = checked(explicit.check, model, prop, Options(timeout_s=TIMEOUT)).outcome
        if isinstance(reference, Unknown):
            continue
        bound = (reference.depth if isinstance(reference, Violated) else 0) + 6
        options = Options(bound=bound, timeout_s=TIMEOUT)
        for name, engine in PEERS.items():
            outcome = checked(engine, model, prop, options).outcome
            where = f"{name} on {prop.name}: {outcome}, explicit: {reference}"
            if isinstance(reference, Violated):
                assert isinstance(outcome, Violated) and outcome.depth == reference.depth, where
                _replays(model, prop, outcome.trace)
            elif name == "abc-bmc":
                assert outcome == HoldsUpTo(bound), where
            else:
                assert isinstance(outcome, Proved) and outcome.certificate.checked, where


@pytest.mark.skipif(any(peers.missing(name) for name in PEERS),
                    reason=" / ".join(filter(None, (peers.missing(name) for name in PEERS))) or "-")
@settings(max_examples=6, deadline=None)
@given(models())
def test_peers_agree_on_generated_ir_models(model):
    peers_agree(model)


# ----------------------------------------------------------------------------- spec text

NAMES = ("a", "b", "c")


@st.composite
def spec_texts(draw) -> str:
    """A small random spec: two tasks over a shared enum on one or two CPUs, a per-CPU
    register, counters with chained sums, nested ifs and assumptions, preemption with a
    rule that may depend on the CPU or the task, an optional softirq, assertions and
    invariants."""
    cpus = draw(st.sampled_from([1, 1, 1, 2]))
    lines = [
        f"param cpus: 1..4 = {cpus}",
        "enum Data { garbage, a, b, c }",
        "percpu var regs: Data = current.data",
        "task var data: Data = garbage",
        "task var buf: Data = garbage",
        "var n: 0..2 = 0",
        "var m: 0..4 = 0",
        "var flag: bool = false",
        "fn save(dst: &Data) { dst = regs }",
        "fn restore(src: Data) { regs = src }",
        "fn context_switch(prev: Task, next: Task) {",
        "    " + draw(st.sampled_from(["save(prev.buf)", "skip"])),
        "    " + draw(st.sampled_from(["restore(next.buf)", "skip", "if flag { restore(next.buf) } else { skip }"])),
        "}",
    ]

    def statement(owner: str) -> str:
        return draw(st.sampled_from([
            f"assert mine: regs == {owner}",
            "save(current.buf)",
            "restore(current.buf)",
            f"regs = {owner}",
            "flag = !flag",
            "if n < 2 { n = n + 1 } else { n = 0 }",
            "preempt_disable()",
            "preempt_enable()",
            "either { skip } or { flag = true }",
            f"if regs == {owner} {{ skip }} else {{ restore(current.buf) }}",
            "m = m + n + 1",
            "if flag { if n == 2 { m = 0 } else { n = n + 1 } } else { skip }",
            "assume n < 2",
            "either { assume flag  n = 0 } or { skip }",
        ]))

    for task, owner in (("t1", "a"), ("t2", "b")):
        body = [statement(owner) for _ in range(draw(st.integers(1, 4)))]
        if all(s.startswith("assume") for s in body):
            body.append("skip")  # a loop round needs a step
        if any("preempt_disable" in s for s in body) and not any("preempt_enable" in s for s in body):
            body.append("preempt_enable()")
        lines.append(f"thread {task} with data = {owner}, buf = {owner} {{")
        lines.append("    loop {")
        lines.extend(f"        {s}" for s in body)
        lines.append("    }")
        lines.append("}")
    rule = draw(st.sampled_from(["", "current == t1", "this_cpu == cpu0", "current != t2 || flag"]))
    if rule:  # a preemption rule that depends on the CPU or the task
        lines.append(f"preempt when preemption && current.preempt_count == 0 && ({rule})")
    if draw(st.booleans()):
        lines.append("softirq noise when " + draw(st.sampled_from(["true", "flag", "n == 1", "current == t2"]))
                     + " { " + draw(st.sampled_from(["regs = c", "save(current.buf)", "n = 0"])) + " }")
    lines.append('property mine "tasks find their own data"')
    lines.append("property kept: always " + draw(st.sampled_from([
        "n <= 2", "regs[cpu0] != garbage", "(exists t: Task :: t.buf == a) || regs[cpu0] == a",
        "!(flag && n == 2)", "m + n <= 5", "m + m + n <= 9",
    ])))
    lines.append("property no_save_of_c: never save(d) when regs == c")
    lines.append("reach both: flag && n == 1")
    return "\n".join(lines) + "\n"


@settings(max_examples=15)
@given(spec_texts())
def test_all_engines_agree_on_generated_specs(tmp_path, text):
    path = tmp_path / "random.kp"
    path.write_text(text)
    agree(load_spec(str(path)).model)
