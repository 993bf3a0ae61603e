"""Prompt -> USSD screens: CON/END text fitted to the network's screen, paginated.

Only this module writes `CON ` and `END ` (Source: Africa's Talking USSD API, "Handling
sessions": the body's first word is CON or END, then a space, then the menu).
"""

from collections.abc import Mapping

from app.conversation import NAV_REPLIES, Nav
from app.i18n import message
from app.prompts import Prompt

PREFIX_CHARS = 4  # "CON " / "END " count toward what the handset shows


def _split_words(text: str, width: int) -> list[str]:
    """Split `text` into chunks of at most `width` characters, at spaces when possible."""
    chunks: list[str] = []
    for line in text.split("\n"):
        while len(line) > width:
            cut = line.rfind(" ", 0, width + 1)
            cut = cut if cut > 0 else width
            chunks.append(line[:cut].rstrip())
            line = line[cut:].lstrip()
        chunks.append(line)
    return chunks


def nav_line(prompt: Prompt, keys: Mapping[Nav, str]) -> str:
    """The navigation `prompt` offers, worded with `keys`: "0 Back 00 Home"."""
    return " ".join(
        f"{keys[nav]} {message(prompt.language, nav.value)}"
        for nav in (Nav.BACK, Nav.HOME)
        if nav in prompt.navigation
    )


def paginate(
    prompt: Prompt,
    screen_chars: int,
    more_key: str = "98",
    back_key: str = "0",
    nav_keys: Mapping[Nav, str] = NAV_REPLIES,
) -> list[str]:
    """Lay `prompt` out on pages that each fit `screen_chars` with the CON/END prefix.

    The refusal note (if any) comes first, then the text and the choices. Every page but
    the last ends with "<more_key> More"; the footer (e.g. "0 Back 00 Home")
    closes every page, and without one, pages after the first offer "<back_key> Back" to
    the page before. The last `prompt.pinned` choices (e.g. "Done") are on every page.
    Long text is split at spaces.

    Returns:
        the pages' text, without the prefix; at least one page.
    """
    budget = screen_chars - PREFIX_CHARS
    kept = len(prompt.choices) - prompt.pinned
    choice_lines = [f"{choice.key}. {choice.label}" for choice in prompt.choices]
    lines = prompt.note.split("\n") if prompt.note else []
    lines += prompt.text.split("\n") if prompt.text else []
    lines += choice_lines[:kept]
    sticky = choice_lines[kept:]
    navigation = nav_line(prompt, nav_keys)
    footer = [navigation] if navigation else []
    whole = "\n".join(lines + sticky + footer)
    if len(whole) <= budget:
        return [whole]
    more = f"{more_key} {message(prompt.language, 'more')}"
    later_footer = footer or [f"{back_key} {message(prompt.language, 'back')}"]
    reserve = len(more) + 1 + len("\n".join([*sticky, *later_footer])) + 1
    items: list[str] = []
    for line in lines:
        items += _split_words(line, max(10, budget - reserve))
    pages: list[list[str]] = [[]]
    for item in items:
        candidate = "\n".join([*pages[-1], item])
        if pages[-1] and len(candidate) + reserve > budget:
            pages.append([item])
        else:
            pages[-1].append(item)
    return [
        "\n".join(
            [
                *lines,
                *sticky,
                *([more] if n < len(pages) - 1 else []),
                *(footer if n == 0 else later_footer),
            ]
        )
        for n, lines in enumerate(pages)
    ]


def ussd_body(page: str, end: bool) -> str:
    """The response body for one page: "CON …" or "END …"."""
    return ("END " if end else "CON ") + page
