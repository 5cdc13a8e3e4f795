"""A step's text as a trace shows it: the user's statement, with each parameter replaced
by the argument it was called with (``dst = regs`` inside ``copy_fpregs_to_fpstate(
vcpu.user_fpu)`` reads ``vcpu.user_fpu = regs``)."""

from __future__ import annotations

from explorer.lang import ast
from explorer.lang.scope import Bindings, ByName

_PRECEDENCE = {"==>": 1, "||": 1, "&&": 2, "==": 4, "!=": 4, "<": 4, "<=": 4, ">": 4, ">=": 4, "+": 5, "-": 5}


def expr_text(expr: ast.Expr, bindings: Bindings, parent: int = 0) -> str:
    text, precedence = _expr(expr, bindings)
    return f"({text})" if precedence < parent else text


def _expr(expr: ast.Expr, bindings: Bindings) -> tuple[str, int]:
    if isinstance(expr, ast.Name):
        bound = bindings.get(expr.name)
        if isinstance(bound, ByName):
            return _expr(bound.expr, bound.bindings)
        return expr.name, 9
    if isinstance(expr, ast.Versioned):
        return f"{expr.name}@{expr.version}", 9
    if isinstance(expr, ast.IntLit):
        return str(expr.value), 9
    if isinstance(expr, ast.BoolLit):
        return ("true" if expr.value else "false"), 9
    if isinstance(expr, ast.Index):
        return f"{expr_text(expr.base, bindings, 8)}[{expr_text(expr.index, bindings)}]", 8
    if isinstance(expr, ast.Field):
        return f"{expr_text(expr.base, bindings, 8)}.{expr.name}", 8
    if isinstance(expr, ast.Call):
        return f"{expr.name}({', '.join(expr_text(a, bindings) for a in expr.args)})", 8
    if isinstance(expr, ast.Unary):
        return f"!{expr_text(expr.arg, bindings, 7)}", 7
    if isinstance(expr, ast.Binary):
        p = _PRECEDENCE[expr.op]
        return f"{expr_text(expr.left, bindings, p)} {expr.op} {expr_text(expr.right, bindings, p + 1)}", p
    if isinstance(expr, ast.Cond):
        return (f"{expr_text(expr.cond, bindings, 1)} ? {expr_text(expr.then, bindings)} : "
                f"{expr_text(expr.else_, bindings)}"), 0
    if isinstance(expr, ast.InSet):
        members = ", ".join(expr_text(m, bindings) for m in expr.members)
        return f"{expr_text(expr.elem, bindings, 5)} in {{{members}}}", 4
    if isinstance(expr, ast.Is):
        return f"{expr_text(expr.left, bindings, 5)} is {expr_text(expr.right, bindings, 5)}", 4
    if isinstance(expr, ast.At):
        return f"{expr_text(expr.task, bindings, 5)} at {expr.region}", 4
    if isinstance(expr, ast.Quantifier):
        return f"{expr.quant} {expr.var} :: {expr_text(expr.body, bindings)}", 0
    raise TypeError(type(expr).__name__)


def stmt_text(stmt: ast.Stmt, bindings: Bindings) -> str:
    """One line for a step's statement."""
    if isinstance(stmt, ast.Assign):
        return f"{expr_text(stmt.target, bindings)} = {expr_text(stmt.value, bindings)}"
    if isinstance(stmt, ast.Assert):
        return f"assert {expr_text(stmt.cond, bindings)}"
    if isinstance(stmt, ast.Skip):
        return "skip"
    if isinstance(stmt, ast.CallStmt):
        return f"{stmt.name}({', '.join(expr_text(a, bindings) for a in stmt.args)})"
    if isinstance(stmt, ast.Atomic):
        return "atomic { " + "; ".join(stmt_text(s, bindings) for s in stmt.body) + " }"
    return type(stmt).__name__.lower()
