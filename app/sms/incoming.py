"""Incoming SMS: read the gateway's callback, keep each message once, act on keywords and
answer through the outbox.

One message, one transaction: the row (unique on the gateway's id), what the keyword does
(opt-out, subscription) and the reply's outbox row commit together, so a message the
gateway posts again finds its row and gets the stored reply, with nothing done twice.

Order of precedence: a keyword (STOP must always work), then an open SMS conversation
(`conversation_reply`, the one place the session engine will take SMS text), then help.
"""

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from flask import current_app
from sqlalchemy import select

from app import customers, outbox
from app.errors import GatewayRequestError
from app.extensions import db
from app.models import Customer, IncomingSms, Location, Subscription
from app.models.base import insert_ignoring_duplicates, utcnow
from app.phones import InvalidPhoneNumber, mask, to_e164
from app.sms import keywords, optout

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class InboundSms:
    """An incoming SMS as the gateway described it.

    Attributes:
        gateway_id: the gateway's message id (AT `id`).
        msisdn: the sender, E.164 (AT `from`).
        short_code: the number it was sent to (AT `to`).
        text: the message (AT `text`; may be "").
        received_at: AT `date` as aware UTC, or None when not sent.
        link_id: AT `linkId` (premium on-demand replies), or None.
        network_code: AT `networkCode`, or None.
    """

    gateway_id: str
    msisdn: str
    short_code: str
    text: str
    received_at: datetime | None = None
    link_id: str | None = None
    network_code: str | None = None


@dataclass(frozen=True)
class Answer:
    """What Sauti did with a message: `reply` (None: nothing to say) and whether the
    message had been received before (`duplicate`)."""

    reply: str | None
    handled_as: str
    duplicate: bool = False


def parse_at_incoming(form: Mapping[str, str], config: Mapping[str, Any]) -> InboundSms:
    """Read an Africa's Talking incoming-message callback.

    Args:
        form: POST form with `from`, `to`, `text`, `id` (required; `text` may be empty),
            `date` ("2026-12-01 09:00:00" or ISO 8601, UTC when it has no offset),
            `linkId`, `networkCode` (optional).

    Raises:
        GatewayRequestError: a required field is missing, `from` is not a phone number or
            `date` is not a date; the message names the field.

    Source: Africa's Talking SMS API, "Incoming messages" (POST form).
    """
    for field in ("from", "to", "id"):
        if not form.get(field, "").strip():
            raise GatewayRequestError(f"missing field: {field}")
    if "text" not in form:
        raise GatewayRequestError("missing field: text")
    try:
        msisdn = to_e164(form["from"], config["DEFAULT_COUNTRY"])
    except InvalidPhoneNumber as err:
        raise GatewayRequestError(f"field from: {err}") from err
    return InboundSms(
        gateway_id=form["id"].strip()[:100],
        msisdn=msisdn,
        short_code=form["to"].strip()[:20],
        text=form["text"][:1600],
        received_at=_date(form.get("date", "").strip()),
        link_id=form.get("linkId", "").strip()[:100] or None,
        network_code=form.get("networkCode", "").strip()[:10] or None,
    )


def _date(raw: str) -> datetime | None:
    if not raw:
        return None
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError as err:
        raise GatewayRequestError(f"field date: not a date: {raw[:40]!r}") from err
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def receive(sms: InboundSms) -> Answer:
    """Keep the message once, act on it and queue the reply; commits.

    Returns:
        the reply and what the message was taken as; for a message already received, the
        reply stored then, with `duplicate` set.
    """
    now = utcnow()
    row_id = insert_ignoring_duplicates(
        IncomingSms,
        ["gateway_id"],
        gateway="africastalking",
        gateway_id=sms.gateway_id,
        msisdn=sms.msisdn,
        short_code=sms.short_code,
        text=sms.text,
        link_id=sms.link_id,
        network_code=sms.network_code,
        received_at=sms.received_at or now,
        created_at=now,
    )
    if row_id is None:
        db.session.rollback()
        known = db.session.scalar(
            select(IncomingSms).where(IncomingSms.gateway_id == sms.gateway_id)
        )
        log.info("incoming SMS %s from %s again", sms.gateway_id, mask(sms.msisdn))
        return Answer(known.reply, known.handled_as or "", duplicate=True)
    message = db.session.get(IncomingSms, row_id)
    handled_as, reply = _handle(message, now)
    message.handled_as, message.reply = handled_as, reply
    if reply:
        payload: dict[str, Any] = {"message": reply, "sender_id": sms.short_code}
        outbox.queue("sms", sms.msisdn, payload, dedupe_key=f"sms-in:{row_id}")
    outbox.dispatch(outbox.commit())
    log.info("incoming SMS %s from %s: %s", sms.gateway_id, mask(sms.msisdn), handled_as)
    return Answer(reply, handled_as)


