"""What the voice channel itself says, per language: how to press a choice, the
navigation keys, and the goodbyes. A definition's own text comes in the Prompt."""

PHRASES: dict[str, dict[str, str]] = {
    "en": {
        "press": "For {label}, press {key}.",
        "back": "To go back, press {key}.",
        "home": "To start again, press {key}.",
        "repeat": "To hear this again, press {key}.",
        "finish": "Then press hash.",
        "record": "Speak after the beep, then press hash.",
        "no_input": "We did not hear from you. Goodbye.",
        "sorry": "Sorry, something went wrong. Please call again.",
        "busy": "Sorry, we are busy. Please call again.",
        "unknown_number": "Sorry, this number is not in service.",
        "voicemail_saved": "Thank you, we have your message. Goodbye.",
        "hold": "Please hold.",
        "*": "star",
        "#": "hash",
        "**#": "star star and hash",
        "*#": "star and hash",
        "0": "zero",
    },
    "sw": {
        "press": "Kwa {label}, bonyeza {key}.",
        "back": "Kurudi nyuma, bonyeza {key}.",
        "home": "Kuanza upya, bonyeza {key}.",
        "repeat": "Kusikiliza tena, bonyeza {key}.",
        "finish": "Kisha bonyeza hashi.",
        "record": "Ongea baada ya mlio, kisha bonyeza hashi.",
        "no_input": "Hatukukusikia. Kwaheri.",
        "sorry": "Samahani, hitilafu imetokea. Tafadhali piga tena.",
        "busy": "Samahani, tuna shughuli nyingi. Tafadhali piga tena.",
        "unknown_number": "Samahani, nambari hii haitumiki.",
        "voicemail_saved": "Asante, tumepokea ujumbe wako. Kwaheri.",
        "hold": "Tafadhali subiri.",
        "*": "nyota",
        "#": "hashi",
        "**#": "nyota nyota na hashi",
        "*#": "nyota na hashi",
        "0": "sifuri",
    },
}


def phrase(language: str, name: str, **values: object) -> str:
    """The phrase `name` in `language` (English when that language lacks it), filled in."""
    text = PHRASES.get(language, PHRASES["en"]).get(name) or PHRASES["en"][name]
    return text.format(**values) if values else text


def key_name(language: str, key: str) -> str:
    """How to say a key: "*" -> "star", "0" -> "zero"; other digits are said as they are."""
    table = PHRASES.get(language, PHRASES["en"])
    return table.get(key) or PHRASES["en"].get(key) or key
