"""The SautiError hierarchy and the boundary handlers that still answer the handset."""


class SautiError(Exception):
    """Base of every error Sauti raises on purpose."""


class ConfigurationError(SautiError):
    """Settings are missing or wrong; the message names every variable to set or fix."""


class MenuDefinitionError(SautiError):
    """One or more YAML definitions are invalid.

    Attributes:
        problems: every problem found, each as `file:line: field: message`.
    """

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("invalid menu definitions:\n" + "\n".join(problems))


class GatewayRequestError(SautiError):
    """A gateway callback is malformed; the message names the field (answered with 400)."""


class NoDirectorError(SautiError):
    """No director bid for a new session."""


class SessionConflictError(SautiError):
    """A callback does not belong to the session it names (another MSISDN or service code)."""


class SessionBusyError(SautiError):
    """Another hop of the same session held the lock past the bounded wait.

    Attributes:
        language: the session's language, when its state was read (else None).
    """

    def __init__(self, message: str, language: str | None = None) -> None:
        self.language = language
        super().__init__(message)


class HopTimeout(SautiError):
    """A hop ran past USSD_HOP_BUDGET_SECONDS before committing: it commits nothing."""


class HopAnswered(SautiError):
    """An earlier attempt of this hop committed its outcome first: answer with that one."""


class RateLimitedError(SautiError):
    """A caller started more sessions this minute than USSD_NEW_SESSIONS_PER_MINUTE."""


class RegistryError(SautiError):
    """A plugin name is registered twice, or an unknown one is asked for."""
