"""A variant's proof report as Markdown (GitHub flavour)."""

from __future__ import annotations

from tabulate import tabulate

from explorer.report.inputs import ReportInput
from explorer.report.table import matrix_cell
from explorer.report.text import state_count, verdict_text
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
    changed variables (or the violation), location and citation."""
    rows = []
    mark = "★" if reach else "✗"
    for i, s in enumerate(trace.steps):
        changes = ", ".join(f"{n}: {a} → {b}" for n, a, b in s.changes)
        if s.violation is not None:
            flag = f"**{mark} {s.violation}**"
            changes = f"{changes}; {flag}" if changes else flag
        rows.append([
            f"{i + 1}",
            s.cpu or "-",
            s.context,
            code(" > ".join(s.chain)),
            code(s.statement),
            changes,
            " ".join(x for x in (code(s.location), code(f"// {s.citation}") if s.citation else "") if x),
        ])
    return _table(rows, ["#", "CPU", "context", "call chain", "statement", "changes", "where"])


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
            return f"Inductive invariant ({checked}):\n\n{_block(cert.text)}"
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


def summary_rows(verdicts: tuple[Verdict, ...]) -> list[list[str]]:
    return [
        [code(v.property), v.kind, verdict_text(v), v.engine, f"{v.time_s:.2f}"] for v in verdicts
    ]


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
    if report.settings:
        facts.append(["settings", report.settings])
    out += [_table(facts, ["", ""]), ""]

    out += ["## Verdicts", "", _table(summary_rows(report.verdicts),
                                     ["property", "kind", "verdict", "engine", "time (s)"]), ""]

    flips = report.flips
    if report.base and report.base_verdicts:
        out += [f"## Flipped against {report.base}", ""]
        if flips:
            rows = [[code(f.property), matrix_cell(f.base), matrix_cell(f.variant)] for f in flips]
            out += [_table(rows, ["property", report.base, report.variant]), ""]
        else:
            out += [f"No verdict differs from {report.base}.", ""]

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
        rows = [[code(sv.name), code(sv.sort), sv.scope, "hidden" if sv.hidden else ""]
                for sv in m.state_variables]
        out += [_table(rows, ["variable", "sort", "scope", ""]), ""]

    out += ["## Properties", ""]
    for v in report.verdicts:
        out += [f"### {v.property}: {verdict_text(v)}", ""]
        if v.doc:
            out += [v.doc, ""]
        out += [f"{v.kind} · engine `{v.engine}` · bound {v.bound} · {v.time_s:.2f} s", ""]
        out += [evidence(v, report.settings), ""]
        for w in v.warnings:
            out += [f"- warning: {w}"]
        if v.warnings:
            out.append("")

    r = report.reproducibility
    out += ["## Reproducibility", ""]
    rows = [
        ["explorer", r.explorer_version or "?"],
        ["z3", r.z3_version or "?"],
        ["Python", r.python_version],
        ["platform", r.platform],
        ["seed", "-" if r.seed is None else str(r.seed)],
    ]
    out += [_table(rows, ["", "version"]), ""]
    if r.command_line:
        out += [_block(r.command_line, "sh"), ""]
    if r.spec_hashes:
        out += [_table([[code(p), code(h)] for p, h in r.spec_hashes], ["spec file", "SHA-256"]), ""]
    return "\n".join(out).rstrip() + "\n"
