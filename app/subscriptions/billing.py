"""Billing a new subscription: the billing backend is tried up to MAX_BILLING_TRY_LIMIT
times with growing pauses (BILLING_RETRY_DELAY_SECONDS, doubled each time); then the
subscription is cancelled and the customer told by SMS.

Backends: "development" records each attempt and declines the numbers listed in
BILLING_DEVELOPMENT_DECLINES; "http" POSTs JSON to BILLING_URL with
`Authorization: Bearer BILLING_TOKEN` (a 2xx answer is a success).
"""

import logging
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

import requests
from flask import current_app
from sqlalchemy import select, update

from app import outbox
from app.celery_app import enqueue
from app.errors import ConfigurationError
from app.extensions import db
from app.models import BillingAttempt, Customer, Subscription
from app.models.base import utcnow
from app.phones import mask

log = logging.getLogger(__name__)

CANCELLED_TEXT = (
    "We could not charge your {product} subscription, so it has been cancelled. "
    "Subscribe again any time."
)


def charge(config: Mapping[str, Any], charge_request: dict[str, Any]) -> tuple[bool, str]:
    """Ask the billing backend to charge one subscription.

    Args:
        charge_request: {"subscription_id", "msisdn", "product", "attempt"}, posted as
            the JSON body by the "http" backend.

    Returns:
        (ok, detail): detail is what the backend answered (or why it could not be asked).
    """
    msisdn = charge_request["msisdn"]
    if config["BILLING_BACKEND"] == "development":
        declined = msisdn in config["BILLING_DEVELOPMENT_DECLINES"]
        return (not declined, "declined" if declined else "charged")
    if not config.get("BILLING_URL"):
        raise ConfigurationError("set BILLING_URL (and BILLING_TOKEN) to bill over HTTP")
    try:
        response = requests.post(  # nosec B113 - timeout= below, from settings
            config["BILLING_URL"],
            json=charge_request,
            headers={"Authorization": f"Bearer {config.get('BILLING_TOKEN') or ''}"},
            timeout=config["BILLING_TIMEOUT_SECONDS"],
        )
    except requests.RequestException as err:
        return False, f"unreachable: {type(err).__name__}"
    return response.ok, f"HTTP {response.status_code}"


def bill(subscription_id: int) -> str:
    """One billing attempt for a pending subscription (safe to run twice: the attempt is
    claimed by moving `next_billing_at` first).

    Returns:
        "active", "retry", "cancelled", or "skipped" (not pending, or not due yet).
    """
    config = current_app.config
    now = utcnow()
    claimed = db.session.execute(
        update(Subscription)
        .where(
            Subscription.id == subscription_id,
            Subscription.status == "pending",
            Subscription.next_billing_at <= now,
        )
        .values(billing_attempts=Subscription.billing_attempts + 1, next_billing_at=None)
    )
    if claimed.rowcount != 1:
        db.session.rollback()
        return "skipped"
    product, attempt, msisdn = db.session.execute(
        select(Subscription.product, Subscription.billing_attempts, Customer.msisdn)
        .join(Customer, Customer.id == Subscription.customer_id)
        .where(Subscription.id == subscription_id)
    ).one()
    db.session.commit()  # no transaction (on SQLite: no write lock) during the HTTP call
    request = {"subscription_id": subscription_id, "msisdn": msisdn, "product": product}
    ok, detail = charge(config, {**request, "attempt": attempt})
    subscription = db.session.get(Subscription, subscription_id)
    return _record(subscription, msisdn, ok, detail, config, now)


def _record(
    subscription: Subscription,
    msisdn: str,
    ok: bool,
    detail: str,
    config: Mapping[str, Any],
    now: datetime,
) -> str:
    db.session.add(
        BillingAttempt(
            subscription_id=subscription.id,
            attempt=subscription.billing_attempts,
            backend=config["BILLING_BACKEND"],
            ok=ok,
            detail=detail[:500],
        )
    )
    if ok:
        subscription.status, subscription.billed_at = "active", now
        outcome = "active"
    elif subscription.billing_attempts >= config["MAX_BILLING_TRY_LIMIT"]:
        cancel(subscription, "billing", now)
        outbox.queue(
            "sms",
            msisdn,
            {"message": CANCELLED_TEXT.format(product=subscription.product)},
            f"billing-cancelled:{subscription.id}",
        )
        outcome = "cancelled"
    else:
        delay = config["BILLING_RETRY_DELAY_SECONDS"] * 2 ** (subscription.billing_attempts - 1)
        subscription.next_billing_at = now + timedelta(seconds=delay)
        outcome = "retry"
    log.info("billing %s for %s: %s (%s)", subscription.id, mask(msisdn), outcome, detail)
    outbox.dispatch(outbox.commit())
    return outcome


def cancel(subscription: Subscription, reason: str, now: datetime) -> None:
    """Cancel a subscription (the caller commits)."""
    subscription.status = "cancelled"
    subscription.cancelled_at = now
    subscription.cancel_reason = reason
    subscription.next_billing_at = None


def bill_due(now: datetime) -> int:
    """Enqueue a billing attempt for every pending subscription that is due (the tick).

    Returns:
        how many were enqueued.
    """
    from app.subscriptions.tasks import bill_subscription

    ids = list(
        db.session.scalars(
            select(Subscription.id).where(
                Subscription.status == "pending", Subscription.next_billing_at <= now
            )
        )
    )
    db.session.rollback()
    for subscription_id in ids:
        enqueue(bill_subscription, subscription_id)
    return len(ids)
