"""SurveyDirector: a MenuDirector that records a run, answer by answer, with quotas,
once-per-customer surveys and consent."""

from typing import Any

from app.directors import Bid, Caller, directors
from app.directors.menu import MenuDirector
from app.interrogators import Ask, EndSession, Interrogator
from app.interrogators.choice import visible_options
from app.interrogators.messages import message
from app.menus.flow import Flow, Question
from app.prompts import Prompt
from app.sessions.state import InterrogationSession
from app.surveys import quotas, runs
from app.ussd.request import UssdRequest


@directors.register("survey")
class SurveyDirector(MenuDirector):
    """Runs a `kind: survey` definition; every accepted answer is a SurveyAnswer row."""

    def bid(self, request: UssdRequest, caller: Caller) -> Bid:
        offer = super().bid(request, caller)
        definition = self.flow().definition
        if (
            offer.score
            and not definition.repeatable
            and runs.has_completed(definition.id, caller.msisdn)
        ):
            return Bid(0, "already completed (once per customer)", "already_done")
        return offer

    def start(self, session: InterrogationSession, request: UssdRequest) -> Prompt:
        flow = self.flow()
        full = quotas.full_quota(flow.id, flow.definition.quotas, {}, None)
        if full is not None:
            return Prompt(self._quota_message(flow, session, full), end=True)
        return super().start(session, request)

    def on_start(self, session: InterrogationSession, flow: Flow) -> None:
        runs.start(session, flow.id, flow.version)

    def parse(self, ask: Ask, interrogator: Interrogator, reply: str) -> Any:
        value = super().parse(ask, interrogator, reply)
        flow, name = ask.question.flow, ask.question.name
        full = quotas.full_quota(flow.id, flow.definition.quotas, {name: value}, name)
        if full is not None:
            runs.answered(ask.session, name, value)
            runs.finish(ask.session, "stopped", "quota")
            raise EndSession(self._quota_message(flow, ask.session, full))
        return value

    def on_ask(
        self, session: InterrogationSession, flow: Flow, question: Question, ask: Ask
    ) -> None:
        order = None
        if question.spec.randomize:
            order = [value for _key, _label, value in visible_options(ask)]
        runs.asked(session, question.name, order)

    def on_invalid(self, session: InterrogationSession, flow: Flow, question: Question) -> None:
        runs.refused(session, question.name)

    def on_answer(
        self, session: InterrogationSession, flow: Flow, question: Question, value: Any
    ) -> None:
        runs.answered(session, question.name, value)

    def on_stop(
        self, session: InterrogationSession, flow: Flow, question: Question, status: str
    ) -> None:
        reason = "consent" if question.spec.type == "consent" else question.spec.type
        runs.finish(session, "stopped", reason)

    def on_finish(self, session: InterrogationSession, flow: Flow) -> None:
        wanted = quotas.buckets(flow.definition.quotas, session.answers)
        if quotas.take_places(flow.id, wanted):
            runs.finish(session, "completed")
        else:
            runs.finish(session, "stopped", "quota")

    @staticmethod
    def _quota_message(flow: Flow, session: InterrogationSession, index: int) -> str:
        """The full quota's own message, else the first quota message given, else ours."""
        given = [texts for texts in flow.quota_messages if texts]
        texts = flow.quota_messages[index] or (given[0] if given else None)
        return (
            flow.text(texts, session.language, {})
            if texts
            else message(session.language, "quota_full")
        )
