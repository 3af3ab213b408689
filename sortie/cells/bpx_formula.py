"""Safety of BPX formulas: a formula is only numbers, ``x``, ``exp``/``tanh``/``cosh``,
``+ - * / **`` and parentheses, checked on its syntax tree without executing it.

Used by :mod:`sortie.cells.bpx_import` before any BPX tool sees a document, and by
:mod:`sortie.cells.bpx_cell` to evaluate OCP formulas safely.
"""

from __future__ import annotations

import ast
import math
import operator
import re
from collections.abc import Callable
from typing import Any

from sortie.errors import InputError

MAX_FORMULA_CHARS = 2_000

# A 40-term OCP fit written as a flat sum nests about 40 deep; 100 leaves room.
MAX_FORMULA_DEPTH = 100

# Integer constants above 2**1024 cannot become floats (PyBaMM converts them), and bounding
# them stops "9**9**9"-style formulas from eating the CPU in whichever process evaluates them.
MAX_INTEGER_BITS = 1_024

MAX_MESSAGE_CHARS = 400

# BPX 1.x functions have one argument, ``x`` (stoichiometry for OCP and particle diffusivity,
# electrolyte concentration in mol/m3 for electrolyte transport); see bpx.Function. Temperature
# enters through the activation energies, never through a formula. The functions are the ones
# both executors define: bpx's preamble "from math import exp, tanh, cosh" and PyBaMM's
# "from pybamm import exp, tanh, cosh" (pybamm/parameters/bpx.py). Any other name would fail
# there with NameError, so it is rejected here with a clear message instead.
FORMULA_VARIABLES = frozenset({"x"})

FORMULA_FUNCTIONS = frozenset({"exp", "tanh", "cosh"})

ALLOWED_NAMES = FORMULA_VARIABLES | FORMULA_FUNCTIONS

_FORMULA_CHARACTER = re.compile(r"[0-9A-Za-z.+\-*/(), \t]")

_FUNCTIONS: dict[str, Callable[[float], float]] = {
    "exp": math.exp,
    "tanh": math.tanh,
    "cosh": math.cosh,
}

_BINARY_OPERATORS: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Pow: operator.pow,
}

_UNARY_OPERATORS: dict[type[ast.unaryop], Callable[[Any], Any]] = {
    ast.UAdd: operator.pos,
    ast.USub: operator.neg,
}

_NODE_DESCRIPTIONS: dict[type[ast.AST], str] = {
    ast.Lambda: "'lambda'",
    ast.Compare: "comparisons",
    ast.BoolOp: "'and'/'or'",
    ast.IfExp: "'if ... else'",
    ast.ListComp: "comprehensions",
    ast.SetComp: "comprehensions",
    ast.DictComp: "comprehensions",
    ast.GeneratorExp: "comprehensions",
    ast.Tuple: "tuples",
    ast.List: "lists",
    ast.Set: "sets",
    ast.Dict: "dicts",
    ast.Starred: "'*' unpacking",
    ast.NamedExpr: "':='",
    ast.JoinedStr: "f-strings",
    ast.Await: "'await'",
    ast.Yield: "'yield'",
    ast.YieldFrom: "'yield'",
    ast.Slice: "slices",
}


class BpxError(InputError):
    """A BPX file that cannot be used: unreadable, invalid, unsafe or too slow to parse.

    The message is one line and (from :func:`read_bpx`) starts with the file name."""


def check_formula(text: str, context: str) -> None:
    """Raise :class:`BpxError` ``"{context}: {problem}"`` unless ``text`` is plain arithmetic.

    Allowed: int and float literals, the variable ``x``, one-argument calls of ``exp``, ``tanh``
    and ``cosh``, unary ``+ -``, binary ``+ - * / **``, parentheses, spaces and tabs; at most
    :data:`MAX_FORMULA_CHARS` characters and :data:`MAX_FORMULA_DEPTH` levels. That is the BPX
    grammar (``bpx.ExpressionParser``) minus unknown function names. Comparisons, ``//`` and
    ``%`` are rejected: the BPX grammar has none of them. Sub-expressions without ``x`` are
    evaluated here (by this module, on numbers only) and rejected if they overflow, divide by
    zero, turn complex or build an integer above 2**1024, so no later evaluation can hang.
    Nothing in ``text`` is executed.
    """
    if not isinstance(text, str):
        raise BpxError(f"{context}: a formula must be text")
    if len(text) > MAX_FORMULA_CHARS:
        raise BpxError(
            f"{context}: formula is {len(text):,} characters long; the limit is "
            f"{MAX_FORMULA_CHARS:,}"
        )
    if not text.strip():
        raise BpxError(f"{context}: formula is empty")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as error:
        raise BpxError(
            f"{context}: not a valid formula ({_one_line(str(error.msg), 80)}, "
            f"column {error.offset})"
        ) from None
    except (ValueError, RecursionError, MemoryError) as error:
        raise BpxError(f"{context}: not a valid formula ({type(error).__name__})") from None
    _checked_value(tree.body, text, context, depth=0)
    # Last line of defence, for what the syntax tree does not show (comments, line breaks,
    # backslashes): PyBaMM pastes the text into generated source code.
    for character in text:
        if not _FORMULA_CHARACTER.fullmatch(character):
            raise BpxError(f"{context}: character {character!r} is not allowed in a formula")


