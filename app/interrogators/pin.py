"""PINs: checking a customer's PIN, and choosing a new one (entered twice).

Neither ever stores or logs the digits: a new PIN is kept only as a salted hash.
"""

import math
import re
from datetime import UTC, datetime
from typing import Any

from app import customers
from app.interrogators import (
    Ask,
    EndSession,
    Interrogator,
    InvalidAnswer,
    KeepAsking,
    interrogators,
)
from app.prompts import Prompt

PIN_LENGTH = 4
_PIN = re.compile(rf"[0-9]{{{PIN_LENGTH}}}", re.ASCII)


def is_trivial(pin: str) -> bool:
    """One digit repeated ("1111") or a run up or down ("1234", "4321"): the first PINs a
    thief tries, refused by mobile-money services for that reason."""
    steps = {int(b) - int(a) for a, b in zip(pin, pin[1:], strict=False)}
    return steps in ({0}, {1}, {-1})


def _digits(ask: Ask, raw: str) -> str:
    pin = raw.strip()
    if _PIN.fullmatch(pin) is None:
        raise InvalidAnswer(ask.msg("pin_digits", length=PIN_LENGTH))
    return pin


@interrogators.register("pin")
class PinInterrogator(Interrogator):
    """The customer's PIN; with `verify: true` it must match, and wrong tries are limited
    per MSISDN (`PIN_MAX_FAILURES`, then locked for `PIN_LOCK_SECONDS`). Stores True."""

    def parse(self, ask: Ask, raw: str) -> Any:
        pin = _digits(ask, raw)
        if not ask.spec.verify:
            return True
        customer = customers.find(ask.session.msisdn)
        if customer is None or customer.pin_hash is None:
            raise EndSession(ask.msg("closed"))
        ok, left = customers.check_pin(customer, pin, ask.config)
        if ok:
            return True
        if left == 0:
            minutes = _minutes_locked(customer)
            raise EndSession(ask.msg("pin_locked", minutes, minutes=minutes))
        raise InvalidAnswer(ask.msg("pin_wrong", left, left=left))


def _minutes_locked(customer: Any) -> int:
    """Whole minutes (at least 1) until the customer's PIN lock ends."""
    until = customer.pin_locked_until
    if until is None:
        return 1
    until = until if until.tzinfo else until.replace(tzinfo=UTC)
    return max(1, math.ceil((until - datetime.now(UTC)).total_seconds() / 60))


@interrogators.register("new_pin")
class NewPinInterrogator(Interrogator):
    """Choose a PIN, then enter it again; stores the salted hash of the PIN. A repeated or
    sequential PIN ("1111", "1234", "4321") is refused with the reason."""

    def prompt(self, ask: Ask) -> Prompt:
        if "first" in ask.scratch():  # the second entry: ask only for the confirmation
            return Prompt(ask.msg("pin_again"), language=ask.language)
        return super().prompt(ask)

    def parse(self, ask: Ask, raw: str) -> Any:
        pin = _digits(ask, raw)
        scratch = ask.scratch()
        first = scratch.pop("first", None)
        if first is None:
            if is_trivial(pin):
                raise InvalidAnswer(ask.msg("pin_trivial"))
            scratch["first"] = customers.hash_pin(pin, ask.config)
            raise KeepAsking("")
        if not customers.pin_matches(first, pin, ask.config):
            raise InvalidAnswer(ask.msg("pin_mismatch"))
        return first
