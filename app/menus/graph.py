"""Draw a definition's flow from the compiled `transitions` machine the engine runs."""

import shutil
from pathlib import Path

from transitions.extensions import GraphMachine

from app.menus.flow import Flow


class _Drawing:
    """The model a GraphMachine draws; it never runs a trigger."""


def flow_graph(flow: Flow, engine: str = "mermaid") -> GraphMachine:
    """A GraphMachine with the flow's states and `answered` transitions, each edge labelled
    with its condition (a choice value or a `when` expression)."""
    specs = []
    for source, transitions in flow.machine.events["answered"].transitions.items():
        for transition in transitions:
            labels = [getattr(c.func, "label", "?") for c in transition.conditions]
            specs.append(
                {
                    "trigger": "answered",
                    "source": source,
                    "dest": transition.dest,
                    "conditions": labels,
                }
            )
    model = _Drawing()
    return GraphMachine(
        model=model,
        states=list(flow.questions),
        transitions=specs,
        initial=flow.start,
        auto_transitions=False,
        show_conditions=True,
        graph_engine=engine,
        title=flow.id,
    )


def mermaid(flow: Flow) -> str:
    """The flow as Mermaid `stateDiagram-v2` text."""
    machine = flow_graph(flow, "mermaid")
    return machine.models[0].get_graph().draw(None)


def graphviz_available() -> bool:
    """Whether an SVG can be drawn (the `graphviz` package and its `dot` program)."""
    try:
        import graphviz  # noqa: F401 - optional: only probed
    except ImportError:
        return False
    return shutil.which("dot") is not None


def write_svg(flow: Flow, path: Path) -> None:
    """Draw the flow as SVG with graphviz.

    Raises:
        RuntimeError: graphviz is not installed.
    """
    if not graphviz_available():
        raise RuntimeError("install graphviz (the `dot` program and `pip install graphviz`)")
    machine = flow_graph(flow, "graphviz")
    machine.models[0].get_graph().draw(str(path), format="svg", prog="dot")
