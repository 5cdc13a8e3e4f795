"""Terminal text: counterexamples as kernel call-chain traces, and what ``explorer check``
prints (the verdict table of ``table``, then the traces, then the warnings)."""

from __future__ import annotations

import textwrap
from typing import Mapping, Sequence

from explorer.report.phrases import proof_text, verdict_text
from explorer.report.table import verdict_table
from explorer.report.warnings import grouped, normalise_path, warnings_text
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


NOTE_MARKS = {"cause": "cause:", "no_return": "⚑", "also_violated": "✗"}
"""How each kind of ``TraceNote`` is flagged in text."""


def owners_text(owners) -> str:
    """``qemu in user_fpu, vcpu.fpu; guest nowhere (lost)``."""
    return "; ".join(f"{owner} in {', '.join(places)}" if places else f"{owner} nowhere (lost)"
                     for owner, places in owners)


def note_lines(step: TraceStep) -> list[str]:
    """The lines a step carries below its changes: where the owners' data went, then its
    notes (cause, point of no return, another property failing)."""
    lines = [f"owners: {owners_text(step.owners)}"] if step.owners else []
    return lines + [f"{NOTE_MARKS.get(n.kind, '-')} {n.text}" for n in step.notes]


def trace_preamble(trace: Trace) -> list[str]:
    """What the trace says before its first step: where the owners' data starts, and the
    point of no return when it is the initial state or was not computed."""
    held = [(owner, places) for owner, places in trace.owners if places]
    lines = [f"owners at start: {owners_text(held)}"] if held else []
    if trace.no_return == 0:
        lines.append("⚑ point of no return: from the initial state every run ends in the violation")
    elif trace.no_return is None and trace.no_return_note:
        lines.append(f"⚑ point of no return {trace.no_return_note}")
    return lines


def step_number(position: int) -> str:
    return f"#{position}"


def _pack(items: list[str], room: int, sep: str = ", ") -> list[str]:
    """``items`` joined by ``sep`` into lines of at most ``room`` columns (an item longer
    than ``room`` gets a line of its own)."""
    lines: list[str] = []
    for item in items:
        if lines and len(lines[-1]) + len(sep) + len(item) <= room:
            lines[-1] += sep + item
        else:
            lines.append(item)
    return lines


def _tail_items(step: TraceStep, mark: str) -> list[str]:
    items = [f"{name}: {old} → {new}" for name, old, new in step.changes]
    if step.violation is not None:
        items.append(f"{mark} {step.violation}")
    return items


def _layout(steps, numbers, cpus, chain_width: int | None):
    chains = [truncate_chain(s.chain, chain_width) for s in steps]
    w_num = max(len(n) for n in numbers)
    w_cpu = max(len(c) for c in cpus)
    w_ctx = max(len(s.context) for s in steps)
    w_chain = max(len(c) for c in chains)
    w_stmt = max(len(s.statement) for s in steps)
    heads = [f" {n:>{w_num}} {c:<{w_cpu}} {s.context:<{w_ctx}}  {ch:<{w_chain}}   "
             for n, c, ch, s in zip(numbers, cpus, chains, steps)]
    return heads, w_stmt, w_num + w_cpu + w_ctx + 5


def _overflowing(heads, w_stmt, steps, mark, width) -> tuple[int, int]:
    """(steps whose statement does not fit on the first line, steps whose changes do
    not fit after it) at ``width`` columns."""
    statements = tails = 0
    for head, step in zip(heads, steps):
        if len(head) + len(step.statement) > width:
            statements += 1
            continue
        tail = "   ".join(filter(None, [changes_text(step),
                                         f"{mark} {step.violation}" if step.violation else ""]))
        if len(head) + w_stmt + 3 + len(tail) > width:
            tails += 1
    return statements, tails


MIN_CHAIN = 30


