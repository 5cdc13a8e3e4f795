"""The invariant found, as readable clauses: implications merged where they differ in one
value (``pc in {a, b} ==> x == v``), then those with the same premise
(``pc == a ==> x == v && y in {u, w}``)."""

from __future__ import annotations

from typing import Iterable

from explorer.engines.houdini.candidates import Candidate
from explorer.ir import Model
from explorer.ir.readable import Clause

def _merge(cands: Iterable[Candidate]) -> list[tuple[tuple[tuple[int, int], ...],
                                                  tuple[int, frozenset[int]] | None,
                                                  int, frozenset[int]]]:
    """Implications with the same consequent whose antecedents differ in the value of
    one element only, merged: ``(fixed literals, (element, its values) or None,
    consequent element, its values)``.  Largest groups first (a greedy cover)."""
    groups: dict[tuple, set[Candidate]] = {}
    for cand in cands:
        if not cand.ante:
            groups.setdefault(((), None, cand.element, cand.allowed), set()).add(cand)
            continue
        for j, (slot, _) in enumerate(cand.ante):
            fixed = cand.ante[:j] + cand.ante[j + 1:]
            groups.setdefault((fixed, slot, cand.element, cand.allowed), set()).add(cand)
    out = []
    done: set[Candidate] = set()
    for key in sorted(groups, key=lambda k: (-len(groups[k]), repr(k))):
        members = groups[key] - done
        if not members:
            continue
        done |= members
        fixed, slot, element, allowed = key
        if slot is None:
            out.append(((), None, element, allowed))
            continue
        values = frozenset(v for c in members for s, v in c.ante if s == slot)
        out.append((fixed, (slot, values), element, allowed))
    return out


def clauses(model: Model, cands: Iterable[Candidate]) -> tuple[Clause, ...]:
    """The invariant as clauses, in printing order: implications that differ in one
    antecedent value merged (``pc in {a, b} ==> x == v``), then those with the same
    antecedent (``pc == a ==> x == v && y in {u, w}``)."""
    by_premise: dict[tuple, dict[int, frozenset[int]]] = {}
    for fixed, varying, element, allowed in _merge(cands):
        premise = [(s, frozenset({v})) for s, v in fixed]
        if varying is not None:
            premise.append(varying)
        premise = [(s, vals) for s, vals in premise
                   if len(vals) < model.elements[s].sort.size]  # "c in everything"
        key = tuple(sorted(premise, key=lambda p: (p[0], sorted(p[1]))))
        body = by_premise.setdefault(key, {})
        body[element] = body.get(element, allowed) & allowed

    def premise_key(key: tuple) -> tuple:
        return (len(key), [(s, sorted(vals)) for s, vals in key])

    return tuple(
        Clause(key, tuple((x, by_premise[key][x]) for x in sorted(by_premise[key])))
        for key in sorted(by_premise, key=premise_key)
    )
