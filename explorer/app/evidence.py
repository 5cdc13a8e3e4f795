"""A checked proof's evidence in the spec's own words: the invariant the gate checked,
printed one conjunct per line (engines and the gate never print)."""

from __future__ import annotations

from dataclasses import replace

from explorer.ir import Model
from explorer.lang.printer import show_lines
from explorer.trust import Judgement
from explorer.verdict import Outcome, Proved


def present(model: Model, judgement: Judgement) -> Outcome:
    """The judged outcome, with an invariant proof's certificate text filled in."""
    outcome = judgement.outcome
    if not isinstance(outcome, Proved) or outcome.certificate.kind != "invariant":
        return outcome
    if judgement.readable is None:  # no IR form: the engine's own formula
        text = outcome.certificate.smt2
    else:
        text = show_lines(judgement.readable, model) or "true"
    return replace(outcome, certificate=replace(outcome.certificate, text=text))
