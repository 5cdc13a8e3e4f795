"""The command line (typer): one module per command, options in, exit codes out, no logic
of its own (everything below goes through ``explorer.app``)."""

from __future__ import annotations

import typer

from explorer.cli import check, compare, explore, report

app = typer.Typer(
    add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
    help="Exhaustive state-space explorer for kernel code paths that hand a per-CPU "
         "register file between owners (x86 FPU state, QEMU, KVM guests).",
)
app.command(name="check")(check.check)
app.command(name="explore")(explore.explore)
app.command(name="compare")(compare.compare)
app.command(name="report")(report.report)


def main() -> None:
    app()