def _checked_value(node: ast.AST, text: str, context: str, depth: int) -> float | int | None:
    """Check one node; return its value when it holds no ``x`` (a constant), else ``None``."""
    if depth > MAX_FORMULA_DEPTH:
        raise BpxError(f"{context}: formula is nested more than {MAX_FORMULA_DEPTH} levels deep")
    match node:
        case ast.Constant(value=value):
            if isinstance(value, bool) or not isinstance(value, int | float):
                shown = _one_line(repr(value), 40)
                raise BpxError(f"{context}: constant {shown} is not allowed (numbers only)")
            return _checked_number(value, text, node, context)
        case ast.Name(id=name):
            if name in FORMULA_VARIABLES:
                return None
            if name in FORMULA_FUNCTIONS:
                raise BpxError(f"{context}: function '{name}' must be called, e.g. {name}(x)")
            raise BpxError(f"{context}: {_name_not_allowed(name)}")
        case ast.UnaryOp(op=unary, operand=operand) if type(unary) in _UNARY_OPERATORS:
            value = _checked_value(operand, text, context, depth + 1)
            if value is None:
                return None
            return _checked_number(_UNARY_OPERATORS[type(unary)](value), text, node, context)
        case ast.BinOp(left=left, op=binary, right=right) if type(binary) in _BINARY_OPERATORS:
            left_value = _checked_value(left, text, context, depth + 1)
            right_value = _checked_value(right, text, context, depth + 1)
            if left_value is None or right_value is None:
                return None
            return _evaluate_binary(binary, left_value, right_value, text, node, context)
        case ast.Call(func=ast.Name(id=name), args=args, keywords=keywords):
            return _checked_call(name, args, keywords, text, node, context, depth)
        case ast.Call(func=function):
            # Name the inner problem first (e.g. the attribute in "__import__('os').system()").
            _checked_value(function, text, context, depth + 1)
            raise BpxError(
                f"{context}: only calls of {_function_list()} are allowed, not "
                f"{_segment(text, node)!r}"
            )
        case ast.Attribute(attr=attribute):
            raise BpxError(f"{context}: attribute access '.{attribute}' is not allowed")
        case ast.Subscript():
            raise BpxError(f"{context}: subscripts '[...]' are not allowed")
        case ast.BinOp() | ast.UnaryOp():
            raise BpxError(
                f"{context}: operator in {_segment(text, node)!r} is not allowed "
                "(only + - * / ** are)"
            )
        case _:
            description = _NODE_DESCRIPTIONS.get(type(node), f"'{type(node).__name__}'")
            raise BpxError(
                f"{context}: {description} not allowed in a formula: {_segment(text, node)!r}"
            )


def _checked_call(
    name: str,
    args: list[ast.expr],
    keywords: list[ast.keyword],
    text: str,
    node: ast.AST,
    context: str,
    depth: int,
) -> float | None:
    """A call of a bare name: only the allowed functions, with one positional argument."""
    if name not in FORMULA_FUNCTIONS:
        raise BpxError(f"{context}: {_name_not_allowed(name)}")
    if keywords or len(args) != 1 or isinstance(args[0], ast.Starred):
        raise BpxError(f"{context}: {name}() takes exactly one positional argument")
    value = _checked_value(args[0], text, context, depth + 1)
    if value is None:
        return None
    try:
        result = _FUNCTIONS[name](value)
    except (OverflowError, ValueError):
        raise BpxError(
            f"{context}: {_segment(text, node)!r} overflows (it cannot be evaluated)"
        ) from None
    return _checked_number(result, text, node, context)


def _evaluate_binary(
    binary: ast.operator, left: float, right: float, text: str, node: ast.AST, context: str
) -> float | int:
    """Evaluate a constant binary operation, refusing integer powers that would be huge."""
    if (
        isinstance(binary, ast.Pow)
        and isinstance(left, int)
        and isinstance(right, int)
        and right > 0
        and abs(left) > 1
        and right * math.log2(abs(left)) > MAX_INTEGER_BITS
    ):
        raise BpxError(f"{context}: integer power {_segment(text, node)!r} is too large")
    try:
        result = _BINARY_OPERATORS[type(binary)](left, right)
    except (OverflowError, ZeroDivisionError, ValueError) as error:
        raise BpxError(
            f"{context}: {_segment(text, node)!r} cannot be evaluated ({error})"
        ) from None
    return _checked_number(result, text, node, context)


def _checked_number(value: Any, text: str, node: ast.AST, context: str) -> float | int:
    """A constant's value if it is a finite real number of sensible size."""
    if isinstance(value, complex):
        raise BpxError(f"{context}: {_segment(text, node)!r} is a complex number")
    if isinstance(value, float) and not math.isfinite(value):
        raise BpxError(f"{context}: {_segment(text, node)!r} is not a finite number")
    if isinstance(value, int) and value.bit_length() > MAX_INTEGER_BITS:
        raise BpxError(f"{context}: number {_segment(text, node)!r} is too large")
    return value


def _name_not_allowed(name: str) -> str:
    return (
        f"name {_one_line(name, 40)!r} is not allowed (formulas may use x and {_function_list()})"
    )


def _function_list() -> str:
    return ", ".join(sorted(FORMULA_FUNCTIONS))


def _segment(text: str, node: ast.AST) -> str:
    """The source text of ``node``, on one line and shortened."""
    return _one_line(ast.get_source_segment(text.strip(), node) or "", 60)


def _one_line(text: str, limit: int = MAX_MESSAGE_CHARS) -> str:
    """Whitespace and control characters collapsed to single spaces, cut to ``limit``."""
    printable = "".join(character if character.isprintable() else " " for character in text)
    flat = " ".join(printable.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
