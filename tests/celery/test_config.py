"""Celery's settings: JSON only, late acks, one task at a time, separate queues."""

from app.celery_app import celery_for


def test_transactional_sms_and_campaign_sends_use_their_own_queues(app):
    router = celery_for(app).amqp.router
    assert router.route({}, "app.outbox.tasks.deliver")["queue"].name == "sms"
    assert router.route({}, "app.sms.tasks.send_batch")["queue"].name == "campaigns"
    conf = celery_for(app).conf
    assert conf.task_serializer == "json" and conf.accept_content == ["json"]
    assert conf.task_acks_late and conf.task_reject_on_worker_lost
    assert conf.worker_prefetch_multiplier == 1
