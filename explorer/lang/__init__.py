"""The spec language: parse, merge (include/extends) and lower a spec to the IR.

The one entry point is ``load_spec``; every problem in a spec raises ``SpecError`` with
file:line:col.  Nothing here knows of z3 or of the engines.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from explorer.lang.errors import SpecError
from explorer.lang.lower import Lowerer, ParamError
from explorer.lang.lower.places import Place
from explorer.lang.program import load_program
from explorer.lang.usage import check_usage
from explorer.ir import Model

__all__ = ["Spec", "SpecError", "ParamError", "load_spec"]


@dataclass(frozen=True)
class Spec:
    """A lowered spec with what a report says about it (plain data besides the model)."""

    path: str
    variant: str
    model: Model
    base: str | None
    replaced: tuple[str, ...]
    """``fn kvm_load_guest_fpu``-style names of the base's declarations this spec replaces."""
    added: tuple[str, ...]
    removed: tuple[str, ...]
    """``var user_fpu``-style names of the base's declarations this spec removes."""
    files: tuple[tuple[str, str], ...]
    """Every file read, with the SHA-256 of its text."""
    params: tuple[tuple[str, str, str], ...]
    """(name, value, default) of every parameter."""
    warnings: tuple[str, ...] = ()
    """What is probably a mistake but not an error (a function nothing calls)."""
    places: tuple[Place, ...] = ()
    """The spec line each value of a program counter stands at (``lower.places``)."""


def load_spec(path: str, params: dict[str, str] | None = None) -> Spec:
    """Read, check and lower the spec at ``path`` with parameter overrides ``params``."""
    program = load_program(path)
    lowerer = Lowerer(program, dict(params or {}))
    try:
        warnings = check_usage(program)
        model = lowerer.run()
    except SpecError as err:
        if err.span is not None and err.source_line is None:
            lines = program.lines.get(err.span.file, [])
            if 0 < err.span.line <= len(lines):
                err.source_line = lines[err.span.line - 1]
        raise
    return Spec(
        path=path,
        variant=Path(path).stem,
        model=model,
        base=program.base,
        replaced=tuple(f"{kind} {name}" for kind, name in program.replaced),
        added=tuple(f"{kind} {name}" for kind, name in program.added),
        removed=tuple(f"{r.kind} {r.name}" for r in program.removed),
        files=tuple(sorted(program.files.items())),
        params=tuple(lowerer.param_values),
        warnings=warnings,
        places=tuple(lowerer.places.table),
    )
