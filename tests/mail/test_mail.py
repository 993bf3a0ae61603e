"""Email through the outbox: queued in the causing transaction, sent once by the outbox task
through Flask-Mailman, recorded by the development backend."""

import logging

import pytest

from app.extensions import db
from app.mail import InvalidEmailAddress, queue_email
from app.outbox import commit, dispatch
from app.outbox.tasks import deliver
from tests.conftest import outbox_rows


def send(app, to="Volunteers@Example.org", subject="Voicemail", body="Hello\n", key="k1"):
    with app.app_context():
        outbox_id = queue_email(to, subject, body, key)
        dispatch(commit())
        return outbox_id


def test_an_email_is_recorded_by_the_development_backend(app):
    send(app)
    [row] = outbox_rows(app, "email")
    assert (row.status, row.backend, row.recipient) == (
        "sent",
        "development",
        "Volunteers@example.org",
    )
    assert row.payload == {"subject": "Voicemail", "body": "Hello\n"}
    assert row.result["to"] == "Volunteers@example.org"
    assert row.result["from"] == "Sauti <noreply@localhost>"
    assert row.result["message_id"].endswith("@localhost>")


def test_the_same_cause_queues_one_email(app):
    assert send(app, key="voicemail:1") is not None
    assert send(app, key="voicemail:1") is None
    assert len(outbox_rows(app, "email")) == 1


def test_a_redelivered_task_sends_nothing_twice(app_factory):
    app = app_factory(MAIL_BACKEND="locmem")  # Flask-Mailman's in-memory backend keeps what it sent
    outbox_id = send(app)
    with app.app_context():
        assert deliver(outbox_id) == "skipped"
    [message] = app.extensions["mailman"].outbox
    assert (message.to, message.subject, message.body) == (
        ["Volunteers@example.org"],
        "Voicemail",
        "Hello\n",
    )
    assert message.extra_headers["Message-ID"] == outbox_rows(app, "email")[0].result["message_id"]


def test_an_invalid_address_is_refused_and_nothing_is_queued(app):
    with app.app_context():
        with pytest.raises(InvalidEmailAddress, match="'not-an-address' is not an email address"):
            queue_email("not-an-address", "Hi", "Body", "k2")
        db.session.rollback()
    assert outbox_rows(app, "email") == []


def test_a_subject_is_kept_on_one_line(app):
    send(app, subject="Voicemail\r\nBcc: everyone@example.org")
    [row] = outbox_rows(app, "email")
    assert row.payload["subject"] == "Voicemail Bcc: everyone@example.org"
    assert row.status == "sent"


def test_mail_list_and_show(app, runner):
    send(app, body="Line one\nLine two\n")
    [row] = outbox_rows(app, "email")
    listed = runner.invoke(args=["mail", "list"]).output
    assert listed == f"{row.id:5d} sent     development  Volunteers@example.org  Voicemail\n"
    shown = runner.invoke(args=["mail", "show", str(row.id)]).output
    assert shown.startswith("To: Volunteers@example.org\nSubject: Voicemail\n")
    assert shown.endswith("\nLine one\nLine two\n\n")
    assert runner.invoke(args=["mail", "show", "999"]).exit_code == 1


def test_outbox_list_filters_email(app, runner):
    send(app)
    output = runner.invoke(args=["outbox", "list", "--kind", "email"]).output
    assert "email    sent     development    Volunteers@example.org  Voicemail" in output


def test_the_development_backend_logs_no_address_nor_subject(app, caplog):
    caplog.set_level(logging.INFO)
    send(app, subject="Voicemail from +254733000111")
    assert "development email to V*********@example.org" in caplog.text
    assert "+254733000111" not in caplog.text and "Volunteers@" not in caplog.text
