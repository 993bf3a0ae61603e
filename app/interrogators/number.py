"""Numbers and money. ASCII digits only: a phone's keypad has no other, and `int()` would
accept Arabic-Indic digits, underscores and spaces."""

import re
from decimal import Decimal
from typing import Any

from jinja2 import TemplateError

from app.interrogators import Ask, Interrogator, InvalidAnswer, interrogators
from app.money import amount_text

_INTEGER = re.compile(r"-?[0-9]{1,12}", re.ASCII)
_DECIMAL = re.compile(r"-?[0-9]{1,12}(\.[0-9]{1,6})?", re.ASCII)
_AMOUNT = re.compile(r"[0-9]{1,9}", re.ASCII)


def bound(ask: Ask, key: str) -> float | None:
    """The question's `min` or `max`: a number, or an expression over earlier answers."""
    value = getattr(ask.spec, key)
    if isinstance(value, str):
        expression = ask.question.bounds[key]
        try:
            return float(expression(ask.context))
        except (TemplateError, TypeError, ValueError, ArithmeticError):
            return None  # an answer the bound depends on is missing: no bound
    return value


def check_range(ask: Ask, value: float, low: float | None, high: float | None, kind: str) -> None:
    """Raise InvalidAnswer naming the allowed range when `value` is outside it (amounts
    with thousands separators, plain numbers such as years without)."""
    grouped = kind == "amount_range"

    def fmt(number: float) -> str:
        if grouped:  # an amount, written as everywhere else: "150,000"
            return amount_text(round(number * 100))
        number = int(number) if float(number).is_integer() else number
        return f"{number}"

    if low is not None and high is not None and not low <= value <= high:
        raise InvalidAnswer(ask.msg(kind, min=fmt(low), max=fmt(high)))
    if low is not None and value < low:
        raise InvalidAnswer(ask.msg("at_least", min=fmt(low)))
    if high is not None and value > high:
        raise InvalidAnswer(ask.msg("at_most", max=fmt(high)))


@interrogators.register("number")
class NumberInterrogator(Interrogator):
    """An integer (or a decimal with `decimal: true`) within `min`..`max`."""

    floip_type = "numeric"

    def parse(self, ask: Ask, raw: str) -> Any:
        text = raw.strip()
        pattern = _DECIMAL if ask.spec.decimal else _INTEGER
        if pattern.fullmatch(text) is None:
            raise InvalidAnswer(ask.msg("number" if ask.spec.decimal else "digits"))
        value: int | float = float(Decimal(text)) if ask.spec.decimal else int(text)
        check_range(ask, value, bound(ask, "min"), bound(ask, "max"), "range")
        return value


@interrogators.register("money")
class MoneyInterrogator(Interrogator):
    """An amount typed in whole major units (keypads have no "."), stored as integer
    minor units: "250" -> 25000. `min`/`max` are in major units."""

    floip_type = "numeric"

    def parse(self, ask: Ask, raw: str) -> Any:
        text = raw.strip()
        if _AMOUNT.fullmatch(text) is None:
            raise InvalidAnswer(ask.msg("amount", currency=ask.config["CURRENCY"]))
        major = int(text)
        low, high = bound(ask, "min"), bound(ask, "max")
        check_range(ask, major, 1 if low is None else low, high, "amount_range")
        return major * 100