def trace_lines(
    trace: Trace,
    *,
    reach: bool = False,
    show_location: bool = False,
    chain_width: int | None = 60,
    color: bool = False,
    width: int | None = None,
) -> list[str]:
    """One aligned line per step: number, CPU, context, call chain, statement, changes
    (or ``✗ <violation>`` on the violating step).  Steps are numbered from 1 by
    position.  ``show_location`` adds a dim line per step with the spec location and the
    citation; ``color`` uses ANSI escapes (dim location lines, red violation).

    With ``width``, lines fit in that many columns: the call chains are cut from the
    left (down to ``MIN_CHAIN`` columns) as far as that keeps steps on one line, and the
    changes of a step that still does not fit go on lines of their own, under its
    statement."""
    steps = trace.steps
    if not steps:
        return []
    mark = "★" if reach else "✗"
    numbers = [step_number(i + 1) for i in range(len(steps))]
    cpus = [s.cpu or "-" for s in steps]
    heads, w_stmt, w_lead = _layout(steps, numbers, cpus, chain_width)
    if width is not None and chain_width is not None:
        best = None
        for cw in range(chain_width, MIN_CHAIN - 1, -1):
            layout = _layout(steps, numbers, cpus, cw)
            score = _overflowing(layout[0], layout[1], steps, mark, width)
            if best is None or score < best[0]:
                best = (score, layout)
            if score == (0, 0):
                break
        heads, w_stmt, w_lead = best[1]
    # continuation lines go under the statement column if every step's changes fit
    # there, else under the call chain (one indent for the whole trace)
    statement_indent = width is not None and all(
        width - len(head) >= 30 and len(head) + len(step.statement) <= width and all(len(item) <= width - len(head) for item in _tail_items(step, mark))
        for head, step in zip(heads, steps))
    lines = []
    for head, step in zip(heads, steps):
        items = _tail_items(step, mark)
        tail = "   ".join(filter(None, [changes_text(step),
                                         f"{mark} {step.violation}" if step.violation else ""]))
        if width is None or len(head) + w_stmt + 3 + len(tail) <= width or not items:
            rows = [(head + f"{step.statement:<{w_stmt}}   " + tail).rstrip()]
        elif len(head) + len(step.statement) > width:  # even the statement goes below
            room = max(20, width - w_lead)
            pieces = [piece for item in [step.statement, *items]
                      for piece in (textwrap.wrap(item, room) or [item])]
            rows = [head.rstrip()] + [" " * w_lead + part for part in pieces[:1] + _pack(pieces[1:], room)]
        else:
            indent = len(head) if statement_indent else w_lead
            room = max(20, width - indent)
            pieces = [piece for item in items for piece in (textwrap.wrap(item, room) or [item])]
            rows = [(head + step.statement).rstrip()]
            rows += [" " * indent + part for part in _pack(pieces, room)]
        if color and step.violation is not None:
            flag = f"{mark} {step.violation}"
            tone = RED if not reach else BOLD
            rows = [row.replace(flag, tone + flag + RESET) for row in rows]
        lines.extend(rows)
        indent = len(head) if statement_indent else w_lead
        for note in note_lines(step):
            parts = textwrap.wrap(note, max(20, width - indent), subsequent_indent="  ",
                                  break_on_hyphens=False) if width is not None else [note]
            if color and note.startswith(NOTE_MARKS["also_violated"]):
                parts = [RED + part + RESET for part in parts]
            lines.extend(" " * indent + part for part in parts)
        if show_location:
            where = location_text(step)
            if where:
                indent = " " * w_lead  # under the chain column
                parts = textwrap.wrap(where, max(20, width - w_lead - 2), subsequent_indent="  ") \
                    if width is not None else [where]
                lines.extend(indent + (f"{DIM}{part}{RESET}" if color else part) for part in parts)
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
    inside = normalise_path(verdict.spec) + (f", {description}" if description else "")
    return f"{verdict.property}: {headline(verdict)} ({inside})"


