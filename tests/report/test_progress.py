"""The live progress of a run of many jobs: what it draws, and when the CLI draws it."""

from __future__ import annotations

import io

from explorer.app.run import JobLabel
from explorer.report.progress import LiveProgress, figures_text
from explorer.report.terminal import use_color, width
from report.test_text import WANPENG


def test_finished_jobs_become_lines_and_the_live_part_goes():
    out = io.StringIO()
    live = LiveProgress(out, color=False, width=100)
    live.begin([JobLabel("v4.15", "wanpeng", "explicit"), JobLabel("v4.15", "(vacuity)", "explicit")])
    live.started(0)
    live.figures(0, {"states": 1234, "depth": 5})
    live.finished(0, WANPENG)
    live.started(1)
    live.finished(1, object())
    live.end()
    text = out.getvalue()
    assert "✗ v4.15  wanpeng  VIOLATED at depth 5" in text
    assert "· v4.15  vacuity analysed" in text
    assert "\x1b[31m" not in text  # no colour asked


def test_figures_text():
    assert figures_text({"states": 1234, "depth": 5, "states_per_s": 9.0}) == "depth 5, 1,234 states"
    assert figures_text({"engine": "k-induction", "k": 3}) == "k 3"


def test_colour_and_width_follow_the_options_and_the_environment(monkeypatch):
    class Tty(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.delenv("NO_COLOR", raising=False)
    assert use_color("auto", Tty()) and not use_color("auto", io.StringIO())
    assert use_color("always", io.StringIO()) and not use_color("never", Tty())
    monkeypatch.setenv("NO_COLOR", "1")
    assert not use_color("auto", Tty()) and use_color("always", Tty())
    monkeypatch.delenv("COLUMNS", raising=False)
    assert width(io.StringIO()) == 100
    monkeypatch.setenv("COLUMNS", "132")
    assert width(io.StringIO()) == 132


def test_the_pool_tells_a_monitor_when_each_task_starts_and_finishes():
    from explorer.app.pool import run_tasks

    seen = []

    class Events:
        def started(self, position):
            seen.append(("started", position))

        def figures(self, position, figures):
            seen.append(("figures", position))

        def finished(self, position, result):
            seen.append(("finished", position, result))

    results = run_tasks([Echo(1), Echo(2)], 2, lambda task, error: None, events=Events())
    assert results == [1, 2]
    assert [e for e in seen if e[0] == "finished"] in ([("finished", 0, 1), ("finished", 1, 2)],
                                                       [("finished", 1, 2), ("finished", 0, 1)])
    # a start may still be in the pipe when the run ends (the display misses nothing else)
    assert {e for e in seen if e[0] == "started"} <= {("started", 0), ("started", 1)}


class Echo:
    timeout_s = None

    def __init__(self, value):
        self.value = value

    def run(self, progress=None):
        progress({"depth": self.value})
        return self.value
