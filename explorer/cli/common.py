"""What the commands share: exit codes, option parsing, and turning errors into exit codes.

Exit codes follow TLC and Apalache: 0 every property holds (to the bound, or proved)
and every reach goal is reached; 12 a property is violated or a goal is not reached;
3 a verdict is unknown (timeout, solver gave up) or vacuous (the property checks nothing); 150 an error in a spec; 2 a usage
error (unknown option or property, bad parameter, bound below 1).
"""

from __future__ import annotations

import math
import os
import sys
from contextlib import contextmanager
from typing import Iterator, NoReturn

import typer

from explorer.app import ENGINE_NAMES, REDUCTION_NAMES
from explorer.app.specs import LoadTimeout, ParamError, SpecError, UsageError
from explorer.verdict import Verdict

EXIT_OK, EXIT_USAGE, EXIT_UNKNOWN, EXIT_VIOLATED, EXIT_SPEC = 0, 2, 3, 12, 150
EXIT_INTERRUPTED, EXIT_TERMINATED = 130, 143
ENGINE_HELP = ", ".join(ENGINE_NAMES[:-1]) + " or " + ENGINE_NAMES[-1] + "."


def fail(message: str, code: int) -> NoReturn:
    typer.echo(message, err=True)
    raise typer.Exit(code)


@contextmanager
def exit_codes() -> Iterator[None]:
    """Errors of a spec or of an option as a message and their exit code."""
    try:
        yield
    except ParamError as err:
        fail(str(err), EXIT_USAGE)
    except SpecError as err:
        fail(str(err), EXIT_SPEC)
    except UsageError as err:
        fail(f"error: {err}", EXIT_USAGE)
    except LoadTimeout as err:
        fail(f"unknown: {err}", EXIT_UNKNOWN)


def spec_paths(paths: list[str]) -> list[str]:
    """The SPEC arguments, each an existing file (a missing one is a usage error, exit 2;
    a missing file that a spec includes is an error of that spec, exit 150)."""
    for path in paths:
        if not os.path.exists(path):
            fail(f"error: no such spec file: {path}", EXIT_USAGE)
        if os.path.isdir(path):
            fail(f"error: {path} is a directory, not a spec file", EXIT_USAGE)
    return paths


def seconds(value: float | None) -> float | None:
    """``--timeout``: a number of seconds; ``inf`` means no limit."""
    if value is None or math.isinf(value):
        return None
    if math.isnan(value) or value <= 0:
        raise typer.BadParameter("takes a positive number of seconds (or inf)")
    return value


MEMORY_UNITS = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}


def memory_size(value: str | None) -> int | None:
    """``--memory``: bytes, with an optional K, M, G or T suffix (binary units)."""
    if value is None:
        return None
    text = value.strip().upper().removesuffix("B").removesuffix("I")
    unit = text[-1:] if text[-1:] in MEMORY_UNITS and text[-1:] else ""
    number = text[:len(text) - len(unit)]
    try:
        size = float(number) * MEMORY_UNITS[unit]
    except ValueError:
        raise typer.BadParameter(f"takes a size such as 4G or 512M, got {value!r}") from None
    if not math.isfinite(size) or size < 1 << 20:
        raise typer.BadParameter(f"takes a size of at least 1M, got {value!r}")
    return int(size)


REDUCTION_HELP = ("How exhaustive search reduces the states it stores: symmetry (one state per orbit of "
                  "interchangeable tasks and CPUs, found and checked automatically), por (partial-order "
                  "reduction: a state follows only a stubborn set of its steps, re-checked by the trust gate; "
                  "checks only, explore counts every state), all (both) or none (every state).")


def reduction_kind(value: str) -> str:
    """``--reduction``: one of the reductions the exhaustive engine has."""
    if value not in REDUCTION_NAMES:
        raise typer.BadParameter(f"{value!r} is not a reduction; expected one of: {', '.join(REDUCTION_NAMES)}")
    return value


MEMORY_HELP = "Memory an exhaustive search may use per job, e.g. 4G or 512M (default: 80 % of the machine, shared by the parallel jobs); past it the verdict is unknown (memory)."


def check_engine(engine: str) -> str:
    if engine not in ENGINE_NAMES:
        fail(f"error: unknown engine {engine!r}; expected one of: {', '.join(ENGINE_NAMES)}", EXIT_USAGE)
    from explorer.app.export import missing_tool

    why = missing_tool(engine)
    if why is not None:  # a peer engine whose program is not installed
        fail(f"error: engine {engine}: {why}", EXIT_USAGE)
    return engine


def parse_params(pairs: list[str] | None) -> dict[str, str]:
    out: dict[str, str] = {}
    for pair in pairs or []:
        if "=" not in pair:
            fail(f"error: --param takes name=value, got {pair!r}", EXIT_USAGE)
        name, value = pair.split("=", 1)
        out[name.strip()] = value.strip()
    return out


def progress_printer(enabled: bool):
    if not enabled or not sys.stderr.isatty():
        return None

    def show(figures: dict) -> None:
        parts = [f"{k}={v:.0f}" if isinstance(v, float) else f"{k}={v}" for k, v in figures.items()]
        sys.stderr.write("\r" + " ".join(parts)[:100].ljust(100))
        sys.stderr.flush()

    return show


PARAM_HELP = ("Set a spec parameter: name=value (repeatable); name=v1,v2,... sweeps it: every "
              "combination of the swept values is an instance of each spec, checked and shown "
              "as a variant of its own (compare: a column each).")
RAY_HELP = ("Run the jobs on the Ray cluster at this address (auto, host:port, ray://host:port, or "
            "local for a Ray instance on this machine); needs pip install 'explorer[distributed]'.")
COLOR_HELP = ("Colour: auto (on a terminal, unless NO_COLOR is set), always or never; also "
              "for the live progress on stderr.")
TRACES_HELP = ("Which traces to print after the table: violated (counterexamples of the "
               "properties that fail, the default), all (also the witnesses of reach goals), none.")


def check_choice(option: str, value: str, choices: tuple[str, ...]) -> str:
    if value not in choices:
        fail(f"error: {option} takes one of: {', '.join(choices)}; got {value!r}", EXIT_USAGE)
    return value


def live_progress(color: str):
    """The live display of a run of many jobs, on stderr when it is a terminal (None
    otherwise)."""
    from explorer.report.progress import LiveProgress
    from explorer.report.terminal import interactive, use_color, width

    if not interactive(sys.stderr):
        return None
    return LiveProgress(sys.stderr, use_color(color, sys.stderr), width(sys.stderr))


def exit_code(verdicts: list[Verdict]) -> int:
    if any(v.failed for v in verdicts):
        return EXIT_VIOLATED
    if not all(v.passed for v in verdicts):  # unknown, or vacuous
        return EXIT_UNKNOWN
    return EXIT_OK
