"""A counterexample as an inline SVG sequence chart.

One vertical lane per (CPU, context) pair in order of first appearance, time flowing
downward, one box per step in its lane labelled with the innermost function and the
statement, dashed arrows where control moves to another lane (preemption, interrupt,
return), changed variables to the right, the violating step in red (a reach goal's
last step in green).  Plain SVG text, no scripts, no external references; ``<title>``
elements carry the full call chain and location as tooltips.
"""

from __future__ import annotations

import re
from html import escape

from explorer.verdict import Trace, TraceStep

FONT = "ui-monospace, SFMono-Regular, Menlo, Consolas, 'DejaVu Sans Mono', monospace"
CHAR_W = 7.3  # px per character at FONT_SIZE (DejaVu Sans Mono is 7.22 px at 12 px)
FONT_SIZE = 12
SMALL = 11
ROW_H = 50
BOX_H = 38
HEAD_H = 44
TOP = 10
NUM_W = 34
GAP = 16
CHANGES_MAX_CHARS = 46
PAGE_W = 1120  # the HTML report's content width

LANE_COLOURS = ("#2563eb", "#7c3aed", "#d97706", "#059669", "#db2777", "#0891b2", "#65a30d")
RED = "#dc2626"
RED_FILL = "#fee2e2"
GREY = "#6b7280"
GREEN = "#15803d"
GREEN_FILL = "#dcfce7"


def lanes(trace: Trace) -> list[tuple[str | None, str]]:
    """The (CPU, context) pairs of ``trace`` in order of first appearance."""
    seen: dict[tuple[str | None, str], None] = {}
    for s in trace.steps:
        seen.setdefault((s.cpu, s.context), None)
    return list(seen)


def _clip(text: str, chars: int) -> str:
    chars = max(chars, 2)
    return text if len(text) <= chars else text[: chars - 1] + "…"


def _t(text: str) -> str:
    return escape(text, quote=True)


def _lane_label(lane: tuple[str | None, str]) -> str:
    cpu, ctx = lane
    return f"{cpu} · {ctx}" if cpu else ctx


def _step_title(position: int, step: TraceStep) -> str:
    lines = [f"#{position} {step.cpu or '-'} {step.context}", " > ".join(step.chain), step.statement]
    if step.location:
        lines.append(f"at {step.location}")
    if step.citation:
        lines.append(f"// {step.citation}")
    if step.violation is not None:
        lines.append(f"✗ {step.violation}")
    return "\n".join(lines)


def _change_lines(step: TraceStep, reach: bool) -> list[tuple[str, bool]]:
    """At most two lines for the changes column: (text, is the violation flag)."""
    changes = [f"{n}: {a} → {b}" for n, a, b in step.changes]
    if step.violation is not None:
        flag = ("★ " if reach else "✗ ") + step.violation
        return ([(", ".join(changes), False)] if changes else []) + [(flag, True)]
    if len(changes) <= 2:
        return [(c, False) for c in changes]
    return [(changes[0], False), (", ".join(changes[1:]), False)]


def _id(prefix: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "_", prefix) or "chart"


