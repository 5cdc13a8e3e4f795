"""ABC as a peer engine: the AIGER export (``explorer.export.aiger``) run through ABC's
``pdr`` (IC3, engine ``abc``; ``abc-scorr`` merges equivalent latches first) or ``bmc3``
(engine ``abc-bmc``).

What ABC gets is the property's cone of influence (``explorer.export.cone``: the elements
the bad predicate depends on, the actions that write them, constants folded), rewritten
by ABC's combinational ``dc2`` (``PREPARE``), which keeps the latches and their names:
what ABC answers reads back over the export as it is.

* A counterexample: ABC writes it (``write_cex -n``); its frames' inputs are read back as
  an initial state and action selectors (``explorer.export.aiger_read``), the selectors
  that name no enabled action (stutters) are dropped, and the run is a ``Found`` claim
  that the trust gate replays.  ``bmc3`` checks frames in order, so its run has the
  fewest frames; ``pdr``'s is shortened by ``bmc3`` to its length, and a run that ends
  in a forbidden step (one step more than its frames) is replaced by one that reaches a
  bad state proper in as many frames, where ``bmc3`` finds one: the depth is then the
  shortest as explorer counts it, like ``bmc``'s.
* A proof (``pdr``): ``pdr -d`` dumps the inductive invariant it found as the cubes it
  blocked; they are read back as clauses over the model's elements and claimed as an
  ``InvariantCertificate``, with "it keeps its value" for every folded constant (the
  clauses over the cone are inductive only together with them), which the gate re-checks with z3 (initial states, induction,
  the property) before "proved" is printed.  ``pdr`` (by default, its ``-o``) uses the
  property as an inductive hypothesis, which makes it several times faster here; the
  clauses of its fixpoint frame still exclude every state where the output (the bad
  predicate or an evaluation error) holds, so they are inductive on their own, and the
  gate checks that they are.
* ``bmc3`` with no counterexample: ``HoldsUpTo(bound)`` only if ABC says it finished
  frames 0 to ``bound`` (``No output asserted in N frames``), or that it visited every
  reachable state (``Explored all reachable states``, on small models); fewer frames is
  ``Unknown`` with the frames it did finish.
* A missing program, a crash, a timeout, output this module cannot read: ``Unknown``
  with the reason.

``run_abc`` is the plain function benchmarks call.
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass, field, replace
from typing import Any

from explorer import semantics
from explorer.engines.base import (
    Counterexample, Deadline, EngineResult, Found, InvariantCertificate, Options, Safe,
)
from explorer.engines.peers import PeerFailed, PeerTimeout, ToolMissing, first_line, run, tool
from explorer.export.aiger import AigerExport, to_aiger
from explorer.export.aiger_read import AigerReadError, read_cex, read_equivalences, read_invariant
from explorer.ir import Model, Property
from explorer.ir import expr as ir
from explorer.ir.readable import Clause
from explorer.verdict import HoldsUpTo, Unknown

SIZE = re.compile(r"lat\s*=\s*(\d+)\s+and\s*=\s*(\d+)")
ASSERTED = re.compile(r"[Oo]utput (\d+) of miter .* was asserted in frame (\d+)")
NO_CEX = re.compile(r"No output asserted in (\d+) frames")
EXHAUSTED = re.compile(r"Explored all reachable states after completing (\d+) frames")
GRACE_S = 5.0
"""How long past its own ``-T`` limit ABC may run before it is killed."""
PREPARE = {
    "dc2": "strash; dc2",
    "scorr": "strash; dc2; scorr -l -w; dc2",
}
"""What ABC may do to the export before ``pdr`` or ``bmc3``.  ``dc2`` is combinational
rewriting only, which keeps every latch and its name and changes no latch's next-state
function, so a counterexample and an invariant read back over the export's latches as
they are (5.5x fewer gates than the cone export of v5.6 ``integrity`` at ``cpus=3 other_tasks=3``;
``bench/bench_abc.py``).  ``scorr`` also merges the latches it proves equivalent (or
constant) by induction; ``-l`` restricts it to latches (equivalences of internal nodes
would be used too, and the latches' alone would then not make ``pdr``'s clauses
inductive on the model: the gate refused such proofs on ``tests/specs/mini.kp``), ``-w``
prints them, and a proof is claimed as ``pdr``'s clauses over the latches kept *and*
those equivalences (``aiger_read.read_equivalences``), which the gate re-checks as one
invariant over the model.  A counterexample needs nothing more:
the inputs are kept, and the gate replays it on the model."""


@dataclass(frozen=True)
class AbcRun:
    """One ABC run, as read from its output.

    ``answer`` is ``"proved"``, ``"violated"``, ``"bounded"`` (bmc3: no counterexample
    in ``frames`` frames) or ``"undecided"`` (with ``problem`` saying why);
    ``selections`` and ``init`` are the counterexample's, ``clauses`` the invariant's
    (over the model's elements).
    """

    answer: str
    seconds: float
    frames: int | None = None
    init: tuple[int, ...] | None = None
    selections: tuple[int, ...] | None = None
    clauses: tuple[Clause, ...] | None = None
    problem: str = ""
    output: str = field(default="", repr=False)
    size: tuple[int, int] | None = None
    """Latches and and-gates of what ABC searched (after ``PREPARE``), as it says."""


def run_abc(model: Model, prop: Property, method: str, *, bound: int = 20,
            timeout_s: float | None = None, workdir: str | None = None,
            prepare: str = "dc2") -> AbcRun:
    """ABC's ``method`` (``pdr`` or ``bmc3``, the latter to ``bound`` steps) on
    ``model``'s AIGER export for ``prop``, after ``PREPARE[prepare]``.  Raises
    ``ToolMissing``, ``PeerTimeout`` and ``PeerFailed`` (ABC crashed, or wrote what cannot
    be read)."""
    abc = tool("abc")
    export = to_aiger(model, prop, cone=True)
    if not export.latches:  # a bad predicate that reads nothing: ABC's engines want latches
        export = to_aiger(model, prop)
    if workdir is None:
        with tempfile.TemporaryDirectory(prefix="explorer-abc-") as folder:
            return _run(model, export, abc, method, bound, timeout_s, folder, prepare)
    os.makedirs(workdir, exist_ok=True)
    return _run(model, export, abc, method, bound, timeout_s, workdir, prepare)


def _run(model: Model, export: AigerExport, abc: str, method: str, bound: int,
         timeout_s: float | None, folder: str, prepare: str) -> AbcRun:
    with open(os.path.join(folder, "model.aig"), "wb") as out:
        out.write(export.data)
    limit = "" if timeout_s is None else f" -T {max(1, int(timeout_s))}"
    if method == "pdr":
        command = f"pdr{limit} -d -I inv.pla"
    elif method == "bmc3":
        command = f"bmc3 -F {bound + 1}{limit}"
    else:
        raise ValueError(f"no ABC method {method!r}")
    script = f"read_aiger model.aig; {PREPARE[prepare]}; print_stats; {command}; write_cex -n cex.txt"
    ran = run([abc, "-c", script], folder, None if timeout_s is None else timeout_s + GRACE_S)
    text = ran.output
    if ran.returncode != 0:
        raise PeerFailed(f"ABC exited with status {ran.returncode}: {_last_line(text)}")
    stats = SIZE.search(text)
    size = None if stats is None else (int(stats.group(1)), int(stats.group(2)))
    return replace(_answer(model, export, method, bound, folder, ran.seconds, text), size=size)


def _answer(model: Model, export: AigerExport, method: str, bound: int, folder: str,
            seconds: float, text: str) -> AbcRun:
    """What ABC's output and files say."""
    asserted = ASSERTED.search(text)
    if asserted:
        with open(os.path.join(folder, "cex.txt"), encoding="utf-8", errors="replace") as cex:
            init, selections = read_cex(cex.read(), export)
        return AbcRun("violated", seconds, int(asserted.group(2)), init, selections,
                      output=text)
    if method == "pdr" and "Property proved" in text:
        path = os.path.join(folder, "inv.pla")
        if not os.path.exists(path):
            raise PeerFailed("ABC's pdr proved the property but wrote no invariant")
        with open(path, encoding="utf-8", errors="replace") as pla:
            clauses = read_invariant(pla.read(), export, model) + export.constant_clauses() \
                + read_equivalences(text, export, model)
        return AbcRun("proved", seconds, clauses=clauses, output=text)
    if method == "bmc3" and EXHAUSTED.search(text):  # fewer reachable states than frames
        return AbcRun("bounded", seconds, bound + 1, output=text)
    frames = NO_CEX.search(text)
    if method == "bmc3" and frames:
        done = int(frames.group(1))
        answer = "bounded" if done >= bound + 1 else "undecided"
        problem = "" if answer == "bounded" else f"bmc3 stopped after {done} frames: {_last_line(text)}"
        return AbcRun(answer, seconds, done, problem=problem, output=text)
    return AbcRun("undecided", seconds, problem=_last_line(text), output=text)


def _last_line(text: str) -> str:
    """What ABC said last, or the line where it says it ran out of time."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for line in lines:
        if "timeout" in line.lower():
            return line[:200]
    return lines[-1][:200] if lines else first_line(text)


def _run_of(model: Model, prop: Property, result: AbcRun) -> tuple[Counterexample, tuple[int, ...]]:
    """ABC's frames as a run and its last state: the selected actions that are enabled,
    in order (the others stutter), up to the first bad state.  Raises
    ``semantics.EvaluationError`` where the run stops on an evaluation error."""
    state = result.init
    actions: list[str] = []
    for number in result.selections:
        if semantics.is_bad(model, prop, state):
            break
        if number >= len(model.actions):
            continue
        action = model.actions[number]
        if semantics.enabled(model, action, state):
            state = semantics.apply(model, action, state)
            actions.append(action.name)
    return Counterexample(tuple(result.init), tuple(actions)), state


def _shortest(model: Model, prop: Property, result: AbcRun, method: str,
              deadline: Deadline) -> Found | Unknown:
    """A counterexample as short as explorer counts depth (as ``bmc`` finds them).

    ``pdr``'s run is not a shortest one: ``bmc3`` is run to its length.  A run whose
    last state only enables a forbidden step is one step longer than its frames; where
    a bad state proper could be reached in as many frames, ``bmc3`` on the state part
    alone finds it."""
    try:
        if method == "pdr":
            shorter = _again(model, prop, result.frames, deadline)
            result = shorter if shorter is not None else result
        run, last = _run_of(model, prop, result)
        if prop.sites and prop.state_bad != ir.FALSE and result.frames \
                and not semantics.evaluate(model, prop.state_bad, last):
            state_part = replace(prop, bad=prop.state_bad, sites=())
            proper = _again(model, state_part, result.frames, deadline)
            if proper is not None and proper.frames == result.frames:
                run, _ = _run_of(model, state_part, proper)
    except semantics.EvaluationError as error:
        return Unknown(f"error: {error}")
    return Found(run)


def _again(model: Model, prop: Property, frames: int, deadline: Deadline) -> AbcRun | None:
    """``bmc3`` to ``frames`` frames: its counterexample, or None (none, or no answer)."""
    try:
        again = run_abc(model, prop, "bmc3", bound=frames, timeout_s=deadline.remaining_s())
    except (PeerFailed, PeerTimeout, AigerReadError, OSError, ValueError):
        return None
    return again if again.answer == "violated" else None


def _engine(name: str, method: str, prepare: str = "dc2"):
    def check(model: Model, prop: Property, options: Options = Options()) -> EngineResult:
        deadline = Deadline(options.timeout_s)
        stats: dict[str, Any] = {"engine": name}
        try:
            result = run_abc(model, prop, method, bound=options.bound,
                             timeout_s=options.timeout_s, prepare=prepare)
        except ToolMissing as error:
            return EngineResult(Unknown(str(error)), stats)
        except PeerTimeout:
            return EngineResult(Unknown(f"timeout after {deadline.elapsed():.1f} s ({name})"), stats)
        except (PeerFailed, AigerReadError, OSError, ValueError) as error:
            return EngineResult(Unknown(f"{name} gave no answer: {error}"), stats)
        stats.update(abc_s=result.seconds, abc_frames=result.frames, abc_size=result.size)
        if result.answer == "violated":
            return EngineResult(_shortest(model, prop, result, method, deadline), stats)
        if result.answer == "proved":
            stats["abc_clauses"] = len(result.clauses)
            return EngineResult(Safe(name, InvariantCertificate(None, clauses=result.clauses)), stats)
        if result.answer == "bounded":
            return EngineResult(HoldsUpTo(options.bound), stats)
        bound = 0 if not result.frames else result.frames - 1  # frames 0..frames-1 are safe
        if "timeout" in result.problem.lower() or (
                options.timeout_s is not None and deadline.elapsed() >= options.timeout_s):
            limit = "its time limit" if options.timeout_s is None else f"{options.timeout_s:.1f} s"
            return EngineResult(Unknown(f"timeout after {limit} ({name})",
                                        bound=bound), stats)
        return EngineResult(Unknown(f"{name} gave no answer: {result.problem}", bound=bound),
                            stats)

    check.__doc__ = (f"Whether ``prop``'s bad states are reachable, by ABC's ``{method}`` on "
                     f"the AIGER export after ``{PREPARE[prepare]}``; see the module docstring "
                     "for what is claimed.")
    return check


check = _engine("abc", "pdr")
check_bmc = _engine("abc-bmc", "bmc3")
check_scorr = _engine("abc-scorr", "pdr", "scorr")
