"""``explorer compare``: variants side by side, properties as rows."""

from __future__ import annotations

from typing import List, Optional

import typer

from explorer.app.pool import start_fork_server
from explorer.app.run import RunOptions, check_specs
from explorer.app.specs import load_specs, select_properties
from explorer.cli.common import (
    ENGINE_HELP, EXIT_USAGE, MEMORY_HELP, REDUCTION_HELP, reduction_kind, check_engine, exit_code, exit_codes, fail, memory_size,
    parse_params, seconds, spec_paths,
)
from explorer.report import table


def compare(
    specs: List[str] = typer.Argument(..., help="Variant specs, shown as columns in this order."),
    bound: int = typer.Option(20, "--bound", "-b", min=1, help="Depth (steps) up to which BMC searches."),
    property: Optional[List[str]] = typer.Option(None, "--property", "-p", help="Compare only this property (repeatable)."),
    engine: str = typer.Option("auto", "--engine", "-e", help=ENGINE_HELP),
    param: Optional[List[str]] = typer.Option(None, "--param", "-P", help="Override a spec parameter: name=value (repeatable)."),
    tablefmt: str = typer.Option("github", "--tablefmt", help="Any tabulate format: github, simple, latex, html, …"),
    json_output: bool = typer.Option(False, "--json", help="Print the matrix as JSON."),
    timeout: Optional[float] = typer.Option(None, "--timeout", callback=seconds, help="Seconds per property (unknown when exceeded). inf: no limit."),
    jobs: int = typer.Option(0, "--jobs", "-j", min=0, help="Parallel processes (0: one per core)."),
    times: bool = typer.Option(True, "--time/--no-time", help="Show each cell's time."),
    memory: Optional[str] = typer.Option(None, "--memory", callback=memory_size, help=MEMORY_HELP),
    reduction: str = typer.Option("symmetry", "--reduction", callback=reduction_kind, help=REDUCTION_HELP),
) -> None:
    """Variants side by side: properties as rows, variants as columns."""
    check_engine(engine)
    if tablefmt not in table.TABLE_FORMATS:
        fail(f"error: unknown table format {tablefmt!r}; expected one of: {', '.join(table.TABLE_FORMATS)}", EXIT_USAGE)
    params = parse_params(param)
    options = RunOptions(engine=engine, bound=bound, timeout_s=timeout,
                         params=tuple(sorted(params.items())), jobs=jobs, vacuity=False,
                         memory_bytes=memory, reduction=reduction)
    start_fork_server()
    with exit_codes():
        loaded = load_specs(spec_paths(list(specs)), params, timeout)
        if property:
            select_properties(loaded[:1], property)
    selection = [(s, p.name) for s in loaded for p in s.model.properties if not property or p.name in property]
    verdicts = check_specs(selection, options).verdicts
    variants = [s.variant for s in loaded]
    if json_output:
        typer.echo(table.compare_json(verdicts, variants=variants))
    else:
        typer.echo(table.compare_table(verdicts, tablefmt=tablefmt, with_time=times, variants=variants))
    raise typer.Exit(exit_code(verdicts))
