"""Microfinance actions: deposit, withdraw, send money, repay a loan, buy airtime,
"call me", and the balance with a mini-statement.

Each returns plain data for the definition's next screens: {"ok": True, ...} or
{"ok": False, "error": "<code>"}; every money move also queues an SMS receipt.
"""

from typing import Any

from app import customers, ledger, outbox
from app.actions import ActionContext, actions
from app.ledger import LedgerError, Leg
from app.money import money_text

KIND_LABELS = {
    "deposit": "Deposit",
    "withdraw": "Withdraw",
    "transfer": "Transfer",
    "loan_repayment": "Loan repaid",
    "airtime": "Airtime",
    "loan": "Loan",
}


def _receipt(ctx: ActionContext, msisdn: str, text: str, suffix: str = "sms") -> None:
    outbox.queue("sms", msisdn, {"message": text}, f"{ctx.idempotency_key}:{suffix}")


def _confirmed(ctx: ActionContext, result: dict[str, Any], what: str, amount: int) -> None:
    """Queue the caller's receipt: "<ref> Confirmed. KES 500 <what>. New balance …"."""
    currency = ctx.config["CURRENCY"]
    _receipt(
        ctx,
        ctx.msisdn,
        f"{result['reference']} Confirmed. {money_text(amount, currency)} {what}. "
        f"New balance {money_text(result['balance'], currency)}.",
    )


def _move(ctx: ActionContext, kind: str, legs: list[Leg], memo: str = "") -> dict[str, Any]:
    try:
        try:
            posting = ledger.post(kind, legs, ctx.idempotency_key, ctx.msisdn, ctx.session_id, memo)
        except LedgerError as err:
            if err.code != "no_account":
                raise
            _open_accounts(ctx.msisdn, legs)  # first money move of this customer
            posting = ledger.post(kind, legs, ctx.idempotency_key, ctx.msisdn, ctx.session_id, memo)
    except LedgerError as err:
        return {
            "ok": False,
            "error": err.code,
            "balance": ledger.balance(ledger.wallet_code(ctx.msisdn)),
        }
    balance = posting.balances[ledger.wallet_code(ctx.msisdn)]
    return {"ok": True, "reference": posting.transaction.reference, "balance": balance}


def _open_accounts(msisdn: str, legs: list[Leg]) -> None:
    customer = customers.find(msisdn)
    if customer is not None:
        ledger.open_customer_accounts(customer)
    for leg in legs:
        if leg.code.startswith("house:"):
            ledger.house_account(leg.code)


@actions.register("microfinance.open_wallet")
def open_wallet(ctx: ActionContext) -> dict[str, Any]:
    """Open the caller's wallet and loan accounts (after registration)."""
    customer = customers.find(ctx.msisdn)
    if customer is None:
        return {"ok": False, "error": "not_registered"}
    ledger.open_customer_accounts(customer)
    return {"ok": True}


@actions.register("microfinance.deposit")
def deposit(ctx: ActionContext, amount: int) -> dict[str, Any]:
    """Credit the wallet from the mobile-money float; the posting's reference is the
    mobile-money receipt."""
    result = _move(
        ctx,
        "deposit",
        [Leg(ledger.HOUSE_MOBILE_MONEY, -amount), Leg(ledger.wallet_code(ctx.msisdn), amount)],
        "mobile money receipt",
    )
    if result["ok"]:
        _confirmed(ctx, result, "deposited", amount)
    return result


@actions.register("microfinance.withdraw")
def withdraw(ctx: ActionContext, amount: int) -> dict[str, Any]:
    """Debit the wallet to the mobile-money float; refused below zero."""
    result = _move(
        ctx,
        "withdraw",
        [Leg(ledger.wallet_code(ctx.msisdn), -amount), Leg(ledger.HOUSE_MOBILE_MONEY, amount)],
    )
    if result["ok"]:
        _confirmed(ctx, result, "withdrawn", amount)
    return result


