"""Incoming SMS keywords: which action a message asks for, in which language, and the
replies, all from settings (SMS_KEYWORDS, SMS_REPLIES)."""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

ACTIONS = ("join", "stop", "help")
# Handsets and people add punctuation and quotes: "Stop.", "'JOIN'", "help!".
_FIRST_WORD = re.compile(r"[^\W_]+", re.UNICODE)


@dataclass(frozen=True)
class Keyword:
    """A matched keyword.

    Attributes:
        word: as configured ("JIUNGE").
        action: "join", "stop" or "help".
        language: the language it is configured under ("sw").
    """

    word: str
    action: str
    language: str


def first_word(text: str) -> str:
    """The message's first word, upper-cased, without punctuation ("" for none)."""
    found = _FIRST_WORD.search(text or "")
    return found.group(0).upper() if found else ""


def match(text: str, config: Mapping[str, Any]) -> Keyword | None:
    """The keyword the message starts with, or None.

    Args:
        text: the message as received.
        config: SMS_KEYWORDS, `{language: {WORD: action}}`.
    """
    word = first_word(text)
    if not word:
        return None
    for language, words in config["SMS_KEYWORDS"].items():
        for configured, action in words.items():
            if configured.upper() == word:
                return Keyword(configured, action, language)
    return None


def reply(action: str, language: str | None, config: Mapping[str, Any]) -> str:
    """The reply for `action` in `language`, falling back to the first configured language.

    Args:
        action: "join", "stop", "help" or "unknown".
    """
    replies = config["SMS_REPLIES"]
    fallback = next(iter(replies.values()))
    return replies.get(language or "", {}).get(action) or fallback[action]


def check(config: Mapping[str, Any]) -> list[str]:
    """Problems with SMS_KEYWORDS / SMS_REPLIES, as sentences (empty when all is well)."""
    problems = []
    for language, words in config["SMS_KEYWORDS"].items():
        for word, action in words.items():
            if action not in ACTIONS:
                problems.append(f"SMS_KEYWORDS[{language}][{word}]: unknown action {action!r}")
            if first_word(word) != word.upper():
                problems.append(f"SMS_KEYWORDS[{language}][{word}]: must be one word")
    replies = config["SMS_REPLIES"]
    if not replies:
        problems.append("SMS_REPLIES: give the replies of at least one language")
    else:
        first_language, first = next(iter(replies.items()))
        for action in (*ACTIONS, "unknown"):
            if not first.get(action):
                problems.append(f"SMS_REPLIES[{first_language}]: missing {action!r}")
    return problems
