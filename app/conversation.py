"""The seam between the channels and the core: an `Inbound` message comes in, a `Prompt`
goes out.

A channel (`app/ussd`, `app/voice`, `app/sms`) decodes its gateway's callback into an
`Inbound` (AT's `*`-joined text, Twilio's `Digits`, AT's `dtmfDigits`, its navigation keys)
and renders the `Prompt` the core answers (USSD CON/END, TwiML, AT voice XML, SMS text).
Nothing here knows a gateway's wire format; nothing below the channel knows a YAML question.
"""

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from enum import StrEnum


class Channel(StrEnum):
    """How the caller reaches us."""

    USSD = "ussd"
    VOICE = "voice"
    SMS = "sms"


class Nav(StrEnum):
    """A navigation request, decoded by the channel from its own keys (USSD `0`/`00`,
    voice `*`/`0`/`#`); offered by a Prompt as data, worded by the renderer."""

    BACK = "back"
    HOME = "home"
    REPEAT = "repeat"


class InputKind(StrEnum):
    """What the caller is expected to send next.

    `CHOICE`: one of `Prompt.choices` by its key; `DIGITS`: a number, PIN, date or amount
    typed on the keypad; `TEXT`: free text (a recording on voice); `RECORDING`: speech only;
    `NONE`: nothing (a message, or the end).
    """

    CHOICE = "choice"
    DIGITS = "digits"
    TEXT = "text"
    RECORDING = "recording"
    NONE = "none"


# The replies a definition's flow takes for back and home (its `navigation`, as USSD keys).
NAV_REPLIES = {Nav.BACK: "0", Nav.HOME: "00"}


@dataclass(frozen=True)
class Inbound:
    """One message from a caller, whatever the channel.

    Attributes:
        channel: ussd, voice or sms.
        gateway: the adapter's name, e.g. "africastalking", "twilio", "hubtel".
        conversation_id: the gateway's id for this conversation (USSD `sessionId`, Twilio
            `CallSid`, AT voice `sessionId`).
        msisdn: the caller (the phone user, also on outbound calls), E.164 with "+".
        address: where the caller reached us: a service code ("*384*1#"), a called number
            ("+254711082001") or an SMS keyword ("SURVEY").
        input: the caller's new input this hop (digits, text or a recording URL); None on
            a conversation's first message, when nothing was sent.
        navigate: a navigation key the channel decoded instead of an answer.
        extras: anything else the gateway told us (network code, call direction, ...).
    """

    channel: Channel
    gateway: str
    conversation_id: str
    msisdn: str
    address: str
    input: str | None = None
    navigate: Nav | None = None
    extras: Mapping[str, str] = field(default_factory=dict)
    replay_key: str = ""

    # The names the session core reads (the USSD request's): a session id, its address,
    # the hop's identity for replay, and the reply, with navigation as the definition's
    # back / home replies.
    @property
    def session_id(self) -> str:
        """The conversation id, as the session store keys it."""
        return self.conversation_id

    @property
    def service_code(self) -> str:
        """The address the conversation came to."""
        return self.address

    @property
    def dialled(self) -> str:
        """The address as reached (no deep-dial on voice)."""
        return self.address

    @property
    def network_code(self) -> str:
        """The network, when the gateway says."""
        return self.extras.get("network_code", "")

    @property
    def hop_id(self) -> str:
        """What identifies this hop: a repeated callback carries the same key."""
        return self.replay_key

    @property
    def reply(self) -> str:
        """The answer, or the definition's reply for a navigation request."""
        if self.navigate is Nav.BACK:
            return NAV_REPLIES[Nav.BACK]
        if self.navigate is Nav.HOME:
            return NAV_REPLIES[Nav.HOME]
        return self.input or ""

    text = ""
    is_initiation = False
    dialled_extra: tuple[str, ...] = ()

    @property
    def first(self) -> bool:
        """True when this message opens the conversation (nothing typed yet)."""
        return self.input is None and self.navigate is None


@dataclass(frozen=True, slots=True)
class Choice:
    """One option: the key the caller presses and its label in the prompt's language."""

    key: str
    label: str


@dataclass(frozen=True, slots=True)
class Connect:
    """Put the caller through to other numbers (voice only; USSD says `Prompt.text`).

    Attributes:
        numbers: E.164 numbers rung together; the first to answer takes the call.
        ringback_url: audio the caller hears while they ring (absolute URL).
        caller_id: the number shown to the callee (our number), when the gateway needs it.
    """

    numbers: tuple[str, ...]
    ringback_url: str | None = None
    caller_id: str | None = None
    sequential: bool = False
    timeout_seconds: int | None = None
    voicemail: "Voicemail | None" = None


