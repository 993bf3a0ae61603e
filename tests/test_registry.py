"""Plugins: built-ins by module, outsiders by entry point, duplicates refused."""

import importlib.metadata

import pytest

from app.directors import Bid, Director, directors
from app.errors import RegistryError
from app.registry import Registry


class HotlineDirector(Director):
    runs_definitions = False

    def bid(self, request, caller):
        return Bid(10, "a plugin")


def test_entry_point_plugins_are_registered_under_their_name(monkeypatch):
    point = importlib.metadata.EntryPoint(
        name="hotline", value=f"{__name__}:HotlineDirector", group="sauti.directors"
    )
    monkeypatch.setattr(
        importlib.metadata, "entry_points", lambda group: [point] if group == point.group else []
    )
    registry = Registry("director", "app.directors", "sauti.directors")
    registry.discover()
    assert registry.get("hotline") is HotlineDirector and HotlineDirector.name == "hotline"


def test_built_in_directors_are_found_by_module():
    directors.discover()
    assert {"menu", "survey", "registration", "microfinance"} <= directors.names()


def test_a_name_registered_twice_is_refused():
    registry = Registry("director", "app.directors")
    registry.register("twice")(HotlineDirector)

    class Other(Director):
        pass

    with pytest.raises(RegistryError, match="'twice' already registered"):
        registry.register("twice")(Other)


def test_an_unknown_name_lists_the_known_ones():
    registry = Registry("director", "app.directors")
    registry.register("known")(HotlineDirector)
    with pytest.raises(RegistryError, match=r"no director 'nope' \(known: known\)"):
        registry.get("nope")
