"""Customer search and a customer's page."""

from tests.conftest import Handset


def test_search_by_local_number_finds_the_customer(as_role):
    page = as_role("admin").get("/console/customers?q=0711000002").get_data(as_text=True)
    assert "+254711000002" in page
    assert "+254711000001" not in page


def test_search_by_part_of_a_name(as_role, console_app):
    with console_app.app_context():
        from app.extensions import db
        from app.models import Customer

        name = db.session.get(Customer, 1).name
    page = as_role("operator").get(f"/console/customers?q={name.split()[0].lower()}")
    assert name in page.get_data(as_text=True)


def test_search_treats_wildcards_as_text(as_role):
    page = as_role("admin").get("/console/customers?q=%25").get_data(as_text=True)
    assert "No customer matches." in page


def test_customer_page_shows_ledger_messages_sessions_and_answers(as_role, console_app):
    client = console_app.test_client()
    Handset(client).walk("1", "500", "1", "1234")  # deposit KES 500
    Handset(client).walk("7", "1")  # "call me"
    survey = Handset(client, service_code="*384*3#")
    survey.walk("1", "1")
    page = as_role("admin").get("/console/customers/1").get_data(as_text=True)
    assert "KES 16,500" in page
    assert "deposit" in page
    assert "KES 500 deposited" in page
    assert "diet_survey" in page and "consent" in page
    assert "<td>call</td>" in page and "call from +254711082001" in page  # "call me", placed


def test_unknown_customer_is_not_found(as_role):
    assert as_role("admin").get("/console/customers/9999").status_code == 404
