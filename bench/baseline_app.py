"""The floor Sauti is measured against: one Redis GET and one SET per USSD hop, nothing else.

Run with `gunicorn -w 2 -b 127.0.0.1:PORT "bench.baseline_app:create_app()"` from the repo root;
`REDIS_URL` must be set.
"""

import hmac
import os

import redis
from flask import Flask, Response, abort, current_app, request

SESSION_TTL_SECONDS = 300


def create_app() -> Flask:
    """Build the baseline app.

    Returns:
        A Flask app answering `POST /ussd/<token>` with `CON ok` to every hop; the token must
        equal `AT_CALLBACK_TOKEN` (default "bench"), so the path check costs what Sauti's does.

    Raises:
        KeyError: `REDIS_URL` is not set.
    """
    app = Flask(__name__)
    app.config["AT_CALLBACK_TOKEN"] = os.environ.get("AT_CALLBACK_TOKEN", "bench")
    app.extensions["redis"] = redis.Redis.from_url(os.environ["REDIS_URL"])
    app.add_url_rule("/ussd/<token>", view_func=ussd, methods=["POST"])
    return app


def ussd(token: str) -> Response:
    """Answer one Africa's Talking USSD callback (form: `sessionId`, `text`) with `CON ok`."""
    if not hmac.compare_digest(token, current_app.config["AT_CALLBACK_TOKEN"]):
        abort(404)
    client: redis.Redis = current_app.extensions["redis"]
    key = f"bench:{request.form['sessionId']}"
    client.get(key)
    client.set(key, request.form.get("text", ""), ex=SESSION_TTL_SECONDS)
    return Response("CON ok", mimetype="text/plain")
