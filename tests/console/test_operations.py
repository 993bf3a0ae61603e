"""The operations page: outbox, sessions, voice calls, accounts, panels."""

from app.console import operations
from tests.conftest import Handset


def test_operations_lists_the_outbox_and_sends_pending_now(as_role, console_app):
    Handset(console_app.test_client()).walk("1", "500", "1", "1234")
    console = as_role("operator")
    page = console.get("/console/operations").get_data(as_text=True)
    assert "KES 500 deposited" in page
    response = console.post("/console/operations/outbox/sweep")
    assert response.status_code == 302
    assert "pending deliveries" in console.get("/console/operations").get_data(as_text=True)


def test_every_part_has_its_panel(as_role):
    page = as_role("operator").get("/console/operations").get_data(as_text=True)
    assert "Not installed on this server yet" not in page
    for title in ("Calls and call-centre queues", "Hotline groups", "Campaigns", "Imports"):
        assert f"<h3>{title}" in page


def test_a_registered_panel_is_shown(as_role, monkeypatch, tmp_path):
    monkeypatch.setattr(operations, "PANELS", [])
    operations.register_panel(operations.Panel("Campaigns", "console/error.html", lambda: {"x": 1}))
    page = as_role("admin").get("/console/operations").get_data(as_text=True)
    assert "<h3>Campaigns</h3>" in page


def test_admin_creates_and_disables_an_account(as_role, console_app):
    console = as_role("admin")
    form = {"email": "temp@example.org", "password": "long enough", "role": "operator"}
    console.post("/console/operations/users", data=form)
    page = console.get("/console/operations").get_data(as_text=True)
    assert "temp@example.org" in page
    with console_app.app_context():
        from app.console.users import find_user

        user_id = find_user("temp@example.org").id
    console.post(f"/console/operations/users/{user_id}/active", data={"active": "0"})
    with console_app.app_context():
        from app.console.users import find_user

        assert find_user("temp@example.org").active is False
