"""Properties: state invariants, event properties and assertion sites, as bad predicates.

An event property (``never copy_fpregs_to_fpstate(dst) when ...``) becomes one step site
per action that takes the first step of a call of that function; an assertion property
collects the ``assert NAME:`` sites; ``bounds`` collects every range check, and
``null_deref`` every step that dereferences a pointer that is none (``nulls``).  A
property that itself dereferences none is violated there (and a goal is not reached).
"""

from __future__ import annotations

from typing import Callable

from explorer import ir
from explorer.lang import ast
from explorer.lang.errors import SpecError
from explorer.lang.lower.actions import Actions
from explorer.lang.nulls import NullChecks
from explorer.lang.printer import expr_text
from explorer.lang.values import Ground


class Properties:
    def __init__(self, decls: list[ast.Decl], actions: Actions):
        self.decls = decls
        self.scope = actions.scope
        self.sites = actions.sites
        self.entries = actions.entries

    def lower(self) -> list[ir.Property]:
        out: list[ir.Property] = []
        declared = [d for d in self.decls if isinstance(d, (ast.PropertyDecl, ast.ReachDecl))]
        for decl in declared:
            if isinstance(decl, ast.ReachDecl):
                kind = "reach"
                body = decl.body
            else:
                kind = "invariant"
                body = decl.body
            if isinstance(decl, ast.PropertyDecl) and decl.kind == "assertions":
                sites = tuple(self.sites.get(decl.name, ()))
                out.append(_property(decl.name, kind, decl.doc, ir.FALSE, sites, decl.name, decl.span, True))
            elif isinstance(body, ast.Event):
                sites = tuple(self._event_sites(body, kind))
                out.append(_property(decl.name, kind, decl.doc, ir.FALSE, sites, decl.text, decl.span, True))
            else:
                cond, null = self._checked(lambda: self.scope.boolean(body, {}, Ground("global")))
                state_bad = ir.or_(ir.not_(cond), null) if kind == "invariant" else ir.and_(cond, ir.not_(null))
                out.append(_property(decl.name, kind, decl.doc, state_bad, (), decl.text, decl.span))
        if self.sites.get("assert"):
            out.append(_property("assert", "invariant", "assertions without a property name", ir.FALSE,
                                 tuple(self.sites["assert"]), "assert", None, True))
        if self.sites.get("null_deref"):
            out.append(_property("null_deref", "invariant", "no step dereferences a pointer that is none",
                                 ir.FALSE, tuple(self.sites["null_deref"]), "null_deref", None))
        if self.sites.get("bounds"):
            out.append(_property("bounds", "invariant", "no bounded integer leaves its range", ir.FALSE,
                                 tuple(self.sites["bounds"]), "bounds", None))
        return out

    def _checked(self, lower: Callable[[], ir.Expr]) -> tuple[ir.Expr, ir.Expr]:
        """A property's condition, and where it dereferences a pointer that is none."""
        nulls = self.scope.nulls = NullChecks()
        try:
            return lower(), nulls.any()
        finally:
            self.scope.nulls = None

    def _event_sites(self, event: ast.Event, kind: str) -> list[ir.StepSite]:
        decl = self.scope.fns.get(event.function)
        if decl is None:
            self.scope.still_used(event.function, event.span)
            raise SpecError(f"unknown function {event.function}", event.span)
        if len(event.binders) > len(decl.params):
            raise SpecError(f"{event.function} has {len(decl.params)} parameter(s), the event names {len(event.binders)}", event.span)
        message = f"{event.function}({', '.join(event.binders)})"
        if event.when is not None:
            message += f" when {expr_text(event.when, {})}"
        sites = []
        for entry in self.entries:
            for frame in entry.frames:
                if frame.name != event.function or frame.is_label:
                    continue
                bindings = {binder: frame.args[param.name] for binder, param in zip(event.binders, decl.params)}
                when = ir.TRUE
                if event.when is not None:
                    when, null = self._checked(lambda: self.scope.boolean(event.when, bindings, entry.ground))
                    # a property that dereferences none is violated there, and reaches nothing
                    when = ir.or_(when, null) if kind == "invariant" else ir.and_(when, ir.not_(null))
                site_when = ir.and_(entry.guard, when)
                if site_when != ir.FALSE:
                    sites.append(ir.StepSite(entry.action, site_when, message))
        return sites


def _property(name, kind, doc, state_bad, sites, text, span, sited: bool = False) -> ir.Property:
    bad = ir.or_(state_bad, *(site.when for site in sites))
    return ir.Property(name, kind, doc, bad, state_bad, sites, text, span, sited)
