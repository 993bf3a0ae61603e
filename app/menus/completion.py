"""Completion actions (`on_complete`): store customer fields, queue an SMS, tag, call."""

from collections.abc import Mapping
from typing import Any

from app import customers, outbox
from app.actions import ActionContext, actions
from app.menus.flow import Flow
from app.sessions.state import InterrogationSession


def run_on_complete(
    session: InterrogationSession, flow: Flow, context: dict[str, Any], config: Mapping[str, Any]
) -> None:
    """Run the definition's completion actions in order, in the hop's transaction.

    An SMS goes through the outbox with a key unique to this session and hop, so a retried
    hop queues nothing twice.
    """
    definition = flow.definition
    if not definition.on_complete:
        return
    for index, action in enumerate(definition.on_complete):
        if action.store:
            values = {
                name: expression(context)
                for name, expression in flow.on_complete_store[index].items()
            }
            customers.store_fields(session.msisdn, values)
        if action.sms:
            text = flow.text(flow.on_complete_texts[index], session.language, context)
            key = f"{session.session_id}:{session.hops}:complete:{index}"
            outbox.queue("sms", session.msisdn, {"message": text}, key)
        if action.tag:
            customers.add_tag(session.msisdn, action.tag)
        if action.call:
            step = ActionContext.for_step(session, f"complete:{index}", config)
            actions.get(action.call)(step)
    customer = customers.find(session.msisdn)
    session.customer = customer.snapshot() if customer else None
