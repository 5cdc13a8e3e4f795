"""A variant's proof report as Markdown (GitHub flavour)."""

from __future__ import annotations

from tabulate import tabulate

from typing import Mapping, Sequence

from explorer.report.inputs import ReportInput
from explorer.report.phrases import matrix_cell, state_count, verdict_text
from explorer.report.text import note_lines, trace_preamble
from explorer.verdict import Proved, Trace, Unknown, Verdict, Violated


def code(text: str) -> str:
    """An inline code span that survives any backticks in ``text``."""
    if not text:
        return ""
    fence = "``" if "`" in text else "`"
    pad = " " if fence == "``" else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def cell(text: str) -> str:
    """Text safe inside a GitHub table cell (pipes escaped, newlines folded)."""
    return text.replace("|", "\\|").replace("\n", " ")


def _table(rows: list[list[str]], headers: list[str]) -> str:
    return tabulate(
        [[cell(str(c)) for c in r] for r in rows],
        headers=[cell(h) for h in headers],
        tablefmt="github",
        disable_numparse=True,
    )


def _block(text: str, lang: str = "") -> str:
    fence = "```"
    while fence in text:
        fence += "`"
    return f"{fence}{lang}\n{text.rstrip()}\n{fence}"


def trace_table(trace: Trace, reach: bool = False) -> str:
    """The counterexample as a Markdown table: step, CPU, context, call chain, statement,
    changed variables (or the violation) with what points at the cause (owners, notes),
    location and citation; where the owners' data starts is listed above it."""
    rows = []
    mark = "★" if reach else "✗"
    for i, s in enumerate(trace.steps):
        changes = ", ".join(f"{n}: {a} → {b}" for n, a, b in s.changes)
        if s.violation is not None:
            flag = f"**{mark} {s.violation}**"
            changes = f"{changes}; {flag}" if changes else flag
        changes = "; ".join(x for x in (changes, *note_lines(s)) if x)
        rows.append([
            f"{i + 1}",
            s.cpu or "-",
            s.context,
            code(" > ".join(s.chain)),
            code(s.statement),
            changes,
            " ".join(x for x in (code(s.location), code(f"// {s.citation}") if s.citation else "") if x),
        ])
    table = _table(rows, ["#", "CPU", "context", "call chain", "statement", "changes", "where"])
    lead = [f"- {line}" for line in trace_preamble(trace)]
    return "\n".join([*lead, "", table]) if lead else table


FOLD_LINES = 12


def _certificate(lead: str, text: str) -> str:
    """A certificate's text; folded (``<details>``, which GitHub renders) when long."""
    lines = text.strip("\n").count("\n") + 1
    if lines <= FOLD_LINES:
        return f"{lead}:\n\n{_block(text)}"
    return (f"<details><summary>{lead}: {lines} clauses, one per line</summary>\n\n"
            f"{_block(text)}\n\n</details>")


def evidence(verdict: Verdict, settings: str = "") -> str:
    """What backs the verdict: the certificate or the counterexample."""
    outcome = verdict.outcome
    reach = verdict.kind == "reach"
    if isinstance(outcome, Violated):
        what = "Witness" if reach else "Counterexample"
        extra = f" ({settings})" if settings else ""
        return f"{what}, {outcome.depth} steps{extra}:\n\n{trace_table(outcome.trace, reach)}"
    if isinstance(outcome, Proved):
        cert = outcome.certificate
        checked = "re-checked by an independent solver" if cert.checked else "**not re-checked**"
        if cert.kind == "invariant" and cert.text:
            return _certificate(f"Inductive invariant ({checked})", cert.text)
        if cert.kind == "k-induction":
            text = f"The property is {cert.k}-inductive with simple paths ({checked})."
            return text + (f"\n\n{_block(cert.text)}" if cert.text else "")
        count = state_count(verdict)
        states = f" of {count} reachable states" if count is not None else ""
        text = f"Exhaustive search{states} by `{outcome.method}`; no state violates the property."
        return text + (f"\n\n{_block(cert.text)}" if cert.text else "")
    if isinstance(outcome, Unknown):
        return f"No verdict: {outcome.reason}."
    return f"No counterexample up to depth {outcome.bound} (bounded check, not a proof)."


