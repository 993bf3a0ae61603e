"""A USSD session the gateway reports as failed or incomplete is announced as
`conversation_dropped`, for whoever listens (the survey runs do); a completed one is not."""

from app.signals import conversation_dropped
from tests.conftest import USSD_URL


def _report(client, status: str) -> None:
    form = {
        "sessionId": f"ATUid_{status}",
        "serviceCode": "*384*1#",
        "networkCode": "63902",
        "phoneNumber": "+254711000001",
        "status": status,
        "durationInMillis": "41250",
        "hopsCount": "3",
        "input": "1*2",
    }
    assert client.post(f"{USSD_URL}/events", data=form).status_code == 200


def test_a_dropped_session_is_a_signal(app, client):
    heard = []

    def listen(sender, **kwargs):
        heard.append((sender, kwargs))

    with conversation_dropped.connected_to(listen):
        _report(client, "Incomplete")
        _report(client, "Success")
    assert heard == [(app, {"session_id": "ATUid_Incomplete", "channel": "ussd"})]
