"""SPIN as a peer engine: the Promela export (``explorer.export.promela``) run through
``spin -a``, gcc and ``pan``.

* ``spin -o2 -a``: without ``-o2`` SPIN drops variables that are written and never read
  (dead variable elimination), and stores fewer states than the model has.
* A violation: ``pan`` writes a trail; a guided simulation (``spin -t``) prints the
  markers of the options taken, which name the grounded actions (and initial values), so
  the trail comes back as a ``Found`` claim that the trust gate replays.  With ``-DBFS``
  (the default) it is a shortest counterexample.
* "errors: 0" over a complete search: SPIN's own proof has no certificate explorer could
  re-check (pan does not hand its states out), so the claim is made checkable by
  explorer's exhaustive search, run here as well: the claim is ``Safe("spin")`` only if
  that search also finds no bad state and finds exactly as many states as SPIN stored
  (``-DNOREDUCE``; with reduction SPIN may store fewer, never more); its states are the
  certificate that the gate re-checks.  Any disagreement is ``Unknown`` naming both.
* A missing program, a compile error, a crash, a truncated search or output this module
  cannot read: ``Unknown`` with the reason.

``run_pan`` is the plain function benchmarks call.
"""

from __future__ import annotations

import os
import re
import tempfile
import time
from dataclasses import dataclass, field

from explorer import semantics
from explorer.engines.base import (
    Counterexample, Deadline, EngineResult, ExhaustiveCertificate, Found, Options, Safe,
)
from explorer.engines.peers import PeerFailed, PeerTimeout, ToolMissing, first_line, run, tool
from explorer.export.promela import PromelaExport, to_promela
from explorer.ir import Model, Property
from explorer.verdict import Unknown

MAX_DEPTH = 1_000_000
"""``pan -m``: the depth-first search stack (the breadth-first search needs no limit)."""


@dataclass(frozen=True)
class PanResult:
    """One SPIN run, as figures.

    ``states_stored`` is what pan printed (``None`` if it printed none); ``model_states``
    the same less the export's start state (``PromelaExport.start_states``), comparable
    with explorer's count; ``errors`` pan's error count; ``trail`` the actions of the
    counterexample (grounded action names) and ``init`` its initial state, when there was
    an error; ``complete`` whether the search covered the state space (no truncation, no
    error stop); ``problem`` why the figures are not to be believed ("" when fine).
    """

    states_stored: int | None
    model_states: int | None
    transitions: int | None
    depth: int | None
    seconds_compile: float
    seconds_search: float
    memory_mb: float | None
    errors: int | None
    trail: tuple[str, ...] | None = None
    init: tuple[int, ...] | None = None
    complete: bool = False
    problem: str = ""
    output: str = field(default="", repr=False)


def _int(pattern: str, text: str) -> int | None:
    match = re.search(pattern, text)
    return int(match.group(1)) if match else None


INCOMPLETE = ("max search depth too small", "out of memory", "search not completed",
              "memory limit", "aborting", "error: ")


def _parse(text: str, export: PromelaExport, compile_s: float, search_s: float) -> PanResult:
    stored = _int(r"(\d+) states, stored", text)
    errors = _int(r"errors: (\d+)", text)
    memory = re.search(r"([\d.]+)\s+total actual memory usage", text)
    problem = ""
    lowered = text.lower()
    for words in INCOMPLETE:
        if words in lowered:
            line = next(l for l in text.splitlines() if words in l.lower())
            problem = f"pan: {line.strip()[:160]}"
            break
    if stored is None or errors is None:
        problem = problem or f"pan printed no statistics: {first_line(text)}"
    return PanResult(
        states_stored=stored,
        model_states=None if stored is None else stored - export.start_states,
        transitions=_int(r"(\d+) transitions", text),
        depth=_int(r"depth reached (\d+)", text),
        seconds_compile=compile_s,
        seconds_search=search_s,
        memory_mb=float(memory.group(1)) if memory else None,
        errors=errors,
        complete=not problem and errors == 0,
        problem=problem if errors == 0 or errors is None else "",
        output=text,
    )