def sequence_chart(trace: Trace, *, chart_id: str = "chart", title: str = "", reach: bool = False) -> str:
    """The ``<svg>`` element for ``trace`` (empty string for an empty trace).
    ``chart_id`` must be unique in the page (it prefixes marker ids)."""
    steps = trace.steps
    if not steps:
        return ""
    cid = _id(chart_id)
    lane_list = lanes(trace)
    lane_index = {lane: i for i, lane in enumerate(lane_list)}
    longest = max(
        [len(_lane_label(l)) for l in lane_list]
        + [len(s.statement) for s in steps]
        + [len(s.chain[-1]) + 4 if s.chain else 0 for s in steps]
    )
    lane_w = int(min(max(longest * CHAR_W + 40, 170), 300))
    box_chars = int((lane_w - 24 - 14) / CHAR_W)  # the box is lane_w - 24 wide, text inset 6
    widest_change = max((len(t) for s in steps for t, _ in _change_lines(s, reach)), default=0)
    lanes_x = NUM_W
    changes_x = lanes_x + lane_w * len(lane_list) + GAP
    # The changes column may use what the page leaves beside the lanes, never less
    # than CHANGES_MAX_CHARS.
    change_chars = max(CHANGES_MAX_CHARS, int((PAGE_W - changes_x - 20) / CHAR_W))
    changes_w = int(min(widest_change, change_chars) * CHAR_W) + 20
    width = changes_x + max(changes_w, 60)
    first_row = TOP + HEAD_H + 14
    height = first_row + ROW_H * len(steps) + 6
    bad_colour = GREEN if reach else RED

    out = [
        f'<svg class="seq" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="{_t(FONT)}" font-size="{FONT_SIZE}">'
    ]
    if title:
        out.append(f"<title>{_t(title)}</title>")
    out.append(
        "<defs>"
        f'<marker id="{cid}-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse">'
        f'<path d="M0,0 L10,5 L0,10 z" fill="{GREY}"/></marker>'
        "</defs>"
    )
    out.append(f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>')

    # Lane headers and lifelines.
    for i, lane in enumerate(lane_list):
        colour = LANE_COLOURS[i % len(LANE_COLOURS)]
        x = lanes_x + i * lane_w
        cx = x + lane_w / 2
        out.append(
            f'<rect x="{x + 6}" y="{TOP}" width="{lane_w - 12}" height="{HEAD_H - 12}" rx="6" '
            f'fill="{colour}"/>'
        )
        out.append(
            f'<text x="{cx}" y="{TOP + (HEAD_H - 12) / 2 + 4}" text-anchor="middle" fill="#ffffff" '
            f'font-weight="bold">{_t(_clip(_lane_label(lane), box_chars))}</text>'
        )
        out.append(
            f'<line x1="{cx}" y1="{TOP + HEAD_H - 12}" x2="{cx}" y2="{height - 4}" stroke="{colour}" '
            'stroke-opacity="0.35" stroke-width="2" stroke-dasharray="4 4"/>'
        )
    out.append(
        f'<text x="{changes_x}" y="{TOP + (HEAD_H - 12) / 2 + 4}" fill="{GREY}" '
        f'font-weight="bold">changes</text>'
    )

    # Connectors between lanes, drawn first so that boxes cover their ends.
    prev_box: tuple[float, float] | None = None
    for pos, step in enumerate(steps):
        lane = lane_index[(step.cpu, step.context)]
        x = lanes_x + lane * lane_w
        y = first_row + pos * ROW_H
        if prev_box is not None:
            px, py, plane = prev_box
            if plane != lane:
                sx = px + (lane_w - 24 if lane > plane else 0) + 12
                ex = x + (12 if lane > plane else lane_w - 12)
                sy = py + BOX_H / 2
                ey = y + BOX_H / 2
                out.append(
                    f'<path d="M{sx},{sy} C{(sx + ex) / 2},{sy} {(sx + ex) / 2},{ey} {ex},{ey}" '
                    f'fill="none" stroke="{GREY}" stroke-width="1.5" stroke-dasharray="5 4" '
                    f'marker-end="url(#{cid}-arrow)"/>'
                )
        prev_box = (x, y, lane)

    # Steps.
    for pos, step in enumerate(steps):
        lane = lane_index[(step.cpu, step.context)]
        colour = LANE_COLOURS[lane % len(LANE_COLOURS)]
        x = lanes_x + lane * lane_w + 12
        y = first_row + pos * ROW_H
        w = lane_w - 24
        bad = step.violation is not None
        stroke = bad_colour if bad else colour
        fill = (GREEN_FILL if reach else RED_FILL) if bad else "#f8fafc"
        # The innermost kernel function; a thread's own body (no call) is named by its
        # context, without the parentheses of a call.
        func = step.chain[-1] + "()" if step.chain else step.context
        out.append(f'<g class="step{" violation" if bad else ""}">')
        out.append(f"<title>{_t(_step_title(pos + 1, step))}</title>")
        out.append(
            f'<text x="{NUM_W - 6}" y="{y + BOX_H / 2 + 4}" text-anchor="end" fill="{GREY}" '
            f'font-size="{SMALL}">#{pos + 1}</text>'
        )
        out.append(
            f'<rect x="{x}" y="{y}" width="{w}" height="{BOX_H}" rx="4" fill="{fill}" '
            f'stroke="{stroke}" stroke-width="{2.5 if bad else 1.2}"/>'
        )
        out.append(
            f'<text x="{x + 6}" y="{y + 15}" font-weight="bold" fill="{stroke if bad else "#111827"}">'
            f"{_t(_clip(func, box_chars))}</text>"
        )
        out.append(
            f'<text x="{x + 6}" y="{y + 31}" fill="{bad_colour if bad else "#374151"}">'
            f"{_t(_clip(step.statement, box_chars))}</text>"
        )
        lines = _change_lines(step, reach)
        for j, (text, is_flag) in enumerate(lines):
            weight = ' font-weight="bold"' if is_flag else ""
            out.append(
                f'<text x="{changes_x}" y="{y + 15 + 16 * j}" font-size="{SMALL}" '
                f'fill="{bad_colour if is_flag else "#111827"}"{weight}>'
                f"{_t(_clip(text, change_chars))}</text>"
            )
        out.append("</g>")
    out.append("</svg>")
    return "\n".join(out)
