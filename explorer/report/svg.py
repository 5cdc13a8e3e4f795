"""A counterexample as an inline SVG sequence chart.

One vertical lane per (CPU, context) pair in order of first appearance, then one for
every task that takes no step (so every task has a lane), time flowing downward, one box
per step in its lane labelled with the innermost function and the statement, dashed
arrows where control moves to another lane (preemption, interrupt, return), changed
variables and what points at the cause (owners, notes) to the right, the violating step
in red (a reach goal's last step in green).  Plain SVG text, no scripts, no external
references; ``<title>`` elements carry the full call chain and location as tooltips.

No text is ever cut: text longer than its box or column wraps onto more lines, and a row
is as tall as its longest cell.  Widths are estimated per character of the monospace font
(``CHAR_W``; ``SMALL_W`` at the small size); lanes share what the page leaves beside the
changes column, down to ``MIN_LANE_W`` (past that the chart is wider than the page and
scrolls).
"""

from __future__ import annotations

import re
from html import escape

from explorer.report.text import note_lines
from explorer.verdict import Trace, TraceStep

FONT = "ui-monospace, SFMono-Regular, Menlo, Consolas, 'DejaVu Sans Mono', monospace"
CHAR_W = 7.3  # px per character at FONT_SIZE (DejaVu Sans Mono is 7.22 px at 12 px)
FONT_SIZE = 12
SMALL = 11
SMALL_W = 6.7  # px per character at SMALL (6.62 px)
LINE_H = 16
ROW_GAP = 12
HEAD_LINE = 16
MIN_LANE_W = 170
MAX_LANE_W = 300
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
    """The (CPU, context) pairs of ``trace`` in order of first appearance, then
    ``(None, task)`` for every task of the model that takes no step."""
    seen: dict[tuple[str | None, str], None] = {}
    for s in trace.steps:
        seen.setdefault((s.cpu, s.context), None)
    contexts = {context for _, context in seen}
    for task in trace.tasks:
        if task not in contexts:
            seen.setdefault((None, task), None)
    return list(seen)


_PIECES = re.compile(r".*?(?:[\s(,.>_]|$)")


def wrap(text: str, chars: int) -> list[str]:
    """``text`` in lines of at most ``chars`` characters, never cut: broken after a space,
    ``(``, ``,``, ``.`` or ``>`` where it can be (code reads better so), inside a word only
    where a word alone is longer than a line."""
    chars = max(chars, 4)
    lines: list[str] = []
    for piece in (p for p in _PIECES.findall(text) if p):
        if lines and len(lines[-1]) + len(piece.rstrip()) <= chars:
            lines[-1] += piece
            continue
        piece = piece.lstrip() if lines else piece
        while len(piece.rstrip()) > chars:
            lines.append(piece[:chars])
            piece = piece[chars:]
        lines.append(piece)
    return [line.rstrip() for line in lines if line.strip()] or [""]


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


def _change_items(step: TraceStep, reach: bool) -> list[tuple[str, str]]:
    """The changes column of a step: (text, kind) with kind ``change``, ``flag`` (the
    violation), ``bad`` (another property failing) or ``note``."""
    items = [(f"{n}: {a} → {b}", "change") for n, a, b in step.changes]
    if step.violation is not None:
        items.append((("★ " if reach else "✗ ") + step.violation, "flag"))
    for line in note_lines(step):
        items.append((line, "bad" if line.startswith("✗") else "note"))
    return items


def _id(prefix: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "_", prefix) or "chart"


def _layout(trace: Trace, reach: bool):
    """Each lane's x and width, characters per box line, the changes column's x and its
    characters per line.  A lane whose task takes no step is as wide as its label; the
    others share what the page leaves beside the changes column."""
    lane_list = lanes(trace)
    stepped = {(s.cpu, s.context) for s in trace.steps}
    steps = trace.steps
    idle_w = {l: int(max(len(l[1]), len("(no step)")) * CHAR_W + 28) for l in lane_list if l not in stepped}
    longest = max([len(s.statement) for s in steps] + [len(s.chain[-1]) + 4 if s.chain else 0 for s in steps])
    widest_change = max((len(t) for s in steps for t, _ in _change_items(s, reach)), default=0)
    changes_room = int(min(widest_change, CHANGES_MAX_CHARS) * SMALL_W) + 20
    busy = max(len(lane_list) - len(idle_w), 1)
    fit = (PAGE_W - NUM_W - GAP - changes_room - sum(idle_w.values())) // busy
    lane_w = int(max(MIN_LANE_W, min(MAX_LANE_W, longest * CHAR_W + 40, fit)))
    box_chars = int((lane_w - 24 - 12) / CHAR_W)  # the box is lane_w - 24 wide, text inset 6
    xs, widths, x = [], [], NUM_W
    for lane in lane_list:
        xs.append(x)
        widths.append(idle_w.get(lane, lane_w))
        x += widths[-1]
    changes_x = x + GAP
    change_chars = max(CHANGES_MAX_CHARS, int((PAGE_W - changes_x - 20) / SMALL_W))
    return xs, widths, box_chars, changes_x, change_chars


