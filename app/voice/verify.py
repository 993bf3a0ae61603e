"""Twilio webhook verification with the SDK's RequestValidator.

Source: Twilio "Webhooks security": `X-Twilio-Signature` is base64(HMAC-SHA1(auth token,
the full URL Twilio requested + each POST parameter name and value, sorted)). Behind a
proxy Flask does not see that URL, so it is rebuilt from the configured
`PUBLIC_BASE_URL` + the path + the query string exactly as sent.
"""

import functools
import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from flask import Request, abort, current_app, request
from twilio.request_validator import RequestValidator

log = logging.getLogger("sauti.security")


def signed_url(req: Request, base_url: str) -> str:
    """The URL Twilio signed: `base_url` + the path + `?` + the raw query string."""
    url = base_url.rstrip("/") + quote(req.script_root + req.path, safe="/:@!$&'()*+,;=-._~")
    query = req.query_string.decode("latin-1")
    return f"{url}?{query}" if query else url


def twilio_signature_valid(req: Request, auth_token: str | None, base_url: str | None) -> bool:
    """True when `req` carries a valid `X-Twilio-Signature`.

    A missing header, a missing token, or a mismatch is False (the SDK's
    `validate` raises TypeError on a missing header, so it is checked first).
    """
    signature = req.headers.get("X-Twilio-Signature")
    if not signature or not auth_token:
        return False
    base_url = base_url or req.host_url  # unset in development: the URL as Flask saw it
    params = req.form if req.method == "POST" else {}
    return RequestValidator(auth_token).validate(signed_url(req, base_url), params, signature)


def twilio_signed(view: Callable[..., Any]) -> Callable[..., Any]:
    """Refuse (403) any request without a valid Twilio signature, before the view runs."""

    @functools.wraps(view)
    def checked(*args: Any, **kwargs: Any) -> Any:
        config = current_app.config
        if not twilio_signature_valid(
            request, config.get("TWILIO_AUTH_TOKEN"), config.get("PUBLIC_BASE_URL")
        ):
            log.warning("refused a Twilio callback with a missing or wrong signature")
            abort(403)
        return view(*args, **kwargs)

    return checked
