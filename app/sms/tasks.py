"""Celery tasks for bulk SMS (queue `campaigns`)."""

import uuid

from celery import shared_task

from app.sms import sending


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True)
def send_batch(self, ids: list[int]) -> dict[str, int]:  # noqa: ANN001 - the bound task
    """Send the recipient rows `ids` (see `app.sms.sending.send_batch`).

    The task id is the claim's owner: a redelivered task (its worker was killed) settles
    the rows it had claimed before sending the rest.
    """
    task_id = self.request.id or f"local-{uuid.uuid4().hex}"
    return sending.send_batch(ids, task_id)
