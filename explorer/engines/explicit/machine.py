"""The compiled semantics callable from Python: successors and predicates of one state,
for tests, path rebuilding, houdini's concrete amplification and a trace's point of no
return."""

from __future__ import annotations

import numpy as np

from explorer.engines.explicit.kernel import ERR_INDEX, expand, holds
from explorer.ir import Model, Property
from explorer.semantics.program import Program, compile_model
from explorer.semantics.reference import EvaluationError


class Machine:
    """The compiled semantics of one program, callable from Python: successors and
    predicates on states given as word arrays (``program.layout.pack``)."""

    def __init__(self, program):
        self.program = program
        self.args = program.vm_args()
        actions = program.lit_mask.shape[0]
        width = int(max(1, (program.upd_range[:, 1] - program.upd_range[:, 0]).max(initial=0)))
        self.out = np.zeros((max(actions, 1), program.words), dtype=np.uint64)
        self.acts = np.zeros(max(actions, 1), dtype=np.int64)
        self.stack = np.zeros(256, dtype=np.int64)
        self.vals = np.zeros(width, dtype=np.int64)
        self.slots = np.zeros(width, dtype=np.int64)
        self.err = np.zeros(2, dtype=np.int64)

    def successors(self, s: np.ndarray) -> list[tuple[int, np.ndarray]]:
        """``(action, successor words)`` for every enabled action, in action order; raises
        ``EvaluationError`` where the reference would."""
        n = expand(s, *self.args, self.out, self.acts, self.stack, self.vals, self.slots, self.err)
        if n < 0:
            raise_error(self.program, self.err)
        return [(int(self.acts[i]), self.out[i].copy()) for i in range(n)]

    def holds(self, predicate: int, s: np.ndarray) -> bool:
        p = self.program
        return bool(holds(predicate, s, *p.predicate_args(), p.f_word, p.f_off, p.f_mask, p.f_lo,
                          p.dyn, p.code, self.stack))


def raise_error(program: Program, err: np.ndarray) -> None:
    what = "index out of range" if err[0] == ERR_INDEX else "value out of range"
    raise EvaluationError(f"action {int(err[1])}: {what}")


class CompiledGraph:
    """A model's transition graph for one property on the compiled machine, keyed by
    packed states (bytes): what ``semantics.doom`` walks to find a counterexample's point
    of no return, tens of times faster than the reference evaluator it is tested against."""

    def __init__(self, model: Model, prop: Property):
        program = compile_model(model, [prop.bad])
        self.layout = program.layout
        self.machine = Machine(program)

    def key(self, state) -> bytes:
        return self.layout.pack(state).tobytes()

    def bad(self, key: bytes) -> bool:
        return self.machine.holds(0, np.frombuffer(key, dtype=np.uint64))

    def successors(self, key: bytes):
        return [new.tobytes() for _, new in self.machine.successors(np.frombuffer(key, dtype=np.uint64))]
