"""MenuDirector: runs one YAML definition's compiled flow, one question per hop."""

import time
from dataclasses import replace
from datetime import date
from typing import Any, ClassVar

from app.directors import Bid, Caller, Director, directors
from app.interrogators import (
    Ask,
    EndSession,
    Interrogator,
    InvalidAnswer,
    KeepAsking,
    interrogators,
)
from app.interrogators.messages import message
from app.menus.completion import run_on_complete
from app.menus.flow import Flow, Hop, Question
from app.prompts import Prompt
from app.sessions.state import InterrogationSession
from app.ussd.request import UssdRequest, match_code

DEEP_DIAL_DISCOUNT = 5


@directors.register("menu")
class MenuDirector(Director):
    """Bids `bid` (from the file, default 50) for its service codes and audience; a dial
    that goes deeper than its code (deep-dial answers) gets 5 less.

    Attributes:
        hands_back: at the end of its flow, hand the caller back to the auction (the
            last screen then shows above the next director's first one) instead of
            ending the session.
    """

    hands_back: ClassVar[bool] = False

    # -- bidding -----------------------------------------------------------------------
    def flow(self, session: InterrogationSession | None = None) -> Flow:
        """The flow to run: the session's pinned version, else the current one."""
        catalog = self.app.extensions["menus"]
        if session is not None and session.definition_version:
            return catalog.flow(session.definition_id, session.definition_version)
        return catalog.flow(self.key)

    def bid(self, request: UssdRequest, caller: Caller) -> Bid:
        definition = self.flow().definition
        codes = definition.service_codes
        match = match_code(codes, request.dialled)
        if match is None:
            return Bid(0, f"answers {', '.join(codes) or 'no service code'}")
        audience = definition.audience
        if audience.registered is True and caller.customer is None:
            return Bid(0, "for registered customers only", "registered_only")
        if audience.registered is False and caller.customer is not None:
            return Bid(0, "for callers not yet registered", "already_registered")
        if audience.when is not None:
            condition = self.flow().audience_when
            if condition is not None and not condition.test({"customer": caller.customer or {}}):
                return Bid(0, f"audience: {audience.when}", "closed")
        if not match.answers:
            return Bid(definition.bid, f"service code {match.code}")
        # A definition bound to the whole dial string outbids one reached by deep dial.
        score = max(definition.bid - DEEP_DIAL_DISCOUNT, min(definition.bid, 1))
        return Bid(score, f"service code {match.code}, then {len(match.answers)} answer(s)")

    # -- running -----------------------------------------------------------------------
    def start(self, session: InterrogationSession, request: UssdRequest) -> Prompt:
        flow = self.flow()
        self.app.extensions["menus"].remember(flow)
        session.definition_id, session.definition_version = flow.id, flow.version
        match = match_code(flow.definition.service_codes, request.dialled)
        session.entry_code = match.code if match else request.service_code
        session.state = flow.start
        preferred = (session.customer or {}).get("language")
        session.language = preferred if preferred in flow.languages else flow.languages[0]
        self.on_start(session, flow)
        prompt = self.advance(session, flow)
        if request.is_initiation and match:
            for reply in match.answers:  # *384*1*6# answers "6" to the first screen
                if prompt.end or not session.director:
                    break
                prompt = self.handle(session, reply)
        return prompt

    def reprompt(self, session: InterrogationSession) -> Prompt:
        flow = self.flow(session)
        return self.render(session, flow, flow.questions[session.state])

    def handle(self, session: InterrogationSession, reply: str) -> Prompt:
        flow = self.flow(session)
        question = flow.questions[session.state]
        navigation = flow.definition.navigation
        if reply == navigation.home and session.state != flow.start:
            return self.go_home(session, flow)
        if reply == navigation.back and session.back_stack:
            return self.go_back(session, flow)
        ask = self.ask(session, question)
        interrogator = self.interrogator(question)
        try:
            value = self.parse(ask, interrogator, reply)
        except InvalidAnswer as err:
            self.on_invalid(session, flow, question)
            return self.render(session, flow, question, note=str(err))
        except KeepAsking as err:
            return self.render(session, flow, question, note=str(err))
        except EndSession as err:
            self.on_stop(session, flow, question, "stopped")
            return self.finish(session, flow, str(err))
        self.accept(session, flow, question, value, ask.context)
        return self.advance(session, flow)

    def parse(self, ask: Ask, interrogator: Interrogator, reply: str) -> Any:
        """Parse and check one reply: required, the type's own rules, then `constraint`."""
        question = ask.question
        if interrogator.is_empty(reply):
            if question.spec.default is not None:
                return question.spec.default
            if question.spec.required:
                custom = question.flow.text(question.required_message, ask.language, ask.context)
                raise InvalidAnswer(custom or ask.msg("required"))
            return None
        value = interrogator.parse(ask, reply)
        if question.constraint is not None:
            scope = {**ask.context, "value": value}
            if not question.constraint.test(scope):
                flow = question.flow
                custom = flow.text(question.constraint_message, ask.language, scope)
                raise InvalidAnswer(custom or ask.msg("constraint"))
        return value

    def accept(
        self,
        session: InterrogationSession,
        flow: Flow,
        question: Question,
        value: Any,
        context: dict[str, Any],
    ) -> None:
        """Store an answer and move on under the `next` rules."""
        session.answers[question.name] = value
        session.scratch.pop(question.name, None)
        if question.has_screen:
            session.back_stack.append(question.name)
        self.on_answer(session, flow, question, value)
        context[question.name] = value
        hop = Hop(session.state, context, value)
        if not flow.fire("answered", hop):
            raise RuntimeError(f"{flow.id}: no way on from {question.name!r}")
        session.state = hop.state

    def advance(self, session: InterrogationSession, flow: Flow) -> Prompt:
        """Run steps without a screen and skip irrelevant questions, then ask."""
        for _ in range(len(flow.questions) + 1):
            question = flow.questions[session.state]
            context = self.context(session)
            if question.relevant is not None and not question.relevant.test(context):
                session.answers.pop(question.name, None)
                if flow.edges.get(question.name):
                    hop = Hop(session.state, context, None)
                    if flow.fire("answered", hop):
                        session.state = hop.state
                        continue
                return self.finish(session, flow, "")
            interrogator = self.interrogator(question)
            if interrogator.has_screen:
                return self.render(session, flow, question)
            value = interrogator.compute(Ask(question, session, context, self.app.config))
            self.accept(session, flow, question, value, context)
        raise RuntimeError(f"{flow.id}: steps without a screen loop from {session.state!r}")

    def go_home(self, session: InterrogationSession, flow: Flow) -> Prompt:
        hop = Hop(session.state, self.context(session))
        flow.fire("home", hop)
        session.state, session.back_stack = hop.state, []
        session.scratch.clear()
        return self.advance(session, flow)

    def go_back(self, session: InterrogationSession, flow: Flow) -> Prompt:
        hop = Hop(session.state, self.context(session))
        hop.value = session.back_stack.pop()
        session.scratch.pop(session.state, None)  # half-given answers of the screen left
        flow.fire("back", hop)
        session.state = hop.state
        session.scratch.pop(session.state, None)
        return self.render(session, flow, flow.questions[session.state])

    def render(
        self, session: InterrogationSession, flow: Flow, question: Question, note: str = ""
    ) -> Prompt:
        """The question's screen; a terminal message ends the session."""
        ask = self.ask(session, question)
        prompt = self.interrogator(question).prompt(ask)
        session.asked_at = time.time()
        self.on_ask(session, flow, question, ask)
        if note:
            prompt = replace(prompt, text=f"{note}\n{prompt.text}")
        if question.is_terminal:
            self.complete(session, flow, ask.context)
            if self.hands_back:
                session.director = ""  # the session manager holds the auction again
                return prompt
            return replace(prompt, end=True)
        if session.state != flow.start or session.back_stack:
            navigation = flow.definition.navigation
            footer = (
                f"{navigation.back} {message(session.language, 'back')} "
                f"{navigation.home} {message(session.language, 'home')}"
            )
            prompt = replace(prompt, footer=footer)
        return prompt

    def finish(self, session: InterrogationSession, flow: Flow, text: str) -> Prompt:
        """End the session with `text` (consent declined, PIN locked, nothing left)."""
        return Prompt(text or message(session.language, "declined"), end=True)

    def complete(self, session: InterrogationSession, flow: Flow, context: dict) -> None:
        """The flow reached its end: run `on_complete`. Subclasses add their own."""
        run_on_complete(session, flow, context, self.app.config)
        self.on_finish(session, flow)

    # -- helpers and hooks -------------------------------------------------------------
    def ask(self, session: InterrogationSession, question: Question) -> Ask:
        return Ask(question, session, self.context(session), self.app.config)

    def context(self, session: InterrogationSession) -> dict[str, Any]:
        """Names templates and conditions see: answers so far, plus the built-ins."""
        context = dict(session.answers)
        context["customer"] = session.customer or {}
        context["today"] = date.today()
        context["language"] = session.language
        context["currency"] = self.app.config["CURRENCY"]
        return context

    @staticmethod
    def interrogator(question: Question) -> Interrogator:
        return _INTERROGATORS.get(question.spec.type) or _instantiate(question.spec.type)

    def on_start(self, session: InterrogationSession, flow: Flow) -> None:
        """Hook: a session starts on this definition."""

    def on_ask(
        self, session: InterrogationSession, flow: Flow, question: Question, ask: Ask
    ) -> None:
        """Hook: `question` is being put on screen."""

    def on_invalid(self, session: InterrogationSession, flow: Flow, question: Question) -> None:
        """Hook: a reply to `question` was refused."""

    def on_answer(
        self, session: InterrogationSession, flow: Flow, question: Question, value: Any
    ) -> None:
        """Hook: an answer was accepted (surveys save it here)."""

    def on_stop(
        self, session: InterrogationSession, flow: Flow, question: Question, status: str
    ) -> None:
        """Hook: the caller's reply ended the session early."""

    def on_finish(self, session: InterrogationSession, flow: Flow) -> None:
        """Hook: the flow reached a terminal screen."""


_INTERROGATORS: dict[str, Interrogator] = {}


def _instantiate(kind: str) -> Interrogator:
    _INTERROGATORS[kind] = interrogators.get(kind)()
    return _INTERROGATORS[kind]
