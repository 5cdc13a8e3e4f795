"""Packed states: a whole state as one Python int, one bit field per element.

Element ``i`` occupies ``width[i]`` bits at ``offset[i]`` and holds ``value - lo[i]``
(``lo`` is an IntSort's lower bound, else 0).  A state of a kernel spec packs into a few
dozen bits, so a set of packed states is a set of small ints: cheap to hash and store.
"""

from __future__ import annotations

from explorer.ir import Model, bounds
from explorer.semantics.reference import State

PackedState = int


class Layout:
    """The bit fields of one model's elements."""

    def __init__(self, model: Model):
        self.lo: list[int] = []
        self.hi: list[int] = []
        self.width: list[int] = []
        self.offset: list[int] = []
        offset = 0
        for element in model.elements:
            lo, hi = bounds(element.sort)
            width = max(1, (hi - lo).bit_length())
            self.lo.append(lo)
            self.hi.append(hi)
            self.width.append(width)
            self.offset.append(offset)
            offset += width
        self.bits = offset
        self.fmask = [(1 << w) - 1 for w in self.width]

    def pack(self, state: State) -> PackedState:
        s = 0
        for value, lo, off in zip(state, self.lo, self.offset):
            s |= (value - lo) << off
        return s

    def unpack(self, s: PackedState) -> State:
        return tuple(
            ((s >> off) & m) + lo for off, m, lo in zip(self.offset, self.fmask, self.lo)
        )

    def lit_bits(self, slot: int, value: int) -> tuple[int, int]:
        """``(mask, bits)`` such that ``s & mask == bits`` says element ``slot`` is ``value``."""
        return self.fmask[slot] << self.offset[slot], (value - self.lo[slot]) << self.offset[slot]

    def mask_of(self, lits: dict[int, int]) -> tuple[int, int]:
        """``(mask, bits)`` testing every ``element == value`` of ``lits`` at once."""
        mask = bits = 0
        for slot, value in lits.items():
            m, b = self.lit_bits(slot, value)
            mask |= m
            bits |= b
        return mask, bits
