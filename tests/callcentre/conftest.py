"""iShamba's call centre: a queue on +254711082007 that agents take from on +254711082008,
two agent phones, and callers who are active subscribers, lapsed, or unknown."""

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest

from app import customers
from app.callcentre import admin
from app.extensions import db
from app.subscriptions import subscribe

QUEUE_NUMBER, DEQUEUE_NUMBER = "+254711082007", "+254711082008"
AGENT_1, AGENT_2 = "+254720000001", "+254720000002"
ACTIVE_CALLERS = ("+254733000001", "+254733000002", "+254733000003")
LAPSED, UNKNOWN = "+254733000009", "+254733000010"
NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
START = (NOW - timedelta(days=335)).date()


@pytest.fixture
def centre(app):
    with app.app_context():
        queue = admin.add_queue(
            "ishamba",
            QUEUE_NUMBER,
            DEQUEUE_NUMBER,
            "https://example.org/hold.mp3",
            greetings={"en": "Karibu iShamba. Please hold.", "sw": "Karibu iShamba. Subiri."},
        )
        admin.add_agent("ishamba", AGENT_1, "Wanjiku")
        admin.add_agent("ishamba", AGENT_2, "Otieno")
        for msisdn in ACTIVE_CALLERS:
            customer = customers.store_fields(msisdn, {"name": "Farmer"})
            db.session.flush()
            subscribe(customer.id, "ishamba", START, (NOW + timedelta(days=30)).date())
        lapsed = customers.store_fields(LAPSED, {"name": "Lapsed", "language": "sw"})
        db.session.flush()
        subscribe(lapsed.id, "ishamba", START, (NOW - timedelta(days=1)).date())
        db.session.commit()
        return SimpleNamespace(queue=queue.id)
