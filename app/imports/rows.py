"""What each import kind's lines say, and how each is applied (inside the import's one
transaction). A line that cannot be applied raises `RejectedLine` with the reason.

- forecasts: location, date, text; optional kind (daily / county), categories ("a;b").
- subscription_additions: phone_number, product; optional location, category, commodity,
  start_date, expiry_date, epoch_date.
- cancellations: phone_number; optional product (default: every product).
- location_updates: phone_number, location; optional product (default: every product).

Dates are ISO (YYYY-MM-DD); locations are matched by name (case, spaces and punctuation
ignored), a county before a sub-county before a ward of the same name.
"""

from collections.abc import Callable, Mapping
from datetime import date, datetime

from sqlalchemy import select

from app import customers
from app.extensions import db
from app.locations import fold
from app.models import Forecast, Location, Subscription
from app.models.base import upsert
from app.phones import InvalidPhoneNumber, to_e164
from app.subscriptions.billing import cancel

LEVELS = ("county", "sub_county", "ward")


class RejectedLine(ValueError):
    """A line that cannot be applied; the message is the reason shown to the uploader."""


def _cell(row: Mapping[str, str | None], column: str) -> str:
    return (row.get(column) or "").strip()


def _required(row: Mapping[str, str | None], column: str) -> str:
    value = _cell(row, column)
    if not value:
        raise RejectedLine(f"{column} is empty")
    return value


def _date(row: Mapping[str, str | None], column: str) -> date | None:
    value = _cell(row, column)
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as err:
        raise RejectedLine(f"{column} {value!r} is not a date (YYYY-MM-DD)") from err


def _location(name: str) -> int:
    rows = db.session.execute(select(Location.id, Location.level).where(Location.key == fold(name)))
    found = sorted(rows, key=lambda row: LEVELS.index(row.level) if row.level in LEVELS else 9)
    if not found:
        raise RejectedLine(f"unknown location {name!r}")
    return found[0].id


def _customer_id(row: Mapping[str, str | None], region: str, create: bool) -> int:
    raw = _required(row, "phone_number")
    try:
        msisdn = to_e164(raw, region)
    except InvalidPhoneNumber as err:
        raise RejectedLine(f"phone_number {raw!r} is not a valid number") from err
    customer = customers.find(msisdn)
    if customer is None and not create:
        raise RejectedLine("no customer with this phone_number")
    customer = customer or customers.store_fields(msisdn, {})
    db.session.flush()
    return customer.id


def _subscriptions(row: Mapping[str, str | None], customer_id: int) -> list[Subscription]:
    query = select(Subscription).where(
        Subscription.customer_id == customer_id, Subscription.status.in_(("pending", "active"))
    )
    if _cell(row, "product"):
        query = query.where(Subscription.product == _cell(row, "product"))
    found = list(db.session.scalars(query))
    if not found:
        raise RejectedLine("no active subscription for this phone_number")
    return found


def forecast(row: Mapping[str, str | None], region: str, now: datetime) -> None:
    kind = _cell(row, "kind") or "daily"
    if kind not in ("daily", "county"):
        raise RejectedLine(f"kind {kind!r} is neither daily nor county")
    categories = [c.strip() for c in _cell(row, "categories").split(";") if c.strip()]
    _required(row, "date")
    upsert(
        Forecast,
        ["location_id", "for_date", "kind"],
        location_id=_location(_required(row, "location")),
        for_date=_date(row, "date"),
        kind=kind,
        text=_required(row, "text")[:1600],
        categories=categories,
        created_at=now,
    )


def addition(row: Mapping[str, str | None], region: str, now: datetime) -> None:
    customer_id = _customer_id(row, region, create=True)
    product = _required(row, "product")
    duplicate = select(Subscription.id).where(
        Subscription.customer_id == customer_id,
        Subscription.product == product,
        Subscription.status.in_(("pending", "active")),
    )
    if db.session.scalar(duplicate) is not None:
        raise RejectedLine(f"already subscribed to {product}")
    location = _cell(row, "location")
    db.session.add(
        Subscription(
            customer_id=customer_id,
            product=product,
            category=_cell(row, "category") or None,
            commodity=_cell(row, "commodity") or None,
            location_id=_location(location) if location else None,
            status="pending",
            starts_on=_date(row, "start_date") or now.date(),
            expires_on=_date(row, "expiry_date"),
            epoch_date=_date(row, "epoch_date"),
            billing_attempts=0,
            next_billing_at=now,
        )
    )


def cancellation(row: Mapping[str, str | None], region: str, now: datetime) -> None:
    for subscription in _subscriptions(row, _customer_id(row, region, create=False)):
        cancel(subscription, "import", now)


def location_update(row: Mapping[str, str | None], region: str, now: datetime) -> None:
    location_id = _location(_required(row, "location"))
    for subscription in _subscriptions(row, _customer_id(row, region, create=False)):
        subscription.location_id = location_id


Handler = Callable[[Mapping[str, str | None], str, datetime], None]
# kind -> (required columns, handler)
KINDS: dict[str, tuple[tuple[str, ...], Handler]] = {
    "forecasts": (("location", "date", "text"), forecast),
    "subscription_additions": (("phone_number", "product"), addition),
    "cancellations": (("phone_number",), cancellation),
    "location_updates": (("phone_number", "location"), location_update),
}