@dataclass(frozen=True, slots=True)
class Voicemail:
    """Record a message for a hotline group (voice only): after `Prompt.text`, or, on a
    `Connect`, when nobody answers, after `greeting`.

    Attributes:
        group_id: the volunteer group the message is for.
        greeting: what the caller hears before the beep when nobody answered a `Connect`.
    """

    group_id: int
    greeting: str = ""


@dataclass(frozen=True, slots=True)
class Queue:
    """Wait in a gateway's call queue, or take its longest-waiting caller (voice only).

    Attributes:
        name: the queue's name at the gateway.
        number: the number its callers dialled (AT `Dequeue phoneNumber`).
        hold_music_url: what waiting callers hear.
        take: False to wait in the queue (enqueue), True to take a caller (dequeue).
    """

    name: str
    number: str = ""
    hold_music_url: str = ""
    take: bool = False


@dataclass(frozen=True, slots=True)
class Prompt:
    """What to ask or tell the caller next, in the session's language, as data.

    Attributes:
        text: the question or message in `language` (without choices or navigation).
        choices: the options, in order; their keys are what the caller sends back.
        note: why the last answer was refused ("Enter a number from 1 to 10."), shown or
            said before `text`; "" when nothing was refused.
        expects: the kind of input wanted next.
        navigation: the navigation offered on this prompt; the renderer words the keys.
        max_digits: how many keypad digits an answer has at most, when known.
        audio: a recording per language code, played instead of speaking `text`.
        language: the language code `text` and the labels are in.
        end: True when the conversation ends after this prompt.
        connect: put the caller through to these numbers after `text` (voice).
        voicemail: record a message after `text` (voice).
        queue: wait in, or take from, a call queue after `text` (voice).
    """

    text: str
    choices: tuple[Choice, ...] = ()
    note: str = ""
    expects: InputKind = InputKind.NONE
    navigation: frozenset[Nav] = frozenset()
    max_digits: int | None = None
    audio: Mapping[str, str] = field(default_factory=dict)
    language: str = "en"
    end: bool = False
    connect: Connect | None = None
    voicemail: Voicemail | None = None
    queue: Queue | None = None

    @property
    def audio_url(self) -> str | None:
        """The recording for this prompt's language, if there is one."""
        return self.audio.get(self.language)

    def to_data(self) -> dict:
        """Plain data (JSON-safe) for a channel's state, e.g. to say a prompt again."""
        data = {
            "text": self.text,
            "choices": [[choice.key, choice.label] for choice in self.choices],
            "note": self.note,
            "expects": self.expects.value,
            "navigation": sorted(nav.value for nav in self.navigation),
            "max_digits": self.max_digits,
            "audio": dict(self.audio),
            "language": self.language,
            "end": self.end,
        }
        if self.connect is not None:
            data["connect"] = connect_data(self.connect)
        if self.voicemail is not None:
            data["voicemail"] = asdict(self.voicemail)
        if self.queue is not None:
            data["queue"] = asdict(self.queue)
        return data

    @classmethod
    def from_data(cls, data: Mapping) -> "Prompt":
        """The Prompt `to_data` described."""
        connect, voicemail, queue = data.get("connect"), data.get("voicemail"), data.get("queue")
        return cls(
            text=data["text"],
            choices=tuple(Choice(key, label) for key, label in data.get("choices", ())),
            note=data.get("note", ""),
            expects=InputKind(data.get("expects", "none")),
            navigation=frozenset(Nav(nav) for nav in data.get("navigation", ())),
            max_digits=data.get("max_digits"),
            audio=dict(data.get("audio", {})),
            language=data.get("language", "en"),
            end=bool(data.get("end", False)),
            connect=connect_from(connect) if connect else None,
            voicemail=Voicemail(**voicemail) if voicemail else None,
            queue=Queue(**queue) if queue else None,
        )


def connect_data(connect: Connect) -> dict:
    """A Connect as plain data (JSON-safe)."""
    data = asdict(connect)
    data["numbers"] = list(connect.numbers)
    if connect.voicemail is None:
        del data["voicemail"]
    return data


def connect_from(data: Mapping) -> Connect:
    """The Connect `connect_data` described."""
    voicemail = data.get("voicemail")
    return Connect(
        numbers=tuple(data["numbers"]),
        ringback_url=data.get("ringback_url"),
        caller_id=data.get("caller_id"),
        sequential=bool(data.get("sequential", False)),
        timeout_seconds=data.get("timeout_seconds"),
        voicemail=Voicemail(**voicemail) if voicemail else None,
    )
