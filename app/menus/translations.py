"""What a definition has not yet translated, per language."""

from typing import Any

from app.menus.flow import Flow
from app.menus.loader import Loc


def translatable(flow: Flow) -> list[tuple[Loc, Any]]:
    """(loc, text) for every text a caller reads: labels, choices, messages, SMS."""
    found: list[tuple[Loc, Any]] = []
    for index, spec in enumerate(flow.definition.questions):
        loc = ("questions", index)
        for field in ("label", "constraint_message", "required_message"):
            if getattr(spec, field) is not None:
                found.append(((*loc, field), getattr(spec, field)))
        for number, choice in enumerate(spec.choices or []):
            found.append(((*loc, "choices", number, "label"), choice.label))
    for name, choices in flow.definition.choice_lists.items():
        found += [(("choice_lists", name, n, "label"), c.label) for n, c in enumerate(choices)]
    for index, action in enumerate(flow.definition.on_complete):
        if action.sms is not None:
            found.append((("on_complete", index, "sms"), action.sms))
    for index, quota in enumerate(flow.definition.quotas):
        if quota.message is not None:
            found.append((("quotas", index, "message"), quota.message))
    return found


def missing_by_language(flow: Flow) -> dict[str, list[Loc]]:
    """Language -> the loc of every text not given in that language (a plain string
    counts as the first language only; one with no letters, such as "1" or "0-5", as all)."""
    missing: dict[str, list[Loc]] = {language: [] for language in flow.languages}
    for loc, text in translatable(flow):
        if isinstance(text, str) and not any(ch.isalpha() for ch in text):
            continue
        given = {k for k, v in text.items() if v} if isinstance(text, dict) else {flow.languages[0]}
        for language in flow.languages:
            if language not in given:
                missing[language].append(loc)
    return missing


def missing_translations(flow: Flow) -> dict[str, list[str]]:
    """Language -> `file:line:column: field` of every text not given in that language."""
    return {
        language: [flow.source.where(loc) for loc in locs]
        for language, locs in missing_by_language(flow).items()
    }
