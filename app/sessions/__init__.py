"""USSD session state: the signed plain-data state in Redis, its store and its manager."""

from collections.abc import Callable
from typing import Any

import redis
from flask import Flask
from redis.backoff import NoBackoff
from redis.retry import Retry


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

    `REDIS_URL` unset means the embedded default: an in-process fakeredis. A hung Redis then
    costs a hop about `(REDIS_RETRIES + 1) * REDIS_SOCKET_TIMEOUT_SECONDS` per command.
    """
    url = app.config.get("REDIS_URL")
    if not url:
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
