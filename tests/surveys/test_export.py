"""Exports of runs A–E (see __init__): FLOIP package, CSV, XLSX, the CLI and the HTTP API."""

import csv
import hashlib
import hmac
import io
import json
import uuid
import zipfile
from datetime import datetime
from types import SimpleNamespace

import frictionless
import openpyxl
import pytest
from flask import current_app
from sqlalchemy import update
from werkzeug.http import parse_options_header

from app.extensions import db
from app.models import SurveyAnswer
from app.surveys.cli import surveys_cli
from app.surveys.export import (
    cell_text,
    floip_package,
    write_csv,
    write_floip,
    write_xlsx,
)
from app.surveys.stats import survey_runs
from tests.surveys import MSISDNS, SURVEY_ID, add_runs, survey_app

TOKEN = "export-token"
EXPORTED = ["consent", "meals", "foods", "spend", "note"]
URL = f"/api/surveys/{SURVEY_ID}/export"


@pytest.fixture
def app(app_factory):
    return survey_app(app_factory, EXPORT_API_TOKEN=TOKEN)


@pytest.fixture
def run_ids(app):
    return add_runs(app)


def package_of(app) -> dict:
    with app.app_context():
        flow = current_app.extensions["menus"].flow(SURVEY_ID)
        return floip_package(flow, survey_runs(SURVEY_ID))


def written(app, writer, path):
    with app.app_context():
        flow = current_app.extensions["menus"].flow(SURVEY_ID)
        return writer(flow, survey_runs(SURVEY_ID), path)


def rows_of(package: dict) -> list[list]:
    return package["resources"][0]["data"]


def pseudonym(msisdn: str) -> str:
    return hmac.new(b"test-secret", msisdn.encode(), hashlib.sha256).hexdigest()[:16]


def without_profile(descriptor: dict) -> dict:
    """frictionless 5 reads `profile` as the path or URL of a JSON Schema, so it cannot
    resolve "flow-results-package"; check the rest as a plain data package."""
    return {**descriptor, "profile": "data-package"}


def validate_rows(descriptor: dict, rows: list[list]) -> frictionless.Report:
    """Validate rows against the descriptor's own field list (an explicit schema)."""
    fields = descriptor["resources"][0]["schema"]["fields"]
    resource = frictionless.Resource(
        data=rows,
        schema=frictionless.Schema.from_descriptor({"fields": fields}),
        dialect=frictionless.Dialect(header=False),
    )
    return resource.validate()


def test_floip_descriptor_names_the_spec_and_a_stable_id(run_ids, app):
    package = package_of(app)
    assert package["profile"] == "flow-results-package"
    assert package["flow_results_specification_version"] == "1.0.0-rc1"
    assert package["id"] == str(uuid.uuid5(uuid.NAMESPACE_URL, "urn:sauti:survey:diet_mini"))
    assert (package["name"], package["title"]) == ("diet_mini", "Diet check")
    for key in ("created", "modified"):
        assert datetime.fromisoformat(package[key]).utcoffset() is not None
    assert package_of(app) == package


def test_floip_schema_has_the_seven_fields(run_ids, app):
    schema = package_of(app)["resources"][0]["schema"]
    fields = [(field["name"], field["type"]) for field in schema["fields"]]
    assert fields == [
        ("timestamp", "datetime"),
        ("row_id", "string"),
        ("contact_id", "string"),
        ("session_id", "string"),
        ("question_id", "string"),
        ("response", "any"),
        ("response_metadata", "object"),
    ]


def test_floip_questions_leave_out_hidden_sensitive_and_messages(run_ids, app):
    questions = package_of(app)["resources"][0]["schema"]["questions"]
    assert list(questions) == EXPORTED
    assert questions["consent"] == {
        "type": "select_one",
        "label": "A 2-minute survey on food. Agree?",
        "type_options": {"choices": ["yes", "no"]},
    }
    assert questions["meals"]["type_options"] == {"choices": ["one", "two", "three"]}
    assert questions["foods"]["type"] == "select_many"
    assert questions["spend"] == {
        "type": "numeric",
        "label": "Shillings spent on food yesterday?",
        "type_options": {"range": [10, 100000]},
    }
    assert questions["note"] == {"type": "open", "label": "Anything to add?", "type_options": {}}


def test_floip_rows_have_seven_columns_and_no_hidden_answers(run_ids, app):
    rows = rows_of(package_of(app))
    assert len(rows) == 10  # A 5, B 3, D 1, E 1; C declined consent
    assert {len(row) for row in rows} == {7}
    assert {row[4] for row in rows} == set(EXPORTED)
    assert len({row[1] for row in rows}) == 10


