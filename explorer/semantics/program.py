"""A model compiled to flat tables and bytecode, for the compiled search (``vm``).

A state is ``W`` 64-bit words; each element lives whole in one word (``word``, ``off``,
``mask``, ``lo``: the field holds ``value - lo``).  An expression is a range of
instructions of four int64 each, ``[op, a, b, c]``, for a stack machine; ``And``, ``Or``
and ``Ite`` compile to jumps, so they short-circuit as the reference evaluator does.

Per action: the ``element == constant`` conjuncts of its guard as one mask test per word
(``lit_mask``, ``lit_bits``), the rest of the guard as code (``guard``), and its updates
(``upd_*``): the element written (a field, or a table of fields chosen by an index
computed in the pre-state) and the code of the value.  Actions are bucketed by the value
of one key element that most of them test, so that a state only tries the actions of its
bucket (and those that do not test the key).

The tables are numpy arrays: plain data the jitted functions take as arguments; nothing
here imports numba.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from explorer import ir
from explorer.ir import Action, BoolSort, Expr, Model, Walker, bounds
from explorer.semantics.reference import EvaluationError

OP_CONST, OP_FIELD, OP_DYN, OP_NOT, OP_EQ, OP_LT, OP_LE, OP_ADD, OP_SUB = range(9)
OP_JZ, OP_JNZ, OP_JMP = 9, 10, 11
MAX_STACK = 256


class WordLayout:
    """Elements packed into 64-bit words, none straddling two."""

    def __init__(self, model: Model):
        self.word, self.off, self.width, self.lo, self.hi = [], [], [], [], []
        word, off = 0, 0
        for element in model.elements:
            lo, hi = bounds(element.sort)
            width = max(1, (hi - lo).bit_length())
            if off + width > 64:
                word, off = word + 1, 0
            self.word.append(word)
            self.off.append(off)
            self.width.append(width)
            self.lo.append(lo)
            self.hi.append(hi)
            off += width
        self.words = word + 1 if model.elements else 1

    def mask(self, slot: int) -> int:
        return (1 << self.width[slot]) - 1

    def pack(self, state: tuple[int, ...]) -> np.ndarray:
        out = np.zeros(self.words, dtype=np.uint64)
        for slot, value in enumerate(state):
            out[self.word[slot]] |= np.uint64((value - self.lo[slot]) << self.off[slot])
        return out

    def unpack(self, words: np.ndarray) -> tuple[int, ...]:
        return tuple(((int(words[w]) >> off) & ((1 << width) - 1)) + lo
                     for w, off, width, lo in zip(self.word, self.off, self.width, self.lo))


class _Emit(Walker[None]):
    """IR expressions as stack-machine code (see the module docstring)."""

    def __init__(self, program: "_Builder"):
        self.p = program

    def walk_Const(self, node: ir.Const):
        self.p.op(OP_CONST, node.value)

    def walk_Read(self, node: ir.Read):
        slot = self.p.static_slot(node)
        if slot is not None:
            self.p.op(OP_FIELD, slot)
            return
        index_sort = self.p.model.var(node.var).index
        yield node.index
        table = self.p.dyn_table(node.var)
        self.p.op(OP_DYN, table, index_sort.size, bounds(index_sort)[0])

    def walk_Not(self, node: ir.Not):
        yield node.arg
        self.p.op(OP_NOT)

    def _junction(self, node, jump: int, short: int):
        exits = []
        for arg in node.args:
            yield arg
            exits.append(self.p.op(jump, -1))
        self.p.op(OP_CONST, 1 - short)
        end = self.p.op(OP_JMP, -1)
        here = self.p.here()
        for at in exits:
            self.p.patch(at, here)
        self.p.op(OP_CONST, short)
        self.p.patch(end, self.p.here())

    def walk_And(self, node: ir.And):
        yield from self._junction(node, OP_JZ, 0)

    def walk_Or(self, node: ir.Or):
        yield from self._junction(node, OP_JNZ, 1)

    def _binary(self, node, op: int):
        yield node.left
        yield node.right
        self.p.op(op)

    def walk_Eq(self, node: ir.Eq):
        yield from self._binary(node, OP_EQ)

    def walk_Lt(self, node: ir.Lt):
        yield from self._binary(node, OP_LT)

    def walk_Le(self, node: ir.Le):
        yield from self._binary(node, OP_LE)

    def walk_Add(self, node: ir.Add):
        yield from self._binary(node, OP_ADD)

    def walk_Sub(self, node: ir.Sub):
        yield from self._binary(node, OP_SUB)

    def walk_Ite(self, node: ir.Ite):
        yield node.cond
        to_else = self.p.op(OP_JZ, -1)
        yield node.then
        to_end = self.p.op(OP_JMP, -1)
        self.p.patch(to_else, self.p.here())
        yield node.else_
        self.p.patch(to_end, self.p.here())


@dataclass
class Program:
    """The compiled model: layout, code, actions, and the predicates asked for."""

    words: int
    f_word: np.ndarray
    f_off: np.ndarray
    f_mask: np.ndarray
    f_lo: np.ndarray
    f_hi: np.ndarray
    dyn: np.ndarray
    code: np.ndarray
    lit_mask: np.ndarray
    lit_bits: np.ndarray
    guard: np.ndarray
    """Per action: [start, end) of its guard's residual code (start == end: none)."""
    upd_range: np.ndarray
    """Per action: [first, last) update rows."""
    upd: np.ndarray
    """Per update: [field or dyn table, count (0: static), index lo, idx start, idx end,
    value start, value end]."""
    key: int
    """The field actions are bucketed by (-1: none)."""
    bucket_range: np.ndarray
    """Per key value (and a last row for the actions that do not test the key)."""
    bucket_actions: np.ndarray
    predicates: np.ndarray
    """Per predicate asked for: [first, last) of its disjuncts (it holds when one does)."""
    dis_mask: np.ndarray
    dis_bits: np.ndarray
    dis_code: np.ndarray
    """Per disjunct: its literals as a mask test per word, and [start, end) of the rest."""
    layout: WordLayout

    def vm_args(self) -> tuple:
        """The arrays the jitted functions take, in their order."""
        return (self.f_word, self.f_off, self.f_mask, self.f_lo, self.f_hi, self.dyn, self.code,
                self.lit_mask, self.lit_bits, self.guard, self.upd_range, self.upd, np.int64(self.key),
                self.bucket_range, self.bucket_actions)

    def predicate_args(self) -> tuple:
        return self.predicates, self.dis_mask, self.dis_bits, self.dis_code


