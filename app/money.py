"""Money as callers read it, one way everywhere (screens, SMS receipts, re-asks):
"KES 150,000", with cents only when there are some ("KES 1,234.50")."""

from typing import Any


def amount_text(minor: Any, places: int = 2) -> str:
    """Integer minor units as major units with thousands separators: 15000000 ->
    "150,000", 123450 -> "1,234.50"; "" when `minor` is not a whole number."""
    try:
        minor = int(minor)
    except (TypeError, ValueError):
        return ""
    major, cents = divmod(abs(minor), 10**places)
    sign = "-" if minor < 0 else ""
    return f"{sign}{major:,}" + (f".{cents:0{places}d}" if cents else "")


def money_text(minor: Any, currency: str) -> str:
    """ "KES 150,000": the currency code, a space, then `amount_text(minor)`."""
    return f"{currency} {amount_text(minor)}"