def summary_rows(verdicts: tuple[Verdict, ...], timings: bool = True) -> list[list[str]]:
    return [
        [code(v.property), v.kind, verdict_text(v), v.engine, *([f"{v.time_s:.2f}"] if timings else [])]
        for v in verdicts
    ]


def meta_line(v: Verdict, timings: bool = True) -> str:
    """``invariant · engine `bmc` · bound 20 · 0.42 s`` (no time without ``timings``)."""
    parts = [v.kind, f"engine {code(v.engine)}", f"bound {v.bound}"]
    if timings:
        parts.append(f"{v.time_s:.2f} s")
    return " · ".join(parts)


def reproducibility_rows(r) -> list[list[str]]:
    """(what, version) rows; empty entries (no platform without timings) left out."""
    rows = [
        ["explorer", r.explorer_version or "?"],
        ["z3", r.z3_version or "?"],
        ["Python", r.python_version],
        ["platform", r.platform],
        ["seed", "-" if r.seed is None else str(r.seed)],
    ]
    return [row for row in rows if row[1]]


def render_markdown(report: ReportInput) -> str:
    """The whole report as Markdown text."""
    out: list[str] = [f"# {report.variant}: proof report", ""]
    if report.description:
        out += [f"> {report.description}", ""]
    facts = [["spec", code(report.spec)]]
    if report.base:
        base = report.base + (f" ({code(report.base_spec)})" if report.base_spec else "")
        facts.append(["base", base])
    if report.replaces:
        facts.append(["replaces", ", ".join(code(f) for f in report.replaces)])
    if report.adds:
        facts.append(["adds", ", ".join(code(f) for f in report.adds)])
    if report.removes:
        facts.append(["removes", ", ".join(code(f) for f in report.removes)])
    if report.settings:
        facts.append(["settings", report.settings])
    out += [_table(facts, ["", ""]), ""]

    headers = ["property", "kind", "verdict", "engine", *(["time (s)"] if report.timings else [])]
    out += ["## Verdicts", "", _table(summary_rows(report.verdicts, report.timings), headers), ""]
    if report.notes:
        out += [f"- warning: {note}" for note in report.notes] + [""]

    flips = report.flips
    if report.base and report.base_verdicts:
        out += [f"## Flipped against {report.base}", ""]
        if flips:
            rows = [[code(f.property), matrix_cell(f.base), matrix_cell(f.variant)] for f in flips]
            out += [_table(rows, ["property", report.base, report.variant]), ""]
        else:
            out += [f"No verdict differs from {report.base}.", ""]

    if report.patch:
        out += [f"## Patch against {report.base}", ""]
        for name, diff in report.patch:
            out += [f"{code(name + '()')}:", "", _block(diff, "diff"), ""]

    m = report.model
    out += ["## Model", ""]
    line = f"{len(m.state_variables)} state variables, {m.actions} actions"
    if m.elements is not None:
        line += f", {m.elements} state elements"
    out.append(line + ".")
    if m.parameters:
        out.append("Parameters: " + ", ".join(f"{code(f'{k}={v}')}" for k, v in m.parameters) + ".")
    out.append(
        "Interleavings: " + (", ".join(m.interleavings) if m.interleavings else "none") + "."
    )
    out.append("")
    if m.state_variables:
        hidden = any(sv.hidden for sv in m.state_variables)
        rows = [[code(sv.name), code(sv.sort), sv.scope, *(["hidden" if sv.hidden else ""] if hidden else [])]
                for sv in m.state_variables]
        out += [_table(rows, ["variable", "sort", "scope", *([""] if hidden else [])]), ""]

    out += ["## Properties", ""]
    for v in report.verdicts:
        out += [f"### {v.property}: {verdict_text(v)}", ""]
        if v.doc:
            out += [v.doc, ""]
        out += [meta_line(v, report.timings), ""]
        out += [evidence(v, report.settings), ""]
        for w in v.warnings:
            out += [f"- warning: {w}"]
        if v.warnings:
            out.append("")

    r = report.reproducibility
    out += ["## Reproducibility", ""]
    out += [_table(reproducibility_rows(r), ["", ""]), ""]
    if r.command_line:
        out += [_block(r.command_line, "sh"), ""]
    if r.spec_hashes:
        out += [_table([[code(p), code(h)] for p, h in r.spec_hashes], ["spec file", "SHA-256"]), ""]
    return "\n".join(out).rstrip() + "\n"


