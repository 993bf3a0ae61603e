"""The YAML engine through the callback URL: navigation, pagination, re-asking, templates."""

import pytest

from tests.conftest import FIXTURES, Handset


@pytest.fixture
def app(app_factory):
    return app_factory(MENUS_DIR=str(FIXTURES / "menus"))


def phone(client, network="63902"):
    return Handset(client, "+254722000001", "*384*12#", network)


def test_long_menu_paginates_with_98_and_fits_the_network_screen(client):
    handset = phone(client)
    first = handset.send()
    assert first.startswith("CON Which crop?\n1. Maize") and first.endswith("98 More")
    assert len(first) <= 160  # Safaricom (63902) is configured at 160 characters
    second = handset.send("98")
    assert "18. Something else" in second or "98 More" in second
    assert "1. Maize" not in second
    assert handset.send("0") == first  # back a page
    assert handset.send("10").startswith("CON Any note on your Tea?")


def test_other_networks_get_the_default_screen(client):
    handset = phone(client, network="62130")
    first = handset.send()
    assert len(first) <= 182 and "98 More" in first
    assert len(first) > 160


def test_invalid_choice_reasks_with_the_reason(client):
    handset = phone(client)
    handset.send()
    assert handset.send("42").startswith("CON Choose one of the numbers shown.\nWhich crop?")


def test_star_typed_inside_an_answer_is_kept(client):
    handset = phone(client)
    handset.walk("1", "rows 3*4 m")
    assert handset.send("2") == "END Thank you. rows 3*4 m"


def test_repeated_identical_inputs_are_separate_answers(client):
    handset = phone(client)
    handset.send()
    assert handset.send("1").startswith("CON Any note on your Maize?")
    assert handset.send("1").startswith("CON How many acres of maize?")
    assert handset.send("1") == "END Thank you. 1"


def test_a_choice_answer_shows_as_its_label_in_the_callers_language(app, client):
    from app import customers
    from app.extensions import db

    with app.app_context():
        customers.store_fields("+254722000009", {"language": "sw"})
        db.session.commit()
    swahili = Handset(client, "+254722000009", "*384*12#")
    swahili.send()
    assert swahili.send("1").startswith("CON Maoni kuhusu Mahindi?")
    # `crop == 'maize'` still compares the stored value, and `{{ crop.value }}` prints it
    assert swahili.send("ok").startswith("CON Ekari ngapi za maize?")


def test_number_must_be_ascii_digits_within_bounds_and_constraint(client):
    handset = phone(client)
    handset.walk("1", "fine")
    assert handset.send("٣").startswith("CON Enter digits only.")
    assert handset.send("5000").startswith("CON Enter a number from 1 to 1000.")
    assert handset.send("13").startswith("CON We do not take 13 acres.")
    assert handset.send("11") == "END Thank you, large farmer."


def test_back_returns_to_the_previous_question(client):
    handset = phone(client)
    handset.walk("2", "ok")
    assert handset.send("0").startswith("CON Any note on your Beans?")
    assert handset.send("0").startswith("CON Which crop?")
    assert handset.send("3").startswith("CON Any note on your Sorghum?")


def test_home_returns_to_the_start_and_forgets_the_path(client):
    handset = phone(client)
    handset.walk("2", "ok")
    assert handset.send("00").startswith("CON Which crop?")
    handset.send("4")
    handset.send("x")
    assert handset.send("0").startswith("CON Any note on your Finger millet?")


def test_every_screen_but_the_first_shows_back_and_home(client):
    handset = phone(client)
    assert "0 Back" not in handset.send().split("98 More")[0]
    assert handset.send("1").endswith("\n0 Back 00 Home")


def test_text_on_an_unknown_session_is_not_replayed_as_answers(client):
    # AT's first hop has empty text; text with no saved state may be a lost session.
    handset = Handset(client, "+254722000001", "*384*12#")
    handset.inputs = ["2"]
    body = client.post("/ussd/africastalking/test-token", data=handset.form())
    assert body.get_data(as_text=True).startswith("CON Which crop?")
    assert handset.send("2").startswith("CON Any note on your Beans?")


def test_unknown_service_code_ends_politely(client):
    handset = Handset(client, "+254722000001", "*999#")
    assert handset.send() == (
        "END Sorry, no service answers this code. Check the code and dial again."
    )


def test_a_deep_dial_code_reaches_the_definition_bound_to_it(client):
    # *384*12*5# as Africa's Talking may deliver it: the base code, "5" in the first text.
    handset = Handset(client, "+254722000001", "*384*12#")
    handset.inputs = ["5"]
    body = client.post("/ussd/africastalking/test-token", data=handset.form())
    assert body.get_data(as_text=True) == "END Maize KES 3,200 per bag today."


