"""A proof report as plain text in 80 columns (``explorer report --format txt``): for a
mail, a commit message or a review comment.

The variant and what it is, the verdict table, the verdicts the variant flips against its
base, the patch (a line diff of each replaced function against the base), the counterexamples of the properties that fail (call chains cut to fit), the
warnings (each once), and the command that reproduces the report; no line is longer
than ``WIDTH`` columns and nothing is coloured.
"""

from __future__ import annotations

import textwrap

from explorer.report.inputs import ReportInput
from explorer.report.phrases import matrix_cell
from explorer.report.table import verdict_table
from explorer.report.text import traces_text, warning_items
from explorer.report.warnings import grouped, normalise_path, warnings_text

WIDTH = 80


def _wrap(text: str, indent: str = "    ") -> list[str]:
    return textwrap.wrap(text, WIDTH, subsequent_indent=indent, break_on_hyphens=False) or [""]


def _diff_rows(row: str) -> list[str]:
    """A diff line cut into ``WIDTH``-column rows; a continuation row keeps the line's
    ``+``/``-``/`` `` mark and says it continues (``…``)."""
    if len(row) <= WIDTH:
        return [row]
    mark = row[:1] if row[:1] in "+- " else " "
    return [row[:WIDTH].rstrip()] + [f"{mark}…{part}".rstrip() for part in
                            textwrap.wrap(row[WIDTH:], WIDTH - 2, drop_whitespace=False)]


def render_text(report: ReportInput) -> str:
    """The report as plain text, every line at most ``WIDTH`` columns."""
    head = f"{report.variant}: {report.description}" if report.description else report.variant
    lines = _wrap(head)
    lines += _wrap(f"spec: {normalise_path(report.spec)}"
                   + (f", extends {report.base}" if report.base else "")
                   + (f" ({report.settings})" if report.settings else ""))
    if report.replaces:
        lines += _wrap("replaces: " + ", ".join(report.replaces))
    if report.removes:
        lines += _wrap("removes: " + ", ".join(report.removes))
    lines += ["", verdict_table(report.verdicts, width=WIDTH, with_time=report.timings)]
    if report.flips:
        lines += ["", f"against {report.base}:"]
        lines += [f"  {f.property}: {matrix_cell(f.base)} -> {matrix_cell(f.variant)}" for f in report.flips]
    for name, diff in report.patch:
        lines += ["", f"patch of {name}() against {report.base}:"]
        lines += [part for row in diff.splitlines() for part in _diff_rows(row)]
    traces = traces_text(report.verdicts, report.settings or None, width=WIDTH, traces="violated")
    if traces:
        lines += ["", traces.rstrip("\n")]
    said = warnings_text(grouped(warning_items(report.verdicts, [(report.variant, n) for n in report.notes])),
                         WIDTH)
    if said:
        lines += ["", said.rstrip("\n")]
    command = report.reproducibility.command_line
    if command:
        lines += ["", "reproduce with:"] + _wrap("  " + command, "      ")
    return "\n".join(lines) + "\n"
