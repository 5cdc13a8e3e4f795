"""The intermediate representation every engine consumes: sorts, expressions, the model.

``from explorer import ir`` gives the whole vocabulary: sorts (``BoolSort``, ``EnumSort``,
``IntSort``), expression nodes and their smart constructors (``and_``, ``eq``, ``ite`` …),
the model (``Model``, ``StateVar``, ``Action``, ``Property`` …), walkers and the
interval analysis.  It knows nothing of parsing, of z3 or of printing.
"""

from explorer.ir.expr import (
    FALSE, NODE_TYPES, TRUE, Add, And, Const, Eq, Expr, Ite, Le, Lt, Not, Or, Read, Sub,
    add, and_, children, const_bool, eq, implies, ite, le, lt, not_, or_, reads, sub,
)
from explorer.ir.intervals import Interval, Intervals, interval
from explorer.ir.model import (
    Action, Element, Model, Origin, Property, Span, StateVar, StepSite, Update,
)
from explorer.ir.sorts import BOOL, BoolSort, EnumSort, IntSort, Sort, bounds, in_range
from explorer.ir.walk import Rewriter, Walker, depth, rewrite

__all__ = [
    "FALSE", "NODE_TYPES", "TRUE", "Add", "And", "Const", "Eq", "Expr", "Ite", "Le", "Lt",
    "Not", "Or", "Read", "Sub", "add", "and_", "children", "const_bool", "eq", "implies",
    "ite", "le", "lt", "not_", "or_", "reads", "sub",
    "Interval", "Intervals", "interval",
    "Action", "Element", "Model", "Origin", "Property", "Span", "StateVar", "StepSite", "Update",
    "BOOL", "BoolSort", "EnumSort", "IntSort", "Sort", "bounds", "in_range",
    "Rewriter", "Walker", "depth", "rewrite",
]
