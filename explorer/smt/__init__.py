"""IR -> z3 and back: terms (``terms``), the encoding of a model with its transition
relation and frames (``encoding``), z3 formulas back as IR (``from_z3``), invariants as
self-contained SMT-LIB text (``smt2``).  Knows nothing of the spec language."""

import z3

from explorer.smt.encoding import Encoding
from explorer.smt.terms import EncodeError

__all__ = ["Encoding", "EncodeError", "solver_version"]


def solver_version() -> str:
    """The version of z3 every SMT engine and the trust gate use."""
    return z3.get_version_string()
