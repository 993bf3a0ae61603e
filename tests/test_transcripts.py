"""Conversation tests as data: each file in tests/transcripts/ is a USSD conversation played
against the Africa's Talking callback URL of an app with the shipped menus, demo customers
(`seed_demo`: +254711000001.. with PIN 1234) and Kenya's locations (`seed_locations`).

A file is named `<definition>.<language>[.<variant>].txt`, e.g. `diet_survey.sw.txt` or
`diet_survey.en.declined.txt`; its first `dial` must be to a service code of <definition>.
Every survey in the catalog needs a transcript for every language it declares.

One directive a line; blank lines and lines starting with `#` are ignored. In <text>, `\\n`
stands for a line break on the screen. Every screen must fit 160 characters (network 63902).

    dial <service code> from <msisdn>   start a session (its first hop); later lines use it
    send <reply>                        key a reply (`send` alone sends an empty reply)
    choose <label>                      send the number shown as "N. <label>" on the screen
                                        (for options in random order, or a "Done" line)
    expect <text>                       the screen starts with <text>, e.g. "CON Jina lako"
    see <text>                          the screen contains <text>
    hide <text>                         the screen does not contain <text>
    customer <msisdn> <field> = <value> the customer's field (a column or a stored field)
    tagged <msisdn> <tag>               the customer carries <tag>
    sms <msisdn> <text>                 an SMS queued to <msisdn> contains <text>
    run <definition> <msisdn> <status> [<reason>]
                                        the caller's latest run: started, completed, stopped
                                        (reason: consent, quota, ...) or dropped
    answer <definition> <msisdn> <question> = <value>
                                        the answer recorded in the caller's latest run
    unanswered <definition> <msisdn> <question>
                                        no answer recorded (a skipped question)
    quota <definition> <bucket> = <count>
                                        set a quota bucket's completed count ("*" overall,
                                        "gender=female", "county=Kiambu"), e.g. to fill it

A <value> is JSON when it parses (`1985`, `true`, `["maize", "beans"]`, `null`), else the
text as written (`Wanjiku Kamau`, `2_5`).
"""

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from app import customers
from app.extensions import db
from app.models import SurveyAnswer, SurveyQuota, SurveyRun
from app.seed import seed_demo, seed_locations
from tests.conftest import Handset, outbox_rows

TRANSCRIPTS = Path(__file__).parent / "transcripts"
FILES = sorted(TRANSCRIPTS.glob("*.txt"))
SCREEN_CHARS = 160  # the 63902 network's screen, which Handset posts as
MISSING = "<missing>"
VERBS = {
    "dial",
    "send",
    "choose",
    "expect",
    "see",
    "hide",
    "customer",
    "tagged",
    "sms",
    "run",
    "answer",
    "unanswered",
    "quota",
}
_DIAL = re.compile(r"(?P<code>\S+) from (?P<msisdn>\+[0-9]+)")
_ASSIGNMENT = re.compile(r"(?P<subject>.+?) = (?P<value>.*)")


@dataclass(frozen=True)
class Step:
    line: int
    verb: str
    arg: str


def name_parts(path: Path) -> tuple[str, str, str]:
    """`diet_survey.en.declined.txt` -> ("diet_survey", "en", "declined")."""
    definition, _, rest = path.stem.partition(".")
    language, _, variant = rest.partition(".")
    return definition, language, variant


def parse(path: Path) -> list[Step]:
    """The directives of one transcript, refusing unknown verbs (a typo must fail)."""
    steps = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        verb, _, arg = line.partition(" ")
        if verb not in VERBS:
            pytest.fail(f"{path.name}:{number}: unknown directive {verb!r}")
        steps.append(Step(number, verb, arg.strip().replace("\\n", "\n")))
    return steps


