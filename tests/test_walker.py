"""A random caller walks every shipped definition: whatever is keyed, every screen is a
CON/END body that fits the 63902 network's 160 characters, nothing crashes (the boundary's
"Sorry, something went wrong"), and no screen is a dead end.

A dead end is a CON screen that no reply gets past: when `STALE_REPLIES` replies in a row,
one of them a number shown on the screen, leave the screen exactly as it was, the walker
keys every number shown (and "98") in turn; the test fails if none of them changes it.
"""

import itertools
import logging
import re
import string
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings, target
from hypothesis import strategies as st

from app import customers, ledger
from app.extensions import db
from app.ledger import Leg
from app.menus.loader import parse_definition, read_source
from app.menus.schema import DefinitionDef
from app.seed import DEMO_PIN, seed_demo, seed_locations
from tests.conftest import PATIENT, Handset

MENUS_DIR = Path(__file__).parents[1] / "app" / "menus"
MAX_REPLIES = 60
STALE_REPLIES = 10
SCREEN_CHARS = 160  # network 63902, as Handset posts
CRASHES = ("Sorry, something went wrong", "Samahani, hitilafu imetokea")
_CHOICE = re.compile(r"^([0-9]+)\. ", re.M)
_numbers = itertools.count(1)


def shipped_definitions() -> dict[str, DefinitionDef]:
    """The shipped definitions by id, read without an app (to parametrize by id)."""
    found = {}
    for path in sorted(MENUS_DIR.glob("*.yaml")):
        source, _errors = read_source(path)
        definition, _errors = parse_definition(source) if source else (None, [])
        if definition is not None:
            found[definition.id] = definition
    return found


# The definitions offered on USSD (a voice-only line has no code to dial).
DEFINITIONS = {key: d for key, d in shipped_definitions().items() if d.addresses("ussd")}


