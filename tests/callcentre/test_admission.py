"""Who may queue: active subscribers queue, lapsed callers hear how to renew, unknown
callers are offered registration by USSD in an SMS (once a day), unknown numbers refused."""

import logging
from datetime import timedelta

import pytest
from sqlalchemy import select

from app import customers
from app.callcentre.admission import admit_caller, offer_registration
from app.extensions import db
from app.models import RegistrationOffer, Subscription
from tests.callcentre.conftest import ACTIVE_CALLERS, LAPSED, NOW, QUEUE_NUMBER, UNKNOWN
from tests.conftest import outbox_rows


def admit(app, caller: str, called: str = QUEUE_NUMBER, **kwargs):
    with app.app_context():
        return admit_caller(called, caller, at=NOW, **kwargs)


def test_an_active_subscriber_is_queued_with_the_greeting_and_hold_music(app, centre):
    admission = admit(app, ACTIVE_CALLERS[0])
    assert (admission.outcome, admission.queue_id, admission.queue_name) == (
        "enqueue",
        centre.queue,
        "ishamba",
    )
    assert admission.hold_music_url == "https://example.org/hold.mp3"
    assert (admission.message, admission.language) == ("Karibu iShamba. Please hold.", "en")
    assert admission.reason == "active subscriber: queue ishamba"


def test_the_highest_priority_queue_on_the_number_takes_subscribers(app, centre):
    from app.callcentre.admin import add_queue

    with app.app_context():
        add_queue("ishamba_vip", QUEUE_NUMBER, "+254711082009", priority=10)
        db.session.commit()
    assert admit(app, ACTIVE_CALLERS[0]).queue_name == "ishamba_vip"


def test_a_lapsed_subscriber_hears_how_to_renew_in_their_language(app, centre):
    admission = admit(app, LAPSED)
    assert admission.outcome == "renew"
    assert admission.message == "Usajili wako umeisha. Ili kuufanya upya, piga *384*2#. Kwaheri."
    assert admission.reason == "subscription lapsed"


def test_a_cancelled_subscription_is_lapsed_before_it_expires(app, centre):
    with app.app_context():
        customer = customers.find(ACTIVE_CALLERS[0])
        row = db.session.scalar(select(Subscription).where(Subscription.customer_id == customer.id))
        row.status = "cancelled"
        db.session.commit()
    assert admit(app, ACTIVE_CALLERS[0]).outcome == "renew"


def test_a_subscription_is_active_until_it_expires(app, centre):
    with app.app_context():
        later = admit_caller(QUEUE_NUMBER, ACTIVE_CALLERS[0], at=NOW + timedelta(days=31))
    assert later.outcome == "renew"


@pytest.mark.parametrize("registered", [False, True])
def test_a_caller_who_never_subscribed_is_offered_registration(app, centre, registered):
    if registered:
        with app.app_context():
            customers.store_fields(UNKNOWN, {"name": "New"})
            db.session.commit()
    admission = admit(app, UNKNOWN)
    assert admission.outcome == "offer_registration"
    assert admission.message == (
        "Welcome. We have sent you an SMS: dial *384*2# to register, then call again."
    )
    assert outbox_rows(app, "sms") == []  # deciding sends nothing


def test_the_offer_sends_one_sms_a_day_and_records_each_call(app, centre):
    admission = admit(app, UNKNOWN)
    with app.app_context():
        assert offer_registration(admission, UNKNOWN, "africastalking", "ATVId_1", at=NOW)
        assert not offer_registration(admission, UNKNOWN, "africastalking", "ATVId_1", at=NOW)
        assert not offer_registration(admission, UNKNOWN, "africastalking", "ATVId_2", at=NOW)
        tomorrow = NOW + timedelta(days=1)
        assert offer_registration(admission, UNKNOWN, "africastalking", "ATVId_3", at=tomorrow)
        offers = db.session.execute(
            select(RegistrationOffer.call_id, RegistrationOffer.outbox_id).order_by(
                RegistrationOffer.id
            )
        ).all()
    sms = outbox_rows(app, "sms")
    assert [(row.recipient, row.status) for row in sms] == [(UNKNOWN, "sent"), (UNKNOWN, "sent")]
    assert sms[0].payload["message"] == (
        "Thank you for calling. Dial *384*2# to register, then call us again to talk to an expert."
    )
    assert offers == [("ATVId_1", sms[0].id), ("ATVId_2", None), ("ATVId_3", sms[1].id)]


def test_an_unknown_number_is_refused_and_logged_masked(app, centre, caplog):
    caplog.set_level(logging.WARNING)
    admission = admit(app, ACTIVE_CALLERS[0], called="+254711999999")
    assert (admission.outcome, admission.queue_id) == ("no_such_queue", None)
    assert admission.message == "Sorry, this number is not in service. Goodbye."
    assert "+2547*****999" in caplog.text and "+254711999999" not in caplog.text
    assert ACTIVE_CALLERS[0] not in caplog.text
