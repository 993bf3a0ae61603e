"""The Africa's Talking callback: request fields, CON/END replies, errors, notifications."""

from sqlalchemy import select

from app.extensions import db
from app.models import UssdSessionRecord
from app.seed import seed_locations
from tests.conftest import TOKEN, USSD_URL, Handset

FORM = {
    "sessionId": "ATUid_curl",
    "serviceCode": "*384*1#",
    "phoneNumber": "+254711000001",
    "networkCode": "63902",
    "text": "",
}


def test_first_hop_answers_con_as_plain_text(seeded, client):
    response = client.post(USSD_URL, data=FORM)
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    assert response.get_data(as_text=True).startswith("CON Sauti Money. Hello Amina")


def test_wrong_token_is_404(app, client):
    response = client.post("/ussd/africastalking/wrong", data=FORM)
    assert response.status_code == 404


def test_unknown_gateway_is_404(app, client):
    assert client.post("/ussd/nope/test-token", data=FORM).status_code == 404


def test_missing_field_is_400_naming_it(app, client):
    form = {key: value for key, value in FORM.items() if key != "phoneNumber"}
    response = client.post(USSD_URL, data=form)
    assert response.status_code == 400
    assert "phoneNumber" in response.get_data(as_text=True)


def test_bad_phone_number_is_400(app, client):
    response = client.post(USSD_URL, data={**FORM, "phoneNumber": "not-a-number"})
    assert response.status_code == 400 and "phoneNumber" in response.get_data(as_text=True)


def test_raw_plus_decoded_as_space_is_still_understood(seeded, client):
    # A hand-made body with a raw "+" arrives as " 254…" (protocols.md 1.1).
    response = client.post(USSD_URL, data={**FORM, "phoneNumber": " 254711000001"})
    assert response.get_data(as_text=True).startswith("CON Sauti Money. Hello Amina")


def test_bad_service_code_is_400(app, client):
    response = client.post(USSD_URL, data={**FORM, "serviceCode": "384"})
    assert response.status_code == 400 and "serviceCode" in response.get_data(as_text=True)


def test_oversized_body_is_refused(app, client):
    response = client.post(USSD_URL, data={**FORM, "text": "1" * 20_000})
    assert response.status_code == 413


def test_unknown_caller_is_offered_registration(app, client):
    body = Handset(client, "+254733000111").send()
    assert body.startswith("CON Welcome to Sauti Money.\nWhat is your full name?")


def test_session_id_from_another_msisdn_is_refused(seeded, client):
    owner = Handset(client, "+254711000001")
    owner.send()
    thief = Handset(client, "+254711000002")
    thief.session_id = owner.session_id
    thief.inputs = ["6"]
    body = client.post(USSD_URL, data=thief.form()).get_data(as_text=True)
    assert body == "END Sorry, this session cannot continue. Please dial again."
    assert owner.send("6").startswith("CON Enter your PIN")  # the owner is unaffected


def test_divergent_path_repeats_the_current_screen(seeded, client):
    phone = Handset(client)
    phone.send()
    screen = phone.send("6")
    phone.inputs = ["7"]
    assert phone.send("1") == screen


def test_end_of_session_notification_records_the_outcome(app, client):
    form = {
        "date": "2026-11-21 12:00:00",
        "sessionId": "ATUid_done",
        "serviceCode": "*384*1#",
        "networkCode": "63902",
        "phoneNumber": "+254711000001",
        "status": "Incomplete",
        "cost": "KES 0.10",
        "durationInMillis": "41250",
        "hopsCount": "3",
        "input": "1*2",
        "lastAppResponse": "CON Enter amount:",
    }
    response = client.post(f"{USSD_URL}/events", data=form)
    assert response.status_code == 200
    with app.app_context():
        record = db.session.scalar(select(UssdSessionRecord))
        assert (record.status, record.hops, record.duration_ms) == ("Incomplete", 3, 41250)
        assert record.msisdn == "+254711000001" and record.cost == "KES 0.10"


def test_notification_with_unknown_status_is_400(app, client):
    form = {"sessionId": "x", "phoneNumber": "+254711000001", "status": "Exploded"}
    response = client.post(f"{USSD_URL}/events", data=form)
    assert response.status_code == 400 and "status" in response.get_data(as_text=True)


