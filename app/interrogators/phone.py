"""A phone number, parsed with `phonenumbers` and stored in E.164."""

from typing import Any

from app import customers
from app.interrogators import Ask, Interrogator, InvalidAnswer, interrogators
from app.phones import InvalidPhoneNumber, to_e164


@interrogators.register("phone")
class PhoneInterrogator(Interrogator):
    """Any common shape ("0712 345 678", "+254712345678"); with `verify: true` the number
    must belong to a registered customer other than the caller."""

    floip_type = "open"

    def parse(self, ask: Ask, raw: str) -> Any:
        try:
            msisdn = to_e164(raw, ask.config["DEFAULT_COUNTRY"])
        except InvalidPhoneNumber as err:
            raise InvalidAnswer(ask.msg("phone")) from err
        if ask.spec.verify and (msisdn == ask.session.msisdn or customers.find(msisdn) is None):
            raise InvalidAnswer(ask.msg("phone_unknown"))
        return msisdn
