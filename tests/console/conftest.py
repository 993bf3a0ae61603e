"""Console fixtures: an app whose menus folder is a copy (publishing writes to it), a user
of each role, and a logged-in client."""

import re
import shutil
from pathlib import Path

import pytest

from app.console.users import create_user
from app.seed import seed_demo

SHIPPED_MENUS = Path(__file__).resolve().parents[2] / "app" / "menus"
PASSWORD = "correct horse battery"
# Argon2 at its lowest cost: the tests check the logic, not the hash's strength.
CHEAP_HASHING = {"CONSOLE_ARGON2_TIME_COST": 1, "CONSOLE_ARGON2_MEMORY_KIB": 1024}


@pytest.fixture
def menus_dir(tmp_path):
    folder = tmp_path / "menus"
    shutil.copytree(SHIPPED_MENUS, folder)
    return folder


@pytest.fixture
def console_app(app_factory, menus_dir):
    """The app with the demo data, a copy of the shipped menus and one user per role."""
    app = app_factory(MENUS_DIR=str(menus_dir), **CHEAP_HASHING)
    with app.app_context():
        seed_demo(app.config)
        for role in ("designer", "operator", "admin"):
            create_user(f"{role}@example.org", PASSWORD, role)
    return app


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html)
    if match is None:
        match = re.search(r'"X-CSRFToken": "([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


class Console:
    """A browser-like client: logs in through the form, sends the page's CSRF token."""

    def __init__(self, app, role: str | None = None) -> None:
        self.client = app.test_client()
        self.token = ""
        if role:
            self.login(f"{role}@example.org", PASSWORD)

    def login(self, email: str, password: str):
        page = self.client.get("/console/login")
        token = csrf_from(page.get_data(as_text=True))
        response = self.client.post(
            "/console/login", data={"email": email, "password": password, "csrf_token": token}
        )
        if response.status_code == 302:
            self.token = csrf_from(self.client.get("/console/simulator").get_data(as_text=True))
        return response

    def get(self, path: str, **kwargs):
        return self.client.get(path, **kwargs)

    def post(self, path: str, data=None, **kwargs):
        headers = {"X-CSRFToken": self.token, **kwargs.pop("headers", {})}
        return self.client.post(path, data=data, headers=headers, **kwargs)


@pytest.fixture
def as_role(console_app):
    """`as_role("operator")`: a Console logged in with that role."""
    return lambda role: Console(console_app, role)
