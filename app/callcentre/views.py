"""`GET /callcentre/status`: the queues, as JSON, for a wallboard."""

from flask import Blueprint, Response, jsonify

from app.callcentre.status import queue_status

bp = Blueprint("callcentre", __name__, url_prefix="/callcentre")


@bp.get("/status")
def status() -> Response:
    """Per queue: waiting callers (masked numbers, wait times), agents on a call.

    Returns:
        200 with `app.callcentre.status.queue_status()`'s shape.
    """
    return jsonify(queue_status())
