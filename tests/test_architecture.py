"""The layout is the data flow (ARCHITECTURE.md): layers import only what is below them,
no module imports itself back, and no module or class outgrows one reading."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).parents[1] / "explorer"

# What each layer may import (besides itself and the standard library); None: anything.
ALLOWED = {
    "verdict": set(),
    "ir": set(),
    "lang": {"ir"},
    "semantics": {"ir", "verdict"},
    "smt": {"ir"},
    "export": {"ir"},
    "engines": {"ir", "semantics", "smt", "export", "verdict"},
    "trust": {"ir", "semantics", "smt", "engines", "verdict"},
    "report": {"verdict"},
    "app": {"ir", "lang", "semantics", "smt", "export", "engines", "trust", "report", "verdict"},
    "cli": {"app", "report", "verdict"},
}
THIRD_PARTY = {
    "z3": {"smt", "engines", "trust"},
    "typer": {"cli"},
    "lark": {"lang"},
    "tabulate": {"report"},
}
LOOSE_MODULES = {"__init__.py", "__main__.py", "verdict.py"}


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


def _imports(path: Path, module: str) -> set[str]:
    """Every module ``path`` imports, at any depth (function-level imports included)."""
    tree = ast.parse(path.read_text())
    found = set()
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def _layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def test_layers_import_only_what_is_below_them():
    modules = _modules()
    wrong = []
    for module, path in modules.items():
        layer = _layer(module)
        if layer in ("", "__main__"):
            continue
        for name in _imports(path, module):
            top = name.split(".")[0]
            if top == "explorer" and name in modules:
                other = _layer(name)
                if other and other != layer and other not in ALLOWED[layer]:
                    wrong.append(f"{module} imports {name}")
            elif top in THIRD_PARTY and layer not in THIRD_PARTY[top]:
                wrong.append(f"{module} imports {top}")
    assert not wrong, "\n".join(wrong)


def test_no_import_cycles():
    modules = _modules()
    graph = {m: {n for n in _imports(p, m) if n in modules and n != m} for m, p in modules.items()}
    # a package's __init__ importing its own submodules is how packages export: not a cycle
    for m in graph:
        graph[m] = {n for n in graph[m] if not n.startswith(m + ".")}
    state: dict[str, int] = {}
    cycles = []

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append(" -> ".join(stack[stack.index(nxt):] + [nxt]))
            elif nxt not in state:
                visit(nxt, stack + [nxt])
        state[node] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert not cycles, "\n".join(cycles)


def test_sizes():
    too_big = []
    for path in PACKAGE.rglob("*.py"):
        text = path.read_text()
        if text.count("\n") > 600:
            too_big.append(f"{path}: {text.count(chr(10))} lines")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.ClassDef) and node.end_lineno - node.lineno + 1 > 300:
                too_big.append(f"{path}: class {node.name}, {node.end_lineno - node.lineno + 1} lines")
    assert not too_big, "\n".join(too_big)


def test_at_most_three_loose_modules():
    loose = {p.name for p in PACKAGE.glob("*.py")}
    assert loose <= LOOSE_MODULES, loose - LOOSE_MODULES
