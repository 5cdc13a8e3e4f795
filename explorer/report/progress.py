"""Live progress of a run of many jobs, drawn with rich on stderr.

While the jobs run: one line per running job (variant, property, engine, depth or states
so far, elapsed time) under a count of the jobs done; each finished job becomes a line
of its own above them (its verdict in the words of the table), and the live part is gone
when the run ends, so nothing of it is left between the finished lines and what follows.
"""

from __future__ import annotations

import time
from typing import Any, IO, Sequence

from rich.console import Console, Group
from rich.live import Live
from rich.table import Table
from rich.text import Text

from explorer.report.phrases import matrix_cell, verdict_text
from explorer.verdict import Verdict

STYLE = {"✗": "red", "✓": "green", "?": "yellow"}


def figures_text(figures: dict[str, Any]) -> str:
    """``depth 12, 3,456 states`` from whatever figures an engine reported."""
    parts = []
    for key, label in (("depth", "depth"), ("k", "k")):
        if isinstance(figures.get(key), int):
            parts.append(f"{label} {figures[key]}")
    if isinstance(figures.get("states"), int):
        parts.append(f"{figures['states']:,} states")
    return ", ".join(parts)


def finished_text(label: Any, result: Any, elapsed: float) -> tuple[str, str]:
    """(mark, line) for a finished job; a vacuity analysis has no verdict."""
    if isinstance(result, Verdict):
        mark = matrix_cell(result)[:1]
        return mark, f"{result.variant}  {result.property}  {verdict_text(result)}  ({result.time_s:.1f} s)"
    return "·", f"{label.variant}  vacuity analysed  ({elapsed:.1f} s)"


class LiveProgress:
    """A ``run.Monitor`` that draws on ``stream`` (a terminal)."""

    def __init__(self, stream: IO[str], color: bool, width: int | None = None) -> None:
        self.console = Console(file=stream, force_terminal=True, no_color=not color,
                               color_system="standard" if color else None, width=width,
                               highlight=False)
        self.labels: list[Any] = []
        self.started_at: dict[int, float] = {}
        self.figures_of: dict[int, dict] = {}
        self.done: set[int] = set()
        self.live: Live | None = None
        self.t0 = time.monotonic()

    # run.Monitor
    def begin(self, labels: Sequence[Any]) -> None:
        self.labels = list(labels)
        self.t0 = time.monotonic()
        self.live = Live(self._render(), console=self.console, transient=True,
                         refresh_per_second=4, get_renderable=self._render)
        self.live.start()

    def end(self) -> None:
        if self.live is not None:
            self.live.stop()
            self.live = None

    def started(self, position: int) -> None:
        if position not in self.done:
            self.started_at.setdefault(position, time.monotonic())

    def figures(self, position: int, figures: dict) -> None:
        self.figures_of[position] = {**self.figures_of.get(position, {}), **figures}

    def finished(self, position: int, result: Any) -> None:
        self.done.add(position)
        start = self.started_at.pop(position, None)
        elapsed = time.monotonic() - start if start is not None else 0.0
        mark, line = finished_text(self.labels[position], result, elapsed)
        self.console.print(Text(f"{mark} {line}", style=STYLE.get(mark, "")), soft_wrap=False,
                           overflow="ellipsis", no_wrap=True)

    def _render(self) -> Group:
        now = time.monotonic()
        head = Text(f"{len(self.done)}/{len(self.labels)} jobs done, {now - self.t0:.0f} s", style="bold")
        table = Table.grid(padding=(0, 2))
        for _ in range(5):
            table.add_column(no_wrap=True, overflow="ellipsis")
        for position, start in sorted(self.started_at.items()):
            label = self.labels[position]
            figures = self.figures_of.get(position, {})
            engine = str(figures.get("engine", label.engine))
            table.add_row(label.variant, label.property, engine, figures_text(figures),
                          f"{now - start:.0f} s")
        return Group(head, table)
