"""How the simulator speaks each USSD gateway's protocol: the request a gateway would post
for a hop, and the screen in its answer. The hop then goes through the app's own callback
URL (`/ussd/<gateway>/<token>`), exactly as the gateway's would.
"""

from dataclasses import dataclass
from typing import Any

from flask import current_app


@dataclass
class Walk:
    """One simulated USSD session (kept in Redis between hops as plain data)."""

    walk_id: str
    user_id: int
    gateway: str
    network: str
    msisdn: str
    dialled: str
    service_code: str
    session_id: str
    inputs: list[str]
    steps: list[dict[str, Any]]
    first_sms_id: int = 0
    page: int = 1
    ended: bool = False


class Dialect:
    """A gateway as the simulator plays it."""

    name = ""
    label = ""
    token_setting = ""  # nosec B105 - the name of a setting, not a secret

    def path(self) -> str:
        return f"/ussd/{self.name}/{current_app.config.get(self.token_setting) or ''}"

    def hop(self, walk: Walk, reply: str | None) -> dict[str, Any]:
        """Keyword arguments for the test client's POST of this hop."""
        raise NotImplementedError

    def screen(self, status: int, body: str, data: Any) -> tuple[str, bool]:
        """(the text shown, whether the session ended) from the gateway's answer."""
        raise NotImplementedError

    def hang_up(self, walk: Walk) -> tuple[str, dict[str, Any]]:
        """(path, POST arguments) of the gateway's notice that the caller hung up."""
        raise NotImplementedError


class AfricasTalking(Dialect):
    """Form posts with every reply so far joined by `*` (Source: Africa's Talking USSD API)."""

    name, label, token_setting = "africastalking", "Africa's Talking", "AT_CALLBACK_TOKEN"

    def _form(self, walk: Walk) -> dict[str, str]:
        return {
            "sessionId": walk.session_id,
            "serviceCode": walk.service_code,
            "phoneNumber": walk.msisdn,
            "networkCode": walk.network,
        }

    def hop(self, walk: Walk, reply: str | None) -> dict[str, Any]:
        return {"data": {**self._form(walk), "text": "*".join(walk.inputs)}}

    def screen(self, status: int, body: str, data: Any) -> tuple[str, bool]:
        kind, _, text = body.partition(" ")
        if status != 200 or kind not in {"CON", "END"}:
            return f"HTTP {status}: {body}", True
        return text, kind == "END"

    def hang_up(self, walk: Walk) -> tuple[str, dict[str, Any]]:
        form = {**self._form(walk), "status": "Incomplete", "hopsCount": str(len(walk.steps))}
        return self.path() + "/events", {"data": form}


class Hubtel(Dialect):
    """JSON posts, one reply per hop (Source: Hubtel Programmable Services API)."""

    name, label, token_setting = "hubtel", "Hubtel", "HUBTEL_CALLBACK_TOKEN"

    def _body(self, walk: Walk, kind: str, message: str) -> dict[str, Any]:
        return {
            "Type": kind,
            "Message": message,
            "ServiceCode": walk.service_code.strip("*#"),
            "Operator": walk.network,
            "ClientState": "",
            "Mobile": walk.msisdn.lstrip("+"),
            "SessionId": walk.session_id,
            "Sequence": len(walk.steps) + 1,
        }

    def hop(self, walk: Walk, reply: str | None) -> dict[str, Any]:
        if reply is None:
            return {"json": self._body(walk, "Initiation", walk.dialled)}
        return {"json": self._body(walk, "Response", reply)}

    def screen(self, status: int, body: str, data: Any) -> tuple[str, bool]:
        if status != 200 or not isinstance(data, dict):
            return f"HTTP {status}: {body}", True
        return str(data.get("Message", "")), data.get("Type") == "release"

    def hang_up(self, walk: Walk) -> tuple[str, dict[str, Any]]:
        return self.path(), {"json": self._body(walk, "Timeout", "")}


DIALECTS: dict[str, Dialect] = {d.name: d for d in (AfricasTalking(), Hubtel())}
