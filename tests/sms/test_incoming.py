"""`POST /sms/africastalking/<token>`: incoming SMS, keywords per language, duplicates."""

import uuid
from datetime import UTC, date, datetime

import pytest
import time_machine
from sqlalchemy import func, select

from app.errors import ConfigurationError
from app.extensions import db
from app.models import Customer, Forecast, IncomingSms, OutboxMessage, Subscription
from app.scheduling import run_tick
from app.seed import seed_locations
from tests.api.conftest import api  # noqa: F401 - the API client fixture
from tests.conftest import TOKEN
from tests.sms import recorded, statuses
from tests.subscriptions import place, subscriber

URL = f"/sms/africastalking/{TOKEN}"
MSISDN = "+254711000701"


def sms(client, text: str, msisdn: str = MSISDN, **extra):
    """Post an incoming SMS as Africa's Talking posts it."""
    form = {
        "from": msisdn,
        "to": "21606",
        "text": text,
        "date": "2026-12-01 09:00:00",
        "id": f"ATXid_{uuid.uuid4().hex}",
        "linkId": "",
        "networkCode": "63902",
    }
    return client.post(URL, data={**form, **extra})


def customer(app, msisdn: str = MSISDN) -> Customer | None:
    with app.app_context():
        found = db.session.scalar(select(Customer).where(Customer.msisdn == msisdn))
        if found is not None:
            db.session.expunge(found)
        return found


def replies(app) -> list[tuple[str, str, str | None]]:
    """(to, text, from) of every SMS reply in the outbox, in order."""
    with app.app_context():
        rows = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
        return [(r.recipient, r.payload["message"], r.payload.get("sender_id")) for r in rows]


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_join_subscribes_and_welcomes_from_the_short_code(app, client):
    response = sms(client, "JOIN")
    assert response.status_code == 200
    welcome = app.config["SMS_REPLIES"]["en"]["join"]
    assert response.get_data(as_text=True) == welcome
    assert replies(app) == [(MSISDN, welcome, "21606")]
    joined = customer(app)
    assert (joined.language, joined.opted_out_at) == ("en", None)
    with app.app_context():
        subscription = db.session.scalar(select(Subscription))
        assert (subscription.product, subscription.status) == ("premium", "pending")
        run_tick()  # billed like an imported subscription
        assert db.session.get(Subscription, subscription.id).status == "active"
    sms(client, "join")  # a second JOIN adds no second subscription
    assert count(app, Subscription) == 1


def test_keywords_in_swahili_answer_in_swahili(app, client):
    sw = app.config["SMS_REPLIES"]["sw"]
    assert sms(client, "Jiunge").get_data(as_text=True) == sw["join"]
    assert customer(app).language == "sw"
    assert sms(client, "msaada").get_data(as_text=True) == sw["help"]
    assert sms(client, "habari yako").get_data(as_text=True) == sw["unknown"]
    assert sms(client, "ACHA!").get_data(as_text=True) == sw["stop"]


def test_help_and_unknown_text_get_the_help_replies(app, client):
    en = app.config["SMS_REPLIES"]["en"]
    assert sms(client, " help ").get_data(as_text=True) == en["help"]
    assert sms(client, "what is the price of maize").get_data(as_text=True) == en["unknown"]
    assert sms(client, "").get_data(as_text=True) == en["unknown"]
    with app.app_context():
        handled = db.session.scalars(select(IncomingSms.handled_as).order_by(IncomingSms.id))
        assert list(handled) == ["help", "unknown", "unknown"]


def test_stop_opts_out_with_time_and_source_and_join_takes_it_back(app, client):
    moment = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
    with time_machine.travel(moment, tick=False):
        response = sms(client, "Stop.")
    assert response.get_data(as_text=True) == app.config["SMS_REPLIES"]["en"]["stop"]
    stopped = customer(app)
    assert stopped.opted_out_at.replace(tzinfo=UTC) == moment
    assert stopped.opt_out_source == "sms"
    sms(client, "JOIN")
    assert customer(app).opted_out_at is None


