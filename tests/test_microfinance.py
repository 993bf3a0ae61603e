"""Money journeys through the USSD callback URL, checked against the ledger rows."""

import pytest
from sqlalchemy import select

from app import ledger
from app.extensions import db
from app.models import CallRequest, LedgerTransaction
from tests.conftest import Handset, outbox_rows

pytestmark = pytest.mark.usefixtures("ledger_invariant")

AMINA = "+254711000001"  # KES 6,000 opening balance + KES 10,000 loan
BRIAN = "+254711000002"  # KES 7,000, no loan


def balance(app, code: str) -> int:
    with app.app_context():
        return ledger.balance(code)


def postings(app, kind: str) -> list[LedgerTransaction]:
    with app.app_context():
        rows = list(
            db.session.scalars(select(LedgerTransaction).where(LedgerTransaction.kind == kind))
        )
        for row in rows:
            _ = [(e.account_id, e.amount_minor) for e in row.entries]
        db.session.expunge_all()
        return rows


def test_main_menu_lists_every_service(seeded, client):
    body = Handset(client, AMINA).send()
    assert body.startswith("CON Sauti Money. Hello Amina Wanjiru\n1. Deposit\n2. Withdraw")
    assert "7. Call me" in body


def test_deposit_credits_wallet_with_mobile_money_receipt(seeded, client):
    phone = Handset(client, AMINA)
    phone.send()
    assert phone.send("1") == "CON Enter amount to deposit\n0 Back 00 Home"
    assert phone.send("500").startswith("CON Deposit KES 500 from mobile money?\n1. Confirm")
    assert phone.send("1").startswith("CON Enter your PIN")
    body = phone.send("1234")
    assert body.startswith("END ") and "Deposited KES 500. Balance KES 16,500" in body
    wallet = ledger.wallet_code(AMINA)
    assert balance(seeded, wallet) == 16_500_00
    deposit = [p for p in postings(seeded, "deposit") if p.session_id == phone.session_id]
    assert len(deposit) == 1 and deposit[0].reference in body
    assert sorted(e.amount_minor for e in deposit[0].entries) == [-500_00, 500_00]
    receipts = [r for r in outbox_rows(seeded, "sms") if r.recipient == AMINA]
    assert receipts[-1].status == "sent" and deposit[0].reference in receipts[-1].payload["message"]


def test_withdraw_debits_wallet(seeded, client):
    body = Handset(client, BRIAN).walk("2", "2000", "1", "1234")
    assert "Withdrew KES 2,000. Balance KES 5,000" in body and body.startswith("END ")
    assert balance(seeded, ledger.wallet_code(BRIAN)) == 5_000_00


def test_withdraw_more_than_balance_is_refused_and_posts_nothing(seeded, client):
    body = Handset(client, BRIAN).walk("2", "7001", "1", "1234")
    assert body.startswith("END Not enough money in your account. Balance KES 7,000")
    assert balance(seeded, ledger.wallet_code(BRIAN)) == 7_000_00
    assert postings(seeded, "withdraw") == []


def test_send_money_moves_both_sides_in_one_transaction(seeded, client):
    body = Handset(client, BRIAN).walk("3", "0711000001", "1500", "1", "1234")
    assert "Sent KES 1,500 to Amina Wanjiru. Balance KES 5,500" in body
    assert balance(seeded, ledger.wallet_code(BRIAN)) == 5_500_00
    assert balance(seeded, ledger.wallet_code(AMINA)) == 17_500_00
    [transfer] = postings(seeded, "transfer")
    assert len(transfer.entries) == 2
    recipients = {r.recipient for r in outbox_rows(seeded, "sms")}
    assert {AMINA, BRIAN} <= recipients


def test_send_money_to_unregistered_number_reasks(seeded, client):
    phone = Handset(client, BRIAN)
    body = phone.walk("3", "0799123456")
    assert body.startswith("CON That number is not registered with us.\nEnter the phone number")


def test_send_money_to_a_malformed_number_reasks(seeded, client):
    body = Handset(client, BRIAN).walk("3", "12")
    assert body.startswith("CON Enter a phone number like 0712345678.")


def test_repay_loan_reduces_what_is_owed(seeded, client):
    body = Handset(client, AMINA).walk("4", "2500", "1", "1234")
    assert "Repaid KES 2,500. Loan balance KES 7,500" in body
    assert balance(seeded, ledger.loan_code(AMINA)) == -7_500_00
    assert balance(seeded, ledger.wallet_code(AMINA)) == 13_500_00


