"""Menu and survey definitions: load every YAML file, check everything, fail loudly.

`MenuCatalog` keeps the current flow of each definition and every version compiled in
this process, so a session finishes on the version it started on after a file changes.
"""

import contextlib
import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from flask import Flask
from sqlalchemy import select

from app.errors import MenuDefinitionError
from app.extensions import db
from app.menus.checks import check_flow
from app.menus.compiler import compile_flow
from app.menus.flow import Flow
from app.menus.loader import Problem, parse_definition, parse_source, read_source, suggest
from app.models import DefinitionVersion
from app.models.base import insert_ignoring_duplicates
from app.ussd.request import match_code

log = logging.getLogger(__name__)


@dataclass
class Compiled:
    """One file's result: its flow (None when it did not compile; with problems, a draft
    that reports can read but that is never served), problems and warnings."""

    flow: Flow | None
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def servable(self) -> Flow | None:
        return self.flow if not self.problems else None


class MenuCatalog:
    """Every definition under `directory`, compiled.

    Args:
        directory: folder of `*.yaml` files.
        action_names / director_names: what `action`, `call` and `director` may name.
        screen_chars: the smallest configured USSD screen, in characters.
    """

    def __init__(
        self,
        directory: Path,
        action_names: set[str],
        director_names: set[str],
        screen_chars: int,
    ) -> None:
        self.directory = Path(directory)
        self.action_names, self.director_names = action_names, director_names
        self.screen_chars = screen_chars
        self.flows: dict[str, Flow] = {}
        self.versions: dict[tuple[str, str], Flow] = {}
        self.results: dict[Path, Compiled] = {}  # the files as last read
        self._serving: dict[Path, Flow] = {}  # each file's flow in service
        self._stored: set[tuple[str, str]] = set()
        self._files: dict[Path, tuple[int, int]] = {}
        self._checked_at = 0.0

    def paths(self) -> list[Path]:
        return sorted(self.directory.glob("*.yaml"))

    def compile_file(self, path: Path) -> Compiled:
        """Parse, validate, compile and check one file (problems and warnings sorted by line)."""
        source, problems = read_source(path)
        if source is None:
            return Compiled(None, problems)
        definition, problems = parse_definition(source)
        if definition is None:
            return Compiled(None, problems)
        if definition.director not in self.director_names:
            message = f"unknown director {definition.director!r}"
            message += suggest(definition.director, self.director_names)
            problems.append(source.problem(("director",), message))
        flow, errors = compile_flow(definition, source, self.action_names)
        problems += errors
        # A `goto` to nowhere makes the path checks echo it (unreachable, dead end).
        lost = any(problem.message.startswith("no question ") for problem in errors)
        found, warnings = check_flow(flow, self.screen_chars, paths=not lost)
        problems += [problem for problem in found if problem not in problems]
        if any(problem.field == "(yaml)" for problem in problems):
            flow = None
        return Compiled(flow, sorted(set(problems)), sorted(set(warnings)))

    def compile(
        self, paths: Iterable[Path]
    ) -> tuple[dict[str, Flow], list[Problem], list[Problem]]:
        """Compile files without installing them (a file unchanged since `load` is not
        compiled again).

        Returns:
            (flows by id of the files without problems, problems, warnings).
        """
        results = {path: self._result(Path(path)) for path in paths}
        _duplicate_ids(results)
        flows = {r.flow.id: r.flow for r in results.values() if r.servable is not None}
        problems = [p for result in results.values() for p in result.problems]
        return flows, problems, [w for result in results.values() for w in result.warnings]

    def _result(self, path: Path) -> Compiled:
        known = self.results.get(path)
        stat = path.stat()
        if known is not None and self._files.get(path) == (stat.st_mtime_ns, stat.st_size):
            return known
        return self.compile_file(path)

    def load(self, strict: bool = True) -> list[Problem]:
        """Compile every file and install the ones without problems.

        Args:
            strict: refuse to install anything when a file has a problem (start-up).

        Returns:
            the warnings (problems that do not stop start-up).

        Raises:
            MenuDefinitionError: (strict) listing every problem; nothing is installed.
        """
        files = self._stat()
        results = {path: self.compile_file(path) for path in files}
        _duplicate_ids(results)
        problems = [str(p) for result in results.values() for p in result.problems]
        if strict and problems:
            raise MenuDefinitionError(problems)
        self.results, self._files = results, files
        self._serving = {path: r.flow for path, r in results.items() if r.servable is not None}
        self._install()
        return [w for result in results.values() for w in result.warnings]

    def _install(self) -> None:
        self.flows = {flow.id: flow for flow in self._serving.values()}
        for flow in self.flows.values():
            self.versions[(flow.id, flow.version)] = flow

    def _stat(self) -> dict[Path, tuple[int, int]]:
        stats = {}
        for path in self.paths():
            with contextlib.suppress(FileNotFoundError):  # removed while listing
                stat = path.stat()
                stats[path] = (stat.st_mtime_ns, stat.st_size)
        return stats

    def reload_if_changed(self, every_seconds: float = 1.0) -> bool:
        """Hot reload: recompile each file added or changed since the last look, at most
        once per `every_seconds` (a hop costs one clock read otherwise).

        A file with problems keeps its last valid version in service (a new file with
        problems is not served) and its problems are logged once; every other file is
        served as it now is. Sessions in flight keep their version.

        Returns:
            True when the definitions in service changed.
        """
        now = time.monotonic()
        if now - self._checked_at < every_seconds:
            return False
        self._checked_at = now
        files = self._stat()
        if files == self._files:
            return False
        changed = [path for path, stat in files.items() if self._files.get(path) != stat]
        self._files = files
        for path in set(self._serving) - set(files):
            del self._serving[path]
            self.results.pop(path, None)
        for path in changed:
            self.results[path] = result = self.compile_file(path)
            _duplicate_ids(self.results)
            if result.problems:
                kept = "not served"
                if path in self._serving:
                    kept = "the last valid version stays in service"
                log.error("%s: %s:\n%s", path.name, kept, "\n".join(map(str, result.problems)))
                continue
            for warning in result.warnings:
                log.warning("%s", warning)
            self._serving[path] = result.flow
        before = {flow.id: flow.version for flow in self.flows.values()}
        self._install()
        if {flow.id: flow.version for flow in self.flows.values()} == before:
            return False
        log.info("definitions in service: %s", ", ".join(sorted(self.flows)))
        return True

    def draft(self, definition_id: str) -> Flow | None:
        """The compiled flow of `definition_id` as its file now is, even with problems
        (for reports such as `flask menus translations`); None when it did not compile."""
        drafts = [r.flow for r in self.results.values() if r.flow and r.flow.id == definition_id]
        return drafts[0] if drafts else None

    def remember(self, flow: Flow) -> None:
        """Store the text of `flow`'s version (once), so any worker can run a session that
        started on it after the file changes."""
        key = (flow.id, flow.version)
        if key in self._stored:
            return
        insert_ignoring_duplicates(
            DefinitionVersion,
            ["definition_id", "version"],
            definition_id=flow.id,
            version=flow.version,
            path=str(flow.source.path),
            source=flow.source.text,
        )
        self._stored.add(key)

    def flow(self, definition_id: str, version: str | None = None) -> Flow:
        """The current flow of `definition_id`, or the compiled `version` of it.

        Raises:
            KeyError: unknown id or version.
        """
        if version is None:
            return self.flows[definition_id]
        pinned = self.versions.get((definition_id, version))
        if pinned is None:
            pinned = self._stored_version(definition_id, version)
            self.versions[(definition_id, version)] = pinned
        return pinned

    def _stored_version(self, definition_id: str, version: str) -> Flow:
        row = db.session.scalar(
            select(DefinitionVersion).where(
                DefinitionVersion.definition_id == definition_id,
                DefinitionVersion.version == version,
            )
        )
        if row is None:
            raise KeyError(f"{definition_id} version {version} is not known")
        source, problems = parse_source(row.source, Path(row.path))
        definition, problems = parse_definition(source) if source else (None, problems)
        if definition is None or problems:
            raise KeyError(f"{definition_id} version {version} no longer parses")
        flow, problems = compile_flow(definition, source, self.action_names)
        if problems:
            raise KeyError(f"{definition_id} version {version}: {problems[0]}")
        return flow

    def split_dial(self, dialled: str) -> tuple[str, tuple[str, ...]]:
        """Split a deep dial on the longest known service code.

        "*384*1*2#" -> ("*384*1#", ("2",)) when *384*1# is answered and *384*1*2# is not;
        an exact code or an unknown one comes back whole.
        """
        codes = {code for flow in self.flows.values() for code in flow.definition.service_codes}
        return match_code(codes, dialled) or (dialled, ())


