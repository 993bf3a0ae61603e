"""The voice channel's settings, read from the environment (and `.env`) when the app is
built; `create_app(overrides)` may replace any of them.

- `PUBLIC_BASE_URL` (none): the scheme and host gateways call, e.g.
  `https://sauti.example.org`. Twilio signs the URL it called; callback URLs build on it.
- `TWILIO_AUTH_TOKEN` (none): verifies `X-Twilio-Signature`; unset refuses every Twilio
  request.
- `VOICE_BACKEND` (`development`): `africastalking` places "call me" calls through the SDK.
- `AT_VOICE_NUMBER` (`+254711082001`): the number outbound calls come from.
- `VOICE_LINES` (demo sales / support numbers): JSON `{"sales": ["+2547…"], …}`, who a
  prompt's `connect` rings.
- `VOICE_CALL_TTL_SECONDS` (3600): how long a call's place is kept in Redis.
"""

import json
import os

from flask import Flask

DEFAULT_LINES = {"sales": ["+254711082101"], "support": ["+254711082102"]}


def init_app(app: Flask) -> None:
    """Fill in every voice setting the app config does not already have."""
    env = os.environ.get
    defaults = {
        "PUBLIC_BASE_URL": env("PUBLIC_BASE_URL"),
        "TWILIO_AUTH_TOKEN": env("TWILIO_AUTH_TOKEN"),
        "VOICE_BACKEND": env("VOICE_BACKEND", "development"),
        "AT_VOICE_NUMBER": env("AT_VOICE_NUMBER", "+254711082001"),
        "VOICE_LINES": json.loads(env("VOICE_LINES", "null")) or DEFAULT_LINES,
        "VOICE_CALL_TTL_SECONDS": int(env("VOICE_CALL_TTL_SECONDS", "3600")),
    }
    for name, value in defaults.items():
        app.config.setdefault(name, value)


def public_url(app: Flask, path: str) -> str:
    """`PUBLIC_BASE_URL` + `path`, e.g. "https://sauti.example.org/voice/twilio/answer".

    Without `PUBLIC_BASE_URL` (development, tests) the path alone, relative to the
    request.
    """
    base = (app.config.get("PUBLIC_BASE_URL") or "").rstrip("/")
    return base + path
