"""A proof's invariant as spec text that parses back.

The gate re-checks an invariant in its readable form (``ir.readable``), one conjunct per
line.  Each conjunct is printed as a property writes it: spec variables as the spec names
them, and the state lowering adds in the property forms of ``lang.lower.places``
(``runtime_text``): a task's program counter as places at spec lines or functions
(``vcpu at {"v4.15.kp:28", "v4.15.kp:29"}``, ``vcpu at kvm_load_guest_fpu``), a CPU's
context switch or handler likewise (``cpu0 at context_switch``), its mode and tasks as
built-ins (``in_serving_softirq(cpu0)``, ``running(vcpu)``, ``next(cpu0) == vcpu``).  A
line is claimed as spec text only if, read back by the spec language as ``always LINE`` in
the spec's own scope, it means exactly the conjunct: both are evaluated on every
combination of the values of the elements they read (all others play no part), with the
reference evaluator.  Those lines can be pasted into a spec as
``property NAME: always LINE && …`` and proved; every conjunct of an inductive invariant
holds in every reachable state, so any set of them is an invariant.

A conjunct that has no such form (a set of program-counter values that splits one spec
line, as a function inlined at two calls does; ``let`` locals) stays in the program-counter
form, under a comment.
"""

from __future__ import annotations

import itertools
import os
import tempfile
from pathlib import Path
from typing import Sequence

from explorer import ir
from explorer.ir import Model
from explorer.app.runtime_text import RuntimeText
from explorer.ir.readable import Implies, Readable, to_ir
from explorer.lang import ParamError, SpecError, load_spec
from explorer.lang.printer import AND, NOT, OR, POSTFIX, show, shown
from explorer.semantics import EvaluationError, evaluate, initial_states
from explorer.semantics.readable import allowed_values

MAX_ASSIGNMENTS = 200_000
"""Past this many value combinations a line is not compared (and not claimed as spec text)."""


def _slots(model: Model, expr: Readable, hidden: bool = False) -> list[int] | None:
    """The elements ``expr`` reads, or None if it indexes an array with anything but a
    constant or (unless ``hidden``) reads a hidden element."""
    out: set[int] = set()
    for read in ir.reads(expr):
        if read.index is None:
            slot = model.slot(read.var, None)
        elif isinstance(read.index, ir.Const):
            slot = model.slot(read.var, read.index.value)
        else:
            return None
        if model.elements[slot].hidden and not hidden:
            return None
        out.add(slot)
    return sorted(out)


def same_meaning(model: Model, a: ir.Expr, b: ir.Expr, slots: Sequence[int]) -> bool:
    """Whether ``a`` and ``b`` (reading only ``slots``) agree on every assignment of
    ``slots``; False past ``MAX_ASSIGNMENTS`` assignments or on an evaluation error."""
    domains = [list(model.elements[s].sort.values()) for s in slots]
    size = 1
    for domain in domains:
        size *= len(domain)
    if size > MAX_ASSIGNMENTS:
        return False
    base = list(next(iter(initial_states(model))))
    for values in itertools.product(*domains):
        for slot, value in zip(slots, values):
            base[slot] = value
        state = tuple(base)
        try:
            if bool(evaluate(model, a, state)) != bool(evaluate(model, b, state)):
                return False
        except EvaluationError:
            return False
    return True


def _parsed(spec_path: str, params: dict[str, str], lines: Sequence[str]) -> list[ir.Expr] | None:
    """``always LINE`` for each line, lowered in the scope of the spec at ``spec_path``;
    None if the spec language rejects one of them."""
    body = [f'extends "{Path(spec_path).resolve()}"', ""]
    body += [f'property explorer_invariant_{i} "": always {line}' for i, line in enumerate(lines)]
    with tempfile.TemporaryDirectory(prefix="explorer-inv-") as folder:
        path = os.path.join(folder, "invariant.kp")
        Path(path).write_text("\n".join(body) + "\n", encoding="utf-8")
        try:
            model = load_spec(path, params).model
        except (SpecError, ParamError):
            return None
    return [ir.not_(model.property(f"explorer_invariant_{i}").state_bad) for i in range(len(lines))]


