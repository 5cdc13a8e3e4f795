"""Traces in Apalache's Informal Trace Format (ITF, ``.itf.json``).

https://apalache-mc.org/docs/adr/015adr-trace.html.  One state per entry of
``Trace.states``: state 0 is the initial state, state ``i`` carries in its ``#meta`` the
action of step ``i`` (its CPU, context, call chain, statement, location).  A scalar
variable is a JSON value (integers as numbers, booleans, enum members as strings); an
array is ``{"#map": [[key, value], ...]}``.  The top-level ``#meta`` says what the file is
(``kind`` ``explorer.trace``, ``version`` 1; schema ``docs/schemas/trace.schema.json``)
and which verdict it backs (variant, property, ``property_kind``, verdict, engine, bound);
each state's ``#meta`` carries the step that led to it, its changes as the text trace
shows them, where the owners' data went and its notes (cause, point of no return, other
properties failing; the top-level ``#meta`` has ``start_owners``, ``no_return`` and
``no_return_note``), so that ``explorer show`` prints the trace as ``check`` did.  A violating step that the run stops before
(``len(states) == len(steps)``) is recorded in the top-level ``#meta`` as ``violation``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Iterable, Mapping

from explorer.report.files import safe_name, write_atomic
from explorer.verdict import Trace, TraceNote, TraceStep, Value, Verdict, Violated

FORMAT_DESCRIPTION = "https://apalache-mc.org/docs/adr/015adr-trace.html"


def _value_type(values: Iterable[Value]) -> str:
    kinds = set()
    for v in values:
        if isinstance(v, bool):
            kinds.add("Bool")
        elif isinstance(v, int):
            kinds.add("Int")
        else:
            kinds.add("Str")
    if len(kinds) == 1:
        return kinds.pop()
    return "Str" if not kinds else " | ".join(sorted(kinds))


def _variables(trace: Trace, include_hidden: bool) -> dict[str, list[int]]:
    """Variable name -> positions of its elements in a state, in element order."""
    out: dict[str, list[int]] = {}
    for i, e in enumerate(trace.elements):
        if e.hidden and not include_hidden:
            continue
        out.setdefault(e.var, []).append(i)
    return out


def _var_value(trace: Trace, state: tuple[Value, ...], positions: list[int]) -> Any:
    first = trace.elements[positions[0]]
    if first.key is None and len(positions) == 1:
        return state[positions[0]]
    return {"#map": [[trace.elements[p].key, state[p]] for p in positions]}


def _var_types(trace: Trace, variables: dict[str, list[int]]) -> dict[str, str]:
    types = {}
    for var, positions in variables.items():
        value = _value_type(s[p] for s in trace.states for p in positions)
        if trace.elements[positions[0]].key is None and len(positions) == 1:
            types[var] = value
        else:
            types[var] = f"Str -> {value}"
    return types


def _step_meta(step: TraceStep, index: int) -> dict[str, Any]:
    return {
        "index": index,
        "action": step.action,
        "cpu": step.cpu,
        "context": step.context,
        "chain": list(step.chain),
        "statement": step.statement,
        "location": step.location,
        "citation": step.citation,
        "changes": [{"var": name, "from": old, "to": new} for name, old, new in step.changes],
        "owners": owners_list(step.owners),
        "notes": [{"kind": n.kind, "text": n.text, "property": n.property} for n in step.notes],
    }


def owners_list(owners) -> list[dict[str, Any]]:
    return [{"owner": owner, "places": list(places)} for owner, places in owners]


def _owners(items: list[dict[str, Any]]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    return tuple((str(o["owner"]), tuple(str(p) for p in o["places"])) for o in items)


def trace_itf(
    trace: Trace,
    source: str,
    description: str = "",
    *,
    include_hidden: bool = True,
    extra_meta: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The ITF object of ``trace``.  ``include_hidden`` keeps the elements the text trace
    hides (program counters, monitors), so that the file describes whole states."""
    variables = _variables(trace, include_hidden)
    meta: dict[str, Any] = {
        "format": "ITF",
        "format-description": FORMAT_DESCRIPTION,
        "kind": "explorer.trace",
        "version": 1,
        "source": source,
        "description": description,
        "varTypes": _var_types(trace, variables),
        "start_owners": owners_list(trace.owners),
        "no_return": trace.no_return,
        "no_return_note": trace.no_return_note,
        "tasks": list(trace.tasks),
    }
    if extra_meta:
        meta.update(extra_meta)
    states = []
    for i, state in enumerate(trace.states):
        if i == 0:
            smeta: dict[str, Any] = {"index": 0}
        else:
            step = trace.steps[i - 1]
            smeta = _step_meta(step, i)
            if step.violation is not None:
                smeta["violation"] = step.violation
        entry: dict[str, Any] = {"#meta": smeta}
        for var, positions in variables.items():
            entry[var] = _var_value(trace, state, positions)
        states.append(entry)
    if len(trace.states) == len(trace.steps) and trace.steps:
        last = trace.steps[-1]
        violation = _step_meta(last, len(trace.steps))
        violation["violation"] = last.violation
        meta["violation"] = violation
    return {"#meta": meta, "vars": list(variables), "states": states}