def test_stop_then_a_campaign_sends_nothing(api):  # noqa: F811 - the fixture
    app, client = api.app, api.app.test_client()
    others = "+254711000702"
    for number in (MSISDN, others):
        api.post("/clients", json={"phone_number": number, "tag": "farmers"})
    with time_machine.travel(datetime(2026, 11, 30, 12, tzinfo=UTC), tick=False):
        created = api.post(
            "/campaigns",
            json={
                "message": "Market day",
                "tag_filter": "farmers",
                "start_at": "2026-12-01T09:00:00",
                "finish_at": "2026-12-01T12:00:00",
            },
        ).get_json()
    assert created["recipients"] == 2
    sms(client, "STOP")  # after the campaign was planned for them
    with time_machine.travel(datetime(2026, 12, 1, 6, 0, tzinfo=UTC), tick=False):
        with app.app_context():
            run_tick()
    assert [msisdn for msisdn, _ in recorded(app)] == [others]
    assert statuses(app)[MSISDN] == "opted_out"


def test_stop_then_a_forecast_bulletin_sends_nothing(app, client):
    with app.app_context():
        seed_locations()
        kiambu = place("Kiambu")
        subscriber(MSISDN, "forecasts", location_id=kiambu)
        subscriber("+254711000702", "forecasts", location_id=kiambu)
        db.session.add(Forecast(location_id=kiambu, for_date=date(2026, 12, 2), text="Rain"))
        db.session.commit()
    sms(client, "STOP")
    for hour in (3, 4):  # FORECAST_SMS_SCHEDULE: 04:00 UTC
        with time_machine.travel(datetime(2026, 12, 2, hour, tzinfo=UTC), tick=False):
            with app.app_context():
                run_tick()
    assert recorded(app) == [("+254711000702", "Rain")]


def test_a_duplicate_gets_the_same_answer_and_runs_nothing_again(app, client):
    form = {"id": "ATXid_dup", "text": "STOP"}
    first = sms(client, **form)
    opted_out_at = customer(app).opted_out_at
    with time_machine.travel(datetime(2030, 1, 1, tzinfo=UTC), tick=False):
        again = sms(client, **form)
    assert (again.status_code, again.get_data()) == (200, first.get_data())
    assert customer(app).opted_out_at == opted_out_at
    assert (count(app, IncomingSms), count(app, OutboxMessage)) == (1, 1)


def test_an_open_conversation_takes_text_but_never_stop(app, client):
    taken = []

    def conversation(message: IncomingSms) -> str:
        taken.append(message.text)
        return "Q2. How many acres?"

    app.extensions["sms_conversations"] = conversation
    assert sms(client, "2,3").get_data(as_text=True) == "Q2. How many acres?"
    assert sms(client, "STOP").get_data(as_text=True) == app.config["SMS_REPLIES"]["en"]["stop"]
    assert taken == ["2,3"]


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"from": ""}, "from"),
        ({"from": "not-a-number"}, "from"),
        ({"id": ""}, "id"),
        ({"to": ""}, "to"),
        ({"date": "yesterday"}, "date"),
    ],
)
def test_a_malformed_message_is_a_400_naming_the_field(app, client, changes, field):
    response = sms(client, "JOIN", **changes)
    assert response.status_code == 400
    assert field in response.get_data(as_text=True)
    assert (count(app, IncomingSms), count(app, Customer)) == (0, 0)


def test_a_message_without_text_is_a_400(app, client):
    form = {"from": MSISDN, "to": "21606", "id": "ATXid_1"}
    response = client.post(URL, data=form)
    assert (response.status_code, b"text" in response.data) == (400, True)


def test_a_wrong_token_is_a_404(app, client):
    response = client.post("/sms/africastalking/wrong", data={"from": MSISDN, "text": "STOP"})
    assert response.status_code == 404
    assert count(app, Customer) == 0


def test_keywords_are_configurable(app_factory):
    app = app_factory(
        SMS_KEYWORDS={"en": {"SUBSCRIBE": "join", "QUIT": "stop"}},
        SMS_REPLIES={"en": {"join": "In.", "stop": "Out.", "help": "?", "unknown": "Eh?"}},
    )
    client = app.test_client()
    assert sms(client, "subscribe").get_data(as_text=True) == "In."
    assert sms(client, "STOP").get_data(as_text=True) == "Eh?"
    assert sms(client, "quit").get_data(as_text=True) == "Out."


def test_a_keyword_with_an_unknown_action_stops_start_up(app_factory):
    with pytest.raises(ConfigurationError, match="unknown action 'leave'"):
        app_factory(SMS_KEYWORDS={"en": {"BYE": "leave"}})
