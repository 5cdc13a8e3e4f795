"""``explorer explore``: the state-space statistics of one spec, by exhaustive search."""

from __future__ import annotations

from typing import Callable

from explorer.app.pool import default_memory
from explorer.engines.base import Options
from explorer.engines.explicit import ExploreResult, explore
from explorer.lang import Spec


def explore_spec(spec: Spec, timeout_s: float | None,
                 progress: Callable[[dict], None] | None = None,
                 memory_bytes: int | None = None, reduction: str = "symmetry") -> ExploreResult:
    """The statistics of ``spec``'s whole state space (``memory_bytes`` None: most of the
    machine)."""
    memory = memory_bytes or default_memory(1)
    return explore(spec.model, Options(timeout_s=timeout_s, progress=progress, memory_bytes=memory,
                                        reduction=reduction))
