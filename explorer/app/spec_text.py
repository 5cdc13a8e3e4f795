"""A proof's invariant as spec text that parses back.

The gate re-checks an invariant in its readable form (``ir.readable``), one conjunct per
line.  A conjunct is *spec text* when it reads only spec variables (no program counter,
no scheduler or interrupt state: the elements lowering hides) and its printed line,
read back by the spec language as ``always LINE`` in the spec's own scope, means
exactly the conjunct: both are evaluated on every combination of the values of the
elements they read (all others play no part), with the reference evaluator.  Those lines
can be pasted into a spec as ``property NAME: always LINE && …`` and proved; every
conjunct of an inductive invariant holds in every reachable state, so any set of them is
an invariant.  The printer's ``current[cpu0] == t`` is written ``running(t)`` (one CPU):
``current`` names the running task in code only.

The other conjuncts stay as they are printed (``vcpu.pc in {kvm_put_guest_fpu:29, …}``):
the language has no syntax for a thread's position at a spec line or for the scheduler's
state, so they cannot parse back.
"""

from __future__ import annotations

import itertools
import os
import re
import tempfile
from pathlib import Path
from typing import Sequence

from explorer import ir
from explorer.ir import Model
from explorer.ir.readable import Readable, to_ir
from explorer.lang import ParamError, SpecError, load_spec
from explorer.lang.printer import show
from explorer.semantics import EvaluationError, evaluate, initial_states

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


CURRENT = re.compile(r"current\[(\w+)\] (==|!=) (\w+)")
"""``current[cpu0] == vcpu``: ``current`` is the running task of code only; in a property
of a one-CPU model the same fact is ``running(vcpu)``."""


def spec_form(model: Model, text: str) -> str:
    """The printed line as the spec language writes it in a property."""
    if sum(1 for e in model.elements if e.var == "current") != 1:
        return text
    return CURRENT.sub(lambda m: ("" if m.group(2) == "==" else "!") + f"running({m.group(3)})", text)


def spec_lines(spec_path: str, params: dict[str, str], model: Model,
               conjuncts: Sequence[Readable]) -> list[str | None]:
    """Per conjunct: its line as spec text that parses back, or None (see the module doc)."""
    texts = [spec_form(model, show(c, model)) for c in conjuncts]
    chosen = [i for i, c in enumerate(conjuncts) if _slots(model, c) is not None]
    out: list[str | None] = [None] * len(conjuncts)
    if not chosen:
        return out
    parsed = _parsed(spec_path, params, [texts[i] for i in chosen])
    if parsed is None:  # one line the language rejects: read them back one by one
        parsed = [(_parsed(spec_path, params, [texts[i]]) or [None])[0] for i in chosen]
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
    return "\n".join([*spec, "// over program counters and scheduler state (no spec syntax):", *other])
