"""Checks for a definition offered on voice: every question answerable from a keypad,
and every prompt speakable (text-to-speech text or a recording) in every language."""

from app.interrogators import interrogators
from app.menus.flow import NO_SCREEN, Flow
from app.menus.loader import Problem

# Answered from a keypad, or (text) by a recording; multi_choice is asked one pick at a
# time and location by its numbered list. A plugin type says so with `keypad = True`.
KEYPAD_TYPES = frozenset(
    {
        "choice",
        "multi_choice",
        "text",
        "number",
        "money",
        "date",
        "yes_no",
        "location",
        "phone",
        "pin",
        "new_pin",
        "confirm",
        "message",
        "consent",
        "language",
        "connect",
    }
)


def _missing(text: object, languages: list[str], audio: dict | None = None) -> list[str]:
    """The languages in which `text` (a string or {lang: str}) says nothing, and no
    recording stands in for it."""
    audio = audio or {}
    if isinstance(text, str):
        said = {languages[0]} if text.strip() else set()
    elif isinstance(text, dict):
        said = {language for language, value in text.items() if str(value).strip()}
    else:
        said = set()
    return [language for language in languages if language not in said and language not in audio]


def check_voice(flow: Flow) -> tuple[list[Problem], list[Problem]]:
    """(problems, warnings) for offering `flow` on voice, each at the field it is about."""
    languages = list(flow.definition.languages)
    problems: list[Problem] = []
    warnings: list[Problem] = []
    for question in flow.questions.values():
        spec, loc = question.spec, question.loc
        if spec.type in NO_SCREEN:
            continue
        if spec.type not in KEYPAD_TYPES and not interrogators.get(spec.type).keypad:
            message = f"a {spec.type} cannot be answered on a call"
            problems.append(flow.source.problem((*loc, "type"), message))
        if spec.type == "text" and (spec.pattern or spec.min_length or spec.max_length):
            message = (
                "on a call a text answer is a recording: "
                "`pattern`, `min_length` and `max_length` are not checked there"
            )
            warnings.append(flow.source.problem(loc, message))
        missing = _missing(spec.label, languages, getattr(spec, "audio", None))
        if missing:
            message = (
                f"nothing to say in {', '.join(missing)} on a call "
                "(give the text or an `audio` recording)"
            )
            problems.append(flow.source.problem((*loc, "label"), message))
        for index, choice in enumerate(spec.choices or []):
            missing = _missing(choice.label, languages)
            if missing:
                message = f"nothing to say in {', '.join(missing)} on a call"
                problems.append(flow.source.problem((*loc, "choices", index, "label"), message))
    return problems, warnings
