"""The command line (typer): one module per command, options in, exit codes out, no logic
of its own (everything below goes through ``explorer.app``).

``main`` is where the process meets the outside: a usage error prints its message and
exits 2; Ctrl-C ends the run with "interrupted" and exit 130 (it never becomes a
verdict); SIGTERM ends it the same way with 143, after the file being written (if any)
is removed; an output that cannot be written (closed or full stdout) is an error message
and exit 2, never a traceback.
"""

from __future__ import annotations

import errno
import os
import signal
import sys

import typer

from explorer.cli import check, compare, explore, export, report, show
from explorer.cli.common import EXIT_INTERRUPTED, EXIT_TERMINATED, EXIT_USAGE

app = typer.Typer(
    add_completion=True, no_args_is_help=True, pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    help="Exhaustive state-space explorer for kernel code paths that hand a per-CPU "
         "register file between owners (x86 FPU state, QEMU, KVM guests).",
)


def _version(value: bool) -> None:
    if value:
        from explorer.app.report_inputs import versions

        for name, number in versions().items():
            typer.echo(f"{name} {number}")
        raise typer.Exit(0)


@app.callback()
def _main(
    version: bool = typer.Option(False, "--version", "-V", callback=_version, is_eager=True,
                                 help="Print the versions of explorer, z3 and Python, and exit."),
) -> None:
    """Exhaustive state-space explorer for kernel code paths that hand a per-CPU register
    file between owners (x86 FPU state, QEMU, KVM guests)."""


app.command(name="check")(check.check)
app.command(name="explore")(explore.explore)
app.command(name="compare")(compare.compare)
app.command(name="report")(report.report)
app.command(name="show")(show.show)
app.command(name="export")(export.export)


class Terminated(BaseException):
    """SIGTERM: unwinds like an interrupt, so that every ``finally`` runs."""


def _on_sigterm(signum, frame) -> None:
    raise Terminated


def _say(message: str) -> None:
    try:
        print(message, file=sys.stderr, flush=True)
    except (OSError, ValueError):
        pass


def main(args: list[str] | None = None) -> None:
    signal.signal(signal.SIGTERM, _on_sigterm)
    if sys.stdout is None:  # started with stdout closed (``>&-``)
        _say("error: cannot write the output: standard output is closed")
        sys.exit(EXIT_USAGE)
    try:
        result = app(args=args, prog_name="explorer", standalone_mode=False)
        code = result if isinstance(result, int) else 0
    except typer.TyperException as error:  # a usage error found by the option parser
        show = getattr(error, "show", None)
        if show is not None:
            show()
        code = getattr(error, "exit_code", EXIT_USAGE)
    except (KeyboardInterrupt, typer.Abort):
        code = EXIT_INTERRUPTED
    except Terminated:
        _say("terminated")
        code = EXIT_TERMINATED
    except OSError as error:
        code = _output_failed(error)
    if code == EXIT_INTERRUPTED:
        _say("interrupted")
    try:
        if sys.stdout is not None:
            sys.stdout.flush()
    except OSError as error:
        code = _output_failed(error)
    if code in (EXIT_INTERRUPTED, EXIT_TERMINATED):
        _leave(code)
    sys.exit(code)


def _leave(code: int) -> None:
    """End an interrupted run without the interpreter's exit hooks.

    Every ``finally`` has run (the half-written file is gone, the workers are killed), but
    the hooks of ``concurrent.futures`` would still wake the pool's manager thread through
    a pipe the interrupted pool may have closed: CPython 3.11 then prints an ``OSError:
    Bad file descriptor`` traceback from ``threading._shutdown`` (seen in CI under load),
    or waits on a worker that is gone.  What multiprocessing does at exit (unlink the
    queues' semaphores, reap children) is still done, or its resource tracker would warn
    of leaked semaphores."""
    from multiprocessing import util
    try:
        util._exit_function()  # multiprocessing's own atexit hook
    except Exception:  # noqa: BLE001 - the run is over; nothing may be printed now
        pass
    try:
        sys.stderr.flush()
    except (OSError, ValueError):
        pass
    os._exit(code)


def _output_failed(error: OSError) -> int:
    """stdout closed, full, or its reader gone: say so (quietly for a closed pipe)."""
    sys.stdout = None  # nothing more is written there, not even at exit
    if error.errno == errno.EPIPE:
        return EXIT_USAGE
    _say(f"error: cannot write the output: {error.strerror or error}")
    return EXIT_USAGE
