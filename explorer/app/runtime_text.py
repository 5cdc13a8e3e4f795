"""A literal over one of the runtime's elements, as a property writes it.

Lowering adds state a spec does not declare: program counters (``vcpu.pc``,
``sched_pc[cpu0]``, ``irq_pc[cpu0]``), the CPU's mode, ``current`` and the context
switch's ``prev``/``next``.  An invariant over them is printed in the property forms of
``lang.lower.places``: ``vcpu at {"v4.15.kp:28", "v4.15.kp:29"}``, ``!(cpu0 at
context_switch)``, ``in_serving_softirq(cpu0)``, ``cpu_curr(cpu1) == vcpu``,
``next(cpu0) != idle0``.  A program counter's set of values is printed as places only
when it is a union of whole lines (two values at one line, the same function inlined at
two calls, cannot be told apart by a place); otherwise there is no text (``None``) and
the conjunct stays in the program-counter form.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from pathlib import PurePosixPath
from typing import Sequence

from explorer.ir import EnumSort, Model
from explorer.lang.lower.places import Place
from explorer.lang.printer import AND, CMP, NOT, OR, POSTFIX, at_target

MODE_TERMS = {"task": ("in_task({c}) && !in_context_switch({c})", AND),
              "sched": ("in_context_switch({c})", POSTFIX),
              "softirq": ("in_serving_softirq({c})", POSTFIX),
              "hardirq": ("in_hardirq({c})", POSTFIX)}
CODE_REGION = {"sched": "context_switch"}
"""The region a CPU's whole runtime code is named by: its handler's name, or this."""
TASK_OF = {"current": "cpu_curr", "sched_prev": "prev", "sched_next": "next"}


class RuntimeText:
    """Literals over the runtime elements of ``model``, with the spec's ``places``."""

    def __init__(self, model: Model, places: Sequence[Place]):
        self.model = model
        self.by_var: dict[str, dict[int, Place]] = defaultdict(dict)
        names = _file_names({place.file for place in places})
        for place in places:
            self.by_var[place.var][place.value] = replace(place, file=names[place.file])
        self.one_cpu = sum(1 for e in model.elements if e.var == "current") == 1

    def handles(self, slot: int) -> bool:
        element = self.model.elements[slot]
        return element.var in self.by_var or element.var in TASK_OF or element.var == "cpu_mode"

    def literal(self, slot: int, allowed: frozenset[int]) -> tuple[str, int] | None:
        """``(text, precedence)`` of "element ``slot`` takes a value in ``allowed``"."""
        element = self.model.elements[slot]
        sort = element.sort
        assert isinstance(sort, EnumSort)
        cpu = None if element.index is None else element.name[element.name.index("[") + 1:-1]
        if element.var == "cpu_mode":
            return self._mode(cpu, sort, allowed)
        if element.var in TASK_OF:
            return self._task(element.var, cpu, sort, allowed)
        subject = element.var[:-len(".pc")] if cpu is None else cpu
        return self._at(subject, cpu is not None, self.by_var[element.var], sort, allowed)

    def _mode(self, cpu, sort: EnumSort, allowed: frozenset[int]):
        modes = {sort.members[v] for v in allowed}
        rest = set(sort.members) - modes
        if modes == {"task", "sched"} or rest == {"task", "sched"}:
            text = f"in_task({cpu})"
            return (text, POSTFIX) if "task" in modes else ("!" + text, NOT)
        negate = len(rest) < len(modes)
        terms = [MODE_TERMS[m] for m in sort.members if m in (rest if negate else modes)]
        text, level = _joined([(t.format(c=cpu), lv) for t, lv in terms], " || ", OR)
        return (f"!({text})" if level < POSTFIX else "!" + text, NOT) if negate else (text, level)

    def _task(self, var: str, cpu, sort: EnumSort, allowed: frozenset[int]):
        names = [sort.members[v] for v in sorted(allowed)]
        rest = [m for m in sort.members if m not in names]
        if var == "current" and self.one_cpu and 1 in (len(names), len(rest)):
            return (f"running({names[0]})", POSTFIX) if len(names) == 1 else (f"!running({rest[0]})", NOT)
        call = f"{TASK_OF[var]}({cpu})"
        if len(names) == 1:
            return f"{call} == {names[0]}", CMP
        if len(rest) == 1:
            return f"{call} != {rest[0]}", CMP
        return f"{call} in {{{', '.join(names)}}}", CMP

    def _at(self, subject: str, is_cpu: bool, places: dict[int, Place], sort: EnumSort,
            allowed: frozenset[int]):
        """``subject at …`` for a program counter; a value without a place is the idle
        value of a CPU's runtime code (``sched_pc == idle``)."""
        idle = frozenset(v for v in sort.values() if v not in places)
        if idle and idle <= allowed:  # "not at those places"
            text = self._where(subject, is_cpu, places, frozenset(sort.values()) - allowed)
            return None if text is None else (f"!({text})", NOT)
        if allowed & idle:
            return None
        text = self._where(subject, is_cpu, places, allowed)
        return None if text is None else (text, OR if " || " in text else CMP)

    def _where(self, subject: str, is_cpu: bool, places: dict[int, Place],
               values: frozenset[int]) -> str | None:
        codes = {places[v].code for v in values}
        if len(codes) == 1 and is_cpu:
            (code,) = codes
            if values == {v for v, p in places.items() if p.code == code}:
                return f"{subject} at {CODE_REGION.get(code, code)}"
        regions, left = ([], set(values)) if is_cpu else _regions(places, values)
        lines: dict[str, set[int]] = defaultdict(set)
        for value, place in places.items():
            lines[place.text].add(value)
        chosen = sorted({places[v].text for v in left}, key=_line_order)
        if any(not lines[text] <= values for text in chosen):
            return None  # a line shared with a value not allowed
        parts = [f"{subject} at {region}" for region in regions]
        if chosen:
            parts.append(f"{subject} at {at_target('', tuple(chosen))}")
        return " || ".join(parts)


def _regions(places: dict[int, Place], values: frozenset[int]) -> tuple[list[str], set[int]]:
    """Functions (or labels) whose every place is among ``values``, largest first, each
    covering at least two places not yet covered; and the values left over."""
    inside: dict[str, set[int]] = defaultdict(set)
    for value, place in places.items():
        for region in place.regions:
            inside[region].add(value)
    fits = sorted((r for r, vs in inside.items() if vs <= values), key=lambda r: (-len(inside[r]), r))
    left, out = set(values), []
    for region in fits:
        if len(inside[region] & left) >= 2:
            out.append(region)
            left -= inside[region]
    return sorted(out), left


def _file_names(files: set[str]) -> dict[str, str]:
    """Each file by the shortest ending of its path that no other file shares (its name,
    unless two files of the spec have the same name)."""
    out = {}
    for file in files:
        parts = PurePosixPath(file.replace("\\", "/")).parts
        for n in range(1, len(parts) + 1):
            tail = "/".join(parts[-n:])
            if not any(other != file and other.replace("\\", "/").endswith("/" + tail) for other in files):
                break
        out[file] = tail
    return out


def _line_order(text: str) -> tuple[str, int]:
    file, _, line = text.rpartition(":")
    return file, int(line)


def _joined(parts: list[tuple[str, int]], op: str, level: int) -> tuple[str, int]:
    if len(parts) == 1:
        return parts[0]
    return op.join(f"({t})" if lv <= level else t for t, lv in parts), level

