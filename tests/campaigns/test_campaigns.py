"""Campaigns through the API and the every-minute tick, in each client's local time."""

from datetime import UTC, datetime, time

import pytest
import time_machine
from sqlalchemy import func, select

from app.extensions import db
from app.models import Campaign, Customer, SmsRecipient
from app.scheduling import run_tick
from app.sms import optout
from tests.sms import recorded, statuses

ZONES = {
    "+254711000501": ("Africa/Nairobi", None, None),  # UTC+3
    "+254711000502": ("Europe/London", None, None),  # UTC+0
    "+254711000503": ("America/New_York", None, None),  # UTC-5
    "+254711000504": ("Asia/Tokyo", time(10), time(11)),  # UTC+9, window 10-11
    "+254711000505": ("Europe/London", time(13), time(15)),  # window misses the campaign
}
CAMPAIGN = {
    "message": "Hello {{ customer.name }}",
    "tag_filter": "farmers",
    "start_at": "2026-12-01T09:00:00",
    "finish_at": "2026-12-01T12:00:00",
}


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def clients(app):
    with app.app_context():
        for n, (msisdn, (zone, start, end)) in enumerate(ZONES.items()):
            db.session.add(
                Customer(
                    msisdn=msisdn,
                    name=f"Client {n}",
                    tag="farmers",
                    timezone=zone,
                    notify_from=start,
                    notify_to=end,
                    fields={"county": "Kiambu" if n % 2 else "Nakuru"},
                    tags=[],
                )
            )
        db.session.add(Customer(msisdn="+254711000599", tag="traders", fields={}, tags=[]))
        db.session.commit()
    return list(ZONES)


def tick(app, *moment) -> list[str]:
    """Run the tick at a UTC moment; return the numbers that got an SMS since the last."""
    before = len(recorded(app))
    with time_machine.travel(utc(*moment), tick=False), app.app_context():
        run_tick()
    return sorted(msisdn for msisdn, _ in recorded(app)[before:])


def test_each_client_gets_it_in_their_own_time(api, clients):
    app = api.app
    with time_machine.travel(utc(2026, 11, 30, 12), tick=False):
        created = api.post("/campaigns", json=CAMPAIGN)
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert (body["status"], body["recipients"]) == ("scheduled", 4)
    assert tick(app, 2026, 12, 1, 0, 0) == []  # Tokyo 09:00, but its window opens at 10:00
    assert tick(app, 2026, 12, 1, 1, 0) == ["+254711000504"]  # Tokyo 10:00
    assert tick(app, 2026, 12, 1, 6, 0) == ["+254711000501"]  # Nairobi 09:00
    assert tick(app, 2026, 12, 1, 9, 0) == ["+254711000502"]  # London 09:00
    assert tick(app, 2026, 12, 1, 13, 59) == []
    assert tick(app, 2026, 12, 1, 14, 0) == ["+254711000503"]  # New York 09:00
    assert ("+254711000501", "Hello Client 0") in recorded(app)
    assert "+254711000505" not in statuses(app)  # its window never meets the campaign's
    tick(app, 2026, 12, 1, 18, 0)
    assert api.get(f"/campaigns/{body['id']}").get_json()["status"] == "finished"


def test_pause_resume_and_cancel(api, clients):
    app = api.app
    with time_machine.travel(utc(2026, 11, 30, 12), tick=False):
        campaign_id = api.post("/campaigns", json=CAMPAIGN).get_json()["id"]
    assert api.post(f"/campaigns/{campaign_id}/pause").get_json()["status"] == "paused"
    assert tick(app, 2026, 12, 1, 6, 0) == []  # Nairobi is due, but the campaign is paused
    assert api.post(f"/campaigns/{campaign_id}/pause").status_code == 409
    with time_machine.travel(utc(2026, 12, 1, 6, 0, 30), tick=False):
        assert api.post(f"/campaigns/{campaign_id}/resume").status_code == 200
    assert tick(app, 2026, 12, 1, 6, 1) == ["+254711000501"]
    assert api.post(f"/campaigns/{campaign_id}/cancel").get_json()["status"] == "cancelled"
    assert tick(app, 2026, 12, 1, 9, 0) == []
    assert statuses(app) == {
        "+254711000501": "success",
        "+254711000502": "cancelled",
        "+254711000503": "cancelled",
        "+254711000504": "missed",  # Tokyo's window (01:00-02:00 UTC) passed while paused
    }


