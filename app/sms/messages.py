"""Bulk messages and their recipients, written in SQL: recipients are chosen by an
INSERT ... SELECT over customers, never loaded into memory."""

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, literal, select, true, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.extensions import db
from app.models import Customer, SmsMessage, SmsRecipient
from app.models.base import insert_ignoring_duplicates, utcnow


def sender_for(service: str, config: Mapping[str, Any]) -> str | None:
    """The sender id or short code of a service (SMS_SENDER_IDS, else AT_SMS_SENDER_ID)."""
    return config["SMS_SENDER_IDS"].get(service) or config.get("AT_SMS_SENDER_ID")


def message_for(
    key: str,
    kind: str,
    text: str,
    config: Mapping[str, Any],
    *,
    service: str | None = None,
    templated: bool = False,
    allow_international: bool = False,
) -> SmsMessage:
    """The message named `key`, created on first use (two workers may race: one wins).

    Args:
        key: what the message is for, e.g. "forecast:12"; unique.
        kind: campaign | forecast | tip | notice.
        text: the text, or a Jinja template over `customer` when `templated`.
        service: whose sender id to use (default: `kind`).
        allow_international: may go to numbers outside DEFAULT_COUNTRY even when
            SMS_ALLOW_INTERNATIONAL is off.
    """
    service = service or kind
    insert_ignoring_duplicates(
        SmsMessage,
        ["key"],
        key=key,
        kind=kind,
        service=service,
        sender_id=sender_for(service, config),
        text=text,
        templated=templated,
        allow_international=allow_international,
        recipient_count=0,
        created_at=utcnow(),
    )
    return db.session.scalar(select(SmsMessage).where(SmsMessage.key == key))


def reachable() -> Any:
    """The condition every bulk recipient must meet: not opted out."""
    return Customer.opted_out_at.is_(None)


def add_recipients(
    message: SmsMessage, customers: Select, due_at: datetime, expires_at: datetime | None
) -> int:
    """Plan `message` for the customers `customers` selects, in one INSERT ... SELECT.

    Args:
        customers: `select(Customer)...` with its filters; opted-out customers are left
            out here. A customer who already has this message keeps their row.
        due_at / expires_at: the UTC window in which it may go.

    Returns:
        how many recipient rows were added.
    """
    chosen = (
        customers.with_only_columns(
            literal(message.id),
            Customer.id,
            Customer.msisdn,
            literal("planned"),
            literal(due_at, SmsRecipient.due_at.type),
            literal(expires_at, SmsRecipient.expires_at.type),
            literal(0),
        )
        .where(reachable())
        .where(true())  # SQLite: INSERT ... SELECT ... ON CONFLICT needs a WHERE to parse
    )
    columns = ["message_id", "customer_id", "msisdn", "status", "due_at", "expires_at"]
    dialect = db.session.get_bind().dialect.name
    statement = (pg_insert if dialect == "postgresql" else sqlite_insert)(SmsRecipient)
    statement = statement.from_select([*columns, "attempts"], chosen)
    statement = statement.on_conflict_do_nothing(index_elements=["message_id", "msisdn"])
    if dialect == "postgresql":
        # psycopg 3 reports no rowcount (-1) for this INSERT ... SELECT: count what it
        # returns inside the database instead (a data-modifying CTE; nothing is fetched).
        added = statement.returning(SmsRecipient.id).cte("added")
        return db.session.scalar(select(func.count()).select_from(added))
    return max(db.session.execute(statement).rowcount, 0)


def count_recipients(message: SmsMessage) -> int:
    """Store and return how many recipients the message has (for the `enqueue` flag)."""
    count = db.session.scalar(select(func.count()).where(SmsRecipient.message_id == message.id))
    db.session.execute(
        update(SmsMessage).where(SmsMessage.id == message.id).values(recipient_count=count)
    )
    return count
