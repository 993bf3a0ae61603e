"""Settings, read from the environment (and `.env`, via python-dotenv) when the app is built.

Every duration carries its unit in its name. Secrets have no literal fallback: outside
debug and testing a missing one stops start-up, naming the variable to set.
"""

import json
import os
from pathlib import Path

from dotenv import load_dotenv

BASE_DIR = Path(__file__).resolve().parent
load_dotenv(BASE_DIR / ".env")


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def _float(name: str, default: float) -> float:
    return float(os.environ.get(name, default))


def sqlalchemy_url(url: str) -> str:
    """Use the psycopg 3 driver for plain PostgreSQL URLs (postgres://, postgresql://)."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _json(name: str, default: object) -> object:
    raw = os.environ.get(name)
    return default if raw is None else json.loads(raw)


class Config:
    """Defaults for every setting; `create_app(overrides)` may replace any of them."""

    def __init__(self) -> None:
        env = os.environ.get
        self.SECRET_KEY = env("SECRET_KEY")
        self.SESSION_SIGNING_KEY = env("SESSION_SIGNING_KEY")
        # Keys every PIN hash; never rotate it (PINs would stop matching): back it up with
        # the database, keep it out of it.
        self.PIN_PEPPER = env("PIN_PEPPER")
        self.SQLALCHEMY_DATABASE_URI = sqlalchemy_url(
            env("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'instance' / 'sauti.db'}"
        )
        # Unset means the embedded default: an in-process fakeredis.
        self.REDIS_URL = env("REDIS_URL")
        self.REDIS_SOCKET_TIMEOUT_SECONDS = _float("REDIS_SOCKET_TIMEOUT_SECONDS", 0.25)
        self.REDIS_RETRIES = _int("REDIS_RETRIES", 1)
        # After a Redis timeout, hops fail at once (polite END) for this long, then retry.
        # /readyz: how long Redis, SQL and the broker have to answer.
        self.READYZ_TIMEOUT_SECONDS = _float("READYZ_TIMEOUT_SECONDS", 1.0)
        self.REDIS_BREAKER_SECONDS = _float("REDIS_BREAKER_SECONDS", 0.5)
        self.CELERY_BROKER_URL = env("CELERY_BROKER_URL")
        self.AT_CALLBACK_TOKEN = env("AT_CALLBACK_TOKEN")
        self.AT_USERNAME = env("AT_USERNAME", "sandbox")
        self.AT_API_KEY = env("AT_API_KEY")
        self.AT_SMS_SENDER_ID = env("AT_SMS_SENDER_ID")
        self.HUBTEL_CALLBACK_TOKEN = env("HUBTEL_CALLBACK_TOKEN")
        # Bearer token for GET /api/surveys/<id>/export; unset disables the export API.
        self.EXPORT_API_TOKEN = env("EXPORT_API_TOKEN")
        # "development" records what would be sent; "africastalking" calls the gateway.
        self.SMS_BACKEND = env("SMS_BACKEND", "development")
        self.AIRTIME_BACKEND = env("AIRTIME_BACKEND", "development")
        self.MENUS_DIR = env("MENUS_DIR", str(BASE_DIR / "app" / "menus"))
        # Reload edited definitions without a restart (default: on in debug mode only).
        self.MENUS_HOT_RELOAD = {"1": True, "0": False}.get(env("MENUS_HOT_RELOAD", ""))
        self.DEFAULT_COUNTRY = env("DEFAULT_COUNTRY", "KE")
        self.CURRENCY = env("CURRENCY", "KES")
        self.USSD_SESSION_TTL_SECONDS = _int("USSD_SESSION_TTL_SECONDS", 300)
        self.USSD_RESUME_WINDOW_SECONDS = _int("USSD_RESUME_WINDOW_SECONDS", 600)
        # A hop answers within this (gateways give up after a few seconds); every wait
        # inside it must fit together, which start-up checks (app/settings.py).
        self.USSD_HOP_BUDGET_SECONDS = _float("USSD_HOP_BUDGET_SECONDS", 2.0)
        self.USSD_LOCK_TTL_SECONDS = _float("USSD_LOCK_TTL_SECONDS", 5.0)
        self.USSD_LOCK_WAIT_SECONDS = _float("USSD_LOCK_WAIT_SECONDS", 0.5)
        # Inside a hop: SQLite's busy timeout and PostgreSQL's lock_timeout; the longest
        # one PostgreSQL statement may run (CLI commands and migrations are not bounded).
        self.DATABASE_CONNECT_TIMEOUT_SECONDS = _float("DATABASE_CONNECT_TIMEOUT_SECONDS", 2.0)
        self.DATABASE_LOCK_TIMEOUT_SECONDS = _float("DATABASE_LOCK_TIMEOUT_SECONDS", 1.0)
        self.DATABASE_STATEMENT_TIMEOUT_SECONDS = _float("DATABASE_STATEMENT_TIMEOUT_SECONDS", 1.5)
        # New sessions a caller may start per minute (0: no limit); more get a polite END.
        self.USSD_NEW_SESSIONS_PER_MINUTE = _int("USSD_NEW_SESSIONS_PER_MINUTE", 20)
        self.USSD_DEFAULT_SCREEN_CHARS = _int("USSD_DEFAULT_SCREEN_CHARS", 182)
        # Per network code (MCC+MNC), e.g. {"63902": 160}: Safaricom's menus are shorter.
        self.USSD_SCREEN_CHARS = _json("USSD_SCREEN_CHARS", {"63902": 160, "63903": 182})
        self.MAX_CONTENT_LENGTH = _int("MAX_CONTENT_LENGTH_BYTES", 16 * 1024)
        self.PIN_MAX_FAILURES = _int("PIN_MAX_FAILURES", 3)
        self.PIN_LOCK_SECONDS = _int("PIN_LOCK_SECONDS", 900)
        # PINs are four digits: the pepper and the lock above protect them, not hash cost,
        # so a light hash keeps PIN hops inside the hop latency budget.
        self.PIN_HASH_METHOD = env("PIN_HASH_METHOD", "pbkdf2:sha256:1000")
        self.SQLALCHEMY_ENGINE_OPTIONS: dict[str, object] = {}
        # Unset: INFO, or gunicorn's --log-level when served by gunicorn.
        self.LOG_LEVEL = env("LOG_LEVEL")
        # "json": one JSON object per line (request id, session id, masked MSISDN); "text".
        self.LOG_FORMAT = env("LOG_FORMAT", "text")
