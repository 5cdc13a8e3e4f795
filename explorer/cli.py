"""The command line: options in, exit codes out, no logic of its own.

Exit codes follow TLC and Apalache: 0 every property holds (to the bound, or proved)
and every reach goal is reached; 12 a property is violated or a goal is not reached;
3 a verdict is unknown (timeout, solver gave up); 150 an error in a spec; 2 a usage
error (unknown option or property, bad parameter, bound below 1).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import List, Optional

import typer

from explorer import run
from explorer.cli_common import (
    EXIT_OK, EXIT_UNKNOWN, EXIT_USAGE, exit_code, fail, load_all, parse_params, progress_printer, select_properties,
    bundled_specs,
)
from explorer.lang import Spec
from explorer.report import json_out, table, text
from explorer.report.itf import write_itf
from explorer.verdict import Verdict

app = typer.Typer(
    add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
    help="Exhaustive state-space explorer for kernel code paths that hand a per-CPU "
         "register file between owners (x86 FPU state, QEMU, KVM guests).",
)


def _verdicts(specs: list[Spec], properties: list[str] | None, engine: str, bound: int,
              timeout: float | None, jobs: int, params: dict[str, str], json_output: bool,
              vacuity: bool, seed: int) -> tuple[list[Verdict], list[str]]:
    pairs = select_properties(specs, properties)
    work = [run.Job(spec.path, tuple(sorted(params.items())), name, engine, bound, timeout, seed)
            for spec, name in pairs]
    verdicts = run.run_jobs(work, jobs, progress_printer(not json_output))
    notes: list[str] = []
    for spec in specs if vacuity else ():
        verdicts, spec_notes = run.with_vacuity(spec, verdicts, timeout or 30.0)
        notes.extend(f"{spec.variant}: {note}" for note in spec_notes)
    return verdicts, notes


@app.command()
def check(
    specs: Optional[List[str]] = typer.Argument(None, help="Spec files (.kp); default: the bundled specs/kvm_fpu variants."),
    bound: int = typer.Option(20, "--bound", "-b", min=1, help="Depth (steps) up to which BMC searches."),
    property: Optional[List[str]] = typer.Option(None, "--property", "-p", help="Check only this property (repeatable)."),
    engine: str = typer.Option("auto", "--engine", "-e", help="auto, bmc, kind, pdr, explicit or houdini."),
    param: Optional[List[str]] = typer.Option(None, "--param", "-P", help="Override a spec parameter: name=value (repeatable)."),
    json_output: bool = typer.Option(False, "--json", help="Print one JSON document instead of text."),
    itf: Optional[Path] = typer.Option(None, "--itf", help="Write each counterexample as an ITF trace into this folder."),
    timeout: Optional[float] = typer.Option(None, "--timeout", min=0.001, help="Seconds per property (unknown when exceeded)."),
    jobs: int = typer.Option(0, "--jobs", "-j", min=0, help="Parallel processes (0: one per core)."),
    locations: bool = typer.Option(False, "--locations", help="Show each step's source line and kernel citation."),
    vacuity: bool = typer.Option(True, "--vacuity/--no-vacuity", help="Warn about properties that hold vacuously."),
    seed: int = typer.Option(0, "--seed", help="Seed recorded with the results (engines are deterministic)."),
    show_invariant: bool = typer.Option(False, "--show-invariant", help="Print the evidence of every proof (the inductive invariant in spec syntax)."),
) -> None:
    """Check every property of every spec: a verdict table, then each counterexample as a call chain."""
    if engine not in run.ENGINE_NAMES:
        fail(f"error: unknown engine {engine!r}; expected one of: {', '.join(run.ENGINE_NAMES)}", EXIT_USAGE)
    params = parse_params(param)
    paths = list(specs) if specs else bundled_specs()
    loaded = load_all(paths, params)
    verdicts, notes = _verdicts(loaded, property, engine, bound, timeout, jobs or run.default_jobs(),
                                params, json_output, vacuity, seed)
    if itf is not None:
        try:
            write_itf([v for v in verdicts if v.depth is not None], itf, run.describe(loaded[0].params))
        except OSError as err:
            fail(f"error: cannot write ITF traces to {itf}: {err}", EXIT_USAGE)
    if json_output:
        typer.echo(json_out.results_json(verdicts))
    else:
        typer.echo(text.check_text(verdicts, run.describe(loaded[0].params), show_location=locations,
                                   color=sys.stdout.isatty()), nl=False)
        for note in notes:
            typer.echo(f"warning: {note}")
        if show_invariant:
            evidence = text.certificates_text(verdicts)
            if evidence:
                typer.echo("\n" + evidence, nl=False)
    raise typer.Exit(exit_code(verdicts))


@app.command()
def explore(
    spec: str = typer.Argument(..., help="Spec file (.kp)."),
    param: Optional[List[str]] = typer.Option(None, "--param", "-P", help="Override a spec parameter: name=value."),
    json_output: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
    timeout: Optional[float] = typer.Option(None, "--timeout", min=0.001, help="Seconds before the search stops."),
) -> None:
    """State-space statistics by exhaustive search: states, per depth, diameter, deadlocks, dead steps."""
    from explorer.engines import Options, explicit
    from explorer.report.explore import explore_json, explore_text

    loaded = load_all([spec], parse_params(param))[0]
    result = explicit.explore(loaded.model, Options(timeout_s=timeout, progress=progress_printer(not json_output)))
    if sys.stderr.isatty() and not json_output:
        sys.stderr.write("\r" + " " * 100 + "\r")
    typer.echo(explore_json(result) if json_output else explore_text(result, loaded.path, run.describe(loaded.params)), nl=False)
    raise typer.Exit(EXIT_OK if result.complete else EXIT_UNKNOWN)


@app.command()
def compare(
    specs: List[str] = typer.Argument(..., help="Variant specs, shown as columns in this order."),
    bound: int = typer.Option(20, "--bound", "-b", min=1),
    property: Optional[List[str]] = typer.Option(None, "--property", "-p"),
    engine: str = typer.Option("auto", "--engine", "-e"),
    param: Optional[List[str]] = typer.Option(None, "--param", "-P"),
    tablefmt: str = typer.Option("github", "--tablefmt", help="Any tabulate format: github, simple, latex, html, …"),
    json_output: bool = typer.Option(False, "--json"),
    timeout: Optional[float] = typer.Option(None, "--timeout", min=0.001),
    jobs: int = typer.Option(0, "--jobs", "-j", min=0),
    times: bool = typer.Option(True, "--time/--no-time", help="Show each cell's time."),
) -> None:
    """Variants side by side: properties as rows, variants as columns."""
    import tabulate as _tabulate

    if engine not in run.ENGINE_NAMES:
        fail(f"error: unknown engine {engine!r}; expected one of: {', '.join(run.ENGINE_NAMES)}", EXIT_USAGE)
    if tablefmt not in _tabulate.tabulate_formats:
        fail(f"error: unknown table format {tablefmt!r}; expected one of: {', '.join(_tabulate.tabulate_formats)}", EXIT_USAGE)
    params = parse_params(param)
    loaded = load_all(list(specs), params)
    pairs = [(s, p.name) for s in loaded for p in s.model.properties if not property or p.name in property]
    if property:
        select_properties(loaded[:1], property)
    work = [run.Job(s.path, tuple(sorted(params.items())), name, engine, bound, timeout) for s, name in pairs]
    verdicts = run.run_jobs(work, jobs or run.default_jobs())
    variants = [s.variant for s in loaded]
    if json_output:
        typer.echo(table.compare_json(verdicts, variants=variants))
    else:
        typer.echo(table.compare_table(verdicts, tablefmt=tablefmt, with_time=times, variants=variants))
    raise typer.Exit(exit_code(verdicts))


def main() -> None:
    app()


def _register() -> None:
    from explorer.cli_report import report

    app.command()(report)


_register()


if __name__ == "__main__":
    main()
