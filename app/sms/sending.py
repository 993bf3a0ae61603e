"""Send one batch of recipient rows: screen, claim, call the gateway, record.

Each row is claimed (`queued` -> `sending`, with the task's id) and committed before the
gateway is called, and its outcome committed right after, so a process killed at any
point leaves every row either untouched, settled, or `sending` under a task id that tells
its next attempt which rows to settle first.
"""

import logging
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import requests
from africastalking.Service import AfricasTalkingException
from flask import current_app
from sqlalchemy import select, update

from app.errors import ConfigurationError
from app.extensions import db
from app.menus.expressions import Template
from app.models import Customer, SmsMessage, SmsRecipient
from app.models.base import utc, utcnow
from app.phones import region_of
from app.sms import gateway
from app.sms.delivery import DeliveryReport, apply_reports
from app.sms.dispatch import batches

log = logging.getLogger(__name__)

# What a gateway call raises for a batch that did not go; worth another try.
SEND_ERRORS = (AfricasTalkingException, requests.RequestException)


@dataclass(frozen=True)
class MessageInfo:
    """What sending needs of a message, as plain data: touching an expired ORM row after
    a commit would open a transaction (on SQLite, a write lock) during the gateway call."""

    id: int
    sender_id: str | None
    recipient_count: int
    allow_international: bool


@dataclass
class Outgoing:
    """A claimed row, as plain data."""

    id: int
    msisdn: str
    attempts: int
    claimed_at: datetime | None
    message: MessageInfo
    text: str


def send_batch(ids: list[int], task_id: str) -> dict[str, int]:
    """Send the rows `ids` that are still `queued`, as send task `task_id`.

    Rows this same task id left `sending` (an earlier attempt died) are settled first;
    opted-out customers are marked `opted_out`, numbers abroad `refused` (unless allowed).

    Returns:
        counts by outcome, e.g. {"sent": 98, "refused": 2}.
    """
    config = current_app.config
    counts: dict[str, int] = defaultdict(int)
    settle(_load(ids, "sending", claimed_by=task_id), config)
    _screen_opted_out(ids)
    rows = _claim(ids, task_id)
    for row in [row for row in rows if not _may_go_abroad(row, config)]:
        _record(row, status="refused", failure_reason="international")
        counts["refused"] += 1
        rows.remove(row)
    db.session.commit()
    groups: dict[tuple[int, str], list[Outgoing]] = defaultdict(list)
    for row in rows:
        groups[row.message.id, row.text].append(row)
    for group in groups.values():
        for chunk in batches(group, config["SMS_BATCH_SIZE"]):
            for outcome, number in _send_chunk(chunk, config).items():
                counts[outcome] += number
    return dict(counts)


def _screen_opted_out(ids: list[int]) -> None:
    opted_out = select(Customer.id).where(Customer.opted_out_at.is_not(None))
    db.session.execute(
        update(SmsRecipient)
        .where(
            SmsRecipient.id.in_(ids),
            SmsRecipient.status == "queued",
            SmsRecipient.customer_id.in_(opted_out),
        )
        .values(status="opted_out", status_at=utcnow())
    )


def _claim(ids: list[int], task_id: str) -> list[Outgoing]:
    from app.sms.dispatch import sendable

    claimed = db.session.scalars(
        update(SmsRecipient)
        .where(SmsRecipient.id.in_(ids), SmsRecipient.status == "queued", sendable())
        .values(
            status="sending",
            claimed_by=task_id,
            claimed_at=utcnow(),
            attempts=SmsRecipient.attempts + 1,
        )
        .returning(SmsRecipient.id)
    )
    return _load(list(claimed), "sending", claimed_by=task_id)


def _load(ids: list[int], status: str, claimed_by: str | None = None) -> list[Outgoing]:
    """Rows with their message and rendered text, read inside the current transaction."""
    if not ids:
        return []
    query = (
        select(SmsRecipient, SmsMessage, Customer)
        .join(SmsMessage, SmsMessage.id == SmsRecipient.message_id)
        .outerjoin(Customer, Customer.id == SmsRecipient.customer_id)
        .where(SmsRecipient.id.in_(ids), SmsRecipient.status == status)
    )
    if claimed_by is not None:
        query = query.where(SmsRecipient.claimed_by == claimed_by)
    rows = []
    for recipient, message, customer in db.session.execute(query):
        rows.append(
            Outgoing(
                id=recipient.id,
                msisdn=recipient.msisdn,
                attempts=recipient.attempts,
                claimed_at=utc(recipient.claimed_at),
                message=MessageInfo(
                    message.id,
                    message.sender_id,
                    message.recipient_count,
                    message.allow_international,
                ),
                text=render(message, customer),
            )
        )
    return rows


def render(message: SmsMessage, customer: Customer | None) -> str:
    """The text for one recipient: the message's template over `customer`, if templated."""
    if not message.templated:
        return message.text
    return Template(message.text).render({"customer": customer.snapshot() if customer else {}})


