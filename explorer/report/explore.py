"""State-space statistics (``explorer explore``) as text and JSON.

Takes the exploration result as a plain dict (``ExploreResult.to_dict()``), so the report
layer does not depend on the engine that produced it.
"""

from __future__ import annotations

import json
from typing import Any, Mapping

from tabulate import tabulate


def _figures(result: Mapping[str, Any]) -> list[tuple[str, Any]]:
    complete = result["complete"]
    states = f"{result['states']:,}" + ("" if complete else " (so far)")
    reduced = result.get("reduction", "none") != "none"
    figures = [("reachable states", states + (" (reduced)" if reduced else ""))]
    if reduced:
        figures += [("represented", f"{result['represented']:,} (orbits under {', '.join(result['symmetries'])}; "
                                    "--reduction none for the exact count)")]
    return figures + [
        ("transitions", f"{result['transitions']:,}"),
        ("diameter", result["diameter"]),
        ("deadlock states", result["deadlocks"]),
        ("actions never enabled", len(result["actions_never_enabled"])),
        ("time", f"{result['time_s']:.2f} s"),
        ("states/s", f"{result['states_per_s']:,.0f}"),
        ("search", "complete" if complete else f"stopped: {result['stopped']}"),
    ]


def explore_text(result: Any, spec: str, settings: str) -> str:
    """A summary table, states per depth, and the deadlocks and steps never enabled."""
    data = result.to_dict() if hasattr(result, "to_dict") else dict(result)
    out = [f"{spec} ({settings})", tabulate(_figures(data), tablefmt="plain"), ""]
    per_depth = data["states_per_depth"]
    if per_depth:
        rows = [(depth, count) for depth, count in enumerate(per_depth)]
        out.append("new states per depth:")
        out.append(tabulate(rows, headers=["depth", "states"], tablefmt="simple"))
        out.append("")
    for example in data["deadlock_examples"]:
        visible = ", ".join(f"{k}={v}" for k, v in example.items())
        out.append(f"deadlock: {visible}")
    never = data["actions_never_enabled"]
    if never:
        out.append(f"actions never enabled ({len(never)}): " + ", ".join(never[:10]) + (" …" if len(never) > 10 else ""))
    return "\n".join(out).rstrip() + "\n"


def explore_json(result: Any) -> str:
    data = result.to_dict() if hasattr(result, "to_dict") else dict(result)
    return json.dumps({"version": 1, "explore": data}, indent=2, default=str) + "\n"
