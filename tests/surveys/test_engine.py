"""The survey engine through the callback URL: question types, answers saved one by one,
runs, quotas, resume and version pinning."""

import json
import shutil
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Customer, SurveyAnswer, SurveyRun
from app.seed import seed_locations
from tests.conftest import FIXTURES, USSD_URL, Handset, outbox_rows

CODE = "*384*55#"
PLANTED_ON = date.today() - timedelta(days=30)
PLANTED = PLANTED_ON.strftime("%d%m%Y")


@pytest.fixture
def app(app_factory, tmp_path):
    menus = tmp_path / "menus"
    shutil.copytree(FIXTURES / "survey_engine", menus)
    app = app_factory(MENUS_DIR=str(menus), MENUS_HOT_RELOAD=True)
    app.config["MENUS_PATH_FOR_TEST"] = menus
    with app.app_context():
        seed_locations()
    return app


def farmer(client, n=1):
    return Handset(client, f"+2547330000{n:02d}", CODE)


def runs(app) -> list[SurveyRun]:
    with app.app_context():
        found = list(db.session.scalars(select(SurveyRun).order_by(SurveyRun.id)))
        db.session.expunge_all()
        return found


def answers(app, run_id: int) -> dict:
    with app.app_context():
        rows = db.session.scalars(select(SurveyAnswer).where(SurveyAnswer.run_id == run_id))
        return {row.question_id: row for row in rows}


def to_gender(phone, gender="female"):
    """Dial, English, agree; answer gender by label (options are shuffled per respondent)."""
    screen = phone.walk("1", "1")
    assert screen.startswith("CON Gender?")
    return phone.send("1" if f"1. {gender.title()}" in screen else "2")


def complete(phone, gender="female"):
    to_gender(phone, gender)
    for reply in ("Kiambu", "1", "1", "1,3", PLANTED, "2", "1980"):
        body = phone.send(reply)
    return body


def test_a_full_run_saves_every_answer_and_completes(app, client):
    phone = farmer(client)
    body = complete(phone)
    assert body == f"END Thanks, Kiambu farmer aged {date.today().year - 1980}."
    [run] = runs(app)
    assert run.status == "completed" and run.completed_at is not None
    saved = answers(app, run.id)
    assert saved["crops"].value == ["maize", "tea"]
    assert saved["where"].value["county"] == "Kiambu" and saved["where"].value["code"] == "KE-13"
    assert saved["planted"].value == PLANTED_ON.isoformat()
    assert saved["irrigates"].value is False and "litres" not in saved
    assert saved["age"].value == date.today().year - 1980
    assert all(a.definition_version == run.definition_version for a in saved.values())
    assert saved["born"].shown_at <= saved["born"].answered_at
    assert set(run.choice_orders["gender"]) == {"female", "male"}


def test_completion_actions_store_fields_tag_and_queue_an_sms(app, client):
    complete(farmer(client))
    with app.app_context():
        customer = db.session.scalar(select(Customer))
        assert customer.fields["gender"] == "female" and customer.fields["county"] == "Kiambu"
        assert customer.tags == ["farmer"]
    [sms] = outbox_rows(app, "sms")
    assert sms.payload["message"] == "Thank you for taking the farm survey."


def test_answers_are_saved_as_they_are_given(app, client):
    phone = farmer(client)
    to_gender(phone)
    [run] = runs(app)
    assert run.status == "started" and run.current_question == "where"
    assert set(answers(app, run.id)) == {"lang", "consent", "gender"}


def test_language_choice_switches_the_session_language(app, client):
    phone = farmer(client)
    phone.send()
    assert phone.send("2").startswith("CON Tunauliza kuhusu shamba. Kubali?\n1. Nakubali")


def test_declined_consent_ends_politely_and_stops_the_run(app, client):
    assert farmer(client).walk("1", "2") == "END OK. Goodbye."
    [run] = runs(app)
    assert (run.status, run.stop_reason) == ("stopped", "consent")


