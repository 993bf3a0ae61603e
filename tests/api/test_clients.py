"""`/api/v1/clients` through the real routes: CRUD, auth and validation."""

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import ApiToken, Customer

NEW = {
    "phone_number": "0711 000 201",
    "tag": "farmers",
    "timezone": "Africa/Lagos",
    "notify_from": "08:00",
    "notify_to": "20:00",
}


def customer_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Customer))


def test_create_read_update_delete(api):
    created = api.post("/clients", json=NEW)
    assert created.status_code == 201
    body = created.get_json()
    assert body["phone_number"] == "+254711000201"
    assert body["operator_code"] == "711"
    assert (body["tag"], body["timezone"]) == ("farmers", "Africa/Lagos")
    assert (body["notify_from"], body["notify_to"]) == ("08:00", "20:00")
    client_id = body["id"]
    assert api.get(f"/clients/{client_id}").get_json() == body
    changed = api.patch(f"/clients/{client_id}", json={"tag": "traders", "opted_out": True})
    assert changed.status_code == 200
    assert changed.get_json()["tag"] == "traders"
    assert changed.get_json()["opt_out_source"] == "api"
    assert api.delete(f"/clients/{client_id}").status_code == 204
    assert api.get(f"/clients/{client_id}").status_code == 404


def test_list_is_paginated_and_filtered(api):
    for n in range(5):
        tag = "a" if n % 2 else "b"
        api.post("/clients", json={"phone_number": f"+25471100030{n}", "tag": tag})
    page = api.get("/clients?tag=b&per_page=2&page=2").get_json()
    assert (page["total"], page["page"], page["per_page"]) == (3, 2, 2)
    assert [item["phone_number"] for item in page["items"]] == ["+254711000304"]


@pytest.mark.parametrize(
    "body, fields",
    [
        ({"phone_number": "12"}, ["phone_number"]),
        ({"phone_number": "+254711000401", "timezone": "Mars/Olympus"}, ["timezone"]),
        (
            {"phone_number": "+254711000401", "notify_from": "25:00", "notify_to": "x"},
            ["notify_from", "notify_to"],
        ),
        ({"phone_number": "+254711000401", "notify_from": "08:00"}, ["notify_to"]),
        ({"phone_number": "+254711000401", "operator_code": "711"}, ["operator_code"]),
        ({}, ["phone_number"]),
    ],
)
def test_invalid_clients_are_422_naming_each_field(api, body, fields):
    response = api.post("/clients", json=body)
    assert response.status_code == 422
    assert sorted(error["field"] for error in response.get_json()["errors"]) == fields
    assert customer_count(api.app) == 0


@pytest.mark.parametrize("header", [None, "Bearer wrong", "Basic abc"])
def test_missing_or_wrong_token_is_401_and_changes_nothing(api, header):
    headers = {"Authorization": header} if header else {}
    response = api.client.post("/api/v1/clients", json=NEW, headers=headers)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert customer_count(api.app) == 0


def test_a_revoked_token_is_refused(api):
    result = api.app.test_cli_runner().invoke(args=["tokens", "revoke", "tests"])
    assert result.exit_code == 0
    assert api.get("/clients").status_code == 401


def test_tokens_are_stored_only_as_digests(api):
    token = api.headers["Authorization"].split()[1]
    with api.app.app_context():
        stored = db.session.scalar(select(ApiToken.token_hash))
    assert stored != token and len(stored) == 64


def test_a_duplicate_number_is_409(api):
    first = api.post("/clients", json=NEW).get_json()
    again = api.post("/clients", json={"phone_number": "+254711000201"})
    assert again.status_code == 409 and again.get_json()["id"] == first["id"]


def test_times_are_given_in_utc_with_their_offset(api):
    created = api.post("/clients", json=NEW).get_json()
    changed = api.patch(f"/clients/{created['id']}", json={"opted_out": True}).get_json()
    assert changed["opted_out_at"].endswith(("Z", "+00:00"))
    campaign = api.post(
        "/campaigns",
        json={
            "message": "Hello",
            "start_at": "2026-12-01T09:00:00",
            "finish_at": "2026-12-01T12:00:00",
        },
    ).get_json()
    assert campaign["created_at"].endswith(("Z", "+00:00"))