def value_of(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return text


class Player:
    """Plays one transcript; every failure names the file, the line and the screen."""

    def __init__(self, app, path: Path) -> None:
        self.app, self.path = app, path
        self.client = app.test_client()
        self.handset: Handset | None = None
        self.body = ""
        self.step = Step(0, "", "")

    def play(self) -> None:
        steps = parse(self.path)
        dials = [step for step in steps if step.verb == "dial"]
        if not dials:
            pytest.fail(f"{self.path.name}: no `dial` line")
        self.check_first_dial(dials[0])
        for step in steps:
            self.step = step
            getattr(self, f"do_{step.verb}")(step.arg)

    def fail(self, message: str) -> None:
        step = self.step
        pytest.fail(
            f"{self.path.name}:{step.line}: {step.verb} {step.arg!r}: {message}\n"
            f"--- screen ---\n{self.body}"
        )

    def check_first_dial(self, step: Step) -> None:
        definition = name_parts(self.path)[0]
        match = _DIAL.fullmatch(step.arg)
        flows = self.app.extensions["menus"].flows
        if match and definition in flows:
            codes = flows[definition].definition.service_codes
            if match["code"] not in codes:
                self.step = step
                self.fail(f"{definition} answers {codes}, not {match['code']}")

    # -- the handset -------------------------------------------------------------------
    def hop(self, reply: str | None) -> None:
        if self.handset is None:
            self.fail("no session: `dial` first")
        self.body = self.handset.send(reply)
        if len(self.body) > SCREEN_CHARS:
            self.fail(f"{len(self.body)} characters do not fit a {SCREEN_CHARS}-character screen")

    def do_dial(self, arg: str) -> None:
        match = _DIAL.fullmatch(arg)
        if match is None:
            self.fail("write `dial <service code> from <+msisdn>`")
        self.handset = Handset(self.client, match["msisdn"], match["code"])
        self.hop(None)

    def do_send(self, arg: str) -> None:
        self.hop(arg)

    def do_choose(self, arg: str) -> None:
        screen = self.body.removeprefix("CON ")
        found = re.search(rf"^([0-9]+)\. {re.escape(arg)}$", screen, re.M)
        if found is None:
            self.fail(f"no option {arg!r} on the screen")
        self.hop(found[1])

    # -- the screen --------------------------------------------------------------------
    def do_expect(self, arg: str) -> None:
        if not self.body.startswith(arg):
            self.fail("the screen does not start with it")

    def do_see(self, arg: str) -> None:
        if arg not in self.body:
            self.fail("not on the screen")

    def do_hide(self, arg: str) -> None:
        if arg in self.body:
            self.fail("on the screen, and should not be")

    # -- what was stored ---------------------------------------------------------------
    def assignment(self, arg: str) -> tuple[list[str], Any]:
        match = _ASSIGNMENT.fullmatch(arg)
        if match is None:
            self.fail("write `... = <value>`")
        return match["subject"].split(), value_of(match["value"])

    def do_customer(self, arg: str) -> None:
        (msisdn, field), wanted = self.assignment(arg)
        with self.app.app_context():
            customer = customers.find(msisdn)
            found = customer.snapshot().get(field, MISSING) if customer else MISSING
        if found != wanted:
            self.fail(f"customer {field} is {found!r}")

    def do_tagged(self, arg: str) -> None:
        msisdn, tag = arg.split()
        with self.app.app_context():
            customer = customers.find(msisdn)
            tags = list(customer.tags or []) if customer else []
        if tag not in tags:
            self.fail(f"tags are {tags!r}")

    def do_sms(self, arg: str) -> None:
        msisdn, _, text = arg.partition(" ")
        messages = [
            row.payload.get("message", "")
            for row in outbox_rows(self.app, "sms")
            if row.recipient == msisdn
        ]
        if not any(text in message for message in messages):
            self.fail(f"SMS to {msisdn}: {messages!r}")

    def latest_run(self, definition: str, msisdn: str) -> SurveyRun | None:
        query = (
            select(SurveyRun)
            .where(SurveyRun.definition_id == definition, SurveyRun.msisdn == msisdn)
            .order_by(SurveyRun.id.desc())
        )
        return db.session.scalars(query.limit(1)).first()

    def recorded(self, definition: str, msisdn: str, question: str) -> Any:
        with self.app.app_context():
            run = self.latest_run(definition, msisdn)
            if run is None:
                self.fail(f"no {definition} run for {msisdn}")
            row = db.session.scalar(
                select(SurveyAnswer).where(
                    SurveyAnswer.run_id == run.id, SurveyAnswer.question_id == question
                )
            )
            return MISSING if row is None else row.value

    def do_run(self, arg: str) -> None:
        definition, msisdn, status, *reason = arg.split()
        with self.app.app_context():
            run = self.latest_run(definition, msisdn)
            found = (run.status, run.stop_reason) if run else None
        if found is None or found[0] != status or (reason and found[1] != reason[0]):
            self.fail(f"latest run (status, reason) is {found!r}")

    def do_answer(self, arg: str) -> None:
        (definition, msisdn, question), wanted = self.assignment(arg)
        found = self.recorded(definition, msisdn, question)
        if found != wanted:
            self.fail(f"recorded {found!r}")

    def do_unanswered(self, arg: str) -> None:
        definition, msisdn, question = arg.split()
        found = self.recorded(definition, msisdn, question)
        if found != MISSING:
            self.fail(f"recorded {found!r}")

    def do_quota(self, arg: str) -> None:
        (definition, bucket), count = self.assignment(arg)
        with self.app.app_context():
            row = db.session.scalar(
                select(SurveyQuota).where(
                    SurveyQuota.definition_id == definition, SurveyQuota.bucket == bucket
                )
            )
            if row is None:
                row = SurveyQuota(definition_id=definition, bucket=bucket)
                db.session.add(row)
            row.count = int(count)
            db.session.commit()


@pytest.fixture
def shipped(app_factory):
    """An app with the shipped menus, the demo customers and the locations."""
    app = app_factory()
    with app.app_context():
        seed_demo(app.config)
        seed_locations()
    return app


@pytest.mark.parametrize("path", FILES, ids=[path.name for path in FILES])
def test_transcript(shipped, path):
    Player(shipped, path).play()


def test_every_survey_language_has_a_transcript(app):
    missing = missing_transcripts(app.extensions["menus"].flows, FILES)
    assert not missing, "\n".join(missing)


def test_a_survey_without_transcripts_is_told_which_files_to_record(app_factory, tmp_path):
    menus = tmp_path / "menus"
    menus.mkdir()
    sample = Path(__file__).parent.parent / "examples" / "harvest_survey.yaml"
    (menus / "harvest.yaml").write_text(sample.read_text(encoding="utf-8"), encoding="utf-8")
    flows = app_factory(MENUS_DIR=str(menus)).extensions["menus"].flows
    record = (
        "add tests/transcripts/harvest.{0}.txt: answer the survey in '{0}' with "
        "`.venv/bin/flask --app manage dial '*384*12#' --msisdn {1} "
        "--save-transcript tests/transcripts/harvest.{0}.txt` (README: Conversation tests)"
    )
    english, swahili = record.format("en", "0700000100"), record.format("sw", "0700000101")
    assert missing_transcripts(flows, []) == [english, swahili]
    assert missing_transcripts(flows, [Path("harvest.en.txt")]) == [swahili]


def missing_transcripts(flows, files: list[Path]) -> list[str]:
    """For each (survey, declared language) no file covers: which file to add, and how."""
    wanted = {
        (flow.id, language)
        for flow in flows.values()
        if flow.definition.kind == "survey"
        for language in flow.languages
    }
    covered = {name_parts(path)[:2] for path in files}
    return [how_to_record(flows[d], language) for d, language in sorted(wanted - covered)]


def how_to_record(flow, language: str) -> str:
    """Which transcript file to add, and the command that records it (a number per
    language: a survey answered once per caller turns a second walk away)."""
    code = (flow.definition.service_codes or ["CODE"])[0]
    path = f"tests/transcripts/{flow.id}.{language}.txt"
    msisdn = f"07000001{list(flow.languages).index(language):02d}"
    return (
        f"add {path}: answer the survey in {language!r} with `.venv/bin/flask --app manage "
        f"dial '{code}' --msisdn {msisdn} --save-transcript {path}` (README: Conversation "
        "tests)"
    )


def test_every_transcript_names_a_definition_and_one_of_its_languages(app):
    flows = app.extensions["menus"].flows
    wrong = [
        path.name
        for path in FILES
        if (parts := name_parts(path))[0] not in flows or parts[1] not in flows[parts[0]].languages
    ]
    assert wrong == []
