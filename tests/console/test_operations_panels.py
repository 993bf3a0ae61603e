"""The operations panels: calls and call-centre queues, the hotline (edited through the
hotline's admin functions), campaigns (paused and resumed through the campaign service),
imports with their progress; each live panel is polled by htmx."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.callcentre import queue
from app.callcentre.demo import QUEUE_NUMBER, seed_callcentre
from app.extensions import db
from app.hotline.demo import seed_hotline
from app.models import CallQueue, Campaign, Shift, Volunteer
from app.seed import demo_msisdn
from app.seed_messaging import seed_campaign, seed_clients


@pytest.fixture
def busy(console_app):
    """The demo hotline and call centre, a caller waiting 95 s, and the demo campaign."""
    with console_app.app_context():
        seed_hotline()
        seed_callcentre(demo_msisdn)
        queue_id = db.session.scalar(select(CallQueue.id).where(CallQueue.number == QUEUE_NUMBER))
        at = datetime.now(UTC) - timedelta(seconds=95)
        queue.enqueue(queue_id, "+254711000003", "africastalking", "ATVId_waiting", at=at)
        seed_clients()
        seed_campaign()
        db.session.commit()
    return console_app


def test_queues_show_waiting_callers_masked_with_their_wait(as_role, busy):
    page = as_role("operator").get("/console/operations").get_data(as_text=True)
    assert "+254711000003" not in page
    queue_panel = page.split('id="panel-calls"')[1]
    assert "ishamba" in queue_panel and "1 waiting" in queue_panel
    assert re.search(r"<td>\+2547\*+003</td><td>(9[5-9]|1\d\d) s</td>", queue_panel)
    assert 'hx-get="/console/operations/live/calls"' in page
    assert 'hx-trigger="every 5s"' in page


def test_live_fragments_answer_polling(as_role, busy):
    console = as_role("operator")
    for name, marker in (("calls", "1 waiting"), ("campaigns", "farmers"), ("imports", "imports")):
        response = console.get(f"/console/operations/live/{name}")
        assert response.status_code == 200 and marker in response.get_data(as_text=True)
        assert "<html" not in response.get_data(as_text=True)
    assert console.get("/console/operations/live/nothing").status_code == 404


def test_designers_see_no_operations_panel(as_role, busy):
    assert as_role("designer").get("/console/operations/live/calls").status_code == 403
    response = as_role("designer").post("/console/operations/hotline/volunteers", data={})
    assert response.status_code == 403


def test_volunteers_and_shifts_are_added_and_removed(as_role, busy):
    console = as_role("operator")
    form = {"name": "Neema", "phone": "0722555001", "email": "neema@example.org"}
    response = console.post("/console/operations/hotline/volunteers", data=form)
    assert response.status_code == 302
    page = console.get("/console/operations").get_data(as_text=True)
    assert "Added volunteer Neema." in page and "Neema" in page
    with busy.app_context():
        neema = db.session.scalar(select(Volunteer).where(Volunteer.name == "Neema"))
        assert neema.phone == "+254722555001"
        shifts_before = db.session.scalar(select(func.count()).select_from(Shift))
    form = {"group": "1", "volunteer": str(neema.id), "day": "Monday", "start": "22:00", "end": "6"}
    console.post("/console/operations/hotline/shifts", data=form)
    page = console.get("/console/operations").get_data(as_text=True)
    assert "Added a shift: Neema, Monday 22:00–06:00 (+1 day)." in page
    with busy.app_context():
        shift = db.session.scalar(select(Shift).where(Shift.volunteer_id == neema.id))
    console.post(f"/console/operations/hotline/shifts/{shift.id}/remove")
    console.post(f"/console/operations/hotline/volunteers/{neema.id}/remove")
    with busy.app_context():
        assert db.session.get(Volunteer, neema.id) is None
        assert db.session.scalar(select(func.count()).select_from(Shift)) == shifts_before


def test_the_hotlines_own_checks_name_the_field(as_role, busy):
    console = as_role("operator")
    console.post("/console/operations/hotline/volunteers", data={"name": "X", "phone": "12"})
    form = {"group": "1", "volunteer": "1", "day": "Someday", "start": "9", "end": "17"}
    console.post("/console/operations/hotline/shifts", data=form)
    page = console.get("/console/operations").get_data(as_text=True)
    assert "phone:" in page and "day:" in page
    console.post("/console/operations/hotline/shifts/99999/remove")
    assert "shift: no shift 99999" in console.get("/console/operations").get_data(as_text=True)


def test_campaigns_show_statistics_and_pause_and_resume(as_role, busy):
    console = as_role("operator")
    with busy.app_context():
        campaign = db.session.scalar(select(Campaign))
        campaign_id = campaign.id
    page = console.get("/console/operations").get_data(as_text=True)
    row = page.split(f'id="campaign-{campaign_id}"')[1].split("</tr>")[0]
    assert "scheduled" in row and "farmers" in row and f'id="campaign-{campaign_id}-pause"' in row
    assert '<span class="badge">planned 6</span>' in row  # the demo's six farmers
    console.post(f"/console/operations/campaigns/{campaign_id}/pause")
    with busy.app_context():
        assert db.session.get(Campaign, campaign_id).status == "paused"
    console.post(f"/console/operations/campaigns/{campaign_id}/pause")
    assert "cannot pause a paused campaign" in console.get("/console/operations").get_data(
        as_text=True
    )
    console.post(f"/console/operations/campaigns/{campaign_id}/resume")
    with busy.app_context():
        assert db.session.get(Campaign, campaign_id).status == "scheduled"


def test_imports_show_their_progress(as_role, busy, tmp_path):
    path = tmp_path / "cancel.csv"
    path.write_text("phone_number\n+254711100001\nnot a number\n")
    result = busy.test_cli_runner().invoke(args=["imports", "load", "cancellations", str(path)])
    assert result.exit_code == 0, result.output
    html = as_role("operator").get("/console/operations/live/imports").get_data(as_text=True)
    assert "cancellations" in html and "SUCCESS" in html
    assert re.search(r'<progress class="progress-bar" value="2" max="2">', html)
