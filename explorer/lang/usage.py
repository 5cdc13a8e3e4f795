"""Functions nothing calls: a patch that does nothing, or dead code in a spec.

A variant that adds a function its base does not have, and that no code calls, changes
nothing: almost always a misspelt name (``fn kvm_sched_outt()`` for ``kvm_sched_out``),
and a review of the patch would then check the base again without saying so.  That is an
error.  In a spec that is no variant, a function of the spec's own files that nothing
calls is a warning.  Code is what threads, interrupt handlers and ``context_switch`` run,
and what the functions they call run, ``atomic`` blocks included.
"""

from __future__ import annotations

import difflib
from typing import Iterable

from explorer.lang import ast
from explorer.lang.errors import SpecError
from explorer.lang.program import PRELUDE_NAME, Program

ROOT_FUNCTIONS = ("context_switch",)
"""Called by the runtime itself (preemption, ``schedule()``)."""


def _calls(stmts: Iterable[ast.Stmt]) -> Iterable[str]:
    stack = list(stmts)
    while stack:
        stmt = stack.pop()
        if isinstance(stmt, ast.CallStmt):
            yield stmt.name
        elif isinstance(stmt, ast.If):
            stack.extend(stmt.then + stmt.else_)
        elif isinstance(stmt, ast.Either):
            stack.extend(s for branch in stmt.branches for s in branch)
        elif isinstance(stmt, (ast.While, ast.Atomic, ast.User, ast.Labelled)):
            stack.extend(stmt.body)


def called_functions(decls: list[ast.Decl]) -> set[str]:
    """Every function the code of the spec can call."""
    fns = {d.name: d for d in decls if isinstance(d, ast.FnDecl)}
    roots = [s for d in decls if isinstance(d, (ast.ThreadDecl, ast.HandlerDecl)) for s in d.body]
    todo = list(_calls(roots)) + [name for name in ROOT_FUNCTIONS if name in fns]
    seen: set[str] = set()
    while todo:
        name = todo.pop()
        if name in seen or name not in fns:
            continue
        seen.add(name)
        todo.extend(_calls(fns[name].body))
    return seen


def check_usage(program: Program) -> tuple[str, ...]:
    """Raise ``SpecError`` for a function a variant adds and nothing calls; return the
    warnings for functions of a non-variant spec that nothing calls."""
    called = called_functions(program.decls)
    fns = [d for d in program.decls if isinstance(d, ast.FnDecl)]
    uncalled = [d for d in fns if d.name not in called and d.span.file != PRELUDE_NAME]
    if program.base is not None:
        added = {name for kind, name in program.added if kind == "fn"}
        for decl in uncalled:
            if decl.name in added:
                close = difflib.get_close_matches(decl.name, [f.name for f in fns if f.name != decl.name], n=1)
                hint = f"; did you mean {close[0]}?" if close else ""
                raise SpecError(f"fn {decl.name} is added by this variant, but nothing calls it and "
                                f"its base {program.base} has no fn {decl.name}: the patch would "
                                f"change nothing{hint}", decl.span)
        return ()
    return tuple(f"fn {d.name} ({d.span}) is never called" for d in uncalled)
