"""gunicorn settings for Sauti: `gunicorn` in this folder reads this file by default.

    .venv/bin/gunicorn                   # serves app:create_app() on 0.0.0.0:8000
    .venv/bin/gunicorn --access-logfile - --bind 127.0.0.1:8000

Settings come from the environment or `.env` (config.py loads it), as for `flask`. Before
any worker starts, the master checks them and stops, naming every missing one: the
secrets, and REDIS_URL when more than one worker would otherwise each keep its own
sessions in the embedded in-process store.
"""

import os
import sys

wsgi_app = "app:create_app()"
bind = ["0.0.0.0:8000"]
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# The app logs at LOG_LEVEL too, or at this level when LOG_LEVEL is unset.
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# Access logs are off unless asked for (--access-logfile -). The callback URLs carry the
# gateway's secret token, so the path logged is the app's copy with "<token>" in its place
# (app/logs.py), never the request line.
access_log_format = '%(h)s %(t)s "%(m)s %({sauti.path}e)s %(H)s" %(s)s %(b)s %(M)sms'


def on_starting(server: object) -> None:
    """Refuse to start, listing every problem with the settings, without a traceback; and
    keep the callback tokens out of gunicorn's own lines (at DEBUG they name the path)."""
    from app.logs import TokenFilter
    from app.settings import report, settings_problems
    from config import Config

    settings = vars(Config())
    problems = settings_problems(settings, multi_process=server.cfg.workers > 1)
    if problems:
        sys.exit(f"sauti: {report(problems)}")
    server.log.error_log.addFilter(TokenFilter(settings))
