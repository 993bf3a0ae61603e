"""Date bounds relative to today, shared by the date question and the definition checks."""

import calendar
import re
from datetime import date, timedelta

_OFFSET = re.compile(r"([+-]?[0-9]+)([dmy])")


def resolve_bound(bound: str | float | None, today: date) -> date | None:
    """A date bound as a date: "today", an offset ("-18y", "+30d", "-6m") or an ISO date.

    Raises:
        ValueError: `bound` is none of those.
    """
    if bound is None:
        return None
    text = str(bound).strip()
    if text == "today":
        return today
    match = _OFFSET.fullmatch(text)
    if match is None:
        return date.fromisoformat(text)
    amount, unit = int(match.group(1)), match.group(2)
    if unit == "d":
        return today + timedelta(days=amount)
    months = today.year * 12 + today.month - 1 + (amount * 12 if unit == "y" else amount)
    year, month = divmod(months, 12)
    last_day = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(today.day, last_day))
