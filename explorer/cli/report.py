"""``explorer report``: proof reports per variant and the compare matrix of all variants."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from explorer.app.reports import parse_formats, write_reports
from explorer.app.run import RunOptions
from explorer.app.specs import bundled_specs
from explorer.cli.common import ENGINE_HELP, EXIT_USAGE, check_engine, exit_code, exit_codes, fail, parse_params, seconds, spec_paths
from explorer.report.table import compare_table


def report(
    specs: Optional[List[str]] = typer.Argument(None, help="Variant specs (.kp), matrix columns in this order; default: the bundled specs/kvm_fpu variants."),
    out: Path = typer.Option(..., "--out", "-o", help="Folder for the reports (created if missing)."),
    format: str = typer.Option("md,html,json", "--format", "-f", help="Comma-separated report formats: md, html, json, txt (plain text in 80 columns)."),
    bound: int = typer.Option(20, "--bound", "-b", min=1, help="Depth (steps) up to which BMC searches."),
    engine: str = typer.Option("auto", "--engine", "-e", help=ENGINE_HELP),
    param: Optional[List[str]] = typer.Option(None, "--param", "-P", help="Override a spec parameter: name=value (repeatable)."),
    jobs: int = typer.Option(0, "--jobs", "-j", min=0, help="Parallel processes (0: one per core)."),
    timeout: Optional[float] = typer.Option(None, "--timeout", callback=seconds, help="Seconds per property (unknown when exceeded). inf: no limit."),
    matrix: Optional[str] = typer.Option(None, "--matrix", help="Also write the compare matrix of all variants to this file name in --out: Markdown (kvm_fpu.md), or an HTML index page for a .html name (index.html)."),
    timings: bool = typer.Option(True, "--timings/--no-timings", help="Put times, dates, absolute paths and the platform in the files; --no-timings gives byte-identical files on every run."),
    vacuity: bool = typer.Option(True, "--vacuity/--no-vacuity", help="Warn about properties that hold vacuously and steps never reached."),
    seed: int = typer.Option(0, "--seed", help="Seed recorded with the results (engines are deterministic)."),
) -> None:
    """Proof reports a reviewer can read: per variant Markdown, self-contained HTML (with
    sequence charts of the counterexamples) and JSON, and with --matrix the compare matrix."""
    check_engine(engine)
    params = parse_params(param)
    options = RunOptions(engine=engine, bound=bound, timeout_s=timeout,
                         params=tuple(sorted(params.items())), jobs=jobs, vacuity=vacuity, seed=seed)
    with exit_codes():
        formats = parse_formats(format)
        paths = spec_paths(list(specs)) if specs else bundled_specs()
        try:
            written = write_reports(paths, out, formats, options, matrix, timings)
        except OSError as err:
            fail(f"error: cannot write reports to {out}: {err}", EXIT_USAGE)
    verdicts = written.run.verdicts
    typer.echo(compare_table(verdicts, with_time=timings, variants=[c.spec.variant for c in written.run.specs]))
    typer.echo("")
    for path in written.files:
        typer.echo(f"wrote {path}")
    raise typer.Exit(exit_code(verdicts))
