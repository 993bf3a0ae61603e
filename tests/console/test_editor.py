"""The menu editor checks text as `flask menus validate` does, and publishes it."""

from tests.conftest import Handset

OLD = "30 short questions on what you ate yesterday."
NEW = "Thirty short questions on what you ate yesterday."


def test_menus_page_lists_every_definition(as_role):
    page = as_role("designer").get("/console/menus").get_data(as_text=True)
    for name in ("microfinance", "diet_survey", "farmer_registration", "registration"):
        assert f"{name}.yaml" in page


def test_editor_shows_the_file_and_its_diagram(as_role, menus_dir):
    page = as_role("operator").get("/console/menus/microfinance").get_data(as_text=True)
    assert "Sauti Money. Hello {{ customer.name }}" in page
    assert "stateDiagram-v2" in page
    assert "disabled" in page.split('id="publish"')[1].split(">")[0]


def test_check_reports_a_broken_goto_at_its_line_like_menus_validate(as_role, menus_dir):
    text = (menus_dir / "microfinance.yaml").read_text()
    broken = text.replace("goto: deposit_amount,", "goto: deposit_amout,", 1)
    line = (
        broken.splitlines().index(
            next(row for row in broken.splitlines() if "deposit_amout" in row)
        )
        + 1
    )
    result = as_role("designer").post("/console/menus/microfinance/check", data={"text": broken})
    assert result.status_code == 200
    problems = result.get_json()["problems"]
    assert problems, result.get_json()
    first = problems[0]
    assert first["line"] == line
    assert (
        "deposit_amout" in first["message"] and "did you mean 'deposit_amount'" in first["message"]
    )
    assert first["text"].startswith(f"microfinance.yaml:{line}:")


def test_check_reports_yaml_syntax_errors_with_a_line(as_role, menus_dir):
    text = (menus_dir / "microfinance.yaml").read_text() + "\n  - id: [unclosed\n"
    problems = (
        as_role("designer")
        .post("/console/menus/microfinance/check", data={"text": text})
        .get_json()["problems"]
    )
    assert problems and problems[0]["line"] >= len(text.splitlines()) - 1


def test_check_gives_translation_completeness(as_role, menus_dir):
    text = (menus_dir / "microfinance.yaml").read_text()
    text = text.replace('sw: "Sauti Money. Habari {{ customer.name }}"', "", 1)
    result = as_role("designer").post("/console/menus/microfinance/check", data={"text": text})
    rows = {row["language"]: row for row in result.get_json()["translations"]}
    assert rows["en"]["missing"] == 0
    assert rows["sw"]["missing"] == 1 and rows["sw"]["done"] < 100


def test_operator_cannot_publish(as_role, menus_dir):
    text = (menus_dir / "diet_survey.yaml").read_text()
    response = as_role("operator").post(
        "/console/menus/diet_survey/publish", data={"text": text.replace(OLD, NEW)}
    )
    assert response.status_code == 403
    assert OLD in (menus_dir / "diet_survey.yaml").read_text()


def test_publish_refuses_text_with_problems_and_keeps_the_file(as_role, menus_dir):
    before = (menus_dir / "microfinance.yaml").read_text()
    broken = before.replace("goto: deposit_amount,", "goto: nowhere,", 1)
    response = as_role("designer").post(
        "/console/menus/microfinance/publish", data={"text": broken}
    )
    assert response.status_code == 422
    assert response.get_json()["problems"]
    assert (menus_dir / "microfinance.yaml").read_text() == before


def test_published_version_serves_new_sessions_while_sessions_in_flight_finish_on_theirs(
    as_role, console_app, menus_dir
):
    client = console_app.test_client()
    in_flight = Handset(client, msisdn="+254711000003", service_code="*384*3#")
    assert "Choose language" in in_flight.send()
    text = (menus_dir / "diet_survey.yaml").read_text()
    response = as_role("designer").post(
        "/console/menus/diet_survey/publish", data={"text": text.replace(OLD, NEW)}
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["published"] is True
    assert NEW in (menus_dir / "diet_survey.yaml").read_text()
    assert OLD in in_flight.send("1")
    fresh = Handset(client, msisdn="+254711000004", service_code="*384*3#")
    fresh.send()
    assert NEW in fresh.send("1")


def test_unknown_or_odd_definition_names_are_not_found(as_role):
    console = as_role("admin")
    assert console.get("/console/menus/nope").status_code == 404
    assert console.get("/console/menus/..%2Fconfig").status_code == 404