def _duplicate_ids(results: dict[Path, Compiled]) -> None:
    """Two files with one id: both get a problem and neither is served."""
    by_id: dict[str, list[Path]] = {}
    for path, result in results.items():
        if result.flow is not None:
            by_id.setdefault(result.flow.id, []).append(path)
    for definition_id, paths in by_id.items():
        for path in paths if len(paths) > 1 else []:
            result = results[path]
            others = ", ".join(p.name for p in paths if p != path)
            message = f"id {definition_id!r} is also used by {others}"
            problem = result.flow.source.problem(("id",), message)
            if problem not in result.problems:
                result.problems.append(problem)


def init_app(app: Flask) -> None:
    """Load and check every definition.

    Start-up is strict (`MENUS_REQUIRED`, the default): an invalid definition stops it,
    listing every problem. The designer's commands (`flask menus`, `flask dial`) start
    anyway and serve the valid files. With hot reload (`MENUS_HOT_RELOAD`, on under
    `make run` and `--debug`) a later broken edit keeps the file's last valid version.
    """
    from app.actions import actions
    from app.directors import directors

    actions.discover()
    directors.discover()
    sizes = [app.config["USSD_DEFAULT_SCREEN_CHARS"], *app.config["USSD_SCREEN_CHARS"].values()]
    catalog = MenuCatalog(
        Path(app.config["MENUS_DIR"]), actions.names(), directors.names(), min(sizes)
    )
    for warning in catalog.load(strict=app.config.get("MENUS_REQUIRED", True)):
        log.info("warning: %s", warning)
    app.extensions["menus"] = catalog
    hot_reload = app.config.get("MENUS_HOT_RELOAD")
    if app.debug if hot_reload is None else hot_reload:
        from app.directors import build_directors

        @app.before_request
        def _reload_definitions() -> None:
            if catalog.reload_if_changed():
                app.extensions["directors"] = build_directors(app)
