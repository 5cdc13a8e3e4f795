"""Verdicts as short phrases: what the table, the matrix and every report say of one.

``verdict_text`` (``VIOLATED at depth 7``, ``VIOLATED at depth 31, deeper than --bound
20``, ``proved (explicit, 1167 states, checked)``)
and ``matrix_cell`` (``✗ depth 7``, ``✓ proved``): plain text from plain data, used by
every renderer, so the words are the same in the terminal and in a report.
"""

from __future__ import annotations

from explorer.verdict import HoldsUpTo, Proved, Unknown, Verdict, Violated

STATE_COUNT_KEYS = ("states", "reachable_states", "distinct_states")


def state_count(verdict: Verdict) -> int | None:
    """The number of states an explicit search visited, if the engine recorded it."""
    for key in STATE_COUNT_KEYS:
        value = verdict.stats.get(key)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    return None


def proof_text(verdict: Verdict) -> str:
    """What backs a proof: ``pdr, invariant checked``, ``k-induction, k=4, checked``,
    ``explicit, 1234 states``."""
    outcome = verdict.outcome
    assert isinstance(outcome, Proved)
    cert = outcome.certificate
    checked = "checked" if cert.checked else "unchecked"
    if outcome.method == "explicit" or cert.kind in ("explicit", "exhaustive"):
        count = state_count(verdict)
        states = f"{count} states" if count is not None else "exhaustive"
        reduction = verdict.stats.get("reduction", "none")
        if reduction == "symmetry" and count is not None:
            states = f"{count} states (symmetry-reduced), {verdict.stats.get('represented')} represented"
        elif reduction in ("por", "all") and count is not None:  # the states left out are not counted
            kind = "partial-order-reduced" if reduction == "por" else "symmetry- and partial-order-reduced"
            states = f"{count} states ({kind})"
        return f"explicit, {states}, {checked}"
    if cert.kind == "k-induction":
        k = f"k={cert.k}, " if cert.k is not None else ""
        return f"{outcome.method}, {k}{checked}"
    return f"{outcome.method}, {cert.kind} {checked}"


def verdict_text(verdict: Verdict) -> str:
    """The verdict as a phrase: ``VIOLATED at depth 7``, ``holds up to bound 20``,
    ``proved (pdr, invariant checked)``, ``unknown (timeout after 5 s; holds up to 12)``;
    for a reach goal ``reached at depth 9``, ``unreached up to bound 20``,
    ``unreachable (proved)``."""
    outcome = verdict.outcome
    reach = verdict.kind == "reach"
    if verdict.vacuous:
        return f"VACUOUS: {verdict.vacuity}"
    if isinstance(outcome, Violated):
        text = f"reached at depth {outcome.depth}" if reach else f"VIOLATED at depth {outcome.depth}"
        if outcome.depth > verdict.bound:
            text += f", deeper than --bound {verdict.bound}"
        return text
    if isinstance(outcome, HoldsUpTo):
        return f"unreached up to bound {outcome.bound}" if reach else f"holds up to bound {outcome.bound}"
    if isinstance(outcome, Proved):
        return "unreachable (proved)" if reach else f"proved ({proof_text(verdict)})"
    assert isinstance(outcome, Unknown)
    if outcome.bound > 0:
        held = "unreached up to" if reach else "holds up to"
        return f"unknown ({outcome.reason}; {held} {outcome.bound})"
    return f"unknown ({outcome.reason})"


def matrix_cell(verdict: Verdict | None, with_time: bool = False) -> str:
    """``✗ depth 7``, ``✓ proved``, ``✓ ≤ 20``, ``? unknown``, ``? vacuous``; for a reach goal
    ``✓ reached at 9``, ``✗ unreached ≤ 20``, ``✗ unreachable``.  ``with_time`` appends
    `` (0.42 s)``.  An absent verdict is the empty string."""
    if verdict is None:
        return ""
    outcome = verdict.outcome
    reach = verdict.kind == "reach"
    if verdict.vacuous:
        text = "? vacuous"
    elif isinstance(outcome, Violated):
        text = f"✓ reached at {outcome.depth}" if reach else f"✗ depth {outcome.depth}"
    elif isinstance(outcome, HoldsUpTo):
        text = f"✗ unreached ≤ {outcome.bound}" if reach else f"✓ ≤ {outcome.bound}"
    elif isinstance(outcome, Proved):
        text = "✗ unreachable" if reach else "✓ proved"
    else:
        text = "? unknown"
    if with_time:
        text += f" ({verdict.time_s:.2f} s)"
    return text
