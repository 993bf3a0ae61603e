"""Steps without a screen: a computed value, or a named action with side effects."""

from typing import Any

from jinja2 import TemplateError

from app.actions import ActionContext, actions
from app.interrogators import Ask, Interrogator, interrogators


@interrogators.register("calculate")
class CalculateInterrogator(Interrogator):
    """Store the value of `calculation` (an expression over earlier answers); a calculation
    over answers that were skipped is empty (None), as in XLSForm."""

    floip_type = "text"

    has_screen = False

    def compute(self, ask: Ask) -> Any:
        try:
            return ask.question.calculation(ask.context)
        except (TemplateError, TypeError, ValueError, ArithmeticError):
            return None


@interrogators.register("action")
class ActionInterrogator(Interrogator):
    """Run the registered action named by `action` with `params` (expressions); store the
    plain-data result it returns (e.g. {"ok": True, "balance": 1250}) under the step id."""

    has_screen = False

    def compute(self, ask: Ask) -> Any:
        params = {name: expr(ask.context) for name, expr in ask.question.params.items()}
        context = ActionContext.for_step(ask.session, ask.question.name, ask.config)
        return actions.get(ask.spec.action)(context, **params)
