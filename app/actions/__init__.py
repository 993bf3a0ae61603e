"""Actions: named Python steps a definition can run (`type: action` or `on_complete.call`).

An action takes an ActionContext and keyword parameters (evaluated from the definition's
`params` expressions) and returns plain data, stored as the step's answer so that later
labels and `next` rules can use it (e.g. `{{ withdraw_done.balance | money }}`).
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from app.registry import Registry
from app.sessions.state import InterrogationSession

Action = Callable[..., dict[str, Any]]
actions: Registry[Action] = Registry("action", "app.actions", "sauti.actions")


@dataclass(frozen=True)
class ActionContext:
    """Who and where an action runs for.

    Attributes:
        session_id / msisdn / language: from the USSD session.
        idempotency_key: unique per (session, hop, step): a retried hop gets the same key,
            a second deposit later in the same session gets another.
        config: the app config.
    """

    session_id: str
    msisdn: str
    language: str
    idempotency_key: str
    config: Mapping[str, Any]

    @classmethod
    def for_step(
        cls, session: InterrogationSession, step: str, config: Mapping[str, Any]
    ) -> "ActionContext":
        key = f"{session.session_id}:{session.hops}:{step}"
        return cls(session.session_id, session.msisdn, session.language, key, config)


def init_app(app: Any) -> None:
    """Discover the built-in and plugin actions."""
    actions.discover()
    app.extensions["actions"] = actions
