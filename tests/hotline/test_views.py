"""`GET /hotline/groups/<id>/on-shift`: the Community line's check, as JSON."""

import pytest

from tests.hotline.conftest import AMINA, BRIAN, add_shifts


@pytest.fixture
def shifts(app, lines):
    add_shifts(
        app,
        ("Nairobi line", AMINA, "Monday", "09:00", "17:00"),
        ("Nairobi line", BRIAN, "Monday", "16:00", "02:00"),
    )
    return lines


def test_on_shift_lists_the_volunteers_in_dialling_order_with_masked_phones(client, shifts):
    response = client.get(f"/hotline/groups/{shifts.nairobi}/on-shift?day=Monday&hour=16")
    assert response.status_code == 200
    assert response.json == {
        "group": {
            "id": shifts.nairobi,
            "name": "Nairobi line",
            "time_zone": "Africa/Nairobi",
            "dial_mode": "in_order",
        },
        "day": "Monday",
        "hour": "16:00",
        "volunteers": [
            {"id": shifts.amina, "name": "Amina Wanjiru", "phone": "+2547*****001"},
            {"id": shifts.brian, "name": "Brian Otieno", "phone": "+2547*****002"},
        ],
    }


def test_on_shift_at_the_end_hour_and_past_midnight(client, shifts):
    url = f"/hotline/groups/{shifts.nairobi}/on-shift"
    at_five = client.get(url, query_string={"day": "monday", "hour": "17"}).json
    assert [v["name"] for v in at_five["volunteers"]] == ["Brian Otieno"]
    tuesday = client.get(url, query_string={"day": "Tue", "hour": "01:30"}).json
    assert [v["name"] for v in tuesday["volunteers"]] == ["Brian Otieno"]
    assert client.get(url, query_string={"day": "Tuesday", "hour": "2"}).json["volunteers"] == []


def test_on_shift_for_a_date_includes_that_days_dated_shifts(client, app, shifts):
    add_shifts(app, ("Nairobi line", "+254722000003", "2026-12-07", "08:00", "10:00"))
    url = f"/hotline/groups/{shifts.nairobi}/on-shift"
    dated = client.get(url, query_string={"day": "2026-12-07", "hour": "9"}).json
    assert [v["name"] for v in dated["volunteers"]] == ["Cynthia Njeri", "Amina Wanjiru"]
    weekly = client.get(url, query_string={"day": "Monday", "hour": "9"}).json
    assert [v["name"] for v in weekly["volunteers"]] == ["Amina Wanjiru"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("day=Someday&hour=17", "day: 'Someday' is not a weekday (Monday … Sunday)"),
        ("day=Monday&hour=25", "hour: '25' is not a time of day (0–23, or HH:MM)"),
        ("day=Monday&hour=five", "hour: 'five' is not a time of day (0–23, or HH:MM)"),
        ("day=2026-13-01&hour=5", "day: '2026-13-01' is not a date (YYYY-MM-DD)"),
        ("hour=17", "give day, e.g. ?day=Monday&hour=17"),
        ("", "give day and hour, e.g. ?day=Monday&hour=17"),
    ],
)
def test_a_bad_day_or_hour_is_a_400_that_says_why(client, shifts, query, message):
    response = client.get(f"/hotline/groups/{shifts.nairobi}/on-shift?{query}")
    assert response.status_code == 400
    assert response.json == {"error": message}


def test_an_unknown_group_is_a_404(client, shifts):
    response = client.get("/hotline/groups/999/on-shift?day=Monday&hour=17")
    assert response.status_code == 404
    assert response.json == {"error": "no hotline group 999"}
