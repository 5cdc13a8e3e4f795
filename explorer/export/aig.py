"""A small And-Inverter graph with structural hashing, and its binary AIGER writer.

Written here rather than taken from a package: py-aiger is not installed, and z3 can
bit-blast but hands back CNF, not a graph with latches, so the mapping from latches back
to the model's elements would be lost.  A literal is ``2 * variable + negated``;
``FALSE`` is 0 and ``TRUE`` 1.  Variables are numbered in creation order, and renumbered
when written (inputs, then latches, then gates, as AIGER wants); gates are created after
their fan-ins, so creation order is topological.
"""

from __future__ import annotations

FALSE, TRUE = 0, 1


class Aig:
    """Inputs, latches (reset to 0), and-gates, and outputs."""

    def __init__(self) -> None:
        self.count = 0
        self.inputs: list[tuple[int, str]] = []
        self.latches: list[tuple[int, str]] = []
        self.next: dict[int, int] = {}
        self.gates: list[tuple[int, int, int]] = []
        self.outputs: list[tuple[int, str]] = []
        self._hash: dict[tuple[int, int], int] = {}

    def _variable(self) -> int:
        self.count += 1
        return 2 * self.count

    def input(self, name: str) -> int:
        literal = self._variable()
        self.inputs.append((literal, name))
        return literal

    def latch(self, name: str) -> int:
        literal = self._variable()
        self.latches.append((literal, name))
        return literal

    def set_next(self, latch: int, literal: int) -> None:
        self.next[latch] = literal

    def output(self, literal: int, name: str) -> None:
        self.outputs.append((literal, name))

    # ----------------------------------------------------------------- gates

    def and_(self, a: int, b: int) -> int:
        if a == FALSE or b == FALSE or a == b ^ 1:
            return FALSE
        if a == TRUE:
            return b
        if b == TRUE or a == b:
            return a
        key = (a, b) if a > b else (b, a)
        found = self._hash.get(key)
        if found is None:
            found = self._variable()
            self.gates.append((found, key[0], key[1]))
            self._hash[key] = found
        return found

    def or_(self, a: int, b: int) -> int:
        return self.and_(a ^ 1, b ^ 1) ^ 1

    def xor(self, a: int, b: int) -> int:
        return self.or_(self.and_(a, b ^ 1), self.and_(a ^ 1, b))

    def mux(self, s: int, then: int, else_: int) -> int:
        if then == else_:
            return then
        return self.or_(self.and_(s, then), self.and_(s ^ 1, else_))

    def all(self, literals) -> int:
        """The conjunction, as a balanced tree: a chain over a thousand actions' literals
        would be a thousand levels deep, which ABC's SAT-based engines pay for."""
        layer = list(literals)
        if not layer:
            return TRUE
        while len(layer) > 1:
            paired = [self.and_(a, b) for a, b in zip(layer[::2], layer[1::2])]
            layer = paired + layer[len(paired) * 2:]
        return layer[0]

    def any(self, literals) -> int:
        return self.all(literal ^ 1 for literal in literals) ^ 1

    def decode(self, bits: list[int], count: int) -> list[int]:
        """Literals for "``bits`` (unsigned, least significant first) equals v", for v in
        ``0..count-1``: halves decoded apart and combined, so the ``count`` literals cost
        about ``count`` gates rather than ``count * len(bits)``."""
        if not bits:
            return [TRUE][:count]
        if len(bits) == 1:
            return [bits[0] ^ 1, bits[0]][:count]
        low, high = bits[: len(bits) // 2], bits[len(bits) // 2:]
        lows = self.decode(low, 1 << len(low))
        highs = self.decode(high, -(-count // len(lows)))
        return [self.and_(highs[v // len(lows)], lows[v % len(lows)]) for v in range(count)]

    # ----------------------------------------------------------------- writing

    def numbering(self) -> dict[int, int]:
        """Variable (literal // 2) to its number in the file."""
        order = [lit >> 1 for lit, _ in self.inputs] + [lit >> 1 for lit, _ in self.latches]
        order += [gate[0] >> 1 for gate in self.gates]
        return {old: new for new, old in enumerate(order, start=1)}

    def binary(self, comments: list[str] = ()) -> bytes:
        """The graph as a binary AIGER file (``aig`` header), with a symbol table."""
        number = self.numbering()

        def lit(literal: int) -> int:
            return literal if literal < 2 else 2 * number[literal >> 1] + (literal & 1)

        i, l, a = len(self.inputs), len(self.latches), len(self.gates)
        out = bytearray(f"aig {i + l + a} {i} {l} {len(self.outputs)} {a}\n".encode())
        for latch, _ in self.latches:
            out += f"{lit(self.next.get(latch, latch))}\n".encode()
        for literal, _ in self.outputs:
            out += f"{lit(literal)}\n".encode()
        for gate, left, right in self.gates:
            lhs, r0, r1 = lit(gate), lit(left), lit(right)
            if r0 < r1:
                r0, r1 = r1, r0
            for delta in (lhs - r0, r0 - r1):
                while delta & ~0x7F:
                    out.append((delta & 0x7F) | 0x80)
                    delta >>= 7
                out.append(delta)
        for kind, table in (("i", self.inputs), ("l", self.latches), ("o", self.outputs)):
            for position, (_, name) in enumerate(table):
                out += f"{kind}{position} {name}\n".encode()
        out += b"c\n" + "".join(f"{c}\n" for c in comments).encode()
        return bytes(out)
