"""``explorer export``: a spec's grounded model as Promela, AIGER or VMT (SMT-LIB 2)."""

from __future__ import annotations

from typing import List, Optional

import typer

from explorer.app.export import export_spec
from explorer.cli.common import EXIT_OK, exit_codes, parse_params, spec_paths


def export(
    spec: str = typer.Argument(..., help="Spec file (.kp)."),
    fmt: str = typer.Option(..., "--format", help="promela, aiger or smt2 (VMT)."),
    output: str = typer.Option(..., "--output", "-o", help="File to write."),
    param: Optional[List[str]] = typer.Option(None, "--param", "-P", help="Override a spec parameter: name=value."),
    prop: Optional[str] = typer.Option(None, "--property", help="The property to monitor (Promela: default all; AIGER, smt2: default the first)."),
) -> None:
    """The grounded model for a peer model checker: Promela (SPIN), AIGER (ABC) or VMT
    (SMT-LIB 2 for nuXmv, pono)."""
    with exit_codes():
        what = export_spec(spec_paths([spec])[0], parse_params(param), fmt, prop, output)
    typer.echo(f"wrote {output} ({what})")
    raise typer.Exit(EXIT_OK)
