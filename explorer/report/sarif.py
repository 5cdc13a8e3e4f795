"""Counterexamples as SARIF 2.1.0 (``check --sarif FILE``), for code-review tools.

One result per property that fails (a violated property, an unreached reach goal), its
rule the property; the location is the spec line of the violating step, and the
counterexample is a code flow with one thread flow per CPU and context (``cpu0/vcpu``,
``cpu0/sched``), each step a thread-flow location at its spec line with its global step
number as ``executionOrder``.  https://docs.oasis-open.org/sarif/sarif/v2.1.0/
"""

from __future__ import annotations

import json
import re
from typing import Any, Iterable

from explorer.report.phrases import verdict_text
from explorer.report.text import changes_text
from explorer.report.warnings import normalise_path
from explorer.verdict import TraceStep, Verdict, Violated

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
PLACE = re.compile(r"^(?P<path>.+?):(?P<line>\d+)(?::(?P<col>\d+))?$")


def physical_location(place: str, fallback: str) -> dict[str, Any]:
    """``file:line:col`` as a SARIF physical location (the spec file alone if ``place``
    names no line)."""
    found = PLACE.match(place or "")
    if found is None:
        return {"artifactLocation": {"uri": normalise_path(fallback)}}
    region: dict[str, Any] = {"startLine": int(found["line"])}
    if found["col"]:
        region["startColumn"] = int(found["col"])
    return {"artifactLocation": {"uri": normalise_path(found["path"])}, "region": region}


def _step_text(position: int, step: TraceStep) -> str:
    chain = " > ".join(step.chain)
    parts = [f"#{position} {step.statement}", chain and f"in {chain}", changes_text(step),
             step.violation and f"violates {step.violation}"]
    return "; ".join(p for p in parts if p)


def code_flow(verdict: Verdict) -> dict[str, Any]:
    """The counterexample: one thread flow per (CPU, context), in order of first step."""
    assert isinstance(verdict.outcome, Violated)
    flows: dict[str, dict[str, Any]] = {}
    for position, step in enumerate(verdict.outcome.trace.steps, start=1):
        name = f"{step.cpu or '-'}/{step.context}"
        flow = flows.setdefault(name, {"id": name, "message": {"text": f"{step.cpu or 'no CPU'}, {step.context}"},
                                       "locations": []})
        flow["locations"].append({  # executionOrder: the step's place in the whole run
            "executionOrder": position,
            "location": {"physicalLocation": physical_location(step.location, verdict.spec),
                         "message": {"text": _step_text(position, step)}},
        })
    return {"message": {"text": f"{verdict.property}: {verdict_text(verdict)}"},
            "threadFlows": list(flows.values())}


def sarif_result(verdict: Verdict, rule_index: int) -> dict[str, Any]:
    outcome = verdict.outcome
    message = f"{verdict.variant}: {verdict.property}: {verdict_text(verdict)}"
    result: dict[str, Any] = {"ruleId": verdict.property, "ruleIndex": rule_index, "level": "error",
                              "kind": "fail", "message": {"text": message}}
    if isinstance(outcome, Violated) and outcome.trace.steps:
        last = outcome.trace.steps[-1]
        if last.violation:
            result["message"]["text"] = f"{message}: {last.violation}"
        result["locations"] = [{"physicalLocation": physical_location(last.location, verdict.spec)}]
        result["codeFlows"] = [code_flow(verdict)]
    else:
        result["locations"] = [{"physicalLocation": physical_location("", verdict.spec)}]
    result["properties"] = {"variant": verdict.variant, "spec": normalise_path(verdict.spec),
                            "verdict": verdict.name, "depth": verdict.depth, "engine": verdict.engine,
                            "bound": verdict.bound}
    return result


def sarif_dict(verdicts: Iterable[Verdict], version: str = "") -> dict[str, Any]:
    """The SARIF log of the failing verdicts (one run, one rule per property)."""
    verdicts = list(verdicts)
    rules: dict[str, dict[str, Any]] = {}
    for v in verdicts:
        rules.setdefault(v.property, {"id": v.property, "name": v.property,
                                      "shortDescription": {"text": v.doc or v.property}})
    order = list(rules)
    driver: dict[str, Any] = {"name": "explorer", "rules": list(rules.values())}
    if version:
        driver["version"] = version
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0",
            "runs": [{"tool": {"driver": driver},
                      "results": [sarif_result(v, order.index(v.property)) for v in verdicts if v.failed]}]}


def sarif_text(verdicts: Iterable[Verdict], version: str = "") -> str:
    return json.dumps(sarif_dict(verdicts, version), indent=2, ensure_ascii=False) + "\n"
