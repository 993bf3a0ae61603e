"""USSD session state: the signed plain-data state in Redis, its store and its manager."""

import fakeredis
import redis
from flask import Flask
from redis.backoff import NoBackoff
from redis.retry import Retry


def make_redis(app: Flask) -> redis.Redis:
    """A Redis client with short socket timeouts and a small, explicit retry budget.

    `REDIS_URL` unset means the embedded default: an in-process fakeredis. A hung Redis then
    costs a hop about `(REDIS_RETRIES + 1) * REDIS_SOCKET_TIMEOUT_SECONDS` per command.
    """
    url = app.config.get("REDIS_URL")
    if not url:
        return fakeredis.FakeRedis(server=fakeredis.FakeServer())
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
