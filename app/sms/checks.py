"""Checks for definitions offered on SMS (`entry: {sms: [KEYWORD]}`): one word per
keyword, none taken by a configured keyword (JOIN, STOP, HELP, ...) or by another
definition, every question answerable in a text message, and questions that fit the
configured SMS length."""

from collections.abc import Iterable, Mapping
from typing import Any

from app.conversation import Channel
from app.menus.checks import worst_case
from app.menus.flow import NO_SCREEN, Flow
from app.sms.keywords import first_word

# Never asked by SMS: a PIN would sit in the handset's inbox and the gateway's logs; a
# call cannot be put through from a message.
NOT_BY_SMS = {
    "pin": "a PIN must not be asked by SMS (it stays in the inbox and the gateway's logs)",
    "new_pin": "a PIN must not be asked by SMS (it stays in the inbox and the gateway's logs)",
    "connect": "a call cannot be put through from an SMS",
}


def _texts(label: object) -> list[str]:
    if isinstance(label, str):
        return [label]
    if isinstance(label, dict):
        return [str(value) for value in label.values()]
    return []


def check_sms(flow: Flow, config: Mapping[str, Any]) -> tuple[list[str], list[str]]:
    """(problems, warnings) for offering `flow` on SMS, as `file:line: field: message`."""
    problems: list[str] = []
    warnings: list[str] = []
    taken = {word.upper() for words in config["SMS_KEYWORDS"].values() for word in words}
    where_entry = flow.source.where(("entry", "sms"), "entry.sms")
    for word in flow.definition.addresses(Channel.SMS):
        if first_word(word) != word.upper():
            problems.append(f"{where_entry}: {word!r}: an SMS keyword is one word")
        elif word.upper() in taken:
            problems.append(f"{where_entry}: {word!r} is already an SMS keyword (SMS_KEYWORDS)")
    limit = config["SMS_CONVERSATION_MAX_CHARS"]
    for name, question in flow.questions.items():
        spec = question.spec
        if spec.type in NO_SCREEN:
            continue
        where = flow.where_question(name)
        if spec.type in NOT_BY_SMS:
            problems.append(f"{where}.type: {NOT_BY_SMS[spec.type]}")
        longest = max((len(worst_case(text)) for text in _texts(spec.label)), default=0)
        if longest > limit:
            warnings.append(
                f"{where}.label: {longest} characters, over one SMS question's "
                f"{limit} (SMS_CONVERSATION_MAX_CHARS): it goes out in more segments"
            )
    return problems, warnings


def check_sms_keywords(flows: Iterable[Flow]) -> list[str]:
    """Problems with SMS keywords offered by more than one definition."""
    owners: dict[str, str] = {}
    problems = []
    for flow in flows:
        for word in flow.definition.addresses(Channel.SMS):
            other = owners.setdefault(word.upper(), flow.id)
            if other != flow.id:
                where = flow.source.where(("entry", "sms"), "entry.sms")
                problems.append(f"{where}: {word!r} is offered by {other} too")
    return problems


def check_channels(flows: Mapping[str, Flow], config: Mapping[str, Any]) -> tuple[list, list]:
    """(problems, warnings) of every flow offered on SMS, for `flask menus validate`."""
    problems, warnings = check_sms_keywords(flows.values()), []
    for flow in flows.values():
        if flow.definition.addresses(Channel.SMS):
            found, warned = check_sms(flow, config)
            problems += found
            warnings += warned
    return problems, warnings
