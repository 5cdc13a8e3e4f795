"""A variant's proof report as one self-contained HTML file.

Inline CSS, inline SVG sequence charts, no scripts, no external stylesheets, fonts or
images: the file can be mailed or attached to a patch review as is.
"""

from __future__ import annotations

from html import escape

from explorer.report.inputs import ReportInput, verdict_class
from explorer.report.markdown import reproducibility_rows
from explorer.report.svg import sequence_chart
from explorer.report.phrases import matrix_cell, state_count, verdict_text
from explorer.report.text import note_lines, trace_preamble
from explorer.verdict import Proved, Trace, Unknown, Verdict, Violated

CSS = """
:root { --fg: #111827; --muted: #6b7280; --line: #e5e7eb; --ok: #15803d; --bad: #dc2626;
        --unk: #b45309; --bg-code: #f3f4f6; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1180px; padding: 24px 28px 48px; color: var(--fg);
       font: 15px/1.5 system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 20px; margin: 32px 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
h3 { font-size: 17px; margin: 26px 0 6px; }
code, pre, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, 'DejaVu Sans Mono', monospace;
                   font-size: 13px; }
code { background: var(--bg-code); padding: 1px 4px; border-radius: 3px; }
pre { background: var(--bg-code); padding: 10px 12px; border-radius: 6px; overflow-x: auto; }
pre code { background: none; padding: 0; }
table { border-collapse: collapse; margin: 8px 0 12px; }
th, td { border: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f9fafb; font-weight: 600; }
td.num { text-align: right; }
.subtitle { color: var(--muted); margin: 0 0 16px; }
.ok { color: var(--ok); font-weight: 600; }
.fail { color: var(--bad); font-weight: 600; }
.unknown { color: var(--unk); font-weight: 600; }
.meta { color: var(--muted); font-size: 14px; }
tr.violation td { background: #fef2f2; }
.chart { overflow-x: auto; border: 1px solid var(--line); border-radius: 6px; padding: 6px; margin: 8px 0; }
.facts th { width: 110px; }
.wide { overflow-x: auto; }
.wide td code { overflow-wrap: anywhere; }
pre.cert { white-space: pre-wrap; overflow-wrap: anywhere; }
pre.diff .add { color: #166534; background: #dcfce7; }
pre.diff .del { color: #991b1b; background: #fee2e2; }
pre.diff .hunk, pre.diff .meta { color: var(--muted, #6b7280); }
details { margin: 8px 0 12px; }
details > summary { cursor: pointer; margin-bottom: 6px; }
"""


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _code(text: str) -> str:
    return f"<code>{_e(text)}</code>" if text else ""


def _table(headers: list[str], rows: list[list[str]], cls: str = "", row_classes: list[str] | None = None) -> str:
    """A table from already-escaped cell HTML."""
    out = [f'<table class="{cls}">' if cls else "<table>"]
    if any(headers):
        out.append("<thead><tr>" + "".join(f"<th>{h}</th>" for h in headers) + "</tr></thead>")
    out.append("<tbody>")
    for i, row in enumerate(rows):
        rc = row_classes[i] if row_classes else ""
        out.append((f'<tr class="{rc}">' if rc else "<tr>") + "".join(f"<td>{c}</td>" for c in row) + "</tr>")
    out.append("</tbody></table>")
    return "\n".join(out)


def _verdict_span(v: Verdict) -> str:
    return f'<span class="{verdict_class(v)}">{_e(verdict_text(v))}</span>'


def _cell_span(v: Verdict) -> str:
    return f'<span class="{verdict_class(v)}">{_e(matrix_cell(v))}</span>'


