"""A Prompt as one utterance: the refusal note, the question, each choice ("For English,
press 1."), then the navigation keys offered."""

from app.conversation import InputKind, Nav, Prompt
from app.voice.keys import navigation_keys, single_key
from app.voice.phrases import key_name, phrase


def spoken(prompt: Prompt) -> str:
    """Everything the caller hears for `prompt`, in its language, as plain text.

    Text that came from callers (a name in a label) stays text: the renderers put it in
    an element's text, never in markup.
    """
    language = prompt.language
    parts = [_sentences(prompt.note), _sentences(prompt.text)]
    parts += [
        phrase(language, "press", label=choice.label, key=key_name(language, choice.key))
        for choice in prompt.choices
    ]
    if not prompt.end:
        parts += _instructions(prompt)
    return " ".join(part.strip() for part in parts if part and part.strip())


def _sentences(text: str) -> str:
    """Screen lines as spoken sentences: each line ends with a full stop if it has none."""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    return " ".join(line if line[-1] in ".?!:" else f"{line}." for line in lines)


def _instructions(prompt: Prompt) -> list[str]:
    language = prompt.language
    if prompt.expects in (InputKind.TEXT, InputKind.RECORDING):
        return [phrase(language, "record")]
    if prompt.expects == InputKind.NONE:
        return []
    parts = [] if single_key(prompt) else [phrase(language, "finish")]
    for nav, key in navigation_keys(prompt).items():
        if nav is Nav.REPEAT and not key:
            continue  # typed prompts repeat when nothing is typed: nothing to say
        said = key if single_key(prompt) else f"{key}#"
        parts.append(phrase(language, nav.value, key=key_name(language, said)))
    return parts


def digits_wanted(prompt: Prompt) -> int | None:
    """How many keys to gather: 1 for single-key choices, the prompt's `max_digits` for
    typed input, None (until `#`) otherwise."""
    if single_key(prompt):
        return 1
    return prompt.max_digits
