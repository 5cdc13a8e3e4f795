"""Wrong verdicts that were printable, each made impossible (issue: verdicts a reviewer can
stake a patch review on).  Every case runs every engine through the trust gate."""

from __future__ import annotations

import pytest

from explorer.app.jobs import decide
from explorer.engines import Options
from explorer.lang import SpecError, load_spec
from explorer.verdict import HoldsUpTo, Proved, Unknown, Violated

ENGINES = ("bmc", "kind", "pdr", "explicit", "houdini", "auto")


def _spec(tmp_path, text: str, name: str = "spec.kp"):
    path = tmp_path / name
    path.write_text(text)
    return load_spec(str(path))


CHAINED_SUM = """
var x: 0..3 = 0
var y: 0..3 = 0
var z: 0..3 = 0
thread t {
    x = 3
    y = 3
    z = 3
    loop { skip }
}
property small: always x + y + z <= 8
"""


@pytest.mark.parametrize("engine", ENGINES)
def test_a_chained_sum_does_not_wrap(tmp_path, engine):
    """Bit-vector terms were as wide as one addition of two in-range values: 3+3+3 wrapped
    to a small number, bmc said 'holds up to 20' and k-induction 'proved'."""
    model = _spec(tmp_path, CHAINED_SUM).model
    outcome = decide(model, model.property("small"), engine, Options(bound=20, timeout_s=60)).outcome
    assert isinstance(outcome, Violated), outcome
    assert outcome.depth == 3


PREEMPT_ON_CPU1 = """
param cpus: 1..4 = 2
preempt when this_cpu != cpu0
var switched: bool = false
fn context_switch(prev: Task, next: Task) {
    switched = true
}
thread a { loop { skip } }
thread b { loop { skip } }
thread c { loop { skip } }
property never_switched: always !switched
"""


@pytest.mark.parametrize("engine", ["bmc", "explicit", "auto"])
def test_a_preemption_rule_is_grounded_per_cpu(tmp_path, engine):
    """The rule was folded at (cpu0, first task) only, and preemption dropped everywhere
    because it is false there."""
    model = _spec(tmp_path, PREEMPT_ON_CPU1).model
    outcome = decide(model, model.property("never_switched"), engine, Options(bound=5, timeout_s=60)).outcome
    assert isinstance(outcome, Violated), outcome
    assert outcome.depth == 1
    assert outcome.trace.steps[0].cpu == "cpu1"


CONSTANT_OUT_OF_RANGE = """
var c: 0..3 = 0
thread t {
    c = 7
    loop { skip }
}
"""


@pytest.mark.parametrize("engine", ["bmc", "explicit", "kind", "auto"])
def test_an_out_of_range_constant_violates_bounds(tmp_path, engine):
    """``c = 7`` on ``0..3`` used to deadlock silently (while ``c = c + 7`` violated bounds)."""
    model = _spec(tmp_path, CONSTANT_OUT_OF_RANGE).model
    outcome = decide(model, model.property("bounds"), engine, Options(bound=5, timeout_s=60)).outcome
    assert isinstance(outcome, Violated), outcome
    assert outcome.depth == 1
    assert outcome.trace.steps[-1].statement == "c = 7"


ASSUME_FALSE = """
param reach_it: bool = true
var regs: 0..1 = 0
thread t {
    loop {
        assume reach_it
        assume false
        assert used: regs == 1
    }
}
property used "a consumption site"
"""


def test_a_property_without_sites_is_vacuous_in_the_verdict(tmp_path):
    from explorer.app.run import RunOptions, check_specs

    spec = _spec(tmp_path, ASSUME_FALSE)
    for vacuity in (True, False):
        run = check_specs([(spec, "used")], RunOptions(engine="explicit", vacuity=vacuity, jobs=1))
        (verdict,) = run.verdicts
        assert verdict.vacuous, verdict
        assert verdict.name == "vacuous"
        assert not verdict.passed


def test_a_property_whose_sites_are_never_enabled_is_vacuous(tmp_path):
    from explorer.app.run import RunOptions, check_specs

    text = ASSUME_FALSE.replace("assume false\n", "assume regs == 1\n")
    spec = _spec(tmp_path, text)
    run = check_specs([(spec, "used")], RunOptions(engine="explicit", jobs=1))
    (verdict,) = run.verdicts
    assert verdict.vacuous and verdict.name == "vacuous", verdict


def test_a_patch_that_adds_a_function_nothing_calls_is_an_error(tmp_path):
    base = tmp_path / "base.kp"
    base.write_text("""
var x: bool = false
fn kvm_sched_out() {
    x = true
}
thread t { loop { kvm_sched_out() } }
""")
    (tmp_path / "typo.kp").write_text('extends "base.kp"\nfn kvm_sched_outt() {\n    skip\n}\n')
    with pytest.raises(SpecError) as err:
        load_spec(str(tmp_path / "typo.kp"))
    message = str(err.value)
    assert "kvm_sched_outt" in message and "base.kp" in message and "kvm_sched_out" in message
    assert err.value.span is not None and err.value.span.line == 2


def test_a_function_nothing_calls_is_a_warning(tmp_path):
    spec = _spec(tmp_path, """
var x: bool = false
fn helper() {
    x = true
}
fn unused_one() {
    skip
}
thread t { loop { helper() } }
""")
    assert any("unused_one" in w and "never called" in w for w in spec.warnings), spec.warnings
    assert not any("helper" in w for w in spec.warnings)


def test_holds_up_to_is_never_wider_than_the_bound(tmp_path):
    model = _spec(tmp_path, CHAINED_SUM.replace("x + y + z <= 8", "x + y + z <= 9")).model
    outcome = decide(model, model.property("small"), "bmc", Options(bound=4)).outcome
    assert outcome == HoldsUpTo(4)
    assert isinstance(decide(model, model.property("small"), "kind", Options(bound=6)).outcome, Proved)


def test_pdr_hands_off_to_bmc_within_the_callers_bound(tmp_path):
    """A violation deeper than the bound is not hunted for with a bound of 100,000 and no
    deadline (22 GB of memory on the chained sum)."""
    model = _spec(tmp_path, CHAINED_SUM).model
    outcome = decide(model, model.property("small"), "pdr", Options(bound=2, timeout_s=30)).outcome
    assert isinstance(outcome, Unknown), outcome
    assert "deeper than the bound 2" in outcome.reason


def test_an_index_that_may_leave_its_sort_is_refused(tmp_path):
    """SMT engines read an out-of-range index as the last element, the reference semantics
    raises: two meanings, so a proof by one could be no proof for the other."""
    with pytest.raises(SpecError) as err:
        _spec(tmp_path, "var a: [0..3] bool = false\nvar i: 0..3 = 0\n"
                        "thread t { loop { if i < 3 { a[i + 1] = true } else { skip } } }\n")
    assert "may take values in 1..4, outside its index sort 0..3" in str(err.value)
