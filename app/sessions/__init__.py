"""USSD session state: the signed plain-data state in Redis, its store and its manager."""

import fcntl
import os
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

import redis
from flask import Flask
from redis.backoff import NoBackoff
from redis.retry import Retry

from app.errors import ConfigurationError
from app.settings import report

# Held open for the life of a gunicorn worker that serves the embedded store.
_embedded_claim: IO[str] | None = None


def claim_embedded_store(instance_path: str) -> None:
    """Make sure no other process of this gunicorn server serves the embedded store.

    The in-process fakeredis is one store per process: two workers would each keep their
    own sessions and answer each other's hops wrongly. Under gunicorn (which sets
    SERVER_SOFTWARE) the first worker takes an exclusive lock on
    `instance/embedded-redis.lock`; any other worker refuses to start. Other processes
    (`flask run`, CLI commands, tests) each run their own sessions and are left alone.

    Raises:
        ConfigurationError: another live worker already serves the embedded store.
    """
    global _embedded_claim
    if _embedded_claim is not None or not os.environ.get("SERVER_SOFTWARE", "").startswith(
        "gunicorn/"
    ):
        return
    claim = (Path(instance_path) / "embedded-redis.lock").open("a+")
    try:
        fcntl.flock(claim, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        claim.close()
        raise ConfigurationError(
            report(
                [
                    "REDIS_URL is not set and another worker already serves the embedded "
                    "in-process store: each worker would keep its own sessions "
                    "(set REDIS_URL, or run one worker)"
                ]
            )
        ) from None
    _embedded_claim = claim


class EmbeddedRedis:
    """The embedded default, an in-process fakeredis, built on first use: commands that
    never touch a session (`flask menus ...`) skip importing it."""

    def __init__(self) -> None:
        self._client: Any = None

    def client(self) -> Any:
        if self._client is None:
            import fakeredis

            self._client = fakeredis.FakeRedis(server=fakeredis.FakeServer())
        return self._client

    def __getattr__(self, name: str) -> Any:
        return getattr(self.client(), name)

    def register_script(self, script: str) -> Callable[..., Any]:
        """A Lua script registered on the client when first run (SessionStore registers
        its scripts at start-up)."""
        registered: list[Any] = []

        def run(*args: Any, **kwargs: Any) -> Any:
            if not registered:
                registered.append(self.client().register_script(script))
            return registered[0](*args, **kwargs)

        return run


def make_redis(app: Flask) -> "redis.Redis | EmbeddedRedis":
    """A Redis client with short socket timeouts and a small, explicit retry budget.

    `REDIS_URL` unset means the embedded default: an in-process fakeredis, for one process
    only (see `claim_embedded_store`). A hung Redis costs a hop about
    `(REDIS_RETRIES + 1) * REDIS_SOCKET_TIMEOUT_SECONDS` per command.

    Raises:
        ConfigurationError: the embedded store would serve a second gunicorn worker.
    """
    url = app.config.get("REDIS_URL")
    if not url:
        claim_embedded_store(app.instance_path)
        return EmbeddedRedis()
    timeout = app.config["REDIS_SOCKET_TIMEOUT_SECONDS"]
    return redis.Redis.from_url(
        url,
        socket_timeout=timeout,
        socket_connect_timeout=timeout,
        retry=Retry(NoBackoff(), app.config["REDIS_RETRIES"]),
        health_check_interval=0,
    )


def init_app(app: Flask) -> None:
    """Attach the Redis client (`app.extensions["redis"]`) and the SessionStore on it."""
    from app.sessions.store import SessionStore

    config = app.config
    client = app.extensions["redis"] = make_redis(app)
    app.extensions["session_store"] = SessionStore(
        client,
        config["SESSION_SIGNING_KEY"],
        max(config["USSD_SESSION_TTL_SECONDS"], config["USSD_RESUME_WINDOW_SECONDS"]),
        config["USSD_LOCK_TTL_SECONDS"],
        config["USSD_LOCK_WAIT_SECONDS"],
    )
