"""Hubtel Programmable Services USSD (Ghana).

Source: Hubtel Programmable Services API reference: a JSON POST with `Type`
("Initiation", "Response", "Release", "Timeout"), `Message` (on initiation the dialled
string, e.g. "*713*1*2#"; afterwards this hop's reply), `ServiceCode`, `Operator`,
`ClientState`, `Mobile` (e.g. "233244000000"), `SessionId` and `Sequence`; the reply is
JSON with `Type` "response" (continue) or "release" (end), `Message`, `Label`,
`DataType` and `FieldType`. Input arrives per hop, not accumulated.
"""

from collections.abc import Mapping
from typing import Any

from flask import Request, Response, jsonify

from app.errors import GatewayRequestError
from app.sessions.manager import Screen
from app.ussd.gateways import UssdGateway
from app.ussd.request import UssdRequest

TYPES = {"initiation", "response", "release", "timeout"}


class HubtelGateway(UssdGateway):
    name = "hubtel"
    # The name of the setting that holds the token, not a secret (ruff S105, bandit B105).
    token_setting = "HUBTEL_CALLBACK_TOKEN"  # noqa: S105  # nosec B105
    region = "GH"
    reports_inline = True

    def _body(self, request: Request) -> Mapping[str, Any]:
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            raise GatewayRequestError("body must be a JSON object")
        return body

    def parse(self, request: Request, config: Mapping[str, Any]) -> UssdRequest:
        body = self._body(request)
        kind = self.required(body, "Type").lower()
        if kind not in TYPES:
            raise GatewayRequestError(f"field 'Type': expected one of {sorted(TYPES)}")
        if kind in {"release", "timeout"}:
            raise GatewayRequestError("field 'Type': a release carries no hop")
        session_id = self.required(body, "SessionId")
        message = str(body.get("Message") or "")
        code = self.required(body, "ServiceCode").strip().strip("*#")
        service_code = f"*{code}#"
        extra: tuple[str, ...] = ()
        if kind == "initiation" and message.startswith(service_code[:-1] + "*"):
            extra = (
                tuple(message[len(service_code) : -1].split("*")) if message.endswith("#") else ()
            )
        sequence = self.required(body, "Sequence")
        return UssdRequest(
            gateway=self.name,
            session_id=session_id,
            msisdn=self.msisdn(self.required(body, "Mobile"), config, "Mobile"),
            service_code=service_code,
            network_code=str(body.get("Operator") or ""),
            hop_id=f"#{sequence}",
            reply=None if kind == "initiation" else message,
            dialled_extra=extra,
            is_initiation=kind == "initiation",
        )

    def respond(self, screen: Screen, request: UssdRequest | None) -> Response:
        return jsonify(
            {
                "SessionId": request.session_id if request else "",
                "Type": "release" if screen.end else "response",
                "Message": screen.text,
                "Label": screen.text.split("\n", 1)[0][:60],
                "DataType": "display" if screen.end else "input",
                "FieldType": "text",
            }
        )

    def outcome(self, request: Request, config: Mapping[str, Any]) -> dict[str, Any] | None:
        body = self._body(request)
        kind = str(body.get("Type", "")).lower()
        if kind not in {"release", "timeout"}:
            return None
        return {
            "session_id": self.required(body, "SessionId"),
            "msisdn": self.msisdn(self.required(body, "Mobile"), config, "Mobile"),
            "service_code": f"*{str(body.get('ServiceCode', '')).strip('*#')}#",
            "network_code": str(body.get("Operator") or ""),
            "status": "Incomplete" if kind == "timeout" else "Success",
            "hops": int(body.get("Sequence") or 0),
        }
