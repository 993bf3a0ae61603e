"""Africa's Talking USSD.

Source: Africa's Talking USSD API, "Handling sessions" and "Notifications": a form POST
with `sessionId`, `serviceCode`, `phoneNumber` (E.164), `networkCode` and `text` (every
reply so far joined by "*", "" on the first request); the reply is text/plain starting
with `CON ` or `END `. The end-of-session notification adds `status` (Success /
Incomplete / Failed), `hopsCount`, `durationInMillis`, `input`, `lastAppResponse`, `cost`
and `errorMessage`. `input` holds every reply, PINs included, so it is not kept.
"""

from collections.abc import Mapping
from typing import Any

from flask import Request, Response

from app.errors import GatewayRequestError
from app.sessions.manager import Screen
from app.ussd.gateways import UssdGateway
from app.ussd.render import ussd_body
from app.ussd.request import UssdRequest

MAX_TEXT_CHARS = 2000
OUTCOMES = {"Success", "Incomplete", "Failed"}


class AfricasTalkingGateway(UssdGateway):
    name = "africastalking"
    # The name of the setting that holds the token, not a secret (ruff S105, bandit B105).
    token_setting = "AT_CALLBACK_TOKEN"  # noqa: S105  # nosec B105

    def parse(self, request: Request, config: Mapping[str, Any]) -> UssdRequest:
        form = request.form
        session_id = self.required(form, "sessionId")
        service_code = self.required(form, "serviceCode").strip()
        msisdn = self.msisdn(self.required(form, "phoneNumber"), config, "phoneNumber")
        text = self.required(form, "text")
        if len(text) > MAX_TEXT_CHARS or len(session_id) > 100:
            raise GatewayRequestError("field 'text' or 'sessionId' is too long")
        if not (service_code.startswith("*") and service_code.endswith("#")):
            raise GatewayRequestError("field 'serviceCode' must look like *384*1#")
        return UssdRequest(
            gateway=self.name,
            session_id=session_id,
            msisdn=msisdn,
            service_code=service_code,
            network_code=form.get("networkCode", "").strip(),
            hop_id=text,
            text=text,
            # Text on a hop with no saved state is either a deep dial (*384*1*2# sent as
            # segments) or a session whose state was lost: it can pick a definition bound to
            # the full code, but is never replayed as answers.
            dialled_extra=tuple(text.split("*")) if text else (),
            is_initiation=text == "",
        )

    def respond(self, screen: Screen, request: UssdRequest | None) -> Response:
        return Response(ussd_body(screen.text, screen.end), mimetype="text/plain")

    def outcome(self, request: Request, config: Mapping[str, Any]) -> dict[str, Any] | None:
        form = request.form
        status = self.required(form, "status")
        if status not in OUTCOMES:
            raise GatewayRequestError(f"field 'status': expected one of {sorted(OUTCOMES)}")
        return {
            "session_id": self.required(form, "sessionId"),
            "msisdn": self.msisdn(self.required(form, "phoneNumber"), config, "phoneNumber"),
            "service_code": form.get("serviceCode", ""),
            "network_code": form.get("networkCode", ""),
            "status": status,
            "hops": _int(form, "hopsCount"),
            "duration_ms": _int(form, "durationInMillis"),
            "cost": form.get("cost", "")[:30],
            "last_response": form.get("lastAppResponse", ""),
            "error": form.get("errorMessage", ""),
        }


def _int(form: Mapping[str, str], name: str) -> int:
    value = form.get(name, "0") or "0"
    try:
        return int(float(value))
    except ValueError as err:
        raise GatewayRequestError(f"field {name!r} must be a number") from err