class _Builder:
    def __init__(self, model: Model):
        self.model = model
        self.layout = WordLayout(model)
        self.code: list[list[int]] = []
        self.dyn: list[int] = []
        self.dyn_tables: dict[str, int] = {}

    # -------------------------------------------------------------- code

    def op(self, op: int, a: int = 0, b: int = 0, c: int = 0) -> int:
        self.code.append([op, a, b, c])
        return len(self.code) - 1

    def here(self) -> int:
        return len(self.code)

    def patch(self, at: int, target: int) -> None:
        self.code[at][1] = target

    def expr(self, expr: Expr) -> tuple[int, int]:
        start = self.here()
        _Emit(self).walk(expr)
        if ir.depth(expr) > MAX_STACK:
            raise ValueError(f"expression deeper than the machine's stack of {MAX_STACK}")
        return start, self.here()

    def static_slot(self, read: ir.Read) -> int | None:
        if read.index is None:
            return self.model.slot(read.var, None)
        if isinstance(read.index, ir.Const):
            return self.model.slot(read.var, read.index.value)
        return None

    def dyn_table(self, var: str) -> int:
        if var not in self.dyn_tables:
            self.dyn_tables[var] = len(self.dyn)
            self.dyn.extend(self.model.slot(var, v) for v in self.model.var(var).index.values())
        return self.dyn_tables[var]

    # -------------------------------------------------------------- guards

    def literal(self, expr: Expr) -> tuple[int, int] | None:
        """``(slot, value)`` if ``expr`` is ``element == constant`` (or a Boolean read)."""
        negate = isinstance(expr, ir.Not) and isinstance(expr.arg, ir.Read)
        if negate:
            expr = expr.arg
        if isinstance(expr, ir.Read) and isinstance(expr.sort, BoolSort):
            slot = self.static_slot(expr)
            if slot is not None and isinstance(self.model.elements[slot].sort, BoolSort):
                return slot, 0 if negate else 1
            return None
        if negate or not isinstance(expr, ir.Eq):
            return None
        left, right = expr.left, expr.right
        if isinstance(left, ir.Const):
            left, right = right, left
        if isinstance(left, ir.Read) and isinstance(right, ir.Const):
            slot = self.static_slot(left)
            if slot is not None and self.layout.lo[slot] <= right.value <= self.layout.hi[slot]:
                return slot, right.value
        return None

    def guard(self, action: Action) -> tuple[dict[int, int] | None, list[Expr]]:
        return self.conjunction(action.guard)

    def conjunction(self, expr: Expr) -> tuple[dict[int, int] | None, list[Expr]]:
        """Its ``element == constant`` conjuncts (None if they contradict or one is false)
        and the others."""
        args = expr.args if isinstance(expr, ir.And) else (expr,)
        lits: dict[int, int] | None = {}
        rest: list[Expr] = []
        for arg in args:
            if arg == ir.FALSE:
                return None, []
            lit = self.literal(arg)
            if lit is None:
                rest.append(arg)
            elif lits is not None and lits.get(lit[0], lit[1]) != lit[1]:
                lits = None
            elif lits is not None:
                lits[lit[0]] = lit[1]
        return lits, rest


