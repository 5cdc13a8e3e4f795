"""Everything numba compiles, in one module: the stack machine and the search loop.

One module on purpose: numba caches compiled code per source file and does not notice
when a function called from another file changes, so machine code cached for the search
loop could keep running an old machine.  Here a change of any jitted function
invalidates the whole cache.

The machine runs a ``Program`` (``explorer.semantics.program``): the functions are
generic (a model is data: the program's arrays), so numba compiles them once and caches
them on disk; no code is generated per model.  ``expand`` computes every successor of one
state in the order of the model's actions (the order of the reference ``successors``):
all values and indices in the pre-state, then the writes in order, a later write of the
same element winning.  A value stored outside its element's sort, or an index outside
its array, is an error (the reference raises ``EvaluationError``): ``expand`` returns -1
with ``err = [kind, action]`` (kind 1: index, 2: value).

The search stores states in BFS order in one array (``W`` words each); the visited set is
an open-addressing hash table of indices into it (``int32``, at most half full), so a
stored state costs ``8 W + 8`` bytes and no more: no parent links are kept, since the
levels (a range of indices each) are enough to rebuild a shortest path backwards
(``parent``).  ``advance`` expands states from ``ctr[CURSOR]`` on, for at most ``budget``
expansions, and returns to the Python driver, which looks at the clock, reports progress
and grows the arrays when asked: the loop itself never allocates.  With partial-order
reduction a state's successors are those of a stubborn set (``choose``, ``closure``; the
tables come from ``explicit.por``), and ``stubborn_sets`` grows the chosen sets again for
the certificate.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from explorer.semantics.program import (
    OP_ADD, OP_CONST, OP_DYN, OP_EQ, OP_FIELD, OP_JMP, OP_JNZ, OP_JZ, OP_LE, OP_LT, OP_NOT, OP_SUB,
)

ERR_INDEX, ERR_VALUE = 1, 2


@njit(cache=True)
def field(s, f, f_word, f_off, f_mask, f_lo):
    return np.int64((s[f_word[f]] >> np.uint64(f_off[f])) & np.uint64(f_mask[f])) + f_lo[f]


@njit(cache=True)
def run(code, start, end, s, stack, f_word, f_off, f_mask, f_lo, dyn):
    """The value of the code ``[start, end)`` in state ``s``; ok False on a bad index."""
    sp = 0
    pc = start
    while pc < end:
        op = code[pc, 0]
        if op == OP_CONST:
            stack[sp] = code[pc, 1]
            sp += 1
        elif op == OP_FIELD:
            stack[sp] = field(s, code[pc, 1], f_word, f_off, f_mask, f_lo)
            sp += 1
        elif op == OP_DYN:
            i = stack[sp - 1] - code[pc, 3]
            if i < 0 or i >= code[pc, 2]:
                return 0, False
            stack[sp - 1] = field(s, dyn[code[pc, 1] + i], f_word, f_off, f_mask, f_lo)
        elif op == OP_NOT:
            stack[sp - 1] = 1 if stack[sp - 1] == 0 else 0
        elif op == OP_JZ:
            sp -= 1
            if stack[sp] == 0:
                pc = code[pc, 1]
                continue
        elif op == OP_JNZ:
            sp -= 1
            if stack[sp] != 0:
                pc = code[pc, 1]
                continue
        elif op == OP_JMP:
            pc = code[pc, 1]
            continue
        else:
            sp -= 1
            b = stack[sp]
            a = stack[sp - 1]
            if op == OP_EQ:
                stack[sp - 1] = 1 if a == b else 0
            elif op == OP_LT:
                stack[sp - 1] = 1 if a < b else 0
            elif op == OP_LE:
                stack[sp - 1] = 1 if a <= b else 0
            elif op == OP_ADD:
                stack[sp - 1] = a + b
            elif op == OP_SUB:
                stack[sp - 1] = a - b
        pc += 1
    return stack[sp - 1], True


@njit(cache=True)
def _try(a, s, f_word, f_off, f_mask, f_lo, f_hi, dyn, code, guard, upd_range, upd, out, n, acts,
         stack, vals, slots, err):
    """Action ``a``, whose literals hold in ``s``: 1 if it is enabled (its successor written
    as ``out[n]``), 0 if not, -1 on an error."""
    W = s.shape[0]
    if guard[a, 0] < guard[a, 1]:
        v, ok = run(code, guard[a, 0], guard[a, 1], s, stack, f_word, f_off, f_mask, f_lo, dyn)
        if not ok:
            err[0], err[1] = ERR_INDEX, a
            return -1
        if v == 0:
            return 0
    first, last = upd_range[a, 0], upd_range[a, 1]
    for u in range(first, last):
        slot = upd[u, 0]
        if upd[u, 1] > 0:
            i, ok = run(code, upd[u, 3], upd[u, 4], s, stack, f_word, f_off, f_mask, f_lo, dyn)
            i -= upd[u, 2]
            if not ok or i < 0 or i >= upd[u, 1]:
                err[0], err[1] = ERR_INDEX, a
                return -1
            slot = dyn[upd[u, 0] + i]
        v, ok = run(code, upd[u, 5], upd[u, 6], s, stack, f_word, f_off, f_mask, f_lo, dyn)
        if not ok:
            err[0], err[1] = ERR_INDEX, a
            return -1
        if v < f_lo[slot] or v > f_hi[slot]:
            err[0], err[1] = ERR_VALUE, a
            return -1
        slots[u - first] = slot
        vals[u - first] = v
    for w in range(W):
        out[n, w] = s[w]
    for k in range(last - first):
        slot = slots[k]
        w = f_word[slot]
        shift = np.uint64(f_off[slot])
        mask = np.uint64(f_mask[slot]) << shift
        out[n, w] = (out[n, w] & ~mask) | (np.uint64(vals[k] - f_lo[slot]) << shift)
    acts[n] = a
    return 1


@njit(cache=True)
def expand(s, f_word, f_off, f_mask, f_lo, f_hi, dyn, code, lit_mask, lit_bits, guard, upd_range,
           upd, key, bucket_range, bucket_actions, out, acts, stack, vals, slots, err):
    """Every successor of ``s`` into ``out`` (actions into ``acts``): their number, or -1."""
    rest = bucket_range.shape[0] - 1
    if key >= 0:
        g = field(s, key, f_word, f_off, f_mask, f_lo) - f_lo[key]
        i, i_end = bucket_range[g, 0], bucket_range[g, 1]
    else:
        i, i_end = 0, 0
    j, j_end = bucket_range[rest, 0], bucket_range[rest, 1]
    n = 0
    W = s.shape[0]
    while i < i_end or j < j_end:  # the two groups merged: successors in action order
        if j >= j_end or (i < i_end and bucket_actions[i] < bucket_actions[j]):
            a = bucket_actions[i]
            i += 1
        else:
            a = bucket_actions[j]
            j += 1
        # the literal test here, not in ``_try``: nearly every candidate fails it, and a
        # call with this many arrays costs a hundred times the test
        match = True
        for w in range(W):
            if (s[w] & lit_mask[a, w]) != lit_bits[a, w]:
                match = False
                break
        if not match:
            continue
        got = _try(a, s, f_word, f_off, f_mask, f_lo, f_hi, dyn, code, guard, upd_range, upd, out,
                   n, acts, stack, vals, slots, err)
        if got < 0:
            return -1
        n += got
    return n


MAX_MEMBERS = 64
"""Members past which a stubborn set is given up (growing it again from its seed, for the
certificate, takes the same steps, so a set chosen is always grown whole again)."""

# ctr slots
COUNT, CURSOR, LEVEL_END, DEPTH, FOUND, TRANSITIONS, DEADLOCKS, EXPANDED, NPENDING, ERRORS, REPRESENTED = range(11)
CTR_SIZE = 11
# statuses
GOING, DONE, FOUND_BAD, GROW, ERROR = range(5)


@njit(cache=True)
def _hash(words):
    h = np.uint64(0x9E3779B97F4A7C15)
    for w in range(words.shape[0]):
        x = words[w] + np.uint64(0x9E3779B97F4A7C15) * np.uint64(w + 1)
        x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        h ^= x ^ (x >> np.uint64(31))
        h *= np.uint64(0x100000001B3)
    return h


@njit(cache=True)
def insert(states, table, count, row):
    """The index of ``row`` in ``states`` and whether it is new (added at ``count``)."""
    mask = np.uint64(table.shape[0] - 1)
    probe = _hash(row) & mask
    W = row.shape[0]
    while True:
        slot = table[probe]
        if slot == 0:
            for w in range(W):
                states[count, w] = row[w]
            table[probe] = count + 1
            return count, True
        index = slot - 1
        same = True
        for w in range(W):
            if states[index, w] != row[w]:
                same = False
                break
        if same:
            return index, False
        probe = (probe + np.uint64(1)) & mask


@njit(cache=True)
def lookup(states, table, row):
    """The index of ``row`` in ``states``, or -1."""
    mask = np.uint64(table.shape[0] - 1)
    probe = _hash(row) & mask
    W = row.shape[0]
    while True:
        slot = table[probe]
        if slot == 0:
            return -1
        index = slot - 1
        same = True
        for w in range(W):
            if states[index, w] != row[w]:
                same = False
                break
        if same:
            return index
        probe = (probe + np.uint64(1)) & mask


@njit(cache=True)
def closure(seed, s, limit, f_word, f_off, f_mask, f_lo, dep_ptr, dep, lit_ptr, lit_slot, lit_val,
            wr_ptr, writers, gw_ptr, guard_writers, role, member, en, work):
    """The stubborn set grown from ``seed`` in ``s`` (``en`` marks the enabled actions):
    its members into ``work[:m]``; returns ``(enabled members, m)``, the first -1 when an
    enabled member is visible (``role`` bit 0), a disabled one has a guard that may fail
    (bit 1), or ``limit`` enabled members are met.

    An enabled member brings every action dependent on it; a disabled one the writers of
    the first literal of its guard that is false in ``s`` (else of all its guard reads)."""
    member[seed] = True
    work[0] = seed
    m, top, count, ok = 1, 0, 0, True
    while top < m:
        x = work[top]
        top += 1
        if (en[x] and role[x] & 1) or (not en[x] and role[x] & 2):
            ok = False
            break
        if en[x]:
            count += 1
            if count >= limit:
                ok = False
                break
            lo, hi, table = dep_ptr[x], dep_ptr[x + 1], dep
        else:
            lo, hi, table = gw_ptr[x], gw_ptr[x + 1], guard_writers
            for k in range(lit_ptr[x], lit_ptr[x + 1]):
                e = lit_slot[k]
                if field(s, e, f_word, f_off, f_mask, f_lo) != lit_val[k]:
                    lo, hi, table = wr_ptr[e], wr_ptr[e + 1], writers
                    break
        for k in range(lo, hi):
            y = table[k]
            if not member[y]:
                member[y] = True
                work[m] = y
                m += 1
        if m > MAX_MEMBERS:
            ok = False  # a large set seldom pays for itself: growing it costs more than it saves
            break
    for k in range(m):
        member[work[k]] = False
    return (count if ok else -1), m


@njit(cache=True)
def choose(s, n, acts, f_word, f_off, f_mask, f_lo, dep_ptr, dep, lit_ptr, lit_slot, lit_val,
           wr_ptr, writers, gw_ptr, guard_writers, role, member, en, work):
    """The seed of a stubborn set of ``s`` with the fewest enabled members, fewer than
    the ``n`` enabled actions ``acts[:n]``: ``(seed, enabled members, m)`` with the
    members in ``work[:m]``, or ``(-1, n, 0)``."""
    for k in range(n):
        en[acts[k]] = True
    best, limit = -1, n
    for k in range(n):
        a = acts[k]
        if role[a] & 1:
            continue
        count, m = closure(a, s, limit, f_word, f_off, f_mask, f_lo, dep_ptr, dep, lit_ptr, lit_slot,
                           lit_val, wr_ptr, writers, gw_ptr, guard_writers, role, member, en, work)
        if count > 0:
            best, limit = a, count
            if count == 1:
                break
    m = 0
    if best >= 0:
        limit, m = closure(best, s, n + 1, f_word, f_off, f_mask, f_lo, dep_ptr, dep, lit_ptr, lit_slot,
                           lit_val, wr_ptr, writers, gw_ptr, guard_writers, role, member, en, work)
    for k in range(n):
        en[acts[k]] = False
    return best, limit, m


@njit(cache=True)
def stubborn_sets(states, seeds, bits, f_word, f_off, f_mask, f_lo, f_hi, dyn, code, lit_mask,
                  lit_bits, guard, upd_range, upd, key, bucket_range, bucket_actions, out, acts,
                  stack, vals, slots, err, dep_ptr, dep, lit_ptr, lit_slot, lit_val, wr_ptr,
                  writers, gw_ptr, guard_writers, role, member, en, work):
    """The members of the stubborn set each state of ``states`` was expanded with, grown
    again from its seed (``seeds``, -1: none), as a bit row of ``bits``."""
    for i in range(states.shape[0]):
        if seeds[i] < 0:
            continue
        n = expand(states[i], f_word, f_off, f_mask, f_lo, f_hi, dyn, code, lit_mask, lit_bits,
                   guard, upd_range, upd, key, bucket_range, bucket_actions, out, acts, stack, vals,
                   slots, err)
        for k in range(n):
            en[acts[k]] = True
        _, m = closure(seeds[i], states[i], n + 1, f_word, f_off, f_mask, f_lo, dep_ptr, dep, lit_ptr,
                       lit_slot, lit_val, wr_ptr, writers, gw_ptr, guard_writers, role, member, en, work)
        for k in range(n):
            en[acts[k]] = False
        for k in range(m):
            a = work[k]
            bits[i, a >> 6] |= np.uint64(1) << np.uint64(a & 63)


@njit(cache=True)
def rehash(states, count, table):
    mask = np.uint64(table.shape[0] - 1)
    for index in range(count):
        probe = _hash(states[index]) & mask
        while table[probe] != 0:
            probe = (probe + np.uint64(1)) & mask
        table[probe] = index + 1


@njit(cache=True)
def residual(d, s, dis_code, f_word, f_off, f_mask, f_lo, dyn, code, stack):
    """Whether the rest (beyond its literals) of disjunct ``d`` holds in ``s``."""
    v, ok = run(code, dis_code[d, 0], dis_code[d, 1], s, stack, f_word, f_off, f_mask, f_lo, dyn)
    return ok and v != 0


@njit(cache=True)
def holds(k, s, preds, dis_mask, dis_bits, dis_code, f_word, f_off, f_mask, f_lo, dyn, code, stack):
    """Whether predicate ``k`` holds in ``s``: one of its disjuncts does (an index out of
    range counts as not holding; the trust gate's re-check evaluates on its own)."""
    W = s.shape[0]
    for d in range(preds[k, 0], preds[k, 1]):
        match = True
        for w in range(W):
            if (s[w] & dis_mask[d, w]) != dis_bits[d, w]:
                match = False
                break
        if not match:
            continue
        if dis_code[d, 0] == dis_code[d, 1]:
            return True
        v, ok = run(code, dis_code[d, 0], dis_code[d, 1], s, stack, f_word, f_off, f_mask, f_lo, dyn)
        if ok and v != 0:
            return True
    return False


@njit(cache=True)
def canonical(row, best, cand, sym_slot, sym_val, sym_values, sym_moving, fixed_mask, f_word,
              f_off, f_mask):
    """The least image of ``row`` (as words, most significant first) under the group whose
    elements are the rows of ``sym_slot`` (element 0 the identity) into ``best``; returns
    how many elements map ``row`` to it (the size of ``row``'s stabiliser).

    ``sym_slot[g, d]`` is the element whose value image ``g`` puts in element ``d``,
    renamed through ``sym_values[sym_val[g, d] + value]`` (``sym_val`` -1: unchanged);
    ``sym_moving`` lists the elements some image changes, by word, and the bits of the
    others (``fixed_mask``) are copied as they are.  An image is built word by word and
    dropped at the first word where it is greater than the best so far."""
    W = row.shape[0]
    for w in range(W):
        best[w] = row[w]
    stabiliser = 1
    n_moving = sym_moving.shape[0]
    for g in range(1, sym_slot.shape[0]):
        order = 0
        k = 0
        for w in range(W):
            word = row[w] & fixed_mask[w]
            while k < n_moving and f_word[sym_moving[k]] == w:
                d = sym_moving[k]
                e = sym_slot[g, d]
                v = (row[f_word[e]] >> np.uint64(f_off[e])) & np.uint64(f_mask[e])
                t = sym_val[g, d]
                if t >= 0:
                    v = np.uint64(sym_values[t + np.int64(v)])
                word |= v << np.uint64(f_off[d])
                k += 1
            cand[w] = word
            if order == 0:
                if word > best[w]:
                    order = 1
                    break
                if word < best[w]:
                    order = -1
        if order < 0:
            for w in range(W):
                best[w] = cand[w]
            stabiliser = 1
        elif order == 0:
            stabiliser += 1
    return stabiliser


@njit(cache=True)
def advance(states, table, ctr, budget, levels, preds, dis_mask, dis_bits, dis_code, bad,
            state_bad, pending, hits, enabled, dead, f_word, f_off, f_mask, f_lo, f_hi, dyn, code, lit_mask, lit_bits, guard,
            upd_range, upd, key, bucket_range, bucket_actions, out, acts, stack, vals, slots, err,
            sym_slot, sym_val, sym_values, sym_moving, fixed_mask, best, cand, por, ample, take, stab,
            dep_ptr, dep, lit_ptr, lit_slot, lit_val, wr_ptr, writers, gw_ptr, guard_writers, role,
            member, en, work):
    """Expand up to ``budget`` states; the status says why it returned.

    With a symmetry group (``sym_slot`` has more than one row) every successor is stored
    as its canonical image (``canonical``); ``ctr[REPRESENTED]`` sums the orbit sizes.
    With ``por`` a state expands only the enabled members of a stubborn set (``choose``)
    when all their successors are new (in the next level: the cycle proviso), and
    ``ample[state]`` records the set's seed (-1: expanded fully).

    ``bad``/``state_bad`` index ``preds`` (-1: no property); ``pending`` lists the vacuity
    predicates not yet seen true (``hits`` marks them); ``levels[d]`` is the first index of
    depth ``d``.
    """
    capacity = states.shape[0]
    actions = lit_mask.shape[0]
    W = states.shape[1]
    group = sym_slot.shape[0]
    while budget > 0:
        if ctr[CURSOR] >= ctr[LEVEL_END]:  # a level is done
            if ctr[FOUND] >= 0:
                return FOUND_BAD
            if ctr[COUNT] == ctr[LEVEL_END]:
                return DONE
            ctr[DEPTH] += 1
            levels[ctr[DEPTH]] = ctr[LEVEL_END]
            ctr[LEVEL_END] = ctr[COUNT]
            continue
        if (ctr[COUNT] + actions > capacity or 2 * (ctr[COUNT] + actions) > table.shape[0]
                or ctr[DEPTH] + 2 >= levels.shape[0]):
            return GROW
        s = states[ctr[CURSOR]]
        n = expand(s, f_word, f_off, f_mask, f_lo, f_hi, dyn, code, lit_mask, lit_bits, guard,
                   upd_range, upd, key, bucket_range, bucket_actions, out, acts, stack, vals, slots, err)
        if n < 0:
            return ERROR
        ctr[EXPANDED] += 1
        budget -= 1
        if n == 0:
            if ctr[DEADLOCKS] < dead.shape[0]:
                dead[ctr[DEADLOCKS]] = ctr[CURSOR]
            ctr[DEADLOCKS] += 1
        for k in range(n):
            enabled[acts[k]] = 1
            take[k] = True
            stab[k] = 1
            if group > 1:
                stab[k] = canonical(out[k], best, cand, sym_slot, sym_val, sym_values, sym_moving,
                                    fixed_mask, f_word, f_off, f_mask)
                for w in range(W):
                    out[k, w] = best[w]
        taken = n
        if por and n > 1:
            seed, count, m = choose(s, n, acts, f_word, f_off, f_mask, f_lo, dep_ptr, dep, lit_ptr,
                                    lit_slot, lit_val, wr_ptr, writers, gw_ptr, guard_writers, role,
                                    member, en, work)
            if seed >= 0:
                for i in range(m):
                    member[work[i]] = True
                fresh = True
                for k in range(n):
                    take[k] = member[acts[k]]
                    if take[k] and fresh:
                        at = lookup(states, table, out[k])
                        fresh = at < 0 or at >= ctr[LEVEL_END]
                for i in range(m):
                    member[work[i]] = False
                if fresh:
                    ample[ctr[CURSOR]] = seed
                    taken = count
                else:
                    for k in range(n):
                        take[k] = True
        ctr[TRANSITIONS] += taken
        for k in range(n):
            if not take[k]:
                continue
            index, new = insert(states, table, ctr[COUNT], out[k])
            if not new:
                continue
            ctr[COUNT] += 1
            ctr[REPRESENTED] += group // stab[k] if group > 1 else 1
            t = states[index]
            j = 0
            while j < ctr[NPENDING]:  # vacuity: predicates not yet seen true
                k = pending[j]
                seen = False
                for d in range(preds[k, 0], preds[k, 1]):  # inline: a call costs far more
                    match = True
                    for w in range(W):
                        if (t[w] & dis_mask[d, w]) != dis_bits[d, w]:
                            match = False
                            break
                    if match and (dis_code[d, 0] == dis_code[d, 1] or residual(
                            d, t, dis_code, f_word, f_off, f_mask, f_lo, dyn, code, stack)):
                        seen = True
                        break
                if seen:
                    hits[k] = 1
                    ctr[NPENDING] -= 1
                    pending[j] = pending[ctr[NPENDING]]
                else:
                    j += 1
            if bad >= 0 and holds(bad, t, preds, dis_mask, dis_bits, dis_code, f_word, f_off,
                                  f_mask, f_lo, dyn, code, stack):
                shortest = holds(state_bad, t, preds, dis_mask, dis_bits, dis_code, f_word, f_off,
                                 f_mask, f_lo, dyn, code, stack)
                if ctr[FOUND] < 0 or shortest:
                    ctr[FOUND] = index
                if shortest:  # no shorter counterexample is possible at this level
                    ctr[CURSOR] += 1
                    return FOUND_BAD
        ctr[CURSOR] += 1
    return GOING


@njit(cache=True)
def parent(states, lo, hi, target, f_word, f_off, f_mask, f_lo, f_hi, dyn, code, lit_mask,
           lit_bits, guard, upd_range, upd, key, bucket_range, bucket_actions, out, acts, stack,
           vals, slots, err, sym_slot, sym_val, sym_values, sym_moving, fixed_mask, best, cand):
    """A state of ``states[lo:hi]`` with a successor equal to ``target`` (its canonical
    image, with a symmetry group), and the action: ``(index, action)``, or ``(-1, -1)``."""
    W = target.shape[0]
    for index in range(lo, hi):
        n = expand(states[index], f_word, f_off, f_mask, f_lo, f_hi, dyn, code, lit_mask, lit_bits,
                   guard, upd_range, upd, key, bucket_range, bucket_actions, out, acts, stack, vals,
                   slots, err)
        for k in range(n):
            if sym_slot.shape[0] > 1:
                canonical(out[k], best, cand, sym_slot, sym_val, sym_values, sym_moving, fixed_mask,
                          f_word, f_off, f_mask)
                for w in range(W):
                    out[k, w] = best[w]
            same = True
            for w in range(W):
                if out[k, w] != target[w]:
                    same = False
                    break
            if same:
                return index, acts[k]
    return -1, -1
