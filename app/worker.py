"""The Celery worker's entry point: `celery -A app.worker worker` (and `beat`)."""

from app import create_app

flask_app = create_app()
celery = flask_app.extensions["celery"]
