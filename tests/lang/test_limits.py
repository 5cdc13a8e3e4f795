"""Specs beyond what a model can be: a clear error at the place, never a traceback, a hang
or a RecursionError (explorer.lang.limits)."""

from __future__ import annotations

import pytest

from explorer.app.jobs import decide
from explorer.engines import Options
from explorer.lang import SpecError, load_spec
from explorer.verdict import Proved

HEAD = "var x: bool = false\nvar n: 0..3 = 0\n"
N = 1000


def _fns(count: int) -> str:
    return "".join(f"fn f{i}() {{ f{i + 1}() }}\n" for i in range(count)) + f"fn f{count}() {{ skip }}\n"


CASES = {
    "negations": (HEAD + "thread t { loop { x = " + "!" * N + "x } }\n", "nested more than 100 levels"),
    "conjunction": (HEAD + "thread t { loop { x = " + " && ".join(["x"] * N) + " } }\n", "nested more than 100 levels"),
    "ifs": (HEAD + "thread t { loop { " + "if x { " * N + "skip" + " }" * N + " } }\n", "nested more than 100 levels"),
    "atomics": (HEAD + "thread t { loop { " + "atomic { " * N + "x = true" + " }" * N + " } }\n", "nested more than 100 levels"),
    "sum": (HEAD + "var m: 0..3000 = 0\nthread t { loop { m = " + " + ".join(["n"] * N) + " } }\n", "nested more than 100 levels"),
    "calls": (HEAD + _fns(N) + "thread t { loop { f0() } }\n", "calls nest more than 64 deep"),
    "def_chain": (HEAD + "def d0(): bool = x\n" + "".join(f"def d{i + 1}(): bool = !d{i}()\n" for i in range(N))
                  + f"thread t {{ loop {{ x = d{N}() }} }}\n", "defs nest more than 64 deep"),
    "recursive_def": (HEAD + "def r(): bool = !r()\nthread t { loop { x = r() } }\n", "recursive def r"),
    "exponential_defs": (HEAD + "var m: 0..100 = 0\ndef d0(): 0..100 = n\n"
                         + "".join(f"def d{i + 1}(): 0..100 = d{i}() + d{i}() - d{i}()\n" for i in range(60))
                         + "thread t { loop { m = d60() } }\n", "defs expand to more than 100,000 copies"),
    "deep_after_defs": (HEAD + "var m: 0..100 = 0\ndef d0(): 0..100 = n\n"
                        + "".join(f"def d{i + 1}(): 0..100 = (((d{i}() + 1) - 1) + 1) - 1\n" for i in range(60))
                        + "thread t { loop { m = d60() } }\n", "nest more than 200 levels deep once"),
    "endless_softirq": (HEAD + "interrupt softirq when true\nsoftirq s when true { loop { x = true } }\n"
                        "thread t { loop { skip } }\n", "the softirq handler s must end"),
    "huge_range": ("var x: 0..100000000000 = 0\nthread t { loop { x = 1 } }\n", "at most 1,048,576 values"),
    "huge_quantifier": ("var x: 0..3 = 0\nthread t { loop { x = 1 } }\n"
                        "property p: always exists v: 0..100000 :: x == v\n", "at most 4,096 values to go through"),
    "huge_count": ("var x: bool = false\nthread t count 100000000000 { loop { x = true } }\n", "at most 32 tasks"),
    "huge_versions": ("enum D { a, b } versions 100000000\nvar x: D = a\nthread t { loop { x = b } }\n",
                      "would have 200,000,000 values"),
    "duplicate_parameters": ("var x: bool = false\nfn f(a: bool, a: bool) { x = a }\nthread t { loop { f(true, false) } }\n",
                             "f has two parameters called a"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_spec_beyond_the_limits_is_an_error_at_its_place(tmp_path, case):
    text, message = CASES[case]
    path = tmp_path / f"{case}.kp"
    path.write_text(text)
    with pytest.raises(SpecError) as err:
        load_spec(str(path))
    assert message in str(err.value)
    assert err.value.span is not None and err.value.span.file == str(path)


def test_a_byte_that_is_not_utf8_is_placed(tmp_path):
    path = tmp_path / "latin1.kp"
    path.write_bytes(b"var x: bool = false\nthread t {\n  loop { x = true } // caf\xe9\n}\n")
    with pytest.raises(SpecError) as err:
        load_spec(str(path))
    assert (err.value.span.line, err.value.span.column) == (3, 27)
    assert "0xe9 is not UTF-8" in str(err.value)


def test_a_file_that_is_no_spec_is_not_read_whole(tmp_path):
    with pytest.raises(SpecError) as err:
        load_spec("/dev/zero")
    assert "larger than 4 MiB" in str(err.value)


def test_a_loop_whose_inner_loop_always_takes_a_step_is_accepted(tmp_path):
    path = tmp_path / "loops.kp"
    path.write_text("var x: bool = false\nthread t { loop { loop { x = !x } } }\nproperty p: always true\n")
    model = load_spec(str(path)).model
    assert isinstance(decide(model, model.property("p"), "explicit", Options()).outcome, Proved)


def test_a_handler_that_loops_back_to_its_start_and_ends(tmp_path):
    """A handler whose first statement is a loop that can end used to crash lowering
    (``KeyError`` in the handler's program counter)."""
    path = tmp_path / "irq.kp"
    path.write_text("var x: bool = false\nvar k: 0..2 = 0\ninterrupt softirq when true\n"
                    "softirq s when k < 2 { while k < 2 { k = k + 1 } }\n"
                    "thread t { loop { x = !x } }\nproperty done: always k <= 2\n")
    model = load_spec(str(path)).model
    assert isinstance(decide(model, model.property("done"), "explicit", Options()).outcome, Proved)
