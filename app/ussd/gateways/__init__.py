"""USSD gateway adapters: each turns its gateway's callback into a UssdRequest and a
Screen into the body its gateway expects. Nothing above this package knows a gateway."""

from collections.abc import Mapping
from typing import Any, ClassVar

from flask import Request, Response

from app.errors import GatewayRequestError
from app.phones import InvalidPhoneNumber, to_e164
from app.sessions.manager import Screen
from app.ussd.request import UssdRequest


class UssdGateway:
    """Base adapter.

    Attributes:
        name: the path segment in `/ussd/<name>/<token>`.
        token_setting: the config key of the secret path token.
        reports_inline: the end of a session arrives on the hop URL (else on `/events`).
    """

    name: ClassVar[str]
    token_setting: ClassVar[str]
    reports_inline: ClassVar[bool] = False
    region: ClassVar[str] = "KE"

    def parse(self, request: Request, config: Mapping[str, Any]) -> UssdRequest:
        """Raises GatewayRequestError naming the bad field."""
        raise NotImplementedError

    def respond(self, screen: Screen, request: UssdRequest | None) -> Response:
        raise NotImplementedError

    def outcome(self, request: Request, config: Mapping[str, Any]) -> dict[str, Any] | None:
        """An end-of-session report as UssdSessionRecord fields, when the gateway sends one."""
        return None

    @staticmethod
    def required(form: Mapping[str, Any], name: str) -> str:
        value = form.get(name)
        if value is None or (isinstance(value, str) and name != "text" and not value.strip()):
            raise GatewayRequestError(f"missing field {name!r}")
        return str(value)

    def msisdn(self, raw: str, config: Mapping[str, Any], field: str) -> str:
        """The caller's number in E.164: the gateway is the authority on who is calling, so
        any possible number is a caller (a range newer than the metadata included).

        Raises:
            GatewayRequestError: the field is garbage.
        """
        try:
            return to_e164(raw, config.get("DEFAULT_COUNTRY") or self.region, possible=True)
        except InvalidPhoneNumber as err:
            raise GatewayRequestError(f"field {field!r}: {err}") from err


def gateways() -> dict[str, UssdGateway]:
    """The adapters by name."""
    from app.ussd.gateways.africastalking import AfricasTalkingGateway
    from app.ussd.gateways.hubtel import HubtelGateway

    return {cls.name: cls() for cls in (AfricasTalkingGateway, HubtelGateway)}