def compile_model(model: Model, predicates: list[Expr] = ()) -> Program:
    """``model`` as tables and code; ``predicates`` compiled too (bad states, sites).
    Raises ``EvaluationError`` if an initial value lies outside its sort."""
    for element, allowed in zip(model.elements, model.initial_choices()):
        for value in allowed:
            if not ir.in_range(element.sort, value):
                raise EvaluationError(f"initial value {value} out of range for {element.name}")
    b = _Builder(model)
    lay = b.layout
    A, W = len(model.actions), lay.words
    lit_mask = np.zeros((A, W), dtype=np.uint64)
    lit_bits = np.zeros((A, W), dtype=np.uint64)
    guard = np.zeros((A, 2), dtype=np.int64)
    upd_range = np.zeros((A, 2), dtype=np.int64)
    upd: list[list[int]] = []
    literal_sets: list[dict[int, int] | None] = []
    for a, action in enumerate(model.actions):
        lits, rest = b.guard(action)
        literal_sets.append(lits)
        if lits is None:  # never enabled: in no bucket, so never tried
            guard[a] = (b.here(), b.here())
        else:
            for slot, value in lits.items():
                w = lay.word[slot]
                lit_mask[a, w] |= np.uint64(lay.mask(slot) << lay.off[slot])
                lit_bits[a, w] |= np.uint64((value - lay.lo[slot]) << lay.off[slot])
            guard[a] = b.expr(ir.and_(*rest)) if rest else (b.here(), b.here())
        upd_range[a, 0] = len(upd)
        for update in action.updates:
            if update.index is None or isinstance(update.index, ir.Const):
                index = None if update.index is None else update.index.value
                target, count, ilo, idx = model.slot(update.var, index), 0, 0, (0, 0)
            else:
                index_sort = model.var(update.var).index
                target, count, ilo = b.dyn_table(update.var), index_sort.size, bounds(index_sort)[0]
                idx = b.expr(update.index)
            upd.append([target, count, ilo, *idx, *b.expr(update.value)])
        upd_range[a, 1] = len(upd)
    preds, dis_mask, dis_bits, dis_code = _predicates(b, predicates)
    key, bucket_range, bucket_actions = _buckets(model, lay, literal_sets)
    n = len(model.elements)

    def column(values: list[int]) -> np.ndarray:
        return np.array(values or [0], dtype=np.int64)  # never empty: numba wants a type

    return Program(
        words=W,
        f_word=column(lay.word), f_off=column(lay.off),
        f_mask=column([lay.mask(i) for i in range(n)]), f_lo=column(lay.lo), f_hi=column(lay.hi),
        dyn=np.array(b.dyn or [0], dtype=np.int64),
        code=np.array(b.code or [[0, 0, 0, 0]], dtype=np.int64),
        lit_mask=lit_mask, lit_bits=lit_bits, guard=guard, upd_range=upd_range,
        upd=np.array(upd or [[0] * 7], dtype=np.int64),
        key=key, bucket_range=bucket_range, bucket_actions=bucket_actions,
        predicates=preds, dis_mask=dis_mask, dis_bits=dis_bits, dis_code=dis_code, layout=lay,
    )


