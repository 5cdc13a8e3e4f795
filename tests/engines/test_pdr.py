"""The pdr engine (Spacer): invariants that re-check, printed in spec syntax."""

from __future__ import annotations



from support.smt_models import counter_noise, token_ring
from support.strategies import examples

from explorer.trust.certify import check_invariant_smt2
from explorer.engines import Options, pdr
from explorer.verdict import Proved, Violated
from support.gate import checked


def test_agrees_with_known_facts():
    for ex in examples():
        for prop in ex.model.properties:
            result = checked(pdr.check, ex.model, prop, Options(bound=10))
            expected = ex.depths[prop.name]
            if expected is None:
                assert isinstance(result.outcome, Proved), (ex.model.name, prop.name)
                assert result.outcome.certificate.checked
            else:
                assert isinstance(result.outcome, Violated)
                assert result.outcome.depth == expected
                assert result.stats["counterexample_by"] == "bmc"


def test_mutex_invariant_is_non_trivial_and_rechecks():
    ex = [e for e in examples() if e.model.name == "mutex"][0]
    prop = ex.model.properties[0]
    result = checked(pdr.check, ex.model, prop, Options())
    cert = result.outcome.certificate
    assert result.outcome.method == "pdr" and cert.kind == "invariant" and cert.checked
    lines = set(cert.text.splitlines())
    assert any("lock" in line for line in lines)
    assert "(declare-const |pc[p0]| Int)" in cert.smt2
    assert check_invariant_smt2(ex.model, prop, cert.smt2)[0]


def test_token_ring_invariant():
    model = token_ring()
    result = checked(pdr.check, model, model.properties[0], Options())
    cert = result.outcome.certificate
    assert cert.checked and len(cert.text.splitlines()) >= 2
    assert "tok" in cert.text and "<" not in cert.text  # enum comparisons by member name


def test_violated_through_bmc_is_shortest():
    model = counter_noise()
    result = checked(pdr.check, model, model.property("x_is_7_and_flag"), Options())
    assert result.outcome.depth == 8


def test_timeout_is_unknown():
    from bench_bmc import synthetic

    model = synthetic(1)
    result = checked(pdr.check, model, model.properties[0], Options(timeout_s=0.2))
    assert type(result.outcome).__name__ in ("Unknown", "Proved")
    if type(result.outcome).__name__ == "Unknown":
        assert "timeout" in result.outcome.reason


def test_an_invariant_found_by_preprocessing_is_read():
    """Spacer solves a model with no transitions by preprocessing; ``get_cover_delta(-1)``
    then gave ``true``, an invariant that excludes nothing, and the proof was lost."""
    from explorer import ir

    sort = ir.IntSort(0, 3)
    x = ir.Read("x", None, sort)
    bad = ir.eq(x, ir.Const(sort, 3))
    prop = ir.Property("not3", "invariant", "", bad, bad)
    model = ir.Model("still", (ir.StateVar("x", sort, None, ((0,),)),), (), (prop,))
    outcome = checked(pdr.check, model, prop, Options()).outcome
    assert isinstance(outcome, Proved) and outcome.certificate.text == "x == 0"
