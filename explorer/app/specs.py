"""Which specs and properties a run is about: the bundled specs, loading, selection.

Problems are exceptions the command line turns into exit codes: ``SpecError`` (a spec
that does not load: exit 150), ``ParamError`` and ``UsageError`` (a wrong option: exit 2).
"""

from __future__ import annotations

import re
from pathlib import Path

from explorer.lang import ParamError, Spec, SpecError, load_spec

__all__ = ["UsageError", "ParamError", "SpecError", "bundled_specs", "load_specs",
           "select_properties"]

BUNDLED = Path("specs") / "kvm_fpu"


class UsageError(Exception):
    """An option that names nothing the specs have, or a value it cannot take."""


def bundled_specs() -> list[str]:
    """The variants shipped in specs/kvm_fpu (files that extend a base or declare a thread),
    in kernel-version order."""
    folder = BUNDLED if BUNDLED.is_dir() else Path(__file__).resolve().parent.parent.parent / BUNDLED
    if not folder.is_dir():
        raise UsageError("no SPEC given and no bundled specs found (run from the repository root)")
    found = []
    for path in sorted(folder.glob("*.kp")):
        source = path.read_text(encoding="utf-8", errors="replace")
        if re.search(r"^\s*(extends|thread)\b", source, re.M):
            found.append(str(path))

    def version(path: str):
        return [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", Path(path).stem)]

    return sorted(found, key=version)


def load_specs(paths: list[str], params: dict[str, str]) -> list[Spec]:
    """Every spec, loaded and lowered with the parameter overrides ``params``."""
    return [load_spec(path, params) for path in paths]


def select_properties(specs: list[Spec], names: list[str] | None) -> list[tuple[Spec, str]]:
    """(spec, property) for every spec and every property named (all when ``names`` is
    empty); a name that a spec does not have is a usage error."""
    chosen = []
    for spec in specs:
        known = [p.name for p in spec.model.properties]
        for name in names or known:
            if name not in known:
                raise UsageError(f"{spec.path} has no property {name}; its properties are: {', '.join(known)}")
            chosen.append((spec, name))
    return chosen
