"""Registration of an unknown caller, and resuming a dropped session."""

from sqlalchemy import select

from app import ledger
from app.extensions import db
from app.models import Customer
from tests.conftest import Handset, outbox_rows

NEW = "+254733000111"


def test_registration_asks_name_city_and_pin_twice(app, client):
    phone = Handset(client, NEW)
    assert phone.send().startswith("CON Welcome to Sauti Money.\nWhat is your full name?")
    assert phone.send("Wanjiku Kamau").startswith("CON Which city or town do you live in?")
    assert phone.send("Thika").startswith("CON Choose a 4-digit PIN.")
    # the confirmation screen asks only for the confirmation, not the choice again
    assert phone.send("4829") == "CON Enter the same PIN again to confirm.\n0 Back 00 Home"
    body = phone.send("4829")
    assert body.startswith(
        "CON Thank you Wanjiku Kamau. You are registered.\nSauti Money. Hello Wanjiku Kamau\n"
    )
    with app.app_context():
        customer = db.session.scalar(select(Customer).where(Customer.msisdn == NEW))
        assert (customer.name, customer.city) == ("Wanjiku Kamau", "Thika")
        assert customer.pin_hash and "4829" not in customer.pin_hash
        assert ledger.balance(ledger.wallet_code(NEW)) == 0
        assert ledger.open_account(ledger.wallet_code(NEW), "wallet").customer_id == customer.id
    [welcome] = outbox_rows(app, "sms")
    assert (
        welcome.recipient == NEW
        and "Welcome to Sauti Money, Wanjiku Kamau" in welcome.payload["message"]
    )


def test_registered_caller_gets_the_services_menu_and_pin_works(app, client):
    Handset(client, NEW).walk("Wanjiku", "Thika", "4829", "4829")
    body = Handset(client, NEW).walk("6", "4829")
    assert body.startswith("END Balance KES 0\nLoan KES 0")


def test_mismatched_pins_start_the_pin_again(app, client):
    phone = Handset(client, NEW)
    phone.walk("Wanjiku", "Thika", "4829")
    assert phone.send("1111").startswith("CON The PINs did not match.\nChoose a 4-digit")
    assert phone.send("3958").startswith("CON Enter the same PIN again")
    assert phone.send("3958").startswith("CON Thank you Wanjiku")


def test_name_must_be_letters(app, client):
    phone = Handset(client, NEW)
    phone.send()
    assert phone.send("12345").startswith("CON Enter your name in letters.")
    assert phone.send("A").startswith("CON Enter at least 2 characters.")


def test_pin_digits_never_reach_redis_or_logs(app, client, caplog):
    phone = Handset(client, NEW)
    phone.walk("Wanjiku", "Thika", "5829")
    blobs = b"".join(
        app.extensions["redis"].hget(key, "p") or b""
        for key in app.extensions["redis"].keys("sauti:{*}:session")
    )
    assert b"5829" not in blobs
    assert "5829" not in caplog.text


def test_dropped_session_can_continue_where_it_left_off(app, client):
    first = Handset(client, NEW)
    first.walk("Wanjiku", "Thika")  # then the network drops the session
    again = Handset(client, NEW)
    assert again.send() == (
        "CON You have an unfinished session.\n1. Continue where you left off\n2. Start again"
    )
    assert again.send("1").startswith("CON Choose a 4-digit PIN.")
    again.send("4829")
    assert again.send("4829").startswith("CON Thank you Wanjiku. You are registered.")


def test_dropped_session_can_start_again(app, client):
    Handset(client, NEW).walk("Wanjiku", "Thika")
    again = Handset(client, NEW)
    again.send()
    assert again.send("2").startswith("CON Welcome to Sauti Money.\nWhat is your full name?")


def test_finished_session_is_not_offered_for_resume(app, client):
    Handset(client, NEW).walk("Wanjiku", "Thika", "4829", "4829")
    assert Handset(client, NEW).send().startswith("CON Sauti Money. Hello Wanjiku")


def test_registration_carries_on_to_the_services_menu_in_the_same_session(app, client):
    phone = Handset(client, NEW)
    body = phone.walk("Wanjiku Kamau", "Thika", "4829", "4829")
    assert body.startswith("CON Thank you Wanjiku Kamau. You are registered.\nSauti Money.")
    assert "1. Deposit" in body
    assert phone.send("1") == "CON Enter amount to deposit\n0 Back 00 Home"
    assert phone.send("200").startswith("CON Deposit KES 200 from mobile money?")
    assert phone.send("1").startswith("CON Enter your PIN")
    assert "Deposited KES 200. Balance KES 200" in phone.send("4829")


def test_trivial_pins_are_refused_with_the_reason(app, client):
    phone = Handset(client, NEW)
    phone.walk("Wanjiku", "Thika")
    for pin in ("1111", "1234", "9876", "0000"):
        assert phone.send(pin).startswith(
            "CON That PIN is easy to guess: no repeats or sequences like 1111 or 1234.\n"
            "Choose a 4-digit PIN."
        ), pin
    assert phone.send("7391").startswith("CON Enter the same PIN again to confirm.")


def test_text_answers_refuse_control_characters(app, client):
    phone = Handset(client, NEW)
    phone.send()
    for name in ("Ja\x00ne Doe", "Jane \u202eeoD", "Jane\x07"):
        assert phone.send(name).startswith(
            "CON Use only letters, digits, spaces and punctuation.\nWelcome to Sauti Money."
        ), repr(name)
    assert phone.send("Jane Doe").startswith("CON Which city or town do you live in?")
    assert phone.send("Thi\u200bka").startswith("CON Use only letters, digits, spaces")
    body = phone.walk("Thika", "4829", "4829")
    assert body.startswith("CON Thank you Jane Doe. You are registered.")
    with app.app_context():
        customer = db.session.scalar(select(Customer).where(Customer.msisdn == NEW))
        assert (customer.name, customer.city) == ("Jane Doe", "Thika")


def test_text_answers_refuse_control_characters_on_hubtel_too(app, client):
    from tests.ussd.test_hubtel import hop

    hop(client, "Initiation", "*384*1#", 1, session_id="hubtel-nul", mobile="254733000111")
    reply = hop(client, "Response", "Ja\x00ne", 2, session_id="hubtel-nul", mobile="254733000111")
    assert reply.get_json()["Message"].startswith("Use only letters, digits, spaces")
