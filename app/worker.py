"""The Celery worker's entry point: `celery -A app.worker worker` (and `beat`)."""

from app import create_app
from app.hotline import tasks as hotline_tasks  # noqa: F401 - registers the tasks
from app.outbox import tasks  # noqa: F401 - registers the tasks with this worker

flask_app = create_app()
celery = flask_app.extensions["celery"]
