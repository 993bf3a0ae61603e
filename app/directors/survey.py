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
            return Bid(0, "already completed (once per customer)")
        return offer

    def start(self, session: InterrogationSession, request: UssdRequest) -> Prompt:
        flow = self.flow()
        overall = quotas.buckets([q for q in flow.definition.quotas if q.by is None], {})
        if any(quotas.is_full(flow.id, bucket, limit) for bucket, limit in overall):
            return Prompt(self._quota_message(flow, session), end=True)
        return super().start(session, request)

    def on_start(self, session: InterrogationSession, flow: Flow) -> None:
        runs.start(session, flow.id, flow.version)

    def parse(self, ask: Ask, interrogator: Interrogator, reply: str) -> Any:
        value = super().parse(ask, interrogator, reply)
        flow, name = ask.question.flow, ask.question.name
        wanted = quotas.buckets([q for q in flow.definition.quotas if q.by == name], {name: value})
        if any(quotas.is_full(flow.id, bucket, limit) for bucket, limit in wanted):
            runs.answered(ask.session, name, value)
            runs.finish(ask.session, "stopped", "quota")
            raise EndSession(self._quota_message(flow, ask.session))
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
    def _quota_message(flow: Flow, session: InterrogationSession) -> str:
        for texts in flow.quota_messages:
            return flow.text(texts, session.language, {})
        return message(session.language, "quota_full")
