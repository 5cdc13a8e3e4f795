"""Engines as the tests read them: every claim through the trust gate, as in a real run.

``checked(bmc.check, model, prop, Options(bound=5))`` runs the engine (with any keyword
arguments it takes for measurements), judges its claim and fills in the printed evidence
(``explorer.app.jobs.judged``), so a test sees exactly the outcome a user would:
``Violated`` with a replayed trace, ``Proved`` with a re-checked certificate, or
``Unknown`` when the gate refused the claim (``.claim`` keeps what the engine said).
"""

from __future__ import annotations

from explorer.app.jobs import Decided, judged
from explorer.engines import Options


def checked(engine, model, prop, options: Options = Options(), **kwargs) -> Decided:
    return judged(model, prop, engine(model, prop, options, **kwargs), options.timeout_s)
