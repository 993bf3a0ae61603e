"""Choice questions: one option (`choice`) or several (`multi_choice`)."""

import random
import re
from typing import Any

from app.interrogators import (
    Ask,
    Interrogator,
    InvalidAnswer,
    KeepAsking,
    as_choices,
    interrogators,
    keyed,
    pick,
)
from app.prompts import Choice, Prompt


def visible_options(ask: Ask) -> list[tuple[str, str, Any]]:
    """The options this caller sees, numbered: filtered by `choice_filter` and each
    option's `relevant`, shuffled per respondent when `randomize` is set (the order is
    derived from the session id, so every hop and the export see the same order)."""
    question, flow = ask.question, ask.question.flow
    shown = []
    for choice in question.choices:
        if question.choice_filter is not None:
            scope = {**ask.context, "choice": choice.attributes()}
            if not question.choice_filter.test(scope):
                continue
        if choice.relevant is not None and not choice.relevant.test(ask.context):
            continue
        label = flow.text(choice.label, ask.language, ask.context)
        shown.append((label, choice.spec.value, getattr(choice.spec, "key", None)))
    if ask.spec.randomize:
        # A stable order per session (randomize: true), not a secret.
        rng = random.Random(f"{ask.session.session_id}:{question.name}")  # noqa: S311  # nosec B311
        rng.shuffle(shown)
    # An option may name its own key (`key: "0"`, "press 0 for sales"); else 1, 2, 3 …
    numbered = keyed([(label, value) for label, value, _key in shown])
    return [
        (str(key) if key is not None else number, label, value)
        for (number, label, value), (_l, _v, key) in zip(numbered, shown, strict=True)
    ]


@interrogators.register("choice")
class ChoiceInterrogator(Interrogator):
    """Pick one numbered option; the stored value is the option's `value`."""

    floip_type = "select_one"

    def choices(self, ask: Ask) -> tuple[Choice, ...]:
        return as_choices(visible_options(ask))

    def parse(self, ask: Ask, raw: str) -> Any:
        return pick(visible_options(ask), raw, ask)


_MANY = re.compile(r"^[0-9]+([ ,]+[0-9]+)*$")


def exclusive_clash(ask: Ask, options: list[tuple[str, str, Any]], values: list[Any]) -> None:
    """Refuse `values` when one of them is an `exclusive` option chosen with others.

    Raises:
        InvalidAnswer: naming the exclusive option.
    """
    if len(set(values)) < 2:
        return
    exclusive = {c.spec.value for c in ask.question.choices if c.spec.exclusive}
    for _key, label, value in options:
        if value in exclusive and value in values:
            raise InvalidAnswer(ask.msg("exclusive", label=label))


def _one_at_a_time(ask: Ask) -> bool:
    """True on a call: a keypad has no comma, so each pick is one key, then "Done"."""
    return ask.session.channel == "voice"


@interrogators.register("multi_choice")
class MultiChoiceInterrogator(Interrogator):
    """Pick several options: all at once ("1,3" or "1 3") or one at a time (choosing one
    again takes it back), then "Done"; on a call only one at a time, "Done" offered from
    the start. An `exclusive` option ("None", "Don't know") is
    refused beside any other, with the reason.

    The stored value is the list of chosen values in the order shown.
    """

    floip_type = "select_many"

    def prompt(self, ask: Ask) -> Prompt:
        chosen = ask.scratch().get("chosen", [])
        options = visible_options(ask)
        text = ask.label()
        one_at_a_time = _one_at_a_time(ask)
        if one_at_a_time and not chosen:
            text += "\n" + ask.msg("one_at_a_time", done=ask.msg("done"))
        if chosen:
            labels = [label for _key, label, value in options if value in chosen]
            text = ask.msg("chosen", chosen=", ".join(labels)) + "\n" + text
        choices = as_choices(options)
        if chosen or one_at_a_time:  # on every page: the caller needs it to finish
            choices += (Choice(str(len(options) + 1), ask.msg("done")),)
        return Prompt(text, choices, pinned=1 if chosen else 0, language=ask.language)

    def parse(self, ask: Ask, raw: str) -> Any:
        options = visible_options(ask)
        scratch = ask.scratch()
        key = raw.strip()
        if key == str(len(options) + 1) and (scratch.get("chosen") or _one_at_a_time(ask)):
            if not scratch.get("chosen"):
                raise InvalidAnswer(ask.msg("choose"))
            return [value for _k, _l, value in options if value in scratch["chosen"]]
        if not _MANY.match(key) or (_one_at_a_time(ask) and not key.isdigit()):
            raise InvalidAnswer(ask.msg("choose_many"))
        keys = re.split(r"[ ,]+", key)
        values = [pick(options, part, ask) for part in keys]
        if len(keys) > 1:
            exclusive_clash(ask, options, values)
            return [value for _k, _l, value in options if value in values]
        chosen = scratch.setdefault("chosen", [])
        if values[0] in chosen:
            chosen.remove(values[0])  # choosing it again takes it back
        else:
            exclusive_clash(ask, options, [*chosen, values[0]])
            chosen.append(values[0])
        raise KeepAsking("")
