"""`/api/v1/campaigns`: SMS campaigns in each client's local time, their life (pause,
resume, cancel) and statistics."""

from flask import Response
from spectree import Response as Responses
from sqlalchemy import func, select

from app.api import bp, error, spec
from app.api.schemas import (
    CampaignIn,
    CampaignOut,
    CampaignPage,
    CampaignPatch,
    CampaignQuery,
    CampaignStats,
    ErrorOut,
    dump,
)
from app.campaigns import service
from app.campaigns.stats import campaign_stats
from app.extensions import db
from app.models import Campaign, SmsRecipient
from app.models.base import utc

TAGS = ["campaigns"]


def campaign_out(campaign: Campaign) -> CampaignOut:
    """The API's view of a campaign (with how many recipient rows it has)."""
    recipients = db.session.scalar(
        select(func.count()).where(SmsRecipient.message_id == campaign.message_id)
    )
    return CampaignOut(
        id=campaign.id,
        message=campaign.message,
        tag_filter=campaign.tag_filter,
        operator_code_filter=campaign.operator_code_filter,
        filters=campaign.filters or {},
        start_at=campaign.start_at,
        finish_at=campaign.finish_at,
        status=campaign.status,
        recipients=recipients,
        created_at=utc(campaign.created_at),
    )


def _campaign(campaign_id: int) -> Campaign | Response:
    campaign = db.session.get(Campaign, campaign_id)
    return campaign if campaign is not None else error(404, f"no campaign {campaign_id}")


@bp.post("/campaigns")
@spec.validate(json=CampaignIn, resp=Responses(HTTP_201=CampaignOut), tags=TAGS)
def create_campaign(json: CampaignIn) -> tuple[CampaignOut, int]:
    """Create a campaign; its recipients are planned at once."""
    campaign_id = service.create(dump(json) | {"filters": json.filters})
    return campaign_out(db.session.get(Campaign, campaign_id)), 201


@bp.get("/campaigns")
@spec.validate(query=CampaignQuery, resp=Responses(HTTP_200=CampaignPage), tags=TAGS)
def list_campaigns(query: CampaignQuery) -> CampaignPage:
    """List campaigns, newest first, filtered by status or tag filter."""
    statement = select(Campaign)
    if query.status is not None:
        statement = statement.where(Campaign.status == query.status)
    if query.tag_filter is not None:
        statement = statement.where(Campaign.tag_filter == query.tag_filter)
    page = db.paginate(
        statement.order_by(Campaign.id.desc()),
        page=query.page,
        per_page=query.per_page,
        error_out=False,
    )
    return CampaignPage(
        items=[campaign_out(campaign) for campaign in page.items],
        page=query.page,
        per_page=query.per_page,
        total=page.total or 0,
    )


@bp.get("/campaigns/<int:campaign_id>")
@spec.validate(resp=Responses(HTTP_200=CampaignOut, HTTP_404=ErrorOut), tags=TAGS)
def read_campaign(campaign_id: int) -> CampaignOut | Response:
    """One campaign."""
    campaign = _campaign(campaign_id)
    return campaign if isinstance(campaign, Response) else campaign_out(campaign)


@bp.patch("/campaigns/<int:campaign_id>")
@spec.validate(
    json=CampaignPatch,
    resp=Responses(HTTP_200=CampaignOut, HTTP_404=ErrorOut, HTTP_409=ErrorOut),
    tags=TAGS,
)
def update_campaign(campaign_id: int, json: CampaignPatch) -> CampaignOut | Response:
    """Change a campaign (only the fields sent); messages not sent yet are planned again."""
    campaign = _campaign(campaign_id)
    if isinstance(campaign, Response):
        return campaign
    changes = dump(json)
    if (changes.get("finish_at") or campaign.finish_at) <= (
        changes.get("start_at") or campaign.start_at
    ):
        return error(422, "finish_at must be after start_at")
    try:
        service.update_campaign(campaign, changes)
    except service.CampaignStateError as err:
        db.session.rollback()
        return error(409, str(err))
    return campaign_out(db.session.get(Campaign, campaign_id))


@bp.delete("/campaigns/<int:campaign_id>")
@spec.validate(resp=Responses(HTTP_204=None, HTTP_404=ErrorOut), tags=TAGS)
def delete_campaign(campaign_id: int) -> Response:
    """Delete a campaign; messages not sent yet are cancelled."""
    campaign = _campaign(campaign_id)
    if isinstance(campaign, Response):
        return campaign
    service.remove(campaign)
    return Response(status=204)


def _act(campaign_id: int, action: str) -> CampaignOut | Response:
    campaign = _campaign(campaign_id)
    if isinstance(campaign, Response):
        return campaign
    try:
        service.act(campaign, action)
    except service.CampaignStateError as err:
        return error(409, str(err))
    return campaign_out(db.session.get(Campaign, campaign_id))


ACTION_RESPONSES = Responses(HTTP_200=CampaignOut, HTTP_404=ErrorOut, HTTP_409=ErrorOut)


@bp.post("/campaigns/<int:campaign_id>/pause")
@spec.validate(resp=ACTION_RESPONSES, tags=TAGS)
def pause_campaign(campaign_id: int) -> CampaignOut | Response:
    """Pause a scheduled or running campaign: nothing more is sent until it resumes."""
    return _act(campaign_id, "pause")


@bp.post("/campaigns/<int:campaign_id>/resume")
@spec.validate(resp=ACTION_RESPONSES, tags=TAGS)
def resume_campaign(campaign_id: int) -> CampaignOut | Response:
    """Resume a paused campaign; clients whose window closed meanwhile wait for their next
    window inside the campaign's."""
    return _act(campaign_id, "resume")


@bp.post("/campaigns/<int:campaign_id>/cancel")
@spec.validate(resp=ACTION_RESPONSES, tags=TAGS)
def cancel_campaign(campaign_id: int) -> CampaignOut | Response:
    """Cancel a campaign for good: messages not sent yet are cancelled."""
    return _act(campaign_id, "cancel")


@bp.get("/campaigns/<int:campaign_id>/stats")
@spec.validate(resp=Responses(HTTP_200=CampaignStats, HTTP_404=ErrorOut), tags=TAGS)
def campaign_statistics(campaign_id: int) -> CampaignStats | Response:
    """Counts of the campaign's messages by status, and by the UTC hour they were sent."""
    campaign = _campaign(campaign_id)
    if isinstance(campaign, Response):
        return campaign
    return CampaignStats(**campaign_stats(campaign))
