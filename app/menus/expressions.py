"""Conditions and templates in definitions, evaluated only in Jinja2's sandbox (never `eval`).

Designers may write XLSForm's spelling: `.` for the answer being checked and `${name}` for
another answer; both are rewritten once, at load time, to `value` and `name`.
"""

import logging
import re
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from typing import Any

from jinja2 import ChainableUndefined, TemplateError, Undefined, nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment

from app.money import amount_text

log = logging.getLogger(__name__)

# Names every expression may use besides question ids.
BUILTIN_NAMES = frozenset({"customer", "today", "now", "value", "choice", "language", "currency"})

_DOLLAR_REF = re.compile(r"\$\{([a-z][a-z0-9_]*)\}")
# A lone `.` (XLSForm's "this answer"): not part of a number, attribute or `..`.
_SELF_REF = re.compile(r"(?<![\w.\])'\"])\.(?![\w.])")


def _make_env() -> ImmutableSandboxedEnvironment:
    # A question not answered yet (skipped, or on another branch) is undefined: falsy,
    # renders empty, and `a.b` on it stays undefined instead of failing the hop.
    # An optional question left empty (None) renders as nothing, not "None".
    env = ImmutableSandboxedEnvironment(
        autoescape=False,
        undefined=ChainableUndefined,
        finalize=lambda value: "" if value is None else value,
    )
    env.filters["money"] = amount_text  # {{ currency }} {{ amount|money }}: "KES 150,000"
    return env


ENV = _make_env()


def xlsform_to_jinja(source: str) -> str:
    """Rewrite XLSForm references (`.`, `${name}`) and operators (`=`, `!=` kept) to Jinja.

    `=` alone is XLSForm's equality; it becomes `==` (`<=`, `>=`, `!=`, `==` are kept).
    """
    source = _DOLLAR_REF.sub(r"\1", source)
    source = _SELF_REF.sub("value", source)
    return re.sub(r"(?<![=!<>])=(?!=)", "==", source)


def _names(tree: nodes.Template) -> set[str]:
    """Names a template or expression reads that it does not set itself (loop variables,
    `set`): a walk of the parse tree, much cheaper than `jinja2.meta`'s code generation."""
    read, bound = set(), set()
    for name in tree.find_all(nodes.Name):
        (read if name.ctx == "load" else bound).add(name.name)
    return read - bound


class Expression:
    """A compiled condition or calculation: `Expression("acres > 10")(context) -> Any`.

    Raises:
        TemplateError: at compile time, when the source is not a valid expression.
    """

    __slots__ = ("source", "names", "_compiled")

    def __init__(self, source: str) -> None:
        self.source = xlsform_to_jinja(source)
        self.names = _expression_names(self.source)  # parsing checks the syntax
        self._compiled: Callable[..., Any] | None = None

    @property
    def _fn(self) -> Callable[..., Any]:
        # Compiled on first use: checking a definition needs only the parse.
        if self._compiled is None:
            self._compiled = _compiled_expression(self.source)
        return self._compiled

    def __call__(self, context: Mapping[str, Any]) -> Any:
        """The value; a name with no answer (skipped, or no such level) gives None."""
        value = self._fn(context)
        return None if isinstance(value, Undefined) else value

    def test(self, context: Mapping[str, Any]) -> bool:
        """Evaluate as a condition; an answer not given yet or a type mismatch is False."""
        try:
            return bool(self._fn(context))
        except (TemplateError, TypeError, ValueError, ArithmeticError) as err:
            log.debug("condition %r is false: %s", self.source, err)
            return False


class Template:
    """A compiled label or message: `Template("Hi {{ customer.name }}").render(context)`."""

    __slots__ = ("source", "names", "_compiled", "_static")

    def __init__(self, source: str) -> None:
        self.source = source
        self._static = "{" not in source
        self.names: frozenset[str] = frozenset() if self._static else _template_names(source)
        self._compiled = None

    @property
    def _template(self) -> Any:
        if self._compiled is None:  # compiled on first render
            self._compiled = _compiled_template(self.source)
        return self._compiled

    def render(self, context: Mapping[str, Any]) -> str:
        """Render; a name with no answer yet renders as empty.

        Raises:
            TemplateError / TypeError: the template misuses a value (a definition bug,
                answered at the boundary with a polite END).
        """
        if self._static:
            return self.source
        return self._template.render(context)


# Parsing and compiling are pure functions of the source (compiling costs ~5 ms); every app
# in a process (and every reload) reads the same labels and conditions again.
@lru_cache(maxsize=8192)
def _expression_names(source: str) -> frozenset[str]:
    return frozenset(_names(ENV.parse("{{ " + source + " }}")))


@lru_cache(maxsize=8192)
def _compiled_expression(source: str) -> Callable[..., Any]:
    return ENV.compile_expression(source, undefined_to_none=False)


@lru_cache(maxsize=8192)
def _template_names(source: str) -> frozenset[str]:
    return frozenset(_names(ENV.parse(source)))


@lru_cache(maxsize=8192)
def _compiled_template(source: str) -> Any:
    return ENV.from_string(source)


_NUMERIC = (nodes.Add, nodes.Sub, nodes.Mul, nodes.Div, nodes.FloorDiv, nodes.Mod, nodes.Pow)
_NUMERIC_FILTERS = frozenset({"int", "float", "round", "abs", "sum", "length", "count"})


def is_numeric(source: str) -> bool:
    """Whether an expression's value is a number by its form: arithmetic (`price * bags`),
    a number, a numeric filter (`|int`, `|length`), or `a or b` / `a if c else b` with
    numeric sides. Used where a value's type must be declared (FLOIP exports)."""
    try:
        tree = ENV.parse("{{ " + xlsform_to_jinja(source) + " }}")
    except TemplateError:
        return False
    return _numeric_node(tree.body[0].nodes[0])


def _numeric_node(node: nodes.Node) -> bool:
    if isinstance(node, (*_NUMERIC, nodes.Neg, nodes.Pos)):
        return True
    if isinstance(node, nodes.Const):
        return isinstance(node.value, int | float) and not isinstance(node.value, bool)
    if isinstance(node, nodes.Filter):
        return node.name in _NUMERIC_FILTERS
    if isinstance(node, nodes.Or | nodes.And):
        return _numeric_node(node.left) and _numeric_node(node.right)
    if isinstance(node, nodes.CondExpr):
        return _numeric_node(node.expr1) and (node.expr2 is None or _numeric_node(node.expr2))
    return False


def unknown_names(compiled: Iterable[Expression | Template], known: set[str]) -> set[str]:
    """Names used by `compiled` that are neither question ids nor built-ins."""
    used: set[str] = set()
    for item in compiled:
        used |= item.names
    return used - known - BUILTIN_NAMES


def compile_or_problem(
    factory: Callable[[str], Any], text: str | None, problems: list, source: Any, loc: tuple
) -> Any:
    """Compile `text` with `factory`; on error append `source.problem(loc, message)` (a
    loader Problem) to `problems` and return None."""
    if text is None:
        return None
    try:
        return factory(text)
    except TemplateError as err:
        problems.append(source.problem(loc, err.message or str(err)))
        return None
