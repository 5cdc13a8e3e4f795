"""Orchestration: what the commands do, as functions of plain options.

``run.check_specs`` is the one way checks run (jobs, one process pool, one error policy,
one timeout); ``portfolio`` is ``--engine auto``; ``vacuity`` finds properties that hold
because nothing happens; ``reports`` and ``report_inputs`` make the proof reports;
``specs`` finds and loads specs; ``explore`` gives state-space statistics.
"""

from explorer.app.portfolio import AUTO
from explorer.engines.explicit.symmetry import REDUCTIONS
from explorer.engines.registry import NAMES

ENGINE_NAMES: tuple[str, ...] = (AUTO, *NAMES)
"""What ``--engine`` takes."""

REDUCTION_NAMES: tuple[str, ...] = REDUCTIONS
"""What ``--reduction`` takes."""
