"""Delivery reports: the gateway's word on each message, applied so that a report that
arrives late or twice never moves a message's status backwards."""

import logging
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import update

from app.errors import GatewayRequestError
from app.extensions import db
from app.models import SmsRecipient
from app.models.base import utcnow
from app.models.sms import DELIVERY_FINAL_STATUSES, INTERIM_STATUSES, PENDING_STATUSES

log = logging.getLogger(__name__)

# Africa's Talking's `status` words (SMS "Delivery reports"): Sent, Submitted and Buffered
# are interim; Success (on the handset), Rejected, Failed, AbsentSubscriber and Expired
# are final.
AT_STATUSES = {
    "Sent": "sent",
    "Submitted": "submitted",
    "Buffered": "buffered",
    "Success": "success",
    "Rejected": "rejected",
    "Failed": "failed",
    "AbsentSubscriber": "absent_subscriber",
    "Expired": "expired",
}
# How far along each status is: a report only moves a row to a higher rank, so an
# interim report after a final one, or a second final one, changes nothing.
RANK = {
    **dict.fromkeys(PENDING_STATUSES, 0),
    **{status: rank for rank, status in enumerate(INTERIM_STATUSES, start=1)},
    **dict.fromkeys(DELIVERY_FINAL_STATUSES, 9),
}


@dataclass(frozen=True)
class DeliveryReport:
    """One delivery report.

    Attributes:
        gateway_id: the gateway's messageId (AT `id`).
        status: ours ("success", "failed", ...), from AT_STATUSES.
        msisdn: the recipient (AT `phoneNumber`).
        network_code: AT `networkCode`, or None.
        failure_reason: AT `failureReason` (Rejected / Failed only), or None.
        retry_count: AT `retryCount` (premium only), or None.
    """

    gateway_id: str
    status: str
    msisdn: str
    network_code: str | None = None
    failure_reason: str | None = None
    retry_count: int | None = None


def parse_at_report(form: Mapping[str, str]) -> DeliveryReport:
    """Read an Africa's Talking delivery report.

    Args:
        form: the callback's form: `id`, `status`, `phoneNumber` (required),
            `networkCode`, `failureReason`, `retryCount` (optional).

    Raises:
        GatewayRequestError: a required field is missing, or `status` / `retryCount` has
            a value AT does not send; the message names the field.

    Source: Africa's Talking SMS API, "Delivery reports" (POST form).
    """
    for field in ("id", "status", "phoneNumber"):
        if not form.get(field, "").strip():
            raise GatewayRequestError(f"missing field: {field}")
    status = AT_STATUSES.get(form["status"].strip())
    if status is None:
        raise GatewayRequestError(f"unknown value for field status: {form['status'][:40]!r}")
    retry_count = form.get("retryCount", "").strip()
    if retry_count and not retry_count.isdigit():
        raise GatewayRequestError("field retryCount must be a whole number")
    return DeliveryReport(
        gateway_id=form["id"].strip(),
        status=status,
        msisdn=form["phoneNumber"].strip(),
        network_code=form.get("networkCode", "").strip() or None,
        failure_reason=form.get("failureReason", "").strip()[:60] or None,
        retry_count=int(retry_count) if retry_count else None,
    )


def apply_report(report: DeliveryReport) -> bool:
    """Record a report on its message row, in one conditional UPDATE (safe under races).

    Returns:
        True when the row moved on; False for an unknown message id, or a report that
        would move the status backwards (or repeat it).
    """
    moved = apply_reports([report]) > 0
    if not moved:
        log.info("delivery report %s for %s changed nothing", report.status, report.gateway_id)
    return moved


def apply_reports(reports: list[DeliveryReport]) -> int:
    """Apply many reports: one conditional UPDATE per distinct outcome, one commit.

    Returns:
        how many rows moved on.
    """
    groups: dict[tuple, list[str]] = {}
    for report in reports:
        outcome = (report.status, report.failure_reason, report.network_code, report.retry_count)
        groups.setdefault(outcome, []).append(report.gateway_id)
    moved = 0
    for (status, failure_reason, network_code, retry_count), gateway_ids in groups.items():
        behind = [old for old, rank in RANK.items() if rank < RANK[status]]
        result = db.session.execute(
            update(SmsRecipient)
            .where(SmsRecipient.gateway_id.in_(gateway_ids), SmsRecipient.status.in_(behind))
            .values(
                status=status,
                failure_reason=failure_reason,
                network_code=network_code,
                retry_count=retry_count,
                status_at=utcnow(),
            )
        )
        moved += result.rowcount
    db.session.commit()
    return moved