def test_contact_id_is_a_keyed_hash_not_the_msisdn(run_ids, app):
    package = package_of(app)
    contacts = {row[2] for row in rows_of(package)}
    assert contacts == {pseudonym(MSISDNS[name]) for name in "ABDE"}
    assert "254700" not in json.dumps(package)


def test_floip_row_carries_response_and_metadata(run_ids, app):
    rows = rows_of(package_of(app))
    a_rows = {row[4]: row for row in rows if row[3] == str(run_ids["A"])}
    assert a_rows["consent"][5] == "yes"
    assert a_rows["foods"][0] == "2025-03-01T08:00:21+00:00"
    assert a_rows["foods"][5:] == [
        ["beans", "maize"],
        {
            "definition_version": "v1",
            "channel": "ussd",
            "language": "en",
            "choice_order": ["beans", "greens", "maize", "fish"],
        },
    ]
    assert a_rows["spend"][5] == 250 and "choice_order" not in a_rows["spend"][6]
    assert a_rows["note"][6]["type"] == "text"


def test_a_skipped_answer_has_no_floip_row(run_ids, app):
    with app.app_context():
        db.session.execute(
            update(SurveyAnswer).where(SurveyAnswer.question_id == "note").values(value=None)
        )
        db.session.commit()
    rows = rows_of(package_of(app))
    assert len(rows) == 9 and "note" not in {row[4] for row in rows}


def test_written_package_validates_with_frictionless(run_ids, app, tmp_path):
    path = written(app, write_floip, tmp_path)
    descriptor = json.loads(path.read_text())
    resource = descriptor["resources"][0]
    assert path == tmp_path / "datapackage.json"
    assert resource["path"] == "diet_mini-responses.json" and "data" not in resource
    check = tmp_path / "check-datapackage.json"
    check.write_text(json.dumps(without_profile(descriptor)))
    report = frictionless.validate(str(check))
    assert report.valid, report.flatten(["type", "note"])
    rows = json.loads((tmp_path / resource["path"]).read_text())
    report = validate_rows(descriptor, rows)
    assert report.valid, report.flatten(["rowNumber", "fieldName", "note"])
    assert report.tasks[0].stats["rows"] == 10


def test_frictionless_rejects_a_row_that_breaks_the_schema(run_ids, app):
    package = package_of(app)
    rows = rows_of(package)
    rows[0][6] = "not an object"
    assert not validate_rows(package, rows).valid


def test_location_is_written_county_to_ward():
    question = SimpleNamespace(spec=SimpleNamespace(levels=None))
    place = {"county": "Kiambu", "sub_county": "Juja", "ward": "Kalimoni", "code": "KE-13"}
    assert cell_text(question, place) == "Kiambu > Juja > Kalimoni"
    assert cell_text(question, ["maize", "beans"]) == "maize beans"
    assert cell_text(question, None) == ""


def test_csv_has_one_row_per_run(run_ids, app, tmp_path):
    written(app, write_csv, tmp_path / "out.csv")
    with open(tmp_path / "out.csv", newline="", encoding="utf-8") as file:
        reader = csv.DictReader(file)
        rows = {int(row["run_id"]): row for row in reader}
    assert reader.fieldnames == [
        "run_id",
        "contact_id",
        "status",
        "language",
        "started_at",
        "completed_at",
        *EXPORTED,
    ]
    assert sorted(rows) == sorted(run_ids.values())
    a = rows[run_ids["A"]]
    assert (a["contact_id"], a["status"], a["language"]) == (
        pseudonym(MSISDNS["A"]),
        "completed",
        "en",
    )
    assert a["started_at"] == "2025-03-01T08:00:00+00:00"
    assert [a[q] for q in EXPORTED] == ["yes", "two", "beans maize", "250", "Tasty ugali"]
    assert rows[run_ids["D"]]["status"] == "dropped"
    assert [rows[run_ids["C"]][q] for q in EXPORTED] == [""] * 5


