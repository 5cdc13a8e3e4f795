"""Writing report files: atomically (temporary file in the same directory, then
``os.replace``), so that no reader ever sees a half-written file."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from explorer.report.formats import FORMATS, RENDERERS
from explorer.report.inputs import ReportInput

_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")


def safe_name(text: str) -> str:
    """A file-name component: letters, digits, ``_ . -``; no leading dot, never empty."""
    name = _UNSAFE.sub("_", text).strip(".") or "_"
    return re.sub(r"\.{2,}", ".", name)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_atomic(path: str | os.PathLike[str], text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` through a temporary file and ``os.replace``."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.chmod(tmp, 0o666 & ~_umask())
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    return path


def write_report(
    report: ReportInput,
    directory: str | os.PathLike[str],
    formats: tuple[str, ...] = ("md", "html"),
) -> list[Path]:
    """Write ``<variant>.md`` / ``<variant>.html`` / ``<variant>.json`` into ``directory``
    (created if missing); returns the paths written, in ``formats`` order."""
    unknown = [f for f in formats if f not in RENDERERS]
    if unknown:
        raise ValueError(f"unknown report format(s): {', '.join(unknown)} (expected {', '.join(FORMATS)})")
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    return [
        write_atomic(directory / f"{safe_name(report.variant)}.{fmt}", RENDERERS[fmt](report))
        for fmt in formats
    ]
