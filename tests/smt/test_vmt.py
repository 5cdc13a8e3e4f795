"""The VMT export (``explorer export --format smt2``) parses with z3, and is the model:
bounded model checking on the parsed ``.init``, ``.trans`` and ``.prop`` reaches a bad
state at the same depth as breadth-first search on the reference semantics, and finds none
where there is none."""

from __future__ import annotations

from pathlib import Path

import z3
from hypothesis import HealthCheck, given, settings

from explorer import semantics
from explorer.ir import Model
from explorer.lang import load_spec
from explorer.smt.vmt import to_vmt
from support.strategies import examples, models

ROOT = Path(__file__).parents[2]


def parsed(text: str, ctx: z3.Context) -> dict[str, z3.BoolRef]:
    """``.init``, ``.trans`` and ``.prop`` as z3 formulas (the annotations ignored)."""
    z3.set_param("warning", False)  # z3 warns about VMT's attributes, which it ignores
    return {name: z3.parse_smt2_string(text + f"(assert {name})", ctx=ctx)[0]
            for name in (".init", ".trans", ".prop")}


def _constants(formula: z3.ExprRef) -> dict[str, z3.ExprRef]:
    found, stack, seen = {}, [formula], set()
    while stack:
        node = stack.pop()
        if node.get_id() in seen:
            continue
        seen.add(node.get_id())
        if z3.is_const(node) and node.decl().kind() == z3.Z3_OP_UNINTERPRETED:
            found[node.decl().name()] = node
        elif z3.is_app(node):
            stack.extend(node.children())
    return found


def vmt_depth(text: str, bound: int) -> int | None:
    """The fewest steps to a state where ``.prop`` fails, by BMC on the parsed file."""
    ctx = z3.Context()
    formulas = parsed(text, ctx)
    names = {**_constants(formulas[".init"]), **_constants(formulas[".trans"]),
             **_constants(formulas[".prop"])}

    def at(formula, k: int):
        pairs = []
        for name, const in names.items():
            if name.endswith(".next"):
                pairs.append((const, z3.Const(f"{name[:-5]}@{k + 1}", const.sort())))
            else:
                pairs.append((const, z3.Const(f"{name}@{k}", const.sort())))
        return z3.substitute(formula, *pairs)

    solver = z3.Solver(ctx=ctx)
    solver.add(at(formulas[".init"], 0))
    for k in range(bound + 1):
        if solver.check(z3.Not(at(formulas[".prop"], k))) == z3.sat:
            return k
        solver.add(at(formulas[".trans"], k))
    return None


def bfs_depth(model: Model, prop) -> tuple[int | None, int]:
    """The fewest steps to a bad state, and the number of reachable states."""
    frontier = list(dict.fromkeys(semantics.initial_states(model)))
    seen, depth = set(frontier), 0
    while frontier:
        if any(semantics.is_bad(model, prop, state) for state in frontier):
            return depth, len(seen)
        frontier = [new for state in frontier for _, new in semantics.successors(model, state)
                    if new not in seen and not seen.add(new)]
        depth += 1
    return None, len(seen)


def _faithful(model: Model) -> None:
    for prop in model.properties:
        want, states = bfs_depth(model, prop)
        bound = states + 1 if want is None else want
        assert vmt_depth(to_vmt(model, prop), bound) == want, prop.name


@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(models())
def test_bmc_on_the_parsed_vmt_finds_the_reference_depth(model):
    _faithful(model)


def test_bmc_on_the_parsed_vmt_of_examples_and_mini():
    for example in examples():
        _faithful(example.model)
    mini = load_spec(str(ROOT / "tests/specs/mini.kp")).model
    for name, depth in (("wanpeng", 5), ("preempted", 3)):
        assert vmt_depth(to_vmt(mini, mini.property(name)), depth) == depth


def test_the_file_declares_every_element_with_its_next_state():
    mini = load_spec(str(ROOT / "tests/specs/mini.kp")).model
    text = to_vmt(mini, mini.property("integrity"))
    for element in mini.elements:
        assert f":next {z3.Const(element.name + '.next', z3.IntSort()).sexpr()})" in text
    for annotation in (":init true", ":trans true", ":invar-property 0"):
        assert text.count(annotation) == 1
