"""Check and publish a definition's text through the same compiler and checks as
`flask menus validate`, so the editor and the command never disagree."""

import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import current_app

from app.extensions import db
from app.menus import Compiled
from app.menus.graph import mermaid
from app.menus.loader import Problem
from app.menus.translations import missing_by_language, translatable

NAME = re.compile(r"[a-z][a-z0-9_]{0,63}")


class PublishRefused(Exception):
    """The text has problems; nothing was written."""

    def __init__(self, problems: list[dict[str, Any]]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


@dataclass
class Check:
    """What the editor shows beside the text."""

    problems: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[dict[str, Any]] = field(default_factory=list)
    diagram: str = ""
    languages: list[str] = field(default_factory=list)
    translations: list[dict[str, Any]] = field(default_factory=list)
    version: str = ""
    compiled: Compiled | None = None

    def as_json(self) -> dict[str, Any]:
        """Plain data for the browser."""
        return {
            "problems": self.problems,
            "warnings": self.warnings,
            "diagram": self.diagram,
            "languages": self.languages,
            "translations": self.translations,
            "version": self.version,
        }


def definition_path(name: str) -> Path:
    """The file of definition `name` (an existing `*.yaml` stem in the menus folder).

    Raises:
        KeyError: not a definition file (also for anything that is not a plain stem).
    """
    catalog = current_app.extensions["menus"]
    if not NAME.fullmatch(name):
        raise KeyError(name)
    path = catalog.directory / f"{name}.yaml"
    if path not in catalog.paths():
        raise KeyError(name)
    return path


def _shown(problem: Problem, name: str) -> dict[str, Any]:
    return {
        "line": problem.line,
        "column": problem.column,
        "field": problem.field,
        "message": problem.message,
        "text": f"{name}.yaml:{problem.line}:{problem.column}: {problem.field}: {problem.message}",
    }


def check_text(name: str, text: str, language: str | None = None) -> Check:
    """Compile `text` as file `<name>.yaml` would be compiled, without installing it.

    Args:
        name: the file stem; problems are reported against `<name>.yaml`.
        text: the YAML as edited.
        language: the diagram's language (default: the definition's first).
    """
    catalog = current_app.extensions["menus"]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{name}.yaml"
        path.write_text(text, encoding="utf-8")
        compiled = catalog.compile_file(path)
    problems = list(compiled.problems)
    flow = compiled.flow
    if flow is not None:
        for other, result in catalog.results.items():
            if other.stem != name and result.flow is not None and result.flow.id == flow.id:
                message = f"id {flow.id!r} is also used by {other.name}"
                problems.append(flow.source.problem(("id",), message))
    check = Check(
        problems=[_shown(p, name) for p in sorted(problems)],
        warnings=[_shown(w, name) for w in compiled.warnings],
        compiled=compiled,
    )
    if flow is not None:
        check.version = flow.version
        check.languages = list(flow.languages)
        chosen = language if language in flow.languages else None
        check.diagram = mermaid(flow, chosen)
        check.translations = translation_completeness(flow)
    return check


def translation_completeness(flow: Any) -> list[dict[str, Any]]:
    """Per language: texts to translate, how many are missing, percent done."""
    total = len(translatable(flow))
    rows = []
    for language, missing in missing_by_language(flow).items():
        done = 100 if not total else round(100 * (total - len(missing)) / total)
        rows.append({"language": language, "total": total, "missing": len(missing), "done": done})
    return rows


def publish(name: str, text: str) -> str:
    """Write `text` as definition `name` and put it in service for new sessions; sessions
    in flight finish on the version they started on.

    Other workers pick the file up when they hot-reload definitions (`MENUS_HOT_RELOAD`);
    this one installs it at once.

    Returns:
        the new version (content hash).

    Raises:
        PublishRefused: the text has problems (the file is left as it was).
    """
    from app.directors import build_directors

    path = definition_path(name)
    check = check_text(name, text)
    if check.problems:
        raise PublishRefused(check.problems)
    app = current_app._get_current_object()
    catalog = app.extensions["menus"]
    staging = path.with_name(f".{name}.yaml.publishing")
    staging.write_text(text, encoding="utf-8")
    os.replace(staging, path)  # atomic: a reader sees the old file or the new, never half
    catalog.reload_if_changed(every_seconds=0)
    app.extensions["directors"] = build_directors(app)
    flow = catalog.flows.get(check.compiled.flow.id)
    if flow is not None:
        catalog.remember(flow)
        db.session.commit()
    return check.version