class CrashLog(logging.Handler):
    """Keeps the tracebacks the USSD boundary logs, to show them beside a failing walk."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.tracebacks: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.tracebacks.append(self.format(record))


@pytest.fixture
def walked(app_factory):
    """One app per definition, seeded once for all of Hypothesis's examples; a hop may take
    its time (a slow hop is not what this test is about)."""
    app = app_factory(**PATIENT)
    with app.app_context():
        seed_demo(app.config)
        seed_locations()
    crashes = CrashLog()
    logger = logging.getLogger("app.ussd.views")
    logger.addHandler(crashes)
    yield app, crashes
    logger.removeHandler(crashes)


def new_demo_customer(app, msisdn: str) -> None:
    """A customer set up as `seed_demo` sets up its demo customers (PIN 1234, an opening
    deposit), on a number of its own: an example must not inherit another's balance, PIN
    lock or "continue where you left off" offer, or Hypothesis cannot replay it."""
    with app.app_context():
        pin_hash = customers.hash_pin(DEMO_PIN, app.config)
        customer = customers.store_fields(
            msisdn, {"name": "Amina Wanjiru", "city": "Nairobi", "pin_hash": pin_hash}
        )
        db.session.flush()
        wallet = ledger.open_customer_accounts(customer).code
        opening = [Leg(ledger.HOUSE_MOBILE_MONEY, -6_000_00), Leg(wallet, 6_000_00)]
        ledger.post("deposit", opening, f"walk:deposit:{msisdn}", msisdn)
        db.session.commit()


def caller_for(app, definition: DefinitionDef) -> str:
    """A new demo customer for a menu of registered customers, else an unknown number."""
    msisdn = f"+2547339{next(_numbers):05d}"
    if definition.audience.registered or definition.director == "microfinance":
        new_demo_customer(app, msisdn)
    return msisdn


# Letters, place prefixes, names, several options at once, and a demo customer's number
# (someone to send money to).
WORDS = st.text(string.ascii_lowercase, min_size=1, max_size=8) | st.sampled_from(
    ["Kiambu", "nai", "kis", "t", "Wanjiku Kamau", "Otieno", "1,2", "1 3", "2,99", "0711000002"]
)
DATES = st.dates(date(1900, 1, 1), date(2035, 12, 31)).map(lambda day: day.strftime("%d%m%Y"))
# Small counts, amounts, the demo PIN (typed twice when choosing one), years, anything.
DIGITS = st.one_of(
    st.sampled_from(["1", "2", "3", "5", "10", "30", "500", "1234"]),
    st.integers(1900, 2030).map(str),
    st.from_regex(r"[0-9]{1,5}", fullmatch=True),
)
# "0" goes back a question and "00" home: kept rare, or few walks get far from the start.
BACK_HOME = st.sampled_from(["0", "0", "0", "00"])


def choice_keys(body: str) -> list[str]:
    """The option numbers on a screen ("3. Kiambu" -> "3"), and "98" when it pages on."""
    screen = body.removeprefix("CON ").removeprefix("END ")
    return _CHOICE.findall(screen) + (["98"] if "\n98 " in screen else [])


def replies(keys: list[str]) -> st.SearchStrategy[str]:
    """Mostly the numbers on screen (or a few at once, "2,5"); else digits, words, dates,
    nothing, back or home."""
    shown = [st.sampled_from(keys)] * 7 if keys else []
    if keys:
        shown.append(st.lists(st.sampled_from(keys), min_size=2, max_size=3).map(",".join))
    typed = [DIGITS] * 3 + [WORDS] * 3 + [DATES] * 2
    return st.one_of(*shown, *typed, st.just(""), BACK_HOME)


class Walk:
    """One caller's session, checking every screen it gets."""

    def __init__(self, app, crashes: CrashLog, definition: DefinitionDef) -> None:
        self.crashes = crashes
        self.phone = Handset(
            app.test_client(), caller_for(app, definition), definition.service_codes[0]
        )

    def fail(self, problem: str, body: str) -> None:
        traceback = "\n".join(self.crashes.tracebacks[-1:])
        pytest.fail(
            f"{problem}\ncaller {self.phone.msisdn} dialled {self.phone.service_code} and "
            f"keyed {self.phone.inputs!r}\n--- screen ---\n{body}\n{traceback}"
        )

    def send(self, reply: str | None) -> str:
        body = self.phone.send(reply)  # Handset asserts the 200
        if not body.startswith(("CON ", "END ")):
            self.fail("not a CON/END body", body)
        if len(body) > SCREEN_CHARS:
            self.fail(f"{len(body)} characters on a {SCREEN_CHARS}-character screen", body)
        if any(crash in body for crash in CRASHES):
            self.fail("the hop crashed", body)
        return body

    def probe(self, body: str) -> str:
        """Key each number on a screen that would not change until one changes it."""
        for key in choice_keys(body):
            after = self.send(key)
            if after != body:
                return after
        self.fail(f"dead end: {STALE_REPLIES} replies and every number shown leave it", body)
        return body


@pytest.mark.parametrize("definition_id", sorted(DEFINITIONS))
@settings(
    max_examples=50,
    deadline=None,
    # No "explain" phase: replaying variants of a failing 60-hop walk takes minutes.
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_random_caller_never_crashes_or_gets_stuck(walked, definition_id, data):
    app, crashes = walked
    walk = Walk(app, crashes, DEFINITIONS[definition_id])
    body = walk.send(None)
    stale, keyed_an_option = 0, False
    first_lines = {body.split("\n", 1)[0]}
    for _ in range(MAX_REPLIES):
        if body.startswith("END "):
            break
        keys = choice_keys(body)
        reply = data.draw(replies(keys), label="reply")
        after = walk.send(reply)
        if after == body:
            stale += 1
            keyed_an_option = keyed_an_option or reply in keys
        else:
            stale, keyed_an_option = 0, False
        if stale >= STALE_REPLIES and keyed_an_option:
            after = walk.probe(body)
            stale, keyed_an_option = 0, False
        body = after
        first_lines.add(body.split("\n", 1)[0])
    # Steer Hypothesis towards walks that see more of the definition.
    target(len(first_lines), label="different first lines seen")


def test_walker_covers_the_catalog(app):
    flows = app.extensions["menus"].flows.values()
    offered = [flow.id for flow in flows if flow.definition.addresses("ussd")]
    assert sorted(DEFINITIONS) == sorted(offered)
