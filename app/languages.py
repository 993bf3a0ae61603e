"""Choosing the language to speak to a caller in, and a text in it."""

from collections.abc import Mapping

from app import customers
from app.errors import InputError


def caller_language(msisdn: str, given: str | None = None) -> str:
    """The language to speak: `given` (the gateway's or the session's), else the caller's as
    a registered customer, else "en"."""
    if given:
        return given
    customer = customers.find(msisdn)
    return customer.language if customer is not None and customer.language else "en"


def in_language(
    texts: Mapping[str, str] | None, language: str, defaults: Mapping[str, str]
) -> tuple[str, str]:
    """A text in `language`: from `texts` (e.g. a group's greetings) in that language, else
    English, else their first; with none, from `defaults` in that language, else English.

    Returns:
        (text, the language code it is in).
    """
    texts = texts or {}
    for code in (language, "en", *texts):
        if texts.get(code):
            return texts[code], code
    code = language if language in defaults else "en"
    return defaults[code], code


def parse_greetings(values: tuple[str, ...] | list[str]) -> dict[str, str]:
    """Texts per language as an operator types them: ("en=Hello", "sw=Habari").

    Raises:
        InputError: a value is not LANGUAGE=TEXT.
    """
    texts = {}
    for value in values:
        language, sep, text = value.partition("=")
        if not sep or not language.strip() or not text.strip():
            raise InputError(f"greeting: {value!r} is not LANGUAGE=TEXT (e.g. en=Hello…)")
        texts[language.strip()] = text.strip()
    return texts
