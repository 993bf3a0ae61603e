"""Dates, typed day first. USSD keypads have no "/", so DDMMYYYY is the usual entry;
"21/11/2026", "21-11-2026" and "21.11.2026" are accepted too. Stored as ISO "2026-11-21".

`min` / `max` are relative to today ("today", "-18y", "+30d", "-6m") or ISO dates.
"""

import re
from datetime import date
from typing import Any

from app.dates import resolve_bound
from app.interrogators import Ask, Interrogator, InvalidAnswer, interrogators

_PACKED = re.compile(r"([0-9]{2})([0-9]{2})([0-9]{4})", re.ASCII)
_SPLIT = re.compile(r"([0-9]{1,2})[/.\- ]([0-9]{1,2})[/.\- ]([0-9]{4})", re.ASCII)


def parse_day_first(raw: str) -> date | None:
    """ "21112026" or "21/11/2026" -> date(2026, 11, 21); None when not a real date."""
    text = raw.strip()
    match = _PACKED.fullmatch(text) or _SPLIT.fullmatch(text)
    if match is None:
        return None
    day, month, year = (int(part) for part in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        return None


@interrogators.register("date")
class DateInterrogator(Interrogator):
    """A date typed day first (21031990); `min` / `max` bound it."""

    floip_type = "date"

    def parse(self, ask: Ask, raw: str) -> Any:
        value = parse_day_first(raw)
        if value is None:
            raise InvalidAnswer(ask.msg("date"))
        today = ask.context["today"]
        low = resolve_bound(ask.spec.min, today)
        high = resolve_bound(ask.spec.max, today)
        if (low and value < low) or (high and value > high):
            shown = [d.strftime("%d/%m/%Y") if d else "…" for d in (low, high)]
            raise InvalidAnswer(ask.msg("date_range", min=shown[0], max=shown[1]))
        return value.isoformat()
