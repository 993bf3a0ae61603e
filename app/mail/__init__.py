"""Email: written to the outbox in the transaction that caused it, sent after commit by the
outbox's Celery task through Flask-Mailman (SMTP), or recorded by the development backend.

Other parts call `queue_email(...)` inside their transaction, then
`app.outbox.dispatch(app.outbox.commit())`; `flask mail list` shows what went (or would have).
"""

from email_validator import EmailNotValidError, validate_email
from flask import Flask
from flask_mailman import Mail

from app.outbox import queue


class InvalidEmailAddress(ValueError):
    """The text is not a valid email address; the message says why."""


def normalise_address(raw: str) -> str:
    """Check an email address's syntax and return its normalised form.

    Deliverability (DNS) is not checked: addresses are checked when an operator types
    them, often offline, and a mail server's bounce says more than a lookup.

    Args:
        raw: e.g. " Volunteers@Example.org ".

    Returns:
        "Volunteers@example.org" (the domain lower-cased, the local part kept).

    Raises:
        InvalidEmailAddress: not an address; the message is email-validator's reason.
    """
    try:
        return validate_email(raw.strip(), check_deliverability=False).normalized
    except EmailNotValidError as err:
        raise InvalidEmailAddress(f"{raw.strip()!r} is not an email address: {err}") from err


def mask_address(address: str) -> str:
    """An address for logs: "volunteers@example.org" -> "v*********@example.org"."""
    local, _, domain = address.partition("@")
    return (local[:1] + "*" * max(len(local) - 1, 0)) + ("@" + domain if domain else "")


def queue_email(to: str, subject: str, body: str, dedupe_key: str) -> int | None:
    """Add one plain-text email to the current transaction's outbox (sent after commit).

    Args:
        to: one recipient address (validated and normalised here).
        subject: one line; line breaks are folded into spaces (a header cannot hold them).
        body: plain text.
        dedupe_key: unique per cause (e.g. "voicemail:42"); an email with a key already
            queued is not queued again, so a repeated cause sends nothing twice.

    Returns:
        the outbox row's id, or None when an email with this key was already queued.

    Raises:
        InvalidEmailAddress: `to` is not an email address (nothing is queued).
    """
    address = normalise_address(to)
    one_line = " ".join(subject.split())
    return queue("email", address, {"subject": one_line, "body": body}, dedupe_key)


def init_app(app: Flask) -> None:
    """Attach Flask-Mailman (settings `MAIL_*`; see config.py)."""
    Mail().init_app(app)
