"""The USSD channel's own part of a hop: which reply Africa's Talking's `*`-joined `text`
holds this time, turning pages with `98` / `0`, and laying a Prompt out on screens."""

from collections.abc import Callable, Mapping

from app.conversation import Nav
from app.prompts import Prompt
from app.ussd.render import paginate
from app.ussd.request import UssdRequest

MORE_KEY, PAGE_BACK_KEY = "98", "0"


class HopConflict(Exception):
    """The callback's input path does not extend the session's last one."""


def this_reply(
    request: UssdRequest, last_len: int, last_id: str, digest: Callable[[str], str]
) -> str:
    """This hop's reply. On accumulating gateways it is what follows the previous hop's
    text (`last_len` characters, whose digest is `last_id`), so a `*` typed inside a
    reply and repeated replies stay intact.

    Raises:
        HopConflict: the path does not extend the previous hop's.
    """
    if request.reply is not None:
        return request.reply
    text = request.text
    if last_len == 0 and last_id == digest(""):
        return text
    if text[last_len : last_len + 1] == "*" and digest(text[:last_len]) == last_id:
        return text[last_len + 1 :]
    raise HopConflict(f"path does not extend the previous hop ({len(text)} chars)")


def turn_page(reply: str, page: int, pages: int) -> int | None:
    """The page `reply` turns to (`98` the next, `0` the one before), else None."""
    if reply == MORE_KEY and page + 1 < pages:
        return page + 1
    if reply == PAGE_BACK_KEY and page > 0:
        return page - 1
    return None


def screens(
    prompt: Prompt, config: Mapping, network_code: str, nav_keys: Mapping[Nav, str]
) -> list[str]:
    """`prompt` laid out on the pages of the caller's network's screen."""
    limit = config["USSD_SCREEN_CHARS"].get(network_code, config["USSD_DEFAULT_SCREEN_CHARS"])
    return paginate(prompt, limit, MORE_KEY, PAGE_BACK_KEY, nav_keys)
