"""Location: county -> sub-county -> ward from the seeded `locations` table, one level per
screen; choose from the (paginated) list, or type the first letters of the name.

Stores {"county": "Kiambu", "sub_county": "Juja", "ward": "Kalimoni", "code": "KE-13"}
with as many levels as `levels` asks for (default: all) and the data has.
"""

from typing import Any

from sqlalchemy import select

from app.extensions import db
from app.interrogators import Ask, Interrogator, InvalidAnswer, KeepAsking, interrogators
from app.locations import LocationTree, fold, reading_order
from app.models import Location
from app.prompts import Choice, Prompt

LEVEL_NAMES = {
    "en": {"county": "county", "sub_county": "sub-county", "ward": "ward"},
    "sw": {"county": "kaunti", "sub_county": "kaunti ndogo", "ward": "wadi"},
}
HINT = {
    "en": "Choose {level} or type its first letters",
    "sw": "Chagua {level} au andika herufi za kwanza",
}


def _levels(ask: Ask) -> list[str]:
    return ask.spec.levels or list(LocationTree.levels)


def _places(parent_id: int | None, level: str, prefix: str = "") -> list[Location]:
    query = select(Location).where(Location.level == level)
    query = query.where(
        Location.parent_id == parent_id if parent_id is not None else Location.parent_id.is_(None)
    )
    if prefix:
        query = query.where(Location.key.startswith(fold(prefix), autoescape=True))
    return sorted(db.session.scalars(query), key=lambda place: reading_order(place.name))


@interrogators.register("location")
class LocationInterrogator(Interrogator):
    """One level per screen; the answer is complete when the last level (or a place with
    nothing below it) is chosen."""

    floip_type = "text"

    def _state(self, ask: Ask) -> tuple[list[dict], str, str]:
        scratch = ask.scratch()
        chosen = scratch.setdefault("chosen", [])
        level = _levels(ask)[len(chosen)]
        return chosen, level, scratch.get("filter", "")

    def _options(self, ask: Ask) -> list[Location]:
        chosen, level, prefix = self._state(ask)
        parent = chosen[-1]["id"] if chosen else None
        return _places(parent, level, prefix)

    def prompt(self, ask: Ask) -> Prompt:
        chosen, level, _prefix = self._state(ask)
        hint = ask.msg("location_hint", level=ask.msg(level))
        heading = " > ".join(place["name"] for place in chosen) if chosen else ask.label()
        choices = tuple(Choice(str(i), p.name) for i, p in enumerate(self._options(ask), 1))
        return Prompt(f"{heading}\n{hint}", choices, language=ask.language)

    def parse(self, ask: Ask, raw: str) -> Any:
        text = raw.strip()
        scratch = ask.scratch()
        options = self._options(ask)
        if text.isdigit():
            index = int(text) - 1
            if not 0 <= index < len(options):
                raise InvalidAnswer(ask.msg("choose"))
            place = options[index]
        else:
            chosen, level, _prefix = self._state(ask)
            parent = chosen[-1]["id"] if chosen else None
            matches = _places(parent, level, text)
            if not matches:
                raise InvalidAnswer(ask.msg("no_match"))
            if len(matches) > 1:
                scratch["filter"] = text
                raise KeepAsking("")
            place = matches[0]
        scratch.pop("filter", None)
        chosen = scratch["chosen"]
        chosen.append(
            {"id": place.id, "name": place.name, "level": place.level, "code": place.code}
        )
        levels = _levels(ask)
        if len(chosen) < len(levels) and _places(place.id, levels[len(chosen)]):
            raise KeepAsking("")
        value = {entry["level"]: entry["name"] for entry in chosen}
        value["code"] = chosen[0]["code"]
        return value