def test_a_caller_starting_too_many_sessions_is_asked_to_wait(app_factory):
    client = app_factory(USSD_NEW_SESSIONS_PER_MINUTE=2).test_client()
    assert Handset(client, "+254733000111").send().startswith("CON Welcome")
    assert Handset(client, "+254733000111").send().startswith("CON ")
    third = Handset(client, "+254733000111").send()
    assert third == (
        "END You have started many sessions this minute. Please try again in a minute."
    )
    assert Handset(client, "+254733000222").send().startswith("CON Welcome")  # others are fine


def test_a_possible_number_in_a_range_unknown_to_the_metadata_is_a_caller(app, client):
    # +254 81x is not (yet) a mobile range in phonenumbers' metadata, but has Kenya's length.
    response = client.post(USSD_URL, data={**FORM, "phoneNumber": "+254811000001"})
    assert response.status_code == 200
    assert response.get_data(as_text=True).startswith("CON Welcome to Sauti Money.")
    for garbage in ("12", "+2541", "+25481100000111111", "abc"):
        response = client.post(USSD_URL, data={**FORM, "phoneNumber": garbage})
        assert response.status_code == 400, garbage


def test_a_deep_dial_of_the_registration_code_registers_an_unknown_caller(app, client):
    # *384*1# dialled where the gateway serves *384#: AT sends serviceCode=*384# and text=1.
    phone = Handset(client, "+254733000555", "*384#")
    phone.inputs = ["1"]
    body = client.post(USSD_URL, data=phone.form()).get_data(as_text=True)
    assert body.startswith("CON Welcome to Sauti Money.\nWhat is your full name?")
    assert phone.send("Wanjiku Kamau").startswith("CON Which city or town")


def test_a_hubtel_deep_dial_of_the_registration_code_registers_an_unknown_caller(app, client):
    form = {
        "Type": "Initiation",
        "Message": "*384*1#",
        "ServiceCode": "384",
        "Operator": "mtn",
        "Mobile": "254733000556",
        "SessionId": "hubtel-deep-registration",
        "Sequence": 1,
    }
    reply = client.post(f"/ussd/hubtel/{TOKEN}", json=form).get_json()
    assert reply["Message"].startswith("Welcome to Sauti Money.\nWhat is your full name?")


def sw_customer(app, msisdn: str, **fields) -> None:
    from app import customers

    with app.app_context():
        customers.store_fields(msisdn, {"name": "Otieno", "language": "sw", **fields})
        db.session.commit()


def test_refusals_say_what_happened_in_the_callers_language(app, client):
    assert Handset(client, "+254733000601", "*999#").send() == (
        "END Sorry, no service answers this code. Check the code and dial again."
    )
    sw_customer(app, "+254733000602")
    assert Handset(client, "+254733000602", "*999#").send() == (
        "END Samahani, hakuna huduma kwenye msimbo huu. Hakikisha msimbo na upige tena."
    )


def test_a_registered_farmer_redialling_is_told_so_in_swahili(app, client):
    with app.app_context():
        seed_locations()
    farmer = Handset(client, "+254733000603", "*384*2#")
    body = farmer.walk("2", "Otieno Ochieng", "1", "1970", "Turkana", "5", "9,10", "1,2")
    assert body.startswith("END Asante Otieno Ochieng. Umesajiliwa na iShamba.")
    assert Handset(client, "+254733000603", "*384*2#").send() == (
        "END Tayari umekamilisha hili. Asante."
    )


def test_busy_and_slow_down_are_in_the_callers_language(app_factory):
    app = app_factory(USSD_NEW_SESSIONS_PER_MINUTE=1)
    client = app.test_client()
    sw_customer(app, "+254733000604")
    phone = Handset(client, "+254733000604", "*999#")
    assert phone.send().startswith("END Samahani")
    assert Handset(client, "+254733000604", "*999#").send() == (
        "END Umeanza vipindi vingi dakika hii. Tafadhali jaribu tena baada ya dakika."
    )
    farmer = Handset(client, "+254733000605", "*384*2#")
    farmer.walk("2")  # a session in Swahili; another hop of it holds its lock
    app.extensions["redis"].set(f"sauti:{{{farmer.session_id}}}:lock", "other hop", px=5000)
    assert farmer.send("Otieno") == (
        "END Samahani, tuna shughuli nyingi sasa hivi. Tafadhali piga tena baadaye kidogo."
    )
