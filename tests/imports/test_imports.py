"""CSV imports through `POST /api/v1/imports` and `flask imports load`."""

import io

from sqlalchemy import func, select

from app.extensions import db
from app.models import Customer, Forecast, ImportJob, Subscription

FORECASTS = """location,date,text
Nairobi City,2026-12-02,Sunny 27C
Kiambu,2026-12-02,Showers 21C
Atlantis,2026-12-02,Calm
Nakuru,02/12/2026,Windy
Kisumu,2026-12-02,
"""
ADDITIONS = """phone_number,product,location,start_date
0711000901,forecasts,Nairobi City,2026-12-01
+254711000902,forecasts,Kiambu,
12345,forecasts,Nairobi City,
+254711000903,forecasts,Nowhere,
0711000901,forecasts,Nairobi City,
"""


def upload(api, kind: str, text: str, **fields):
    data = {"kind": kind, "file": (io.BytesIO(text.encode()), "upload.csv"), **fields}
    return api.post("/imports", data=data, content_type="multipart/form-data")


def count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_forecasts_apply_good_lines_and_list_every_rejected_one(api, places):
    response = upload(api, "forecasts", FORECASTS)
    assert response.status_code == 202
    task_id = response.get_json()["task_id"]
    status = api.get(f"/imports/{task_id}").get_json()
    assert (status["status"], status["rows_done"], status["rows_total"]) == ("SUCCESS", 5, 5)
    assert status["applied"] == 2
    assert status["rejected"] == [
        {"line": 4, "reason": "unknown location 'Atlantis'"},
        {"line": 5, "reason": "date '02/12/2026' is not a date (YYYY-MM-DD)"},
        {"line": 6, "reason": "text is empty"},
    ]
    assert count(api.app, Forecast) == 2


def test_a_strict_import_with_a_bad_line_applies_nothing(api, places):
    response = upload(api, "forecasts", FORECASTS, strict="true")
    status = api.get(f"/imports/{response.get_json()['task_id']}").get_json()
    assert status["status"] == "FAILURE"
    assert "3 line(s) rejected" in status["error"]
    assert len(status["rejected"]) == 3
    assert count(api.app, Forecast) == 0


def test_a_file_without_a_required_column_fails_whole(api, places):
    response = upload(api, "forecasts", "location,text\nNairobi,Sunny\n")
    status = api.get(f"/imports/{response.get_json()['task_id']}").get_json()
    assert (status["status"], status["error"]) == ("FAILURE", "missing column(s): date")


def test_a_failure_midway_leaves_nothing_half_applied(api, places, monkeypatch):
    from app.imports import rows

    real = rows.addition
    calls = []

    def fails_on_the_third(row, region, now):
        calls.append(row)
        if len(calls) == 3:
            from sqlalchemy.exc import OperationalError

            raise OperationalError("INSERT", {}, Exception("disk full"))
        real(row, region, now)

    monkeypatch.setitem(
        rows.KINDS, "subscription_additions", (("phone_number",), fails_on_the_third)
    )
    response = upload(api, "subscription_additions", ADDITIONS)
    status = api.get(f"/imports/{response.get_json()['task_id']}").get_json()
    assert status["status"] == "FAILURE" and "disk full" in status["error"]
    assert count(api.app, Subscription) == 0
    assert count(api.app, Customer) == 0


def test_additions_create_customers_and_bill_them(api, places):
    response = upload(api, "subscription_additions", ADDITIONS)
    status = api.get(f"/imports/{response.get_json()['task_id']}").get_json()
    assert status["applied"] == 2
    assert [line["reason"] for line in status["rejected"]] == [
        "phone_number '12345' is not a valid number",
        "unknown location 'Nowhere'",
        "already subscribed to forecasts",
    ]
    # billed at once by the development backend
    assert count(api.app, Subscription, Subscription.status == "active") == 2


def test_cancellations_and_location_updates(api, places):
    upload(api, "subscription_additions", ADDITIONS)
    moved = upload(api, "location_updates", "phone_number,location\n+254711000901,Kisumu\n")
    assert api.get(f"/imports/{moved.get_json()['task_id']}").get_json()["applied"] == 1
    cancelled = upload(
        api, "cancellations", "phone_number,product\n+254711000902,forecasts\n+254711000999,\n"
    )
    status = api.get(f"/imports/{cancelled.get_json()['task_id']}").get_json()
    assert status["applied"] == 1
    assert status["rejected"] == [{"line": 3, "reason": "no customer with this phone_number"}]
    with api.app.app_context():
        rows = db.session.execute(
            select(Customer.msisdn, Subscription.status, Subscription.cancel_reason)
            .join(Subscription, Subscription.customer_id == Customer.id)
            .order_by(Customer.msisdn)
        ).all()
    assert [tuple(row) for row in rows] == [
        ("+254711000901", "active", None),
        ("+254711000902", "cancelled", "import"),
    ]


def test_an_unknown_kind_is_422_and_an_unknown_task_404(api):
    response = upload(api, "prices", "a\n")
    assert response.status_code == 422
    assert [error["field"] for error in response.get_json()["errors"]] == ["kind"]
    assert api.get("/imports/00000000-0000-0000-0000-000000000000").status_code == 404


def test_old_imports_expire(api, places):
    from datetime import timedelta

    from app.imports.service import purge
    from app.models.base import utcnow

    task_id = upload(api, "forecasts", FORECASTS).get_json()["task_id"]
    with api.app.app_context():
        assert purge(utcnow() + timedelta(days=8)) == 1
    status = api.get(f"/imports/{task_id}").get_json()
    assert (status["status"], status["rejected"]) == ("EXPIRED", [])


def test_the_cli_loads_a_file_with_a_progress_bar(places, tmp_path):
    path = tmp_path / "forecasts.csv"
    path.write_text(FORECASTS)
    result = places.test_cli_runner().invoke(args=["imports", "load", "forecasts", str(path)])
    assert result.exit_code == 0, result.output
    assert "line 4: unknown location 'Atlantis'" in result.output
    assert "SUCCESS: 2 applied, 3 rejected" in result.output
    assert count(places, ImportJob, ImportJob.status == "SUCCESS") == 1