def test_a_deep_dial_code_delivered_whole_reaches_the_same_definition(client):
    handset = Handset(client, "+254722000001", "*384*12*5#")
    assert handset.send() == "END Maize KES 3,200 per bag today."


def test_graph_draws_the_compiled_flow_with_its_conditions(runner, tmp_path):
    result = runner.invoke(args=["menus", "graph", "harvest"])
    assert result.exit_code == 0
    assert "stateDiagram-v2" in result.output
    assert "acres --> large_farm: acres > 10" in result.output
    assert "acres --> thanks\n" in result.output
    written = tmp_path / "harvest.md"
    assert runner.invoke(args=["menus", "graph", "harvest", "-o", str(written)]).exit_code == 0
    assert written.read_text().startswith("---\ntitle: harvest (en)\n---\nstateDiagram-v2")


def test_graph_shows_every_path_a_caller_can_take_in_a_chosen_language(app_factory, tmp_path):
    (tmp_path / "sale.yaml").write_text(
        "id: sale\nkind: survey\nservice_codes: ['*7#']\nlanguages: [en, sw]\nquestions:\n"
        "  - id: consent\n    type: consent\n    label: {en: Agree?, sw: Unakubali?}\n"
        "    next: sold\n"
        "  - id: sold\n    type: yes_no\n    label: {en: Sold?, sw: Uliuza?}\n    next: price\n"
        "  - id: price\n    type: number\n    relevant: sold\n    label: {en: Price?, sw: Bei?}\n"
        "    next: total\n"
        "  - id: total\n    type: calculate\n    calculation: price or 0\n    next: thanks\n"
        "  - id: thanks\n    type: message\n    label: {en: Thanks, sw: Asante}\n"
    )
    runner = app_factory(MENUS_DIR=str(tmp_path)).test_cli_runner()
    result = runner.invoke(args=["menus", "graph", "sale", "--language", "sw"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert '  state "Unakubali?" as consent' in lines  # labels, not ids
    assert "  consent --> [*]: Hapana, asante" in lines  # declining ends the survey
    assert "  sold --> total: skips price: not (sold)" in lines  # a false `relevant`
    assert "  thanks --> [*]" in lines  # the end
    assert not any("classDef" in line or "active" in line for line in lines)
    wrong = runner.invoke(args=["menus", "graph", "sale", "--language", "fr"])
    assert wrong.exit_code == 2 and "has no 'fr'" in wrong.output


def test_translations_lists_what_a_language_lacks(runner):
    result = runner.invoke(args=["menus", "translations", "deep"])
    assert result.exit_code == 0  # one language, nothing missing
    result = runner.invoke(args=["menus", "translations", "harvest"])
    assert result.exit_code == 0 and "sw: 0 missing" in result.output


def test_translations_names_each_missing_text(app_factory, tmp_path):
    menus = tmp_path / "partial"
    menus.mkdir()
    (menus / "partial.yaml").write_text(
        "id: partial\nservice_codes: ['*9#']\nlanguages: [en, sw]\nquestions:\n"
        "  - id: hello\n    type: message\n    label: {en: Hello}\n"
    )
    runner = app_factory(MENUS_DIR=str(menus), MENUS_REQUIRED=False).test_cli_runner()
    result = runner.invoke(args=["menus", "translations", "partial"])
    assert result.exit_code == 1
    assert "sw: 1 missing" in result.output
    assert f"{menus / 'partial.yaml'}:7:5: questions.hello.label" in result.output


def test_a_declared_language_without_a_label_fails_validation(runner, tmp_path):
    partial = tmp_path / "partial.yaml"
    partial.write_text(
        "id: partial\nservice_codes: ['*9#']\nlanguages: [en, sw]\nquestions:\n"
        "  - id: hello\n    type: choice\n    label: {en: Hello, sw: Habari}\n"
        "    choices:\n      - {value: a, label: {en: A}}\n      - {value: b, label: B}\n"
        "    next: bye\n"
        "  - id: bye\n    type: message\n    label: {en: Bye, sw: Kwaheri}\n"
        "    constraint_message: Sorry\n"
    )
    result = runner.invoke(args=["menus", "validate", str(partial)])
    assert result.exit_code == 1
    missing = "no 'sw' text (`languages` declares it)"
    assert f"{partial}:9:20: questions.hello.choices.a.label: {missing}" in result.stderr
    assert f"{partial}:10:27: questions.hello.choices.b.label: {missing}" in result.stderr
    assert f"{partial}:15:25: questions.bye.constraint_message: {missing}" in result.stderr
