"""The Celery worker's entry point: `celery -A app.worker worker` (and `beat`)."""

from app import create_app
from app.celery_app import celery_for
from app.outbox import tasks  # noqa: F401 - registers the tasks with this worker
from app.sessions import tasks as session_tasks  # noqa: F401 - likewise

flask_app = create_app()
celery = celery_for(flask_app)
