"""ABC's answers about an AIGER export (``explorer.export.aiger``), read back in terms of
the model: a counterexample as an initial state and selector values, an inductive
invariant as clauses over the model's elements.

Both files name the inputs and latches by the symbols the export wrote, so they are read
by name, not by position (``pdr`` keeps only the latches an invariant needs).  Anything
that is not what ABC writes raises ``AigerReadError``: ABC's output is never guessed at.

* A counterexample (``write_cex -n``): lines ``name@frame=value``; frame 0's inputs choose
  the initial state, frame ``f``'s selector the step from state ``f`` to ``f + 1``; the
  bad output holds in the last frame, so its inputs select nothing.
* An invariant (``pdr -d -I FILE``): a PLA whose rows are the cubes ``pdr`` blocked (the
  invariant is the conjunction of their negations), over the latches named in ``.ilb``.
  A latch is a bit of ``(value - lo) xor (initial - lo)``, so each literal of a clause is
  a set of values of one element; the literals of one element are joined into one set,
  and the clause becomes ``Clause(premise, body)`` over elements, which the trust gate
  re-checks like any invariant.  The invariant is read where ``_started`` holds (every
  state after the first step, and every initial state, since the first step may
  stutter): a literal on ``_started`` is true or false there.
* The latch equivalences ABC's ``scorr -w`` proved (``Original flop A is proved
  equivalent to flop B.``, or ``to constant.``): each holds in every reachable state of
  the export, its reset state included, where every latch is 0, so a constant is 0 and
  two equivalent latches are equal (not complements).  ``pdr`` then searched the system
  with those latches merged, and its invariant is one of the export only together with
  them: each is read as the cubes it excludes (``A=1, B=0`` and ``A=0, B=1``; ``A=1``),
  clauses like the invariant's, and the gate re-checks them all together.
"""

from __future__ import annotations

import re

from explorer.export.aiger import AigerExport
from explorer.ir.model import Model
from explorer.ir.readable import Clause


class AigerReadError(ValueError):
    """A file ABC wrote that does not read as the answer it should be."""


def read_cex(text: str, export: AigerExport) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """The initial state and the selector value of each frame but the last (a value of
    ``len(export.actions)`` or more names no action: a stutter)."""
    inputs = {name: k for k, name in enumerate(export.inputs)}
    latches = set(export.latch_names)
    frames: dict[int, list[int]] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, at, rest = line.rpartition("@")
        frame, equals, value = rest.partition("=")
        if not at or not equals or not frame.isdigit() or value not in ("0", "1", "x"):
            raise AigerReadError(f"counterexample line {number} is not name@frame=value: {line[:80]!r}")
        if name in latches:
            continue
        if name not in inputs:
            raise AigerReadError(f"counterexample line {number} names no input or latch: {name[:80]!r}")
        row = frames.setdefault(int(frame), [0] * len(export.inputs))
        row[inputs[name]] = 1 if value == "1" else 0
    if not frames:
        raise AigerReadError("the counterexample has no frame")
    last = max(frames)
    rows = [frames.get(f, [0] * len(export.inputs)) for f in range(last + 1)]
    selections = tuple(export.selected(row) for row in rows[:-1])
    return export.initial_state(rows[0]), selections


def read_invariant(text: str, export: AigerExport, model: Model) -> tuple[Clause, ...]:
    """The clauses of the invariant in ``pdr``'s PLA file, over the model's elements."""
    names: list[str] | None = None
    width: int | None = None
    position = {name: k for k, name in enumerate(export.latch_names)}
    cubes: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith(".i "):
            width = int(line.split()[1])
        elif line.startswith(".ilb"):
            names = line.split()[1:]
        elif line.startswith(".e"):
            break
        elif line.startswith("."):
            continue
        else:
            cube, *out = line.split()
            if out != ["1"] or set(cube) - set("01-"):
                raise AigerReadError(f"invariant line {number} is no cube of the PLA: {line[:80]!r}")
            cubes.append(cube)
    if width is None or names is None or len(names) != width:
        raise AigerReadError("the invariant file has no .i and .ilb lines that agree")
    unknown = [name for name in names if name not in position]
    if unknown:
        raise AigerReadError(f"the invariant names a latch the export has not: {unknown[0][:80]!r}")
    where = [export.latches[position[name]] for name in names]
    clauses = []
    for cube in cubes:
        if len(cube) != width:
            raise AigerReadError(f"an invariant cube has {len(cube)} literals, not {width}")
        clause = _clause(cube, where, export, model)
        if clause is not None:
            clauses.append(clause)
    return tuple(clauses)


EQUIVALENT = re.compile(r"Original flop (\S+) is proved equivalent to (?:flop (\S+)|(constant))\.")


def read_equivalences(text: str, export: AigerExport, model: Model) -> tuple[Clause, ...]:
    """The latch equivalences in ``scorr -w``'s output, as clauses over the elements."""
    position = {name: k for k, name in enumerate(export.latch_names)}
    clauses = []
    for match in EQUIVALENT.finditer(text):
        names = [name for name in match.group(1, 2) if name is not None]
        unknown = [name for name in names if name not in position]
        if unknown:
            raise AigerReadError(f"scorr names a latch the export has not: {unknown[0][:80]!r}")
        where = [export.latches[position[name]] for name in names]
        for cube in (("1",) if match.group(3) else ("10", "01")):
            clause = _clause(cube, where, export, model)
            if clause is not None:
                clauses.append(clause)
    return tuple(clauses)


def _clause(cube: str, where: list[tuple[int, int]], export: AigerExport,
            model: Model) -> Clause | None:
    """``not cube`` over the elements (None: true wherever ``_started`` holds)."""
    wanted: dict[int, list[tuple[int, int]]] = {}
    for char, (slot, bit) in zip(cube, where):
        if char == "-":
            continue
        negated = 1 if char == "0" else 0  # the clause's literal: this bit is not `char`
        if slot < 0:  # _started, which is 1 wherever the invariant is read
            if negated == 1:
                return None
            continue
        wanted.setdefault(slot, []).append((bit, negated))
    literals = []
    for slot, bits in sorted(wanted.items()):
        code = export.encodings[slot]
        domain = model.elements[slot].sort.values()
        allowed = frozenset(v for v in domain
                            if any(((v - code.lo) ^ code.default) >> bit & 1 == want
                                   for bit, want in bits))
        literals.append((slot, allowed))
    if not literals:
        return Clause((), ((0, frozenset()),)) if model.elements else Clause((), ())
    *premise, body = literals
    complement = tuple((slot, frozenset(model.elements[slot].sort.values()) - allowed)
                       for slot, allowed in premise)
    return Clause(complement, (body,))
