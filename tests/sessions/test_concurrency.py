"""Concurrent hops: one session's copies serialise; money stays right across sessions."""

from concurrent.futures import ThreadPoolExecutor

from app import ledger
from app.extensions import db
from app.ledger import invariant_problems
from app.models import Customer
from app.seed import seed_demo
from app.sessions.store import SessionStore
from tests.conftest import USSD_URL, Handset


def post_all(app, forms: list[dict]) -> list[str]:
    """POST every form at once, each from its own thread and test client."""

    def post(form: dict) -> str:
        response = app.test_client().post(USSD_URL, data=form)
        assert response.status_code == 200
        return response.get_data(as_text=True)

    with ThreadPoolExecutor(max_workers=len(forms)) as pool:
        return list(pool.map(post, forms))


def test_fifty_copies_of_one_hop_change_state_once(seeded, client):
    phone = Handset(client)
    phone.send()
    phone.inputs = ["1"]
    replies = post_all(seeded, [phone.form()] * 50)
    assert len(set(replies)) == 1 and replies[0].startswith("CON Enter amount to deposit")
    state = SessionStore(
        seeded.extensions["redis"], seeded.config["SESSION_SIGNING_KEY"], 60, 1, 1
    ).load(phone.session_id, phone.msisdn)
    assert state.version == 2 and state.hops == 1 and state.back_stack == ["main"]


# Forty writers at once queue longer than a gateway's hop budget on a small machine (past
# it a hop commits nothing and says so); this test is about money, so it lets them queue.
PATIENT = {
    "USSD_HOP_BUDGET_SECONDS": 60.0,
    "USSD_LOCK_TTL_SECONDS": 120.0,
    "DATABASE_LOCK_TIMEOUT_SECONDS": 50.0,
    "DATABASE_STATEMENT_TIMEOUT_SECONDS": 50.0,
}


def test_forty_concurrent_withdrawals_only_the_affordable_ones_succeed(app_factory):
    seeded = app_factory(**PATIENT)
    with seeded.app_context():
        seed_demo(seeded.config)
    client = seeded.test_client()
    msisdn = "+254711000002"  # KES 7,000
    phones = []
    for _ in range(40):
        phone = Handset(client, msisdn)
        if "unfinished session" in phone.send():
            phone.send("2")  # start again: the other 39 sessions are mid-flow too
        for reply in ("2", "1000", "1"):
            phone.send(reply)
        phone.inputs.append("1234")
        phones.append(phone)
    replies = post_all(seeded, [phone.form() for phone in phones])
    succeeded = [r for r in replies if "Withdrew KES 1,000" in r]
    refused = [r for r in replies if r.startswith("END Not enough money")]
    assert len(succeeded) == 7 and len(refused) == 33, replies
    with seeded.app_context():
        assert ledger.balance(ledger.wallet_code(msisdn)) == 0
        customer = db.session.query(Customer).filter_by(msisdn=msisdn).one()
        assert customer.pin_failures == 0
        assert invariant_problems() == []
