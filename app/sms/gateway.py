"""SMS gateways for bulk sends: Africa's Talking through its SDK, or the development
backend, which records what would be sent (table `development_sms`) and answers as the
gateway would.

Both take one text and up to SMS_BATCH_SIZE recipients per call and answer one
`GatewayResult` per recipient.
"""

import json
import logging
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import africastalking
from sqlalchemy import insert, select

from app.errors import ConfigurationError
from app.extensions import db
from app.models import DevelopmentSms
from app.models.base import utcnow
from app.phones import mask

log = logging.getLogger(__name__)

# Per-recipient statusCode in the send response (Africa's Talking SMS, "Sending"):
# 100 Processed, 101 Sent, 102 Queued are accepted; 500-502 are the gateway's own trouble
# and worth another try; the rest (risk hold, bad sender id or number, balance,
# blacklist, routing, do-not-disturb) are final.
ACCEPTED_CODES = frozenset({100, 101, 102})
RETRYABLE_CODES = frozenset({500, 501, 502})


@dataclass(frozen=True)
class GatewayResult:
    """The gateway's answer for one recipient.

    Attributes:
        msisdn: E.164 number as sent.
        accepted: the gateway took the message (statusCode 100-102).
        retryable: not accepted, but another try may succeed.
        gateway_id: the gateway's messageId (delivery reports name it), or None.
        reason: the gateway's status word ("Success", "InvalidPhoneNumber", ...).
        cost: e.g. "KES 0.8000", or None.
    """

    msisdn: str
    accepted: bool
    retryable: bool
    gateway_id: str | None
    reason: str
    cost: str | None = None


def send(
    config: Mapping[str, Any],
    text: str,
    recipients: list[str],
    sender_id: str | None,
    enqueue: bool,
) -> list[GatewayResult]:
    """Send `text` to `recipients` in one gateway request.

    Args:
        config: the app's settings (SMS_BACKEND and the gateway's credentials).
        text: the message.
        recipients: E.164 numbers (a list, as the SDK wants; at most SMS_BATCH_SIZE).
        sender_id: registered sender id or short code; None for the account's default.
        enqueue: ask the gateway to queue and send after answering (high volume).

    Returns:
        one result per recipient the gateway answered for.

    Raises:
        africastalking.Service.AfricasTalkingException: the gateway refused the request.
        requests.RequestException: the gateway could not be reached.
        ConfigurationError: Africa's Talking is selected without AT_API_KEY.
    """
    if config["SMS_BACKEND"] == "development":
        return _record(config, text, recipients, sender_id, enqueue)
    if not config.get("AT_API_KEY"):
        raise ConfigurationError("set AT_API_KEY (and AT_USERNAME) to send through AT")
    africastalking.initialize(config["AT_USERNAME"], config["AT_API_KEY"])
    response = africastalking.SMS.send(text, recipients, sender_id=sender_id, enqueue=enqueue)
    return parse_at_response(response)


def parse_at_response(response: dict[str, Any] | str) -> list[GatewayResult]:
    """Turn the SDK's answer into results.

    Args:
        response: `{"SMSMessageData": {"Message": ..., "Recipients": [{"statusCode": 101,
            "number": "+2547...", "status": "Success", "cost": "KES 0.8000",
            "messageId": "ATXid_..."}]}}`, or that JSON as text (the SDK returns text when
            the content type is not exactly `application/json`).

    Source: Africa's Talking SMS API, "Sending" (response and statusCode table).
    """
    if isinstance(response, str):
        response = json.loads(response)
    results = []
    for recipient in response["SMSMessageData"].get("Recipients", []):
        code = int(recipient.get("statusCode", 0))
        message_id = recipient.get("messageId")
        results.append(
            GatewayResult(
                msisdn=recipient["number"],
                accepted=code in ACCEPTED_CODES,
                retryable=code in RETRYABLE_CODES,
                gateway_id=message_id if message_id not in (None, "None", "") else None,
                reason=str(recipient.get("status", "")),
                cost=recipient.get("cost"),
            )
        )
    return results


def _record(
    config: Mapping[str, Any],
    text: str,
    recipients: list[str],
    sender_id: str | None,
    enqueue: bool,
) -> list[GatewayResult]:
    """The development gateway: rows committed on a connection of their own (the caller's
    transaction may still roll back, as a real gateway would not), then the answer."""
    if config["SMS_DEVELOPMENT_LATENCY_SECONDS"]:
        time.sleep(config["SMS_DEVELOPMENT_LATENCY_SECONDS"])
    # Numbers the simulated gateway refuses, with AT's statusCode (e.g. 500, 403).
    refusals = config["SMS_DEVELOPMENT_REJECTIONS"]
    refused = [
        _refused(msisdn, int(refusals[msisdn])) for msisdn in recipients if msisdn in refusals
    ]
    recipients = [msisdn for msisdn in recipients if msisdn not in refusals]
    if not recipients:
        return refused
    now = utcnow()
    rows = [
        {
            "gateway_id": f"DEVid_{uuid.uuid4().hex}",
            "msisdn": msisdn,
            "text": text,
            "sender_id": sender_id,
            "enqueue": enqueue,
            "created_at": now,
        }
        for msisdn in recipients
    ]
    with db.engine.begin() as connection:
        connection.execute(insert(DevelopmentSms), rows)
    log.info("development SMS to %d recipients (first %s)", len(rows), mask(recipients[0]))
    return refused + [
        GatewayResult(row["msisdn"], True, False, row["gateway_id"], "Success", "KES 0.0000")
        for row in rows
    ]


def _refused(msisdn: str, code: int) -> GatewayResult:
    return GatewayResult(msisdn, False, code in RETRYABLE_CODES, None, f"StatusCode{code}")


def find_sent(
    config: Mapping[str, Any], msisdn: str, text: str, since: datetime
) -> tuple[bool, str | None]:
    """Ask the gateway whether it took `text` for `msisdn` at or after `since` (UTC).

    Used for rows a send task claimed before its process died inside the gateway call.

    Returns:
        (known, gateway_id): the development backend knows (gateway_id None: not sent);
        Africa's Talking offers no lookup of bulk sends, so (False, None).
    """
    if config["SMS_BACKEND"] != "development":
        return False, None
    gateway_id = db.session.scalar(
        select(DevelopmentSms.gateway_id)
        .where(
            DevelopmentSms.msisdn == msisdn,
            DevelopmentSms.text == text,
            DevelopmentSms.created_at >= since,
        )
        .limit(1)
    )
    return True, gateway_id
