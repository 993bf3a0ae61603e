"""USSD session state: the signed plain-data state in Redis, its store and its manager."""

import fcntl
import os
import time
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


class BreakerRedis(redis.Redis):
    """A Redis client that, once a command timed out or could not connect, fails every
    command at once for `breaker_seconds` (then lets the next one try again).

    A hung Redis would otherwise cost every hop the whole timeout budget, and hops queued
    behind it on a sync worker pile that up: with the breaker open they get their polite
    END in microseconds, and the first hop after it closes finds out if Redis is back.
    """

    breaker_seconds: float = 0.0
    _open_until: float = 0.0

    def close_breaker(self) -> None:
        """Let the next command try Redis again (an operator's command, a test's teardown)."""
        self._open_until = 0.0

    def execute_command(self, *args: Any, **options: Any) -> Any:
        """Run a command, unless the breaker is open.

        Raises:
            redis.ConnectionError: the breaker is open (Redis failed moments ago).
        """
        if self.breaker_seconds and time.monotonic() < self._open_until:
            raise redis.ConnectionError("Redis failed moments ago; not retried yet")
        try:
            return super().execute_command(*args, **options)
        except (redis.ConnectionError, redis.TimeoutError):
            self._open_until = time.monotonic() + self.breaker_seconds
            raise


def make_redis(app: Flask) -> "redis.Redis | EmbeddedRedis":
    """A Redis client with short socket timeouts and a small, explicit retry budget.

    `REDIS_URL` unset means the embedded default: an in-process fakeredis, for one process
    only (see `claim_embedded_store`). A hung Redis costs a hop about
    `(REDIS_RETRIES + 1) * REDIS_SOCKET_TIMEOUT_SECONDS` for its first command; the hops
    after it, for REDIS_BREAKER_SECONDS, fail at once (`BreakerRedis`).

    Raises:
        ConfigurationError: the embedded store would serve a second gunicorn worker.
    """
    url = app.config.get("REDIS_URL")
    if not url:
        claim_embedded_store(app.instance_path)
        return EmbeddedRedis()
    timeout = app.config["REDIS_SOCKET_TIMEOUT_SECONDS"]
    client = BreakerRedis.from_url(
        url,
        socket_timeout=timeout,
        socket_connect_timeout=timeout,
        retry=Retry(NoBackoff(), app.config["REDIS_RETRIES"]),
        health_check_interval=0,
    )
    client.breaker_seconds = app.config["REDIS_BREAKER_SECONDS"]
    return client


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
