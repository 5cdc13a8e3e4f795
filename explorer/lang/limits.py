"""How large a spec may be: limits checked before anything is enumerated or recursed on.

A spec states a finite model; these bounds keep every phase that follows (lowering,
search, encodings) in time and stack, and turn a spec beyond them into a clear error at
its place instead of a hang or a ``RecursionError``.  Each is far above what a kernel
path needs.
"""

MAX_FILE_BYTES = 4 << 20
"""A spec file: 4 MiB."""

MAX_NESTING = 100
"""Levels of syntax nesting (a chain of N binary operators counts N)."""

MAX_EXPR_DEPTH = 200
"""Levels of an IR expression once ``def``s and arguments are expanded."""

MAX_CALL_DEPTH = 64
"""Nested ``fn`` calls (functions are inlined)."""

MAX_DEF_DEPTH = 64
"""Nested ``def`` expansions."""

MAX_DEF_EXPANSIONS = 100_000
"""``def`` expansions in a whole spec (the bundled ones need under 100): a def that uses
another twice doubles at each level, and 60 levels would never finish."""

MAX_SORT_SIZE = 1 << 20
"""Values of a range sort."""

MAX_ENUMERATED = 4096
"""Values of a sort whose values are enumerated (a quantifier, an array's index, an enum
with its versions)."""

MAX_TASKS = 32
"""Tasks of one ``thread … count N`` and of the whole spec."""
