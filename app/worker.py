"""The Celery worker's entry point: `celery -A app.worker worker` (and `beat`)."""

from app import create_app, scheduling  # noqa: F401 - scheduling.tick is a task
from app.campaigns import report as campaign_report  # noqa: F401 - each registers its tasks
from app.campaigns import tasks as campaign_tasks  # noqa: F401
from app.celery_app import celery_for
from app.hotline import tasks as hotline_tasks  # noqa: F401
from app.imports import tasks as import_tasks  # noqa: F401
from app.outbox import tasks  # noqa: F401
from app.sessions import tasks as session_tasks  # noqa: F401
from app.sms import tasks as sms_tasks  # noqa: F401
from app.subscriptions import tasks as subscription_tasks  # noqa: F401

flask_app = create_app()
celery = celery_for(flask_app)
