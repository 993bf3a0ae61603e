"""`POST /sms/africastalking/<token>/delivery`: reports in and out of order."""

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import SmsRecipient
from tests.conftest import TOKEN
from tests.sms import add_client, send_notice

URL = f"/sms/africastalking/{TOKEN}/delivery"
MSISDN = "+254711000601"


@pytest.fixture
def sent(app_factory):
    """A message accepted by the (development) gateway, no report simulated yet."""
    app = app_factory(SMS_DEVELOPMENT_DELIVERY_REPORTS=False)
    with app.app_context():
        add_client(MSISDN)
        db.session.commit()
    send_notice(app, "Hello", [MSISDN])
    with app.app_context():
        gateway_id = db.session.scalar(select(SmsRecipient.gateway_id))
    return app, gateway_id


def report(client, gateway_id: str, status: str, **extra):
    form = {"id": gateway_id, "status": status, "phoneNumber": MSISDN, "networkCode": "63902"}
    return client.post(URL, data={**form, **extra})


def row(app) -> SmsRecipient:
    with app.app_context():
        found = db.session.scalar(select(SmsRecipient))
        db.session.expunge(found)
        return found


def test_reports_move_the_status_on(sent):
    app, gateway_id = sent
    client = app.test_client()
    assert row(app).status == "sent"
    assert report(client, gateway_id, "Buffered").status_code == 200
    assert row(app).status == "buffered"
    assert report(client, gateway_id, "Success").status_code == 200
    assert (row(app).status, row(app).network_code) == ("success", "63902")


def test_a_late_interim_report_never_moves_a_final_status_back(sent):
    app, gateway_id = sent
    client = app.test_client()
    report(client, gateway_id, "Failed", failureReason="UserInBlackList", retryCount="0")
    assert report(client, gateway_id, "Submitted").status_code == 200
    assert report(client, gateway_id, "Success").status_code == 200
    found = row(app)
    assert (found.status, found.failure_reason, found.retry_count) == (
        "failed",
        "UserInBlackList",
        0,
    )


def test_an_interim_report_after_a_later_interim_one_is_ignored(sent):
    app, gateway_id = sent
    client = app.test_client()
    report(client, gateway_id, "Buffered")
    report(client, gateway_id, "Submitted")
    assert row(app).status == "buffered"


def test_a_report_for_an_unknown_message_is_accepted_and_changes_nothing(sent):
    app, _ = sent
    assert report(app.test_client(), "ATXid_unknown", "Success").status_code == 200
    assert row(app).status == "sent"


@pytest.mark.parametrize(
    "form, field",
    [
        ({"status": "Success", "phoneNumber": MSISDN}, "id"),
        ({"id": "ATXid_1", "phoneNumber": MSISDN}, "status"),
        ({"id": "ATXid_1", "status": "Delivered", "phoneNumber": MSISDN}, "status"),
        ({"id": "ATXid_1", "status": "Success"}, "phoneNumber"),
        (
            {"id": "ATXid_1", "status": "Success", "phoneNumber": MSISDN, "retryCount": "x"},
            "retryCount",
        ),
    ],
)
def test_malformed_reports_are_400_naming_the_field(client, form, field):
    response = client.post(URL, data=form)
    assert response.status_code == 400
    assert field in response.get_data(as_text=True)


def test_a_wrong_token_is_404(client):
    form = {"id": "ATXid_1", "status": "Success", "phoneNumber": MSISDN}
    assert client.post("/sms/africastalking/wrong/delivery", data=form).status_code == 404
