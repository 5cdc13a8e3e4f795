"""``explorer export``: a spec's grounded model as Promela or AIGER."""

from __future__ import annotations

from typing import List, Optional

import typer

from explorer.app.export import export_spec
from explorer.cli.common import EXIT_OK, exit_codes, parse_params, spec_paths


def export(
    spec: str = typer.Argument(..., help="Spec file (.kp)."),
    fmt: str = typer.Option(..., "--format", help="promela or aiger."),
    output: str = typer.Option(..., "--output", "-o", help="File to write."),
    param: Optional[List[str]] = typer.Option(None, "--param", "-P", help="Override a spec parameter: name=value."),
    prop: Optional[str] = typer.Option(None, "--property", help="The property to monitor (Promela: default all; AIGER: default the first)."),
) -> None:
    """The grounded model for a peer model checker: Promela (SPIN) or AIGER (ABC)."""
    with exit_codes():
        what = export_spec(spec_paths([spec])[0], parse_params(param), fmt, prop, output)
    typer.echo(f"wrote {output} ({what})")
    raise typer.Exit(EXIT_OK)
