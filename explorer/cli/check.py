"""``explorer check``: a verdict table, then each counterexample as a kernel call chain."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import List, Optional

import typer

from explorer.app.jobs import describe
from explorer.app.pool import start_fork_server
from explorer.app.run import RunOptions, check_specs
from explorer.app.specs import bundled_specs, load_specs, select_properties
from explorer.cli.common import (
    ENGINE_HELP, EXIT_USAGE, check_engine, exit_code, exit_codes, fail, parse_params,
    MEMORY_HELP, REDUCTION_HELP, reduction_kind, memory_size, progress_printer, seconds, spec_paths,
)
from explorer.report import json_out, text
from explorer.report.itf import write_itf


def check(
    specs: Optional[List[str]] = typer.Argument(None, help="Spec files (.kp); default: the bundled specs/kvm_fpu variants."),
    bound: int = typer.Option(20, "--bound", "-b", min=1, help="Depth (steps) up to which BMC searches."),
    property: Optional[List[str]] = typer.Option(None, "--property", "-p", help="Check only this property (repeatable)."),
    engine: str = typer.Option("auto", "--engine", "-e", help=ENGINE_HELP),
    param: Optional[List[str]] = typer.Option(None, "--param", "-P", help="Override a spec parameter: name=value (repeatable)."),
    json_output: bool = typer.Option(False, "--json", help="Print one JSON document instead of text."),
    itf: Optional[str] = typer.Option(None, "--itf", help="Write each counterexample as an ITF trace into this folder."),
    timeout: Optional[float] = typer.Option(None, "--timeout", callback=seconds, help="Seconds per property (unknown when exceeded). inf: no limit."),
    jobs: int = typer.Option(0, "--jobs", "-j", min=0, help="Parallel processes (0: one per core)."),
    locations: bool = typer.Option(False, "--locations", help="Show each step's source line and kernel citation."),
    vacuity: bool = typer.Option(True, "--vacuity/--no-vacuity", help="Warn about properties that hold vacuously."),
    seed: int = typer.Option(0, "--seed", help="Seed recorded with the results (engines are deterministic)."),
    show_invariant: bool = typer.Option(False, "--show-invariant", help="Print the evidence of every proof (the inductive invariant in spec syntax); auto then also seeks a readable invariant after an exhaustive proof."),
    memory: Optional[str] = typer.Option(None, "--memory", callback=memory_size, help=MEMORY_HELP),
    reduction: str = typer.Option("symmetry", "--reduction", callback=reduction_kind, help=REDUCTION_HELP),
) -> None:
    """Check every property of every spec: a verdict table, then each counterexample as a call chain."""
    check_engine(engine)
    if itf is not None and not itf.strip():
        fail("error: --itf takes a folder, got an empty name", EXIT_USAGE)
    params = parse_params(param)
    options = RunOptions(engine=engine, bound=bound, timeout_s=timeout,
                         params=tuple(sorted(params.items())), jobs=jobs, vacuity=vacuity, seed=seed,
                         memory_bytes=memory, want_invariant=show_invariant, reduction=reduction)
    start_fork_server()
    with exit_codes():
        loaded = load_specs(spec_paths(list(specs)) if specs else bundled_specs(), params, timeout)
        selection = select_properties(loaded, property)
    run = check_specs(selection, options, progress=progress_printer(not json_output))
    verdicts = run.verdicts
    settings = describe(loaded[0].params)
    if itf is not None:
        try:
            write_itf([v for v in verdicts if v.depth is not None], Path(itf), settings)
        except OSError as err:
            fail(f"error: cannot write ITF traces to {itf}: {err}", EXIT_USAGE)
    if json_output:
        typer.echo(json_out.results_json(verdicts))
    else:
        typer.echo(text.check_text(verdicts, settings, show_location=locations,
                                   color=sys.stdout.isatty()), nl=False)
        for checked in run.specs:
            for note in checked.notes:
                typer.echo(f"warning: {checked.spec.variant}: {note}")
        if show_invariant:
            evidence = text.certificates_text(verdicts)
            if evidence:
                typer.echo("\n" + evidence, nl=False)
    raise typer.Exit(exit_code(verdicts))
