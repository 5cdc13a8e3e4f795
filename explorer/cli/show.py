"""``explorer show``: a saved counterexample printed as ``check`` printed it, without
running anything."""

from __future__ import annotations

import sys

import typer

from explorer.app.traces import load_trace
from explorer.cli.common import COLOR_HELP, check_choice, exit_codes
from explorer.report.terminal import COLOR_MODES, use_color, width
from explorer.report.text import trace_text


def show(
    trace: str = typer.Argument(..., help="An ITF trace written by explorer check --itf (.itf.json)."),
    locations: bool = typer.Option(False, "--locations", help="Show each step's source line and kernel citation."),
    color: str = typer.Option("auto", "--color", help=COLOR_HELP),
) -> None:
    """Print a saved counterexample (an ITF file of check --itf) as check printed it."""
    check_choice("--color", color, COLOR_MODES)
    with exit_codes():
        verdict, description = load_trace(trace)
    typer.echo(trace_text(verdict, description, show_location=locations,
                          color=use_color(color, sys.stdout), width=width(sys.stdout)), nl=False)
