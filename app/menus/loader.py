"""Read definition files with line numbers and check them against the schema."""

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from app.menus.schema import SPEC_VERSION, DefinitionDef


@dataclass(frozen=True)
class Source:
    """Where a definition came from: its path, parsed tree (with line marks) and version.

    `version` is the first 12 hex digits of the SHA-256 of the file's bytes.
    """

    path: Path
    tree: Any
    version: str
    text: str

    def line(self, loc: tuple[Any, ...]) -> int:
        """1-based line of the node at `loc` (e.g. ("questions", 3, "label")), or of the
        nearest enclosing node that has a mark."""
        node, line = self.tree, 1
        for key in loc:
            try:
                if isinstance(node, CommentedMap) and key in node:
                    line = node.lc.key(key)[0] + 1
                elif isinstance(node, CommentedSeq) and isinstance(key, int) and key < len(node):
                    line = node.lc.item(key)[0] + 1
                else:
                    break
                node = node[key]
            except (KeyError, IndexError, TypeError, AttributeError):
                break
        return line

    def where(self, loc: tuple[Any, ...], field: str | None = None) -> str:
        """`file:line: field` for a problem at `loc`."""
        field = field or ".".join(str(part) for part in loc) or "(file)"
        return f"{self.path}:{self.line(loc)}: {field}"


def read_source(path: Path) -> tuple[Source | None, list[str]]:
    """Parse one YAML file safely (no tags, no objects) keeping line marks."""
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as err:
        return None, [f"{path}:1: (file): not UTF-8 ({err.reason})"]
    return parse_source(text, path)


def version_of(text: str) -> str:
    """A definition's version: the first 12 hex digits of the SHA-256 of its UTF-8 text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


@lru_cache(maxsize=64)
def parse_source(text: str, path: Path) -> tuple[Source | None, list[str]]:
    """Parse definition text (from a file, or a stored older version) keeping line marks.

    Memoised per (text, path): the round-trip parser costs ~0.7 s for a 300-line file, and
    every app in a process (tests, workers after a reload) parses the same files. The
    tree is never mutated after parsing (`parse_definition` reads a plain copy).
    """
    version = version_of(text)
    yaml = YAML(typ="rt", pure=True)
    try:
        tree = yaml.load(text)
    except YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        return None, [f"{path}:{line}: (yaml): {getattr(err, 'problem', None) or err}"]
    if not isinstance(tree, CommentedMap):
        return None, [f"{path}:1: (file): a definition must be a mapping"]
    return Source(path, tree, version, text), []


def parse_definition(source: Source) -> tuple[DefinitionDef | None, list[str]]:
    """Validate a parsed file against the schema; every problem is `file:line: field: msg`."""
    data = _plain(source.tree)
    data.setdefault("id", source.path.stem)
    spec = data.get("spec_version", SPEC_VERSION)
    if spec != SPEC_VERSION:
        return None, [f"{source.where(('spec_version',))}: unsupported version {spec!r}"]
    try:
        return DefinitionDef.model_validate(data), []
    except ValidationError as err:
        problems = []
        for error in err.errors():
            loc = tuple(part for part in error["loc"] if not _is_union_tag(part))
            problems.append(f"{source.where(loc, _field(data, loc))}: {error['msg']}")
        return None, problems


def _field(data: dict, loc: tuple[Any, ...]) -> str:
    """A readable field path: list items named by their `id` where they have one
    (questions.crop.label rather than questions.3.label)."""
    parts, node = [], data
    for part in loc:
        child = node[part] if isinstance(node, dict | list) and _has(node, part) else None
        if isinstance(part, int) and isinstance(child, dict) and isinstance(child.get("id"), str):
            parts.append(child["id"])
        else:
            parts.append(str(part))
        node = child
    return ".".join(parts) or "(file)"


def _has(node: dict | list, part: Any) -> bool:
    if isinstance(node, dict):
        return part in node
    return isinstance(part, int) and 0 <= part < len(node)


def _is_union_tag(part: Any) -> bool:
    # pydantic names union branches in `loc` ("str", "list[NextRule]"); they are not keys.
    return isinstance(part, str) and ("[" in part or part in {"str", "dict", "list"})


def _plain(node: Any) -> Any:
    if isinstance(node, dict):
        return {str(key): _plain(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_plain(value) for value in node]
    return node
