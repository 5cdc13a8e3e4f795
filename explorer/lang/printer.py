"""The one printer of spec text: syntax trees (a step's statement as a trace shows it) and
IR expressions (invariants, messages), with one precedence table, the grammar's.

``stmt_text`` / ``expr_text`` print the user's own code with each ``fn`` parameter
replaced by the argument it was called with (``dst = regs`` inside
``copy_fpregs_to_fpstate(vcpu.user_fpu)`` reads ``vcpu.user_fpu = regs``).  ``show``
prints an IR expression (or a readable form, ``explorer.ir.readable``) with elements named
as ``Model.elements`` names them (``regs[cpu0]``, ``vcpu.fpu``, ``user_fpu``), enum
constants by member name, and as few parentheses as the grammar allows, so that what is
printed parses back as the same formula.
"""

from __future__ import annotations

import typing

from explorer import ir
from explorer.ir import BoolSort, EnumSort, Model, Sort, Walker
from explorer.ir.readable import Implies, In, Readable
from explorer.lang import ast
from explorer.lang.values import Bindings, ByName

# Precedence levels of grammar.lark, loosest first: what an operand must bind at least
# as tightly as, not to need parentheses.
TERNARY, OR, AND, NOT, CMP, ADD, POSTFIX, ATOM = range(8)
BINARY = {"==>": OR, "||": OR, "&&": AND, "==": CMP, "!=": CMP, "<": CMP, "<=": CMP,
          ">": CMP, ">=": CMP, "+": ADD, "-": ADD}


def _paren(text: str, precedence: int, limit: int) -> str:
    return f"({text})" if precedence < limit else text


def _negation(text: str, precedence: int, is_negation: bool) -> str:
    """``!`` before an operand: bare for an atom, a postfix form or another ``!``."""
    return "!" + (text if is_negation else _paren(text, precedence, POSTFIX))


def at_target(region: str, places: tuple[str, ...]) -> str:
    """What follows ``at``: a region name, a quoted ``file:line`` place, or a set of them."""
    if not places:
        return region
    quoted = ", ".join(f'"{place}"' for place in places)
    return quoted if len(places) == 1 else f"{{{quoted}}}"


# --------------------------------------------------------------------------- syntax trees


class _Syntax:
    """Spec syntax trees as text, one method per expression node of ``ast.Expr``."""

    def __init__(self) -> None:
        missing = [t.__name__ for t in typing.get_args(ast.Expr) if not hasattr(self, f"_{t.__name__}")]
        if missing:
            raise TypeError(f"the syntax printer lacks {', '.join(missing)}")

    def text(self, expr: ast.Expr, bindings: Bindings, limit: int = TERNARY) -> str:
        text, precedence = self.node(expr, bindings)
        return _paren(text, precedence, limit)

    def node(self, expr: ast.Expr, bindings: Bindings) -> tuple[str, int]:
        return getattr(self, f"_{type(expr).__name__}")(expr, bindings)

    def _Name(self, expr: ast.Name, bindings: Bindings):
        bound = bindings.get(expr.name)
        if isinstance(bound, ByName):
            return self.node(bound.expr, bound.bindings)
        return expr.name, ATOM

    def _IntLit(self, expr: ast.IntLit, bindings: Bindings):
        return str(expr.value), ATOM

    def _Versioned(self, expr: ast.Versioned, bindings: Bindings):
        return f"{expr.name}@{expr.version}", ATOM

    def _BoolLit(self, expr: ast.BoolLit, bindings: Bindings):
        return ("true" if expr.value else "false"), ATOM

    def _Index(self, expr: ast.Index, bindings: Bindings):
        return f"{self.text(expr.base, bindings, POSTFIX)}[{self.text(expr.index, bindings)}]", POSTFIX

    def _Field(self, expr: ast.Field, bindings: Bindings):
        return f"{self.text(expr.base, bindings, POSTFIX)}.{expr.name}", POSTFIX

    def _Call(self, expr: ast.Call, bindings: Bindings):
        return f"{expr.name}({', '.join(self.text(a, bindings) for a in expr.args)})", POSTFIX

    def _Unary(self, expr: ast.Unary, bindings: Bindings):
        text, precedence = self.node(expr.arg, bindings)
        return _negation(text, precedence, isinstance(expr.arg, ast.Unary)), NOT

    def _Binary(self, expr: ast.Binary, bindings: Bindings):
        p = BINARY[expr.op]
        left = p + 1 if p == CMP else p  # comparisons do not chain; the others are left-associative
        return f"{self.text(expr.left, bindings, left)} {expr.op} {self.text(expr.right, bindings, p + 1)}", p

    def _Cond(self, expr: ast.Cond, bindings: Bindings):
        return (f"{self.text(expr.cond, bindings, OR)} ? {self.text(expr.then, bindings, OR)} : "
                f"{self.text(expr.else_, bindings)}"), TERNARY

    def _InSet(self, expr: ast.InSet, bindings: Bindings):
        members = ", ".join(self.text(m, bindings) for m in expr.members)
        return f"{self.text(expr.elem, bindings, ADD)} in {{{members}}}", CMP

    def _Is(self, expr: ast.Is, bindings: Bindings):
        return f"{self.text(expr.left, bindings, ADD)} is {self.text(expr.right, bindings, ADD)}", CMP

    def _At(self, expr: ast.At, bindings: Bindings):
        return f"{self.text(expr.task, bindings, ADD)} at {at_target(expr.region, expr.places)}", CMP

    def _Quantifier(self, expr: ast.Quantifier, bindings: Bindings):
        return f"{expr.quant} {expr.var} :: {self.text(expr.body, bindings)}", TERNARY


_SYNTAX = _Syntax()


