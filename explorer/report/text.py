"""Terminal text: counterexamples as kernel call-chain traces, and what ``explorer check``
prints (the verdict table of ``table``, then the traces, then the warnings)."""

from __future__ import annotations

from explorer.report.phrases import proof_text, verdict_text
from explorer.report.table import verdict_table
from explorer.verdict import Proved, Trace, TraceStep, Verdict, Violated

ELLIPSIS = "…"
CHAIN_SEP = " > "
DIM = "\x1b[2m"
RED = "\x1b[31m"
BOLD = "\x1b[1m"
RESET = "\x1b[0m"

def headline(verdict: Verdict) -> str:
    """``VIOLATED at depth 5`` or, for a reach goal's witness, ``REACHED at depth 9``."""
    outcome = verdict.outcome
    if isinstance(outcome, Violated) and verdict.kind == "reach":
        return f"REACHED at depth {outcome.depth}"
    return verdict_text(verdict)


def truncate_chain(chain: tuple[str, ...] | list[str], width: int | None) -> str:
    """Join a call chain with `` > ``; past ``width`` drop outer functions from the left
    (shown as ``…``), never the innermost one."""
    parts = list(chain)
    text = CHAIN_SEP.join(parts)
    if width is None or len(text) <= width or len(parts) <= 1:
        return text
    while len(parts) > 1:
        parts.pop(0)
        text = ELLIPSIS + CHAIN_SEP + CHAIN_SEP.join(parts)
        if len(text) <= width:
            break
    return text


def changes_text(step: TraceStep) -> str:
    """``name: old → new`` joined by ``, ``."""
    return ", ".join(f"{name}: {old} → {new}" for name, old, new in step.changes)


def step_number(position: int) -> str:
    return f"#{position}"


def trace_lines(
    trace: Trace,
    *,
    reach: bool = False,
    show_location: bool = False,
    chain_width: int | None = 60,
    color: bool = False,
) -> list[str]:
    """One aligned line per step: number, CPU, context, call chain, statement, changes
    (or ``✗ <violation>`` on the violating step).  Steps are numbered from 1 by
    position.  ``show_location`` adds a dim line per step with the spec location and the
    citation; ``color`` uses ANSI escapes (dim location lines, red violation)."""
    steps = trace.steps
    if not steps:
        return []
    numbers = [step_number(i + 1) for i in range(len(steps))]
    cpus = [s.cpu or "-" for s in steps]
    chains = [truncate_chain(s.chain, chain_width) for s in steps]
    w_num = max(len(n) for n in numbers)
    w_cpu = max(len(c) for c in cpus)
    w_ctx = max(len(s.context) for s in steps)
    w_chain = max(len(c) for c in chains)
    w_stmt = max(len(s.statement) for s in steps)
    mark = "★" if reach else "✗"
    lines = []
    for number, cpu, chain, step in zip(numbers, cpus, chains, steps):
        tail = changes_text(step)
        if step.violation is not None:
            flag = f"{mark} {step.violation}"
            if color:
                flag = (RED if not reach else BOLD) + flag + RESET
            tail = f"{tail}   {flag}" if tail else flag
        head = f" {number:>{w_num}} {cpu:<{w_cpu}} {step.context:<{w_ctx}}  {chain:<{w_chain}}   "
        line = head + f"{step.statement:<{w_stmt}}   {tail}"
        lines.append(line.rstrip())
        if show_location:
            where = location_text(step)
            if where:
                indent = " " * (w_num + w_cpu + w_ctx + 5)  # under the chain column
                lines.append(indent + (f"{DIM}{where}{RESET}" if color else where))
    return lines


def location_text(step: TraceStep) -> str:
    """``at spec.kp:12:5  // citation`` (either part may be missing)."""
    parts = []
    if step.location:
        parts.append(f"at {step.location}")
    if step.citation:
        parts.append(f"// {step.citation}")
    return "  ".join(parts)


def trace_header(verdict: Verdict, description: str | None = None) -> str:
    """``wanpeng: VIOLATED at depth 5 (specs/kvm_fpu/v4.15.kp, preemption only)``."""
    inside = verdict.spec + (f", {description}" if description else "")
    return f"{verdict.property}: {headline(verdict)} ({inside})"


def trace_text(
    verdict: Verdict,
    description: str | None = None,
    *,
    show_location: bool = False,
    chain_width: int | None = 60,
    color: bool = False,
) -> str:
    """A counterexample (or a reach goal's witness) as a header and one line per step.
    Returns the empty string when the verdict carries no trace."""
    outcome = verdict.outcome
    if not isinstance(outcome, Violated):
        return ""
    header = trace_header(verdict, description)
    if color:
        header = BOLD + header + RESET
    body = trace_lines(
        outcome.trace,
        reach=verdict.kind == "reach",
        show_location=show_location,
        chain_width=chain_width,
        color=color,
    )
    return "\n".join([header, *body]) + "\n"


def traces_text(
    verdicts: list[Verdict] | tuple[Verdict, ...],
    description: str | None = None,
    *,
    show_location: bool = False,
    chain_width: int | None = 60,
    color: bool = False,
) -> str:
    """Every trace of ``verdicts``, separated by blank lines."""
    blocks = [
        trace_text(v, description, show_location=show_location, chain_width=chain_width, color=color)
        for v in verdicts
    ]
    return "\n".join(b for b in blocks if b)


def check_text(
    verdicts: list[Verdict] | tuple[Verdict, ...],
    description: str | None = None,
    *,
    show_location: bool = False,
    chain_width: int | None = 60,
    color: bool = False,
    tablefmt: str = "simple",
    warnings: bool = True,
) -> str:
    """What ``explorer check`` prints: the verdict table, then every trace, then (if
    ``warnings``) one ``warning: variant: property: text`` line per verdict warning."""
    out = verdict_table(verdicts, tablefmt=tablefmt) + "\n"
    traces = traces_text(
        verdicts, description, show_location=show_location, chain_width=chain_width, color=color
    )
    if traces:
        out += "\n" + traces
    for v in verdicts if warnings else ():
        for w in v.warnings:
            out += f"warning: {v.variant}: {v.property}: {w}\n"
    return out


def certificates_text(verdicts: list[Verdict] | tuple[Verdict, ...]) -> str:
    """The evidence of every proof: the inductive invariant in spec syntax (why the
    property holds), or what the proof rests on when it is not an invariant."""
    blocks = []
    for verdict in verdicts:
        outcome = verdict.outcome
        if not isinstance(outcome, Proved):
            continue
        cert = outcome.certificate
        head = f"{verdict.property}: proved ({proof_text(verdict)}) ({verdict.spec})"
        if cert.kind == "invariant":
            body = "\n".join("    " + line for line in cert.text.splitlines())
            blocks.append(f"{head}\n  inductive invariant, re-checked by a fresh solver "
                          f"(Init ⇒ Inv, Inv ∧ T ⇒ Inv′, Inv ⇒ ¬Bad):\n{body}")
        else:
            blocks.append(f"{head}\n  {cert.text}")
    return "\n\n".join(blocks) + ("\n" if blocks else "")
