"""Voice: the same Prompt a USSD screen shows, rendered for a call (TwiML, Africa's
Talking voice XML). Nothing above these renderers knows `<Gather>` or `<GetDigits>`."""

from app.interrogators.messages import message
from app.prompts import Prompt


def spoken(prompt: Prompt) -> str:
    """The prompt as one utterance: its text, then "Press 1 for Maize." per choice."""
    parts = [prompt.text.replace("\n", " ").strip()]
    parts += [
        message(prompt.language, "press", digit=choice.key, label=choice.label)
        for choice in prompt.choices
    ]
    return " ".join(part for part in parts if part)


def digits_wanted(prompt: Prompt) -> int | None:
    """How many DTMF digits to gather: the prompt's own, or 1 when every choice key is one
    digit (no "#" needed), else None (until "#")."""
    if prompt.max_digits is not None:
        return prompt.max_digits
    if prompt.choices and all(len(choice.key) == 1 for choice in prompt.choices):
        return 1
    return None