def expr_text(expr: ast.Expr, bindings: Bindings) -> str:
    """A spec expression as the user wrote it, parameters replaced by their arguments."""
    return _SYNTAX.text(expr, bindings)


def stmt_text(stmt: ast.Stmt, bindings: Bindings) -> str:
    """One line for a step's statement."""
    if isinstance(stmt, ast.Assign):
        return f"{expr_text(stmt.target, bindings)} = {expr_text(stmt.value, bindings)}"
    if isinstance(stmt, ast.Let):
        return f"let {stmt.name} = {expr_text(stmt.value, bindings)}"
    if isinstance(stmt, ast.Assert):
        return f"assert {expr_text(stmt.cond, bindings)}"
    if isinstance(stmt, ast.Skip):
        return "skip"
    if isinstance(stmt, ast.CallStmt):
        return f"{stmt.name}({', '.join(expr_text(a, bindings) for a in stmt.args)})"
    if isinstance(stmt, ast.Atomic):
        return "atomic { " + "; ".join(stmt_text(s, bindings) for s in stmt.body) + " }"
    return type(stmt).__name__.lower()


# --------------------------------------------------------------------------- IR


def _const(sort: Sort, value: int) -> str:
    if isinstance(sort, BoolSort):
        return "true" if value else "false"
    if isinstance(sort, EnumSort) and 0 <= value < sort.size:
        return sort.members[value]
    return str(value)


class _Printer(Walker[tuple[str, int]]):
    """``(text, precedence)`` of an IR expression or readable form."""

    extra_nodes = (In, Implies)

    def __init__(self, model: Model):
        self.model = model

    def _element(self, read: ir.Read) -> str | None:
        """The element name of a read with a static index (None for a dynamic one)."""
        if read.index is None:
            return self.model.elements[self.model.slot(read.var, None)].name
        if isinstance(read.index, ir.Const):
            return self.model.elements[self.model.slot(read.var, read.index.value)].name
        return None

    def walk_Const(self, node: ir.Const):
        return _const(node.sort, node.value), ATOM

    def walk_Read(self, node: ir.Read):
        name = self._element(node)
        if name is not None:
            return name, ATOM
        index, _ = yield node.index
        return f"{node.var}[{index}]", POSTFIX

    def walk_In(self, node: In):
        name, _ = yield node.read
        members = ", ".join(_const(node.read.sort, v) for v in node.values)
        return f"{name} in {{{members}}}", CMP

    def walk_Implies(self, node: Implies):
        premise = []
        for p in node.premise:
            premise.append(_paren(*(yield p), AND))
        body = []
        for b in node.body:
            body.append(_paren(*(yield b), AND))
        return f"{' && '.join(premise)} ==> {' && '.join(body)}", OR

    def walk_Not(self, node: ir.Not):
        arg = node.arg
        if isinstance(arg, ir.Eq):
            left, right = (yield arg.left), (yield arg.right)
            return f"{_paren(*left, CMP + 1)} != {_paren(*right, CMP + 1)}", CMP
        if isinstance(arg, (ir.Lt, ir.Le)) and not isinstance(arg.left.sort, BoolSort):
            left, right = (yield arg.left), (yield arg.right)
            op = "<=" if isinstance(arg, ir.Lt) else "<"
            return f"{_paren(*right, CMP + 1)} {op} {_paren(*left, CMP + 1)}", CMP
        text, precedence = yield arg
        return _negation(text, precedence, isinstance(arg, ir.Not)), NOT

    def _nary(self, node: ir.And | ir.Or, op: str, level: int):
        # left-associative: an operand after the first at the same level (an ``==>`` in
        # a disjunction, say) would regroup, so it is parenthesised
        parts = []
        for position, arg in enumerate(node.args):
            parts.append(_paren(*(yield arg), level if position == 0 else level + 1))
        return f" {op} ".join(parts), level

    def walk_And(self, node: ir.And):
        return (yield from self._nary(node, "&&", AND))

    def walk_Or(self, node: ir.Or):
        return (yield from self._nary(node, "||", OR))

    def _binary(self, node, op: str, level: int, right_limit: int):
        left, right = (yield node.left), (yield node.right)
        left_limit = level + 1 if level == CMP else level  # comparisons do not chain
        return f"{_paren(*left, left_limit)} {op} {_paren(*right, right_limit)}", level

    def walk_Eq(self, node: ir.Eq):
        return (yield from self._binary(node, "==", CMP, CMP + 1))

    def walk_Lt(self, node: ir.Lt):
        return (yield from self._binary(node, "<", CMP, CMP + 1))

    def walk_Le(self, node: ir.Le):
        return (yield from self._binary(node, "<=", CMP, CMP + 1))

    def walk_Add(self, node: ir.Add):
        return (yield from self._binary(node, "+", ADD, ADD))

    def walk_Sub(self, node: ir.Sub):
        return (yield from self._binary(node, "-", ADD, ADD + 1))

    def walk_Ite(self, node: ir.Ite):
        then, else_ = (yield node.then), (yield node.else_)
        cond = yield node.cond
        return f"{_paren(*cond, OR)} ? {_paren(*then, OR)} : {_paren(*else_, TERNARY)}", TERNARY


def show(expr: Readable, model: Model) -> str:
    """``expr`` in spec syntax, as it is (no simplification)."""
    return _Printer(model).walk(expr)[0]


def shown(expr: Readable, model: Model) -> tuple[str, int]:
    """``show`` with the precedence level of the text (``TERNARY`` … ``ATOM``), for a
    caller that embeds it in a larger formula."""
    return _Printer(model).walk(expr)


def show_lines(conjuncts: typing.Iterable[Readable], model: Model) -> str:
    """Readable conjuncts, one per line."""
    return "\n".join(show(c, model) for c in conjuncts)
