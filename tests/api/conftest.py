"""An API client holding a token made by `flask tokens create`."""

import pytest


class Api:
    """Calls /api/v1 with `Authorization: Bearer <token>`."""

    def __init__(self, app, token: str):
        self.app, self.client = app, app.test_client()
        self.headers = {"Authorization": f"Bearer {token}"}

    def __getattr__(self, method: str):
        call = getattr(self.client, method)

        def request(path: str, **kwargs):
            headers = {**self.headers, **kwargs.pop("headers", {})}
            return call(f"/api/v1{path}", headers=headers, **kwargs)

        return request


@pytest.fixture
def api(app):
    result = app.test_cli_runner().invoke(args=["tokens", "create", "tests"])
    assert result.exit_code == 0, result.output
    return Api(app, result.output.strip())