def _handle(message: IncomingSms, now: datetime) -> tuple[str, str | None]:
    config = current_app.config
    customer = customers.find(message.msisdn)
    message.customer_id = customer.id if customer else None
    keyword = keywords.match(message.text, config)
    if keyword is not None:
        message.keyword, message.language = keyword.word, keyword.language
        new = customer is None
        customer = ACTIONS[keyword.action](message, keyword, now)
        if new and customer is not None:  # a first message says which language they speak
            customer.language = keyword.language
        message.customer_id = customer.id if customer else None
        said = keywords.reply(keyword.action, keyword.language, config)
        if keyword.action == "join" and config["SMS_JOIN_STARTS"]:
            first = conversation_reply(message, start=config["SMS_JOIN_STARTS"])
            said = f"{said}\n{first}" if first else said
        return keyword.action, said
    language = customer.language if customer else None
    message.language = language
    answer = conversation_reply(message)
    if answer is not None:
        return "conversation", answer
    return "unknown", keywords.reply("unknown", language, config)


def conversation_reply(message: IncomingSms, start: str | None = None) -> str | None:
    """Give text that is no keyword to the sender's SMS conversation, if any.

    The one hook for SMS conversations: `app.extensions["sms_conversations"]` (the SMS
    channel, `app.sms.channel.reply`) takes the `IncomingSms` row and returns the next
    question, or None when the text starts no conversation and none is open.

    Args:
        start: an SMS keyword offered by a definition: start that conversation now,
            whatever the text (JOIN's registration, SMS_JOIN_STARTS).
    """
    handler = current_app.extensions.get("sms_conversations")
    if handler is None:
        return None
    return handler(message, start=start) if start else handler(message)


def _join(message: IncomingSms, keyword: keywords.Keyword, now: datetime) -> Customer:
    """JOIN: the sender hears from us again and, when SMS_JOIN_PRODUCT is set, gets a
    subscription billed like an imported one (the tick bills it). With SMS_JOIN_STARTS
    set, `_handle` then starts that SMS conversation (registration)."""
    customer = customers.find(message.msisdn) or customers.store_fields(message.msisdn, {})
    db.session.flush()
    optout.opt_in(message.msisdn)
    product = current_app.config["SMS_JOIN_PRODUCT"]
    if product and not _subscribed(customer, product):
        db.session.add(
            Subscription(
                customer_id=customer.id,
                product=product,
                location_id=_county_id(customer),
                status="pending",
                starts_on=now.date(),
                billing_attempts=0,
                next_billing_at=now,
            )
        )
    return customer


def _subscribed(customer: Customer, product: str) -> bool:
    query = select(Subscription.id).where(
        Subscription.customer_id == customer.id,
        Subscription.product == product,
        Subscription.status.in_(("pending", "active")),
    )
    return db.session.scalar(query.limit(1)) is not None


def _county_id(customer: Customer) -> int | None:
    county = (customer.fields or {}).get("county")
    if not county:
        return None
    return db.session.scalar(select(Location.id).where(Location.name == county).limit(1))


def _stop(message: IncomingSms, _keyword: keywords.Keyword, now: datetime) -> Customer:
    """STOP: out of every campaign and bulletin at once, recorded with time and source;
    an open SMS conversation ends."""
    from app.sms.channel import close

    close(message.msisdn, message.short_code)
    return optout.opt_out(message.msisdn, "sms", at=now)


def _help(message: IncomingSms, _keyword: keywords.Keyword, _now: datetime) -> Customer | None:
    return customers.find(message.msisdn)


ACTIONS = {"join": _join, "stop": _stop, "help": _help}
