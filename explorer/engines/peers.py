"""What the peer engines (SPIN, ABC) share: finding their programs, running them under a
deadline, and saying why a run gave no answer.

A peer's output is never trusted: the engines parse it defensively, and anything they
cannot read is ``Unknown`` with the reason; what they can read goes to the trust gate
like any engine's claim.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
from dataclasses import dataclass

TOOLS: dict[str, tuple[tuple[str, ...], str]] = {
    "spin": (("spin",), "spin"),
    "gcc": (("gcc", "cc"), "gcc"),
    "abc": (("berkeley-abc", "abc"), "berkeley-abc"),
}
"""Per tool: the program names tried in order, and the Debian package that installs it."""

ENGINE_TOOLS: dict[str, tuple[str, ...]] = {
    "spin": ("spin", "gcc"),
    "abc": ("abc",),
    "abc-bmc": ("abc",),
    "abc-scorr": ("abc",),
}
"""The tools each peer engine needs."""


class ToolMissing(Exception):
    """A peer's program is not installed; the message names the Debian package."""


class PeerFailed(Exception):
    """A peer ran but gave no usable answer (crash, compile error, unreadable output)."""


class PeerTimeout(Exception):
    """A peer did not finish in its time."""


def tool(name: str) -> str:
    """The path of tool ``name`` (``spin``, ``gcc``, ``abc``), or ``ToolMissing``."""
    programs, package = TOOLS[name]
    for program in programs:
        found = shutil.which(program)
        if found:
            return found
    raise ToolMissing(f"{programs[0]} is not installed (Debian package {package}: "
                      f"apt-get install {package})")


def missing(engine: str) -> str | None:
    """Why peer ``engine`` cannot run here (a message naming the package), or None
    (None too for an engine that is no peer)."""
    for name in ENGINE_TOOLS.get(engine, ()):
        try:
            tool(name)
        except ToolMissing as error:
            return str(error)
    return None


@dataclass(frozen=True)
class Ran:
    """A finished program: its exit status and its output (stdout and stderr joined)."""

    returncode: int
    output: str
    seconds: float


def run(command: list[str], cwd: str, timeout_s: float | None) -> Ran:
    """``command`` in ``cwd``, killed with its process group at ``timeout_s``
    (``PeerTimeout``)."""
    import time

    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        out, _ = process.communicate(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        _kill(process)
        raise PeerTimeout(f"{os.path.basename(command[0])} did not finish in {timeout_s:.1f} s") from None
    except BaseException:
        _kill(process)
        raise
    return Ran(process.returncode, out.decode("utf-8", errors="replace"), time.perf_counter() - start)


def _kill(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    process.wait()


def first_line(text: str, limit: int = 200) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return (lines[0] if lines else "no output")[:limit]
