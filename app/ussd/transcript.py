"""Record a `flask dial` walk as a conversation test (`tests/transcripts/*.txt`).

The file replays the walk against the callback URL and checks every screen, then what the
walk stored: the survey run's status and each recorded answer, and the SMS queued. The
directives are those `tests/test_transcripts.py` plays (`dial`, `expect`, `send`, `choose`,
`run`, `answer`, `sms`); edit the file freely afterwards.
"""

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from app.extensions import db
from app.models import OutboxMessage, SurveyAnswer, SurveyRun

NAME = re.compile(r"(?P<definition>[a-z][a-z0-9_]*)\.(?P<language>[a-z]{2,3})(\.[\w-]+)?\.txt")
_OPTION = re.compile(r"^(?P<key>[0-9]+)\. (?P<label>.+)$", re.M)


def _escaped(text: str) -> str:
    return text.replace("\n", "\\n")


def _value(value: object) -> str:
    """An answer as the transcript writes it: JSON, or plain text when that reads back
    as the same text."""
    if isinstance(value, str):
        try:
            json.loads(value)
        except ValueError:
            return value
    return json.dumps(value, ensure_ascii=False)


@dataclass
class Transcript:
    """The lines of one walk, from its first screen to what it stored."""

    service_code: str
    msisdn: str
    session_id: str
    lines: list[str] = field(default_factory=list)
    first_sms_id: int = 0

    def begin(self, extra: tuple[str, ...]) -> None:
        """The dial (on the base service code), and a deep dial's extra digits as replies."""
        self.first_sms_id = db.session.scalar(select(db.func.max(OutboxMessage.id))) or 0
        self.lines.append(f"dial {self.service_code} from {self.msisdn}")
        self.lines += [f"send {digits}" for digits in extra]

    @property
    def refused(self) -> bool:
        """Whether the first screen ended the session (nothing was asked)."""
        screens = [line for line in self.lines if line.startswith("expect ")]
        return len(screens) == 1 and screens[0].startswith("expect END ")

    def screen(self, body: str, shuffled: bool = False) -> None:
        """`expect` the whole screen; for options in random order, its text and then
        `see` each option's label (their numbers differ from caller to caller)."""
        if not shuffled:
            self.lines.append(f"expect {_escaped(body)}")
            return
        first = _OPTION.search(body)
        self.lines.append(f"expect {_escaped(body[: first.start()] if first else body).rstrip()}")
        self.lines += [f"see {m['label']}" for m in _OPTION.finditer(body)]

    def reply(self, body: str, reply: str) -> None:
        """`choose <label>` for a numbered option on the screen (robust to options in
        random order), else `send <reply>`."""
        options = {m["key"]: m["label"] for m in _OPTION.finditer(body.partition(" ")[2])}
        if reply in options and reply not in {"0", "00", "98"}:
            self.lines.append(f"choose {options[reply]}")
        else:
            self.lines.append(f"send {reply}".rstrip())

    def stored(self) -> tuple[str | None, str | None]:
        """Add what the walk stored; return (definition id, language) of its survey run."""
        run = db.session.scalar(select(SurveyRun).where(SurveyRun.session_id == self.session_id))
        if run is not None:
            self.lines.append("")
            status = f"{run.status} {run.stop_reason or ''}".rstrip()
            self.lines.append(f"run {run.definition_id} {self.msisdn} {status}")
            answers = select(SurveyAnswer).where(SurveyAnswer.run_id == run.id)
            for answer in db.session.scalars(answers.order_by(SurveyAnswer.id)):
                text = _value(answer.value)
                self.lines.append(
                    f"answer {run.definition_id} {self.msisdn} {answer.question_id} = {text}"
                )
        messages = select(OutboxMessage).where(
            OutboxMessage.id > self.first_sms_id,
            OutboxMessage.kind == "sms",
            OutboxMessage.recipient == self.msisdn,
        )
        for row in db.session.scalars(messages.order_by(OutboxMessage.id)):
            self.lines.append(f"sms {self.msisdn} {_escaped(row.payload.get('message', ''))}")
        return (run.definition_id, run.language) if run else (None, None)

    def write(self, path: Path, command: str) -> None:
        header = [f"# Recorded by `{command}`.", "# Played by tests/test_transcripts.py."]
        path.write_text("\n".join([*header, *self.lines]) + "\n", encoding="utf-8")


def name_hint(path: Path, definition: str | None, language: str | None) -> str | None:
    """What to call the file so the transcript test counts it, when `path` would not be."""
    if definition is None:
        return None
    match = NAME.fullmatch(path.name)
    if match and (match["definition"], match["language"]) == (definition, language):
        return None
    return (
        f"the transcript test reads tests/transcripts/<definition>.<language>[.<variant>].txt: "
        f"name this walk {definition}.{language}.txt (or {definition}.{language}.<variant>.txt)"
    )