def test_repay_more_than_owed_is_refused(seeded, client):
    body = Handset(client, AMINA).walk("4", "10001", "1", "1234")
    assert body.startswith("END You owe only KES 10,000.")
    assert postings(seeded, "loan_repayment") == []


def test_repay_without_a_loan_says_so(seeded, client):
    assert Handset(client, BRIAN).walk("4", "100", "1", "1234") == (
        "END You have no loan to repay."
    )


def test_buy_airtime_for_self_goes_through_the_outbox(seeded, client):
    body = Handset(client, BRIAN).walk("5", "1", "50", "1", "1234")
    assert "Airtime of KES 50 is on its way" in body
    [airtime] = outbox_rows(seeded, "airtime")
    assert airtime.recipient == BRIAN and airtime.payload == {
        "amount_minor": 5000,
        "currency": "KES",
    }
    assert airtime.status == "sent" and airtime.result["backend"] == "development"
    assert balance(seeded, ledger.wallet_code(BRIAN)) == 6_950_00
    assert balance(seeded, ledger.HOUSE_AIRTIME) == 50_00


def test_buy_airtime_for_another_number(seeded, client):
    body = Handset(client, BRIAN).walk("5", "2", "0722000000", "20", "1")
    assert body.startswith("CON Enter your PIN")
    assert outbox_rows(seeded, "airtime") == []  # nothing is bought before the PIN


def test_buy_airtime_for_another_number_after_pin(seeded, client):
    Handset(client, BRIAN).walk("5", "2", "0722000000", "20", "1", "1234")
    [airtime] = outbox_rows(seeded, "airtime")
    assert airtime.recipient == "+254722000000"


def test_cancel_at_confirm_charges_nothing(seeded, client):
    body = Handset(client, BRIAN).walk("2", "100", "2")
    assert body == "END Cancelled. Nothing was charged."
    assert balance(seeded, ledger.wallet_code(BRIAN)) == 7_000_00


def test_account_screen_shows_balance_loan_and_statement(seeded, client):
    body = Handset(client, AMINA).walk("6", "1234")
    assert body.startswith("END Balance KES 16,000\nLoan KES 10,000\n")
    assert "Loan 10,000" in body and "Deposit 6,000" in body


def test_call_me_records_a_call_request(seeded, client):
    body = Handset(client, AMINA).walk("7", "1")
    assert body == "END Thank you. We will call you shortly."
    with seeded.app_context():
        [request] = db.session.scalars(select(CallRequest)).all()
        assert request.msisdn == AMINA and request.status == "pending"


def test_wrong_pin_reasks_then_locks(seeded, client):
    phone = Handset(client, BRIAN)
    assert phone.walk("2", "100", "1", "0000").startswith("CON Wrong PIN. 2 tries left.")
    assert phone.send("1111").startswith("CON Wrong PIN. 1 try left.")
    assert phone.send("2222") == "END Too many wrong PINs. Try again in 15 minutes."
    locked = Handset(client, BRIAN).walk("2", "100", "1", "1234")
    assert locked == "END Too many wrong PINs. Try again in 15 minutes."
    assert balance(seeded, ledger.wallet_code(BRIAN)) == 7_000_00


def test_pin_must_be_four_ascii_digits(seeded, client):
    phone = Handset(client, BRIAN)
    assert phone.walk("2", "100", "1", "١٢٣٤").startswith("CON A PIN is 4 digits.")


def test_amount_must_be_ascii_digits(seeded, client):
    phone = Handset(client, BRIAN)
    assert phone.walk("2", "1e3").startswith("CON Enter an amount in whole KES.")
    assert phone.send("5").startswith("CON Enter an amount from 10 to 150,000.")


def test_repeated_final_hop_posts_once(seeded, client):
    phone = Handset(client, BRIAN)
    phone.walk("2", "100", "1")
    first = phone.send("1234")
    again = client.post("/ussd/africastalking/test-token", data=phone.form())
    assert again.get_data(as_text=True) == first
    assert len(postings(seeded, "withdraw")) == 1


def test_crash_inside_a_hop_ends_politely_and_writes_nothing(seeded, client, monkeypatch):
    from app.actions import microfinance

    def explode(*args, **kwargs):
        raise RuntimeError("queue down")

    monkeypatch.setattr(microfinance, "_confirmed", explode)
    body = Handset(client, BRIAN).walk("2", "100", "1", "1234")
    assert body == ("END Sorry, something went wrong and nothing was changed. Please dial again.")
    assert postings(seeded, "withdraw") == []
    assert balance(seeded, ledger.wallet_code(BRIAN)) == 7_000_00
