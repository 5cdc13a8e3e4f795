"""Reading a spec and the files it includes or extends into one list of declarations.

A file's own declarations and those of the files it includes form a *unit*, in which a
name may be declared once.  A unit that ``extends`` a base keeps every declaration of the
base except those it declares again, which it replaces (a variant is a patch).  The
prelude is the base of every chain of bases, so a spec may also redefine a prelude
declaration (a parameter's default, say).
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from explorer.lang import ast
from explorer.lang.errors import SpecError
from explorer.lang.limits import MAX_FILE_BYTES
from explorer.lang.parser import parse

PRELUDE_NAME = "<prelude>"


@dataclass
class Program:
    """The merged declarations of a spec, and what its files were."""

    path: str
    decls: list[ast.Decl]
    base: str | None
    replaced: list[tuple[str, str]]
    """(kind, name) of the base's declarations this spec replaces."""
    added: list[tuple[str, str]]
    """(kind, name) of the declarations this spec adds to its base."""
    removed: list[ast.Remove] = field(default_factory=list)
    """The base's declarations this spec (or a base of it) deletes (``remove var x``)."""
    files: dict[str, str] = field(default_factory=dict)
    """Every file read (prelude excluded): path to SHA-256 of its text."""
    lines: dict[str, list[str]] = field(default_factory=dict)
    """Every file's lines, for citations and error messages."""


_PARSED: dict[tuple[str, str], tuple[ast.Decl, ...]] = {}
"""Parsed files by (path, text): a run loads the same base and prelude once per variant,
and the syntax tree is immutable, so one parse serves them all."""


def _parse_once(text: str, path: str) -> tuple[ast.Decl, ...]:
    key = (path, text)
    if key not in _PARSED:
        _PARSED[key] = tuple(parse(text, path))
    return _PARSED[key]


class _Reader:
    def __init__(self) -> None:
        self.files: dict[str, str] = {}
        self.lines: dict[str, list[str]] = {}
        self.parsed: dict[str, tuple[ast.Decl, ...]] = {}

    def read(self, path: str, span: ast.Span | None) -> tuple[ast.Decl, ...]:
        if path not in self.parsed:
            if path == PRELUDE_NAME:
                text = resources.files("explorer.lang").joinpath("prelude.kp").read_text()
            else:
                text = _read_text(path, span)
                self.files[path] = hashlib.sha256(text.encode()).hexdigest()
            self.lines[path] = text.splitlines()
            self.parsed[path] = _parse_once(text, path)
        return self.parsed[path]

    def source_line(self, span: ast.Span) -> str | None:
        lines = self.lines.get(span.file, [])
        return lines[span.line - 1] if 0 < span.line <= len(lines) else None


def _read_text(path: str, span: ast.Span | None) -> str:
    """A spec file's text; a file that is missing, too large or not UTF-8 is a SpecError
    (for bad bytes, at the line and column of the first one)."""
    try:
        with open(path, "rb") as f:
            data = f.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise SpecError(f"cannot read {path}: no such file", span) from None
    except IsADirectoryError:
        raise SpecError(f"cannot read {path}: it is a directory", span) from None
    except OSError as err:
        raise SpecError(f"cannot read {path}: {err.strerror or err}", span) from None
    if len(data) > MAX_FILE_BYTES:
        raise SpecError(f"cannot read {path}: larger than {MAX_FILE_BYTES >> 20} MiB, which is "
                        "not a spec", span)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        before = data[:err.start]
        line = before.count(b"\n") + 1
        column = err.start - (before.rfind(b"\n") + 1) + 1
        text = data.decode("utf-8", errors="replace").splitlines()
        raise SpecError(f"byte 0x{data[err.start]:02x} is not UTF-8 (spec files are UTF-8 text)",
                        ast.Span(path, line, column),
                        text[line - 1] if line <= len(text) else None) from None


def _relative(to_file: str, path: str) -> str:
    """``path`` (as an include or extends names it) from the folder of ``to_file``,
    normalised, so that messages and traces name each file one way."""
    if to_file == PRELUDE_NAME:
        return path
    return os.path.normpath(Path(to_file).parent / path)


def load_program(path: str) -> Program:
    """Read the spec at ``path`` with everything it includes and extends."""
    reader = _Reader()
    try:
        decls, base, replaced, added, removed = _load_variant(reader, path, None, [])
        prelude, _ = _load_unit(reader, PRELUDE_NAME, None, [])
        decls, _, _, _ = _merge(reader, prelude, decls)
    except SpecError as err:
        if err.span is not None and err.source_line is None:
            err.source_line = reader.source_line(err.span)
        raise
    return Program(path, decls, base, replaced, added, removed, reader.files, reader.lines)