def sequence_chart(trace: Trace, *, chart_id: str = "chart", title: str = "", reach: bool = False) -> str:
    """The ``<svg>`` element for ``trace`` (empty string for an empty trace).
    ``chart_id`` must be unique in the page (it prefixes marker ids)."""
    steps = trace.steps
    if not steps:
        return ""
    cid = _id(chart_id)
    lane_list = lanes(trace)
    lane_index = {lane: i for i, lane in enumerate(lane_list)}
    stepped = {(s.cpu, s.context) for s in steps}
    xs, widths, box_chars, changes_x, change_chars = _layout(trace, reach)
    labels = [wrap(_lane_label(l), int((w - 24) / CHAR_W)) if l in stepped else [l[1], "(no step)"]
              for l, w in zip(lane_list, widths)]
    head_box = HEAD_LINE * max(len(l) for l in labels) + 10
    head_h = head_box + 12
    # every step's cells, wrapped: the function and the statement in the box, the changes
    rows = []
    for step in steps:
        func = step.chain[-1] + "()" if step.chain else step.context
        box = [(line, True) for line in wrap(func, box_chars)] + \
              [(line, False) for line in wrap(step.statement, box_chars)]
        side = [(line, kind) for text, kind in _change_items(step, reach)
                for line in wrap(text, change_chars)]
        rows.append((box, side))
    heights = [max(len(box) * LINE_H + 6, len(side) * LINE_H) for box, side in rows]
    widest = max((len(line) for _, side in rows for line, _ in side), default=0)
    width = int(changes_x + max(widest * SMALL_W + 20, 60))
    first_row = TOP + head_h + 14
    tops = [first_row + sum(heights[:i]) + ROW_GAP * i for i in range(len(steps))]
    height = int(tops[-1] + heights[-1] + 10)
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
        colour = LANE_COLOURS[i % len(LANE_COLOURS)] if lane in stepped else GREY
        x, lane_w = xs[i], widths[i]
        cx = x + lane_w / 2
        out.append(f'<rect x="{x + 6}" y="{TOP}" width="{lane_w - 12}" height="{head_box}" rx="6" '
                   f'fill="{colour}"/>')
        for j, line in enumerate(labels[i]):
            out.append(f'<text x="{cx}" y="{TOP + 18 + HEAD_LINE * j}" text-anchor="middle" '
                       f'fill="#ffffff" font-weight="bold">{_t(line)}</text>')
        out.append(f'<line x1="{cx}" y1="{TOP + head_box}" x2="{cx}" y2="{height - 4}" stroke="{colour}" '
                   'stroke-opacity="0.35" stroke-width="2" stroke-dasharray="4 4"/>')
    out.append(f'<text x="{changes_x}" y="{TOP + 18}" fill="{GREY}" font-weight="bold">changes</text>')

    # Connectors between lanes, drawn first so that boxes cover their ends.
    prev: tuple[float, float, int] | None = None
    for pos, step in enumerate(steps):
        lane = lane_index[(step.cpu, step.context)]
        x, y = xs[lane], tops[pos]
        if prev is not None and prev[2] != lane:
            px, py, plane = prev
            sx = px + (widths[plane] - 24 if lane > plane else 0) + 12
            ex = x + (12 if lane > plane else widths[lane] - 12)
            sy, ey = py + 19, y + 19
            out.append(f'<path d="M{sx},{sy} C{(sx + ex) / 2},{sy} {(sx + ex) / 2},{ey} {ex},{ey}" '
                       f'fill="none" stroke="{GREY}" stroke-width="1.5" stroke-dasharray="5 4" '
                       f'marker-end="url(#{cid}-arrow)"/>')
        prev = (x, y, lane)

    # Steps.
    tones = {"change": "#111827", "flag": bad_colour, "bad": RED, "note": GREY}
    for pos, (step, (box, side)) in enumerate(zip(steps, rows)):
        lane = lane_index[(step.cpu, step.context)]
        colour = LANE_COLOURS[lane % len(LANE_COLOURS)]
        x, y = xs[lane] + 12, tops[pos]
        w, h = widths[lane] - 24, len(box) * LINE_H + 6
        bad = step.violation is not None
        stroke = bad_colour if bad else colour
        fill = (GREEN_FILL if reach else RED_FILL) if bad else "#f8fafc"
        out.append(f'<g class="step{" violation" if bad else ""}">')
        out.append(f"<title>{_t(_step_title(pos + 1, step))}</title>")
        out.append(f'<text x="{NUM_W - 6}" y="{y + 15}" text-anchor="end" fill="{GREY}" '
                   f'font-size="{SMALL}">#{pos + 1}</text>')
        out.append(f'<rect x="{x}" y="{y}" width="{w}" height="{h}" rx="4" fill="{fill}" '
                   f'stroke="{stroke}" stroke-width="{2.5 if bad else 1.2}"/>')
        for j, (line, is_func) in enumerate(box):
            tone = (stroke if bad else "#111827") if is_func else (bad_colour if bad else "#374151")
            weight = ' font-weight="bold"' if is_func else ""
            out.append(f'<text x="{x + 6}" y="{y + 15 + LINE_H * j}"{weight} fill="{tone}">{_t(line)}</text>')
        for j, (line, kind) in enumerate(side):
            weight = ' font-weight="bold"' if kind in ("flag", "bad") else ""
            out.append(f'<text x="{changes_x}" y="{y + 15 + LINE_H * j}" font-size="{SMALL}" '
                       f'fill="{tones[kind]}"{weight}>{_t(line)}</text>')
        out.append("</g>")
    out.append("</svg>")
    return "\n".join(out)
