"""The compiled form of a definition: questions as `transitions` states, and the flow.

One machine per definition version, shared by every session on that version: a hop looks up
its state and fires one trigger, so its cost does not grow with the number of questions.
States are question ids; `answered` moves on under the `next` rules (and choice `goto`s),
`back` returns to the top of the session's back-stack and `home` to the start question.
`app.menus.compiler` builds a Flow from a checked definition.
"""

from dataclasses import dataclass, field
from typing import Any

from transitions import Machine, State

from app.menus.answers import labelled_answer
from app.menus.expressions import Expression, Template, compile_or_problem
from app.menus.loader import Loc, Problem, Source
from app.menus.schema import ChoiceDef, DefinitionDef, QuestionDef

NO_SCREEN = frozenset({"calculate", "action"})
CHOICE_TYPES = frozenset({"choice", "multi_choice"})


class Question(State):
    """A state that asks one thing; compiled labels, conditions and the question's spec.

    `compiled` holds (loc, expression or template) for every compiled field, so the checks
    can point at the field an unknown name is used in.
    """

    def __init__(self, spec: QuestionDef, flow: "Flow", loc: Loc, problems: list[Problem]) -> None:
        super().__init__(spec.id)
        self.spec, self.flow, self.loc = spec, flow, loc
        self.compiled: list[tuple[Loc, Expression | Template]] = []
        self.label = self.texts((*loc, "label"), spec.label, problems)
        self.constraint = self.expression((*loc, "constraint"), spec.constraint, problems)
        self.constraint_message = self.texts(
            (*loc, "constraint_message"), spec.constraint_message, problems
        )
        self.required_message = self.texts(
            (*loc, "required_message"), spec.required_message, problems
        )
        self.relevant = self.expression((*loc, "relevant"), spec.relevant, problems)
        self.choice_filter = self.expression((*loc, "choice_filter"), spec.choice_filter, problems)
        self.calculation = self.expression((*loc, "calculation"), spec.calculation, problems)
        self.params = {
            name: self.expression((*loc, "params", name), text, problems)
            for name, text in spec.params.items()
        }
        self.bounds = {
            key: self.expression((*loc, key), str(value), problems)
            if isinstance(value, str) and spec.type in {"number", "money"}
            else None
            for key, value in (("min", spec.min), ("max", spec.max))
        }
        self.choices = self._choices(problems)
        self.has_screen = spec.type not in NO_SCREEN

    def expression(self, loc: Loc, text: str | None, problems: list[Problem]) -> Any:
        """Compile the condition written at `loc`; None when absent or wrong."""
        compiled = compile_or_problem(Expression, text, problems, self.flow.source, loc)
        if compiled is not None:
            self.compiled.append((loc, compiled))
        return compiled

    def texts(self, loc: Loc, text: Any, problems: list[Problem]) -> dict[str, Template]:
        """Compile the label or message at `loc` (one string, or one per language)."""
        compiled = self.flow.texts(text, problems, loc)
        for language, template in compiled.items():
            self.compiled.append((self.flow.text_loc(loc, text, language), template))
        return compiled

    def _choices(self, problems: list[Problem]) -> tuple["CompiledChoice", ...]:
        spec, lists = self.spec, self.flow.definition.choice_lists
        if spec.choices:
            choices, base = spec.choices, (*self.loc, "choices")
        else:
            choices = lists.get(spec.choices_from or "", [])
            base = ("choice_lists", spec.choices_from)
        compiled = []
        for index, choice in enumerate(choices):
            loc = (*base, index)
            label = self.texts((*loc, "label"), choice.label, problems)
            relevant = self.expression((*loc, "relevant"), choice.relevant, problems)
            compiled.append(CompiledChoice(choice, label, relevant, loc))
        return tuple(compiled)

    @property
    def is_terminal(self) -> bool:
        """A screen after which the session ends: a message with nowhere to go."""
        return self.spec.type in ("message", "connect") and not self.flow.edges.get(self.name)


@dataclass(frozen=True)
class CompiledChoice:
    spec: ChoiceDef
    label: dict[str, Template]
    relevant: Expression | None
    loc: Loc = ()

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

    def loc_of(self, question_id: str) -> Loc:
        """("questions", index) of a question id."""
        index = next(i for i, q in enumerate(self.definition.questions) if q.id == question_id)
        return ("questions", index)

    def where_question(self, question_id: str) -> str:
        """`file:line:column: questions.<id>` of a question."""
        return self.source.where(self.loc_of(question_id), f"questions.{question_id}")

    @staticmethod
    def text_loc(loc: Loc, text: Any, language: str) -> Loc:
        """Where the `language` version of the text at `loc` is written."""
        return (*loc, language) if isinstance(text, dict) else loc

    def texts(self, text: Any, problems: list[Problem], loc: Loc) -> dict[str, Template]:
        """Compile a label given as one string or per language."""
        if text is None:
            return {}
        by_language = text if isinstance(text, dict) else {self.languages[0]: text}
        compiled = {}
        for language, source in by_language.items():
            where = self.text_loc(loc, text, language)
            if language not in self.languages:
                problems.append(self.source.problem(where, _unknown_language(language)))
            template = compile_or_problem(Template, source, problems, self.source, where)
            if template is not None:
                compiled[language] = template
        return compiled

    def text(self, texts: dict[str, Template], language: str, context: dict[str, Any]) -> str:
        """Render `texts` in `language`, falling back to the definition's first language."""
        template = texts.get(language) or texts.get(self.languages[0])
        if template is None and texts:
            template = next(iter(texts.values()))
        return template.render(self.labelled(template, context, language)) if template else ""

    def labelled(
        self, template: Template, context: dict[str, Any], language: str
    ) -> dict[str, Any]:
        """`context` with each choice answer the template shows as its label in `language`
        (its value still compares, and `.value` gives it): only the names it uses, so the
        cost does not grow with the survey."""
        wanted = [
            name
            for name in template.names
            if name in context
            and name in self.questions
            and self.questions[name].spec.type in CHOICE_TYPES
        ]
        if not wanted:
            return context
        shown = dict(context)
        for name in wanted:
            shown[name] = labelled_answer(self.questions[name], context[name], language, context)
        return shown

    def fire(self, trigger: str, hop: Hop) -> bool:
        """Fire `trigger` for `hop`; True when a transition happened."""
        return self.machine.events[trigger].trigger(hop)


# Question fields a designer may have indented under `label:` by mistake.
_FIELD_NAMES = frozenset(QuestionDef.model_fields)


def _unknown_language(language: str) -> str:
    if language in _FIELD_NAMES:
        return (
            f"unknown language {language!r}: is `{language}:` indented too far? It belongs "
            "under the question, level with `label:`"
        )
    return f"language {language!r} is not in `languages`"
