"""``explorer export``: a spec's grounded model written for a peer model checker, and
whether a peer engine can run on this machine."""

from __future__ import annotations

import os
import tempfile

from explorer.app.specs import UsageError, load_specs
from explorer.engines import peers
from explorer.export import to_aiger, to_promela
from explorer.smt.vmt import to_vmt

FORMATS = ("promela", "aiger", "smt2")


def missing_tool(engine: str) -> str | None:
    """Why peer ``engine`` cannot run here (naming the Debian package), or None."""
    return peers.missing(engine)


def export_spec(path: str, params: dict[str, str], fmt: str, prop: str | None,
                output: str) -> str:
    """Write ``path``'s model (with ``params``) as ``fmt`` to ``output``, atomically (a
    temporary file renamed); the AIGER output and the VMT property (``smt2``) are property
    ``prop``'s (the first property when None), the Promela file monitors ``prop`` or every
    property.
    Returns what was written, for a message."""
    if fmt not in FORMATS:
        raise UsageError(f"unknown format {fmt!r}; the formats are: {', '.join(FORMATS)}")
    model = load_specs([path], params)[0].model
    chosen = None
    if prop is not None:
        try:
            chosen = model.property(prop)
        except KeyError:
            known = ", ".join(p.name for p in model.properties)
            raise UsageError(f"{path} has no property {prop}; its properties are: {known}") from None
    if fmt == "promela":
        data = to_promela(model, None if chosen is None else (chosen,)).text.encode()
        what = f"Promela, {len(model.actions)} actions"
    elif fmt == "aiger":
        chosen = chosen or (model.properties[0] if model.properties else None)
        exported = to_aiger(model, chosen)
        data = exported.data
        what = f"AIGER, {len(exported.latches)} latches, {exported.gates} gates"
    else:
        chosen = chosen or (model.properties[0] if model.properties else None)
        if chosen is None:
            raise UsageError(f"{path} has no property to export as VMT")
        data = to_vmt(model, chosen).encode()
        what = f"VMT (SMT-LIB 2), {len(model.elements)} state variables, property {chosen.name}"
    folder = os.path.dirname(os.path.abspath(output))
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".explorer-export-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, output)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
    return what
