"""Machine-readable results (``--json``).

Schema ``docs/schemas/check.schema.json`` (kind ``explorer.check``, version 2), keys
always present and always in this order::

    {"kind": "explorer.check", "version": 3,
     "results": [{"spec", "variant", "property", "kind", "verdict", "bound", "depth",
                  "engine", "time_s", "trace", "start_owners", "no_return",
                  "no_return_note", "certificate", "warnings"}],
     "warnings": [{"file", "line", "column", "property", "message", "variants"}]}

``trace`` is a list of steps ``{"step", "cpu", "context", "chain", "statement",
"location", "citation", "changes": [{"var", "from", "to"}], "violation", "owners":
[{"owner", "places"}], "notes": [{"kind", "text", "property"}]}`` (empty when there is no
counterexample or witness; ``owners`` and ``notes`` point at the cause, see
``semantics.causes`` and ``semantics.doom``), with ``start_owners`` (where each owner's data
is at the start), ``no_return`` (the step after which every run ends in the violation, 0
for the initial state, null if not computed) and ``no_return_note`` (why not) beside it;
version 2 had no owners, notes nor point of no return; the values of ``changes`` are typed as in ITF
(integers as numbers, booleans, enum members as strings; version 1 had strings).
``certificate`` is ``{"method", "kind", "text", "k", "checked"}`` for a proof, else null.
For an unknown verdict the reason is the last entry of its ``warnings``, as ``unknown:
<reason>``.  The top-level ``warnings`` are those of the whole run, each once (see
``report.warnings``): ``file``/``line``/``column`` are null for a warning that points at
no single spec line.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Iterable, Sequence

from explorer.report.phrases import matrix_cell
from explorer.report.warnings import Warning, grouped
from explorer.verdict import Proved, Trace, TraceStep, Unknown, Value, Verdict, Violated

SCHEMA_VERSION = 3
CHECK_KIND = "explorer.check"
REPORT_KIND = "explorer.report"

if TYPE_CHECKING:
    from explorer.report.inputs import ReportInput


def typed(shown: str) -> Value:
    """A displayed value as ITF types it: ``true``/``false``, an integer, else a string."""
    if shown in ("true", "false"):
        return shown == "true"
    try:
        return int(shown)
    except ValueError:
        return shown


def typed_changes(trace: Trace | None, position: int, step: TraceStep) -> list[dict[str, Any]]:
    """The changes of step ``position`` (from 1) with typed values: taken from the
    trace's states where it has them, else read from the displayed text."""
    names = {e.name: i for i, e in enumerate(trace.elements)} if trace is not None else {}
    states = trace.states if trace is not None else ()
    out = []
    for name, old, new in step.changes:
        slot = names.get(name)
        if slot is not None and position < len(states):
            before, after = states[position - 1][slot], states[position][slot]
        else:
            before, after = typed(old), typed(new)
        out.append({"var": name, "from": before, "to": after})
    return out


def step_dict(position: int, step: TraceStep, trace: Trace | None = None) -> dict[str, Any]:
    return {
        "step": position,
        "cpu": step.cpu,
        "context": step.context,
        "chain": list(step.chain),
        "statement": step.statement,
        "location": step.location,
        "citation": step.citation,
        "changes": typed_changes(trace, position, step),
        "violation": step.violation,
        "owners": owners_list(step.owners),
        "notes": [{"kind": n.kind, "text": n.text, "property": n.property} for n in step.notes],
    }


def owners_list(owners) -> list[dict[str, Any]]:
    """``[{"owner", "places"}]``: where each owner's data is."""
    return [{"owner": owner, "places": list(places)} for owner, places in owners]


def trace_list(trace: Trace) -> list[dict[str, Any]]:
    """The steps of ``trace``, numbered from 1."""
    return [step_dict(i + 1, s, trace) for i, s in enumerate(trace.steps)]


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
    traced = isinstance(outcome, Violated)
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
        "trace": trace_list(outcome.trace) if traced else [],
        "start_owners": owners_list(outcome.trace.owners) if traced else [],
        "no_return": outcome.trace.no_return if traced else None,
        "no_return_note": outcome.trace.no_return_note if traced else "",
        "certificate": certificate_dict(verdict),
        "warnings": warnings,
    }


def warning_dict(warning: Warning) -> dict[str, Any]:
    return {"file": warning.file, "line": warning.line, "column": warning.column,
            "property": warning.about, "message": warning.message if warning.file else warning.text,
            "variants": list(warning.variants)}


def results_dict(verdicts: Iterable[Verdict], timings: bool = True,
                 notes: Sequence[tuple[str, str]] = (), kind: str = CHECK_KIND) -> dict[str, Any]:
    """``{"kind": "explorer.check", "version": 3, "results": [...], "warnings": [...]}``;
    ``notes`` are (variant, text) about a spec as a whole."""
    verdicts = list(verdicts)
    items = [(v.variant, v.property, w) for v in verdicts for w in v.warnings]
    items += [(variant, None, note) for variant, note in notes]
    return {"kind": kind, "version": SCHEMA_VERSION,
            "results": [result_dict(v, timings) for v in verdicts],
            "warnings": [warning_dict(w) for w in grouped(items)]}


def results_json(verdicts: Iterable[Verdict], indent: int | None = 2,
                 notes: Sequence[tuple[str, str]] = ()) -> str:
    """The JSON text, UTF-8 characters kept, ending in a newline."""
    return json.dumps(results_dict(verdicts, notes=notes), indent=indent, ensure_ascii=False) + "\n"


def report_dict(report: "ReportInput") -> dict[str, Any]:
    """A variant's proof report as plain data: the ``results`` of ``results_dict`` (same
    schema) and, under ``report``, what the Markdown and HTML reports show besides::

        {"kind": "explorer.report", "version": 3, "results": [...], "warnings": [...],
         "report": {"variant", "spec", "description",
          "base", "base_spec", "replaces", "adds", "removes", "patch": [{"function", "diff"}],
          "settings", "notes",
          "flips": [{"property", "base", "variant"}],
          "model": {"state_variables": [{"name", "sort", "scope"}], "actions", "elements",
                    "parameters": {name: value}, "interleavings"},
          "reproducibility": {"explorer", "z3", "python", "platform", "seed",
                              "command_line", "spec_hashes": {path: sha256}}}}

    Without ``report.timings`` every ``time_s`` is null and ``platform`` is empty."""
    m, r = report.model, report.reproducibility
    out = results_dict(report.verdicts, report.timings,
                       [(report.variant, note) for note in report.notes], kind=REPORT_KIND)
    out["report"] = {
        "variant": report.variant,
        "spec": report.spec,
        "description": report.description,
        "base": report.base,
        "base_spec": report.base_spec,
        "replaces": list(report.replaces),
        "adds": list(report.adds),
        "removes": list(report.removes),
        "patch": [{"function": name, "diff": diff} for name, diff in report.patch],
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
