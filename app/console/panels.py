"""The operations page's panels for voice calls and call-centre queues, the hotline,
campaigns and imports. Every figure comes from the owning part's own functions (the
call-centre status, campaign statistics, import status) and every change goes through
the service functions the CLI and the API call (`app.hotline.admin`,
`app.campaigns.service`): no rule lives here. Live panels poll with htmx.
"""

from datetime import UTC, datetime
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from app.callcentre.status import queue_status
from app.campaigns import service as campaigns
from app.campaigns.stats import campaign_stats
from app.console import bp
from app.console.operations import Panel, register_panel
from app.console.security import PERMISSIONS, requires
from app.errors import InputError
from app.extensions import db
from app.hotline import admin as hotline
from app.hotline.schedule import WEEKDAYS, day_label, hours_label, on_shift_at
from app.imports import service as imports
from app.models import Call, Campaign, ImportJob, Shift, Volunteer, VolunteerGroup

LATEST = 20
POLL_SECONDS = 5


def calls_data() -> dict[str, Any]:
    """Calls in progress, the latest calls, and each call-centre queue's status."""
    live = select(Call).where(Call.ended_at.is_(None)).order_by(Call.started_at.desc())
    latest = select(Call).order_by(Call.id.desc()).limit(LATEST)
    return {
        "in_progress": list(db.session.scalars(live.limit(LATEST))),
        "calls": list(db.session.scalars(latest)),
        "queues": queue_status()["queues"],
    }


def hotline_data() -> dict[str, Any]:
    """Groups (with who is on shift now), volunteers and shifts."""
    groups = list(db.session.scalars(select(VolunteerGroup).order_by(VolunteerGroup.name)))
    now = datetime.now(UTC)
    shifts = select(Shift).order_by(
        Shift.on_date.is_not(None), Shift.on_date, Shift.weekday, Shift.start_time, Shift.id
    )
    return {
        "groups": [(group, on_shift_at(group, now)) for group in groups],
        "volunteers": list(db.session.scalars(select(Volunteer).order_by(Volunteer.name))),
        "shifts": [
            (shift, day_label(shift), hours_label(shift)) for shift in db.session.scalars(shifts)
        ],
        "weekdays": WEEKDAYS,
    }


def campaigns_data() -> dict[str, Any]:
    """The latest campaigns with their statistics and the actions open to each."""
    rows = db.session.scalars(select(Campaign).order_by(Campaign.id.desc()).limit(LATEST))
    return {
        "campaigns": [
            (
                campaign,
                campaign_stats(campaign),
                [a for a, allowed in campaigns.ALLOWED.items() if campaign.status in allowed],
            )
            for campaign in rows
        ]
    }


def imports_data() -> dict[str, Any]:
    """The latest imports with their progress."""
    jobs = db.session.scalars(select(ImportJob).order_by(ImportJob.created_at.desc()).limit(LATEST))
    return {"imports": [imports.status(job) | {"created_at": job.created_at} for job in jobs]}


# name -> the panel; the name is also the live fragment's URL part.
LIVE = {
    "calls": Panel("Calls and call-centre queues", "console/panels/calls.html", calls_data),
    "hotline": Panel(
        "Hotline groups, volunteers and shifts", "console/panels/hotline.html", hotline_data
    ),
    "campaigns": Panel("Campaigns", "console/panels/campaigns.html", campaigns_data),
    "imports": Panel("Imports", "console/panels/imports.html", imports_data),
}
for _panel in LIVE.values():
    register_panel(_panel)


@bp.get("/operations/live/<name>")
@requires(*PERMISSIONS["operations"])
def operations_live(name: str) -> str:
    """One panel's content again, for htmx polling."""
    panel = LIVE.get(name)
    if panel is None:
        abort(404)
    return render_template(panel.template, data=panel.load(), poll_seconds=POLL_SECONDS)


def _back() -> Any:
    return redirect(url_for("console.operations") + request.form.get("anchor", ""))


def _commit_or_flash(done: str) -> None:
    """Commit what a service function did, or roll back and say why."""
    db.session.commit()
    flash(done, "info")


@bp.post("/operations/hotline/volunteers")
@requires(*PERMISSIONS["operations"])
def operations_volunteer_add() -> Any:
    """Add a volunteer (as `flask hotline volunteer add`)."""
    form = request.form
    try:
        volunteer = hotline.add_volunteer(
            form.get("name", ""), form.get("phone", ""), form.get("email", "")
        )
    except InputError as err:
        db.session.rollback()
        flash(str(err), "error")
    else:
        _commit_or_flash(f"Added volunteer {volunteer.name}.")
    return redirect(url_for("console.operations") + "#hotline")


@bp.post("/operations/hotline/volunteers/<int:volunteer_id>/remove")
@requires(*PERMISSIONS["operations"])
def operations_volunteer_remove(volunteer_id: int) -> Any:
    """Remove a volunteer and their shifts (as `flask hotline volunteer remove`)."""
    try:
        volunteer = hotline.find_volunteer(volunteer_id)
        name, shifts = volunteer.name, hotline.remove_volunteer(volunteer)
    except InputError as err:
        db.session.rollback()
        flash(str(err), "error")
    else:
        _commit_or_flash(f"Removed volunteer {name} and {shifts} shifts.")
    return redirect(url_for("console.operations") + "#hotline")


@bp.post("/operations/hotline/shifts")
@requires(*PERMISSIONS["operations"])
def operations_shift_add() -> Any:
    """Add a shift (as `flask hotline shift add`)."""
    form = request.form
    try:
        shift = hotline.add_shift(
            form.get("group", ""),
            form.get("volunteer", ""),
            form.get("day", ""),
            form.get("start", ""),
            form.get("end", ""),
        )
    except InputError as err:
        db.session.rollback()
        flash(str(err), "error")
    else:
        done = f"Added a shift: {shift.volunteer.name}, {day_label(shift)} {hours_label(shift)}."
        _commit_or_flash(done)
    return redirect(url_for("console.operations") + "#hotline")


@bp.post("/operations/hotline/shifts/<int:shift_id>/remove")
@requires(*PERMISSIONS["operations"])
def operations_shift_remove(shift_id: int) -> Any:
    """Remove one shift (as `flask hotline shift remove`)."""
    try:
        hotline.remove_shift(shift_id)
    except InputError as err:
        db.session.rollback()
        flash(str(err), "error")
    else:
        _commit_or_flash(f"Removed shift {shift_id}.")
    return redirect(url_for("console.operations") + "#hotline")


@bp.post("/operations/campaigns/<int:campaign_id>/<action>")
@requires(*PERMISSIONS["operations"])
def operations_campaign_act(campaign_id: int, action: str) -> Any:
    """Pause, resume or cancel a campaign (as the API and `flask campaigns` do)."""
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None or action not in campaigns.ALLOWED:
        abort(404)
    try:
        campaigns.act(campaign, action)
    except campaigns.CampaignStateError as err:
        db.session.rollback()
        flash(str(err), "error")
    else:
        flash(f"Campaign {campaign_id}: {campaign.status}.", "info")
    return redirect(url_for("console.operations") + "#campaigns")
