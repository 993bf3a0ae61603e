"""Checks a schema cannot make: every question reachable, a way out from every question,
every text in every declared language, and every screen fitting the smallest configured
USSD screen in every language; plus warnings for what is legal but likely a mistake."""

import re

from app.i18n import MESSAGES
from app.menus.flow import NO_SCREEN, Flow, Question
from app.menus.loader import Loc, Problem
from app.menus.translations import missing_by_language
from app.menus.yamltree import YAML11_BOOLEANS, MarkedList, MarkedMap
from app.ussd.render import PREFIX_CHARS

# A placeholder's worst case: the longest value we expect a template to insert.
PLACEHOLDER_CHARS = 16
_PLACEHOLDER = re.compile(r"\{\{.*?\}\}", re.S)
_TAG = re.compile(r"\{%.*?%\}", re.S)
FOOTER_CHARS = len("0 Mwanzo 00 Mwanzo")  # room for the back/home line in any language
# Directors that answer only the service codes in the file.
_CODE_DIRECTORS = frozenset({"menu", "survey", "registration", "microfinance"})


def worst_case(source: str) -> str:
    """A template's text with each `{{ … }}` at its assumed worst case and tags removed."""
    return _TAG.sub("", _PLACEHOLDER.sub("X" * PLACEHOLDER_CHARS, source))


def check_flow(
    flow: Flow, screen_chars: int, paths: bool = True
) -> tuple[list[Problem], list[Problem]]:
    """Return (problems, warnings) for one compiled flow; `paths=False` skips the path
    checks (when a `goto` names no question, they would only echo that problem)."""
    problems: list[Problem] = []
    reachable, finishing = _reachable(flow), _can_finish(flow)
    for question in flow.questions.values():
        if paths:
            problems += _path_problems(flow, question, reachable, finishing)
        if question.spec.type not in NO_SCREEN:
            problems += _screen_problems(flow, question, screen_chars)
    problems += _translation_problems(flow)
    return problems, _warnings(flow)


def _path_problems(
    flow: Flow, question: Question, reachable: set[str], finishing: set[str]
) -> list[Problem]:
    name, spec = question.name, question.spec
    at_next = (*question.loc, "next") if spec.next is not None else question.loc
    if name not in reachable:
        return [flow.source.problem(question.loc, "unreachable: no question leads here")]
    if not flow.edges.get(name) and spec.type not in ("message", "connect"):
        return [flow.source.problem(at_next, f"dead end: a {spec.type} needs `next`")]
    if name not in finishing:
        return [flow.source.problem(at_next, "cycle with no exit: nothing here reaches an end")]
    if flow.edges.get(name) and not _always_moves_on(question):
        return [
            flow.source.problem(
                at_next,
                "dead end when no rule matches: end the rules with one without `when` "
                "(or give every choice a `goto`)",
            )
        ]
    return []


def _translation_problems(flow: Flow) -> list[Problem]:
    """A declared language must have every label, choice and message."""
    problems = []
    for language, locs in missing_by_language(flow).items():
        for loc in locs:
            message = f"no {language!r} text (`languages` declares it)"
            problems.append(flow.source.problem(loc, message))
    return problems


def _warnings(flow: Flow) -> list[Problem]:
    """Legal but likely mistakes: no way in, YAML 1.1 booleans, an unenterable number."""
    source, definition = flow.source, flow.definition
    warnings = []
    reachable = definition.service_codes or any(definition.entry.values())
    if not reachable and definition.director in _CODE_DIRECTORS:
        warnings.append(
            source.problem(("id",), "no `service_codes`: no caller can reach this definition")
        )
    for language in flow.languages:
        if language not in MESSAGES:
            warnings.append(
                source.problem(
                    ("languages",),
                    f"Sauti's own messages (Back, Home, re-asks) have no {language!r} "
                    "version: callers read them in English",
                )
            )
    warnings += [source.problem(loc, message) for loc, message in _unquoted_booleans(source.tree)]
    back = definition.navigation.back
    for question in flow.questions.values():
        if question.spec.type == "number" and back.isdigit() and _accepts(question, int(back)):
            warnings.append(
                source.problem(
                    question.loc, f"the answer {back} is the back key and cannot be entered"
                )
            )
    return warnings


def _unquoted_booleans(node: object, loc: Loc = ()) -> list[tuple[Loc, str]]:
    """(loc, warning) for each unquoted yes/no/on/off: text to Sauti (YAML 1.2), a boolean
    to YAML 1.1 tools, so an editor or converter may silently change it."""
    found = []
    if isinstance(node, MarkedMap):
        items = [(key, value, node.value_marks[key]) for key, value in node.items()]
    elif isinstance(node, MarkedList):
        items = [(index, value, node.marks[index]) for index, value in enumerate(node)]
    else:
        return []
    for key, value, mark in items:
        if mark.plain_text in YAML11_BOOLEANS:
            text = mark.plain_text
            found.append(
                (
                    (*loc, key),
                    f'write "{text}" in quotes: unquoted, other YAML tools read it as true/false',
                )
            )
        found += _unquoted_booleans(value, (*loc, key))
    return found


def _always_moves_on(question: Question) -> bool:
    """Some `answered` transition fires whatever the answer: an unconditional `next`, or a
    `goto` on every choice."""
    spec = question.spec
    rules = spec.next
    if isinstance(rules, str) or (isinstance(rules, list) and any(r.when is None for r in rules)):
        return True
    return bool(spec.choices) and all(choice.goto for choice in spec.choices)


def _accepts(question: Question, number: int) -> bool:
    """Whether `number` passes the question's min, max and constraint (an unknown bound or
    a constraint that needs other answers counts as refusing it)."""
    low, high = question.spec.min, question.spec.max
    if isinstance(low, str) or isinstance(high, str):
        return False
    if not ((low is None or low <= number) and (high is None or number <= high)):
        return False
    return question.constraint is None or question.constraint.test({"value": number})


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
        if q.spec.type in ("message", "connect") and not flow.edges.get(name)
    }
    todo = list(done)
    while todo:
        for source in incoming[todo.pop()]:
            if source not in done:
                done.add(source)
                todo.append(source)
    return done


def _screen_problems(flow: Flow, question: Question, screen_chars: int) -> list[Problem]:
    problems = []
    budget = screen_chars - PREFIX_CHARS - FOOTER_CHARS - 1
    label_loc = (*question.loc, "label")
    for language in flow.languages:
        label = question.label.get(language) or question.label.get(flow.languages[0])
        text = worst_case(label.source) if label else ""
        longest = max((len(line) for line in text.split("\n")), default=0)
        where = flow.text_loc(label_loc, question.spec.label, language)
        if len(text) > budget:
            problems.append(
                flow.source.problem(
                    where,
                    f"{len(text)} characters in {language!r} (worst case) do not fit one "
                    f"{screen_chars}-character screen with its footer ({budget} available)",
                )
            )
        elif longest > budget:
            problems.append(flow.source.problem(where, f"a line is too long in {language!r}"))
        for choice in question.choices:
            template = choice.label.get(language) or choice.label.get(flow.languages[0])
            line = f"{len(question.choices)}. " + worst_case(template.source if template else "")
            if len(line) > budget - 8:
                problems.append(
                    flow.source.problem(
                        (*choice.loc, "label"), f"{choice.spec.value!r} is too long in {language!r}"
                    )
                )
    return problems
