"""Menu and survey definitions: load every YAML file, check everything, fail loudly.

`MenuCatalog` keeps the current flow of each definition and every version compiled in
this process, so a session finishes on the version it started on after a file changes.
"""

import logging
import time
from collections.abc import Iterable
from pathlib import Path

from flask import Flask
from sqlalchemy import select

from app.errors import MenuDefinitionError
from app.extensions import db
from app.menus.checks import check_flow
from app.menus.flow import Flow, compile_flow
from app.menus.loader import parse_definition, parse_source, read_source
from app.models import DefinitionVersion
from app.models.base import insert_ignoring_duplicates
from app.ussd.request import match_code

log = logging.getLogger(__name__)


class MenuCatalog:
    """Every definition under `directory`, compiled.

    Args:
        directory: folder of `*.yaml` files (the file stem is the id).
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
        self._stored: set[tuple[str, str]] = set()
        self._files: dict[Path, tuple[int, int]] = {}
        self._checked_at = 0.0

    def paths(self) -> list[Path]:
        return sorted(self.directory.glob("*.yaml"))

    def compile(self, paths: Iterable[Path]) -> tuple[dict[str, Flow], list[str], list[str]]:
        """Compile files without installing them.

        Returns:
            (flows by id, problems, warnings), each problem as `file:line: field: message`.
        """
        flows: dict[str, Flow] = {}
        problems: list[str] = []
        warnings: list[str] = []
        for path in paths:
            source, errors = read_source(path)
            if source is None:
                problems += errors
                continue
            definition, errors = parse_definition(source)
            if definition is None:
                problems += errors
                continue
            if definition.director not in self.director_names:
                problems.append(f"{source.where(('director',))}: unknown director")
            flow, errors = compile_flow(definition, source, self.action_names)
            problems += errors
            if not errors:
                found, warned = check_flow(flow, self.screen_chars)
                problems += found
                warnings += warned
            if definition.id in flows:
                problems.append(f"{source.where(('id',))}: id {definition.id!r} used twice")
            flows[definition.id] = flow
        return flows, problems, warnings

    def load(self) -> list[str]:
        """Compile every file and install the result.

        Returns:
            warnings (problems that do not stop start-up).

        Raises:
            MenuDefinitionError: listing every problem; nothing is installed.
        """
        files = self._stat()
        flows, problems, warnings = self.compile(list(files))
        if problems:
            raise MenuDefinitionError(problems)
        self.flows, self._files = flows, files
        for flow in flows.values():
            self.versions[(flow.id, flow.version)] = flow
        return warnings

    def _stat(self) -> dict[Path, tuple[int, int]]:
        return {path: (path.stat().st_mtime_ns, path.stat().st_size) for path in self.paths()}

    def reload_if_changed(self, every_seconds: float = 1.0) -> bool:
        """Hot reload (development): recompile when a file was added, changed or removed.

        Sessions in flight keep their version. A broken edit is logged and ignored: the
        previous definitions stay in service.

        Returns:
            True when new definitions were installed.
        """
        now = time.monotonic()
        if now - self._checked_at < every_seconds:
            return False
        self._checked_at = now
        if self._stat() == self._files:
            return False
        try:
            warnings = self.load()
        except MenuDefinitionError as err:
            log.error("definitions not reloaded:\n%s", "\n".join(err.problems))
            self._files = self._stat()
            return False
        for warning in warnings:
            log.warning("%s", warning)
        log.info("definitions reloaded: %s", ", ".join(sorted(self.flows)))
        return True

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
        source, _ = parse_source(row.source, Path(row.path))
        definition, _ = parse_definition(source) if source else (None, [])
        if definition is None:
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


def init_app(app: Flask) -> None:
    """Load and check every definition; an invalid one stops start-up listing all problems."""
    from app.actions import actions
    from app.directors import directors

    actions.discover()
    directors.discover()
    sizes = [app.config["USSD_DEFAULT_SCREEN_CHARS"], *app.config["USSD_SCREEN_CHARS"].values()]
    catalog = MenuCatalog(
        Path(app.config["MENUS_DIR"]), actions.names(), directors.names(), min(sizes)
    )
    try:
        for warning in catalog.load():
            log.warning("%s", warning)
    except MenuDefinitionError:
        if app.config.get("MENUS_REQUIRED", True):
            raise
        log.warning("definitions are invalid; run `flask menus validate` for the list")
    app.extensions["menus"] = catalog
    hot_reload = app.config.get("MENUS_HOT_RELOAD")
    if app.debug if hot_reload is None else hot_reload:
        from app.directors import build_directors

        @app.before_request
        def _reload_definitions() -> None:
            if catalog.reload_if_changed():
                app.extensions["directors"] = build_directors(app)
