"""Interrogators: one class per question type, each asks, parses strictly and explains.

An interrogator is stateless; everything it needs for one hop arrives in an `Ask`.
"""

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from app.errors import SautiError
from app.interrogators.messages import message
from app.menus.flow import Question
from app.prompts import Choice, Prompt
from app.registry import Registry
from app.sessions.state import InterrogationSession

interrogators: Registry[type["Interrogator"]] = Registry(
    "interrogator", "app.interrogators", "sauti.interrogators"
)


class InvalidAnswer(SautiError):
    """The reply does not answer the question; `str(err)` is the reason, for the caller."""


class KeepAsking(SautiError):
    """The reply was taken but the question is not finished (e.g. a PIN's first entry);
    `str(err)` is shown above the question again."""


class EndSession(SautiError):
    """The caller's reply ends the session politely (consent declined, PIN locked);
    `str(err)` is the goodbye text."""


@dataclass
class Ask:
    """One hop's view of the current question.

    Attributes:
        question: the compiled question (a `transitions` state).
        session: the caller's session (interrogators may use `scratch`).
        context: names for templates: earlier answers, `customer`, `today`, ...
        config: the app config (PIN limits, currency, ...).
    """

    question: Question
    session: InterrogationSession
    context: dict[str, Any]
    config: Mapping[str, Any]

    @property
    def language(self) -> str:
        return self.session.language

    @property
    def spec(self):  # noqa: ANN201 - QuestionDef
        return self.question.spec

    def label(self) -> str:
        """The question's label rendered in the caller's language."""
        return self.question.flow.text(self.question.label, self.language, self.context)

    def msg(self, key: str, count: int | None = None, **params: object) -> str:
        """A built-in message in the caller's language (`count` picks a singular)."""
        return message(self.language, key, count, **params)

    def scratch(self) -> dict[str, Any]:
        """This question's working data in the session (cleared when it is answered)."""
        return self.session.scratch.setdefault(self.question.name, {})


class Interrogator:
    """Base: a free-text question whose reply is kept as typed (stripped)."""

    name: ClassVar[str] = ""
    has_screen: ClassVar[bool] = True

    def prompt(self, ask: Ask) -> Prompt:
        """The screen for `ask` (label, choices); `end` is decided by the engine."""
        return Prompt(ask.label(), self.choices(ask), language=ask.language)

    def choices(self, ask: Ask) -> tuple[Choice, ...]:
        return ()

    def parse(self, ask: Ask, raw: str) -> Any:
        """Turn the caller's reply into the stored value.

        Raises:
            InvalidAnswer: the reply is not acceptable; the message says why.
            KeepAsking / EndSession: see their docstrings.
        """
        return printable(ask, raw.strip())

    def is_empty(self, raw: str) -> bool:
        return raw.strip() == ""


def printable(ask: Ask, text: str) -> str:
    """`text` if it holds no control character (Unicode category C: NUL, other controls,
    format characters such as the right-to-left override U+202E, unassigned code points).

    Raises:
        InvalidAnswer: it holds one; the caller is asked again, and told why.
    """
    if any(unicodedata.category(char).startswith("C") for char in text):
        raise InvalidAnswer(ask.msg("controls"))
    return text


def keyed(labels: list[tuple[str, Any]]) -> list[tuple[str, str, Any]]:
    """Number options from 1: [(label, value)] -> [(key, label, value)]."""
    return [(str(i), label, value) for i, (label, value) in enumerate(labels, start=1)]


def pick(options: list[tuple[str, str, Any]], raw: str, ask: Ask) -> Any:
    """The value of the option whose key is `raw`.

    Raises:
        InvalidAnswer: `raw` is not one of the keys shown.
    """
    key = raw.strip()
    for option_key, _label, value in options:
        if key == option_key:
            return value
    raise InvalidAnswer(ask.msg("choose"))


def as_choices(options: list[tuple[str, str, Any]]) -> tuple[Choice, ...]:
    return tuple(Choice(key, label) for key, label, _value in options)


def init_app(app: Any) -> None:
    """Discover the built-in and plugin interrogators."""
    interrogators.discover()
    app.extensions["interrogators"] = interrogators
