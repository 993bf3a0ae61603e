"""Sending windows in each client's local time, DST included."""

from datetime import UTC, datetime, time

from app.campaigns.windows import next_window, to_utc, windows


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_start_and_finish_are_read_in_the_clients_zone():
    start, finish = datetime(2026, 12, 1, 9), datetime(2026, 12, 1, 12)
    assert list(windows(start, finish, "Africa/Nairobi", None, None)) == [
        (utc(2026, 12, 1, 6), utc(2026, 12, 1, 9))
    ]
    assert list(windows(start, finish, "America/New_York", None, None)) == [
        (utc(2026, 12, 1, 14), utc(2026, 12, 1, 17))
    ]


def test_the_later_start_and_the_earlier_finish_win():
    start, finish = datetime(2026, 12, 1, 9), datetime(2026, 12, 1, 12)
    assert list(windows(start, finish, "Europe/London", time(10), time(18))) == [
        (utc(2026, 12, 1, 10), utc(2026, 12, 1, 12))
    ]


def test_a_window_that_does_not_meet_the_campaign_leaves_the_client_out():
    start, finish = datetime(2026, 12, 1, 9), datetime(2026, 12, 1, 12)
    assert list(windows(start, finish, "Europe/London", time(13), time(15))) == []


def test_an_overnight_window_spans_midnight():
    start, finish = datetime(2026, 12, 1, 20), datetime(2026, 12, 2, 8)
    assert list(windows(start, finish, "Europe/London", time(22), time(6))) == [
        (utc(2026, 12, 1, 22), utc(2026, 12, 2, 6))
    ]


def test_a_daily_window_follows_the_clock_across_a_dst_change():
    # New York springs forward on 2027-03-14: 09:00 is 14:00 UTC before, 13:00 UTC after.
    start, finish = datetime(2027, 3, 13, 0), datetime(2027, 3, 15, 23)
    assert list(windows(start, finish, "America/New_York", time(9), time(10))) == [
        (utc(2027, 3, 13, 14), utc(2027, 3, 13, 15)),
        (utc(2027, 3, 14, 13), utc(2027, 3, 14, 14)),
        (utc(2027, 3, 15, 13), utc(2027, 3, 15, 14)),
    ]


def test_times_in_a_dst_gap_or_overlap_are_read_once():
    # 02:30 does not exist on 2027-03-14 in New York: read with the offset before (EST).
    assert to_utc(datetime(2027, 3, 14, 2, 30), "America/New_York") == utc(2027, 3, 14, 7, 30)
    # 01:30 happens twice on 2026-11-01: the first (EDT) is taken.
    assert to_utc(datetime(2026, 11, 1, 1, 30), "America/New_York") == utc(2026, 11, 1, 5, 30)


def test_next_window_skips_windows_that_have_closed():
    start, finish = datetime(2027, 3, 13, 0), datetime(2027, 3, 15, 23)
    now = utc(2027, 3, 13, 16)
    assert next_window(start, finish, "America/New_York", time(9), time(10), now) == (
        utc(2027, 3, 14, 13),
        utc(2027, 3, 14, 14),
    )
