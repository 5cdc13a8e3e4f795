"""``explorer check``: a verdict table, then each counterexample as a kernel call chain."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import List, Optional

import typer

from explorer.app.jobs import describe
from explorer.app.pool import start_fork_server
from explorer.app.run import RunOptions, check_specs
from explorer.app.specs import bundled_specs, select_properties
from explorer.app.sweeps import load_instances
from explorer.cli.common import (
    ENGINE_HELP, EXIT_USAGE, check_engine, exit_code, exit_codes, fail, parse_params,
    MEMORY_HELP, REDUCTION_HELP, reduction_kind, PARAM_HELP, COLOR_HELP, RAY_HELP, TRACES_HELP, check_choice, live_progress, memory_size, progress_printer,
    seconds, spec_paths,
)
from explorer.report.terminal import COLOR_MODES, use_color, width
from explorer.report.text import TRACE_CHOICES
from explorer.report import json_out, text
from explorer.app.report_inputs import explorer_version
from explorer.report.files import write_atomic
from explorer.report.itf import write_itf
from explorer.report.sarif import sarif_text


def check(
    specs: Optional[List[str]] = typer.Argument(None, help="Spec files (.kp); default: the bundled specs/kvm_fpu variants."),
    bound: int = typer.Option(20, "--bound", "-b", min=1, help="Depth (steps) up to which BMC searches."),
    property: Optional[List[str]] = typer.Option(None, "--property", "-p", help="Check only this property (repeatable)."),
    engine: str = typer.Option("auto", "--engine", "-e", help=ENGINE_HELP),
    param: Optional[List[str]] = typer.Option(None, "--param", "-P", help=PARAM_HELP),
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
    traces: str = typer.Option("violated", "--traces", help=TRACES_HELP),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print the verdict table alone (no traces, no warnings)."),
    color: str = typer.Option("auto", "--color", help=COLOR_HELP),
    ray: Optional[str] = typer.Option(None, "--ray", help=RAY_HELP),
    sarif: Optional[str] = typer.Option(None, "--sarif", help="Also write the failing properties as SARIF 2.1.0 to this file (a code flow per counterexample, a thread flow per CPU and context)."),
) -> None:
    """Check every property of every spec: the verdict table, then the counterexamples of the properties that fail as call chains, then the warnings."""
    check_engine(engine)
    check_choice("--traces", traces, TRACE_CHOICES)
    check_choice("--color", color, COLOR_MODES)
    if itf is not None and not itf.strip():
        fail("error: --itf takes a folder, got an empty name", EXIT_USAGE)
    params = parse_params(param)
    options = RunOptions(engine=engine, bound=bound, timeout_s=timeout,
                         params=tuple(sorted(params.items())), jobs=jobs, vacuity=vacuity, seed=seed,
                         memory_bytes=memory, want_invariant=show_invariant, ray=ray, reduction=reduction)
    start_fork_server()
    with exit_codes():
        loaded = load_instances(spec_paths(list(specs)) if specs else bundled_specs(), params, timeout)
        selection = select_properties(loaded, property)
    with exit_codes():  # --ray: Ray missing, or no cluster at the address
        run = check_specs(selection, options, progress=progress_printer(not json_output),
                          monitor=live_progress(color))
    verdicts = run.verdicts
    settings = {spec.variant: describe(spec.params) for spec in loaded}
    if itf is not None:
        try:
            write_itf([v for v in verdicts if v.depth is not None], Path(itf), settings)
        except OSError as err:
            fail(f"error: cannot write ITF traces to {itf}: {err}", EXIT_USAGE)
    if sarif is not None:
        try:
            write_atomic(Path(sarif), sarif_text(verdicts, explorer_version()))
        except OSError as err:
            fail(f"error: cannot write SARIF to {sarif}: {err}", EXIT_USAGE)
    if json_output:
        typer.echo(json_out.results_json(
            verdicts, notes=[(c.spec.variant, note) for c in run.specs for note in c.notes]))
    else:
        notes = [(checked.spec.variant, note) for checked in run.specs for note in checked.notes]
        typer.echo(text.check_text(verdicts, settings, show_location=locations,
                                   color=use_color(color, sys.stdout), notes=notes, traces=traces,
                                   width=width(sys.stdout), quiet=quiet), nl=False)
        if show_invariant and not quiet:
            evidence = text.certificates_text(verdicts)
            if evidence:
                typer.echo("\n" + evidence, nl=False)
    raise typer.Exit(exit_code(verdicts))
