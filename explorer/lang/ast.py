"""The syntax tree of a spec file, as parsed, with a source span on every node.

The tree is plain data: the loader merges files (include, extends) at the level of
declarations, and lowering turns it into the IR.  Expressions and statements keep the
shape the user wrote, so that a step's text in a trace is the user's own text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Union

from explorer.ir import Span

# ----------------------------------------------------------------------------- sorts


@dataclass(frozen=True)
class NamedSort:
    name: str
    span: Span


@dataclass(frozen=True)
class OptionSort:
    """``Task?``: a task or ``none`` (a NULL pointer such as ``fpu_fpregs_owner_ctx``)."""

    name: str
    span: Span


@dataclass(frozen=True)
class BoolSortRef:
    span: Span


@dataclass(frozen=True)
class RangeSort:
    lo: "Expr"
    hi: "Expr"
    span: Span


SortRef = Union[NamedSort, OptionSort, BoolSortRef, RangeSort]

# ----------------------------------------------------------------------------- expressions


@dataclass(frozen=True)
class Name:
    name: str
    span: Span


@dataclass(frozen=True)
class IntLit:
    value: int
    span: Span


@dataclass(frozen=True)
class Versioned:
    """``qemu@1``: a member of a versioned enum at a given version."""

    name: str
    version: int
    span: Span


@dataclass(frozen=True)
class BoolLit:
    value: bool
    span: Span


@dataclass(frozen=True)
class Index:
    base: "Expr"
    index: "Expr"
    span: Span


@dataclass(frozen=True)
class Field:
    base: "Expr"
    name: str
    span: Span


@dataclass(frozen=True)
class Call:
    name: str
    args: tuple["Expr", ...]
    span: Span


@dataclass(frozen=True)
class Unary:
    op: str
    arg: "Expr"
    span: Span


@dataclass(frozen=True)
class Binary:
    op: str
    left: "Expr"
    right: "Expr"
    span: Span


@dataclass(frozen=True)
class Cond:
    cond: "Expr"
    then: "Expr"
    else_: "Expr"
    span: Span


@dataclass(frozen=True)
class InSet:
    elem: "Expr"
    members: tuple["Expr", ...]
    span: Span


@dataclass(frozen=True)
class Is:
    """``dst is vcpu.fpu``: the reference parameter ``dst`` names that very location."""

    left: "Expr"
    right: "Expr"
    span: Span


@dataclass(frozen=True)
class At:
    """``vcpu at kvm_handle_exit``: the task's next step lies inside that function or label;
    ``vcpu at "v4.15.kp:29"`` (or a set of such places): its next step is the one at that
    spec line.  The subject may also be a CPU: then the code the runtime runs there
    between the tasks' steps (``context_switch``, an interrupt handler) is meant."""

    task: "Expr"
    region: str
    span: Span
    places: tuple[str, ...] = ()
    """``file:line`` places; ``region`` is empty when there are any."""


@dataclass(frozen=True)
class Quantifier:
    quant: str
    var: str
    sort: SortRef
    body: "Expr"
    span: Span


Expr = Union[Name, IntLit, Versioned, BoolLit, Index, Field, Call, Unary, Binary, Cond, InSet, Is, At, Quantifier]

# ----------------------------------------------------------------------------- statements


@dataclass(frozen=True)
class Assign:
    target: Expr
    value: Expr
    span: Span


@dataclass(frozen=True)
class Assert:
    property: str | None
    cond: Expr
    span: Span


@dataclass(frozen=True)
class Let:
    """``let name = value``: a C local, captured at this step and read later in the call."""

    name: str
    sort: SortRef | None
    value: Expr
    span: Span


@dataclass(frozen=True)
class Assume:
    cond: Expr
    span: Span


@dataclass(frozen=True)
class Skip:
    span: Span


@dataclass(frozen=True)
class Return:
    span: Span


@dataclass(frozen=True)
class Break:
    span: Span


@dataclass(frozen=True)
class Continue:
    span: Span


@dataclass(frozen=True)
class CallStmt:
    name: str
    args: tuple[Expr, ...]
    span: Span


@dataclass(frozen=True)
class If:
    cond: Expr
    then: tuple["Stmt", ...]
    else_: tuple["Stmt", ...]
    span: Span


@dataclass(frozen=True)
class While:
    cond: Expr
    body: tuple["Stmt", ...]
    span: Span


@dataclass(frozen=True)
class Either:
    branches: tuple[tuple["Stmt", ...], ...]
    span: Span


@dataclass(frozen=True)
class Atomic:
    body: tuple["Stmt", ...]
    span: Span


