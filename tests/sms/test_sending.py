"""Bulk sends through the development gateway: batches, the enqueue flag, sender ids,
numbers abroad, opt-out, at most once per recipient, retries."""

from sqlalchemy import select

from app.extensions import db
from app.models import DevelopmentSms, SmsRecipient
from app.sms import optout
from tests.sms import add_client, recorded, send_notice, statuses

KE = ["+254711000101", "+254711000102", "+254711000103", "+254711000104", "+254711000105"]
ABROAD = "+447700900123"


def test_a_message_goes_once_to_each_recipient_in_batches(app_factory):
    app = app_factory(SMS_BATCH_SIZE=2, SMS_ENQUEUE_THRESHOLD=4)
    with app.app_context():
        for msisdn in KE:
            add_client(msisdn)
        db.session.commit()
    message_id = send_notice(app, "Rain expected", KE)
    send_notice(app, "Rain expected", KE)  # planned again: nobody gets it twice
    assert sorted(recorded(app)) == [(msisdn, "Rain expected") for msisdn in KE]
    assert set(statuses(app, message_id).values()) == {"success"}
    with app.app_context():
        flags = set(db.session.scalars(select(DevelopmentSms.enqueue)))
    assert flags == {True}  # 5 recipients > threshold 4


def test_small_sends_go_without_enqueue_and_with_the_service_sender_id(app_factory):
    app = app_factory(SMS_SENDER_IDS={"notice": "SAUTI"})
    with app.app_context():
        add_client(KE[0])
        db.session.commit()
    send_notice(app, "Hello", [KE[0]])
    with app.app_context():
        row = db.session.scalar(select(DevelopmentSms))
    assert (row.sender_id, row.enqueue) == ("SAUTI", False)


def test_numbers_abroad_are_refused_unless_allowed(app_factory):
    app = app_factory()
    with app.app_context():
        add_client(KE[0])
        add_client(ABROAD)
        db.session.commit()
    refused = send_notice(app, "Hi", [KE[0], ABROAD], key="notice:refused")
    allowed = send_notice(app, "Hi", [ABROAD], key="notice:allowed", allow_international=True)
    assert statuses(app, refused) == {KE[0]: "success", ABROAD: "refused"}
    assert statuses(app, allowed) == {ABROAD: "success"}
    assert recorded(app) == [(KE[0], "Hi"), (ABROAD, "Hi")]


def test_opted_out_customers_are_never_messaged(app_factory):
    app = app_factory()
    with app.app_context():
        add_client(KE[0])
        add_client(KE[1])
        optout.opt_out(KE[1], "test")
        db.session.commit()
    message_id = send_notice(app, "Offer", KE[:2])
    assert recorded(app) == [(KE[0], "Offer")]
    assert statuses(app, message_id) == {KE[0]: "success"}


def test_an_opt_out_after_planning_stops_the_planned_message(app_factory):
    app = app_factory()
    with app.app_context():
        add_client(KE[0])
        db.session.commit()
        from app.sms.messages import add_recipients, message_for

        message = message_for("notice:later", "notice", "Later", app.config)
        from datetime import timedelta

        from app.models import Customer
        from app.models.base import utcnow

        add_recipients(message, select(Customer), utcnow() + timedelta(hours=1), None)
        optout.opt_out(KE[0], "sms")
        db.session.commit()
        status = db.session.scalar(select(SmsRecipient.status))
        customer_source = optout.opt_out(KE[0], "api").opt_out_source
    assert status == "opted_out"
    assert customer_source == "sms"  # the first opt-out's source and time are kept


def test_templated_messages_are_rendered_per_recipient(app_factory):
    app = app_factory()
    with app.app_context():
        add_client(KE[0], name="Amina")
        add_client(KE[1], name="Brian")
        db.session.commit()
    send_notice(app, "Hi {{ customer.name }}", KE[:2], templated=True)
    assert sorted(recorded(app)) == [(KE[0], "Hi Amina"), (KE[1], "Hi Brian")]
