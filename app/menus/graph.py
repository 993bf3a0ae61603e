"""Draw every path a caller can take through a definition: the `next` rules and choice
`goto`s the engine fires, the skips a false `relevant` makes, the ways a session ends
(a closing message, consent declined, a PIN locked), labelled in a chosen language."""

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from app.i18n import message
from app.menus.flow import Flow, Question

END = "[*]"
LABEL_CHARS = 48


@dataclass(frozen=True)
class Step:
    """One arrow: from a question id to a question id (or END), and what takes it."""

    source: str
    dest: str
    label: str = ""


def _short(text: str) -> str:
    text = re.sub(r"\s+", " ", text.replace('"', "'").replace(";", ",")).strip()
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1] + "…"


def node_label(question: Question, language: str) -> str:
    """The question's label in `language` (its id when it has none: calculate, action)."""
    template = question.label.get(language) or question.label.get(question.flow.languages[0])
    return _short(template.source) if template else question.name


def _answer_steps(flow: Flow, question: Question, language: str) -> list[Step]:
    """The `answered` transitions of one question, labelled with what the caller chose or
    the rule's condition."""
    steps = []
    labels = {choice.spec.value: choice.label for choice in question.choices}
    for transition in flow.machine.events["answered"].transitions.get(question.name, []):
        label = ""
        for condition in transition.conditions:
            value = getattr(condition.func, "value", None)
            if value is not None and value in labels:
                texts = labels[value]
                template = texts.get(language) or texts.get(flow.languages[0])
                label = template.source if template else value
            else:
                label = getattr(condition.func, "label", "")
        steps.append(Step(question.name, transition.dest, _short(label)))
    return steps


def _skips(flow: Flow, target: str, seen: frozenset[str] = frozenset()) -> list[str]:
    """Where a caller goes when `target` is skipped (its `relevant` is false): its own
    targets, and theirs in turn when they may be skipped too; END when it has none."""
    question = flow.questions[target]
    dests = flow.edges.get(target) or [END]
    found = []
    for dest in dests:
        found.append(dest)
        if dest != END and flow.questions[dest].relevant is not None and dest not in seen:
            found += _skips(flow, dest, seen | {target})
    return found if question.relevant is not None else []


def caller_paths(flow: Flow, language: str) -> list[Step]:
    """Every step a caller can take, in definition order, each once."""
    steps: list[Step] = []
    for question in flow.questions.values():
        answered = _answer_steps(flow, question, language)
        steps += answered
        for step in answered:
            target = flow.questions[step.dest]
            if target.relevant is not None:
                reason = _short(f"skips {target.name}: not ({target.relevant.source})")
                steps += [Step(question.name, dest, reason) for dest in _skips(flow, target.name)]
        if question.is_terminal:
            steps.append(Step(question.name, END))
        spec = question.spec
        if spec.type == "consent":
            steps.append(Step(question.name, END, message(language, "decline")))
        if spec.type == "pin" and spec.verify:
            steps.append(Step(question.name, END, "PIN locked"))
    if flow.questions[flow.start].relevant is not None:
        steps += [Step(END, dest, "skips the first question") for dest in _skips(flow, flow.start)]
    return list(dict.fromkeys(steps))


def mermaid(flow: Flow, language: str | None = None) -> str:
    """The flow as Mermaid `stateDiagram-v2` text: one state per question, labelled in
    `language` (default: the definition's first), one arrow per step a caller can take."""
    language = language or flow.languages[0]
    lines = [f"---\ntitle: {flow.id} ({language})\n---", "stateDiagram-v2"]
    for name, question in flow.questions.items():
        lines.append(f'  state "{node_label(question, language)}" as {name}')
    lines.append(f"  {END} --> {flow.start}")
    for step in caller_paths(flow, language):
        lines.append(f"  {step.source} --> {step.dest}" + (f": {step.label}" if step.label else ""))
    return "\n".join(lines) + "\n"


def dot(flow: Flow, language: str | None = None) -> str:
    """The same diagram in Graphviz DOT."""
    language = language or flow.languages[0]

    def node(name: str) -> str:
        return "end" if name == END else name

    lines = [f'digraph "{flow.id}" {{', "  rankdir=LR;", '  end [shape=doublecircle, label=""];']
    for name, question in flow.questions.items():
        lines.append(f'  {name} [shape=box, label="{node_label(question, language)}"];')
    for step in caller_paths(flow, language):
        source = "start" if step.source == END else step.source
        lines.append(f'  {source} -> {node(step.dest)} [label="{step.label}"];')
    lines.append("  start [shape=point];")
    lines.append(f"  start -> {flow.start};")
    return "\n".join(lines) + "\n}\n"


def graphviz_available() -> bool:
    """Whether an SVG can be drawn (the `graphviz` package and its `dot` program)."""
    try:
        import graphviz  # noqa: F401 - optional: only probed
    except ImportError:
        return False
    return shutil.which("dot") is not None


def write_svg(flow: Flow, path: Path, language: str | None = None) -> None:
    """Draw the flow as SVG with graphviz.

    Raises:
        RuntimeError: graphviz is not installed.
    """
    if not graphviz_available():
        raise RuntimeError("install graphviz (the `dot` program and `pip install graphviz`)")
    import graphviz

    graphviz.Source(dot(flow, language)).render(outfile=str(path), format="svg", cleanup=True)
