"""``explorer report``: proof reports per variant and the compare matrix of all variants.

Every property of every spec is checked (as ``explorer check`` does); base variants that
a spec extends but that are not among the specs are checked too, to show which verdicts a
patch flips.  Files are written atomically; with ``timings=False`` they hold nothing time-
or machine-dependent, so regenerating them gives byte-identical files.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from explorer.app.report_inputs import command_line, display_path, missing_bases, report_files
from explorer.app.pool import start_fork_server
from explorer.app.run import CheckedRun, RunOptions, check_specs
from explorer.app.specs import UsageError, load_specs
from explorer.report.files import safe_name, write_atomic
from explorer.report.formats import DEFAULT_FORMATS, FORMATS


@dataclass(frozen=True)
class Written:
    run: CheckedRun
    files: tuple[Path, ...]


def parse_formats(text: str) -> tuple[str, ...]:
    """``md,html,json`` as a tuple of known formats, each once, in order."""
    chosen: list[str] = []
    for part in text.split(","):
        name = part.strip().lower()
        if not name:
            continue
        if name not in FORMATS:
            raise UsageError(f"unknown report format {name!r}; expected a comma-separated list of: "
                             f"{', '.join(FORMATS)}")
        if name not in chosen:
            chosen.append(name)
    if not chosen:
        raise UsageError("--format names no format (expected e.g. md,html,json)")
    return tuple(chosen)


def write_reports(paths: Sequence[str], out: Path, formats: tuple[str, ...], options: RunOptions,
                  matrix: str | None, timings: bool) -> Written:
    """Check the variants at ``paths`` (and their bases) and write their reports into ``out``."""
    if matrix is not None:
        if not matrix.strip() or Path(matrix).name != matrix or matrix in (".", ".."):
            raise UsageError(f"--matrix takes a file name (written into --out), got {matrix!r}")
        if any(matrix == f"{safe_name(Path(s).stem)}.{fmt}" for s in paths for fmt in formats):
            raise UsageError(f"--matrix {matrix} would overwrite a variant's report")
    if not timings:
        paths = [display_path(p, False) for p in paths]
    params = dict(options.params)
    start_fork_server()
    loaded = load_specs(list(paths), params, options.timeout_s)
    seen: dict[str, str] = {}
    for spec in loaded:
        other = seen.setdefault(spec.variant, spec.path)
        if other != spec.path:
            raise UsageError(f"{other} and {spec.path} are both variant {spec.variant!r}; their "
                             "reports would overwrite each other")
    bases = load_specs(missing_bases(loaded), params, options.timeout_s)
    selection = [(s, p.name) for s in loaded for p in s.model.properties]
    run = check_specs(selection, options, extra=bases)
    defaults = RunOptions()
    flags: list[tuple[str, object]] = [
        ("--out", display_path(str(out), timings)),
        ("--format", ",".join(formats) if formats != DEFAULT_FORMATS else None),
        ("--bound", options.bound),
        ("--engine", options.engine if options.engine != defaults.engine else None),
        ("--param", [f"{k}={v}" for k, v in sorted(params.items())] or None),
        ("--timeout", options.timeout_s),
        ("--matrix", matrix),
        ("--no-timings", not timings),
        ("--no-vacuity", not options.vacuity),
        ("--seed", options.seed or None),
    ]
    command = command_line([s.path for s in loaded], flags)
    files = report_files(
        run.specs, bases=run.extra, formats=formats, matrix=matrix, command=command,
        seed=options.seed, timings=timings,
        title=f"{Path(matrix).stem}: variants compared" if matrix else None,
    )
    out.mkdir(parents=True, exist_ok=True)
    written = tuple(write_atomic(out / name, text) for name, text in files.items())
    return Written(run, written)