def test_location_by_prefix_and_by_number(app, client):
    phone = farmer(client)
    to_gender(phone)
    assert phone.send("zzz").startswith("CON No place starts with that. Try again.")
    narrowed = phone.send("ki")  # Kiambu, Kilifi, Kirinyaga, Kisii, Kisumu
    assert "1. Kiambu" in narrowed and "2. Kilifi" in narrowed and "Baringo" not in narrowed
    assert phone.send("1").startswith("CON Kiambu\nChoose sub-county")
    assert phone.send("Thika").startswith("CON Kiambu > Thika Town\nChoose ward")


def test_location_stops_at_a_county_without_sub_counties(app, client):
    phone = farmer(client)
    to_gender(phone)
    assert phone.send("Baringo").startswith("CON Crops?")
    [run] = runs(app)
    assert answers(app, run.id)["where"].value == {"county": "Baringo", "code": "KE-01"}


def test_multi_choice_one_at_a_time_then_done(app, client):
    phone = farmer(client)
    to_gender(phone)
    phone.send("Baringo")
    assert phone.send("2").startswith("CON Chosen: Beans\nCrops?")
    assert phone.send("9").startswith("CON Choose one of the numbers shown.")
    assert phone.send("3").startswith("CON Chosen: Beans, Tea")
    assert phone.send("4").startswith("CON When did you plant?")


def test_choosing_an_option_again_takes_it_back(app, client):
    phone = farmer(client)
    to_gender(phone)
    phone.send("Baringo")
    phone.send("1")
    assert phone.send("2").startswith("CON Chosen: Maize, Beans")
    assert phone.send("1").startswith("CON Chosen: Beans\nCrops?")
    phone.send("4")
    [run] = runs(app)
    assert answers(app, run.id)["crops"].value == ["beans"]


def test_a_level_the_place_does_not_have_is_stored_as_none(app, client):
    phone = farmer(client)
    to_gender(phone)
    for reply in ("Baringo", "1,2", PLANTED, "2", "1980"):
        body = phone.send(reply)
    assert body.startswith("END Thanks, Baringo farmer")
    with app.app_context():
        customer = db.session.scalar(select(Customer))
        assert customer.fields["county"] == "Baringo" and customer.fields["ward"] is None


def test_dates_are_day_first_and_bounded(app, client):
    phone = farmer(client)
    to_gender(phone)
    phone.send("Baringo")
    phone.send("1,2")
    wrong = phone.send("31022025")
    assert wrong.startswith("CON Enter the date as day, month, year, e.g. 21031990.")
    assert phone.send("01011990").startswith("CON Enter a date from ")
    assert phone.send(PLANTED_ON.strftime("%d/%m/%Y")).startswith("CON Do you irrigate?")


def test_decimal_numbers_and_skip_logic(app, client):
    phone = farmer(client)
    to_gender(phone)
    for reply in ("Baringo", "1,2", PLANTED):
        phone.send(reply)
    assert phone.send("1").startswith("CON Litres per day?")
    assert phone.send("2,5").startswith("CON Enter a number.")
    assert phone.send("2.5").startswith("CON Year of birth?")


def test_once_per_customer_survey_is_not_offered_again(app, client):
    complete(farmer(client))
    assert farmer(client).send() == "END You have already completed this. Thank you."


def test_gender_quota_stops_at_the_quota_question(app, client):
    complete(farmer(client, 1), "male")
    phone = farmer(client, 2)
    assert to_gender(phone, "male") == "END We have enough farmers now. Thank you!"
    run = runs(app)[-1]
    assert (run.status, run.stop_reason) == ("stopped", "quota")


def test_overall_cap_closes_the_survey(app, client):
    for n, gender in ((1, "female"), (2, "female"), (3, "male")):
        complete(farmer(client, n), gender)
    assert farmer(client, 4).send() == "END We have enough farmers now. Thank you!"


def test_concurrent_completions_never_exceed_a_quota(app, client):
    phones = []
    for n in range(1, 7):  # six women reach the last question; the female quota is 2
        phone = farmer(client, n)
        to_gender(phone)
        for reply in ("Kiambu", "1", "1", "1,3", PLANTED, "2"):
            phone.send(reply)
        phone.inputs.append("1980")
        phones.append(phone)

    def finish(phone):
        return app.test_client().post(USSD_URL, data=phone.form()).get_data(as_text=True)

    with ThreadPoolExecutor(max_workers=6) as pool:
        bodies = list(pool.map(finish, phones))
    assert all(body.startswith("END Thanks") for body in bodies)
    statuses = sorted((run.status, run.stop_reason) for run in runs(app))
    assert statuses.count(("completed", "")) == 2
    assert statuses.count(("stopped", "quota")) == 4


