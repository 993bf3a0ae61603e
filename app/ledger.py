"""Money on a double-entry ledger, in integer minor units.

Correctness comes from SQL, not from the Redis lock: each posting locks the accounts it
touches (`SELECT … FOR UPDATE` on PostgreSQL; SQLite's BEGIN IMMEDIATE, see app/sqlite.py),
refuses to take a no-overdraft account below zero, and records its idempotency key in the
same transaction, so a retried hop returns the first posting instead of a second one.
"""

import secrets
from dataclasses import dataclass

from sqlalchemy import func, select

from app.errors import SautiError
from app.extensions import db
from app.models import Account, Customer, LedgerEntry, LedgerTransaction

HOUSE_MOBILE_MONEY = "house:mobile_money"
HOUSE_AIRTIME = "house:airtime"
HOUSE_LOANS = "house:loans"


class LedgerError(SautiError):
    """A posting was refused; `code` names why (e.g. "insufficient_funds")."""

    def __init__(self, code: str, message: str) -> None:
        self.code = code
        super().__init__(message)


def wallet_code(msisdn: str) -> str:
    return f"wallet:{msisdn}"


def loan_code(msisdn: str) -> str:
    return f"loan:{msisdn}"


def open_account(
    code: str, kind: str, customer: Customer | None = None, allow_negative: bool = False
) -> Account:
    """The account with `code`, created if missing (in the current transaction)."""
    account = db.session.scalar(select(Account).where(Account.code == code))
    if account is None:
        account = Account(
            code=code,
            kind=kind,
            customer_id=customer.id if customer else None,
            allow_negative=allow_negative,
            balance_minor=0,
        )
        db.session.add(account)
        db.session.flush()
    return account


def open_customer_accounts(customer: Customer) -> Account:
    """A customer's wallet (no overdraft) and loan account; returns the wallet."""
    open_account(loan_code(customer.msisdn), "loan", customer, allow_negative=True)
    return open_account(wallet_code(customer.msisdn), "wallet", customer)


def house_account(code: str) -> Account:
    """A house account (mobile-money float, airtime float, loan book): may go negative."""
    return open_account(code, "house", allow_negative=True)


@dataclass(frozen=True)
class Leg:
    """One side of a posting: `amount_minor` (signed) on the account with `code`."""

    code: str
    amount_minor: int


@dataclass(frozen=True)
class Posting:
    """A posted transaction and the balances of its accounts right after it (by code)."""

    transaction: LedgerTransaction
    balances: dict[str, int]


def post(
    kind: str,
    legs: list[Leg],
    idempotency_key: str,
    msisdn: str,
    session_id: str = "",
    memo: str = "",
) -> Posting:
    """Post one balanced transaction, or return the one already posted under the same key.

    Raises:
        ValueError: the legs do not sum to zero, or an amount is zero.
        LedgerError: "no_account" (an account is missing) or "insufficient_funds".
    """
    if sum(leg.amount_minor for leg in legs) != 0 or any(leg.amount_minor == 0 for leg in legs):
        raise ValueError("a posting's legs must be non-zero and sum to zero")
    codes = sorted({leg.code for leg in legs})
    # Lock in a fixed order (by code) so two postings on the same pair cannot deadlock.
    accounts = {
        a.code: a
        for a in db.session.scalars(
            select(Account).where(Account.code.in_(codes)).order_by(Account.code).with_for_update()
        )
    }
    done = db.session.scalar(
        select(LedgerTransaction).where(LedgerTransaction.idempotency_key == idempotency_key)
    )
    if done is not None:
        return Posting(done, {code: account.balance_minor for code, account in accounts.items()})
    missing = [code for code in codes if code not in accounts]
    if missing:
        raise LedgerError("no_account", f"no account {missing[0]}")
    for leg in legs:
        account = accounts[leg.code]
        if not account.allow_negative and account.balance_minor + leg.amount_minor < 0:
            raise LedgerError("insufficient_funds", f"{leg.code} cannot go below zero")
    transaction = LedgerTransaction(
        idempotency_key=idempotency_key,
        kind=kind,
        reference=_reference(),
        msisdn=msisdn,
        session_id=session_id,
        memo=memo,
    )
    db.session.add(transaction)
    for leg in legs:
        accounts[leg.code].balance_minor += leg.amount_minor
        db.session.add(
            LedgerEntry(
                transaction=transaction,
                account_id=accounts[leg.code].id,
                amount_minor=leg.amount_minor,
            )
        )
    db.session.flush()
    return Posting(transaction, {code: account.balance_minor for code, account in accounts.items()})


def balance(code: str) -> int:
    """The balance of account `code` in minor units (0 when it does not exist)."""
    return db.session.scalar(select(Account.balance_minor).where(Account.code == code)) or 0


def recent(code: str, limit: int = 4) -> list[tuple[LedgerTransaction, int]]:
    """The latest postings on account `code`, newest first, with this account's amount."""
    rows = db.session.execute(
        select(LedgerTransaction, LedgerEntry.amount_minor)
        .join(LedgerEntry, LedgerEntry.transaction_id == LedgerTransaction.id)
        .join(Account, Account.id == LedgerEntry.account_id)
        .where(Account.code == code)
        .order_by(LedgerTransaction.id.desc())
        .limit(limit)
    )
    return [(row[0], row[1]) for row in rows]


def invariant_problems() -> list[str]:
    """Every broken ledger invariant (empty when sound): each account's entries sum to its
    balance, each transaction sums to zero, no no-overdraft account is negative."""
    problems = []
    sums = dict(
        db.session.execute(
            select(LedgerEntry.account_id, func.sum(LedgerEntry.amount_minor)).group_by(
                LedgerEntry.account_id
            )
        ).all()
    )
    for account in db.session.scalars(select(Account)):
        if (sums.get(account.id) or 0) != account.balance_minor:
            problems.append(
                f"{account.code}: entries {sums.get(account.id)} != balance {account.balance_minor}"
            )
        if not account.allow_negative and account.balance_minor < 0:
            problems.append(f"{account.code}: negative balance {account.balance_minor}")
    unbalanced = db.session.execute(
        select(LedgerEntry.transaction_id)
        .group_by(LedgerEntry.transaction_id)
        .having(func.sum(LedgerEntry.amount_minor) != 0)
    ).all()
    problems += [f"transaction {row[0]} does not sum to zero" for row in unbalanced]
    return problems


def _reference() -> str:
    # Mobile-money style receipt code: 10 characters, no 0/O/1/I to avoid misreading.
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(10))
