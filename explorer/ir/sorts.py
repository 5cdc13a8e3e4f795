"""Finite sorts: booleans, enums and bounded integers.

Values are plain Python ints everywhere: an enum member is its position in the enum, a
boolean is 0 or 1, a bounded integer is itself.  Sorts turn values back into text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Union


@dataclass(frozen=True)
class BoolSort:
    """Booleans, 0 and 1."""

    name: str = "bool"

    @property
    def size(self) -> int:
        return 2

    def values(self) -> range:
        return range(2)

    def show(self, value: int) -> str:
        return "true" if value else "false"


@dataclass(frozen=True)
class EnumSort:
    """A finite set of named members; the value is the member's position."""

    name: str
    members: tuple[str, ...]

    @property
    def size(self) -> int:
        return len(self.members)

    def values(self) -> range:
        return range(len(self.members))

    def show(self, value: int) -> str:
        return self.members[value]

    def value_of(self, member: str) -> int:
        return self.members.index(member)


@dataclass(frozen=True)
class IntSort:
    """The integers ``lo..hi`` inclusive."""

    lo: int
    hi: int

    @property
    def name(self) -> str:
        return f"{self.lo}..{self.hi}"

    @property
    def size(self) -> int:
        return self.hi - self.lo + 1

    def values(self) -> range:
        return range(self.lo, self.hi + 1)

    def show(self, value: int) -> str:
        return str(value)


Sort = Union[BoolSort, EnumSort, IntSort]
BOOL = BoolSort()


def bounds(sort: Sort) -> tuple[int, int]:
    """The smallest and the largest value of ``sort``."""
    if isinstance(sort, IntSort):
        return sort.lo, sort.hi
    return 0, sort.size - 1


def in_range(sort: Sort, value: int) -> bool:
    """Whether ``value`` is a value of ``sort``."""
    lo, hi = bounds(sort)
    return lo <= value <= hi
