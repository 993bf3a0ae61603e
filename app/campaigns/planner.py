"""Planning a campaign in SQL: one recipient row per matching client, due in the client's
own window.

Clients are grouped by (time zone, notify_from, notify_to), a handful of distinct values
however many clients there are; each group's window is worked out once in Python
(`zoneinfo`, DST included) and its rows written by INSERT ... SELECT over a range of
customer ids at a time, so no recipient list is ever held in memory.
"""

import logging
from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfoNotFoundError

from sqlalchemy import Select, and_, func, select, update

from app.campaigns.windows import next_window
from app.extensions import db
from app.models import Campaign, Customer, SmsRecipient
from app.sms.messages import add_recipients, count_recipients, reachable

log = logging.getLogger(__name__)

# Customer ids covered by one INSERT ... SELECT (one transaction each).
PLAN_BATCH = 20_000
# Customer columns a campaign's `filters` may name; any other name is a key of `fields`.
COLUMN_FILTERS = ("language", "city", "name", "timezone")

Group = tuple[str, time | None, time | None]


def audience(campaign: Campaign) -> Select:
    """`select(Customer)` with the campaign's filters (opted-out clients included)."""
    query = select(Customer)
    if campaign.tag_filter:
        query = query.where(Customer.tag == campaign.tag_filter)
    if campaign.operator_code_filter:
        query = query.where(Customer.operator_code == campaign.operator_code_filter)
    for name, value in (campaign.filters or {}).items():
        if name in COLUMN_FILTERS:
            query = query.where(getattr(Customer, name) == value)
        else:
            query = query.where(Customer.fields[name].as_string() == str(value))
    return query


def _zone(default_zone: str) -> Any:
    return func.coalesce(Customer.timezone, default_zone)


def _in_group(group: Group, default_zone: str) -> Any:
    zone, notify_from, notify_to = group
    return and_(
        _zone(default_zone) == zone,
        _same_time(Customer.notify_from, notify_from),
        _same_time(Customer.notify_to, notify_to),
    )


def _same_time(column: Any, value: time | None) -> Any:
    return column.is_(None) if value is None else column == value


def groups(campaign: Campaign, default_zone: str) -> list[Group]:
    """The distinct (zone, notify_from, notify_to) among the campaign's reachable clients."""
    query = (
        audience(campaign)
        .where(reachable())
        .with_only_columns(_zone(default_zone), Customer.notify_from, Customer.notify_to)
        .distinct()
    )
    return [tuple(row) for row in db.session.execute(query)]


def _window(campaign: Campaign, group: Group, now: datetime) -> tuple[datetime, datetime] | None:
    try:
        return next_window(campaign.start_at, campaign.finish_at, *group, now=now)
    except (ZoneInfoNotFoundError, ValueError):
        log.warning("campaign %s: clients in unknown zone %r left out", campaign.id, group[0])
        return None


def plan(campaign: Campaign, now: datetime, default_zone: str) -> int:
    """Write the campaign's recipient rows, committing per batch; then mark it planned.

    Safe to run again (a client keeps the row they have). Clients whose window has closed
    by `now`, or never meets the campaign's, are left out.

    Returns:
        how many rows were added.
    """
    low, high = db.session.execute(select(func.min(Customer.id), func.max(Customer.id))).one()
    added = 0
    for group in groups(campaign, default_zone):
        window = _window(campaign, group, now)
        if window is None or low is None:
            continue
        for first in range(low, high + 1, PLAN_BATCH):
            chosen = audience(campaign).where(
                _in_group(group, default_zone), Customer.id.between(first, first + PLAN_BATCH - 1)
            )
            added += add_recipients(campaign.sms, chosen, *window)
            db.session.commit()
    count_recipients(campaign.sms)
    db.session.execute(update(Campaign).where(Campaign.id == campaign.id).values(planned_at=now))
    db.session.commit()
    log.info("campaign %s planned: %d recipients added", campaign.id, added)
    return added


def replan_missed(campaign: Campaign, now: datetime, default_zone: str) -> None:
    """Rows still `planned` whose window closed (the campaign was paused, or sends fell
    behind) move to the client's next window, or become `missed` when there is none (or
    the client no longer matches the campaign)."""
    missed_rows = and_(
        SmsRecipient.message_id == campaign.message_id,
        SmsRecipient.status == "planned",
        SmsRecipient.expires_at <= now,
    )
    for group in groups(campaign, default_zone):
        window = _window(campaign, group, now)
        members = select(Customer.id).where(_in_group(group, default_zone))
        values = (
            {"status": "missed", "status_at": now}
            if window is None
            else {"due_at": window[0], "expires_at": window[1]}
        )
        db.session.execute(
            update(SmsRecipient)
            .where(missed_rows, SmsRecipient.customer_id.in_(members))
            .values(**values)
        )
    leftover = update(SmsRecipient).where(missed_rows)
    db.session.execute(leftover.values(status="missed", status_at=now))
    db.session.commit()
