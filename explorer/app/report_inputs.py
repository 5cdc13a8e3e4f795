"""From specs and verdicts to report inputs: what ``explorer report`` renders.

The report layer (``explorer.report``) renders plain data only; this module is the one
place that looks at a ``Spec`` and its ``Model`` to summarise them for a report: the
visible state variables with their sorts as the spec writes them, the parameters, the
interleaving sources that are on, what the variant replaces and adds in its base, the
base variant's verdicts and the flips, and what it takes to reproduce the run.

``report_files`` computes every file ``explorer report`` writes, as text, without
touching the disk, so that the command only has to write them (atomically) and tests can
compare two runs byte for byte.
"""

from __future__ import annotations

import os
import platform
import re
import shlex
from pathlib import Path
from typing import Iterable, Sequence

from explorer.app.jobs import describe
from explorer.app.run import CheckedSpec
from explorer.app.patch import patch_diffs
from explorer.lang import Spec
from explorer.ir import StateVar
from explorer.smt import solver_version
from explorer.report.files import safe_name
from explorer.report.formats import DEFAULT_FORMATS, FORMATS, RENDERERS
from explorer.report.index_html import render_matrix_html
from explorer.report.markdown import render_matrix
from explorer.report.inputs import ModelSummary, ReportInput, Reproducibility, StateVariable
from explorer.verdict import Verdict


INTERLEAVING_WORDS = (
    "preempt", "irq", "interrupt", "fpu", "sleep", "schedul", "block", "migrat", "nmi",
    "signal", "yield", "wake", "concurren",
)
"""A bool parameter is an interleaving source when its name holds one of these words
(``preemption``, ``softirq_fpu``, ``own_kernel_fpu``, ``vcpu_sleep``, ``migration``...)."""

_TRUE = ("true", "1", "yes", "on")
_FALSE = ("false", "0", "no", "off")


# --------------------------------------------------------------------------- model summary


def sort_text(var: StateVar) -> str:
    """The variable's sort as the spec writes it: ``Data``, ``bool``, ``0..3``, and for an
    array ``Cpu -> Data`` (per-CPU), ``Task -> Data`` (per-task), ``Buffer -> Data``."""
    if var.index is None:
        return var.sort.name
    return f"{var.index.name} -> {var.sort.name}"


def scope_text(var: StateVar) -> str:
    """``global``, ``per-CPU``, ``per-task`` or ``array``."""
    if var.index is None:
        return "global"
    return {"Cpu": "per-CPU", "Task": "per-task"}.get(var.index.name, "array")


def _is_bool(value: str) -> bool:
    return value.lower() in _TRUE + _FALSE


def interleavings(params: Iterable[tuple[str, str]]) -> tuple[str, ...]:
    """The interleaving sources that are on: the bool parameters that are true and whose
    names say they are a source (see ``INTERLEAVING_WORDS``), in parameter order; with
    more than one CPU, ``N CPUs`` first (and ``migration`` only then, as it means
    nothing on one CPU)."""
    values = dict(params)
    cpus = _int(values.get("cpus"))
    out: list[str] = []
    if cpus is not None and cpus > 1:
        out.append(f"{cpus} CPUs")
    for name, value in values.items():
        if not _is_bool(value) or value.lower() not in _TRUE:
            continue
        lowered = name.lower()
        if not any(word in lowered for word in INTERLEAVING_WORDS):
            continue
        if "migrat" in lowered and (cpus is None or cpus <= 1):
            continue
        out.append(name)
    return tuple(out)


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def model_summary(spec: Spec) -> ModelSummary:
    """State variables (visible ones, control variables left out), number of actions,
    parameters (name, value), interleaving sources that are on, number of state
    elements."""
    model = spec.model
    variables = tuple(
        StateVariable(v.name, sort_text(v), scope_text(v)) for v in model.variables if not v.hidden
    )
    params = tuple((name, value) for name, value, _default in spec.params)
    return ModelSummary(
        state_variables=variables,
        actions=len(model.actions),
        parameters=params,
        interleavings=interleavings(params),
        elements=len(model.elements),
    )