# --------------------------------------------------------------------------- compare matrix

MATRIX_LEGEND = (
    ("✗ depth N", "violated: a shortest counterexample has N steps"),
    ("✓ proved", "holds in every reachable state; the proof's certificate was re-checked"),
    ("✓ ≤ N", "no counterexample up to N steps (a bounded check, not a proof)"),
    ("? unknown", "no verdict (timeout, or the solver gave up)"),
    ("✓ reached at N", "a reach goal: a shortest witness has N steps"),
    ("✗ unreached ≤ N / ✗ unreachable", "a reach goal not reached up to N steps / proved unreachable"),
    ("**bold**", "the verdict differs from the variant's base"),
    ("–", "the variant has no such property"),
)


def _link_label(name: str) -> str:
    return name.rsplit(".", 1)[-1] if "." in name else name


def render_matrix(
    reports: Sequence[ReportInput],
    *,
    title: str = "variants compared",
    links: Mapping[str, Sequence[str]] | None = None,
    command_line: str = "",
    timings: bool = True,
) -> str:
    """The compare matrix of ``reports`` as a Markdown page: properties as rows, variants
    as columns (cells ``✗ depth 7``, ``✓ proved``, ``✓ ≤ 20``, ``? unknown``; bold where
    the verdict flipped against the variant's base), a legend, the variants with their
    bases and links to their reports (``links``: variant → relative file names), the
    properties with their descriptions, the flips, and the command that generated it."""
    links = links or {}
    variants = [r.variant for r in reports]
    properties: dict[str, str] = {}
    for r in reports:
        for v in r.verdicts:
            if not properties.get(v.property):
                properties[v.property] = v.doc
    cells = {(v.property, r.variant): v for r in reports for v in r.verdicts}
    flipped = {(f.property, r.variant) for r in reports for f in r.flips}

    def cell_text(prop: str, variant: str) -> str:
        v = cells.get((prop, variant))
        if v is None:
            return "–"
        text = matrix_cell(v, with_time=timings)
        return f"**{text}**" if (prop, variant) in flipped else text

    out = [f"# {title}", ""]
    rows = [[code(p), *(cell_text(p, c) for c in variants)] for p in properties]
    out += [_table(rows, ["property", *variants]), ""]
    out += ["Legend:", ""]
    out += [f"- {mark if mark.startswith('**') else code(mark)}: {meaning}" for mark, meaning in MATRIX_LEGEND]
    out.append("")

    out += ["## Variants", ""]
    vrows = []
    for r in reports:
        files = links.get(r.variant, ())
        refs = " · ".join(f"[{_link_label(f)}]({f})" for f in files)
        vrows.append([f"[{r.variant}]({files[0]})" if files else r.variant, r.base or "",
                      r.description, refs])
    out += [_table(vrows, ["variant", "base", "what it is", "reports"]), ""]

    if properties:
        out += ["## Properties", ""]
        out += [f"- {code(p)}" + (f": {doc}" if doc else "") for p, doc in properties.items()]
        out.append("")

    changes = [(r, f) for r in reports for f in r.flips]
    out += ["## Flips", ""]
    if changes:
        out += [f"- {r.variant} against {r.base}: {code(f.property)} {matrix_cell(f.base)} → "
                f"{matrix_cell(f.variant)}" for r, f in changes]
    else:
        out.append("No verdict differs between a variant and its base.")
    out.append("")

    if command_line:
        out += ["## Generated by", "", _block(command_line, "sh"), ""]
    return "\n".join(out).rstrip() + "\n"