def verdict_itf(
    verdict: Verdict, description: str = "", *, include_hidden: bool = True
) -> dict[str, Any] | None:
    """The ITF object of a verdict's counterexample (or witness); None without a trace."""
    outcome = verdict.outcome
    if not isinstance(outcome, Violated):
        return None
    extra = {
        "variant": verdict.variant,
        "property": verdict.property,
        "property_kind": verdict.kind,
        "verdict": verdict.name,
        "engine": verdict.engine,
        "bound": verdict.bound,
    }
    return trace_itf(
        outcome.trace, verdict.spec, description, include_hidden=include_hidden, extra_meta=extra
    )


class NotATrace(ValueError):
    """An ITF document without what explorer writes in its ``#meta`` to show a trace."""


STEP_KEYS = ("action", "cpu", "context", "chain", "statement", "location", "citation", "changes")


def _step_from_meta(meta: dict[str, Any], index: int) -> TraceStep:
    missing = [key for key in STEP_KEYS if key not in meta]
    if missing:
        raise NotATrace(f"state {index} has no {', '.join(missing)} in its #meta "
                        "(not a trace written by explorer check --itf)")
    return TraceStep(
        index=index, action=str(meta["action"]), cpu=meta["cpu"], context=str(meta["context"]),
        chain=tuple(meta["chain"]), statement=str(meta["statement"]),
        location=str(meta["location"]), citation=str(meta["citation"]),
        changes=tuple((c["var"], c["from"], c["to"]) for c in meta["changes"]),
        violation=meta.get("violation"),
        owners=_owners(meta.get("owners", [])),
        notes=tuple(TraceNote(str(n["kind"]), str(n["text"]), n.get("property"))
                    for n in meta.get("notes", [])),
    )


def verdict_from_itf(obj: dict[str, Any]) -> tuple[Verdict, str]:
    """The verdict (with the trace as ``check`` printed it) and the description of the
    parameters, from an ITF document ``write_itf`` wrote.  The trace carries its steps
    only (no raw states): it is for showing, not for replay."""
    if not isinstance(obj, dict) or not isinstance(obj.get("#meta"), dict) \
            or not isinstance(obj.get("states"), list):
        raise NotATrace("not an ITF trace (no #meta and states)")
    meta = obj["#meta"]
    for key in ("source", "property", "property_kind", "variant"):
        if key not in meta:
            raise NotATrace(f"its #meta has no {key!r} (not a trace written by explorer check --itf)")
    steps = [_step_from_meta(state.get("#meta", {}), i) for i, state in enumerate(obj["states"]) if i > 0]
    if isinstance(meta.get("violation"), dict):
        steps.append(_step_from_meta(meta["violation"], len(steps) + 1))
    trace = Trace(elements=(), steps=tuple(steps), states=(), raw_states=(),
                  actions=tuple(s.action for s in steps),
                  owners=_owners(meta.get("start_owners", [])),
                  no_return=meta.get("no_return"), no_return_note=str(meta.get("no_return_note", "")),
                  tasks=tuple(str(t) for t in meta.get("tasks", [])))
    verdict = Verdict(spec=str(meta["source"]), variant=str(meta["variant"]),
                      property=str(meta["property"]), kind=str(meta["property_kind"]),
                      outcome=Violated(trace), engine=str(meta.get("engine", "")),
                      bound=int(meta.get("bound", len(steps))), time_s=0.0)
    return verdict, str(meta.get("description", ""))


def itf_text(obj: dict[str, Any]) -> str:
    return json.dumps(obj, indent=2, ensure_ascii=False) + "\n"


def itf_filename(verdict: Verdict) -> str:
    """``<variant>.<property>.itf.json`` with unsafe characters replaced."""
    return f"{safe_name(verdict.variant)}.{safe_name(verdict.property)}.itf.json"


def write_itf(
    verdicts: Iterable[Verdict],
    directory: str | os.PathLike[str],
    description: str | Mapping[str, str] = "",
    *,
    include_hidden: bool = True,
) -> list[Path]:
    """Write one ``.itf.json`` per counterexample/witness into ``directory`` (created if
    missing); returns the paths written.  Two verdicts whose names clash after cleaning
    get ``-2``, ``-3``... suffixes."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    used: set[str] = set()
    for verdict in verdicts:
        said = description.get(verdict.variant, "") if isinstance(description, Mapping) else description
        obj = verdict_itf(verdict, said, include_hidden=include_hidden)
        if obj is None:
            continue
        name = itf_filename(verdict)
        stem = name[: -len(".itf.json")]
        n = 1
        while name in used:
            n += 1
            name = f"{stem}-{n}.itf.json"
        used.add(name)
        path = directory / name
        write_atomic(path, itf_text(obj))
        written.append(path)
    return written
