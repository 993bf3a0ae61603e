"""The demo call centre `flask seed` creates: iShamba's queue on +254711082007, taken from
on +254711082008 by two agent phones; demo customers 1–10 subscribe, 11–15 have lapsed."""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from app import customers
from app.callcentre import admin
from app.extensions import db
from app.models import CallQueue
from app.subscriptions import subscribe

QUEUE_NUMBER, DEQUEUE_NUMBER = "+254711082007", "+254711082008"
AGENTS = [("+254722082101", "Agent Akinyi"), ("+254722082102", "Agent Kamau")]
PRODUCT = "ishamba"


def seed_callcentre(demo_msisdn: Callable[[int], str]) -> bool:
    """Create the demo queue, its agents and the demo subscriptions; False when present.

    Args:
        demo_msisdn: n -> the n-th demo customer's number (`app.seed.demo_msisdn`).
    """
    if db.session.scalar(select(CallQueue).where(CallQueue.number == QUEUE_NUMBER)):
        return False
    admin.add_queue(
        "ishamba",
        QUEUE_NUMBER,
        DEQUEUE_NUMBER,
        "https://example.org/sauti/hold-music.mp3",
        greetings={
            "en": "Welcome to iShamba. Please hold: the next farming expert will answer.",
            "sw": "Karibu iShamba. Tafadhali subiri: mtaalamu wa kilimo atakujibu.",
        },
    )
    for phone, name in AGENTS:
        admin.add_agent("ishamba", phone, name)
    today = datetime.now(UTC).date()
    for n in range(1, 16):
        customer = customers.find(demo_msisdn(n))
        if customer is not None:
            ends = today + timedelta(days=365) if n <= 10 else today - timedelta(days=30)
            subscribe(customer.id, PRODUCT, ends - timedelta(days=365), ends)
    db.session.commit()
    return True
