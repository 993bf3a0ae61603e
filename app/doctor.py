"""`flask doctor`: every setting that is missing, unsafe or inconsistent for production.

It reads the settings as a server would (`config.Config`, the environment and `.env`) and
builds no app, so it runs even when the server would refuse to start: that is when it is
needed. Exit status 1 when anything is found, 0 when production-ready.
"""

import sys
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import click
from flask import Flask

from app.settings import REQUIRED_SECRETS, settings_problems

MIN_SECRET_CHARS = 24
# Values people leave in place from examples and tutorials.
PLACEHOLDERS = {"", "changeme", "change-me", "secret", "dev", "development", "test", "password"}
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


def unsafe(config: Mapping[str, Any], environ: Mapping[str, str]) -> list[str]:
    """Settings that work but expose callers or money: debug, weak secrets, no auth."""
    problems = []
    if environ.get("FLASK_DEBUG", "").lower() in {"1", "true", "yes"} or config.get("DEBUG"):
        problems.append("debug is on (FLASK_DEBUG/DEBUG): tracebacks and the debugger are exposed")
    values = {name: config.get(name) or "" for name in REQUIRED_SECRETS}
    for name, value in values.items():
        if value and (value.lower() in PLACEHOLDERS or len(value) < MIN_SECRET_CHARS):
            problems.append(f"{name} is weak: use at least {MIN_SECRET_CHARS} random characters")
    seen: dict[str, str] = {}
    for name, value in values.items():
        if value and value in seen:
            problems.append(f"{name} has the same value as {seen[value]}: give each its own")
        seen.setdefault(value, name)
    for name in ("REDIS_URL", "CELERY_BROKER_URL"):
        url = config.get(name)
        if url and not urlsplit(url).password:
            problems.append(f"{name} has no password: Redis must refuse unauthenticated clients")
    database = config.get("SQLALCHEMY_DATABASE_URI", "")
    if database.startswith("postgresql"):
        parts = urlsplit(database)
        if not parts.password and parts.hostname not in LOCAL_HOSTS | {None, ""}:
            problems.append("DATABASE_URL has no password for a remote PostgreSQL")
    if str(config.get("LOG_LEVEL") or "").upper() == "DEBUG":
        problems.append(
            "LOG_LEVEL is DEBUG: raw gateway forms (minus numbers and replies) are logged"
        )
    return problems


def inconsistent(config: Mapping[str, Any]) -> list[str]:
    """Settings that contradict each other, or a production server."""
    problems = []
    if config.get("SQLALCHEMY_DATABASE_URI", "").startswith("sqlite"):
        problems.append("DATABASE_URL is unset or SQLite: production needs PostgreSQL")
    if not config.get("CELERY_BROKER_URL"):
        problems.append("CELERY_BROKER_URL is not set: SMS and calls would be sent inside hops")
    for name in ("SMS_BACKEND", "AIRTIME_BACKEND"):
        backend = config.get(name)
        if backend == "development":
            problems.append(f"{name} is development: nothing is sent, only recorded")
        elif backend == "africastalking" and not config.get("AT_API_KEY"):
            problems.append(f"{name} is africastalking but AT_API_KEY is not set")
    if config.get("AT_API_KEY") and config.get("AT_USERNAME") == "sandbox":
        problems.append("AT_USERNAME is sandbox while AT_API_KEY is set: messages go nowhere")
    return problems


def diagnose(config: Mapping[str, Any], environ: Mapping[str, str]) -> list[str]:
    """Every problem, each line prefixed with its kind (missing / unsafe / inconsistent)."""
    found = [f"missing or misfit: {p}" for p in settings_problems(config, multi_process=True)]
    found += [f"unsafe: {p}" for p in unsafe(config, environ)]
    found += [f"inconsistent: {p}" for p in inconsistent(config)]
    return found


@click.command("doctor")
def doctor_command() -> None:
    """Check every setting for production; list each problem and exit 1 if any."""
    import os

    from config import Config

    problems = diagnose(vars(Config()), os.environ)
    for problem in problems:
        click.echo(problem)
    if problems:
        click.echo(f"{len(problems)} problem(s): fix them before serving callers", err=True)
        sys.exit(1)
    click.echo("settings are ready for production")


def doctor_app() -> Flask:
    """A bare app that only carries `flask doctor` (the real one may refuse to start)."""
    app = Flask("sauti-doctor")
    app.cli.add_command(doctor_command)
    return app