def test_a_window_missed_while_paused_is_not_sent_late(api, clients):
    app = api.app
    with time_machine.travel(utc(2026, 11, 30, 12), tick=False):
        campaign_id = api.post("/campaigns", json=CAMPAIGN).get_json()["id"]
    api.post(f"/campaigns/{campaign_id}/pause")
    with time_machine.travel(utc(2026, 12, 1, 10), tick=False):
        api.post(f"/campaigns/{campaign_id}/resume")  # Nairobi's 09:00-12:00 (06-09Z) is over
    assert tick(app, 2026, 12, 1, 10, 0) == ["+254711000502"]  # London still in its window
    assert statuses(app)["+254711000501"] == "missed"


def test_an_opted_out_client_gets_nothing(api, clients):
    app = api.app
    with app.app_context():
        optout.opt_out("+254711000501", "sms")
        db.session.commit()
    with time_machine.travel(utc(2026, 11, 30, 12), tick=False):
        api.post("/campaigns", json=CAMPAIGN)
    for hour in (1, 6, 9, 14):
        tick(app, 2026, 12, 1, hour, 0)
    assert "+254711000501" not in [msisdn for msisdn, _ in recorded(app)]
    assert len(recorded(app)) == 3


def test_filters_on_operator_code_and_other_customer_fields(api, clients):
    with time_machine.travel(utc(2026, 11, 30, 12), tick=False):
        wrong_operator = api.post("/campaigns", json={**CAMPAIGN, "operator_code_filter": "733"})
        county = api.post("/campaigns", json={**CAMPAIGN, "filters": {"county": "Kiambu"}})
    assert wrong_operator.get_json()["recipients"] == 0
    assert county.get_json()["recipients"] == 2  # the 2nd and 4th clients


def test_crud_list_update_and_delete(api, clients):
    with time_machine.travel(utc(2026, 11, 30, 12), tick=False):
        first = api.post("/campaigns", json=CAMPAIGN).get_json()
        api.post("/campaigns", json={**CAMPAIGN, "tag_filter": "traders"})
        listed = api.get("/campaigns?tag_filter=farmers").get_json()
        assert [item["id"] for item in listed["items"]] == [first["id"]]
        changed = api.patch(f"/campaigns/{first['id']}", json={"tag_filter": "traders"})
    assert changed.status_code == 200
    assert (changed.get_json()["tag_filter"], changed.get_json()["recipients"]) == ("traders", 1)
    assert api.delete(f"/campaigns/{first['id']}").status_code == 204
    assert api.get(f"/campaigns/{first['id']}").status_code == 404


@pytest.mark.parametrize(
    "change, fields",
    [
        ({"start_at": "2026-12-01T09:00:00+03:00"}, ["start_at"]),
        ({"finish_at": "2026-12-01T08:00:00"}, ["finish_at"]),
        ({"message": "Hi {{ customer.name "}, ["message"]),
        ({"message": ""}, ["message"]),
        ({"filters": {"Bad Name": "x"}}, ["filters.Bad Name.[key]"]),
        ({"operator_code_filter": "seven"}, ["operator_code_filter"]),
        ({"status": "running"}, ["status"]),
    ],
)
def test_invalid_campaigns_are_422_naming_each_field(api, change, fields):
    response = api.post("/campaigns", json={**CAMPAIGN, **change})
    assert response.status_code == 422
    assert [error["field"] for error in response.get_json()["errors"]] == fields
    with api.app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Campaign)) == 0


def test_stats_count_by_status_and_by_hour(api, clients):
    app = api.app
    with time_machine.travel(utc(2026, 11, 30, 12), tick=False):
        campaign_id = api.post("/campaigns", json=CAMPAIGN).get_json()["id"]
    tick(app, 2026, 12, 1, 1, 0)
    tick(app, 2026, 12, 1, 6, 0)
    stats = api.get(f"/campaigns/{campaign_id}/stats").get_json()
    assert stats["total"] == 4
    assert stats["by_status"] == {"success": 2, "planned": 2}
    assert stats["by_hour"] == [
        {"hour": "2026-12-01T01:00:00Z", "counts": {"success": 1}},
        {"hour": "2026-12-01T06:00:00Z", "counts": {"success": 1}},
    ]


def test_the_tick_is_safe_to_run_twice(api, clients):
    app = api.app
    with time_machine.travel(utc(2026, 11, 30, 12), tick=False):
        api.post("/campaigns", json=CAMPAIGN)
    assert tick(app, 2026, 12, 1, 6, 0) == ["+254711000501"]
    assert tick(app, 2026, 12, 1, 6, 0) == []
    with app.app_context():
        sent = db.session.scalar(select(func.count()).where(SmsRecipient.status == "success"))
    assert sent == 1
