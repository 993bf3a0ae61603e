"""Compile a checked definition into the `transitions` machine the engine runs.

One machine per definition version, shared by every session on that version: a hop looks up
its state and fires one trigger, so its cost does not grow with the number of questions.
States are question ids; `answered` moves on under the `next` rules (and choice `goto`s),
`back` returns to the top of the session's back-stack and `home` to the start question.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from transitions import EventData, Machine, State

from app.dates import resolve_bound
from app.menus.expressions import Expression, Template, compile_or_problem, unknown_names
from app.menus.loader import Source
from app.menus.schema import ChoiceDef, DefinitionDef, QuestionDef

NO_SCREEN = frozenset({"calculate", "action"})


class Question(State):
    """A state that asks one thing; compiled labels, conditions and the question's spec."""

    def __init__(self, spec: QuestionDef, flow: "Flow", problems: list[str]) -> None:
        super().__init__(spec.id)
        self.spec = spec
        self.flow = flow
        where = flow.where_question(spec.id)
        self.label = flow.texts(spec.label, problems, f"{where}.label")
        self.constraint = compile_or_problem(Expression, spec.constraint, problems, where)
        self.constraint_message = flow.texts(spec.constraint_message, problems, where)
        self.required_message = flow.texts(spec.required_message, problems, where)
        self.relevant = compile_or_problem(Expression, spec.relevant, problems, where)
        self.choice_filter = compile_or_problem(Expression, spec.choice_filter, problems, where)
        self.calculation = compile_or_problem(Expression, spec.calculation, problems, where)
        self.params = {
            name: compile_or_problem(Expression, source, problems, f"{where}.params.{name}")
            for name, source in spec.params.items()
        }
        self.bounds = {
            key: compile_or_problem(Expression, str(value), problems, f"{where}.{key}")
            if isinstance(value, str) and spec.type in {"number", "money"}
            else None
            for key, value in (("min", spec.min), ("max", spec.max))
        }
        choices = spec.choices or flow.definition.choice_lists.get(spec.choices_from or "", [])
        if spec.choices_from and spec.choices_from not in flow.definition.choice_lists:
            problems.append(f"{where}.choices_from: no choice list {spec.choices_from!r}")
        self.choices: tuple[CompiledChoice, ...] = tuple(
            CompiledChoice(
                choice,
                flow.texts(choice.label, problems, f"{where}.choices"),
                compile_or_problem(Expression, choice.relevant, problems, where),
            )
            for choice in choices
        )
        self.has_screen = spec.type not in NO_SCREEN

    @property
    def is_terminal(self) -> bool:
        """A screen after which the session ends: a message with nowhere to go."""
        return self.spec.type == "message" and not self.flow.edges.get(self.name)

    def compiled(self) -> list[Expression | Template]:
        """Every compiled expression and template of this question, for name checks."""
        items: list[Any] = [self.constraint, self.relevant, self.calculation]
        items += [*self.params.values(), *self.bounds.values()]
        for texts in (self.label, self.constraint_message, self.required_message):
            items += texts.values()
        for choice in self.choices:
            items += [choice.relevant, *choice.label.values()]
        return [item for item in items if item is not None]


@dataclass(frozen=True)
class CompiledChoice:
    spec: ChoiceDef
    label: dict[str, Template]
    relevant: Expression | None

    def attributes(self) -> dict[str, Any]:
        """The option as `choice` in `choice_filter`: value plus any extra keys."""
        return {"value": self.spec.value, **(self.spec.model_extra or {})}


class Hop:
    """The model a trigger moves: the session's current state plus this hop's context."""

    __slots__ = ("state", "context", "value")

    def __init__(self, state: str, context: dict[str, Any], value: Any = None) -> None:
        self.state, self.context, self.value = state, context, value


@dataclass
class Flow:
    """A compiled definition: questions by id, the shared machine, and where each came from."""

    definition: DefinitionDef
    source: Source
    questions: dict[str, Question] = field(default_factory=dict)
    edges: dict[str, list[str]] = field(default_factory=dict)
    on_complete_texts: list[dict[str, Template]] = field(default_factory=list)
    on_complete_store: list[dict[str, Expression]] = field(default_factory=list)
    quota_messages: list[dict[str, Template]] = field(default_factory=list)  # one per quota
    audience_when: Expression | None = None
    machine: Machine | None = None

    @property
    def id(self) -> str:
        return self.definition.id

    @property
    def version(self) -> str:
        return self.source.version

    @property
    def start(self) -> str:
        return self.definition.start or self.definition.questions[0].id

    @property
    def languages(self) -> list[str]:
        return self.definition.languages

    def where_question(self, question_id: str) -> str:
        index = next(i for i, q in enumerate(self.definition.questions) if q.id == question_id)
        return self.source.where(("questions", index), f"questions.{question_id}")

    def texts(self, text: Any, problems: list[str], where: str) -> dict[str, Template]:
        """Compile a label given as one string or per language."""
        if text is None:
            return {}
        by_language = text if isinstance(text, dict) else {self.languages[0]: text}
        compiled = {}
        for language, source in by_language.items():
            if language not in self.languages:
                problems.append(f"{where}: language {language!r} is not in `languages`")
            template = compile_or_problem(Template, source, problems, where)
            if template is not None:
                compiled[language] = template
        return compiled

    def text(self, texts: dict[str, Template], language: str, context: dict[str, Any]) -> str:
        """Render `texts` in `language`, falling back to the definition's first language."""
        template = texts.get(language) or texts.get(self.languages[0])
        if template is None and texts:
            template = next(iter(texts.values()))
        return template.render(context) if template else ""

    def fire(self, trigger: str, hop: Hop) -> bool:
        """Fire `trigger` for `hop`; True when a transition happened."""
        return self.machine.events[trigger].trigger(hop)


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
    return condition


