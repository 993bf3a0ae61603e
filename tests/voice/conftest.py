"""Voice fixtures: an app with a Twilio auth token and public URL, and helpers that post
what Twilio and Africa's Talking post (signed with the SDK, for Twilio)."""

import uuid
import xml.etree.ElementTree as ET
from urllib.parse import urlencode, urlsplit

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


class Phone:
    """A phone user on a call through one gateway: posts what the gateway posts, follows
    the XML it gets back (Gather action, GetDigits callbackUrl) and keeps the last one."""

    def __init__(self, client, gateway, to, msisdn="+254711000001", outbound=False):
        self.client, self.gateway, self.to, self.msisdn = client, gateway, to, msisdn
        self.outbound = outbound
        self.call_id = (
            f"CA{uuid.uuid4().hex}" if gateway == "twilio" else f"ATVId_{uuid.uuid4().hex}"
        )
        self.xml: ET.Element | None = None
        self.status = 0

    def form(self, **extra) -> dict:
        if self.gateway == "twilio":
            form = {
                "CallSid": self.call_id,
                "AccountSid": "AC" + "0" * 32,
                "From": self.to if self.outbound else self.msisdn,
                "To": self.msisdn if self.outbound else self.to,
                "Direction": "outbound-api" if self.outbound else "inbound",
                "CallStatus": "in-progress",
                "ApiVersion": "2010-04-01",
            }
        else:
            form = {
                "isActive": "1",
                "sessionId": self.call_id,
                "direction": "Outbound" if self.outbound else "Inbound",
                "callerNumber": self.msisdn,
                "destinationNumber": self.to,
                "callSessionState": "Answered",
            }
        return {**form, **extra}

    def post(self, url: str, form: dict) -> ET.Element:
        parts = urlsplit(url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if self.gateway == "twilio":
            response = post_twilio(self.client, path, form)
        else:
            response = self.client.post(path, data=form)
        self.status = response.status_code
        assert response.status_code == 200, response.get_data(as_text=True)
        self.xml = ET.fromstring(response.data)
        return self.xml

    def call(self) -> ET.Element:
        """The call connects: the number's webhook."""
        first = "/voice/twilio" if self.gateway == "twilio" else AT_VOICE_URL
        return self.post(first, self.form())

    @property
    def asking(self) -> ET.Element:
        """The Gather / GetDigits / Record the caller is hearing."""
        for tag in ("Gather", "GetDigits", "Record"):
            found = self.xml.find(tag)
            if found is not None:
                return found
        raise AssertionError(f"nothing asked: {ET.tostring(self.xml, encoding='unicode')}")

    @property
    def said(self) -> str:
        """What the current prompt says (the first Say, inside the Gather if there is one)."""
        for path in ("Gather/Say", "GetDigits/Say", "Record/Say", "Say"):
            found = self.xml.find(path)
            if found is not None:
                return found.text
        raise AssertionError("nothing said")

    def press(self, digits: str) -> ET.Element:
        """Press keys on the current prompt."""
        asking = self.asking
        url = asking.get("action") or asking.get("callbackUrl")
        field = "Digits" if self.gateway == "twilio" else "dtmfDigits"
        return self.post(url, self.form(**{field: digits}))

    def walk(self, *keys: str) -> str:
        """Call, press each key in turn; returns what the last prompt says."""
        self.call()
        for key in keys:
            self.press(key)
        return self.said

    def hang_up(self, **extra) -> None:
        """The gateway's final callback."""
        if self.gateway == "twilio":
            form = self.form(CallStatus="completed", CallDuration="30", **extra)
            post_twilio(self.client, "/voice/twilio/status", form)
        else:
            form = self.form(
                isActive="0",
                durationInSeconds="30",
                currencyCode="KES",
                amount="1.20",
                hangupCause="NORMAL_CLEARING",
                callSessionState="Completed",
                **extra,
            )
            self.client.post(AT_VOICE_URL, data=form)
