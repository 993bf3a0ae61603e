"""Billing a new subscription: retries with back-off, then cancellation and an SMS."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from app.extensions import db
from app.models import BillingAttempt, Customer, Subscription
from app.scheduling import run_tick
from app.subscriptions import billing, is_active_subscriber
from tests.conftest import outbox_rows

MSISDN = "+254711001001"
START = datetime(2026, 12, 1, 8, tzinfo=UTC)


def add_subscription(app) -> int:
    with app.app_context():
        customer = Customer(msisdn=MSISDN, fields={}, tags=[])
        db.session.add(customer)
        db.session.flush()
        subscription = Subscription(
            customer_id=customer.id,
            product="forecasts",
            status="pending",
            starts_on=START.date(),
            billing_attempts=0,
            next_billing_at=START,
        )
        db.session.add(subscription)
        db.session.commit()
        return subscription.id


def ticks(app, *minutes: int) -> None:
    for minute in minutes:
        with time_machine.travel(START + timedelta(minutes=minute), tick=False):
            with app.app_context():
                run_tick()


def state(app, subscription_id: int) -> tuple[str, int, list[bool]]:
    with app.app_context():
        subscription = db.session.get(Subscription, subscription_id)
        attempts = db.session.scalars(select(BillingAttempt.ok).order_by(BillingAttempt.id)).all()
        return subscription.status, subscription.billing_attempts, list(attempts)


def test_declined_billing_is_retried_with_back_off_then_cancelled_and_told(app_factory):
    app = app_factory(
        BILLING_DEVELOPMENT_DECLINES=[MSISDN],
        MAX_BILLING_TRY_LIMIT=3,
        BILLING_RETRY_DELAY_SECONDS=60,
    )
    subscription_id = add_subscription(app)
    ticks(app, 0)
    assert state(app, subscription_id) == ("pending", 1, [False])
    ticks(app, 0, 0)  # not due again before 60 s: nothing more
    assert state(app, subscription_id)[1] == 1
    ticks(app, 1)
    assert state(app, subscription_id) == ("pending", 2, [False, False])
    ticks(app, 2)  # the second pause is 120 s: not yet
    assert state(app, subscription_id)[1] == 2
    ticks(app, 3)
    assert state(app, subscription_id) == ("cancelled", 3, [False, False, False])
    ticks(app, 60)
    assert state(app, subscription_id)[1] == 3
    sms = outbox_rows(app, "sms")
    assert [(row.recipient, row.status) for row in sms] == [(MSISDN, "sent")]
    assert "cancelled" in sms[0].payload["message"]


def test_a_successful_charge_activates_the_subscription(app_factory):
    app = app_factory()
    subscription_id = add_subscription(app)
    ticks(app, 0)
    assert state(app, subscription_id) == ("active", 1, [True])
    with app.app_context():
        customer = db.session.scalar(select(Customer))
        assert is_active_subscriber(customer, START.date(), "forecasts")
        assert not is_active_subscriber(customer, START.date(), "tips")


@pytest.fixture
def billing_service():
    """A billing service on 127.0.0.1 that declines the first two charges (HTTP 402)."""
    received = []

    def charge(environ, start_response):
        request = Request(environ)
        received.append((request.headers.get("Authorization"), request.get_json()))
        status = 402 if len(received) <= 2 else 200
        return Response("{}", status=status, mimetype="application/json")(environ, start_response)

    server = make_server("127.0.0.1", 0, charge)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/charge", received
    server.shutdown()


def test_the_http_backend_posts_each_attempt(app_factory, billing_service):
    url, received = billing_service
    app = app_factory(
        BILLING_BACKEND="http",
        BILLING_URL=url,
        BILLING_TOKEN="s3cret",
        BILLING_RETRY_DELAY_SECONDS=60,
    )
    subscription_id = add_subscription(app)
    ticks(app, 0, 1, 3)
    assert state(app, subscription_id) == ("active", 3, [False, False, True])
    assert received[0] == (
        "Bearer s3cret",
        {
            "subscription_id": subscription_id,
            "msisdn": MSISDN,
            "product": "forecasts",
            "attempt": 1,
        },
    )
    assert [body["attempt"] for _, body in received] == [1, 2, 3]


def test_an_unreachable_billing_service_counts_as_a_failed_attempt(app_factory):
    app = app_factory(BILLING_BACKEND="http", BILLING_URL="http://127.0.0.1:9/charge")
    subscription_id = add_subscription(app)
    with time_machine.travel(START, tick=False), app.app_context():
        assert billing.bill(subscription_id) == "retry"
        detail = db.session.scalar(select(BillingAttempt.detail))
    assert detail.startswith("unreachable")