# --------------------------------------------------------------------------- spec facts

_LEADING_PATH = re.compile(r"^\s*\S+\.kp\s*:\s*")


def description(spec: Spec) -> str:
    """The first comment line of the spec file, without a leading ``path.kp:``
    (``// specs/kvm_fpu/v4.15.kp: x86,kvm: move ...`` gives ``x86,kvm: move ...``)."""
    try:
        text = Path(spec.path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if stripped.startswith("//"):
            body = stripped[2:].strip()
            if not body:
                continue
            return _LEADING_PATH.sub("", body, count=1) or body
        if stripped.startswith("/*"):
            body = stripped[2:].split("*/")[0].strip().lstrip("*").strip()
            if body:
                return _LEADING_PATH.sub("", body, count=1) or body
            continue
        return ""
    return ""


def _names(decls: Iterable[str], kind: str = "fn") -> tuple[str, ...]:
    """``fn kvm_load_guest_fpu`` entries as ``kvm_load_guest_fpu()``; other kinds kept as is."""
    out = []
    for decl in decls:
        k, _, name = decl.partition(" ")
        out.append(f"{name}()" if k == kind and name else decl)
    return tuple(out)


def _norm(path: str) -> str:
    return os.path.normpath(os.path.abspath(path))


def base_variant(spec: Spec) -> str | None:
    return Path(spec.base).stem if spec.base else None


def display_path(path: str, timings: bool) -> str:
    """``path`` as reports show it: as given, except that without timings an absolute
    path becomes relative to the working directory (no machine-dependent text)."""
    if timings or not os.path.isabs(path):
        return path
    try:
        return os.path.relpath(path)
    except ValueError:
        return Path(path).name


# --------------------------------------------------------------------------- reproducibility


def versions() -> dict[str, str]:
    """What ``--version`` prints: explorer's, z3's and Python's versions."""
    return {"explorer": explorer_version(), "z3": solver_version(), "Python": platform.python_version()}


def explorer_version() -> str:
    try:
        from importlib.metadata import version

        return version("explorer")
    except Exception:  # noqa: BLE001 - not installed: fall back to the source tree
        pass
    import explorer

    found = getattr(explorer, "__version__", None)
    if found:
        return str(found)
    pyproject = Path(explorer.__file__).resolve().parent.parent / "pyproject.toml"
    try:
        import tomllib

        return str(tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["version"])
    except Exception:  # noqa: BLE001
        return "unknown"


def z3_version() -> str:
    return solver_version()


def reproducibility(spec_files: Iterable[tuple[str, str]], command_line: str, seed: int | None,
                    timings: bool = True) -> Reproducibility:
    """Versions, spec hashes, command line and seed.  Without ``timings`` nothing that
    depends on the machine: no platform, Python as major.minor only."""
    python = platform.python_version()
    if not timings:
        python = ".".join(python.split(".")[:2])
    hashes: dict[str, str] = {}
    for path, digest in spec_files:
        hashes.setdefault(display_path(path, timings), digest)
    return Reproducibility(
        explorer_version=explorer_version(),
        z3_version=z3_version(),
        python_version=python,
        spec_hashes=tuple(hashes.items()),
        command_line=command_line,
        seed=seed,
        platform=f"{platform.system().lower()} {platform.machine()}" if timings else "",
    )


def command_line(specs: Sequence[str], options: Sequence[tuple[str, object]],
                 program: str = "explorer report") -> str:
    """``explorer report SPEC... --opt value ...`` from the options as parsed, so that it
    is the same whatever the user typed (short options, order, absolute paths)."""
    parts = [program, *(shlex.quote(s) for s in specs)]
    for flag, value in options:
        if value is None or value is False:
            continue
        if value is True:
            parts.append(flag)
        elif isinstance(value, (list, tuple)):
            for item in value:
                parts += [flag, shlex.quote(str(item))]
        else:
            parts += [flag, shlex.quote(str(value))]
    return " ".join(parts)


# --------------------------------------------------------------------------- report inputs


def report_input(spec: Spec, verdicts: Sequence[Verdict], *, base: Spec | None = None,
                 base_verdicts: Sequence[Verdict] = (), command: str = "", seed: int | None = 0,
                 timings: bool = True, notes: Sequence[str] = (), settings: str | None = None) -> ReportInput:
    """Everything a variant's proof report shows, as plain data."""
    return ReportInput(
        variant=spec.variant,
        spec=display_path(spec.path, timings),
        verdicts=tuple(verdicts),
        model=model_summary(spec),
        base=base.variant if base is not None else base_variant(spec),
        base_spec=display_path(base.path if base is not None else spec.base, timings) if (base or spec.base) else None,
        replaces=_names(spec.replaced) if spec.base else (),
        adds=_names(spec.added) if spec.base else (),
        patch=tuple((name, _relative_headers(diff, timings))
                    for name, diff in patch_diffs(spec.path, spec.base, spec.replaced)),
        removes=_names(spec.removed) if spec.base else (),
        base_verdicts=tuple(base_verdicts),
        reproducibility=reproducibility(spec.files, command, seed, timings),
        description=description(spec),
        settings=describe(spec.params) if settings is None else settings,
        timings=timings,
        notes=tuple(notes),
    )


def _relative_headers(diff: str, timings: bool) -> str:
    """A diff whose ``---``/``+++`` paths are shown as ``display_path`` shows paths."""
    lines = diff.splitlines()
    for i, line in enumerate(lines[:2]):
        mark, _, where = line.partition(" ")
        path, _, number = where.rpartition(":")
        lines[i] = f"{mark} {display_path(path, timings)}:{number}"
    return "\n".join(lines)


def find_base(spec: Spec, checked: Iterable[CheckedSpec]) -> CheckedSpec | None:
    """The checked base variant of ``spec``, matched by file path."""
    if not spec.base:
        return None
    target = _norm(spec.base)
    for item in checked:
        if _norm(item.spec.path) == target:
            return item
    return None


def missing_bases(specs: Sequence[Spec]) -> list[str]:
    """Paths of bases that are not among ``specs`` (each once, in order)."""
    have = {_norm(s.path) for s in specs}
    out: list[str] = []
    for s in specs:
        if s.base and _norm(s.base) not in have and s.base not in out:
            out.append(s.base)
    return out


def report_files(variants: Sequence[CheckedSpec], *, bases: Sequence[CheckedSpec] = (),
                 formats: Sequence[str] = DEFAULT_FORMATS, matrix: str | None = None,
                 command: str = "", seed: int | None = 0, timings: bool = True,
                 title: str | None = None) -> dict[str, str]:
    """Every file ``explorer report`` writes, as {file name: text}, in writing order:
    per variant ``<variant>.md`` / ``.html`` / ``.json`` (as ``formats`` asks), then the
    compare matrix ``matrix`` if given (HTML for a ``.html`` name, else Markdown).  ``bases`` are base variants checked only to
    find flips (no report of their own)."""
    unknown = [f for f in formats if f not in RENDERERS]
    if unknown:
        raise ValueError(f"unknown report format(s): {', '.join(unknown)} (expected {', '.join(FORMATS)})")
    pool = [*variants, *bases]
    out: dict[str, str] = {}
    inputs: list[ReportInput] = []
    for item in variants:
        base = find_base(item.spec, pool)
        report = report_input(
            item.spec, item.verdicts,
            base=base.spec if base else None,
            base_verdicts=base.verdicts if base else (),
            command=command, seed=seed, timings=timings, notes=item.notes,
        )
        inputs.append(report)
        for fmt in formats:
            out[f"{safe_name(item.spec.variant)}.{fmt}"] = RENDERERS[fmt](report)
    if matrix:
        links = {r.variant: tuple(f"{safe_name(r.variant)}.{fmt}" for fmt in formats) for r in inputs}
        name = title or Path(matrix).stem
        render = render_matrix_html if Path(matrix).suffix.lower() in (".html", ".htm") else render_matrix
        out[Path(matrix).name] = render(
            inputs, title=name, links=links, command_line=command, timings=timings,
        )
    return out

