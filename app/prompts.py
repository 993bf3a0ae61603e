"""The channel-neutral Prompt: what to say next, before any renderer sees it."""

from dataclasses import dataclass

from app import conversation
from app.conversation import Connect, InputKind, Nav, Queue, Voicemail


@dataclass(frozen=True, slots=True)
class Choice:
    """One numbered option on a screen: the key the caller presses and its label."""

    key: str
    label: str


@dataclass(frozen=True, slots=True)
class Prompt:
    """What to ask or tell the caller, in the session's language.

    Attributes:
        text: the question or message, already rendered for the caller's language.
        note: why the last answer was refused ("Enter a number."), shown or said before
            `text`; "" when nothing was refused.
        choices: numbered options shown after `text`, in order.
        end: True when the session ends after this prompt (USSD `END`, voice hangup).
        max_digits: for voice, how many DTMF digits to gather (None = until `#`).
        audio_url: for voice, a recording to play instead of speaking `text`.
        navigation: the navigation offered (back, home), as data; each channel words its
            own keys (USSD "0 Back 00 Home", never paginated away).
        pinned: how many of the last `choices` a caller needs on every page (e.g. "Done"):
            a paginating renderer repeats them on each page.
        language: the language code `text` is in.
        connect: put the caller through to these numbers after `text` (voice).
        voicemail: record a message for a hotline group after `text` (voice).
        queue: wait in, or take a caller from, a gateway's call queue (voice).
    """

    text: str
    choices: tuple[Choice, ...] = ()
    end: bool = False
    max_digits: int | None = None
    audio_url: str | None = None
    navigation: frozenset[Nav] = frozenset()
    pinned: int = 0
    language: str = "en"
    note: str = ""
    connect: Connect | None = None
    voicemail: Voicemail | None = None
    queue: Queue | None = None


def neutral(prompt: Prompt, expects: "InputKind") -> "conversation.Prompt":
    """The prompt as the channel seam carries it (`app.conversation.Prompt`): navigation
    as data (repeat is always offered), the refusal note apart from the text, the audio
    per language, and what a call does after the text (connect, voicemail, queue)."""
    navigation = {Nav.REPEAT, *prompt.navigation}
    return conversation.Prompt(
        text=prompt.text,
        note=prompt.note,
        choices=tuple(conversation.Choice(c.key, c.label) for c in prompt.choices),
        expects=expects,
        navigation=frozenset(navigation),
        max_digits=prompt.max_digits,
        audio={prompt.language: prompt.audio_url} if prompt.audio_url else {},
        language=prompt.language,
        end=prompt.end,
        connect=prompt.connect,
        voicemail=prompt.voicemail,
        queue=prompt.queue,
    )
