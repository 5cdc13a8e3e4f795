"""A variant's patch as a reviewer reads it: a unified line diff of each function the
variant replaces, against the same function in its base.

A function's text runs from its ``fn`` line to the brace that closes its body (braces in
``//`` and ``/* */`` comments do not count); the diff is ``difflib.unified_diff`` of the
two texts, headed by each side's ``file:line``.
"""

from __future__ import annotations

import difflib
import re

from explorer.lang import ast
from explorer.lang.program import Program, load_program

_COMMENTS = re.compile(r"//.*|/\*.*?\*/")


def function_text(program: Program, decl: ast.FnDecl) -> list[str]:
    """The lines of ``decl`` in its file, up to the brace closing its body."""
    lines = program.lines.get(decl.span.file, [])
    out: list[str] = []
    depth, opened, in_block = 0, False, False
    for line in lines[decl.span.line - 1:]:
        out.append(line.rstrip("\n"))
        code = line
        if in_block:
            end = code.find("*/")
            code, in_block = ("", True) if end < 0 else (code[end + 2:], False)
        code = _COMMENTS.sub("", code)
        if "/*" in code:
            code, in_block = code[:code.index("/*")], True
        for char in code:
            if char == "{":
                depth, opened = depth + 1, True
            elif char == "}":
                depth -= 1
        if opened and depth <= 0:
            break
    return out


def _functions(program: Program) -> dict[str, ast.FnDecl]:
    return {d.name: d for d in program.decls if isinstance(d, ast.FnDecl)}


def patch_diffs(path: str, base: str | None, replaced: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """(function, unified diff against the base) for each ``fn NAME`` in ``replaced``,
    in that order; () for a spec without a base."""
    if base is None:
        return ()
    variant, original = load_program(path), load_program(base)
    mine, theirs = _functions(variant), _functions(original)
    out = []
    for entry in replaced:
        kind, _, name = entry.partition(" ")
        if kind != "fn" or name not in mine or name not in theirs:
            continue
        new, old = mine[name], theirs[name]
        diff = difflib.unified_diff(
            function_text(original, old), function_text(variant, new),
            fromfile=f"{old.span.file}:{old.span.line}", tofile=f"{new.span.file}:{new.span.line}",
            lineterm="")
        out.append((name, "\n".join(diff)))
    return tuple(out)