@dataclass(frozen=True)
class User:
    """Code that runs in user mode (``interrupted_user_mode()`` holds there)."""

    body: tuple["Stmt", ...]
    span: Span


@dataclass(frozen=True)
class Labelled:
    label: str
    body: tuple["Stmt", ...]
    span: Span


Stmt = Union[Assign, Assert, Let, Assume, Skip, Return, Break, Continue, CallStmt, If, While, Either, Atomic, User, Labelled]

# ----------------------------------------------------------------------------- declarations


@dataclass(frozen=True)
class Include:
    path: str
    span: Span


@dataclass(frozen=True)
class Extends:
    path: str
    span: Span


@dataclass(frozen=True)
class Remove:
    """``remove var user_fpu``: a variant deletes a declaration of its base (a patch that
    deletes a field or a function)."""

    kind: str
    name: str
    span: Span

    @property
    def key(self) -> tuple[str, str]:
        """The ``decl_key`` of the declaration it removes."""
        kind = {"reach": "property", "softirq": "handler", "hardirq": "handler"}.get(self.kind, self.kind)
        return (kind, self.name)


@dataclass(frozen=True)
class EnumDecl:
    """``versions`` > 1 makes each member a family ``m@0 … m@(versions-1)``: data tags that
    say which copy of an owner's data a buffer holds, so a stale restore can be caught."""

    name: str
    members: tuple[str, ...]
    span: Span
    versions: int = 1


@dataclass(frozen=True)
class ParamDecl:
    name: str
    sort: SortRef
    default: Expr
    span: Span


@dataclass(frozen=True)
class VarDecl:
    """``scope`` is ``global``, ``percpu`` or ``task``; ``index`` is an array's index sort."""

    scope: str
    name: str
    index: SortRef | None
    sort: SortRef
    init: Expr
    span: Span


@dataclass(frozen=True)
class FnParam:
    name: str
    sort: SortRef
    by_ref: bool
    span: Span


@dataclass(frozen=True)
class FnDecl:
    name: str
    params: tuple[FnParam, ...]
    body: tuple[Stmt, ...]
    span: Span


@dataclass(frozen=True)
class DefDecl:
    name: str
    params: tuple[FnParam, ...]
    sort: SortRef
    body: Expr
    span: Span


@dataclass(frozen=True)
class ThreadDecl:
    """``scope == "percpu"``: one task per CPU, pinned to it (every CPU's idle task)."""

    name: str
    doc: str
    count: Expr | None
    inits: tuple[tuple[str, Expr, Span], ...]
    body: tuple[Stmt, ...]
    span: Span
    scope: str | None = None

    @property
    def percpu(self) -> bool:
        return self.scope == "percpu"


@dataclass(frozen=True)
class HandlerDecl:
    kind: str
    name: str
    doc: str
    when: Expr
    body: tuple[Stmt, ...]
    span: Span


@dataclass(frozen=True)
class PreemptDecl:
    when: Expr
    span: Span


@dataclass(frozen=True)
class InterruptDecl:
    kind: str
    when: Expr
    span: Span


@dataclass(frozen=True)
class Event:
    """``copy_fpregs_to_fpstate(dst) when ...``: the first step of any call of ``function``."""

    function: str
    binders: tuple[str, ...]
    when: Expr | None
    span: Span


@dataclass(frozen=True)
class PropertyDecl:
    """``kind`` is ``assertions`` (collects ``assert NAME:``), ``always`` or ``never``."""

    name: str
    doc: str
    kind: str
    body: Expr | Event | None
    span: Span
    text: str = ""


@dataclass(frozen=True)
class ReachDecl:
    name: str
    doc: str
    body: Expr | Event
    span: Span
    text: str = ""


Decl = Union[
    Include, Extends, Remove, EnumDecl, ParamDecl, VarDecl, FnDecl, DefDecl, ThreadDecl,
    HandlerDecl, PreemptDecl, InterruptDecl, PropertyDecl, ReachDecl,
]


def decl_key(decl: Decl) -> tuple[str, str] | None:
    """The name under which a declaration can be replaced by a variant (None: not named)."""
    if isinstance(decl, (Include, Extends, Remove)):
        return None
    if isinstance(decl, PreemptDecl):
        return ("preempt", "preempt")
    if isinstance(decl, InterruptDecl):
        return ("interrupt", decl.kind)
    kind = {
        EnumDecl: "enum", ParamDecl: "param", VarDecl: "var", FnDecl: "fn", DefDecl: "def",
        ThreadDecl: "thread", HandlerDecl: "handler", PropertyDecl: "property", ReachDecl: "property",
    }[type(decl)]
    return (kind, decl.name)
