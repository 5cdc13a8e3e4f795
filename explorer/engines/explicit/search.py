"""Breadth-first search over packed states, with parent links and vacuity bookkeeping.

States are explored level by level with the compiled semantics
(``explorer.semantics.Compiled``), so the first bad state found is at the smallest depth
and its parent links give a shortest run.  A state whose badness is only a forbidden
*step* (an assertion, an event) makes a trace one step longer than its level, so a state
bad in itself found later on the same level is preferred.

Besides the verdict, a search records what a spec writer needs to trust a proof:
reachable states per depth, deadlocks, actions never enabled, and per property whether
its bad predicate is ever true and which of its step sites are ever enabled.
"""

from __future__ import annotations

import time
from typing import Callable

from explorer import semantics
from explorer.engines.base import Options
from explorer.ir import Model, Property

PROGRESS_EVERY_S = 0.5
MAX_DEADLOCK_EXAMPLES = 3
CHECK_EVERY = 256
"""States expanded between two looks at the clock."""


class Stop(Exception):
    """The search ends early; ``Search.stopped`` says why."""


class Search:
    """One breadth-first search; stops at the first state bad for ``prop`` (if given)."""

    def __init__(self, model: Model, fast: semantics.Compiled, prop: Property | None,
                 options: Options):
        self.model = model
        self.fast = fast
        self.prop = prop
        self.options = options
        self.parent: dict[int, int] = {}
        """Per state: ``(parent state << abits) | action position``, -1 for an initial state."""
        self.abits = max(1, len(model.actions).bit_length())
        self.per_depth: list[int] = []
        self.transitions = self.expanded = self.deadlocks = 0
        self.deadlock_examples: list[int] = []
        self.enabled = bytearray(len(model.actions))
        self.found: int | None = None
        self.stopped = ""
        self.explored_depth = 0
        """Every state at depth <= explored_depth has been found and checked."""
        self.time_s = 0.0
        self.stop = fast.bad(prop) if prop is not None else None
        self.state_bad = fast.predicate(prop.state_bad) if prop is not None else None
        self.hits: dict[tuple, bool] = {}
        self.pending: list[tuple[tuple, Callable[[int], bool]]] = []
        """Vacuity predicates not yet seen true (dropped once they are)."""
        for p in model.properties:
            if p is not prop:
                self.pending.append((("bad", p.name), fast.bad(p)))
            for i, site in enumerate(p.sites):
                self.pending.append((("site", p.name, i), fast.predicate(site.when)))
        for key, _ in self.pending:
            self.hits[key] = False
        if prop is not None:
            self.hits[("bad", prop.name)] = False

    # ----------------------------------------------------------------- running

    def run(self) -> "Search":
        start = time.monotonic()
        self._deadline = None if self.options.timeout_s is None else start + self.options.timeout_s
        self._start = start
        self._next_progress = start + PROGRESS_EVERY_S
        try:
            frontier = self._initial()
            depth = 0
            while frontier:
                frontier = self._level(frontier, depth)
                depth += 1
                if frontier:
                    self.per_depth.append(len(frontier))
            self.explored_depth = depth
        except Stop:
            pass
        except semantics.EvaluationError as error:
            self.stopped = f"evaluation error: {error}"
        finally:
            self.time_s = time.monotonic() - start
        return self

    def _initial(self) -> list[int]:
        frontier: list[int] = []
        for s in self.fast.initial():
            if s in self.parent:
                continue
            self.parent[s] = -1
            frontier.append(s)
            if self._bad(s) and self._take(s):
                break
        self.per_depth.append(len(frontier))
        if self.found is not None:
            self.stopped = "violation"
            raise Stop
        return frontier

    def _level(self, frontier: list[int], depth: int) -> list[int]:
        """The states first found from ``frontier`` (the states at ``depth``)."""
        nxt: list[int] = []
        for s in frontier:
            if self.expanded % CHECK_EVERY == 0:
                self._clock(depth)
            if self._expand(s, nxt):
                self._stop_violation(len(nxt), depth)
        if self.found is not None:
            # a forbidden step at this level; no state at it is bad in itself
            self._stop_violation(len(nxt), depth)
        return nxt

    def _expand(self, s: int, nxt: list[int]) -> bool:
        """Add the new successors of ``s`` to ``nxt``; True for a shortest violation."""
        succ = self.fast.successors(s)
        self.expanded += 1
        if not succ:
            self.deadlocks += 1
            if len(self.deadlock_examples) < MAX_DEADLOCK_EXAMPLES:
                self.deadlock_examples.append(s)
            return False
        self.transitions += len(succ)
        parent, enabled, abits = self.parent, self.enabled, self.abits
        watch = bool(self.pending) or self.stop is not None
        for a, t in succ:
            enabled[a] = 1
            if t in parent:
                continue
            parent[t] = (s << abits) | a
            nxt.append(t)
            if watch and self._bad(t) and self._take(t):
                return True
        return False

    def _stop_violation(self, level_size: int, depth: int) -> None:
        self.per_depth.append(level_size)
        self.stopped = "violation"
        self.explored_depth = depth
        raise Stop

    def _clock(self, depth: int) -> None:
        now = time.monotonic()
        if self._deadline is not None and now >= self._deadline:
            self.stopped = "timeout"
            self.explored_depth = depth
            raise Stop
        progress = self.options.progress
        if progress is not None and now >= self._next_progress:
            self._next_progress = now + PROGRESS_EVERY_S
            progress({"states": len(self.parent),
                      "states_per_s": len(self.parent) / max(now - self._start, 1e-9),
                      "depth": depth})

    # ----------------------------------------------------------------- states

    def _bad(self, t: int) -> bool:
        """Vacuity bookkeeping for a new state; True if it is bad for the property."""
        pending = self.pending
        if pending:
            done = [key for key, pred in pending if pred(t)]
            if done:
                for key in done:
                    self.hits[key] = True
                self.pending = [(k, p) for k, p in pending if not self.hits[k]]
        if self.stop is not None and self.stop(t):
            self.hits[("bad", self.prop.name)] = True  # type: ignore[union-attr]
            return True
        return False

    def _take(self, t: int) -> bool:
        """Record the bad state ``t`` unless a better one is recorded; True if it is a
        shortest counterexample (no shorter one is possible at its level)."""
        shortest = self.state_bad is not None and self.state_bad(t)
        if self.found is None or shortest:
            self.found = t
        return shortest

    def path(self, state: int) -> tuple[int, list[int]]:
        """The initial state and the action positions leading to ``state``."""
        actions: list[int] = []
        amask = (1 << self.abits) - 1
        while True:
            link = self.parent[state]
            if link == -1:
                actions.reverse()
                return state, actions
            actions.append(link & amask)
            state = link >> self.abits
