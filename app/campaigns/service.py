"""A campaign's life: create, change, pause, resume, cancel, delete; and the tick's part
(plan new campaigns, re-plan missed windows, start and finish). The API and the CLI both
call these."""

import logging
import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy import delete, exists, select, update

from app.campaigns import planner
from app.celery_app import enqueue
from app.errors import SautiError
from app.extensions import db
from app.models import Campaign, SmsRecipient
from app.models.base import utcnow
from app.sms.messages import message_for

log = logging.getLogger(__name__)

# What each action may start from.
ALLOWED = {
    "pause": ("scheduled", "running"),
    "resume": ("paused",),
    "cancel": ("scheduled", "running", "paused"),
}
# Fields that change who gets the campaign or when: changing one re-plans it.
PLAN_FIELDS = frozenset(
    {"message", "tag_filter", "operator_code_filter", "filters", "start_at", "finish_at"}
)


class CampaignStateError(SautiError):
    """The action does not apply in the campaign's status (e.g. resume a running one)."""


def create(values: Mapping[str, Any]) -> int:
    """Create a campaign (committed) and plan it.

    Args:
        values: `message` (template over `customer`), `tag_filter`, `operator_code_filter`,
            `filters`, `start_at`, `finish_at` (naive local wall-clock).

    Returns:
        the campaign's id.
    """
    fields = dict(values)
    message = message_for(
        f"campaign:{uuid.uuid4().hex}",
        "campaign",
        fields.pop("message"),
        current_app.config,
        templated=True,
    )
    campaign = Campaign(message_id=message.id, status="scheduled", **fields)
    db.session.add(campaign)
    db.session.flush()
    campaign_id = campaign.id
    db.session.commit()
    request_plan(campaign_id)
    return campaign_id


def update_campaign(campaign: Campaign, changes: Mapping[str, Any]) -> Campaign:
    """Apply `changes`; if they touch the audience, the times or the text of a campaign
    that is not over, rows not sent yet are planned again.

    Raises:
        CampaignStateError: the campaign is cancelled or finished.
    """
    if campaign.status in ("cancelled", "finished"):
        raise CampaignStateError(f"a {campaign.status} campaign cannot be changed")
    for name, value in changes.items():
        if name == "message":
            campaign.sms.text = value
        else:
            setattr(campaign, name, value)
    campaign.updated_at = utcnow()
    replan = bool(PLAN_FIELDS & set(changes))
    if replan:
        _drop_unsent(campaign, ("planned", "queued"))
        campaign.planned_at = None
    campaign_id = campaign.id
    db.session.commit()
    if replan:
        request_plan(campaign_id)
    return campaign


def act(campaign: Campaign, action: str) -> Campaign:
    """`pause`, `resume` or `cancel` the campaign.

    Raises:
        CampaignStateError: the action does not apply in the current status.
    """
    if campaign.status not in ALLOWED[action]:
        raise CampaignStateError(f"cannot {action} a {campaign.status} campaign")
    now = utcnow()
    if action == "pause":
        campaign.status = "paused"
    elif action == "resume":
        campaign.status = "scheduled"
        # Rows a send task had not claimed yet go back to the planner's hands.
        db.session.execute(
            update(SmsRecipient)
            .where(SmsRecipient.message_id == campaign.message_id, SmsRecipient.status == "queued")
            .values(status="planned", status_at=now)
        )
    else:
        campaign.status = "cancelled"
        _mark_unsent(campaign, "cancelled", now)
    campaign.updated_at = now
    db.session.commit()
    if action == "resume":
        planner.replan_missed(campaign, now, current_app.config["DEFAULT_TIMEZONE"])
    log.info("campaign %s: %s", campaign.id, action)
    return campaign


def remove(campaign: Campaign) -> None:
    """Delete the campaign; what was already sent stays on record under its message."""
    _mark_unsent(campaign, "cancelled", utcnow())
    db.session.delete(campaign)
    db.session.commit()


def _mark_unsent(campaign: Campaign, status: str, now: datetime) -> None:
    db.session.execute(
        update(SmsRecipient)
        .where(
            SmsRecipient.message_id == campaign.message_id,
            SmsRecipient.status.in_(("planned", "queued")),
        )
        .values(status=status, status_at=now)
    )


def _drop_unsent(campaign: Campaign, statuses: tuple[str, ...]) -> None:
    db.session.execute(
        delete(SmsRecipient).where(
            SmsRecipient.message_id == campaign.message_id, SmsRecipient.status.in_(statuses)
        )
    )


def request_plan(campaign_id: int) -> None:
    """Plan the campaign now (no broker) or in a task; the tick catches a lost one.

    Call it with no transaction open: without a broker the task runs here, in a session
    of its own (on SQLite an open transaction would hold the write lock it needs).
    """
    from app.campaigns.tasks import plan_campaign

    enqueue(plan_campaign, campaign_id)


def plan_due(campaign_id: int, now: datetime | None = None) -> int:
    """Plan one campaign if it still needs it (safe to run twice).

    Returns:
        how many rows were added.
    """
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None or campaign.planned_at is not None or campaign.status != "scheduled":
        db.session.rollback()
        return 0
    return planner.plan(campaign, now or utcnow(), current_app.config["DEFAULT_TIMEZONE"])


def advance(now: datetime) -> None:
    """The tick's part: plan campaigns not planned yet, re-plan missed windows, mark
    campaigns running once a row is due and finished once nothing is left to send."""
    zone = current_app.config["DEFAULT_TIMEZONE"]
    unplanned = select(Campaign.id).where(
        Campaign.status == "scheduled", Campaign.planned_at.is_(None)
    )
    for campaign_id in list(db.session.scalars(unplanned)):
        plan_due(campaign_id, now)
    active = select(Campaign).where(
        Campaign.status.in_(("scheduled", "running")), Campaign.planned_at.is_not(None)
    )
    for campaign in list(db.session.scalars(active)):
        planner.replan_missed(campaign, now, zone)
    rows = SmsRecipient.message_id == Campaign.message_id
    due = exists().where(rows, SmsRecipient.status != "planned")
    due_now = exists().where(rows, SmsRecipient.due_at <= now)
    pending = exists().where(rows, SmsRecipient.status.in_(("planned", "queued", "sending")))
    planned = Campaign.planned_at.is_not(None)
    db.session.execute(
        update(Campaign)
        .where(Campaign.status == "scheduled", planned, due | due_now)
        .values(status="running", updated_at=now)
    )
    db.session.execute(
        update(Campaign)
        .where(Campaign.status.in_(("scheduled", "running")), planned, ~pending)
        .values(status="finished", updated_at=now)
    )
    db.session.commit()
