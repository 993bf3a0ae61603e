"""Compile a definition into the Flow the engine runs, checking every reference on the way:
`goto`s, `start`, `choices_from`, actions, and names in expressions and templates. Each
problem points at the field it is about and suggests the nearest known name."""

import re
from collections.abc import Callable
from datetime import date
from typing import Any

from transitions import EventData, Machine

from app.dates import resolve_bound
from app.menus.expressions import BUILTIN_NAMES, Expression, compile_or_problem, unknown_names
from app.menus.flow import NO_SCREEN, Flow, Question
from app.menus.loader import Loc, Problem, Source, suggest
from app.menus.schema import DefinitionDef, QuestionDef


def _step_back(event: EventData) -> None:
    # `back` is internal: its destination is the top of this session's back-stack, which
    # the engine puts in `hop.value`; no static transition can name it.
    event.machine.set_state(event.model.value, event.model)


def _when(expression: Expression) -> Callable[[EventData], bool]:
    def condition(event: EventData) -> bool:
        return expression.test(event.model.context)

    condition.label = expression.source  # shown on `flask menus graph` edges
    return condition


def _chose(value: str) -> Callable[[EventData], bool]:
    def condition(event: EventData) -> bool:
        return event.model.value == value

    condition.label = f"= {value}"
    condition.value = value
    return condition


def compile_flow(
    definition: DefinitionDef, source: Source, action_names: set[str]
) -> tuple[Flow, list[Problem]]:
    """Compile and check one definition.

    Returns:
        (flow, problems): the flow is only usable when there are no problems.
    """
    problems: list[Problem] = []
    flow = Flow(definition, source)
    seen: set[str] = set()
    for index, spec in enumerate(definition.questions):
        loc = ("questions", index)
        if spec.id in seen:
            problems.append(source.problem((*loc, "id"), f"question id {spec.id!r} used twice"))
        seen.add(spec.id)
        flow.questions.setdefault(spec.id, Question(spec, flow, loc, problems))
    if definition.start and definition.start not in flow.questions:
        message = f"no question {definition.start!r}{suggest(definition.start, flow.questions)}"
        problems.append(source.problem(("start",), message))
        return flow, problems
    transitions: list[dict] = []
    for index, spec in enumerate(definition.questions):
        flow.edges[spec.id] = _transitions(flow, spec, ("questions", index), transitions, problems)
        _check_question(flow, spec, ("questions", index), action_names, problems)
    _completion(flow, action_names, problems)
    problems += _unknown_names(flow)
    transitions += [
        {"trigger": "home", "source": "*", "dest": flow.start},
        {"trigger": "back", "source": "*", "dest": None, "after": _step_back},
    ]
    flow.machine = Machine(
        model=None,
        states=list(flow.questions.values()),
        transitions=transitions,
        initial=flow.start,
        auto_transitions=False,
        send_event=True,
    )
    return flow, problems


def _completion(flow: Flow, action_names: set[str], problems: list[Problem]) -> None:
    """Compile `on_complete`, quota messages and `audience.when`."""
    definition, source = flow.definition, flow.source
    for index, action in enumerate(definition.on_complete):
        loc = ("on_complete", index)
        if action.call and action.call not in action_names:
            message = f"unknown action {action.call!r}{suggest(action.call, action_names)}"
            problems.append(source.problem((*loc, "call"), message))
        flow.on_complete_texts.append(flow.texts(action.sms, problems, (*loc, "sms")))
        flow.on_complete_store.append(
            {
                name: compile_or_problem(Expression, text, problems, source, (*loc, "store", name))
                for name, text in (action.store or {}).items()
            }
        )
    flow.quota_messages = [
        flow.texts(quota.message, problems, ("quotas", index, "message"))
        for index, quota in enumerate(definition.quotas)
    ]
    flow.audience_when = compile_or_problem(
        Expression, definition.audience.when, problems, source, ("audience", "when")
    )


def _unknown_names(flow: Flow) -> list[Problem]:
    """Every name used in an expression or template that is neither a question id nor a
    built-in, at the field that uses it."""
    known = set(flow.questions) | BUILTIN_NAMES
    found: list[tuple[Loc, Any]] = []
    for question in flow.questions.values():
        found += question.compiled
    for index, texts in enumerate(flow.on_complete_texts):
        sms = flow.definition.on_complete[index].sms
        loc = ("on_complete", index, "sms")
        found += [(flow.text_loc(loc, sms, lang), t) for lang, t in texts.items()]
    for index, expressions in enumerate(flow.on_complete_store):
        loc = ("on_complete", index, "store")
        found += [((*loc, name), e) for name, e in expressions.items() if e]
    problems, reported = [], set()
    for loc, compiled in found:
        for name in sorted(unknown_names([compiled], set(flow.questions))):
            if (loc, name) not in reported:
                reported.add((loc, name))
                message = f"unknown name {name!r}{suggest(name, known)}"
                problems.append(flow.source.problem(loc, message))
    return problems


def _transitions(
    flow: Flow, spec: QuestionDef, loc: Loc, transitions: list[dict], problems: list[Problem]
) -> list[str]:
    """Add the `answered` transitions of one question; return its targets in order."""
    targets: list[str] = []

    def add(dest: str, condition: Callable[[EventData], bool] | None, at: Loc) -> None:
        if dest not in flow.questions:
            message = f"no question {dest!r}{suggest(dest, flow.questions)}"
            problems.append(flow.source.problem(at, message))
            return
        targets.append(dest)
        transition = {"trigger": "answered", "source": spec.id, "dest": dest}
        if condition is not None:
            transition["conditions"] = [condition]
        transitions.append(transition)

    for index, choice in enumerate(spec.choices or []):
        if choice.goto:
            add(choice.goto, _chose(choice.value), (*loc, "choices", index, "goto"))
    rules = spec.next
    if isinstance(rules, str):
        add(rules, None, (*loc, "next"))
    for index, rule in enumerate(rules if isinstance(rules, list) else []):
        at = (*loc, "next", index)
        condition = flow.questions[spec.id].expression((*at, "when"), rule.when, problems)
        if rule.when and condition is None:
            continue
        add(rule.goto, _when(condition) if condition else None, (*at, "goto"))
    return targets


def _check_question(
    flow: Flow, spec: QuestionDef, loc: Loc, action_names: set[str], problems: list[Problem]
) -> None:
    def problem(field: str, message: str) -> None:
        problems.append(flow.source.problem((*loc, field), message))

    lists = flow.definition.choice_lists
    if spec.type in {"choice", "multi_choice"} and not (spec.choices or spec.choices_from):
        problem("choices", f"a {spec.type} question needs choices")
    if spec.choices_from and spec.choices_from not in lists:
        hint = suggest(spec.choices_from, lists)
        problem("choices_from", f"no choice list {spec.choices_from!r}{hint}")
    if spec.type == "action" and spec.action not in action_names:
        problem("action", f"unknown action {spec.action!r}{suggest(spec.action, action_names)}")
    if spec.type == "calculate" and not spec.calculation:
        problem("calculation", "a calculate question needs a calculation")
    if spec.type not in NO_SCREEN and not spec.label:
        problem("label", f"a {spec.type} question needs a label")
    if spec.type == "date":
        for key in ("min", "max"):
            try:
                resolve_bound(getattr(spec, key), date.today())
            except ValueError:
                problem(key, "use today, an offset like -18y or +30d, or a date")
    if spec.pattern:
        try:
            re.compile(spec.pattern)
        except re.error as err:
            problem("pattern", str(err))
