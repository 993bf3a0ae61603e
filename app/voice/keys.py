"""The voice navigation keys, and the decoding of the digits a caller pressed.

A prompt whose choices are all one key is gathered one key at a time, with no finishing
key, so `*`, `0` and `#` arrive as keys: `*` goes back, `0` starts again (unless `0` is
one of the choices, as in "press 0 for sales"), `#` says the prompt again. Anything typed
(an amount, a PIN, a date) is gathered until `#`, so navigation is typed too: `*` then `#`
goes back, `**` then `#` starts again, and `#` alone (nothing typed) says it again.
"""

from app.conversation import InputKind, Nav, Prompt

SINGLE_KEY = {Nav.BACK: "*", Nav.HOME: "0", Nav.REPEAT: "#"}
TYPED = {Nav.BACK: "*", Nav.HOME: "**", Nav.REPEAT: ""}


def single_key(prompt: Prompt) -> bool:
    """True when one key press answers `prompt` (every choice key is one digit)."""
    return (
        prompt.expects == InputKind.CHOICE
        and bool(prompt.choices)
        and all(len(choice.key) == 1 for choice in prompt.choices)
    )


def navigation_keys(prompt: Prompt) -> dict[Nav, str]:
    """The keys offered on `prompt`, in the order they are said: back, start, repeat.

    Repeat is always offered; back and start when the prompt offers them and their key
    is not a choice's key.
    """
    table = SINGLE_KEY if single_key(prompt) else TYPED
    taken = {choice.key for choice in prompt.choices}
    offered = {}
    for nav in (Nav.BACK, Nav.HOME, Nav.REPEAT):
        if (nav in prompt.navigation or nav is Nav.REPEAT) and table[nav] not in taken:
            offered[nav] = table[nav]
    return offered


def decode(digits: str | None, prompt: Prompt) -> tuple[str | None, Nav | None]:
    """Split what the caller pressed into an answer or a navigation request.

    Args:
        digits: Twilio `Digits` / AT `dtmfDigits` (without the finishing `#`); None when
            the gateway sent no digits at all.
        prompt: the prompt the caller was answering.

    Returns:
        (answer, None) or (None, nav).
    """
    if digits is None:
        return None, Nav.REPEAT
    for nav, key in navigation_keys(prompt).items():
        if digits == key:
            return None, nav
    return digits, None
