"""Voice URLs built on the `PUBLIC_BASE_URL` setting (see `config.py` for the voice
settings: `PUBLIC_BASE_URL`, `TWILIO_AUTH_TOKEN`, `VOICE_BACKEND`, `AT_VOICE_NUMBER`,
`VOICE_LINES`, `VOICE_CALL_TTL_SECONDS`)."""

from flask import Flask


def public_url(app: Flask, path: str) -> str:
    """`PUBLIC_BASE_URL` + `path`, e.g. "https://sauti.example.org/voice/twilio/answer".

    Without `PUBLIC_BASE_URL` (development, tests) the path alone, relative to the
    request.
    """
    base = (app.config.get("PUBLIC_BASE_URL") or "").rstrip("/")
    return base + path
