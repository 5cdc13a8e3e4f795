"""Every engine on every example (pySMT's examples.py, pono's test_engines): one table of
models with known facts, each checked by each engine through the trust gate.

A property that is violated must be violated at its known shortest depth by every
engine; one that holds must be proved by every prover (bmc, abc-bmc: holds up to its
bound).  ``unknown`` fails, unless the example declares it for that engine with the reason.

The peers (spin, abc, abc-bmc) run where their programs are installed (CI installs them)
and are skipped with the Debian package's name where not; the spin engine itself fails
(unknown) if SPIN's state count differs from explorer's unreduced count, and its
breadth-first trails must have the shortest depth like every other engine's.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pytest

from explorer.app.jobs import decide
from explorer.engines import Options, peers
from explorer.ir import Model
from explorer.lang import load_spec
from explorer.verdict import HoldsUpTo, Proved, Unknown, Violated
from support import smt_models
from support.strategies import examples

ENGINES = ("bmc", "kind", "pdr", "explicit", "explicit/por", "explicit/all", "houdini", "auto", "spin", "abc",
           "abc-bmc")
"""``explicit/R``: the explicit engine with ``--reduction R`` (partial-order reduction,
alone and with symmetry)."""
BOUNDED = ("bmc", "abc-bmc")
TIMEOUT = 60.0


@dataclass(frozen=True)
class Case:
    name: str
    model: Callable[[], Model]
    facts: dict[str, int | None]
    """Per property: the depth of a shortest counterexample, None if it holds."""
    inconclusive: dict[str, str] = field(default_factory=dict)
    """Engines allowed to say unknown (or, for k-induction, 'holds up to'), with why."""
    bound: int = 20
    slow: tuple[str, ...] = ()
    """Engines that take minutes here: run in the slow tier (``pytest -m slow``)."""


def _spec(text: str) -> Callable[[], Model]:
    def build() -> Model:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "case.kp"
            path.write_text(text)
            return load_spec(str(path)).model

    return build


ROOT = Path(__file__).parents[2]


def _file(path: str, **params: str) -> Callable[[], Model]:
    return lambda: load_spec(str(ROOT / path), params).model


HAND_MADE = [Case(ex.model.name, (lambda ex=ex: ex.model), dict(ex.depths)) for ex in examples()]

SMT = [
    Case("counter_noise", smt_models.counter_noise, {"x_is_7": 7, "x_is_7_and_flag": 8}),
    Case("site_vs_state", smt_models.site_vs_state, {"never_L1": 1}),
    Case("token_ring", smt_models.token_ring, {"one_busy": None}),
]

SPECS = [
    Case("chained_sum", _spec("""
var x: 0..3 = 0
var y: 0..3 = 0
var z: 0..3 = 0
thread t { x = 3  y = 3  z = 3  loop { skip } }
property small: always x + y + z <= 8
"""), {"small": 3}),
    Case("preempt_on_cpu1", _spec("""
param cpus: 1..4 = 2
preempt when this_cpu != cpu0
var switched: bool = false
fn context_switch(prev: Task, next: Task) { switched = true }
thread a { loop { skip } }
thread b { loop { skip } }
thread c { loop { skip } }
property never_switched: always !switched
"""), {"never_switched": 1}),
    Case("constant_out_of_range", _spec("""
var c: 0..3 = 0
var d: 0..3 = 0
thread t { d = 1  c = 7  loop { skip } }
property small: always d <= 1
"""), {"bounds": 2, "small": None}),
    Case("task_dependent_interrupt", _spec("""
param cpus: 1..4 = 2
preempt when false
var hit: bool = false
var k: 0..2 = 0
interrupt softirq when current == t2 && !current.irqs_disabled
softirq s when true { hit = true }
thread t1 { loop { k = 1 } }
thread t2 { loop { atomic { local_irq_disable()  k = 2 }  local_irq_enable() } }
property no_hit: always !hit
property quiet_t1: always k != 2 || !hit || true
"""), {"no_hit": 1, "quiet_t1": None}),
    Case("assume_and_nested_ifs", _spec("""
var a: bool = false
var b: bool = false
var n: 0..3 = 0
thread t {
    loop {
        either { a = !a } or { b = !b }
        if a {
            if b { assume n < 3  n = n + 1 } else { skip }
        } else {
            if n == 3 { assert full: a } else { skip }
        }
    }
}
property full "an assertion behind nested ifs and an assumption"
property small: always n + n <= 4
"""), {"full": 14, "small": 12, "bounds": None}),
    Case("mini", _file("tests/specs/mini.kp"),
         {"integrity": None, "wanpeng": 6, "no_loss": None, "preempted": 3, "bounds": None},
         slow=("kind", "pdr")),
    Case("v4.15_preemption_only", _file("tests/golden/preemption_only/v4.15.kp"),
         {"integrity": None, "no_loss": None, "wanpeng": 8, "preempted_with_guest": 15, "bounds": None},  # 15: switched out to idle0 (no restore for a kernel thread)
         inconclusive={"kind": "k-induction needs k beyond its bound on the kernel specs",
                       "pdr": "Spacer does not close on the kernel specs in a minute"},
         slow=("kind", "pdr", "abc", "abc-bmc")),
]

CASES = HAND_MADE + SMT + SPECS


def _check(case: Case, engine: str) -> None:
    model = case.model()
    names = {p.name for p in model.properties}
    assert set(case.facts) == names, f"{case.name}: facts for {sorted(case.facts)}, properties {sorted(names)}"
    for prop in model.properties:
        expected = case.facts[prop.name]
        bound = max(case.bound, (expected or 0) + 2)
        name, _, reduction = engine.partition("/")
        options = Options(bound=bound, timeout_s=TIMEOUT, reduction=reduction or Options.reduction)
        decided = decide(model, prop, name, options)
        outcome = decided.outcome
        if reduction and not isinstance(outcome, Unknown):
            assert decided.stats["reduction"] in (reduction, "por"), decided.stats  # "all" without symmetry: por
        where = f"{engine} on {case.name}.{prop.name}: {outcome}"
        allowed = engine in case.inconclusive
        if isinstance(outcome, Unknown):
            assert allowed, where
            continue
        if expected is not None:
            assert isinstance(outcome, Violated), where
            assert outcome.depth == expected, where
        elif engine in BOUNDED:
            assert outcome == HoldsUpTo(bound), where
        elif isinstance(outcome, HoldsUpTo):
            assert engine == "kind" and allowed, where
        else:
            assert isinstance(outcome, Proved) and outcome.certificate.checked, where


def _marks(case: Case, engine: str) -> list:
    marks = [pytest.mark.slow] if engine in case.slow else []
    why = peers.missing(engine)
    return marks + ([pytest.mark.skip(reason=why)] if why else [])


MATRIX = [pytest.param(case, engine, id=f"{case.name}-{engine}", marks=_marks(case, engine))
          for case in CASES for engine in ENGINES]


@pytest.mark.parametrize("case, engine", MATRIX)
def test_engine_on_example(case, engine):
    _check(case, engine)