def test_a_dropped_session_resumes_at_the_next_question_on_the_same_run(app, client):
    first = farmer(client)
    to_gender(first)
    first.send("Baringo")
    again = farmer(client)
    assert again.send().startswith("CON You have an unfinished session.")
    assert again.send("1").startswith("CON Crops?")
    again.send("1")
    again.send("4")
    [run] = runs(app)
    assert set(answers(app, run.id)) >= {"gender", "where", "crops"}


def test_gateway_notification_marks_the_run_dropped(app, client):
    phone = farmer(client)
    to_gender(phone)
    form = {"sessionId": phone.session_id, "phoneNumber": phone.msisdn, "status": "Incomplete"}
    assert client.post(f"{USSD_URL}/events", data=form).status_code == 200
    assert runs(app)[0].status == "dropped"


def test_an_edit_never_breaks_a_session_in_flight(app, client):
    menus = app.config["MENUS_PATH_FOR_TEST"]
    phone = farmer(client)
    to_gender(phone)
    path = menus / "farm.yaml"
    path.write_text(path.read_text().replace('"Crops?"', '"Which crops do you grow?"'))
    catalog = app.extensions["menus"]
    catalog._checked_at = 0.0  # let the next request look at the files at once
    assert farmer(client, 9).walk("1", "1").startswith("CON Gender?")
    assert phone.send("Baringo").startswith("CON Crops?")  # still the version it started on
    fresh = farmer(client, 8)
    to_gender(fresh)
    assert fresh.send("Baringo").startswith("CON Which crops do you grow?")


def test_a_pinned_version_is_read_back_from_the_database(app, client):
    phone = farmer(client)
    to_gender(phone)
    catalog = app.extensions["menus"]
    version = runs(app)[0].definition_version
    catalog.versions.pop(("farm", version))  # as in a worker that never loaded that file
    assert phone.send("Baringo").startswith("CON Crops?")
    assert ("farm", version) in catalog.versions


def test_a_broken_edit_keeps_the_last_valid_version_in_service(app, client, caplog):
    menus = app.config["MENUS_PATH_FOR_TEST"]
    path = menus / "farm.yaml"
    path.write_text(path.read_text().replace("next: where", "next: wher"))
    (menus / "tip.yaml").write_text(
        "id: tip\nservice_codes: ['*384*56#']\nquestions:\n"
        "  - id: tip\n    type: message\n    label: Water early.\n"
    )
    app.extensions["menus"]._checked_at = 0.0  # let the next request look at the files
    assert farmer(client, 5).walk("1", "1").startswith("CON Gender?")  # the last valid farm
    assert Handset(client, "+254733000006", "*384*56#").send() == "END Water early."
    logged = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
    assert len(logged) == 1 and "the last valid version stays in service" in logged[0]
    assert "questions.gender.next: no question 'wher' (did you mean 'where'?)" in logged[0]


def test_floip_exports_one_folder_per_survey_with_types_from_the_definition(app, client, tmp_path):
    complete(farmer(client))
    (app.config["MENUS_PATH_FOR_TEST"] / "other.yaml").write_text(
        "id: other\nkind: survey\nservice_codes: ['*384*57#']\nquestions:\n"
        "  - id: bye\n    type: message\n    label: Bye\n"
    )
    app.extensions["menus"].load()
    runner, out = app.test_cli_runner(), tmp_path / "results"
    for survey in ("farm", "other"):
        result = runner.invoke(args=["surveys", "export", survey, "--format", "floip", "-o", out])
        assert result.exit_code == 0, result.output
    assert (out / "farm" / "datapackage.json").exists()
    assert (out / "other" / "datapackage.json").exists()  # neither overwrote the other
    descriptor = json.loads((out / "farm" / "datapackage.json").read_text())
    assert descriptor["resources"][0]["schema"]["questions"]["age"]["type"] == "numeric"
    rows = json.loads((out / "farm" / "farm-responses.json").read_text())
    [age] = [row[5] for row in rows if row[4] == "age"]
    assert age == date.today().year - 1980  # a number, as the definition computes it
