"""Walkers: every traversal of IR expressions is a class with one method per node type.

A concrete walker defines ``walk_<Node>`` for every type of ``NODE_TYPES`` (and of its own
``extra_nodes``); a walker that misses one is refused when its class is created (pySMT's
``is_complete()``), so adding a node type to the IR breaks every traversal that does not
handle it at import, not on the one spec that happens to use it.

A ``walk_<Node>`` method either returns its result, or is a generator that ``yield``s a
subexpression and is sent that subexpression's result::

    def walk_Add(self, node):
        return (yield node.left) + (yield node.right)

    def walk_And(self, node):          # short-circuits: later arguments are not walked
        for arg in node.args:
            if not (yield arg):
                return 0
        return 1

``Walker.walk`` drives the generators on an explicit stack, so the depth of an
expression never meets Python's recursion limit.  With ``memoize`` a walker computes the
result of a shared subexpression (the same object) once.
"""

from __future__ import annotations

import inspect
from typing import Any, Callable, ClassVar, Generic, TypeVar

from explorer.ir import expr as ir
from explorer.ir.expr import NODE_TYPES, Expr

R = TypeVar("R")


class Walker(Generic[R]):
    """Base of every IR traversal (see the module docstring)."""

    memoize: ClassVar[bool] = False
    extra_nodes: ClassVar[tuple[type, ...]] = ()
    _methods: ClassVar[dict[type, tuple[Callable[..., Any], bool]]] = {}

    def __init_subclass__(cls, *, abstract: bool = False, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if abstract:
            return
        methods: dict[type, tuple[Callable[..., Any], bool]] = {}
        missing = []
        for node_type in NODE_TYPES + cls.extra_nodes:
            method = getattr(cls, f"walk_{node_type.__name__}", None)
            if method is None:
                missing.append(f"walk_{node_type.__name__}")
            else:
                methods[node_type] = (method, inspect.isgeneratorfunction(method))
        if missing:
            raise TypeError(f"{cls.__name__} is not a complete IR walker: it lacks {', '.join(missing)}")
        cls._methods = methods

    def walk(self, expr: Expr) -> R:
        """The result of this walker on ``expr``."""
        memo: dict[int, tuple[Expr, Any]] | None = None
        if self.memoize:
            memo = self.__dict__.setdefault("_memo", {})
        value, generator = self._start(expr, memo)
        if generator is None:
            return value
        stack = [(expr, generator)]
        value = None
        while stack:
            node, generator = stack[-1]
            try:
                child = generator.send(value)
            except StopIteration as stop:
                stack.pop()
                value = stop.value
                if memo is not None:
                    memo[id(node)] = (node, value)
                continue
            value, inner = self._start(child, memo)
            if inner is not None:
                stack.append((child, inner))
                value = None
        return value

    def _start(self, node: Expr, memo: dict | None):
        """``(result, None)`` for a node done at once, ``(None, generator)`` otherwise."""
        if memo is not None:
            hit = memo.get(id(node))
            if hit is not None and hit[0] is node:
                return hit[1], None
        try:
            method, lazy = self._methods[type(node)]
        except KeyError:
            raise TypeError(f"{type(self).__name__}: not an IR expression: {node!r}") from None
        if lazy:
            return None, method(self, node)
        value = method(self, node)
        if memo is not None:
            memo[id(node)] = (node, value)
        return value, None


class Rewriter(Walker[Expr]):
    """Rebuilds an expression bottom-up through the smart constructors; ``visit(node)``
    may return a replacement for a node (after its children were rewritten), or None to
    keep it."""

    memoize = True

    def __init__(self, visit: Callable[[Expr], Expr | None]):
        self.visit = visit

    def _done(self, new: Expr) -> Expr:
        replaced = self.visit(new)
        return new if replaced is None else replaced

    def walk_Const(self, node: ir.Const):
        return self._done(node)

    def walk_Read(self, node: ir.Read):
        if node.index is None:
            return self._done(node)
        return self._done(ir.Read(node.var, (yield node.index), node.sort))

    def walk_Not(self, node: ir.Not):
        return self._done(ir.not_((yield node.arg)))

    def walk_And(self, node: ir.And):
        args = []
        for arg in node.args:
            args.append((yield arg))
        return self._done(ir.and_(*args))

    def walk_Or(self, node: ir.Or):
        args = []
        for arg in node.args:
            args.append((yield arg))
        return self._done(ir.or_(*args))

    def walk_Eq(self, node: ir.Eq):
        return self._done(ir.eq((yield node.left), (yield node.right)))

    def walk_Lt(self, node: ir.Lt):
        return self._done(ir.lt((yield node.left), (yield node.right)))

    def walk_Le(self, node: ir.Le):
        return self._done(ir.le((yield node.left), (yield node.right)))

    def walk_Add(self, node: ir.Add):
        return self._done(ir.add((yield node.left), (yield node.right), node.sort))

    def walk_Sub(self, node: ir.Sub):
        return self._done(ir.sub((yield node.left), (yield node.right), node.sort))

    def walk_Ite(self, node: ir.Ite):
        cond, then, else_ = (yield node.cond), (yield node.then), (yield node.else_)
        return self._done(ir.ite(cond, then, else_))


def rewrite(expr: Expr, visit: Callable[[Expr], Expr | None]) -> Expr:
    """``expr`` rebuilt bottom-up; see ``Rewriter``."""
    return Rewriter(visit).walk(expr)


class _Depth(Walker[int]):
    memoize = True  # expressions share subexpressions: each is measured once

    def _leaf(self, node) -> int:
        return 1

    def _inner(self, node):
        deepest = 0
        for child in node.children():
            deepest = max(deepest, (yield child))
        return deepest + 1

    walk_Const = _leaf
    walk_Read = walk_Not = walk_And = walk_Or = walk_Eq = walk_Lt = walk_Le = _inner
    walk_Add = walk_Sub = walk_Ite = _inner


def depth(expr: Expr) -> int:
    """The nesting depth of ``expr`` (a constant or a scalar read is 1), without recursion."""
    return _Depth().walk(expr)
