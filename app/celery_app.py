"""Celery, bound to the Flask app: tasks run inside an app context.

With CELERY_BROKER_URL unset (the embedded default, and tests) tasks run eagerly,
in-process; with it set, on the Redis broker with JSON and late acks.
"""

from celery import Celery, Task
from flask import Flask


def init_app(app: Flask) -> Celery:
    """Create the app's Celery instance as `app.extensions["celery"]`."""

    class FlaskTask(Task):
        def __call__(self, *args: object, **kwargs: object) -> object:
            with app.app_context():
                return self.run(*args, **kwargs)

    broker = app.config.get("CELERY_BROKER_URL")
    celery = Celery(app.name, task_cls=FlaskTask)
    celery.conf.update(
        broker_url=broker or "memory://localhost/",
        task_always_eager=not broker,
        task_eager_propagates=True,
        task_serializer="json",
        accept_content=["json"],
        result_serializer="json",
        task_acks_late=True,
        task_ignore_result=True,
        broker_connection_retry_on_startup=True,
        beat_schedule={
            "outbox-sweep": {"task": "app.outbox.tasks.sweep", "schedule": 60.0},
            "hotline-voicemails": {
                "task": "app.hotline.tasks.send_due_voicemails",
                "schedule": 60.0,
            },
            "hotline-reminders": {"task": "app.hotline.tasks.send_reminders", "schedule": 300.0},
        },
    )
    celery.set_default()
    app.extensions["celery"] = celery
    return celery