def trace_text(
    verdict: Verdict,
    description: str | None = None,
    *,
    show_location: bool = False,
    chain_width: int | None = 60,
    color: bool = False,
    width: int | None = None,
) -> str:
    """A counterexample (or a reach goal's witness) as a header and one line per step,
    fitting ``width`` columns if given.  Returns the empty string when the verdict
    carries no trace."""
    outcome = verdict.outcome
    if not isinstance(outcome, Violated):
        return ""
    header = trace_header(verdict, description)
    heads = textwrap.wrap(header, width, subsequent_indent="    ") if width else [header]
    if color:
        heads = [BOLD + h + RESET for h in heads]
    lead = " " * 4
    heads += [lead + part for line in trace_preamble(outcome.trace)
              for part in (textwrap.wrap(line, width - len(lead), subsequent_indent="  ",
                                         break_on_hyphens=False) if width else [line])]
    body = trace_lines(
        outcome.trace,
        reach=verdict.kind == "reach",
        show_location=show_location,
        chain_width=chain_width,
        color=color,
        width=width,
    )
    return "\n".join([*heads, *body]) + "\n"


TRACE_CHOICES = ("violated", "all", "none")
"""``--traces``: the counterexamples of violated properties (the default), those and the
witnesses of reach goals that were reached, or none."""


def shown(verdict: Verdict, traces: str = "all") -> bool:
    """Whether ``--traces traces`` prints the trace of ``verdict`` (if it has one)."""
    if not isinstance(verdict.outcome, Violated) or traces == "none":
        return False
    return traces == "all" or verdict.failed


def described(description: str | Mapping[str, str] | None, verdict: Verdict) -> str | None:
    """The parameter description of ``verdict``'s instance: one for all, or by variant
    (the instances of a sweep)."""
    if isinstance(description, Mapping):
        return description.get(verdict.variant)
    return description


def traces_text(
    verdicts: list[Verdict] | tuple[Verdict, ...],
    description: str | Mapping[str, str] | None = None,
    *,
    show_location: bool = False,
    chain_width: int | None = 60,
    color: bool = False,
    width: int | None = None,
    traces: str = "all",
) -> str:
    """The traces of ``verdicts`` that ``traces`` selects, separated by blank lines."""
    blocks = [
        trace_text(v, described(description, v), show_location=show_location,
                   chain_width=chain_width, color=color, width=width)
        for v in verdicts if shown(v, traces)
    ]
    return "\n".join(b for b in blocks if b)


def check_text(
    verdicts: list[Verdict] | tuple[Verdict, ...],
    description: str | Mapping[str, str] | None = None,
    *,
    show_location: bool = False,
    chain_width: int | None = 60,
    color: bool = False,
    tablefmt: str = "simple",
    warnings: bool = True,
    notes: Sequence[tuple[str, str]] = (),
    traces: str = "all",
    width: int | None = None,
    quiet: bool = False,
) -> str:
    """What ``explorer check`` prints: the verdict table (fitting ``width``), then the
    traces ``traces`` selects, then (if ``warnings``) the warnings of the verdicts and the
    ``notes`` ((variant, text) about a spec as a whole), each once (see
    ``report.warnings``).  ``quiet``: the table alone."""
    out = verdict_table(verdicts, tablefmt=tablefmt, width=width, color=color) + "\n"
    if quiet:
        return out
    text = traces_text(verdicts, description, show_location=show_location,
                       chain_width=chain_width, color=color, width=width, traces=traces)
    if text:
        out += "\n" + text
    if warnings:
        said = warnings_text(grouped(warning_items(verdicts, notes)), width)
        if said:
            out += "\n" + said
    return out


def warning_items(verdicts: Sequence[Verdict], notes: Sequence[tuple[str, str]] = ()
                  ) -> list[tuple[str, str | None, str]]:
    """(variant, property, text) for every warning of ``verdicts`` and every note."""
    items = [(v.variant, v.property, w) for v in verdicts for w in v.warnings]
    return items + [(variant, None, note) for variant, note in notes]


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
