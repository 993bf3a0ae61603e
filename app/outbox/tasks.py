"""The Celery task that performs one outbox row."""

import logging
import smtplib
from datetime import UTC, datetime, timedelta

import requests
from africastalking.Service import AfricasTalkingException
from celery import shared_task
from flask import current_app
from sqlalchemy import select

from app.errors import ConfigurationError
from app.extensions import db
from app.mail.backends import send_email
from app.models import OutboxMessage
from app.outbox import backends
from app.phones import mask

# What a backend raises for a message that cannot go: recorded on the row, not retried.
DELIVERY_ERRORS = (
    AfricasTalkingException,
    requests.RequestException,
    smtplib.SMTPException,
    ConfigurationError,
    ValueError,
)

log = logging.getLogger(__name__)


@shared_task(acks_late=True, autoretry_for=(ConnectionError,), max_retries=5, retry_backoff=True)
def deliver(outbox_id: int) -> str:
    """Send outbox row `outbox_id` once; a row already sent is left alone.

    Returns:
        the row's status afterwards ("sent", "failed", or "skipped" when already done).
    """
    row = db.session.get(OutboxMessage, outbox_id, with_for_update=True)
    if row is None or row.status != "pending":
        db.session.rollback()
        return "skipped"
    config = current_app.config
    row.attempts += 1
    try:
        if row.kind == "sms":
            row.backend = config["SMS_BACKEND"]
            row.result = backends.send_sms(config, row.recipient, row.payload)
        elif row.kind == "airtime":
            row.backend = config["AIRTIME_BACKEND"]
            row.result = backends.send_airtime(config, row.recipient, row.payload, row.dedupe_key)
        elif row.kind == "email":
            row.backend = config["MAIL_BACKEND"]
            row.result = send_email(config, row.recipient, row.payload, row.dedupe_key)
        elif row.kind == "call":
            row.backend = config["VOICE_BACKEND"]
            row.result = backends.place_call(config, row.recipient, row.payload)
        else:
            raise ValueError(f"no backend for outbox kind {row.kind!r}")
        row.status, row.sent_at = "sent", datetime.now(UTC)
    except ConnectionError:
        db.session.rollback()
        raise
    except DELIVERY_ERRORS as err:
        log.warning("outbox %s to %s failed: %s", outbox_id, mask(row.recipient), err)
        row.status, row.error = "failed", str(err)[:500]
    db.session.commit()
    return row.status


@shared_task(acks_late=True)
def sweep(older_than_seconds: int = 60) -> int:
    """Enqueue delivery of rows still pending after `older_than_seconds` (their enqueue
    was lost, e.g. the broker was down at commit). Run by Celery beat every minute.

    Returns:
        how many deliveries were enqueued.
    """
    cutoff = datetime.now(UTC) - timedelta(seconds=older_than_seconds)
    ids = list(
        db.session.scalars(
            select(OutboxMessage.id).where(
                OutboxMessage.status == "pending", OutboxMessage.created_at < cutoff
            )
        )
    )
    db.session.rollback()
    for outbox_id in ids:
        deliver.delay(outbox_id)
    return len(ids)
