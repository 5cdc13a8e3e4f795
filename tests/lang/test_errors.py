"""Every kind of bad spec gets one clear message with file:line:col, never a traceback."""

from __future__ import annotations

import pytest

from explorer.lang import ParamError, SpecError, load_spec

CASES = {
    "syntax": (
        "enum Data { a, b }\nvar x: Data = a\nfn f() { x = }\n",
        "3:14: error: unexpected '}'; expected '!', '(', 'false', 'forall' or 'exists', 'true', a name, a number",
    ),
    "unknown_name": (
        "enum Data { a, b }\nvar x: Data = a\nthread t { loop { x = c } }\n",
        "3:23: error: unknown name c",
    ),
    "type_error": (
        "enum Data { a, b }\nvar x: Data = a\nvar y: bool = false\nthread t { loop { y = x } }\n",
        "4:23: error: expected a value of bool, found one of Data",
    ),
    "condition_not_bool": (
        "enum Data { a, b }\nvar x: Data = a\nthread t { loop { if x { skip } else { skip } } }\n",
        "3:22: error: expected a condition (bool), found a Data",
    ),
    "loop_without_step": (
        "enum Data { a, b }\nvar x: Data = a\nthread t { loop { if x == a { x = b } } }\n",
        "3:12: error: this loop can go round without taking a step; add a step (e.g. skip) to it",
    ),
    "recursion": (
        "fn f() { f() }\nthread t { loop { f() } }\n",
        "1:10: error: recursive call of f (functions are inlined)",
    ),
    "bad_character": (
        "enum Data { a, b }\nvar x: Data = a $\n",
        "2:17: error: unexpected character '$'",
    ),
    "duplicate": (
        "enum Data { a, b }\nvar x: Data = a\nvar x: Data = b\n",
        "3:1: error: var x is already declared at",
    ),
    "undeclared_property": (
        "enum Data { a, b }\nvar x: Data = a\nthread t { loop { assert integrity: x == a } }\n",
        "3:19: error: assert names property integrity, which is not declared",
    ),
    "unknown_function": (
        "thread t { loop { frobnicate() } }\n",
        "1:19: error: unknown function frobnicate",
    ),
    "arity": (
        "fn f(x: bool) { skip }\nthread t { loop { f() } }\n",
        "2:19: error: f takes 1 argument(s), given 0",
    ),
    "ref_needs_place": (
        "var y: bool = false\nfn set(x: &bool) { x = true }\nthread t { loop { set(true) } }\n",
        "3:23: error: argument x of set is a & parameter: pass a variable or element",
    ),
    "unknown_sort": (
        "var x: Colour = red\nthread t { loop { skip } }\n",
        "1:8: error: unknown sort Colour",
    ),
    "per_task_needs_task": (
        "task var f: bool = false\nthread t { loop { f = true } }\n",
        "2:19: error: f is a per-task variable: write current.f or <task>.f",
    ),
    "initial_outside_range": (
        "var n: 0..3 = 5\nthread t { loop { skip } }\n",
        "1:15: error: initial value 5 is outside 0..3",
    ),
    "event_unknown_function": (
        "thread t { loop { skip } }\nproperty p: never save(d)\n",
        "2:19: error: unknown function save",
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_spec_message(tmp_path, name):
    text, expected = CASES[name]
    path = tmp_path / f"{name}.kp"
    path.write_text(text)
    with pytest.raises(SpecError) as info:
        load_spec(str(path))
    message = str(info.value)
    assert message.startswith(f"{path}:"), message
    assert expected in message, message
    assert "Traceback" not in message
    # the offending line is quoted under the message, with a caret
    assert "^" in message


def test_include_cycle(tmp_path):
    (tmp_path / "a.kp").write_text('include "b.kp"\n')
    (tmp_path / "b.kp").write_text('include "a.kp"\n')
    with pytest.raises(SpecError) as info:
        load_spec(str(tmp_path / "a.kp"))
    assert "include cycle:" in str(info.value)
    assert f"{tmp_path}/b.kp:1:1" in str(info.value)


def test_extends_cycle(tmp_path):
    (tmp_path / "a.kp").write_text('extends "b.kp"\n')
    (tmp_path / "b.kp").write_text('extends "a.kp"\n')
    with pytest.raises(SpecError, match="extends cycle"):
        load_spec(str(tmp_path / "a.kp"))


def test_missing_file():
    with pytest.raises(SpecError, match="cannot read /nonexistent/x.kp: no such file"):
        load_spec("/nonexistent/x.kp")


def test_missing_include(tmp_path):
    (tmp_path / "a.kp").write_text('include "gone.kp"\n')
    with pytest.raises(SpecError) as info:
        load_spec(str(tmp_path / "a.kp"))
    assert str(info.value).startswith(f"{tmp_path}/a.kp:1:1: error: cannot read {tmp_path}/gone.kp")


def test_unknown_parameter(tmp_path):
    path = tmp_path / "s.kp"
    path.write_text("thread t { loop { skip } }\n")
    with pytest.raises(ParamError, match="unknown parameter zork; this spec's parameters are: cpus, migration, preemption"):
        load_spec(str(path), {"zork": "1"})


def test_parameter_value_checked(tmp_path):
    path = tmp_path / "s.kp"
    path.write_text("thread t { loop { skip } }\n")
    with pytest.raises(ParamError, match=r"parameter cpus: '9' is not a value; expected an integer in 1..4"):
        load_spec(str(path), {"cpus": "9"})


def test_more_cpus_than_tasks(tmp_path):
    path = tmp_path / "s.kp"
    path.write_text("thread t { loop { skip } }\n")
    with pytest.raises(ParamError, match="2 CPUs need at least 2 tasks"):
        load_spec(str(path), {"cpus": "2"})


def test_switching_needs_context_switch(tmp_path):
    path = tmp_path / "s.kp"
    path.write_text("thread a { loop { skip } }\nthread b { loop { skip } }\n")
    with pytest.raises(SpecError, match=r"must define fn context_switch\(prev: Task, next: Task\)"):
        load_spec(str(path))
