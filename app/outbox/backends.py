"""Delivery backends: "development" records what would be sent; "africastalking" sends
through the official SDK (SMS, airtime and outbound calls)."""

import logging
from collections.abc import Mapping
from typing import Any

import africastalking

from app.errors import ConfigurationError
from app.phones import mask

log = logging.getLogger(__name__)


def _at_initialised(config: Mapping[str, Any]) -> None:
    if not config.get("AT_API_KEY"):
        raise ConfigurationError(
            "set AT_API_KEY (and AT_USERNAME) to send through Africa's Talking"
        )
    africastalking.initialize(config["AT_USERNAME"], config["AT_API_KEY"])


def send_sms(config: Mapping[str, Any], recipient: str, payload: dict[str, Any]) -> dict:
    """Send one SMS; returns what the backend answered (plain data).

    Args:
        payload: {"message": ..., "sender_id": optional short code or sender id (default
            AT_SMS_SENDER_ID)}.

    Source: Africa's Talking SMS API, `SMS.send(message, recipients, sender_id)`; the reply
    is the `SMSMessageData` dict.
    """
    if config["SMS_BACKEND"] == "development":
        log.info("development SMS to %s: %d chars", mask(recipient), len(payload["message"]))
        result = {"backend": "development", "to": recipient, "message": payload["message"]}
        return {**result, "from": payload["sender_id"]} if payload.get("sender_id") else result
    _at_initialised(config)
    # A reply to an incoming SMS goes from the short code it was sent to.
    sender_id = payload.get("sender_id") or config.get("AT_SMS_SENDER_ID")
    return africastalking.SMS.send(payload["message"], [recipient], sender_id=sender_id)


def send_airtime(
    config: Mapping[str, Any], recipient: str, payload: dict[str, Any], key: str
) -> dict:
    """Top up `recipient` with `payload["amount_minor"]` in `payload["currency"]`.

    Source: Africa's Talking Airtime API, `Airtime.send(phone_number, amount,
    currency_code, idempotency_key)`.
    """
    amount = payload["amount_minor"] / 100
    if config["AIRTIME_BACKEND"] == "development":
        log.info("development airtime to %s: %s", mask(recipient), amount)
        return {"backend": "development", "to": recipient, "amount": amount}
    _at_initialised(config)
    return africastalking.Airtime.send(
        phone_number=recipient,
        amount=amount,
        currency_code=payload["currency"],
        idempotency_key=key,
    )


def place_call(config: Mapping[str, Any], recipient: str, payload: dict[str, Any]) -> dict:
    """Ring `recipient` from `payload["from"]` (our voice number); when they answer, the
    gateway posts our voice callback (`direction=Outbound`) and the IVR takes over.

    Source: Africa's Talking Voice API, `Voice.call(callFrom, callTo)` with `callTo` a list;
    the reply is `{"entries": [{"phoneNumber", "status": "Queued", "sessionId"}],
    "errorMessage": "None"}`.
    """
    if config["VOICE_BACKEND"] == "development":
        log.info("development call to %s from %s", mask(recipient), mask(payload["from"]))
        return {
            "backend": "development",
            "from": payload["from"],
            "entries": [{"phoneNumber": recipient, "status": "Queued", "sessionId": ""}],
            "errorMessage": "None",
        }
    _at_initialised(config)
    result = africastalking.Voice.call(callFrom=payload["from"], callTo=[recipient])
    if not isinstance(result, dict) or result.get("errorMessage") not in (None, "None"):
        raise ValueError(f"call not placed: {result!r}"[:300])
    return result