def trace_table_html(trace: Trace, reach: bool = False) -> str:
    mark = "★" if reach else "✗"
    rows, classes = [], []
    for i, s in enumerate(trace.steps):
        changes = "<br>".join(f'<span class="mono">{_e(n)}: {_e(a)} → {_e(b)}</span>'
                              for n, a, b in s.changes)
        if s.violation is not None:
            flag = f'<span class="{"ok" if reach else "fail"}">{_e(mark)} {_e(s.violation)}</span>'
            changes = f"{changes}<br>{flag}" if changes else flag
        notes = [f'<span class="{"fail" if line.startswith("✗") else "meta"}">{_e(line)}</span>'
                 for line in note_lines(s)]
        changes = "<br>".join(x for x in (changes, *notes) if x)
        where = _code(s.location)
        if s.citation:
            where += f'<br><span class="meta mono">// {_e(s.citation)}</span>'
        rows.append([str(i + 1), _e(s.cpu or "-"), _e(s.context), _code(" > ".join(s.chain)),
                     _code(s.statement), changes, where])
        classes.append("violation" if s.violation is not None and not reach else "")
    table = _table(["#", "CPU", "context", "call chain", "statement", "changes", "where"], rows,
                   row_classes=classes)
    lead = "".join(f"<p class=\"meta\">{_e(line)}</p>\n" for line in trace_preamble(trace))
    return f'{lead}<div class="wide">\n{table}\n</div>'


FOLD_LINES = 12
"""Certificates longer than this many lines are folded (``<details>``) under their summary."""


def _certificate(lead: str, text: str) -> str:
    """A certificate's text, wrapped rather than scrolled; folded when long (a reviewer
    reads the counterexamples first)."""
    lines = text.strip("\n").count("\n") + 1
    pre = f'<pre class="cert"><code>{_e(text)}</code></pre>'
    if lines <= FOLD_LINES:
        return f"<p>{lead}:</p>\n{pre}"
    return (f"<details><summary>{lead}: {lines} clauses, one per line (click to show)</summary>\n"
            f"{pre}\n</details>")


def evidence_html(v: Verdict, index: int, settings: str = "") -> str:
    outcome = v.outcome
    reach = v.kind == "reach"
    if isinstance(outcome, Violated):
        what = "Witness" if reach else "Counterexample"
        extra = f" ({_e(settings)})" if settings else ""
        chart = sequence_chart(outcome.trace, chart_id=f"c{index}", reach=reach,
                               title=f"{v.property}: {what.lower()}, {outcome.depth} steps")
        return (f"<p>{what}, {outcome.depth} steps{extra}:</p>\n"
                f'<div class="chart">\n{chart}\n</div>\n{trace_table_html(outcome.trace, reach)}')
    if isinstance(outcome, Proved):
        cert = outcome.certificate
        checked = ("re-checked by an independent solver" if cert.checked
                   else '<span class="fail">not re-checked</span>')
        if cert.kind == "invariant" and cert.text:
            return _certificate(f"Inductive invariant ({checked})", cert.text)
        if cert.kind == "k-induction":
            body = f"<p>The property is {_e(cert.k)}-inductive with simple paths ({checked}).</p>"
            return body + (f"\n<pre><code>{_e(cert.text)}</code></pre>" if cert.text else "")
        count = state_count(v)
        states = f" of {count} reachable states" if count is not None else ""
        body = (f"<p>Exhaustive search{states} by <code>{_e(outcome.method)}</code>; "
                "no state violates the property.</p>")
        return body + (f"\n<pre><code>{_e(cert.text)}</code></pre>" if cert.text else "")
    if isinstance(outcome, Unknown):
        return f"<p>No verdict: {_e(outcome.reason)}.</p>"
    return f"<p>No counterexample up to depth {outcome.bound} (bounded check, not a proof).</p>"


def diff_html(diff: str) -> str:
    """A unified diff as a ``<pre>`` block, added lines green and removed lines red."""
    def line(text: str) -> str:
        kind = {"+": "add", "-": "del", "@": "hunk"}.get(text[:1], "")
        if text.startswith(("+++", "---")):
            kind = "meta"
        return f'<span class="{kind}">{_e(text)}</span>' if kind else _e(text)
    return '<pre class="diff"><code>' + "\n".join(line(t) for t in diff.splitlines()) + "</code></pre>"


