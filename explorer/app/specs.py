"""Which specs and properties a run is about: the bundled specs, loading, selection.

Problems are exceptions the command line turns into exit codes: ``SpecError`` (a spec
that does not load: exit 150), ``ParamError`` and ``UsageError`` (a wrong option: exit 2).
"""

from __future__ import annotations

import re
import signal
import threading
from pathlib import Path

from explorer.lang import ParamError, Spec, SpecError, load_spec

__all__ = ["UsageError", "ParamError", "SpecError", "LoadTimeout", "bundled_specs", "load_specs",
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


class LoadTimeout(Exception):
    """Loading and lowering the specs took longer than the run's timeout."""


def load_specs(paths: list[str], params: dict[str, str], timeout_s: float | None = None) -> list[Spec]:
    """Every spec, loaded and lowered with the parameter overrides ``params``, within
    ``timeout_s`` (the run's timeout covers loading too)."""
    if timeout_s is None or threading.current_thread() is not threading.main_thread():
        return [load_spec(path, params) for path in paths]

    def expired(signum, frame):
        raise LoadTimeout(f"loading the specs took longer than {timeout_s} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, timeout_s)
    try:
        return [load_spec(path, params) for path in paths]
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


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
