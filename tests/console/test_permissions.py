"""Each page for each role: designers cannot see customers or the ledger, operators
cannot publish, numbers are masked for everyone but admins."""

import pytest

from tests.conftest import Handset

ALLOWED = {
    "/console/simulator": {"designer", "operator", "admin"},
    "/console/menus": {"designer", "operator", "admin"},
    "/console/menus/microfinance": {"designer", "operator", "admin"},
    "/console/results": {"designer", "operator", "admin"},
    "/console/results/diet_survey": {"designer", "operator", "admin"},
    "/console/customers": {"operator", "admin"},
    "/console/customers/1": {"operator", "admin"},
    "/console/operations": {"operator", "admin"},
}


@pytest.mark.parametrize("role", ["designer", "operator", "admin"])
@pytest.mark.parametrize("path", sorted(ALLOWED))
def test_page_is_open_only_to_its_roles(as_role, role, path):
    status = as_role(role).get(path).status_code
    assert status == (200 if role in ALLOWED[path] else 403)


def test_designer_cannot_see_the_ledger_nor_find_it_in_the_navigation(as_role):
    console = as_role("designer")
    assert console.get("/console/customers/1").status_code == 403
    page = console.get("/console/simulator").get_data(as_text=True)
    assert "/console/customers" not in page and "/console/operations" not in page


def test_operator_sees_the_ledger_with_the_number_masked(as_role):
    page = as_role("operator").get("/console/customers/1").get_data(as_text=True)
    assert 'id="wallet"' in page
    assert "+2547*****001" in page
    assert "+254711000001" not in page


def test_admin_sees_whole_numbers(as_role):
    page = as_role("admin").get("/console/customers/1").get_data(as_text=True)
    assert "+254711000001" in page


def test_only_admins_manage_accounts(as_role):
    form = {"email": "new@example.org", "password": "long enough", "role": "designer"}
    assert as_role("operator").post("/console/operations/users", data=form).status_code == 403
    assert as_role("admin").post("/console/operations/users", data=form).status_code == 302


def test_only_designers_and_admins_publish(as_role, menus_dir):
    text = (menus_dir / "registration.yaml").read_text()
    for role, status in (("operator", 403), ("designer", 200), ("admin", 200)):
        response = as_role(role).post("/console/menus/registration/publish", data={"text": text})
        assert response.status_code == status, role


def test_masking_applies_to_operations_lists(as_role, console_app):
    Handset(console_app.test_client()).walk("1", "500", "1", "1234")  # an SMS receipt
    page = as_role("operator").get("/console/operations").get_data(as_text=True)
    assert "+2547*****001" in page and "+254711000001" not in page
