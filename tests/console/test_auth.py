"""Logging in, CSRF, security headers, cookie scope and the `flask users` commands."""

import pytest

from app.console.users import authenticate
from tests.conftest import USSD_URL
from tests.console.conftest import PASSWORD, Console, csrf_from

PAGES = ["/console/simulator", "/console/menus", "/console/results", "/console/customers"]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_but_login_redirects_to_login(console_app, path):
    response = console_app.test_client().get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/console/login?next=")


def test_login_with_right_password_opens_the_console(console_app):
    console = Console(console_app)
    response = console.login("OPERATOR@example.org", PASSWORD)
    assert response.status_code == 302
    page = console.get("/console/simulator")
    assert page.status_code == 200
    assert "operator@example.org (operator)" in page.get_data(as_text=True)


def test_login_with_wrong_password_is_refused(console_app):
    response = Console(console_app).login("operator@example.org", "wrong password")
    assert response.status_code == 401
    assert "Wrong email or password" in response.get_data(as_text=True)


def test_failed_logins_are_limited(console_app):
    console_app.config["CONSOLE_LOGIN_ATTEMPTS"] = 3
    console = Console(console_app)
    for _ in range(3):
        assert console.login("admin@example.org", "nope nope").status_code == 401
    assert console.login("admin@example.org", PASSWORD).status_code == 429


def test_login_never_redirects_off_the_console(console_app):
    client = console_app.test_client()
    token = csrf_from(client.get("/console/login").get_data(as_text=True))
    form = {"email": "admin@example.org", "password": PASSWORD, "csrf_token": token}
    response = client.post("/console/login?next=//evil.example/x", data=form)
    assert response.headers["Location"] == "/console/"


def test_post_without_csrf_token_is_refused(as_role):
    console = as_role("admin")
    response = console.client.post("/console/simulator/dial", data={"code": "*384*1#"})
    assert response.status_code == 400
    assert "CSRF" in response.get_data(as_text=True)


def test_login_form_without_csrf_token_is_refused(console_app):
    form = {"email": "admin@example.org", "password": PASSWORD}
    response = console_app.test_client().post("/console/login", data=form)
    assert response.status_code == 400


def test_logout_ends_the_session(as_role):
    console = as_role("admin")
    assert console.post("/console/logout").status_code == 302
    assert console.get("/console/simulator").status_code == 302


def test_console_pages_carry_security_headers(as_role):
    response = as_role("admin").get("/console/simulator")
    headers = response.headers
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cache-Control"] == "no-store"


def test_session_cookie_is_scoped_to_the_console_and_http_only(console_app):
    client = console_app.test_client()
    response = client.get("/console/login")
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("sauti_console=")
    assert "Path=/console" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_gateway_callbacks_stay_cookie_free(as_role):
    console = as_role("admin")
    form = {
        "sessionId": "ATUid_cookie",
        "serviceCode": "*384*1#",
        "phoneNumber": "+254711000001",
        "networkCode": "63902",
        "text": "",
    }
    response = console.client.post(USSD_URL, data=form)
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    assert "Vary" not in response.headers or "Cookie" not in response.headers["Vary"]


def test_users_create_hashes_the_password_with_argon2(console_app):
    runner = console_app.test_cli_runner()
    result = runner.invoke(
        args=["users", "create", "New@Example.org", "--role", "designer"],
        input="a long password\na long password\n",
    )
    assert result.exit_code == 0, result.output
    assert "created new@example.org (designer)" in result.output
    with console_app.app_context():
        from app.console.users import find_user

        user = find_user("new@example.org")
        assert user.password_hash.startswith("$argon2id$")
        assert authenticate("new@example.org", "a long password") is not None


def test_users_create_refuses_a_duplicate_and_a_short_password(console_app):
    runner = console_app.test_cli_runner()
    result = runner.invoke(
        args=["users", "create", "admin@example.org", "--role", "admin", "--password", "x" * 9]
    )
    assert result.exit_code == 1
    assert "already has an account" in result.output
    result = runner.invoke(
        args=["users", "create", "b@example.org", "--role", "admin", "--password", "short"]
    )
    assert result.exit_code == 1
    assert "at least 8 characters" in result.output


def test_users_list_and_disable(console_app):
    runner = console_app.test_cli_runner()
    assert runner.invoke(args=["users", "disable", "operator@example.org"]).exit_code == 0
    listing = runner.invoke(args=["users", "list"]).output
    assert "operator@example.org" in listing and "disabled" in listing
    assert Console(console_app).login("operator@example.org", PASSWORD).status_code == 401


def test_users_demo_prints_the_same_login_each_time(console_app, tmp_path):
    console_app.instance_path = str(tmp_path)
    runner = console_app.test_cli_runner()
    first = runner.invoke(args=["users", "demo"])
    second = runner.invoke(args=["users", "demo"])
    assert first.exit_code == 0, first.output
    assert first.output.split("(")[0] == second.output.split("(")[0]
    password = first.output.split(" / ")[1].split()[0]
    assert Console(console_app).login("demo@sauti.local", password).status_code == 302
