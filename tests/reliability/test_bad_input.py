"""Bad input: schemathesis against the OpenAPI description of every route (no 5xx, only
documented content types), and protocol abuse on a real gunicorn (duplicate keys, a 1 MiB
body, invalid UTF-8, a slow client)."""

import socket
import time
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from ruamel.yaml import YAML
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance

from app.seed import seed_demo
from tests.conftest import TOKEN, make_app

pytestmark = pytest.mark.reliability
SPEC = Path(__file__).resolve().parents[2] / "app" / "openapi.yaml"


@pytest.fixture(scope="module")
def api_app(tmp_path_factory):
    from app.extensions import db

    app = make_app(tmp_path_factory.mktemp("api"), EXPORT_API_TOKEN="export-token")
    with app.app_context():
        db.drop_all()
        db.create_all()
        seed_demo(app.config)
    assert app.test_cli_runner().invoke(args=["db", "stamp", "head"]).exit_code == 0
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


SCHEMA = schemathesis.openapi.from_dict(YAML(typ="safe").load(SPEC.read_text()))


@SCHEMA.parametrize()
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_no_route_answers_5xx_or_an_undocumented_content_type(case, api_app):
    if "token" in case.path_parameters:
        case.path_parameters["token"] = TOKEN  # past the token check, into the parsers
    case.headers = {**(case.headers or {}), "Authorization": "Bearer export-token"}
    response = case.call(app=api_app)  # in-process, on the WSGI app
    case.validate_response(response, checks=[not_a_server_error, content_type_conformance])


def _raw(port: int, request: bytes, pause_s: float = 0.0) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=15) as conn:
        if pause_s:
            for chunk in (request[:20], request[20:]):
                conn.sendall(chunk)
                time.sleep(pause_s)
        else:
            conn.sendall(request)
        conn.shutdown(socket.SHUT_WR)
        answer = b""
        while data := conn.recv(65536):
            answer += data
        return answer


def _post(path: str, body: bytes, content_type: str = "application/x-www-form-urlencoded"):
    head = (
        f"POST {path} HTTP/1.1\r\nHost: sauti\r\nContent-Type: {content_type}\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    )
    return head.encode() + body


def test_protocol_abuse_gets_a_4xx_or_a_polite_screen_never_a_5xx(stack):
    sauti = stack.sauti()
    path = sauti.path
    first = b"sessionId=a1&serviceCode=*384*1%23&phoneNumber=%2B254711000001&text="
    cases = {
        "duplicate keys": first + b"&sessionId=a2&phoneNumber=%2B254711000002",
        "invalid UTF-8": b"sessionId=a3&serviceCode=*384*1%23&phoneNumber=%2B25\xff\xfe&text=\xc3",
        "1 MiB body": first + b"&x=" + b"9" * (1 << 20),
        "not a form": b"\x00\x01\x02{{{",
    }
    statuses = {}
    for name, body in cases.items():
        answer = _raw(sauti.port, _post(path, body))
        status = int(answer.split(b" ", 2)[1])
        statuses[name] = status
        assert status < 500, (name, answer[:300])
        if status == 200:
            assert answer.split(b"\r\n\r\n", 1)[1].startswith((b"CON ", b"END ")), name
    assert statuses["1 MiB body"] == 413
    slow = _raw(sauti.port, _post(path, first), pause_s=1.0)  # a client that dribbles
    assert int(slow.split(b" ", 2)[1]) == 200
