"""Sweeps: ``-P cpus=1,2 -P other_tasks=1,2`` as the grid of instances it names.

A parameter given several comma-separated values is swept: every combination of the
swept values is an instance of each spec, loaded with those values and named after them
(``v4.15 cpus=2 other_tasks=1``), so that ``check`` lists and ``compare`` shows the
instances as columns of their own.  Parameters given one value are plain overrides.
"""

from __future__ import annotations

import itertools
from dataclasses import replace
from typing import Sequence

from explorer.app.specs import UsageError, load_specs
from explorer.lang import Spec


def grid(params: dict[str, str]) -> list[dict[str, str]]:
    """Every combination of the values of ``params`` (``name -> "v1,v2"``), the first
    parameter varying slowest; one value each gives one instance."""
    axes: list[list[str]] = []
    for name, text in params.items():
        values = [v.strip() for v in text.split(",")]
        if any(not v for v in values):
            raise UsageError(f"-P {name}={text}: an empty value in the list")
        axes.append(list(dict.fromkeys(values)))
    return [dict(zip(params, combo)) for combo in itertools.product(*axes)]


def swept(params: dict[str, str]) -> list[str]:
    """The names of the parameters given more than one value."""
    return [name for name, text in params.items() if len(set(v.strip() for v in text.split(","))) > 1]


def instance_label(variant: str, instance: dict[str, str], names: Sequence[str]) -> str:
    """``v4.15 cpus=2 other_tasks=1``: the variant and its swept values."""
    return " ".join([variant, *(f"{name}={instance[name]}" for name in names)])


def load_instances(paths: list[str], params: dict[str, str], timeout_s: float | None = None) -> list[Spec]:
    """Every spec at ``paths`` loaded once per instance of the grid of ``params`` (spec
    by spec, instances in grid order), each named after its swept values."""
    names = swept(params)
    instances = grid(params)
    if not names:
        return load_specs(paths, instances[0], timeout_s)
    by_instance = [load_specs(paths, instance, timeout_s) for instance in instances]
    return [replace(by_instance[i][p], variant=instance_label(by_instance[i][p].variant, instance, names))
            for p in range(len(paths)) for i, instance in enumerate(instances)]
