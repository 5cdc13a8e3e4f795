"""What the commands share: exit codes, parameter parsing, loading specs with the right
exit code for each kind of error, the bundled specs, progress on a terminal."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import typer

from explorer import run
from explorer.lang import ParamError, Spec, SpecError
from explorer.verdict import Unknown, Verdict

EXIT_OK, EXIT_USAGE, EXIT_UNKNOWN, EXIT_VIOLATED, EXIT_SPEC = 0, 2, 3, 12, 150
BUNDLED = Path("specs") / "kvm_fpu"

def fail(message: str, code: int) -> None:
    typer.echo(message, err=True)
    raise typer.Exit(code)


def parse_params(pairs: list[str] | None) -> dict[str, str]:
    out: dict[str, str] = {}
    for pair in pairs or []:
        if "=" not in pair:
            fail(f"error: --param takes name=value, got {pair!r}", EXIT_USAGE)
        name, value = pair.split("=", 1)
        out[name.strip()] = value.strip()
    return out


def bundled_specs() -> list[str]:
    """The variants shipped in specs/kvm_fpu (files that extend a base or declare a thread),
    in kernel-version order."""
    folder = BUNDLED if BUNDLED.is_dir() else Path(__file__).resolve().parent.parent / BUNDLED
    if not folder.is_dir():
        fail("error: no SPEC given and no bundled specs found (run from the repository root)", EXIT_USAGE)
    found = []
    for path in sorted(folder.glob("*.kp")):
        source = path.read_text(encoding="utf-8", errors="replace")
        if re.search(r"^\s*(extends|thread)\b", source, re.M):
            found.append(str(path))

    def version(path: str):
        return [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", Path(path).stem)]

    return sorted(found, key=version)


def load_all(paths: list[str], params: dict[str, str]) -> list[Spec]:
    specs = []
    for path in paths:
        try:
            specs.append(run.load(path, params))
        except ParamError as err:
            fail(str(err), EXIT_USAGE)
        except SpecError as err:
            fail(str(err), EXIT_SPEC)
    return specs


def select_properties(specs: list[Spec], names: list[str] | None) -> list[tuple[Spec, str]]:
    chosen = []
    for spec in specs:
        known = [p.name for p in spec.model.properties]
        for name in names or known:
            if name not in known:
                fail(f"error: {spec.path} has no property {name}; its properties are: {', '.join(known)}", EXIT_USAGE)
            chosen.append((spec, name))
    return chosen


def progress_printer(enabled: bool):
    if not enabled or not sys.stderr.isatty():
        return None

    def show(figures: dict) -> None:
        parts = [f"{k}={v:.0f}" if isinstance(v, float) else f"{k}={v}" for k, v in figures.items()]
        sys.stderr.write("\r" + " ".join(parts)[:100].ljust(100))
        sys.stderr.flush()

    return show


def exit_code(verdicts: list[Verdict]) -> int:
    if any(v.failed for v in verdicts):
        return EXIT_VIOLATED
    if any(isinstance(v.outcome, Unknown) for v in verdicts):
        return EXIT_UNKNOWN
    return EXIT_OK
