"""The compiled breadth-first search: the numba loop (``kernel``) driven from Python.

Same answers as a plain breadth-first search over the reference semantics (the tests
check it on generated models): states in BFS order with exact counts per depth, the
first bad state at the smallest depth (a state bad in itself preferred to a forbidden
step found on the same level, whose trace is one step longer), deadlocks, actions never
enabled, vacuity of every property.  The driver grows the arrays, keeps the deadline and
the memory limit, and reports progress; a shortest run to a state is rebuilt backwards
through the levels (``path``).
"""

from __future__ import annotations

import time

import numpy as np

from explorer import semantics
from explorer.engines.base import Options
from explorer.engines.explicit import kernel
from explorer.ir import Model, Property
from explorer.semantics.program import Program, compile_model
from explorer.engines.explicit.machine import Machine, raise_error
from explorer.engines.explicit.por import Tables, tables
from explorer.engines.explicit.symmetry import concretize, reduction, reductions

PROGRESS_EVERY_S = 0.5
MAX_DEADLOCK_EXAMPLES = 3
BUDGET = 50_000
"""Expansions between two looks at the clock."""
START = 1 << 12
CHUNK = 1 << 16
"""States whose stubborn sets are grown again at a time, for the certificate."""


class OutOfMemory(Exception):
    """The next growth of the state arrays would pass the memory limit."""