def _hash_bits(model: Model) -> int:
    """``pan -w``: the hash table's size, from the number of valuations, 2^16 to 2^22."""
    bits = 0.0
    for element in model.elements:
        bits += max(1, element.sort.size).bit_length()
    return int(min(22, max(16, bits)))


def read_trail(text: str, export: PromelaExport) -> tuple[tuple[int, ...], tuple[str, ...]]:
    """The initial state and actions a guided simulation printed (its ``@@`` markers)."""
    init = list(export.default_init)
    actions: list[str] = []
    for match in re.finditer(r"@@([aib]\w*) ?([^\n]*)", text):
        kind, rest = match.group(1), match.group(2).split()
        if kind == "i":
            init[int(rest[0])] = int(rest[1])
        elif kind == "a":
            number = int(rest[0])
            if not 0 <= number < len(export.actions):
                raise PeerFailed(f"the trail names action number {number}, which is none")
            actions.append(export.actions[number])
        elif kind == "bad":
            return tuple(init), tuple(actions)
    raise PeerFailed("the trail does not end at a monitor of the property")


def run_pan(model: Model, prop: Property | None, *, noreduce: bool = True, bfs: bool = True,
            timeout_s: float | None = None, memory_mb: int | None = None,
            workdir: str | None = None, optimize: bool | None = None) -> PanResult:
    """SPIN on ``model``: export, ``spin -a``, gcc, ``pan``, and the trail read back.

    ``prop`` None explores the whole state space (no monitor), for counting states;
    ``noreduce`` compiles with ``-DNOREDUCE`` (no partial-order reduction: the count is
    then explorer's); ``bfs`` with ``-DBFS`` (a breadth-first search: shortest trails).
    ``timeout_s`` covers the compilation and the search; ``memory_mb`` is pan's
    ``-DMEMLIM`` (default 4096).  Raises ``ToolMissing`` (spin or gcc not installed),
    ``PeerTimeout`` and ``PeerFailed`` (spin or gcc refused the export, or a trail that
    cannot be read); a search that pan itself cut short is a result with ``problem``.
    ``workdir`` keeps the files there (default: a temporary folder, removed).
    ``optimize`` compiles pan with ``-O2`` (gcc takes seconds more) instead of ``-O0``;
    None: ``-O2`` for models of more than 200 actions.
    """
    if optimize is None:
        optimize = len(model.actions) > 200
    spin, gcc = tool("spin"), tool("gcc")
    export = to_promela(model, () if prop is None else (prop,))
    deadline = Deadline(timeout_s)
    if workdir is None:
        with tempfile.TemporaryDirectory(prefix="explorer-spin-") as folder:
            return _run(model, export, folder, spin, gcc, noreduce, bfs, deadline, memory_mb, optimize)
    os.makedirs(workdir, exist_ok=True)
    return _run(model, export, workdir, spin, gcc, noreduce, bfs, deadline, memory_mb, optimize)


def _run(model: Model, export: PromelaExport, folder: str, spin: str, gcc: str, noreduce: bool,
         bfs: bool, deadline: Deadline, memory_mb: int | None, optimize: bool) -> PanResult:
    with open(os.path.join(folder, "model.pml"), "w", encoding="utf-8") as out:
        out.write(export.text)
    start = time.perf_counter()
    made = run([spin, "-o2", "-a", "model.pml"], folder, deadline.remaining_s())
    if made.returncode != 0 or not os.path.exists(os.path.join(folder, "pan.c")):
        raise PeerFailed(f"spin -a refused the export: {first_line(made.output)}")
    flags = ["-O2" if optimize else "-O0", "-DSAFETY", f"-DMEMLIM={memory_mb or 4096}",
             f"-DVECTORSZ={max(1024, 8 * len(model.elements) + 256)}"]
    flags += ["-DNOREDUCE"] if noreduce else []
    flags += ["-DBFS"] if bfs else []
    built = run([gcc, *flags, "-o", "pan", "pan.c"], folder, deadline.remaining_s())
    if built.returncode != 0:
        raise PeerFailed(f"gcc did not compile pan.c: {first_line(built.output)}")
    compile_s = time.perf_counter() - start
    searched = run(["./pan", "-E", f"-m{MAX_DEPTH}", f"-w{_hash_bits(model)}"], folder,
                   deadline.remaining_s())
    result = _parse(searched.output, export, compile_s, searched.seconds)
    if not result.errors:
        return result
    if not os.path.exists(os.path.join(folder, "model.pml.trail")):
        raise PeerFailed(f"pan reported {result.errors} error(s) but wrote no trail")
    guided = run([spin, "-t", "model.pml"], folder, deadline.remaining_s())
    init, actions = read_trail(guided.output, export)
    return _with_trail(result, init, actions)


