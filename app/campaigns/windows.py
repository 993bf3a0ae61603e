"""When a campaign may reach one client: its start/finish read as local wall-clock times
in the client's zone, met with the client's daily notification window.

A wall-clock time that does not exist on a day clocks go forward (02:30 in a DST gap) is
read with the offset before the change, so it falls just after the gap; one that happens
twice when clocks go back is read as the first (PEP 495 `fold=0`, as `zoneinfo` does).
"""

from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo


def to_utc(local: datetime, zone: str) -> datetime:
    """A naive local wall-clock time in IANA `zone` as an aware UTC datetime."""
    return local.replace(tzinfo=ZoneInfo(zone)).astimezone(UTC)


def windows(
    start: datetime,
    finish: datetime,
    zone: str,
    notify_from: time | None,
    notify_to: time | None,
) -> Iterator[tuple[datetime, datetime]]:
    """The UTC intervals in which the campaign may reach a client, earliest first.

    Args:
        start / finish: the campaign's naive local wall-clock times.
        zone: the client's IANA time zone.
        notify_from / notify_to: the client's daily window (local); None: any time. A
            window with `notify_from` after `notify_to` runs overnight (22:00-06:00).

    Yields:
        (opens, closes) as aware UTC datetimes: sending starts no earlier than both starts
        and stops at the earlier finish, on every day the two meet.
    """
    if notify_from is None or notify_to is None:
        if start < finish:
            yield to_utc(start, zone), to_utc(finish, zone)
        return
    day = start.date() - timedelta(days=1)  # an overnight window opened the evening before
    while day <= finish.date():
        opens = datetime.combine(day, notify_from)
        closes = datetime.combine(day, notify_to)
        if notify_to <= notify_from:
            closes += timedelta(days=1)
        low, high = max(opens, start), min(closes, finish)
        if low < high:
            yield to_utc(low, zone), to_utc(high, zone)
        day += timedelta(days=1)


def next_window(
    start: datetime,
    finish: datetime,
    zone: str,
    notify_from: time | None,
    notify_to: time | None,
    now: datetime,
) -> tuple[datetime, datetime] | None:
    """The first window (UTC) that has not closed by `now` (aware), or None."""
    for opens, closes in windows(start, finish, zone, notify_from, notify_to):
        if closes > now:
            return opens, closes
    return None
