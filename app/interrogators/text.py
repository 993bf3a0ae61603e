"""Free text, with optional length bounds and a pattern."""

import re
from typing import Any

from app.interrogators import Ask, Interrogator, InvalidAnswer, interrogators, printable


@interrogators.register("text")
class TextInterrogator(Interrogator):
    """Any printable text (no control characters, see `printable`); `min_length`,
    `max_length` and `pattern` (a full-match regex) apply; a reply that misses the pattern
    is answered with `constraint_message` when given."""

    def parse(self, ask: Ask, raw: str) -> Any:
        value = " ".join(printable(ask, raw.strip()).split())
        spec = ask.spec
        if spec.min_length is not None and len(value) < spec.min_length:
            raise InvalidAnswer(ask.msg("too_short", min=spec.min_length))
        if spec.max_length is not None and len(value) > spec.max_length:
            raise InvalidAnswer(ask.msg("too_long", max=spec.max_length))
        if spec.pattern and re.fullmatch(spec.pattern, value) is None:
            question = ask.question
            custom = question.flow.text(question.constraint_message, ask.language, ask.context)
            raise InvalidAnswer(custom or ask.msg("pattern"))
        return value
