"""The engines by the names users type (``--engine NAME``): one spelling per engine."""

from __future__ import annotations

from explorer.engines import abc, bmc, explicit, houdini, kinduction, pdr, spin
from explorer.engines.base import Engine

ENGINES: dict[str, Engine] = {
    "bmc": bmc.check,
    "kind": kinduction.check,
    "pdr": pdr.check,
    "explicit": explicit.check,
    "houdini": houdini.check,
    "spin": spin.check,
    "abc": abc.check,
    "abc-bmc": abc.check_bmc,
    "abc-scorr": abc.check_scorr,
}
NAMES: tuple[str, ...] = tuple(ENGINES)


def engine(name: str) -> Engine:
    """The engine called ``name`` (a ``KeyError`` names the known ones)."""
    try:
        return ENGINES[name]
    except KeyError:
        raise KeyError(f"unknown engine {name!r}; the engines are: {', '.join(NAMES)}") from None
