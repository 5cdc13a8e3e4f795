"""The engines: each takes (Model, Property, Options) and returns an EngineResult.

One module or package per engine (``bmc``, ``kinduction``, ``pdr``, ``explicit``,
``houdini``), one small interface (``base``: what goes in, the claims that come out) and
one registry (``registry``: the engine names users type).  Engines share the z3 encoding
(``explorer.smt``) and the concrete semantics (``explorer.semantics``); they never print
and never build a verdict: the trust gate (``explorer.trust``) does, after checking what
they claim.
"""

from explorer.engines.base import (
    Certificate, Claim, Counterexample, Deadline, Engine, EngineResult, ExhaustiveCertificate,
    Found, InvariantCertificate, KInductionCertificate, Options, Safe,
)

__all__ = [
    "Certificate", "Claim", "Counterexample", "Deadline", "Engine", "EngineResult",
    "ExhaustiveCertificate", "Found", "InvariantCertificate", "KInductionCertificate",
    "Options", "Safe",
]