def _predicates(b: _Builder, predicates: list[Expr]):
    """Each predicate as disjuncts, each a mask test and the code of the rest: a bad
    predicate is a disjunction of step sites, each the guard of its step (literals of the
    program counters) and a condition."""
    lay = b.layout
    ranges, masks, bits, codes = [], [], [], []
    for predicate in predicates:
        first = len(codes)
        for disjunct in (predicate.args if isinstance(predicate, ir.Or) else (predicate,)):
            lits, rest = b.conjunction(disjunct)
            if lits is None:
                continue  # can never hold
            mask = np.zeros(lay.words, dtype=np.uint64)
            value = np.zeros(lay.words, dtype=np.uint64)
            for slot, v in lits.items():
                mask[lay.word[slot]] |= np.uint64(lay.mask(slot) << lay.off[slot])
                value[lay.word[slot]] |= np.uint64((v - lay.lo[slot]) << lay.off[slot])
            masks.append(mask)
            bits.append(value)
            codes.append(b.expr(ir.and_(*rest)) if rest else (b.here(), b.here()))
        ranges.append((first, len(codes)))
    W = lay.words
    return (np.array(ranges or [(0, 0)], dtype=np.int64).reshape(-1, 2),
            np.array(masks or [np.zeros(W, dtype=np.uint64)], dtype=np.uint64).reshape(-1, W),
            np.array(bits or [np.zeros(W, dtype=np.uint64)], dtype=np.uint64).reshape(-1, W),
            np.array(codes or [(0, 0)], dtype=np.int64).reshape(-1, 2))


def _buckets(model: Model, lay: WordLayout, literal_sets) -> tuple[int, np.ndarray, np.ndarray]:
    """Actions grouped by their literal on the element most of them test; the last group
    holds the actions without a literal on it (tried in every state)."""
    score: dict[int, float] = {}
    for lits in literal_sets:
        for slot in lits or {}:
            score[slot] = score.get(slot, 0.0) + 1.0 - 1.0 / (lay.hi[slot] - lay.lo[slot] + 1)
    if not score:
        possible = [a for a, lits in enumerate(literal_sets) if lits is not None]
        return -1, np.array([[0, len(possible)]], dtype=np.int64), np.array(possible or [0], dtype=np.int64)
    key = max(score, key=lambda slot: (score[slot], -slot))
    size = lay.hi[key] - lay.lo[key] + 1
    groups: list[list[int]] = [[] for _ in range(size + 1)]
    for a, lits in enumerate(literal_sets):
        if lits is not None and key in lits:
            groups[lits[key] - lay.lo[key]].append(a)
        elif lits is not None:
            groups[size].append(a)
    ranges, flat = [], []
    for group in groups:
        ranges.append([len(flat), len(flat) + len(group)])
        flat.extend(group)
    return key, np.array(ranges, dtype=np.int64), np.array(flat or [0], dtype=np.int64)