def render_html(report: ReportInput) -> str:
    """The whole report as one HTML document."""
    title = f"{report.variant}: proof report"
    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
        f"<h1>{_e(title)}</h1>",
    ]
    if report.description:
        out.append(f'<p class="subtitle">{_e(report.description)}</p>')
    facts = [["spec", _code(report.spec)]]
    if report.base:
        facts.append(["base", _e(report.base) + (f" ({_code(report.base_spec)})" if report.base_spec else "")])
    if report.replaces:
        facts.append(["replaces", ", ".join(_code(f) for f in report.replaces)])
    if report.adds:
        facts.append(["adds", ", ".join(_code(f) for f in report.adds)])
    if report.removes:
        facts.append(["removes", ", ".join(_code(f) for f in report.removes)])
    if report.settings:
        facts.append(["settings", _e(report.settings)])
    out.append(_table(["", ""], [[f"<strong>{k}</strong>", v] for k, v in facts], cls="facts"))

    out.append("<h2>Verdicts</h2>")
    rows = [[f'<a href="#p-{i}">{_code(v.property)}</a>', _e(v.kind), _verdict_span(v), _e(v.engine),
             *([f"{v.time_s:.2f}"] if report.timings else [])] for i, v in enumerate(report.verdicts)]
    out.append(_table(["property", "kind", "verdict", "engine", *(["time (s)"] if report.timings else [])], rows))
    if report.notes:
        out.append("<ul>" + "".join(f"<li>warning: {_e(n)}</li>" for n in report.notes) + "</ul>")

    if report.base and report.base_verdicts:
        out.append(f"<h2>Flipped against {_e(report.base)}</h2>")
        flips = report.flips
        if flips:
            rows = [[_code(f.property), _cell_span(f.base), _cell_span(f.variant)] for f in flips]
            out.append(_table(["property", _e(report.base), _e(report.variant)], rows))
        else:
            out.append(f"<p>No verdict differs from {_e(report.base)}.</p>")

    if report.patch:
        out.append(f"<h2>Patch against {_e(report.base)}</h2>")
        out += [f"<p>{_code(name + '()')}:</p>\n{diff_html(diff)}" for name, diff in report.patch]

    m = report.model
    out.append("<h2>Model</h2>")
    line = f"{len(m.state_variables)} state variables, {m.actions} actions"
    if m.elements is not None:
        line += f", {m.elements} state elements"
    out.append(f"<p>{line}.")
    if m.parameters:
        out.append("<br>Parameters: " + ", ".join(_code(f"{k}={v}") for k, v in m.parameters) + ".")
    out.append("<br>Interleavings: " + (_e(", ".join(m.interleavings)) if m.interleavings else "none") + ".</p>")
    if m.state_variables:
        hidden = any(sv.hidden for sv in m.state_variables)
        rows = [[_code(sv.name), _code(sv.sort), _e(sv.scope), *(["hidden" if sv.hidden else ""] if hidden else [])]
                for sv in m.state_variables]
        out.append(_table(["variable", "sort", "scope", *([""] if hidden else [])], rows))

    out.append("<h2>Properties</h2>")
    for i, v in enumerate(report.verdicts):
        out.append(f'<h3 id="p-{i}">{_e(v.property)}: {_verdict_span(v)}</h3>')
        if v.doc:
            out.append(f"<p>{_e(v.doc)}</p>")
        when = f" · {v.time_s:.2f} s" if report.timings else ""
        out.append(f'<p class="meta">kind {_e(v.kind)} · engine <code>{_e(v.engine)}</code> · '
                   f"bound {v.bound}{when}</p>")
        out.append(evidence_html(v, i, report.settings))
        if v.warnings:
            out.append("<ul>" + "".join(f"<li>warning: {_e(w)}</li>" for w in v.warnings) + "</ul>")

    r = report.reproducibility
    out.append("<h2>Reproducibility</h2>")
    rows = [[_e(k), _e(v)] for k, v in reproducibility_rows(r)]
    out.append(_table(["", ""], rows, cls="facts"))
    if r.command_line:
        out.append(f"<pre><code>{_e(r.command_line)}</code></pre>")
    if r.spec_hashes:
        out.append(_table(["spec file", "SHA-256"], [[_code(p), _code(h)] for p, h in r.spec_hashes]))
    out += ["</body>", "</html>"]
    return "\n".join(out) + "\n"