def _part(model: Model, runtime: RuntimeText, part: Readable) -> tuple[str, int] | None:
    """``part`` of a conjunct as property text, with its precedence; None if some literal
    of it has no property form."""
    slots = _slots(model, part, hidden=True)
    if slots is None:
        return None
    if len(slots) == 1 and runtime.handles(slots[0]):
        return runtime.literal(slots[0], allowed_values(model, to_ir(part), slots[0]))
    if not any(model.elements[s].hidden or runtime.handles(s) for s in slots):
        return shown(part, model)
    if isinstance(part, Implies):
        premise = _joined(model, runtime, part.premise, " && ", AND)
        body = _joined(model, runtime, part.body, " && ", AND)
        return None if premise is None or body is None else (f"{premise} ==> {body}", OR)
    if isinstance(part, (ir.And, ir.Or)):
        conj = isinstance(part, ir.And)
        text = _joined(model, runtime, part.args, " && " if conj else " || ", AND if conj else OR)
        return None if text is None else (text, AND if conj else OR)
    if isinstance(part, ir.Not):
        inner = _part(model, runtime, part.arg)
        if inner is None:
            return None
        return ("!" + inner[0] if inner[1] >= POSTFIX else f"!({inner[0]})"), NOT
    return None


def _joined(model: Model, runtime: RuntimeText, parts, op: str, level: int) -> str | None:
    texts = [_part(model, runtime, p) for p in parts]
    if any(t is None for t in texts):
        return None
    # ``==>`` groups like ``||`` from the left: an implication inside is parenthesised
    return op.join(f"({text})" if lv < level or "==>" in text else text
                   for text, lv in texts)  # type: ignore[misc]


def spec_form(model: Model, runtime: RuntimeText, conjunct: Readable) -> str | None:
    """The conjunct as a property writes it, or None if one of its literals has no such form."""
    part = _part(model, runtime, conjunct)
    return None if part is None else part[0]


def spec_lines(spec_path: str, params: dict[str, str], model: Model,
               conjuncts: Sequence[Readable]) -> list[str | None]:
    """Per conjunct: its line as spec text that parses back, or None (see the module doc)."""
    runtime = RuntimeText(model, load_spec(spec_path, params).places)
    texts = [spec_form(model, runtime, c) for c in conjuncts]
    chosen = [i for i, text in enumerate(texts) if text is not None]
    out: list[str | None] = [None] * len(conjuncts)
    if not chosen:
        return out
    parsed = _parsed(spec_path, params, [texts[i] for i in chosen])  # type: ignore[misc]
    if parsed is None:  # one line the language rejects: read them back one by one
        parsed = [(_parsed(spec_path, params, [texts[i]]) or [None])[0] for i in chosen]  # type: ignore[list-item]
    for i, back in zip(chosen, parsed):
        if back is None:
            continue
        mine = to_ir(conjuncts[i])
        slots = sorted(set(_slots(model, mine, True) or []) | set(_slots(model, back, True) or []))
        if same_meaning(model, mine, back, slots):
            out[i] = texts[i]
    return out


def invariant_text(model: Model, conjuncts: Sequence[Readable], lines: Sequence[str | None]) -> str:
    """The invariant, one conjunct per line: those that are spec text first, then, under a
    comment, those over program counters and scheduler state."""
    spec = [line for line in lines if line is not None]
    other = [show(c, model) for c, line in zip(conjuncts, lines) if line is None]
    if not other:
        return "\n".join(spec) or "true"
    if not spec:
        return "\n".join(other)
    return "\n".join([*spec, "// no spec syntax for these (program counters that split a spec line, locals):", *other])
