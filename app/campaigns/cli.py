"""`flask campaigns ...`: list campaigns, pause / resume / cancel one, show its stats."""

import json

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from app.campaigns import service
from app.campaigns.stats import campaign_stats
from app.extensions import db
from app.models import Campaign


@click.group("campaigns")
def campaigns_cli() -> None:
    """SMS campaigns in each client's local time."""


def _campaign(campaign_id: int) -> Campaign:
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None:
        raise click.UsageError(f"no campaign {campaign_id}")
    return campaign


@campaigns_cli.command("list")
@with_appcontext
def list_campaigns() -> None:
    """Every campaign: id, status, local start -> finish, and the message."""
    for campaign in db.session.scalars(select(Campaign).order_by(Campaign.id)):
        click.echo(
            f"{campaign.id:4d} {campaign.status:10} {campaign.start_at:%Y-%m-%d %H:%M} -> "
            f"{campaign.finish_at:%Y-%m-%d %H:%M}  {campaign.message[:60]}"
        )


def _action(action: str) -> click.Command:
    @click.argument("campaign_id", type=int)
    @with_appcontext
    def command(campaign_id: int) -> None:
        try:
            campaign = service.act(_campaign(campaign_id), action)
        except service.CampaignStateError as err:
            raise click.UsageError(str(err)) from err
        click.echo(f"campaign {campaign.id}: {campaign.status}")

    command.__doc__ = f"{action.capitalize()} campaign CAMPAIGN_ID."
    return campaigns_cli.command(action)(command)


for _name in service.ALLOWED:
    _action(_name)


@campaigns_cli.command("stats")
@click.argument("campaign_id", type=int)
@with_appcontext
def stats(campaign_id: int) -> None:
    """Counts by status and by hour sent, as JSON (as GET /api/v1/campaigns/ID/stats)."""
    click.echo(json.dumps(campaign_stats(_campaign(campaign_id)), indent=2))