def test_xlsx_has_responses_and_questions_sheets(run_ids, app, tmp_path):
    written(app, write_xlsx, tmp_path / "out.xlsx")
    book = openpyxl.load_workbook(tmp_path / "out.xlsx")
    assert book.sheetnames == ["responses", "questions"]
    responses = list(book["responses"].values)
    assert len(responses) == 6 and responses[0][6:] == tuple(EXPORTED)
    a = next(row for row in responses[1:] if row[0] == run_ids["A"])
    assert a[6:] == ("yes", "two", "beans maize", 250, "Tasty ugali")
    questions = list(book["questions"].values)
    assert questions[0] == ("id", "type", "label_en", "label_sw")
    assert questions[2] == ("meals", "choice", "Meals eaten yesterday?", "Milo mingapi jana?")
    assert [row[0] for row in questions[1:]] == EXPORTED


def test_xlsx_writes_an_answer_starting_with_equals_as_text(run_ids, app, tmp_path):
    with app.app_context():
        db.session.execute(
            update(SurveyAnswer).where(SurveyAnswer.question_id == "note").values(value="=1+1")
        )
        db.session.commit()
    written(app, write_xlsx, tmp_path / "out.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "out.xlsx")["responses"]
    note = next(cell for cell in sheet["K"] if cell.value == "=1+1")
    assert note.data_type == "s"


@pytest.mark.parametrize(
    ("fmt", "names"),
    [
        ("floip", ["diet_mini/datapackage.json", "diet_mini/diet_mini-responses.json"]),
        ("csv", ["diet_mini.csv"]),
        ("xlsx", ["diet_mini.xlsx"]),
    ],
)
def test_cli_export_creates_the_directory_and_prints_paths(run_ids, app, tmp_path, fmt, names):
    out = tmp_path / "new" / "dir"
    result = app.test_cli_runner().invoke(
        surveys_cli, ["export", SURVEY_ID, "--format", fmt, "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [str(out / name) for name in names]
    assert all((out / name).stat().st_size > 0 for name in names)


def test_cli_export_of_an_unknown_survey_is_a_usage_error(app, tmp_path):
    result = app.test_cli_runner().invoke(surveys_cli, ["export", "nope", "-o", str(tmp_path)])
    assert result.exit_code == 2
    assert "no survey 'nope'; known: diet_mini" in result.output


def test_api_is_off_without_a_token(app_factory):
    client = survey_app(app_factory, EXPORT_API_TOKEN=None).test_client()
    response = client.get(URL, headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 403
    assert response.get_json() == {"error": "export API disabled"}


@pytest.mark.parametrize("header", [None, "Bearer wrong", f"Basic {TOKEN}", TOKEN])
def test_api_refuses_a_missing_or_wrong_token(app, header):
    headers = {"Authorization": header} if header else {}
    response = app.test_client().get(URL, headers=headers)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"


def attachment_name(response) -> str:
    kind, options = parse_options_header(response.headers["Content-Disposition"])
    assert kind == "attachment"
    return options["filename"]


def auth_get(app, url: str):
    return app.test_client().get(url, headers={"Authorization": f"Bearer {TOKEN}"})


def test_api_unknown_survey_is_404(app):
    response = auth_get(app, "/api/surveys/nope/export")
    assert response.status_code == 404 and "nope" in response.get_json()["error"]


def test_api_unknown_format_is_400(app):
    assert auth_get(app, f"{URL}?format=pdf").status_code == 400


def test_api_floip_is_the_zipped_package_and_validates(run_ids, app):
    response = auth_get(app, f"{URL}?format=floip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert attachment_name(response) == "diet_mini.zip"
    with zipfile.ZipFile(io.BytesIO(response.get_data())) as archive:
        assert sorted(archive.namelist()) == ["datapackage.json", "diet_mini-responses.json"]
        descriptor = json.loads(archive.read("datapackage.json"))
        rows = json.loads(archive.read("diet_mini-responses.json"))
    assert descriptor["resources"][0]["path"] == "diet_mini-responses.json"
    assert descriptor["profile"] == "flow-results-package"
    report = validate_rows(descriptor, rows)
    assert report.valid, report.flatten(["rowNumber", "fieldName", "note"])
    assert report.tasks[0].stats["rows"] == 10


def test_api_csv(run_ids, app):
    response = auth_get(app, f"{URL}?format=csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert attachment_name(response) == "diet_mini.csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) == 6 and rows[0][:2] == ["run_id", "contact_id"]


def test_api_xlsx(run_ids, app):
    response = auth_get(app, f"{URL}?format=xlsx")
    assert response.status_code == 200
    assert response.mimetype == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert attachment_name(response) == "diet_mini.xlsx"
    book = openpyxl.load_workbook(io.BytesIO(response.get_data()))
    assert book.sheetnames == ["responses", "questions"] and book["responses"].max_row == 6
