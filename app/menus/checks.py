"""Checks a schema cannot make: every question reachable, a way out from every question,
and every screen fitting the smallest configured USSD screen in every language."""

import re

from app.menus.flow import NO_SCREEN, Flow, Question
from app.ussd.render import PREFIX_CHARS

# A placeholder's worst case: the longest value we expect a template to insert.
PLACEHOLDER_CHARS = 16
_PLACEHOLDER = re.compile(r"\{\{.*?\}\}", re.S)
_TAG = re.compile(r"\{%.*?%\}", re.S)
FOOTER_CHARS = len("0 Mwanzo 00 Mwanzo")  # room for the back/home line in any language


def worst_case(source: str) -> str:
    """A template's text with each `{{ … }}` at its assumed worst case and tags removed."""
    return _TAG.sub("", _PLACEHOLDER.sub("X" * PLACEHOLDER_CHARS, source))


def check_flow(flow: Flow, screen_chars: int) -> tuple[list[str], list[str]]:
    """Return (problems, warnings) for one compiled flow."""
    problems: list[str] = []
    warnings: list[str] = []
    reachable = _reachable(flow)
    finishing = _can_finish(flow)
    for name, question in flow.questions.items():
        where = flow.where_question(name)
        if name not in reachable:
            problems.append(f"{where}: unreachable: no question leads here")
        elif not flow.edges.get(name) and question.spec.type != "message":
            problems.append(f"{where}.next: dead end: a {question.spec.type} needs `next`")
        elif name not in finishing:
            problems.append(f"{where}.next: cycle with no exit: nothing here reaches an end")
        elif flow.edges.get(name) and not _always_moves_on(question):
            problems.append(
                f"{where}.next: dead end when no rule matches: end the rules with one "
                "without `when` (or give every choice a `goto`)"
            )
        if question.spec.type not in NO_SCREEN:
            problems += _screen_problems(flow, question, screen_chars)
        back = flow.definition.navigation.back
        if question.spec.type == "number" and _accepts(
            question, int(back) if back.isdigit() else None
        ):
            warnings.append(f"{where}: the answer {back} is the back key and cannot be entered")
    return problems, warnings


def _always_moves_on(question: Question) -> bool:
    """Some `answered` transition fires whatever the answer: an unconditional `next`, or a
    `goto` on every choice."""
    spec = question.spec
    rules = spec.next
    if isinstance(rules, str) or (isinstance(rules, list) and any(r.when is None for r in rules)):
        return True
    return bool(spec.choices) and all(choice.goto for choice in spec.choices)


def _accepts(question: Question, number: int | None) -> bool:
    low, high = question.spec.min, question.spec.max
    if number is None or isinstance(low, str) or isinstance(high, str):
        return False
    return (low is None or low <= number) and (high is None or number <= high)


def _reachable(flow: Flow) -> set[str]:
    seen, todo = {flow.start}, [flow.start]
    while todo:
        for target in flow.edges.get(todo.pop(), []):
            if target not in seen:
                seen.add(target)
                todo.append(target)
    return seen


def _can_finish(flow: Flow) -> set[str]:
    """Questions from which some path reaches an ending (a message with no `next`)."""
    incoming: dict[str, list[str]] = {name: [] for name in flow.questions}
    for source, targets in flow.edges.items():
        for target in targets:
            incoming[target].append(source)
    done = {
        name
        for name, q in flow.questions.items()
        if q.spec.type == "message" and not flow.edges.get(name)
    }
    todo = list(done)
    while todo:
        for source in incoming[todo.pop()]:
            if source not in done:
                done.add(source)
                todo.append(source)
    return done


def _screen_problems(flow: Flow, question: Question, screen_chars: int) -> list[str]:
    problems = []
    budget = screen_chars - PREFIX_CHARS - FOOTER_CHARS - 1
    where = flow.where_question(question.name)
    for language in flow.languages:
        label = question.label.get(language) or question.label.get(flow.languages[0])
        text = worst_case(label.source) if label else ""
        longest = max((len(line) for line in text.split("\n")), default=0)
        if len(text) > budget:
            problems.append(
                f"{where}.label: {len(text)} characters in {language!r} (worst case) do not fit "
                f"one {screen_chars}-character screen with its footer ({budget} available)"
            )
        elif longest > budget:
            problems.append(f"{where}.label: a line is too long in {language!r}")
        for choice in question.choices:
            template = choice.label.get(language) or choice.label.get(flow.languages[0])
            line = f"{len(question.choices)}. " + worst_case(template.source if template else "")
            if len(line) > budget - 8:
                problems.append(
                    f"{where}.choices: {choice.spec.value!r} is too long in {language!r}"
                )
    return problems