def _may_go_abroad(row: Outgoing, config: Mapping[str, Any]) -> bool:
    if config["SMS_ALLOW_INTERNATIONAL"] or row.message.allow_international:
        return True
    return region_of(row.msisdn) == config["DEFAULT_COUNTRY"]


def _send_chunk(chunk: list[Outgoing], config: Mapping[str, Any]) -> dict[str, int]:
    """One gateway request; every row's outcome committed before returning."""
    message = chunk[0].message
    enqueue = message.recipient_count > config["SMS_ENQUEUE_THRESHOLD"]
    numbers = [row.msisdn for row in chunk]
    try:
        results = gateway.send(config, chunk[0].text, numbers, message.sender_id, enqueue)
    except SEND_ERRORS as err:
        log.warning("SMS batch of %d for message %s failed: %s", len(chunk), message.id, err)
        for row in chunk:
            _retry_or_fail(row, str(err)[:60] or type(err).__name__, config)
        db.session.commit()
        return {"retried": len(chunk)}
    except (ConfigurationError, ValueError) as err:
        for row in chunk:
            _record(row, status="failed", failure_reason=str(err)[:60])
        db.session.commit()
        return {"failed": len(chunk)}
    return _record_results(chunk, results, config)


def _record_results(
    chunk: list[Outgoing], results: list[gateway.GatewayResult], config: Mapping[str, Any]
) -> dict[str, int]:
    by_number = {result.msisdn: result for result in results}
    counts: dict[str, int] = defaultdict(int)
    now = utcnow()
    for row in chunk:
        result = by_number.get(row.msisdn)
        if result is None:
            _record(row, status="unknown", failure_reason="NoGatewayAnswer")
        elif result.accepted:
            _record(row, status="sent", gateway_id=result.gateway_id, cost=result.cost, sent_at=now)
        elif result.retryable:
            _retry_or_fail(row, result.reason, config)
        else:
            _record(row, status="failed", failure_reason=result.reason[:60])
        counts["sent" if result and result.accepted else "not_sent"] += 1
    db.session.commit()
    if config["SMS_BACKEND"] == "development" and config["SMS_DEVELOPMENT_DELIVERY_REPORTS"]:
        simulate_reports([r for r in results if r.accepted], config)
    return dict(counts)


def _retry_or_fail(row: Outgoing, reason: str, config: Mapping[str, Any]) -> None:
    if row.attempts >= config["MAX_SMS_TRY_LIMIT"]:
        _record(row, status="failed", failure_reason=reason[:60])
        return
    delay = config["SMS_RETRY_DELAY_SECONDS"] * 2 ** (row.attempts - 1)
    _record(
        row,
        status="planned",
        due_at=utcnow() + timedelta(seconds=delay),
        failure_reason=reason[:60],
        claimed_by=None,
    )


def _record(row: Outgoing, **values: Any) -> None:
    values = {"status_at": utcnow(), **values}
    db.session.execute(update(SmsRecipient).where(SmsRecipient.id == row.id).values(**values))


def simulate_reports(results: list[gateway.GatewayResult], config: Mapping[str, Any]) -> None:
    """The development backend's delivery reports: Success, or Failed (DeliveryFailure)
    for the numbers in SMS_DEVELOPMENT_FAILURES, through the same code as the callback."""
    failing = set(config["SMS_DEVELOPMENT_FAILURES"])
    apply_reports(
        [
            DeliveryReport(result.gateway_id, "failed", result.msisdn, None, "DeliveryFailure")
            if result.msisdn in failing
            else DeliveryReport(result.gateway_id, "success", result.msisdn)
            for result in results
            if result.gateway_id
        ]
    )


def settle(rows: list[Outgoing], config: Mapping[str, Any]) -> None:
    """Rows left `sending` by a process that died: `sent` when the gateway says it took
    them, back to `queued` when it says it did not, `unknown` when it cannot say (never
    sent again: a message goes at most once)."""
    for row in rows:
        known, gateway_id = gateway.find_sent(
            config, row.msisdn, row.text, row.claimed_at or utcnow()
        )
        if known and gateway_id:
            _record(row, status="sent", gateway_id=gateway_id, sent_at=row.claimed_at)
        elif known:
            # status_at None: the next tick enqueues it at once (unless this task sends it)
            _record(row, status="queued", claimed_by=None, status_at=None)
        else:
            _record(row, status="unknown", failure_reason="ProcessDiedDuringSend")
    if rows:
        log.warning("settled %d SMS rows left sending by a dead process", len(rows))
    db.session.commit()


def settle_lost(now: datetime) -> None:
    """Settle rows claimed more than SMS_SEND_LEASE_SECONDS ago whose task never finished
    (its message was lost, not redelivered); rows found unsent are queued again."""
    lease = timedelta(seconds=current_app.config["SMS_SEND_LEASE_SECONDS"])
    ids = list(
        db.session.scalars(
            select(SmsRecipient.id).where(
                SmsRecipient.status == "sending", SmsRecipient.claimed_at < now - lease
            )
        )
    )
    settle(_load(ids, "sending"), current_app.config)
