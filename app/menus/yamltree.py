"""YAML text -> plain dicts, lists and scalars that remember where each key and item was.

libyaml (PyYAML's C parser, `CSafeLoader`) builds the node graph: no tags, no objects,
and ~15x faster than a pure-Python round-trip parser. Scalars are resolved here with the
YAML 1.2 core schema (`yes` and `on` stay text, `2026-01-01` stays text), the rules the
definition files were written for. Parser errors are reworded for survey designers.
"""

import math
import re
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_STANDARD_TAG = "tag:yaml.org,2002:"
_NULL = re.compile(r"~|null|Null|NULL|")
_TRUE, _FALSE = frozenset({"true", "True", "TRUE"}), frozenset({"false", "False", "FALSE"})
_INT = re.compile(r"[-+]?[0-9]+")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")
# Text in YAML 1.2, but a boolean to YAML 1.1 tools (PyYAML, many editors' plugins).
YAML11_BOOLEANS = frozenset(
    word
    for base in ("y", "yes", "n", "no", "on", "off")
    for word in (base, base.capitalize(), base.upper())
)


class YamlProblem(Exception):
    """The text is not YAML a definition can be read from; `line`/`column` are 1-based."""

    def __init__(self, line: int, column: int, message: str) -> None:
        super().__init__(message)
        self.line, self.column, self.message = line, column, message


@dataclass(frozen=True)
class Mark:
    """Where a key or item starts (1-based), and whether it was a plain (unquoted) scalar."""

    line: int
    column: int
    plain_text: str | None = None  # the scalar as written, when plain


class MarkedMap(dict):
    """A mapping whose `key_marks` / `value_marks` say where each key and value were."""

    key_marks: dict[Any, Mark]
    value_marks: dict[Any, Mark]


class MarkedList(list):
    """A sequence whose `marks[i]` says where item i was."""

    marks: list[Mark]


def load(text: str) -> Any:
    """Parse one YAML document into MarkedMap / MarkedList / scalars.

    Raises:
        YamlProblem: a syntax error (reworded), a duplicate key, or a tag.
    """
    try:
        node = yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as err:
        raise _reworded(err, text) from err
    except yaml.YAMLError as err:
        raise YamlProblem(1, 1, str(err)) from err
    return None if node is None else _Builder().build(node)


def _mark(node: Node) -> Mark:
    plain = node.value if isinstance(node, ScalarNode) and not node.style else None
    return Mark(node.start_mark.line + 1, node.start_mark.column + 1, plain)


class _Builder:
    def __init__(self) -> None:
        self.built: dict[int, Any] = {}  # anchors: one node, one value

    def build(self, node: Node) -> Any:
        if id(node) in self.built:
            return self.built[id(node)]
        if not node.tag.startswith(_STANDARD_TAG):
            mark = _mark(node)
            raise YamlProblem(mark.line, mark.column, f"tag {node.tag!r} is not allowed")
        if isinstance(node, ScalarNode):
            return _scalar(node)
        if isinstance(node, SequenceNode):
            items = self.built[id(node)] = MarkedList()
            items.marks = [_mark(child) for child in node.value]
            items.extend(self.build(child) for child in node.value)
            return items
        return self.mapping(node)

    def mapping(self, node: MappingNode) -> MarkedMap:
        mapping = self.built[id(node)] = MarkedMap()
        mapping.key_marks, mapping.value_marks = {}, {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                self.merge(mapping, value_node)
                continue
            key = self.build(key_node)
            if isinstance(key, dict | list):
                mark = _mark(key_node)
                raise YamlProblem(mark.line, mark.column, "a key must be a plain name")
            if key in mapping and key in mapping.key_marks:
                mark, first = _mark(key_node), mapping.key_marks[key]
                raise YamlProblem(
                    mark.line, mark.column, f"{key!r} appears twice (first on line {first.line})"
                )
            mapping[key] = self.build(value_node)
            mapping.key_marks[key], mapping.value_marks[key] = _mark(key_node), _mark(value_node)
        return mapping

    def merge(self, mapping: MarkedMap, node: Node) -> None:
        """`<<: *base` (or a list of them): keys not given here come from the base."""
        for source in node.value if isinstance(node, SequenceNode) else [node]:
            base = self.build(source)
            if not isinstance(base, MarkedMap):
                mark = _mark(source)
                raise YamlProblem(mark.line, mark.column, "`<<` merges only mappings")
            for key, value in base.items():
                mapping.setdefault(key, value)
                mapping.value_marks.setdefault(key, base.value_marks[key])


def _scalar(node: ScalarNode) -> Any:
    """YAML 1.2 core schema for plain scalars; quoted and block scalars are text."""
    value = node.value
    if node.style:  # quoted or block: text ("" or None is plain)
        return value
    if _NULL.fullmatch(value):
        return None
    if value in _TRUE or value in _FALSE:
        return value in _TRUE
    if _INT.fullmatch(value):
        return int(value)
    if _FLOAT.fullmatch(value):
        return float(value)
    if value.lower() in {".inf", "+.inf", "-.inf", ".nan"}:
        return -math.inf if value.startswith("-") else math.nan if "nan" in value else math.inf
    return value


# libyaml's words for the mistakes designers make, and what to say instead.
_INDENTATION = (
    "mapping values are not allowed",
    "did not find expected key",
    "did not find expected '-' indicator",
    "expected <block end>",
    "could not find expected ':'",
    "did not find expected node content",
)


def _indent(line: str) -> str:
    return line[: len(line) - len(line.lstrip(" \t"))]


def _reworded(err: yaml.MarkedYAMLError, text: str) -> YamlProblem:
    mark = err.problem_mark or err.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    problem = err.problem or str(err)
    lines = text.splitlines()
    tabbed = next((n for n, text in enumerate(lines, 1) if "\t" in _indent(text)), None)
    if tabbed is not None and tabbed <= line + 1:
        return YamlProblem(tabbed, 1, "indent with spaces, not tabs")
    if "expected ',' or '}'" in problem or "expected ',' or ']'" in problem:
        opened = err.context_mark.line + 1 if err.context_mark else line
        return YamlProblem(
            line,
            column,
            f"a `{{…}}` or `[…]` opened on line {opened} is not closed: check for "
            "a missing comma or bracket (or quote a text that contains one)",
        )
    if "mapping values are not allowed" in problem:
        return YamlProblem(
            line,
            column,
            f"check the indentation of line {line} (a `key:` cannot follow a value on the same "
            "level), or quote a text that contains ': '",
        )
    if any(words in problem for words in _INDENTATION):
        return YamlProblem(
            line,
            column,
            f"check the indentation of line {line}: it lines up with no key above it",
        )
    if "found unexpected end of stream" in problem or "unexpected end" in problem:
        message = f"a quote or bracket opened before line {line} is not closed"
        return YamlProblem(line, column, message)
    return YamlProblem(line, column, problem)
