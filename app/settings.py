"""Start-up checks on settings: stop early, naming every variable to set or fix at once."""

import secrets
from collections.abc import Mapping
from typing import Any

from flask import Flask

from app.errors import ConfigurationError

REQUIRED_SECRETS = ("SECRET_KEY", "SESSION_SIGNING_KEY", "PIN_PEPPER", "AT_CALLBACK_TOKEN")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


def redis_command_seconds(config: Mapping[str, Any]) -> float:
    """The longest one Redis command can take before it fails: every try times out."""
    return config["REDIS_SOCKET_TIMEOUT_SECONDS"] * (config["REDIS_RETRIES"] + 1)


def timing_problems(config: Mapping[str, Any]) -> list[str]:
    """The waits inside a hop that do not fit together.

    A hop answers within USSD_HOP_BUDGET_SECONDS: waiting for the session's lock, then for
    one SQL lock, then one Redis command must fit in it, and so must one SQL statement
    after the lock wait. The hop lock's TTL must outlast a hop that uses its whole budget
    twice over, so it never expires under a live hop (a hop past its budget commits
    nothing, see SessionManager).
    """
    budget = config["USSD_HOP_BUDGET_SECONDS"]
    lock_wait = config["USSD_LOCK_WAIT_SECONDS"]
    sql_lock = config["DATABASE_LOCK_TIMEOUT_SECONDS"]
    statement = config["DATABASE_STATEMENT_TIMEOUT_SECONDS"]
    problems = []
    waits = lock_wait + sql_lock + redis_command_seconds(config)
    if waits > budget:
        problems.append(
            f"USSD_LOCK_WAIT_SECONDS ({lock_wait}) + DATABASE_LOCK_TIMEOUT_SECONDS ({sql_lock})"
            " + REDIS_SOCKET_TIMEOUT_SECONDS × (REDIS_RETRIES + 1) "
            f"({redis_command_seconds(config)}) must not exceed USSD_HOP_BUDGET_SECONDS ({budget})"
        )
    if lock_wait + statement > budget:
        problems.append(
            f"USSD_LOCK_WAIT_SECONDS ({lock_wait}) + DATABASE_STATEMENT_TIMEOUT_SECONDS "
            f"({statement}) must not exceed USSD_HOP_BUDGET_SECONDS ({budget})"
        )
    if config["USSD_LOCK_TTL_SECONDS"] < 2 * budget:
        problems.append(
            f"USSD_LOCK_TTL_SECONDS ({config['USSD_LOCK_TTL_SECONDS']}) must be at least twice "
            f"USSD_HOP_BUDGET_SECONDS ({budget})"
        )
    return problems


def settings_problems(config: Mapping[str, Any], multi_process: bool = False) -> list[str]:
    """Every problem with `config`, one line each (empty when it can start).

    Args:
        config: the settings (an app's config, or `vars(config.Config())`).
        multi_process: the server runs more than one process (e.g. gunicorn workers), so
            the embedded in-process Redis cannot hold the sessions.
    """
    problems = [f"{name} is not set" for name in REQUIRED_SECRETS if not config.get(name)]
    log_level = config.get("LOG_LEVEL")
    if log_level and str(log_level).upper() not in LOG_LEVELS:
        problems.append(f"LOG_LEVEL {log_level!r} must be one of {', '.join(LOG_LEVELS)}")
    if multi_process and not config.get("REDIS_URL"):
        problems.append(
            "REDIS_URL is not set: the embedded in-process store would give every worker "
            "its own sessions (set REDIS_URL, or run one worker)"
        )
    return problems + timing_problems(config)


def report(problems: list[str]) -> str:
    """The one message that names every problem."""
    lines = "\n".join(f"  - {problem}" for problem in problems)
    return f"cannot start; set these in the environment (or .env):\n{lines}"


def require_settings(app: Flask) -> None:
    """Outside debug and testing, every secret must be set; in any mode the waits inside a
    hop must fit its budget.

    In debug or testing a missing secret gets a random per-process value (sessions then
    do not survive a restart).

    Raises:
        ConfigurationError: naming every missing or misfitting variable at once.
    """
    if app.config.get("TESTING") or app.debug:
        for name in REQUIRED_SECRETS:
            if not app.config.get(name):
                app.config[name] = secrets.token_urlsafe(24)
                if name == "AT_CALLBACK_TOKEN":
                    app.logger.warning("AT_CALLBACK_TOKEN unset: set it in .env to know the URL")
    problems = settings_problems(app.config)
    if problems:
        raise ConfigurationError(report(problems))
