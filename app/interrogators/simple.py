"""Two-way questions and screens that take no real answer."""

from typing import Any

from app.i18n import LANGUAGE_NAMES
from app.interrogators import (
    Ask,
    EndSession,
    Interrogator,
    as_choices,
    interrogators,
    keyed,
    pick,
)
from app.prompts import Choice


class _TwoWay(Interrogator):
    """ "1 <yes>  2 <no>" -> True / False."""

    labels: tuple[str, str] = ("yes", "no")

    def options(self, ask: Ask) -> list[tuple[str, str, Any]]:
        yes, no = self.labels
        return keyed([(ask.msg(yes), True), (ask.msg(no), False)])

    def choices(self, ask: Ask) -> tuple[Choice, ...]:
        return as_choices(self.options(ask))

    def parse(self, ask: Ask, raw: str) -> Any:
        return pick(self.options(ask), raw, ask)


@interrogators.register("yes_no")
class YesNoInterrogator(_TwoWay):
    floip_type = "select_one"
    labels = ("yes", "no")


@interrogators.register("confirm")
class ConfirmInterrogator(_TwoWay):
    """Confirm or cancel what the label describes; `next` rules test the boolean."""

    floip_type = "select_one"

    labels = ("confirm", "cancel")


@interrogators.register("consent")
class ConsentInterrogator(_TwoWay):
    """A consent gate: "No" ends the session politely with `constraint_message`."""

    floip_type = "select_one"

    labels = ("agree", "decline")

    def parse(self, ask: Ask, raw: str) -> Any:
        if super().parse(ask, raw):
            return True
        flow = ask.question.flow
        goodbye = flow.text(ask.question.constraint_message, ask.language, ask.context)
        raise EndSession(goodbye or ask.msg("declined"))


@interrogators.register("message")
class MessageInterrogator(Interrogator):
    """Information only; any reply moves on (a message with no `next` ends the session)."""

    def parse(self, ask: Ask, raw: str) -> Any:
        return None

    def is_empty(self, raw: str) -> bool:
        return False


@interrogators.register("language")
class LanguageInterrogator(Interrogator):
    """Choose one of the definition's languages; the session switches to it at once."""

    floip_type = "select_one"

    def options(self, ask: Ask) -> list[tuple[str, str, Any]]:
        languages = ask.question.flow.languages
        return keyed([(LANGUAGE_NAMES.get(code, code), code) for code in languages])

    def choices(self, ask: Ask) -> tuple[Choice, ...]:
        return as_choices(self.options(ask))

    def parse(self, ask: Ask, raw: str) -> Any:
        language = pick(self.options(ask), raw, ask)
        ask.session.language = language
        return language
