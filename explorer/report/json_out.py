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
from typing import TYPE_CHECKING, Any, Iterable

from explorer.report.phrases import matrix_cell
from explorer.verdict import Proved, Trace, TraceStep, Unknown, Verdict, Violated

SCHEMA_VERSION = 1

if TYPE_CHECKING:
    from explorer.report.inputs import ReportInput


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


def result_dict(verdict: Verdict, timings: bool = True) -> dict[str, Any]:
    """One entry of ``results``; ``time_s`` is null without ``timings``."""
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
        "time_s": round(float(verdict.time_s), 3) if timings else None,
        "trace": trace_list(outcome.trace) if isinstance(outcome, Violated) else [],
        "certificate": certificate_dict(verdict),
        "warnings": warnings,
    }


def results_dict(verdicts: Iterable[Verdict], timings: bool = True) -> dict[str, Any]:
    """``{"version": 1, "results": [...]}``."""
    return {"version": SCHEMA_VERSION, "results": [result_dict(v, timings) for v in verdicts]}


def results_json(verdicts: Iterable[Verdict], indent: int | None = 2) -> str:
    """The JSON text, UTF-8 characters kept, ending in a newline."""
    return json.dumps(results_dict(verdicts), indent=indent, ensure_ascii=False) + "\n"


def report_dict(report: "ReportInput") -> dict[str, Any]:
    """A variant's proof report as plain data: the ``results`` of ``results_dict`` (same
    schema) and, under ``report``, what the Markdown and HTML reports show besides::

        {"version": 1, "results": [...], "report": {"variant", "spec", "description",
          "base", "base_spec", "replaces", "adds", "settings", "notes",
          "flips": [{"property", "base", "variant"}],
          "model": {"state_variables": [{"name", "sort", "scope"}], "actions", "elements",
                    "parameters": {name: value}, "interleavings"},
          "reproducibility": {"explorer", "z3", "python", "platform", "seed",
                              "command_line", "spec_hashes": {path: sha256}}}}

    Without ``report.timings`` every ``time_s`` is null and ``platform`` is empty."""
    m, r = report.model, report.reproducibility
    out = results_dict(report.verdicts, report.timings)
    out["report"] = {
        "variant": report.variant,
        "spec": report.spec,
        "description": report.description,
        "base": report.base,
        "base_spec": report.base_spec,
        "replaces": list(report.replaces),
        "adds": list(report.adds),
        "settings": report.settings,
        "notes": list(report.notes),
        "flips": [{"property": f.property, "base": matrix_cell(f.base), "variant": matrix_cell(f.variant)}
                  for f in report.flips],
        "model": {
            "state_variables": [{"name": v.name, "sort": v.sort, "scope": v.scope}
                                for v in m.state_variables if not v.hidden],
            "actions": m.actions,
            "elements": m.elements,
            "parameters": dict(m.parameters),
            "interleavings": list(m.interleavings),
        },
        "reproducibility": {
            "explorer": r.explorer_version,
            "z3": r.z3_version,
            "python": r.python_version,
            "platform": r.platform,
            "seed": r.seed,
            "command_line": r.command_line,
            "spec_hashes": dict(r.spec_hashes),
        },
    }
    return out


def report_json(report: "ReportInput", indent: int | None = 2) -> str:
    """``report_dict`` as JSON text ending in a newline."""
    return json.dumps(report_dict(report), indent=indent, ensure_ascii=False) + "\n"
