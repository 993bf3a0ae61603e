"""Directors: each bids for a new USSD session; the highest bid keeps the session.

Built-ins are the modules beside this one; others register through the `sauti.directors`
entry-point group. A director that runs a YAML definition is built once per definition
that names it (`director:` in the file, default "menu"); one that runs no definition
(`runs_definitions = False`) is built once.
"""

import logging
from dataclasses import dataclass
from typing import Any, ClassVar

from flask import Flask

from app.prompts import Prompt
from app.registry import Registry
from app.sessions.state import InterrogationSession
from app.ussd.request import UssdRequest

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Bid:
    """A director's offer for a session: 0 (not mine) to 100, and why.

    Attributes:
        score: 0 (not mine) to 100.
        reason: why, for operators (`flask directors bids`).
        notice: for a refusal of a caller who dialled this director's code, the built-in
            message (app/interrogators/messages.py) the caller is told when nobody bids,
            e.g. "already_done"; "" when the dial is not this director's business.
    """

    score: int
    reason: str
    notice: str = ""


@dataclass(frozen=True)
class Caller:
    """What directors know when bidding: the MSISDN and its customer record, if any."""

    msisdn: str
    customer: dict[str, Any] | None


class Director:
    """Base of all directors.

    Attributes:
        key: the instance's name in sessions and in `flask directors bids` (the definition
            id for definition-based directors, else the registered name).
        priority: breaks ties between equal bids (higher wins, then the key that sorts first).
    """

    name: ClassVar[str] = ""
    priority: ClassVar[int] = 0
    runs_definitions: ClassVar[bool] = True

    def __init__(self, app: Flask, definition_id: str | None = None) -> None:
        self.app = app
        self.key = definition_id or self.name

    def bid(self, request: UssdRequest, caller: Caller) -> Bid:
        """Return a Bid; asked on a session's first hop only."""
        raise NotImplementedError

    def start(self, session: InterrogationSession, request: UssdRequest) -> Prompt:
        """Begin the session this director won; return the first prompt."""
        raise NotImplementedError

    def handle(self, session: InterrogationSession, reply: str) -> Prompt:
        """Take one reply; return the next prompt.

        A director that is done with a caller without ending the session clears
        `session.director`: the session manager then holds the auction again (with the
        caller's refreshed customer record) and shows the winner's first screen below the
        returned prompt's text.
        """
        raise NotImplementedError

    def reprompt(self, session: InterrogationSession) -> Prompt:
        """The current question again (after "Continue where you left off")."""
        raise NotImplementedError


directors: Registry[type[Director]] = Registry("director", "app.directors", "sauti.directors")


class DirectorSet:
    """The director instances of one app, and the auction between them."""

    def __init__(self, instances: list[Director]) -> None:
        self.by_key = {director.key: director for director in instances}

    def get(self, key: str) -> Director | None:
        return self.by_key.get(key)

    def bids(self, request: UssdRequest, caller: Caller) -> list[tuple[Director, Bid]]:
        """Every director's bid, highest first (ties: priority, then key)."""
        offers = [(director, director.bid(request, caller)) for director in self.by_key.values()]
        return sorted(offers, key=lambda o: (-o[1].score, -o[0].priority, o[0].key))

    def auction(self, request: UssdRequest, caller: Caller) -> tuple[Director | None, str]:
        """Hold the auction: `(winner, "")`, or `(None, notice)` when nobody bid above 0."""
        return self.decide(self.bids(request, caller))

    @staticmethod
    def decide(offers: list[tuple[Director, Bid]]) -> tuple[Director | None, str]:
        """The winner of `offers` (as `bids` orders them) and, when there is none, the
        message key the caller is told: the first refusal's notice, else "no_service"
        (nobody answers the code dialled)."""
        if not offers or offers[0][1].score <= 0:
            notices = [bid.notice for _director, bid in offers if bid.notice]
            return None, notices[0] if notices else "no_service"
        winner, bid = offers[0]
        tied = [d.key for d, b in offers[1:] if b.score == bid.score]
        if tied:
            log.info("bid tie at %d: %s wins over %s", bid.score, winner.key, ", ".join(tied))
        return winner, ""


def build_directors(app: Flask) -> DirectorSet:
    """One director per definition (and one per definition-free director)."""
    instances: list[Director] = []
    for flow in app.extensions["menus"].flows.values():
        cls = directors.get(flow.definition.director)
        instances.append(cls(app, flow.id))
    for _name, cls in directors:
        if not cls.runs_definitions:
            instances.append(cls(app))
    return DirectorSet(instances)


def init_app(app: Flask) -> None:
    """Discover directors and build the app's DirectorSet."""
    directors.discover()
    app.extensions["directors"] = build_directors(app)
