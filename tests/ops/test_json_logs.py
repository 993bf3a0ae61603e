"""LOG_FORMAT=json: one JSON object per line, with request id, session id and the masked
MSISDN on every line logged while a callback is served."""

import io
import json
import logging

import pytest

from tests.conftest import USSD_URL


@pytest.fixture
def log_stream():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    root = logging.getLogger()
    root.addHandler(handler)
    yield stream
    root.removeHandler(handler)


def _lines(stream: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


def test_json_lines_carry_request_session_and_masked_msisdn(app_factory, log_stream):
    app = app_factory(LOG_FORMAT="json")
    client = app.test_client()
    log_stream.seek(0)
    log_stream.truncate()  # start-up lines (definition warnings) belong to no request
    form = {"sessionId": "ATUid_logs", "phoneNumber": "+254711000001", "text": ""}  # no code
    response = client.post(USSD_URL, data=form, headers={"X-Request-Id": "req-0123456789"})
    assert response.status_code == 400
    assert response.headers["X-Request-Id"] == "req-0123456789"
    lines = [line for line in _lines(log_stream) if line["logger"].startswith("app")]
    assert lines, log_stream.getvalue()
    for line in lines:
        assert line["request_id"] == "req-0123456789"
        assert line["session_id"] == "ATUid_logs"
        assert line["msisdn"] == "+2547*****001"
        assert {"time", "level", "message"} <= set(line)
    assert "+254711000001" not in log_stream.getvalue()


def test_a_request_without_an_id_gets_one(app_factory, log_stream):
    app = app_factory(LOG_FORMAT="json")
    response = app.test_client().get("/healthz")
    assert len(response.headers["X-Request-Id"]) == 32