@actions.register("microfinance.send_money")
def send_money(ctx: ActionContext, recipient: str, amount: int) -> dict[str, Any]:
    """Move money to another registered customer's wallet; both sides in one transaction."""
    other = customers.find(recipient)
    if other is None or recipient == ctx.msisdn:
        return {"ok": False, "error": "unknown_recipient"}
    ledger.open_customer_accounts(other)
    result = _move(
        ctx,
        "transfer",
        [Leg(ledger.wallet_code(ctx.msisdn), -amount), Leg(ledger.wallet_code(recipient), amount)],
        f"to {recipient}",
    )
    if result["ok"]:
        currency = ctx.config["CURRENCY"]
        result["recipient_name"] = other.name
        _confirmed(ctx, result, f"sent to {other.name} {recipient}", amount)
        _receipt(
            ctx,
            recipient,
            f"{result['reference']} Confirmed. You have received {money_text(amount, currency)} "
            f"from {ctx.msisdn}.",
            "sms:recipient",
        )
    return result


@actions.register("microfinance.repay_loan")
def repay_loan(ctx: ActionContext, amount: int) -> dict[str, Any]:
    """Repay up to what is owed on the caller's loan, from the wallet."""
    owed = -ledger.balance(ledger.loan_code(ctx.msisdn))
    if owed <= 0:
        return {"ok": False, "error": "no_loan", "owed": 0}
    if amount > owed:
        return {"ok": False, "error": "more_than_owed", "owed": owed}
    result = _move(
        ctx,
        "loan_repayment",
        [Leg(ledger.wallet_code(ctx.msisdn), -amount), Leg(ledger.loan_code(ctx.msisdn), amount)],
    )
    result["owed"] = -ledger.balance(ledger.loan_code(ctx.msisdn))
    if result["ok"]:
        currency = ctx.config["CURRENCY"]
        _receipt(
            ctx,
            ctx.msisdn,
            f"{result['reference']} Confirmed. {money_text(amount, currency)} loan repayment. "
            f"Loan balance {money_text(result['owed'], currency)}.",
        )
    return result


@actions.register("microfinance.buy_airtime")
def buy_airtime(ctx: ActionContext, amount: int, recipient: str | None = None) -> dict[str, Any]:
    """Pay for airtime from the wallet; the top-up itself goes out through the outbox
    (africastalking Airtime in a Celery task) after this transaction commits."""
    recipient = recipient or ctx.msisdn
    result = _move(
        ctx,
        "airtime",
        [Leg(ledger.wallet_code(ctx.msisdn), -amount), Leg(ledger.HOUSE_AIRTIME, amount)],
        f"airtime for {recipient}",
    )
    if result["ok"]:
        currency = ctx.config["CURRENCY"]
        outbox.queue(
            "airtime",
            recipient,
            {"amount_minor": amount, "currency": currency},
            f"{ctx.idempotency_key}:airtime",
        )
        _confirmed(ctx, result, f"airtime for {recipient}", amount)
    return result


@actions.register("microfinance.call_me")
def call_me(ctx: ActionContext, reason: str = "support") -> dict[str, Any]:
    """Queue an outbound call to the caller from the Sauti Money voice number; when they
    answer, the voice line's IVR offers sales and support."""
    payload = {"from": ctx.config["AT_VOICE_NUMBER"], "reason": reason}
    outbox.queue("call", ctx.msisdn, payload, f"{ctx.idempotency_key}:call")
    return {"ok": True}


@actions.register("microfinance.statement")
def statement(ctx: ActionContext) -> dict[str, Any]:
    """Balance, loan owed and the last few postings on the wallet."""
    wallet = ledger.wallet_code(ctx.msisdn)
    lines = [
        {
            "date": posting.created_at.strftime("%d/%m"),
            "kind": KIND_LABELS.get(posting.kind, posting.kind),
            "amount": amount,
        }
        for posting, amount in ledger.recent(wallet, limit=3)
    ]
    owed = -ledger.balance(ledger.loan_code(ctx.msisdn))
    return {"ok": True, "balance": ledger.balance(wallet), "owed": max(owed, 0), "lines": lines}