def _load_variant(reader: _Reader, path: str, span, chain: list[str]):
    """A file with its includes merged over its base (if it extends one)."""
    unit, extends = _load_unit(reader, path, span, chain)
    if extends is None:
        for decl in unit:
            if isinstance(decl, ast.Remove):
                raise SpecError(f"remove {decl.kind} {decl.name}: only a variant (extends \"base.kp\") "
                                "can remove a declaration of its base", decl.span)
        return unit, None, [], [decl_name for decl_name in map(ast.decl_key, unit) if decl_name], []
    base_path = _relative(path, extends.path)
    if base_path in chain + [path]:
        raise SpecError(f"extends cycle: {' -> '.join(chain + [path, base_path])}", extends.span)
    base_decls, _, _, _, base_removed = _load_variant(reader, base_path, extends.span, chain + [path])
    merged, replaced, added, removed = _merge(reader, base_decls, unit)
    return merged, base_path, replaced, added, base_removed + removed


def _load_unit(reader: _Reader, path: str, span, chain: list[str], seen: set[str] | None = None):
    """A file's declarations with those of the files it includes, each name once."""
    seen = set() if seen is None else seen
    seen.add(path)
    extends: ast.Extends | None = None
    out: list[ast.Decl] = []
    for decl in reader.read(path, span):
        if isinstance(decl, ast.Extends):
            if extends is not None:
                raise SpecError("a spec extends at most one base", decl.span)
            extends = decl
        elif isinstance(decl, ast.Include):
            target = _relative(path, decl.path)
            if target in chain + [path]:
                raise SpecError(f"include cycle: {' -> '.join(chain + [path, target])}", decl.span)
            if target in seen:
                continue
            inner, inner_extends = _load_unit(reader, target, decl.span, chain + [path], seen)
            if inner_extends is not None:
                raise SpecError(f"an included file cannot extend a base ({target})", inner_extends.span)
            out.extend(inner)
        else:
            out.append(decl)
    _check_unique(out)
    return out, extends


def _check_unique(decls: list[ast.Decl]) -> None:
    first: dict[tuple[str, str], ast.Decl] = {}
    for decl in decls:
        key = ast.decl_key(decl)
        if key is None:
            continue
        if key in first:
            raise SpecError(
                f"{key[0]} {key[1]} is already declared at {first[key].span}", decl.span
            )
        first[key] = decl


def _merge(reader: _Reader, base: list[ast.Decl], patch: list[ast.Decl]):
    """``base`` with ``patch`` applied: a replaced declaration keeps its base position, a
    removed one is gone."""
    by_key = {ast.decl_key(d): d for d in patch if ast.decl_key(d) is not None}
    removes = _removes(base, patch, by_key)
    used: set = set()
    merged: list[ast.Decl] = []
    replaced: list[tuple[str, str]] = []
    for decl in base:
        key = ast.decl_key(decl)
        if key in removes:
            continue
        if key in by_key:
            new = by_key[key]
            if type(new) is not type(decl):
                raise SpecError(
                    f"{key[1]} replaces a declaration of another kind (at {decl.span})", new.span
                )
            merged.append(new)
            used.add(key)
            replaced.append(key)
        else:
            merged.append(decl)
    added = []
    for decl in patch:
        key = ast.decl_key(decl)
        if isinstance(decl, ast.Remove):
            continue
        if key is None or key not in used:
            merged.append(decl)
            if key is not None:
                added.append(key)
    return merged, replaced, added, list(removes.values())


def _removes(base: list[ast.Decl], patch: list[ast.Decl], by_key: dict) -> dict[tuple[str, str], ast.Remove]:
    """The patch's ``remove``s, each naming a declaration of the base of its kind."""
    in_base = {ast.decl_key(d): d for d in base if ast.decl_key(d) is not None}
    out: dict[tuple[str, str], ast.Remove] = {}
    for remove in (d for d in patch if isinstance(d, ast.Remove)):
        target = in_base.get(remove.key)
        kind = getattr(target, "kind", None)
        if target is None or (remove.kind in ("softirq", "hardirq") and kind != remove.kind) or (
                remove.kind == "reach") != isinstance(target, ast.ReachDecl):
            raise SpecError(f"remove {remove.kind} {remove.name}: the base has no {remove.kind} {remove.name}", remove.span)
        if remove.key in by_key:
            raise SpecError(f"{remove.name} is both removed and declared again here (at {by_key[remove.key].span}): "
                            "a declaration that is declared again replaces the base's", remove.span)
        if remove.key in out:
            raise SpecError(f"{remove.kind} {remove.name} is already removed at {out[remove.key].span}", remove.span)
        out[remove.key] = remove
    return out