def compile_flow(
    definition: DefinitionDef, source: Source, action_names: set[str]
) -> tuple[Flow, list[str]]:
    """Compile and check one definition.

    Returns:
        (flow, problems): problems are `file:line: field: message` strings; the flow is only
        usable when there are none.
    """
    problems: list[str] = []
    flow = Flow(definition, source)
    ids = [q.id for q in definition.questions]
    for duplicate in {i for i in ids if ids.count(i) > 1}:
        problems.append(f"{flow.where_question(duplicate)}: id: duplicate question id")
    for spec in definition.questions:
        flow.questions[spec.id] = Question(spec, flow, problems)
    if definition.start and definition.start not in flow.questions:
        problems.append(f"{source.where(('start',))}: no question {definition.start!r}")
        return flow, problems
    transitions = []
    for spec in definition.questions:
        targets = _transitions(flow, spec, transitions, problems)
        flow.edges[spec.id] = targets
        _check_question(flow, spec, action_names, problems)
    for action in definition.on_complete:
        if action.call and action.call not in action_names:
            problems.append(f"{source.where(('on_complete',))}: unknown action {action.call!r}")
        flow.on_complete_texts.append(flow.texts(action.sms, problems, "on_complete.sms"))
        flow.on_complete_store.append(
            {
                name: compile_or_problem(Expression, source, problems, "on_complete.store")
                for name, source in (action.store or {}).items()
            }
        )
    flow.quota_messages = [
        flow.texts(quota.message, problems, source.where(("quotas",), "quotas.message"))
        for quota in definition.quotas
    ]
    flow.audience_when = compile_or_problem(
        Expression, definition.audience.when, problems, source.where(("audience", "when"))
    )
    known = set(flow.questions)
    for question in flow.questions.values():
        for name in sorted(unknown_names(question.compiled(), known)):
            problems.append(f"{flow.where_question(question.name)}: unknown name {name!r}")
    completion = [t for texts in flow.on_complete_texts for t in texts.values()]
    completion += [e for exprs in flow.on_complete_store for e in exprs.values() if e]
    for name in sorted(unknown_names(completion, known)):
        problems.append(f"{source.where(('on_complete',))}: unknown name {name!r}")
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


def _transitions(
    flow: Flow, spec: QuestionDef, transitions: list[dict], problems: list[str]
) -> list[str]:
    """Add the `answered` transitions of one question; return its targets in order."""
    targets: list[str] = []

    def add(dest: str, condition: Callable[[EventData], bool] | None, where: str) -> None:
        if dest not in flow.questions:
            problems.append(f"{where}: goto: no question {dest!r}")
            return
        targets.append(dest)
        transition = {"trigger": "answered", "source": spec.id, "dest": dest}
        if condition is not None:
            transition["conditions"] = [condition]
        transitions.append(transition)

    where = flow.where_question(spec.id)
    for choice in spec.choices or []:
        if choice.goto:
            add(choice.goto, _chose(choice.value), where)
    rules = spec.next
    if isinstance(rules, str):
        add(rules, None, where)
    for rule in rules if isinstance(rules, list) else []:
        condition = compile_or_problem(Expression, rule.when, problems, f"{where}.next")
        if rule.when and condition is None:
            continue
        if condition is not None and unknown_names([condition], set(flow.questions)):
            names = unknown_names([condition], set(flow.questions))
            problems.append(f"{where}.next: unknown name {sorted(names)[0]!r}")
        add(rule.goto, _when(condition) if condition else None, where)
    return targets


def _check_question(
    flow: Flow, spec: QuestionDef, action_names: set[str], problems: list[str]
) -> None:
    where = flow.where_question(spec.id)
    if spec.type in {"choice", "multi_choice"} and not (spec.choices or spec.choices_from):
        problems.append(f"{where}.choices: a {spec.type} question needs choices")
    if spec.type == "action" and spec.action not in action_names:
        problems.append(f"{where}.action: unknown action {spec.action!r}")
    if spec.type == "calculate" and not spec.calculation:
        problems.append(f"{where}.calculation: a calculate question needs a calculation")
    if spec.type not in NO_SCREEN and not spec.label:
        problems.append(f"{where}.label: a {spec.type} question needs a label")
    if spec.type == "date":
        for key in ("min", "max"):
            try:
                resolve_bound(getattr(spec, key), date.today())
            except ValueError:
                problems.append(f"{where}.{key}: use today, an offset like -18y or +30d, or a date")
    if spec.pattern:
        try:
            re.compile(spec.pattern)
        except re.error as err:
            problems.append(f"{where}.pattern: {err}")
