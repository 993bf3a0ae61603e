"""Sending one email through Flask-Mailman: "development" records it (nothing leaves the
machine), "smtp" sends through `MAIL_SERVER`; any other value names a Flask-Mailman backend
(e.g. "console", or a dotted path to an `EmailBackend` class)."""

import hashlib
import logging
from collections.abc import Mapping
from email.utils import parseaddr
from typing import Any

from flask import current_app
from flask_mailman import EmailMessage
from flask_mailman.backends.base import BaseEmailBackend

from app.mail import mask_address

log = logging.getLogger(__name__)

DEVELOPMENT = "development"


class EmailBackend(BaseEmailBackend):
    """The development backend: builds each message (so a bad header still fails, as it
    would on SMTP) and logs it instead of sending; the outbox row keeps what was built."""

    def send_messages(self, email_messages: list[EmailMessage]) -> int:
        for message in email_messages:
            message.message()
            # Not the subject: it may name a caller (a voicemail's does).
            log.info(
                "development email to %s: %d characters",
                ", ".join(mask_address(to) for to in message.to),
                len(message.body),
            )
        return len(email_messages)


def _backend(config: Mapping[str, Any]) -> str:
    name = config["MAIL_BACKEND"]
    return f"{__name__}.EmailBackend" if name == DEVELOPMENT else name


def message_id(dedupe_key: str, sender: str) -> str:
    """A Message-ID fixed by the email's cause: were a send ever repeated (a crash between
    sending and recording it), mail clients would show one message."""
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    return f"<{hashlib.sha256(dedupe_key.encode()).hexdigest()[:32]}@{domain}>"


def send_email(
    config: Mapping[str, Any], recipient: str, payload: dict[str, Any], key: str
) -> dict[str, Any]:
    """Send one plain-text email; returns what was sent (plain data, kept on the row).

    Args:
        config: the app's settings (`MAIL_BACKEND`, `MAIL_DEFAULT_SENDER`, `MAIL_SERVER`…).
        recipient: the address.
        payload: {"subject": str, "body": str}.
        key: the outbox row's dedupe key (it fixes the Message-ID).

    Raises:
        smtplib.SMTPException: the server refused the message.
        ConnectionError: the server could not be reached (the task retries).
    """
    sender = config["MAIL_DEFAULT_SENDER"]
    mailman = current_app.extensions["mailman"]
    message = EmailMessage(
        subject=payload["subject"],
        body=payload["body"],
        from_email=sender,
        to=[recipient],
        headers={"Message-ID": message_id(key, sender)},
        connection=mailman.get_connection(backend=_backend(config)),
    )
    message.send()
    return {
        "backend": config["MAIL_BACKEND"],
        "from": sender,
        "to": recipient,
        "subject": payload["subject"],
        "message_id": message.extra_headers["Message-ID"],
    }
