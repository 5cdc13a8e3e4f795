"""Machine-readable results (``--json``).

Schema (version 1), keys always present and always in this order::

    {"version": 1, "results": [{"spec", "variant", "property", "kind", "verdict", "bound",
      "depth", "engine", "time_s", "trace", "certificate", "warnings"}]}

``trace`` is a list of steps ``{"step", "cpu", "context", "chain", "statement",
"location", "citation", "changes": [{"var", "from", "to"}], "violation"}`` (empty when
there is no counterexample or witness); ``certificate`` is ``{"method", "kind", "text",
"k", "checked"}`` for a proof, else null.  For an unknown verdict the reason is the last
entry of ``warnings``, as ``unknown: <reason>``.
"""

from __future__ import annotations

import json
from typing import Any, Iterable

from explorer.verdict import Proved, Trace, TraceStep, Unknown, Verdict, Violated

SCHEMA_VERSION = 1


def step_dict(position: int, step: TraceStep) -> dict[str, Any]:
    return {
        "step": position,
        "cpu": step.cpu,
        "context": step.context,
        "chain": list(step.chain),
        "statement": step.statement,
        "location": step.location,
        "citation": step.citation,
        "changes": [{"var": n, "from": a, "to": b} for n, a, b in step.changes],
        "violation": step.violation,
    }


def trace_list(trace: Trace) -> list[dict[str, Any]]:
    """The steps of ``trace``, numbered from 1."""
    return [step_dict(i + 1, s) for i, s in enumerate(trace.steps)]


def certificate_dict(verdict: Verdict) -> dict[str, Any] | None:
    outcome = verdict.outcome
    if not isinstance(outcome, Proved):
        return None
    cert = outcome.certificate
    return {
        "method": outcome.method,
        "kind": cert.kind,
        "text": cert.text,
        "k": cert.k,
        "checked": cert.checked,
    }


def result_dict(verdict: Verdict) -> dict[str, Any]:
    """One entry of ``results``."""
    outcome = verdict.outcome
    warnings = list(verdict.warnings)
    if isinstance(outcome, Unknown):
        warnings.append(f"unknown: {outcome.reason}")
    return {
        "spec": verdict.spec,
        "variant": verdict.variant,
        "property": verdict.property,
        "kind": verdict.kind,
        "verdict": verdict.name,
        "bound": verdict.bound,
        "depth": verdict.depth,
        "engine": verdict.engine,
        "time_s": round(float(verdict.time_s), 3),
        "trace": trace_list(outcome.trace) if isinstance(outcome, Violated) else [],
        "certificate": certificate_dict(verdict),
        "warnings": warnings,
    }


def results_dict(verdicts: Iterable[Verdict]) -> dict[str, Any]:
    """``{"version": 1, "results": [...]}``."""
    return {"version": SCHEMA_VERSION, "results": [result_dict(v) for v in verdicts]}


def results_json(verdicts: Iterable[Verdict], indent: int | None = 2) -> str:
    """The JSON text, UTF-8 characters kept, ending in a newline."""
    return json.dumps(results_dict(verdicts), indent=indent, ensure_ascii=False) + "\n"
