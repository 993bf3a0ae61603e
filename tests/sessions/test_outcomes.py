"""A hop's truth: once SQL has committed, the caller is told what was committed whatever
Redis does; a failed hop says so and its replays get that same answer; every wait inside a
hop fits the gateway's budget."""

import os
import shutil
import signal
import time

import pytest
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from app import ledger
from app.errors import ConfigurationError
from app.extensions import db
from app.models import LedgerTransaction
from app.seed import seed_demo
from tests.conftest import USSD_URL, Handset, held_write_lock, make_app, outbox_rows

BRIAN = "+254711000002"  # KES 7,000
SORRY = "END Sorry, something went wrong and nothing was changed. Please dial again."
needs_redis_server = pytest.mark.skipif(
    shutil.which("redis-server") is None, reason="redis-server is not installed"
)


def seeded_app(app_factory, **overrides):
    app = app_factory(**overrides)
    with app.app_context():
        seed_demo(app.config)
    return app


def postings(app, kind: str, session_id: str | None = None) -> list[str]:
    """References of the postings of `kind` (made in `session_id`, when given)."""
    query = select(LedgerTransaction.reference).where(LedgerTransaction.kind == kind)
    if session_id is not None:
        query = query.where(LedgerTransaction.session_id == session_id)
    with app.app_context():
        return list(db.session.scalars(query))


def wallet(app, msisdn: str) -> int:
    with app.app_context():
        return ledger.balance(ledger.wallet_code(msisdn))


def replay(client, phone: Handset) -> str:
    return client.post(USSD_URL, data=phone.form()).get_data(as_text=True)


@needs_redis_server
def test_a_committed_hop_says_what_it_committed_though_redis_hangs_after(own_redis, app_factory):
    process, url = own_redis
    # No breaker: the replays below come at once, as soon as Redis answers again.
    app = seeded_app(app_factory, REDIS_URL=url, REDIS_BREAKER_SECONDS=0)
    client = app.test_client()
    phone = Handset(client, BRIAN)
    phone.walk("1", "300", "1")  # a deposit, at the PIN screen
    stopped = []

    def hang_redis(_session: Session) -> None:
        if not stopped:  # right after the hop's commit, Redis stops answering
            os.kill(process.pid, signal.SIGSTOP)
            stopped.append(True)

    event.listen(Session, "after_commit", hang_redis)
    try:
        body = phone.send("1234")
    finally:
        event.remove(Session, "after_commit", hang_redis)
        os.kill(process.pid, signal.SIGCONT)
    [reference] = postings(app, "deposit", phone.session_id)
    assert body.startswith(f"END {reference} Confirmed. Deposited KES 300. Balance KES 7,300")
    [receipt] = [row for row in outbox_rows(app, "sms") if reference in row.payload["message"]]
    assert receipt.status == "sent"
    # The gateway repeats the callback while the dead hop's lock still stands, then after
    # it expired: both times the answer is the committed one, and nothing moves again.
    assert replay(client, phone) == body
    app.extensions["redis"].delete(f"sauti:{{{phone.session_id}}}:lock")
    assert replay(client, phone) == body
    assert postings(app, "deposit", phone.session_id) == [reference]
    assert wallet(app, BRIAN) == 7_300_00


def test_a_failed_hop_is_its_answer_and_its_replays_move_no_money(seeded, client):
    phone = Handset(client, BRIAN)
    phone.walk("2", "100", "1")  # a withdrawal, at the PIN screen
    with held_write_lock(seeded, [BRIAN]):
        body = phone.send("1234")
    assert body == SORRY
    assert replay(client, phone) == SORRY  # later, with the database free: still no
    assert postings(seeded, "withdraw") == [] and wallet(seeded, BRIAN) == 7_000_00
    # Dialling again offers to carry on from the PIN screen: a new, deliberate try.
    again = Handset(client, BRIAN)
    assert again.send().startswith("CON You have an unfinished session.")
    assert again.send("1").startswith("CON Enter your PIN")


def test_a_held_database_lock_costs_each_caller_no_more_than_the_hop_budget(seeded, client):
    callers = [f"+2547110000{n:02d}" for n in (3, 4, 5)]
    phones = [Handset(client, msisdn) for msisdn in callers]
    for phone in phones:
        phone.walk("2", "100", "1")
    budget = seeded.config["USSD_HOP_BUDGET_SECONDS"]
    with held_write_lock(seeded, callers):
        for phone in phones:  # one after another, as callers queue on a sync worker
            started = time.perf_counter()
            body = phone.send("1234")
            elapsed = time.perf_counter() - started
            assert body == SORRY
            assert elapsed < budget + 0.5, f"hop took {elapsed:.2f} s"


def test_a_hop_past_its_budget_commits_nothing(app_factory, monkeypatch):
    # A one-second budget the other waits fit in; the lock outlives twice that.
    app = seeded_app(
        app_factory,
        USSD_HOP_BUDGET_SECONDS=1.0,
        USSD_LOCK_WAIT_SECONDS=0.2,
        USSD_LOCK_TTL_SECONDS=2.0,
        DATABASE_LOCK_TIMEOUT_SECONDS=0.3,
        DATABASE_STATEMENT_TIMEOUT_SECONDS=0.5,
        REDIS_SOCKET_TIMEOUT_SECONDS=0.25,
        REDIS_RETRIES=1,
    )
    from app.actions import microfinance

    slow_post = microfinance.ledger.post

    def post_slowly(*args, **kwargs):
        time.sleep(1.1)
        return slow_post(*args, **kwargs)

    monkeypatch.setattr(microfinance.ledger, "post", post_slowly)
    phone = Handset(app.test_client(), BRIAN)
    assert phone.walk("2", "100", "1", "1234") == SORRY
    assert postings(app, "withdraw") == [] and wallet(app, BRIAN) == 7_000_00


def test_waits_that_do_not_fit_the_hop_budget_stop_start_up(tmp_path):
    with pytest.raises(ConfigurationError) as refused:
        make_app(tmp_path, USSD_LOCK_WAIT_SECONDS=3.0, USSD_LOCK_TTL_SECONDS=3.0)
    problems = str(refused.value)
    assert "USSD_LOCK_WAIT_SECONDS (3.0) + DATABASE_LOCK_TIMEOUT_SECONDS (1.0)" in problems
    assert "USSD_LOCK_TTL_SECONDS (3.0) must be at least twice USSD_HOP_BUDGET_SECONDS" in (
        problems
    )
