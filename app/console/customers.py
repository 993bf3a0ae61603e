"""Customers: search by number or name; one customer's answers, sessions and call
requests, messages and ledger. Numbers are masked for everyone but admins."""

from typing import Any

from flask import abort, current_app, render_template, request
from sqlalchemy import or_, select

from app.console import bp
from app.console.security import PERMISSIONS, requires
from app.extensions import db
from app.ledger import balance, loan_code, recent, wallet_code
from app.models import (
    Call,
    Customer,
    OutboxMessage,
    SurveyAnswer,
    SurveyRun,
    UssdSessionRecord,
)
from app.phones import InvalidPhoneNumber, to_e164

RESULTS = 50
HISTORY = 25


def search(query: str) -> list[Customer]:
    """Customers whose number or name matches `query` (a number in any local or E.164
    spelling, or part of a name, case-insensitive), newest first."""
    query = query.strip()
    if not query:
        return list(db.session.scalars(select(Customer).order_by(Customer.id.desc()).limit(20)))
    conditions = [Customer.name.ilike(f"%{_escaped(query)}%", escape="\\")]
    digits = query.lstrip("+").replace(" ", "")
    if digits.isdigit():
        conditions.append(Customer.msisdn.like(f"%{digits}%"))
        try:
            conditions.append(
                Customer.msisdn == to_e164(query, current_app.config["DEFAULT_COUNTRY"])
            )
        except InvalidPhoneNumber:
            pass
    found = select(Customer).where(or_(*conditions)).order_by(Customer.id.desc()).limit(RESULTS)
    return list(db.session.scalars(found))


def _escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


@bp.get("/customers")
@requires(*PERMISSIONS["customers"])
def customers() -> str:
    """The search page (`?q=`)."""
    query = request.args.get("q", "")[:60]
    return render_template(
        "console/customers.html", title="Customers", query=query, customers=search(query)
    )


@bp.get("/customers/<int:customer_id>")
@requires(*PERMISSIONS["customers"])
def customers_show(customer_id: int) -> str:
    """One customer: fields, answers, sessions and calls, messages, ledger."""
    customer = db.session.get(Customer, customer_id)
    if customer is None:
        abort(404)
    msisdn = customer.msisdn
    return render_template(
        "console/customer.html",
        title=customer.name or "Customer",
        customer=customer,
        fields={k: v for k, v in (customer.fields or {}).items()},
        answers=_answers(msisdn),
        sessions=_latest(UssdSessionRecord, UssdSessionRecord.msisdn == msisdn),
        calls=_latest(Call, Call.msisdn == msisdn),
        messages=_latest(OutboxMessage, OutboxMessage.recipient == msisdn),
        wallet=balance(wallet_code(msisdn)),
        loan=balance(loan_code(msisdn)),
        postings=recent(wallet_code(msisdn), limit=HISTORY),
        currency=current_app.config["CURRENCY"],
    )


def _latest(model: Any, condition: Any) -> list[Any]:
    return list(
        db.session.scalars(select(model).where(condition).order_by(model.id.desc()).limit(HISTORY))
    )


def _answers(msisdn: str) -> list[dict[str, Any]]:
    """The customer's latest answers; a `sensitive` question's value is not shown."""
    rows = db.session.execute(
        select(SurveyAnswer, SurveyRun.definition_id)
        .join(SurveyRun, SurveyRun.id == SurveyAnswer.run_id)
        .where(SurveyRun.msisdn == msisdn)
        .order_by(SurveyAnswer.id.desc())
        .limit(HISTORY)
    ).all()
    flows = current_app.extensions["menus"].flows
    shown = []
    for answer, definition_id in rows:
        flow = flows.get(definition_id)
        question = flow.questions.get(answer.question_id) if flow else None
        sensitive = bool(question and question.spec.sensitive)
        shown.append(
            {
                "definition": definition_id,
                "question": answer.question_id,
                "value": "(sensitive)" if sensitive else answer.value,
                "channel": answer.channel,
                "at": answer.answered_at,
            }
        )
    return shown
