"""Parsing one spec file into its syntax tree (lark, LALR(1))."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import lark
from lark import Token, Transformer, v_args

from explorer.lang import ast
from explorer.lang.errors import SpecError
from explorer.lang.limits import MAX_NESTING
from explorer.ir import Span

# How lark's terminal names read in an error message.
_TOKEN_TEXT = {
    "NAME": "a name", "INT": "a number", "STRING": "a string", "LBRACE": "'{'", "RBRACE": "'}'",
    "LPAR": "'('", "RPAR": "')'", "LSQB": "'['", "RSQB": "']'", "COLON": "':'", "SEMICOLON": "';'",
    "COMMA": "','", "EQUAL": "'='", "DOT": "'.'", "QMARK": "'?'", "CMP": "a comparison",
    "ADDOP": "'+' or '-'", "MINUS": "'-'", "BANG": "'!'", "AMPERSAND": "'&'", "REF": "'&'",
    "SCOPE": "'percpu' or 'task'", "IRQ_KIND": "'softirq' or 'hardirq'", "QUANT": "'forall' or 'exists'",
    "$END": "end of file", "__ANON_0": "'..'",
}


@lru_cache(maxsize=1)
def _parser() -> lark.Lark:
    grammar = resources.files("explorer.lang").joinpath("grammar.lark").read_text()
    return lark.Lark(grammar, parser="lalr", propagate_positions=True, maybe_placeholders=True)


def _expected_text(expected: set[str]) -> str:
    names = sorted({_TOKEN_TEXT.get(name, _keyword_text(name)) for name in expected})
    if len(names) > 8:
        names = names[:8] + ["…"]
    return ", ".join(names)


def _keyword_text(terminal: str) -> str:
    parser = _parser()
    for term in parser.terminals:
        if term.name == terminal:
            pattern = term.pattern
            if isinstance(pattern, lark.lexer.PatternStr):
                return f"'{pattern.value}'"
    return terminal.lower()


def parse(text: str, filename: str) -> list[ast.Decl]:
    """Parse spec text; raise SpecError with the place and the expected tokens on error."""
    lines = text.splitlines()

    def line_at(line: int) -> str | None:
        return lines[line - 1] if 0 < line <= len(lines) else None

    try:
        tree = _parser().parse(text)
    except lark.UnexpectedToken as err:
        found = "end of file" if err.token.type == "$END" else repr(str(err.token))
        line = err.line if err.line and err.line > 0 else len(lines)
        column = err.column if err.column and err.column > 0 else 1
        raise SpecError(
            f"unexpected {found}; expected {_expected_text(set(err.expected))}",
            Span(filename, line, column), line_at(line),
        ) from None
    except lark.UnexpectedCharacters as err:
        raise SpecError(
            f"unexpected character {text[err.pos_in_stream]!r}",
            Span(filename, err.line, err.column), line_at(err.line),
        ) from None
    except lark.UnexpectedEOF as err:
        raise SpecError(
            f"unexpected end of file; expected {_expected_text(set(err.expected))}",
            Span(filename, max(len(lines), 1), 1), line_at(len(lines)),
        ) from None
    _check_nesting(tree, filename, line_at)
    return _ToAst(filename, lines).transform(tree)


def _check_nesting(tree: lark.Tree, filename: str, line_at) -> None:
    """Refuse syntax nested deeper than ``MAX_NESTING`` before anything recurses on it."""
    stack = [(tree, 1)]
    while stack:
        node, level = stack.pop()
        if level > MAX_NESTING:
            meta = node.meta
            line, column = getattr(meta, "line", 1), getattr(meta, "column", 1)
            raise SpecError(f"nested more than {MAX_NESTING} levels deep (a chain of operators "
                            "counts one level each); split it with a def or a fn",
                            Span(filename, line, column), line_at(line))
        stack.extend((child, level + 1) for child in node.children if isinstance(child, lark.Tree))


def _strip(token: Token | None) -> str:
    return "" if token is None else str(token)[1:-1]


@v_args(meta=True, inline=True)
class _ToAst(Transformer):
    """Turns lark's parse tree into explorer.lang.ast nodes, each with its span."""

    def __init__(self, filename: str, lines: list[str]):
        super().__init__()
        self.filename = filename
        self.lines = lines

    def span(self, meta) -> Span:
        return Span(self.filename, getattr(meta, "line", 1), getattr(meta, "column", 1))

    def text(self, meta) -> str:
        """The source text a node covers, folded to one line, for property texts."""
        if getattr(meta, "empty", True):
            return ""
        if meta.line == meta.end_line:
            return self.lines[meta.line - 1][meta.column - 1:meta.end_column - 1]
        first = self.lines[meta.line - 1][meta.column - 1:]
        middle = self.lines[meta.line:meta.end_line - 1]
        last = self.lines[meta.end_line - 1][:meta.end_column - 1]
        return " ".join(part.strip() for part in [first, *middle, last])

    # declarations
    @v_args(inline=False)
    def start(self, decls):
        return list(decls)

    def include(self, meta, path):
        return ast.Include(_strip(path), self.span(meta))

    def remove_decl(self, meta, kind, name):
        return ast.Remove(kind, str(name), self.span(meta))

    def remove_kind(self, meta, token):
        return str(token)

    def extends(self, meta, path):
        return ast.Extends(_strip(path), self.span(meta))

    def enum_decl(self, meta, name, members, _keyword, versions):
        return ast.EnumDecl(str(name), tuple(members), self.span(meta), 1 if versions is None else int(versions))

    def param_decl(self, meta, name, sort, default):
        return ast.ParamDecl(str(name), sort, default, self.span(meta))

    def var_scope(self, meta, scope):
        return "global" if scope is None else str(scope)

    def scalar_type(self, meta, sort):
        return (None, sort)

    def array_type(self, meta, index, sort):
        return (index, sort)

    def var_decl(self, meta, scope, name, var_type, init):
        index, sort = var_type
        return ast.VarDecl(scope, str(name), index, sort, init, self.span(meta))

    def fn_param(self, meta, name, ref, sort):
        return ast.FnParam(str(name), sort, ref is not None, self.span(meta))

    def def_param(self, meta, name, sort):
        return ast.FnParam(str(name), sort, False, self.span(meta))

    @v_args(inline=False)
    def fn_params(self, params):
        return tuple(params)

    @v_args(inline=False)
    def def_params(self, params):
        return tuple(params)

    def fn_decl(self, meta, name, params, body):
        return ast.FnDecl(str(name), params or (), body, self.span(meta))

    def def_decl(self, meta, name, params, sort, body):
        return ast.DefDecl(str(name), params or (), sort, body, self.span(meta))

    def count(self, meta, value):
        return value

    @v_args(inline=False)
    def thread_inits(self, inits):
        return tuple(inits)

    def thread_init(self, meta, name, value):
        return (str(name), value, self.span(meta))

    def thread_decl(self, meta, scope, name, doc, count, inits, body):
        return ast.ThreadDecl(str(name), _strip(doc), count, inits or (), body, self.span(meta),
                              None if scope is None else str(scope))

    def handler_decl(self, meta, kind, name, doc, when, body):
        return ast.HandlerDecl(str(kind), str(name), _strip(doc), when, body, self.span(meta))

    def preempt_decl(self, meta, when):
        return ast.PreemptDecl(when, self.span(meta))

    def interrupt_decl(self, meta, kind, when):
        return ast.InterruptDecl(str(kind), when, self.span(meta))

    def always(self, meta, expr):
        return ("always", expr, self.text(meta))

    def never(self, meta, event):
        return ("never", event, self.text(meta))

    def property_decl(self, meta, name, doc, body):
        if body is None:
            return ast.PropertyDecl(str(name), _strip(doc), "assertions", None, self.span(meta))
        kind, expr, text = body
        return ast.PropertyDecl(str(name), _strip(doc), kind, expr, self.span(meta), text)

    def reach_state(self, meta, expr):
        return (expr, self.text(meta))

    def reach_event(self, meta, event):
        return (event, self.text(meta))

    def reach_decl(self, meta, name, doc, body):
        expr, text = body
        return ast.ReachDecl(str(name), _strip(doc), expr, self.span(meta), text)

    def event(self, meta, name, binders, when):
        return ast.Event(str(name), tuple(binders or ()), when, self.span(meta))

    @v_args(inline=False)
    def name_list(self, names):
        return tuple(str(n) for n in names)

    # sorts
    def named_sort(self, meta, name):
        return ast.NamedSort(str(name), self.span(meta))

    def option_sort(self, meta, name):
        return ast.OptionSort(str(name), self.span(meta))

    def bool_sort(self, meta):
        return ast.BoolSortRef(self.span(meta))

    def range_sort(self, meta, lo, hi):
        return ast.RangeSort(lo, hi, self.span(meta))

    def neg_int_lit(self, meta, value):
        return ast.IntLit(-int(value), self.span(meta))

    # statements
    @v_args(inline=False)
    def block(self, stmts):
        return tuple(stmts)

    def assign(self, meta, target, value):
        return ast.Assign(target, value, self.span(meta))

    def assert_stmt(self, meta, prop, cond):
        return ast.Assert(None if prop is None else str(prop), cond, self.span(meta))

    def let_stmt(self, meta, name, sort, value):
        return ast.Let(str(name), sort, value, self.span(meta))

    def assume_stmt(self, meta, cond):
        return ast.Assume(cond, self.span(meta))

    def skip_stmt(self, meta):
        return ast.Skip(self.span(meta))

    def return_stmt(self, meta):
        return ast.Return(self.span(meta))

    def break_stmt(self, meta):
        return ast.Break(self.span(meta))

    def continue_stmt(self, meta):
        return ast.Continue(self.span(meta))

    def call_stmt(self, meta, name, args):
        return ast.CallStmt(str(name), args or (), self.span(meta))

    def if_stmt(self, meta, cond, then, else_part):
        if else_part is None:
            else_ = ()
        elif isinstance(else_part, ast.If):
            else_ = (else_part,)
        else:
            else_ = else_part
        return ast.If(cond, then, else_, self.span(meta))

    def while_stmt(self, meta, cond, body):
        return ast.While(cond, body, self.span(meta))

    def loop_stmt(self, meta, body):
        return ast.While(ast.BoolLit(True, self.span(meta)), body, self.span(meta))

    @v_args(meta=True, inline=False)
    def either_stmt(self, meta, branches):
        return ast.Either(tuple(branches), self.span(meta))

    def atomic_stmt(self, meta, body):
        return ast.Atomic(body, self.span(meta))

    def user_stmt(self, meta, body):
        return ast.User(body, self.span(meta))

    def labelled_stmt(self, meta, label, body):
        return ast.Labelled(str(label), body, self.span(meta))

    @v_args(inline=False)
    def args(self, args):
        return tuple(args)

    # expressions
    def name_ref(self, meta, name):
        return ast.Name(str(name), self.span(meta))

    def int_lit(self, meta, value):
        return ast.IntLit(int(value), self.span(meta))

    def versioned_lit(self, meta, name, version):
        return ast.Versioned(str(name), int(version), self.span(meta))

    def true_lit(self, meta):
        return ast.BoolLit(True, self.span(meta))

    def false_lit(self, meta):
        return ast.BoolLit(False, self.span(meta))

    def index(self, meta, base, index):
        return ast.Index(base, index, self.span(meta))

    def field(self, meta, base, name):
        return ast.Field(base, str(name), self.span(meta))

    def call_expr(self, meta, name, args):
        return ast.Call(str(name), args or (), self.span(meta))

    def cond_expr(self, meta, cond, then, else_):
        return ast.Cond(cond, then, else_, self.span(meta))

    def or_op(self, meta, left, right):
        return ast.Binary("||", left, right, self.span(meta))

    def implies_op(self, meta, left, right):
        return ast.Binary("==>", left, right, self.span(meta))

    def and_op(self, meta, left, right):
        return ast.Binary("&&", left, right, self.span(meta))

    def not_op(self, meta, arg):
        return ast.Unary("!", arg, self.span(meta))

    def cmp_op(self, meta, left, op, right):
        return ast.Binary(str(op), left, right, self.span(meta))

    def arith_op(self, meta, left, op, right):
        return ast.Binary(str(op), left, right, self.span(meta))

    def in_op(self, meta, elem, members):
        return ast.InSet(elem, members, self.span(meta))

    def is_op(self, meta, left, right):
        return ast.Is(left, right, self.span(meta))

    def at_op(self, meta, task, region):
        return ast.At(task, str(region), self.span(meta))

    def at_place(self, meta, task, place):
        return ast.At(task, "", self.span(meta), (str(place)[1:-1],))

    def at_places(self, meta, task, *places):
        return ast.At(task, "", self.span(meta), tuple(str(p)[1:-1] for p in places))

    def quantifier(self, meta, quant, var, sort, body):
        return ast.Quantifier(str(quant), str(var), sort, body, self.span(meta))
