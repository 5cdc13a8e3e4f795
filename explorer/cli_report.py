"""``explorer report``: proof reports per variant and the compare matrix of all variants.

Registered in ``explorer.cli`` with ``app.command()(report)``.  Every property of every
spec is checked (as ``explorer check`` does); base variants that a spec extends but that
are not among the specs are checked too, to show which verdicts a patch flips.  Files are
written atomically; with ``--no-timings`` they hold nothing time- or machine-dependent, so
regenerating them gives byte-identical files.  Exit codes as ``explorer check``.
"""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from explorer import reporting, run
from explorer.cli_common import (
    EXIT_USAGE,
    exit_code,
    fail,
    load_all,
    parse_params,
    bundled_specs,
)
from explorer.report.files import safe_name, write_atomic
from explorer.report.table import compare_table


def _formats(text: str) -> tuple[str, ...]:
    chosen: list[str] = []
    for part in text.split(","):
        name = part.strip().lower()
        if not name:
            continue
        if name not in reporting.FORMATS:
            fail(f"error: unknown report format {name!r}; expected a comma-separated list of: "
                  f"{', '.join(reporting.FORMATS)}", EXIT_USAGE)
        if name not in chosen:
            chosen.append(name)
    if not chosen:
        fail("error: --format names no format (expected e.g. md,html,json)", EXIT_USAGE)
    return tuple(chosen)


def report(
    specs: Optional[List[str]] = typer.Argument(None, help="Variant specs (.kp), matrix columns in this order; default: the bundled specs/kvm_fpu variants."),
    out: Path = typer.Option(..., "--out", "-o", help="Folder for the reports (created if missing)."),
    format: str = typer.Option("md,html,json", "--format", "-f", help="Comma-separated report formats: md, html, json."),
    bound: int = typer.Option(20, "--bound", "-b", min=1, help="Depth (steps) up to which BMC searches."),
    engine: str = typer.Option("auto", "--engine", "-e", help="auto, bmc, kind, pdr, explicit or houdini."),
    param: Optional[List[str]] = typer.Option(None, "--param", "-P", help="Override a spec parameter: name=value (repeatable)."),
    jobs: int = typer.Option(0, "--jobs", "-j", min=0, help="Parallel processes (0: one per core)."),
    timeout: Optional[float] = typer.Option(None, "--timeout", min=0.001, help="Seconds per property (unknown when exceeded)."),
    matrix: Optional[str] = typer.Option(None, "--matrix", help="Also write the compare matrix of all variants to this file name in --out (e.g. kvm_fpu.md)."),
    timings: bool = typer.Option(True, "--timings/--no-timings", help="Put times, dates, absolute paths and the platform in the files; --no-timings gives byte-identical files on every run."),
    vacuity: bool = typer.Option(True, "--vacuity/--no-vacuity", help="Warn about properties that hold vacuously and steps never reached."),
    seed: int = typer.Option(0, "--seed", help="Seed recorded with the results (engines are deterministic)."),
) -> None:
    """Proof reports a reviewer can read: per variant Markdown, self-contained HTML (with
    sequence charts of the counterexamples) and JSON, and with --matrix the compare matrix."""
    if engine not in run.ENGINE_NAMES:
        fail(f"error: unknown engine {engine!r}; expected one of: {', '.join(run.ENGINE_NAMES)}", EXIT_USAGE)
    formats = _formats(format)
    if matrix is not None:
        if not matrix.strip() or Path(matrix).name != matrix or matrix in (".", ".."):
            fail(f"error: --matrix takes a file name (written into --out), got {matrix!r}", EXIT_USAGE)
        if any(matrix == f"{safe_name(Path(s).stem)}.{fmt}" for s in (specs or []) for fmt in formats):
            fail(f"error: --matrix {matrix} would overwrite a variant's report", EXIT_USAGE)
    params = parse_params(param)
    paths = list(specs) if specs else bundled_specs()
    if not timings:
        paths = [reporting.display_path(p, False) for p in paths]

    loaded = load_all(paths, params)
    seen: dict[str, str] = {}
    for spec in loaded:
        other = seen.setdefault(spec.variant, spec.path)
        if other != spec.path:
            fail(f"error: {other} and {spec.path} are both variant {spec.variant!r}; their reports "
                  "would overwrite each other", EXIT_USAGE)
    bases = load_all(reporting.missing_bases(loaded), params)

    everything = [*loaded, *bases]
    key = tuple(sorted(params.items()))
    work = [run.Job(s.path, key, p.name, engine, bound, timeout, seed)
            for s in everything for p in s.model.properties]
    by_path = {s.path: s for s in everything}

    def on_error(job: run.Job, err: BaseException):
        typer.echo(f"error: internal error checking {job.property} of {job.spec}: {type(err).__name__}: "
                   f"{(str(err).strip().splitlines() or [''])[0][:200]}", err=True)
        return reporting.failed_job(by_path[job.spec], job, err)

    verdicts = reporting.run_isolated(work, jobs or run.default_jobs(), on_error)

    by_spec: dict[str, list] = {s.path: [] for s in everything}
    for job, verdict in zip(work, verdicts):
        by_spec[job.spec].append(verdict)
    checked = []
    for spec in loaded:
        notes: list[str] = []
        spec_verdicts = by_spec[spec.path]
        if vacuity:
            spec_verdicts, notes = run.with_vacuity(spec, spec_verdicts, timeout)
        checked.append(reporting.Checked(spec, tuple(spec_verdicts), tuple(notes)))
    base_checked = [reporting.Checked(s, tuple(by_spec[s.path])) for s in bases]

    options: list[tuple[str, object]] = [
        ("--out", reporting.display_path(str(out), timings)),
        ("--format", ",".join(formats) if formats != reporting.FORMATS else None),
        ("--bound", bound),
        ("--engine", engine if engine != "auto" else None),
        ("--param", [f"{k}={v}" for k, v in sorted(params.items())] or None),
        ("--timeout", timeout),
        ("--matrix", matrix),
        ("--no-timings", not timings),
        ("--no-vacuity", not vacuity),
        ("--seed", seed or None),
    ]
    command = reporting.command_line([s.path for s in loaded], options)
    try:
        files = reporting.report_files(
            checked, bases=base_checked, formats=formats, matrix=matrix, command=command,
            seed=seed, timings=timings,
            title=f"{Path(matrix).stem}: variants compared" if matrix else None,
        )
    except ValueError as err:
        fail(f"error: {err}", EXIT_USAGE)
    try:
        out.mkdir(parents=True, exist_ok=True)
        written = [write_atomic(out / name, text) for name, text in files.items()]
    except OSError as err:
        fail(f"error: cannot write reports to {out}: {err}", EXIT_USAGE)

    all_verdicts = [v for c in checked for v in c.verdicts]
    typer.echo(compare_table(all_verdicts, with_time=timings, variants=[c.spec.variant for c in checked]))
    typer.echo("")
    for path in written:
        typer.echo(f"wrote {path}")
    raise typer.Exit(exit_code(all_verdicts))

