"""`connect`: say the label, then put the caller through to a named line (voice).

`params: {line: sales}` names an entry of the `VOICE_LINES` setting; the caller hears the
app's ringback tone while the line rings (where the gateway plays one). The call ends
there, so a `connect` question has no `next`.
"""

from app.conversation import Connect
from app.interrogators import Ask, Interrogator, interrogators
from app.prompts import Prompt


@interrogators.register("connect")
class ConnectInterrogator(Interrogator):
    """Ends the conversation with a transfer to `params.line`'s numbers."""

    def prompt(self, ask: Ask) -> Prompt:
        config = ask.config
        numbers = config["VOICE_LINES"].get(ask.spec.params.get("line", ""), [])
        base = (config.get("PUBLIC_BASE_URL") or "").rstrip("/")
        connect = Connect(
            numbers=tuple(numbers),
            ringback_url=f"{base}/voice/ringback.wav" if base else None,
            caller_id=ask.session.service_code,
        )
        return Prompt(ask.label(), language=ask.language, connect=connect)