class Bfs:
    """One exhaustive search; stops at the first state bad for ``prop`` (if given)."""

    def __init__(self, model: Model, prop: Property | None, options: Options,
                 vacuity: bool | None = None, partial_order: bool = False):
        self.model = model
        self.prop = prop
        self.options = options
        self.memory_bytes = options.memory_bytes
        self.vacuity = prop is None if vacuity is None else vacuity
        """Whether to find which properties and sites are ever true: what ``explore`` (and
        the vacuity job) reports; a check needs only its own property."""
        watched = [] if prop is None else [prop.bad, prop.state_bad]
        self.vacuity_keys: list[tuple] = []
        vacuity = []
        for p in model.properties if self.vacuity else ():
            if p is not prop:
                self.vacuity_keys.append(("bad", p.name))
                vacuity.append(p.bad)
            for i, site in enumerate(p.sites):
                self.vacuity_keys.append(("site", p.name, i))
                vacuity.append(site.when)
        self.program: Program = compile_model(model, watched + vacuity)
        self.machine = Machine(self.program)
        self.layout = self.program.layout
        looked_at = list(model.properties) if self.vacuity else [] if prop is None else [prop]
        symmetric, self.por = reductions(options.reduction)
        self.por = self.por and partial_order and prop is not None and not self.vacuity
        """Whether states expand stubborn sets only: asked for (``partial_order``) by a
        check that needs no more than the property's verdict (not by houdini, which reads
        every reachable state, nor by a vacuity search, which needs every site's and
        action's)."""
        self.reduction = reduction(model, looked_at, self.layout, "symmetry" if symmetric else "none",
                                   fix_initial=self.vacuity)
        """The symmetry group the states are stored up to (the identity alone: none)."""
        self.stubborn: Tables = tables(model, prop if self.por else None, analyse=self.por)
        W = self.program.words
        self.states = np.zeros((START, W), dtype=np.uint64)
        self.ample = np.full(START, -1, dtype=np.int32)
        """Per stored state: the seed of the stubborn set it was expanded with (-1: all)."""
        actions = max(1, len(model.actions))
        self.take, self.stab = np.zeros(actions, dtype=np.bool_), np.zeros(actions, dtype=np.int64)
        self.table = np.zeros(2 * START, dtype=np.int32)
        self.levels = np.zeros(1024, dtype=np.int64)
        self.ctr = np.zeros(kernel.CTR_SIZE, dtype=np.int64)
        self.ctr[kernel.FOUND] = -1
        first = len(watched)
        self.pending = np.arange(first, first + len(vacuity), dtype=np.int64)
        self.ctr[kernel.NPENDING] = len(vacuity)
        self.hits = np.zeros(max(1, first + len(vacuity)), dtype=np.int64)
        self.enabled = np.zeros(max(1, len(model.actions)), dtype=np.int64)
        self.dead = np.zeros(MAX_DEADLOCK_EXAMPLES, dtype=np.int64)
        self.bad, self.state_bad = (0, 1) if prop is not None else (-1, -1)
        self.stopped = ""
        self.time_s = 0.0
        self.explored_depth = 0

    # ----------------------------------------------------------------- running

    def run(self) -> "Bfs":
        start = time.monotonic()
        try:
            self._initial()
            if self.found is None:
                self._loop(start)
        except semantics.EvaluationError as error:
            self.stopped = f"evaluation error: {error}"
        except OutOfMemory as error:
            self.stopped = f"memory: {error}"
        self.time_s = time.monotonic() - start
        return self

    def _initial(self) -> None:
        ctr = self.ctr
        for state in semantics.initial_states(self.model):
            if ctr[kernel.COUNT] + 1 > self.states.shape[0] // 2:
                self._grow()
            row, orbit = self.reduction.canonical(self.layout.pack(state), self.program)
            index, new = kernel.insert(self.states, self.table, ctr[kernel.COUNT], row)
            if not new:
                continue
            ctr[kernel.COUNT] += 1
            ctr[kernel.REPRESENTED] += orbit
            self._vacuity_initial(row)
            if self.bad >= 0 and self.machine.holds(self.bad, row):
                shortest = self.machine.holds(self.state_bad, row)
                if ctr[kernel.FOUND] < 0 or shortest:
                    ctr[kernel.FOUND] = index
                if shortest:
                    break
        ctr[kernel.LEVEL_END] = ctr[kernel.COUNT]
        if self.found is not None:
            self.stopped = "violation"

    def _vacuity_initial(self, row: np.ndarray) -> None:
        ctr = self.ctr
        j = 0
        while j < ctr[kernel.NPENDING]:
            k = self.pending[j]
            if self.machine.holds(int(k), row):
                self.hits[k] = 1
                ctr[kernel.NPENDING] -= 1
                self.pending[j] = self.pending[ctr[kernel.NPENDING]]
            else:
                j += 1

    def _loop(self, start: float) -> None:
        options, m = self.options, self.machine
        deadline = None if options.timeout_s is None else start + options.timeout_s
        next_progress = start + PROGRESS_EVERY_S
        while True:
            status = kernel.advance(
                self.states, self.table, self.ctr, BUDGET, self.levels, *self.program.predicate_args(),
                self.bad, self.state_bad, self.pending, self.hits, self.enabled, self.dead,
                *m.args, m.out, m.acts, m.stack, m.vals, m.slots, m.err, *self.reduction.args(),
                self.por, self.ample, self.take, self.stab, *self.stubborn.args())
            if status == kernel.GROW:
                self._grow()
            elif status == kernel.ERROR:
                raise_error(self.program, m.err)
            elif status == kernel.DONE:
                self.explored_depth = int(self.ctr[kernel.DEPTH]) + 1
                return
            elif status == kernel.FOUND_BAD:
                self.stopped = "violation"
                self.explored_depth = int(self.ctr[kernel.DEPTH])
                return
            now = time.monotonic()
            if deadline is not None and now >= deadline:
                self.stopped = "timeout"
                self.explored_depth = int(self.ctr[kernel.DEPTH])
                return
            if options.progress is not None and now >= next_progress:
                next_progress = now + PROGRESS_EVERY_S
                count = int(self.ctr[kernel.COUNT])
                options.progress({"states": count, "states_per_s": count / max(now - start, 1e-9),
                                  "depth": int(self.ctr[kernel.DEPTH])})

    def _grow(self) -> None:
        count = int(self.ctr[kernel.COUNT])
        capacity = 2 * self.states.shape[0]
        # the grown arrays (states, and the hash table at 8 bytes a state, the stubborn
        # set's seed at 4), and as much again for the states when the gate sorts a copy of
        # them to re-check the search
        need = capacity * (16 * self.program.words + 12)
        if self.memory_bytes is not None and need > self.memory_bytes:
            raise OutOfMemory(f"{count:,} states found; {capacity:,} would need {need >> 20:,} MiB, "
                              f"over the limit of {self.memory_bytes >> 20:,} MiB")
        states = np.zeros((capacity, self.program.words), dtype=np.uint64)
        states[:count] = self.states[:count]
        self.states = states
        ample = np.full(capacity, -1, dtype=np.int32)
        ample[:count] = self.ample[:count]
        self.ample = ample
        self.table = np.zeros(2 * capacity, dtype=np.int32)
        kernel.rehash(self.states, count, self.table)
        if self.ctr[kernel.DEPTH] + 2 >= self.levels.shape[0]:
            self.levels = np.concatenate([self.levels, np.zeros_like(self.levels)])

    # ----------------------------------------------------------------- results

    @property
    def count(self) -> int:
        return int(self.ctr[kernel.COUNT])

    @property
    def represented(self) -> int:
        """The states the stored ones stand for: the sum of their orbits' sizes (the count
        itself without reduction)."""
        return int(self.ctr[kernel.REPRESENTED])

    @property
    def expanded(self) -> int:
        return int(self.ctr[kernel.EXPANDED])

    @property
    def transitions(self) -> int:
        return int(self.ctr[kernel.TRANSITIONS])

    @property
    def deadlocks(self) -> int:
        return int(self.ctr[kernel.DEADLOCKS])

    @property
    def deadlock_examples(self) -> list[int]:
        return [int(i) for i in self.dead[:min(self.deadlocks, len(self.dead))]]

    @property
    def bytes_per_state(self) -> float:
        """Bytes of the state array, the hash table and the seeds per state found."""
        used = self.states.nbytes + self.table.nbytes + (self.ample.nbytes if self.por else 0)
        return used / max(self.count, 1)

    def words(self) -> np.ndarray:
        """The states found, packed, in BFS order (a view: the search is over)."""
        return self.states[:self.count]

    @property
    def reduced(self) -> int:
        """States expanded with a stubborn set smaller than their enabled actions."""
        return int((self.ample[:self.count] >= 0).sum())

    def ample_sets(self) -> tuple[np.ndarray, tuple[tuple[int, ...], ...]]:
        """The stubborn set of each state (an index into the sets, -1: expanded fully) and
        the distinct sets, as the certificate carries them for the gate to re-check."""
        seeds = self.ample[:self.count]
        ids = np.full(self.count, -1, dtype=np.int64)
        sets: dict[bytes, int] = {}
        m, t = self.machine, self.stubborn
        words = (max(1, len(self.model.actions)) + 63) // 64
        for start in range(0, self.count, CHUNK):
            end = min(self.count, start + CHUNK)
            bits = np.zeros((end - start, words), dtype=np.uint64)
            kernel.stubborn_sets(self.states[start:end], seeds[start:end], bits, *m.args, m.out, m.acts,
                                 m.stack, m.vals, m.slots, m.err, *t.args())
            for i in np.flatnonzero(seeds[start:end] >= 0):
                ids[start + i] = sets.setdefault(bits[i].tobytes(), len(sets))
        members = [tuple(int(a) for a in np.flatnonzero(np.unpackbits(
            np.frombuffer(key, dtype=np.uint8), bitorder="little"))) for key in sets]
        return ids, tuple(members)

    @property
    def found(self) -> int | None:
        found = int(self.ctr[kernel.FOUND])
        return None if found < 0 else found

    def _starts(self) -> list[int]:
        """Where each level starts, the next (maybe partial) one included, then the end."""
        depth = int(self.ctr[kernel.DEPTH])
        return [int(x) for x in self.levels[:depth + 1]] + [int(self.ctr[kernel.LEVEL_END]), self.count]

    def per_depth(self) -> tuple[int, ...]:
        starts = self._starts()
        return tuple(e - s for s, e in zip(starts, starts[1:]) if e > s)

    def hit(self, key: tuple) -> bool:
        if self.prop is not None and key == ("bad", self.prop.name):
            return self.found is not None
        return bool(self.hits[self.vacuity_keys.index(key) + (2 if self.prop is not None else 0)])

    def unpacked(self, index: int) -> tuple[int, ...]:
        return self.layout.unpack(self.states[index])

    def path(self, index: int) -> tuple[tuple[int, ...], list[int]]:
        """The initial state and the actions of a shortest run to state ``index`` (with
        symmetry: a run of the model to a state whose image is state ``index``)."""
        m = self.machine
        levels = self._starts()
        depth = max(d for d in range(len(levels) - 1) if levels[d] <= index < levels[d + 1])
        actions: list[int] = []
        visited = [index]
        target = index
        for d in range(depth, 0, -1):
            at, action = kernel.parent(self.states, levels[d - 1], levels[d], self.states[target].copy(),
                                       *m.args, m.out, m.acts, m.stack, m.vals, m.slots, m.err,
                                       *self.reduction.args())
            assert at >= 0, "a state of a level has a parent in the level before"
            actions.append(int(action))
            target = int(at)
            visited.append(target)
        actions.reverse()
        if self.reduction.size > 1:
            return concretize(self.model, m, self.reduction, [self.states[i] for i in reversed(visited)])
        return self.unpacked(target), actions
