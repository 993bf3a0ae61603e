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


def _bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    return default if raw is None else raw.strip().lower() in ("1", "true", "yes", "on")


def _json(name: str, default: object) -> object:
    raw = os.environ.get(name)
    return default if raw is None else json.loads(raw)


# Incoming SMS keywords per language -> action; a deployment replaces them with
# SMS_KEYWORDS='{"en": {...}, ...}' (matched case-insensitively on the first word).
SMS_KEYWORDS = {
    "en": {"JOIN": "join", "START": "join", "STOP": "stop", "STOPALL": "stop", "HELP": "help"},
    "sw": {"JIUNGE": "join", "ACHA": "stop", "SIMAMA": "stop", "MSAADA": "help"},
}
# What Sauti answers, per language and action ("unknown": text no keyword or open
# conversation took).
SMS_REPLIES = {
    "en": {
        "join": "Welcome to Sauti! Reply STOP to stop all messages, HELP for help.",
        "stop": "You will get no more messages from Sauti. Reply JOIN to start again.",
        "help": "Sauti: reply JOIN to subscribe, STOP to stop all messages. Dial *384*1#.",
        "unknown": "Sorry, we did not understand. Reply JOIN to subscribe, STOP to stop, "
        "HELP for help.",
    },
    "sw": {
        "join": "Karibu Sauti! Jibu ACHA kusimamisha ujumbe wote, MSAADA kwa msaada.",
        "stop": "Hutapokea ujumbe zaidi kutoka Sauti. Jibu JIUNGE kuanza tena.",
        "help": "Sauti: jibu JIUNGE kujiunga, ACHA kusimamisha ujumbe wote. Piga *384*1#.",
        "unknown": "Samahani, hatukuelewa. Jibu JIUNGE kujiunga, ACHA kusimamisha, "
        "MSAADA kwa msaada.",
    },
}


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
        # Voice: the scheme and host gateways call (Twilio signs the URL it called, and
        # callback URLs are built on it); unset: the URL as Flask sees it.
        self.PUBLIC_BASE_URL = env("PUBLIC_BASE_URL")
        # Verifies X-Twilio-Signature; unset refuses every Twilio request.
        self.TWILIO_AUTH_TOKEN = env("TWILIO_AUTH_TOKEN")
        # "development" records "call me" calls; "africastalking" places them.
        self.VOICE_BACKEND = env("VOICE_BACKEND", "development")
        self.AT_VOICE_NUMBER = env("AT_VOICE_NUMBER", "+254711082001")
        # Who a `connect` question rings, by line name.
        self.VOICE_LINES = _json(
            "VOICE_LINES", {"sales": ["+254711082101"], "support": ["+254711082102"]}
        )
        self.VOICE_CALL_TTL_SECONDS = _int("VOICE_CALL_TTL_SECONDS", 3600)
        # "development" records what would be sent; "africastalking" calls the gateway.
        self.SMS_BACKEND = env("SMS_BACKEND", "development")
        self.AIRTIME_BACKEND = env("AIRTIME_BACKEND", "development")
        # Email (Flask-Mailman's names): "development" records instead of sending; "smtp"
        # sends through MAIL_SERVER.
        self.MAIL_BACKEND = env("MAIL_BACKEND", "development")
        self.MAIL_DEFAULT_SENDER = env("MAIL_DEFAULT_SENDER", "Sauti <noreply@localhost>")
        self.MAIL_SERVER = env("MAIL_SERVER", "localhost")
        self.MAIL_PORT = _int("MAIL_PORT", 25)
        self.MAIL_USERNAME = env("MAIL_USERNAME")
        self.MAIL_PASSWORD = env("MAIL_PASSWORD")
        self.MAIL_USE_TLS = env("MAIL_USE_TLS", "0") == "1"
        self.MAIL_USE_SSL = env("MAIL_USE_SSL", "0") == "1"
        self.MAIL_TIMEOUT = _int("MAIL_TIMEOUT_SECONDS", 10)
        # A voicemail's email waits this long for its transcript before going without one.
        self.VOICEMAIL_TRANSCRIPT_WAIT_SECONDS = _int("VOICEMAIL_TRANSCRIPT_WAIT_SECONDS", 300)
        # The USSD code the call centre's SMS offers unknown callers (and tells lapsed
        # subscribers to renew on).
        self.CALLCENTRE_USSD_CODE = env("CALLCENTRE_USSD_CODE", "*384*2#")
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
        # The web console's login cookie (on /console/ only; gateway callbacks set none).
        # CONSOLE_SECURE_COOKIES=1 behind HTTPS: the cookie is then sent over HTTPS only.
        self.SESSION_COOKIE_NAME = "sauti_console"
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.SESSION_COOKIE_SECURE = env("CONSOLE_SECURE_COOKIES", "0") == "1"
        self.PERMANENT_SESSION_LIFETIME = _int("CONSOLE_SESSION_SECONDS", 8 * 3600)
        # Failed console logins allowed per email and per address in 15 minutes.
        self.CONSOLE_LOGIN_ATTEMPTS = _int("CONSOLE_LOGIN_ATTEMPTS", 10)
        # Console password hashing (Argon2id): argon2-cffi's recommended cost by default.
        self.CONSOLE_ARGON2_TIME_COST = _int("CONSOLE_ARGON2_TIME_COST", 3)
        self.CONSOLE_ARGON2_MEMORY_KIB = _int("CONSOLE_ARGON2_MEMORY_KIB", 65536)
        # Redis broker: a task not acknowledged within this many seconds is delivered again
        # (keep it above the longest task; a worker killed mid-task is requeued at once).
        self.CELERY_VISIBILITY_TIMEOUT_SECONDS = _int("CELERY_VISIBILITY_TIMEOUT_SECONDS", 3600)
        self._messaging()

    def _messaging(self) -> None:
        """Bulk SMS, campaigns, subscriptions, billing and imports."""
        env = os.environ.get
        # Clients without a time zone of their own are in this one (IANA name).
        self.DEFAULT_TIMEZONE = env("DEFAULT_TIMEZONE", "Africa/Nairobi")
        self.SMS_BATCH_SIZE = _int("SMS_BATCH_SIZE", 100)  # recipients per gateway request
        # A message to more recipients than this is sent with AT's `enqueue` flag.
        self.SMS_ENQUEUE_THRESHOLD = _int("SMS_ENQUEUE_THRESHOLD", 100)
        # Sender id or short code per service (campaigns, forecasts, tips, billing, ...);
        # a service not listed uses AT_SMS_SENDER_ID.
        self.SMS_SENDER_IDS = _json("SMS_SENDER_IDS", {})
        self.SMS_ALLOW_INTERNATIONAL = _bool("SMS_ALLOW_INTERNATIONAL", False)
        self.MAX_SMS_TRY_LIMIT = _int("MAX_SMS_TRY_LIMIT", 3)
        self.SMS_RETRY_DELAY_SECONDS = _int("SMS_RETRY_DELAY_SECONDS", 300)
        # A row claimed by a send task that has not finished after this long is settled by
        # the next tick (the task's message was lost).
        self.SMS_SEND_LEASE_SECONDS = _int("SMS_SEND_LEASE_SECONDS", 3600)
        # The development backend: simulated delivery reports (Success, or Failed for the
        # numbers listed) and a simulated gateway latency per request.
        self.SMS_DEVELOPMENT_DELIVERY_REPORTS = _bool("SMS_DEVELOPMENT_DELIVERY_REPORTS", True)
        self.SMS_DEVELOPMENT_FAILURES = _json("SMS_DEVELOPMENT_FAILURES", [])
        # Numbers it refuses outright, with AT's statusCode: {"+254700000001": 500}.
        self.SMS_DEVELOPMENT_REJECTIONS = _json("SMS_DEVELOPMENT_REJECTIONS", {})
        self.SMS_DEVELOPMENT_LATENCY_SECONDS = _float("SMS_DEVELOPMENT_LATENCY_SECONDS", 0.0)
        # Incoming SMS: the first word of a message, per language, names what it asks for
        # (join / stop / help); the reply is in the keyword's language.
        self.SMS_KEYWORDS = _json("SMS_KEYWORDS", SMS_KEYWORDS)
        self.SMS_REPLIES = _json("SMS_REPLIES", SMS_REPLIES)
        # JOIN adds a subscription to this product (billed like an imported one); "" only
        # takes back an opt-out.
        self.SMS_JOIN_PRODUCT = env("SMS_JOIN_PRODUCT", "premium")
        # JOIN also starts the conversation offered on this SMS keyword (e.g. REGISTER for
        # farmer registration); "" starts none.
        self.SMS_JOIN_STARTS = env("SMS_JOIN_STARTS", "")
        # SMS conversations (definitions offered on SMS): an open one is forgotten after
        # this long without a reply; a question longer than SMS_CONVERSATION_MAX_CHARS
        # (2 GSM segments) sends its choices a page at a time (MORE).
        self.SMS_CONVERSATION_TTL_SECONDS = _int("SMS_CONVERSATION_TTL_SECONDS", 24 * 3600)
        self.SMS_CONVERSATION_MAX_CHARS = _int("SMS_CONVERSATION_MAX_CHARS", 306)
        # The daily statistics email (campaigns, messages, delivery rate, busiest hour):
        # when (crontab, UTC) and to whom (comma-separated addresses; none: not sent).
        self.STATS_EMAIL_SCHEDULE = env("STATS_EMAIL_SCHEDULE", "0 7 * * *")
        self.STATS_EMAIL_RECIPIENTS = [
            address.strip()
            for address in env("STATS_EMAIL_RECIPIENTS", "").split(",")
            if address.strip()
        ]
        # Periodic jobs, as crontab lines in UTC ("minute hour day month weekday").
        self.FORECAST_SMS_SCHEDULE = env("FORECAST_SMS_SCHEDULE", "0 4 * * *")
        self.TIPS_SMS_SCHEDULE = env("TIPS_SMS_SCHEDULE", "0 5 * * 1")
        # "development" records billing attempts; "http" posts to BILLING_URL.
        self.BILLING_BACKEND = env("BILLING_BACKEND", "development")
        self.BILLING_URL = env("BILLING_URL")
        self.BILLING_TOKEN = env("BILLING_TOKEN")
        self.BILLING_TIMEOUT_SECONDS = _float("BILLING_TIMEOUT_SECONDS", 10.0)
        self.MAX_BILLING_TRY_LIMIT = _int("MAX_BILLING_TRY_LIMIT", 3)
        self.BILLING_RETRY_DELAY_SECONDS = _int("BILLING_RETRY_DELAY_SECONDS", 600)
        # Numbers the development billing backend declines (to try the cancellation path).
        self.BILLING_DEVELOPMENT_DECLINES = _json("BILLING_DEVELOPMENT_DECLINES", [])
        self.IMPORT_MAX_BYTES = _int("IMPORT_MAX_BYTES", 20 * 1024 * 1024)
        self.IMPORT_RESULT_TTL_SECONDS = _int("IMPORT_RESULT_TTL_SECONDS", 7 * 24 * 3600)
