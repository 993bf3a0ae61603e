"""Voice fixtures: an app with a Twilio auth token and public URL, and helpers that post
what Twilio and Africa's Talking post (signed with the SDK, for Twilio)."""

from urllib.parse import urlencode

import pytest
from twilio.request_validator import RequestValidator

TWILIO_TOKEN = "twilio-test-token"
PUBLIC_BASE_URL = "https://sauti.example.org"
AT_VOICE_URL = "/voice/africastalking/test-token"


@pytest.fixture
def voice_app(app_factory):
    return app_factory(TWILIO_AUTH_TOKEN=TWILIO_TOKEN, PUBLIC_BASE_URL=PUBLIC_BASE_URL)


def twilio_signature(path: str, params: dict, token: str = TWILIO_TOKEN) -> str:
    """What Twilio puts in X-Twilio-Signature for a POST of `params` to `path`."""
    return RequestValidator(token).compute_signature(PUBLIC_BASE_URL + path, params)


def post_twilio(client, path: str, params: dict, signature: str | None = "sign"):
    """POST `params` to `path` as Twilio does; `signature="sign"` signs them correctly."""
    headers = {}
    if signature == "sign":
        headers["X-Twilio-Signature"] = twilio_signature(path, params)
    elif signature is not None:
        headers["X-Twilio-Signature"] = signature
    return client.post(
        path,
        data=urlencode(params),
        headers=headers,
        content_type="application/x-www-form-urlencoded",
    )
