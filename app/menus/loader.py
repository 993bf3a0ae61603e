"""Read definition files with line and column marks, and check them against the schema.

Every problem is a `Problem`, printed `file:line:column: field: message`, where line and
column are those of the field itself (the value, for a scalar). A schema error does not
hide the other checks: the offending field is set aside (or its nearest valid spelling
used) and the definition is checked on, so every problem is reported at once.
"""

import difflib
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from app.menus.schema import SPEC_VERSION, DefinitionDef, QuestionDef
from app.menus.yamltree import MarkedList, MarkedMap, YamlProblem, load

Loc = tuple[Any, ...]


@dataclass(frozen=True, order=True)
class Problem:
    """One mistake in a definition file; `str()` gives `file:line:column: field: message`."""

    path: Path
    line: int
    column: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.field}: {self.message}"


def suggest(name: Any, known: Iterable[str]) -> str:
    """` (did you mean 'bags'?)` for the nearest known name, or "" when none is near."""
    close = difflib.get_close_matches(str(name), sorted(set(known)), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


@dataclass(frozen=True)
class Source:
    """Where a definition came from: its path, parsed tree (with marks) and version.

    `version` is the first 12 hex digits of the SHA-256 of the file's bytes.
    """

    path: Path
    tree: Any
    version: str
    text: str

    def position(self, loc: Loc) -> tuple[int, int]:
        """1-based (line, column) of the field at `loc`, e.g. ("questions", 3, "next"): of
        its value when that is a scalar, else of its key; the nearest enclosing field that
        exists when `loc` goes further than the file."""
        node, mark = self.tree, None
        for key in loc:
            if isinstance(node, MarkedMap) and key in node.key_marks:
                child = node[key]
                scalar = not isinstance(child, dict | list)
                mark = node.value_marks[key] if scalar else node.key_marks[key]
            elif isinstance(node, MarkedList) and isinstance(key, int) and 0 <= key < len(node):
                child, mark = node[key], node.marks[key]
            else:
                break
            node = child
        return (mark.line, mark.column) if mark else (1, 1)

    def field(self, loc: Loc) -> str:
        """A readable field path: questions named by `id` and choices by `value` where they
        have one (questions.crop.choices.maize.goto rather than questions.3.choices.0.goto)."""
        parts, node = [], self.tree
        for part in loc:
            child = _child(node, part)
            name = next(
                (child[key] for key in ("id", "value") if isinstance(child, dict) and key in child),
                None,
            )
            if isinstance(part, int) and isinstance(name, str | int):
                parts.append(str(name))
            else:
                parts.append(str(part))
            node = child
        return ".".join(parts) or "(file)"

    def problem(self, loc: Loc, message: str, field: str | None = None) -> Problem:
        """A Problem at `loc` (its field path spelled by `field` when given)."""
        line, column = self.position(loc)
        return Problem(self.path, line, column, field or self.field(loc), message)

    def where(self, loc: Loc, field: str | None = None) -> str:
        """`file:line:column: field` for `loc`."""
        line, column = self.position(loc)
        return f"{self.path}:{line}:{column}: {field or self.field(loc)}"


def _child(node: Any, part: Any) -> Any:
    if isinstance(node, dict):
        return node.get(part)
    if isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
        return node[part]
    return None


def read_source(path: Path) -> tuple[Source | None, list[Problem]]:
    """Parse one YAML file safely (no tags, no objects) keeping line marks."""
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as err:
        return None, [Problem(path, 1, 1, "(file)", f"not UTF-8 ({err.reason})")]
    return parse_source(text, path)


def version_of(text: str) -> str:
    """A definition's version: the first 12 hex digits of the SHA-256 of its UTF-8 text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


@lru_cache(maxsize=64)
def parse_source(text: str, path: Path) -> tuple[Source | None, list[Problem]]:
    """Parse definition text (from a file, or a stored older version) keeping line marks.

    Memoised per (text, path): every app in a process (tests, workers after a reload)
    parses the same files. The tree is never mutated (`parse_definition` copies it).
    """
    try:
        tree = load(text)
    except YamlProblem as err:
        return None, [Problem(path, err.line, err.column, "(yaml)", err.message)]
    if not isinstance(tree, MarkedMap):
        return None, [Problem(path, 1, 1, "(file)", "a definition must be a mapping (key: value)")]
    return Source(path, tree, version_of(text), text), []


def parse_definition(source: Source) -> tuple[DefinitionDef | None, list[Problem]]:
    """Validate a parsed file against the schema.

    Returns:
        (definition, problems). With schema problems the definition is a repaired copy
        (fields in error set aside) so later checks can still run: usable for checking
        only, never for serving. None when nothing could be repaired.
    """
    data = _plain(source.tree)
    data.setdefault("id", source.path.stem)
    spec = data.get("spec_version", SPEC_VERSION)
    if spec != SPEC_VERSION:
        return None, [source.problem(("spec_version",), f"unsupported version {spec!r}")]
    problems: list[Problem] = []
    for _attempt in range(50):
        try:
            return DefinitionDef.model_validate(data), problems
        except ValidationError as err:
            errors = _deepest(err.errors())
        reported = {(p.line, p.column, p.field) for p in problems}
        for error in errors:
            loc = tuple(part for part in error["loc"] if not _is_union_tag(part))
            problem = _describe(source, data, loc, error)
            if (problem.line, problem.column, problem.field) not in reported:
                problems.append(problem)
        if not _repair(data, errors):
            return None, problems
    return None, problems


def _deepest(errors: list[dict]) -> list[dict]:
    """Drop a union branch's error when another branch's error is deeper in the same field
    (`label: {en: Hi, min: 1}` is a bad language entry, not "should be a string")."""
    locs = [tuple(p for p in error["loc"] if not _is_union_tag(p)) for error in errors]
    for error, loc in zip(errors, locs, strict=True):
        error["loc"] = loc
    return [
        error
        for error, loc in zip(errors, locs, strict=True)
        if not any(len(other) > len(loc) and other[: len(loc)] == loc for other in locs)
    ]


def _describe(source: Source, data: dict, loc: Loc, error: dict) -> Problem:
    """The problem for one pydantic error, in a designer's words."""
    kind, message = error["type"], error["msg"]
    if len(loc) > 1 and loc[-2] in _TEXT_FIELDS and loc[-1] in QuestionDef.model_fields:
        return source.problem(
            loc,
            f"unknown language {loc[-1]!r} in {loc[-2]}: is `{loc[-1]}:` indented too far? "
            f"It belongs under the question, level with `{loc[-2]}:`",
        )
    if kind == "extra_forbidden":
        fields = _fields_at(data, loc[:-1])
        return source.problem(loc, f"unknown field {loc[-1]!r}{suggest(loc[-1], fields)}")
    if kind == "literal_error" and loc[-1] == "type":
        given = error.get("input")
        message = f"unknown type {given!r}{suggest(given, _expected(error))}"
    elif kind == "missing":
        message = f"`{loc[-1]}` is required here"
    return source.problem(loc, message)


def _expected(error: dict) -> list[str]:
    """The values a Literal allows, from pydantic's "'a', 'b' or 'c'"."""
    return [t.strip("' ") for t in error["ctx"]["expected"].replace(" or ", ", ").split(",")]


def _fields_at(data: dict, loc: Loc) -> list[str]:
    """The field names the schema allows at `loc` (a question, a rule, the file)."""
    if len(loc) == 2 and loc[0] == "questions":
        return list(QuestionDef.model_fields)
    if not loc:
        return list(DefinitionDef.model_fields)
    return []


def _repair(data: dict, errors: list[dict]) -> bool:
    """Set aside each field in error (deepest first); False when nothing could be."""
    repaired = False
    for error in sorted(errors, key=lambda e: len(e["loc"]), reverse=True):
        loc = tuple(part for part in error["loc"] if not _is_union_tag(part))
        parent = data
        for part in loc[:-1]:
            parent = _child(parent, part)
        key = loc[-1] if loc else None
        if error["type"] == "literal_error" and key == "type" and isinstance(parent, dict):
            given = str(parent.get("type"))
            types = _expected(error)
            close = difflib.get_close_matches(given, types, n=1, cutoff=0.6)
            parent["type"] = close[0] if close else "text"
            repaired = True
        elif error["type"] == "missing" and key == "id" and isinstance(parent, dict):
            parent["id"] = f"question_{loc[-2] + 1}" if isinstance(loc[-2], int) else "unnamed"
            repaired = True
        elif error["type"] == "missing" and isinstance(parent, dict) and key in _STAND_INS:
            parent[key] = _STAND_INS[key]
            repaired = True
        elif isinstance(parent, dict) and key in parent and key not in {"questions", "id"}:
            del parent[key]
            repaired = True
        elif isinstance(parent, list) and isinstance(key, int) and 0 <= key < len(parent):
            # A question that is not a mapping: a stand-in keeps the others' positions.
            stand_in = {"id": f"question_{key + 1}", "type": "message"}
            parent[key] = stand_in if loc[:1] == ("questions",) and len(loc) == 2 else None
            if parent[key] is None:
                del parent[key]
            repaired = True
    return repaired


_TEXT_FIELDS = frozenset({"label", "constraint_message", "required_message", "message", "sms"})
# What a missing required field is taken to be while the rest is checked.
_STAND_INS = {"type": "text", "label": "", "value": "", "goto": "question_1"}


def _is_union_tag(part: Any) -> bool:
    # pydantic names union branches in `loc` ("str", "list[NextRule]"); they are not keys.
    return isinstance(part, str) and (
        "[" in part or part in {"str", "dict", "list", "constrained-str", "function-after"}
    )


def _plain(node: Any) -> Any:
    if isinstance(node, dict):
        return {str(key): _plain(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_plain(value) for value in node]
    return node
