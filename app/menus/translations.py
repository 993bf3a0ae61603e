"""What a definition has not yet translated, per language."""

from typing import Any

from app.menus.flow import Flow


def _texts(flow: Flow) -> list[tuple[str, Any]]:
    """(where, text) for every translatable text: labels, choices, messages, SMS."""
    found: list[tuple[str, Any]] = []
    for index, spec in enumerate(flow.definition.questions):
        where = flow.source.where(("questions", index), f"questions.{spec.id}")
        for field in ("label", "constraint_message", "required_message"):
            if getattr(spec, field) is not None:
                found.append((f"{where}.{field}", getattr(spec, field)))
        for choice in spec.choices or []:
            found.append((f"{where}.choices.{choice.value}", choice.label))
    for name, choices in flow.definition.choice_lists.items():
        where = flow.source.where(("choice_lists", name), f"choice_lists.{name}")
        found += [(f"{where}.{choice.value}", choice.label) for choice in choices]
    for index, action in enumerate(flow.definition.on_complete):
        if action.sms is not None:
            found.append((flow.source.where(("on_complete", index), "on_complete.sms"), action.sms))
    for index, quota in enumerate(flow.definition.quotas):
        if quota.message is not None:
            found.append((flow.source.where(("quotas", index), "quotas.message"), quota.message))
    return found


def missing_translations(flow: Flow) -> dict[str, list[str]]:
    """Language -> the `file:line: field` of every text not given in that language (a
    plain string counts as the first language only)."""
    missing: dict[str, list[str]] = {language: [] for language in flow.languages}
    for where, text in _texts(flow):
        given = set(text) if isinstance(text, dict) else {flow.languages[0]}
        for language in flow.languages:
            if language not in given:
                missing[language].append(where)
    return missing
