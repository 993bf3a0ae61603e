"""A name -> class registry for plugins (directors, interrogators, actions).

Built-ins are found by importing every module of their package; others declare an entry
point in the registry's group (e.g. `sauti.directors`). A name registered twice is an error.
"""

import importlib.metadata
import pkgutil
from collections.abc import Callable, Iterator
from importlib import import_module
from typing import Generic, TypeVar

from app.errors import RegistryError

P = TypeVar("P")


class Registry(Generic[P]):
    """Plugins of one kind, by name.

    Args:
        kind: e.g. "director"; used in messages.
        package: dotted package whose modules hold the built-ins.
        entry_point_group: the entry-point group outside packages register under.
    """

    def __init__(self, kind: str, package: str, entry_point_group: str | None = None) -> None:
        self.kind, self.package, self.group = kind, package, entry_point_group
        self._by_name: dict[str, P] = {}
        self._discovered = False

    def register(self, name: str) -> Callable[[P], P]:
        """Decorator: register a class (or function) under `name`.

        Raises:
            RegistryError: `name` is already registered.
        """

        def add(plugin: P) -> P:
            if name in self._by_name and self._by_name[name] is not plugin:
                raise RegistryError(
                    f"{self.kind} {name!r} already registered by "
                    f"{getattr(self._by_name[name], '__module__', '?')}"
                )
            if isinstance(plugin, type):
                plugin.name = name
            self._by_name[name] = plugin
            return plugin

        return add

    def discover(self) -> None:
        """Import the built-ins and load entry points (once per process)."""
        if self._discovered:
            return
        package = import_module(self.package)
        for module in sorted(m.name for m in pkgutil.iter_modules(package.__path__)):
            import_module(f"{self.package}.{module}")
        if self.group:
            for entry_point in importlib.metadata.entry_points(group=self.group):
                self.register(entry_point.name)(entry_point.load())
        self._discovered = True

    def get(self, name: str) -> P:
        """The plugin registered as `name`.

        Raises:
            RegistryError: no such plugin; the message lists the known names.
        """
        try:
            return self._by_name[name]
        except KeyError:
            known = ", ".join(sorted(self._by_name))
            raise RegistryError(f"no {self.kind} {name!r} (known: {known})") from None

    def names(self) -> set[str]:
        return set(self._by_name)

    def __iter__(self) -> Iterator[tuple[str, P]]:
        return iter(sorted(self._by_name.items()))
