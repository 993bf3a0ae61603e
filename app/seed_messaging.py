"""`flask seed`'s messaging part: campaign clients in several time zones, subscriptions,
tip series and a demo campaign (idempotent). The matching CSV files are in examples/."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select

from app import customers
from app.campaigns import service
from app.extensions import db
from app.models import Campaign, Location, Subscription, Tip, TipSeries

# (name, time zone, tag, notify window or None, county of their forecast subscription)
DEMO_CLIENTS = [
    ("Wanjiku Kamau", "Africa/Nairobi", "farmers", (time(7), time(19)), "Kiambu"),
    ("Otieno Odhiambo", "Africa/Nairobi", "farmers", None, "Kisumu"),
    ("Chebet Korir", "Africa/Nairobi", "traders", (time(8), time(17)), "Nakuru"),
    ("Adaeze Okafor", "Africa/Lagos", "farmers", (time(9), time(18)), "Kiambu"),
    ("Thabo Nkosi", "Africa/Johannesburg", "traders", None, "Nairobi City"),
    ("Amara Hughes", "Europe/London", "farmers", (time(10), time(20)), "Kiambu"),
    ("Layla Haddad", "Asia/Dubai", "farmers", None, "Nakuru"),
    ("Mateo Silva", "America/New_York", "farmers", (time(8), time(21)), "Kisumu"),
]
TIP_SERIES = {
    ("Maize through the year", "maize", "calendar"): {
        week: f"Maize, week {week}: {text}"
        for week, text in [
            (10, "prepare your land before the long rains."),
            (12, "plant certified seed at 75 x 25 cm."),
            (16, "weed early; top-dress with CAN at knee height."),
            (49, "store dry grain in hermetic bags."),
            (50, "check stored grain for weevils."),
            (51, "plan next season's seed."),
            (52, "service your sprayer and tools."),
            (53, "test your soil before the new season."),
            (1, "order seed and fertiliser early."),
        ]
    },
    ("Dairy after calving", "dairy", "event"): {
        0: "Dairy: give the calf colostrum within 2 hours of birth.",
        1: "Dairy: feed the cow well; milk yield rises for 6 weeks.",
        2: "Dairy: check the cow for mastitis before each milking.",
        3: "Dairy: start the calf on a little hay and fresh water.",
    },
}


def demo_client_msisdn(n: int) -> str:
    """The n-th demo campaign client (1-based): +254711100001, ..."""
    return f"+2547111{n:05d}"


def seed_clients() -> int:
    """The demo campaign clients with forecast and tips subscriptions; returns how many
    were created."""
    created = 0
    counties = dict(db.session.execute(select(Location.name, Location.id)).all())
    for n, (name, zone, tag, window, county) in enumerate(DEMO_CLIENTS, start=1):
        msisdn = demo_client_msisdn(n)
        if customers.find(msisdn) is not None:
            continue
        customer = customers.store_fields(msisdn, {"name": name})
        customer.tag, customer.timezone = tag, zone
        customer.notify_from, customer.notify_to = window or (None, None)
        db.session.flush()
        _subscribe(customer.id, "forecasts", location_id=counties.get(county))
        commodity = "maize" if n % 2 else "dairy"
        _subscribe(customer.id, "tips", commodity=commodity, epoch_date=date.today())
        created += 1
    db.session.commit()
    return created


def _subscribe(customer_id: int, product: str, **values: object) -> None:
    db.session.add(
        Subscription(
            customer_id=customer_id,
            product=product,
            status="active",
            starts_on=date.today(),
            **values,
        )
    )


def seed_tips() -> int:
    """The demo tip series; returns how many series were created."""
    created = 0
    for (name, commodity, kind), tips in TIP_SERIES.items():
        if db.session.scalar(select(TipSeries.id).where(TipSeries.name == name)):
            continue
        series = TipSeries(name=name, commodity=commodity, kind=kind)
        db.session.add(series)
        db.session.flush()
        db.session.add_all(Tip(series_id=series.id, week=w, text=t) for w, t in tips.items())
        created += 1
    db.session.commit()
    return created


def seed_campaign() -> int:
    """A demo campaign to the "farmers" tag, tomorrow 09:00-17:00 local time; returns 1
    when created, 0 when there is a campaign already."""
    if db.session.scalar(select(Campaign.id).limit(1)) is not None:
        return 0
    zone = ZoneInfo(current_app.config["DEFAULT_TIMEZONE"])
    tomorrow = datetime.now(zone).date() + timedelta(days=1)
    db.session.rollback()
    service.create(
        {
            "message": "Hello {{ customer.name }}, market day is Saturday: bring your produce!",
            "tag_filter": "farmers",
            "start_at": datetime.combine(tomorrow, time(9)),
            "finish_at": datetime.combine(tomorrow, time(17)),
        }
    )
    return 1