def _with_trail(result: PanResult, init, actions) -> PanResult:
    from dataclasses import replace

    return replace(result, init=init, trail=actions)


def check(model: Model, prop: Property, options: Options = Options()) -> EngineResult:
    """Whether ``prop``'s bad states are reachable, by SPIN (breadth-first, no reduction);
    see the module docstring for what a proof rests on."""
    deadline = Deadline(options.timeout_s)
    memory = None if options.memory_bytes is None else max(64, options.memory_bytes >> 20)
    stats: dict = {"engine": "spin"}
    try:
        pan = run_pan(model, prop, noreduce=True, bfs=True, timeout_s=options.timeout_s,
                      memory_mb=memory)
    except ToolMissing as error:
        return EngineResult(Unknown(str(error)), stats)
    except PeerTimeout:
        return EngineResult(Unknown(f"timeout after {deadline.elapsed():.1f} s (spin)"), stats)
    except (PeerFailed, OSError, ValueError, IndexError) as error:
        return EngineResult(Unknown(f"spin gave no answer: {error}"), stats)
    stats.update(spin_states=pan.model_states, spin_transitions=pan.transitions,
                 spin_depth=pan.depth, spin_compile_s=pan.seconds_compile,
                 spin_search_s=pan.seconds_search, spin_memory_mb=pan.memory_mb)
    if pan.trail is not None:
        return EngineResult(_found(model, pan), stats)
    if not pan.complete:
        return EngineResult(Unknown(f"spin gave no answer: {pan.problem}"), stats)
    return _certified(model, prop, pan, options, deadline, stats)


def _found(model: Model, pan: PanResult):
    """The trail as a claim; a run that stops on an evaluation error (a value out of its
    sort, which SPIN reports as a failed range assertion) is no counterexample."""
    state = pan.init
    try:
        for name in pan.trail:
            action = model.action(name)
            if semantics.enabled(model, action, state):
                state = semantics.apply(model, action, state)
    except semantics.EvaluationError as error:
        return Unknown(f"error: {error}")
    except KeyError as error:
        return Unknown(f"spin gave no answer: its trail names no action {error}")
    return Found(Counterexample(tuple(pan.init), tuple(pan.trail)))


def _certified(model: Model, prop: Property, pan: PanResult, options: Options,
               deadline: Deadline, stats: dict) -> EngineResult:
    """SPIN found no error: explorer's own search gives the certificate, and must agree."""
    from explorer.engines.explicit.bfs import Bfs

    own = Bfs(model, prop, Options(timeout_s=deadline.remaining_s(), reduction="none",
                                   memory_bytes=options.memory_bytes)).run()
    stats["explicit_states"] = own.count
    if own.found is not None:
        return EngineResult(Unknown(
            f"internal error: spin found no error in {pan.model_states} states, but "
            "explorer's exhaustive search reaches a bad state (this is a bug)"), stats)
    if own.stopped:
        return EngineResult(Unknown(
            f"spin found no error in {pan.model_states} states; explorer's search, which "
            f"certifies it, stopped: {own.stopped}"), stats)
    if own.count != pan.model_states:
        return EngineResult(Unknown(
            f"internal error: spin stored {pan.model_states} states, explorer's exhaustive "
            f"search found {own.count} (this is a bug)"), stats)
    per_depth = own.per_depth()
    certificate = ExhaustiveCertificate(states=own.words(), diameter=max(len(per_depth) - 1, 0))
    return EngineResult(Safe("spin", certificate), stats)
