"""``explorer explore``: state-space statistics by exhaustive search."""

from __future__ import annotations

import sys
from typing import List, Optional

import typer

from explorer.app.explore import explore_spec
from explorer.app.jobs import describe
from explorer.app.specs import load_specs
from explorer.cli.common import (
    EXIT_OK, EXIT_UNKNOWN, MEMORY_HELP, REDUCTION_HELP, reduction_kind, exit_codes, memory_size, parse_params, progress_printer, seconds,
    spec_paths,
)
from explorer.report.explore import explore_json, explore_text


def explore(
    spec: str = typer.Argument(..., help="Spec file (.kp)."),
    param: Optional[List[str]] = typer.Option(None, "--param", "-P", help="Override a spec parameter: name=value."),
    json_output: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
    timeout: Optional[float] = typer.Option(None, "--timeout", callback=seconds, help="Seconds before the search stops. inf: no limit."),
    memory: Optional[str] = typer.Option(None, "--memory", callback=memory_size, help=MEMORY_HELP),
    reduction: str = typer.Option("symmetry", "--reduction", callback=reduction_kind, help=REDUCTION_HELP),
) -> None:
    """State-space statistics by exhaustive search: states, per depth, diameter, deadlocks, dead steps."""
    with exit_codes():
        loaded = load_specs(spec_paths([spec]), parse_params(param), timeout)[0]
    result = explore_spec(loaded, timeout, progress_printer(not json_output), memory, reduction)
    if sys.stderr.isatty() and not json_output:
        sys.stderr.write("\r" + " " * 100 + "\r")
    typer.echo(explore_json(result) if json_output else explore_text(result, loaded.path, describe(loaded.params)), nl=False)
    raise typer.Exit(EXIT_OK if result.complete else EXIT_UNKNOWN)
