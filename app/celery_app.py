"""Celery, bound to the Flask app: tasks run inside an app context.

With CELERY_BROKER_URL unset (the embedded default, and tests) tasks run eagerly,
in-process; with it set, on the Redis broker: JSON only, acknowledged after the task
(a worker that dies mid-task has its task delivered again), one task prefetched at a
time. Queues: `sms` (transactional: receipts through the outbox), `campaigns` (bulk sends:
campaigns, forecasts, tips) and `celery` (scheduling, imports, billing).
"""

from typing import TYPE_CHECKING

from flask import Flask, current_app

if TYPE_CHECKING:
    from celery import Celery, Task

# What a caller waits for (receipts through the outbox) on `sms`, bulk sends on
# `campaigns`, the rest (scheduling, imports, billing) on `celery`; compose.yaml runs the
# transactional workers on `celery,sms` and the bulk ones on `campaigns`.
QUEUES = ("celery", "sms", "campaigns")


def init_app(app: Flask) -> None:
    """Reserve `app.extensions["celery"]`; the instance is built by `celery_for` on first
    use, so commands that queue nothing (`flask menus`, a first `flask dial` screen) never
    import Celery."""
    app.extensions["celery"] = None


def celery_for(app: Flask) -> "Celery":
    """The app's Celery instance (`app.extensions["celery"]`), built on first use."""
    if app.extensions.get("celery") is None:
        app.extensions["celery"] = _build(app)
    return app.extensions["celery"]


def _build(app: Flask) -> "Celery":
    from celery import Celery, Task

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
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_ignore_result=True,
        broker_connection_retry_on_startup=True,
        broker_transport_options={
            "visibility_timeout": app.config["CELERY_VISIBILITY_TIMEOUT_SECONDS"]
        },
        task_routes={
            "app.outbox.tasks.deliver": {"queue": "sms"},
            "app.sms.tasks.send_batch": {"queue": "campaigns"},
        },
        beat_schedule={
            "outbox-sweep": {"task": "app.outbox.tasks.sweep", "schedule": 60.0},
            "prune-hop-outcomes": {
                "task": "app.sessions.tasks.prune_outcomes",
                "schedule": 3600.0,
            },
            "hotline-voicemails": {
                "task": "app.hotline.tasks.send_due_voicemails",
                "schedule": 60.0,
            },
            "hotline-reminders": {"task": "app.hotline.tasks.send_reminders", "schedule": 300.0},
            "tick": {"task": "app.scheduling.tick", "schedule": 60.0},
        },
    )
    celery.set_default()
    return celery


def enqueue(task: "Task", *args: object) -> None:
    """Run `task` with `args` on the broker, or right here without one (the embedded
    default): calling it skips Celery's eager tracing, which costs more than the work."""
    if celery_for(current_app._get_current_object()).conf.task_always_eager:
        task(*args)
    else:
        task.delay(*args)
