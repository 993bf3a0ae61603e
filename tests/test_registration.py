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
    assert phone.send("4321") == "CON Enter the same PIN again to confirm.\n0 Back 00 Home"
    body = phone.send("4321")
    assert body == (
        "END Thank you Wanjiku Kamau. You are registered. Dial *384*1# again to use your account."
    )
    with app.app_context():
        customer = db.session.scalar(select(Customer).where(Customer.msisdn == NEW))
        assert (customer.name, customer.city) == ("Wanjiku Kamau", "Thika")
        assert customer.pin_hash and "4321" not in customer.pin_hash
        assert ledger.balance(ledger.wallet_code(NEW)) == 0
        assert ledger.open_account(ledger.wallet_code(NEW), "wallet").customer_id == customer.id
    [welcome] = outbox_rows(app, "sms")
    assert (
        welcome.recipient == NEW
        and "Welcome to Sauti Money, Wanjiku Kamau" in welcome.payload["message"]
    )


def test_registered_caller_gets_the_services_menu_and_pin_works(app, client):
    Handset(client, NEW).walk("Wanjiku", "Thika", "4321", "4321")
    body = Handset(client, NEW).walk("6", "4321")
    assert body.startswith("END Balance KES 0\nLoan KES 0")


def test_mismatched_pins_start_the_pin_again(app, client):
    phone = Handset(client, NEW)
    phone.walk("Wanjiku", "Thika", "4321")
    assert phone.send("1111").startswith("CON The PINs did not match.\nChoose a 4-digit")
    assert phone.send("2222").startswith("CON Enter the same PIN again")
    assert phone.send("2222").startswith("END Thank you Wanjiku")


def test_name_must_be_letters(app, client):
    phone = Handset(client, NEW)
    phone.send()
    assert phone.send("12345").startswith("CON Enter your name in letters.")
    assert phone.send("A").startswith("CON Enter at least 2 characters.")


def test_pin_digits_never_reach_redis_or_logs(app, client, caplog):
    phone = Handset(client, NEW)
    phone.walk("Wanjiku", "Thika", "9876")
    blobs = b"".join(
        app.extensions["redis"].hget(key, "p") or b""
        for key in app.extensions["redis"].keys("sauti:session:*")
    )
    assert b"9876" not in blobs
    assert "9876" not in caplog.text


def test_dropped_session_can_continue_where_it_left_off(app, client):
    first = Handset(client, NEW)
    first.walk("Wanjiku", "Thika")  # then the network drops the session
    again = Handset(client, NEW)
    assert again.send() == (
        "CON You have an unfinished session.\n1. Continue where you left off\n2. Start again"
    )
    assert again.send("1").startswith("CON Choose a 4-digit PIN.")
    again.send("4321")
    assert again.send("4321").startswith("END Thank you Wanjiku.")


def test_dropped_session_can_start_again(app, client):
    Handset(client, NEW).walk("Wanjiku", "Thika")
    again = Handset(client, NEW)
    again.send()
    assert again.send("2").startswith("CON Welcome to Sauti Money.\nWhat is your full name?")


def test_finished_session_is_not_offered_for_resume(app, client):
    Handset(client, NEW).walk("Wanjiku", "Thika", "4321", "4321")
    assert Handset(client, NEW).send().startswith("CON Sauti Money. Hello Wanjiku")
