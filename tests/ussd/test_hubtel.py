"""The second gateway (Hubtel, JSON, per-hop input) on the same seam."""

from tests.conftest import TOKEN

URL = f"/ussd/hubtel/{TOKEN}"


def hop(client, kind, message, sequence, session_id="hubtel-1", mobile="254711000001"):
    body = {
        "Type": kind,
        "Message": message,
        "ServiceCode": "384*1",
        "Operator": "mtn",
        "ClientState": "",
        "Mobile": mobile,
        "SessionId": session_id,
        "Sequence": sequence,
    }
    return client.post(URL, json=body)


def test_hubtel_session_runs_the_same_menu(seeded, client):
    first = hop(client, "Initiation", "*384*1#", 1).get_json()
    assert first["Type"] == "response" and first["Message"].startswith("Sauti Money. Hello Amina")
    pin = hop(client, "Response", "6", 2).get_json()
    assert pin["Message"].startswith("Enter your PIN")
    done = hop(client, "Response", "1234", 3).get_json()
    assert done["Type"] == "release" and done["Message"].startswith("Balance KES 16,000")


def test_hubtel_repeated_sequence_is_a_replay(seeded, client):
    hop(client, "Initiation", "*384*1#", 1)
    first = hop(client, "Response", "6", 2).get_json()
    assert hop(client, "Response", "6", 2).get_json() == first
    assert hop(client, "Response", "1234", 3).get_json()["Type"] == "release"


def test_hubtel_deep_dial_delivers_the_extra_segments(seeded, client):
    reply = hop(client, "Initiation", "*384*1*6#", 1, session_id="hubtel-deep").get_json()
    assert reply["Message"].startswith("Enter your PIN")


def test_hubtel_release_is_recorded_not_answered(seeded, client, app):
    from sqlalchemy import select

    from app.extensions import db
    from app.models import UssdSessionRecord

    hop(client, "Initiation", "*384*1#", 1)
    reply = hop(client, "Release", "", 2).get_json()
    assert reply["Type"] == "release"
    with app.app_context():
        record = db.session.scalar(select(UssdSessionRecord))
        assert record.gateway == "hubtel" and record.status == "Success"


def test_hubtel_malformed_body_is_400(app, client):
    response = client.post(URL, data="not json", content_type="application/json")
    assert response.status_code == 400
    assert "JSON" in response.get_data(as_text=True)
