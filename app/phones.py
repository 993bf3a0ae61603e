"""Phone numbers: parsed with `phonenumbers` once at the boundary, E.164 everywhere after."""

from functools import lru_cache

import phonenumbers


class InvalidPhoneNumber(ValueError):
    """The text is not a valid phone number for the region."""


@lru_cache(maxsize=8192)  # a pure function; gateways repeat the caller's number every hop
def to_e164(raw: str, region: str = "KE", possible: bool = False) -> str:
    """Normalise a phone number typed or sent in any common shape to E.164.

    Args:
        raw: e.g. "+254711000001", "254711000001", "0711 000 001".
        region: ISO 3166-1 alpha-2 region for numbers without a country code.
        possible: accept any number of a possible length for its country, even in a range
            newer than the `phonenumbers` metadata. For the caller's number from a
            gateway, which is the authority on who is calling; a number a caller types
            must be valid.

    Returns:
        "+254711000001".

    Raises:
        InvalidPhoneNumber: garbage, or (unless `possible`) not a valid number.
    """
    text = raw.strip()
    if text.isdigit() and not text.startswith("0") and len(text) > 9:
        text = "+" + text  # gateways sometimes drop the "+"
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as err:
        raise InvalidPhoneNumber(f"not a phone number: {mask(raw)}") from err
    if not phonenumbers.is_possible_number(number):
        raise InvalidPhoneNumber(f"not a possible phone number: {mask(raw)}")
    if not possible and not phonenumbers.is_valid_number(number):
        raise InvalidPhoneNumber(f"not a valid phone number: {mask(raw)}")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def mask(msisdn: str | None) -> str:
    """Mask the middle of a number for logs: "+254711000001" -> "+2547*****001"."""
    if not msisdn:
        return "-"
    if len(msisdn) <= 6:
        return "*" * len(msisdn)
    return msisdn[:5] + "*" * (len(msisdn) - 8) + msisdn[-3:]
