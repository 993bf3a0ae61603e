"""The CLI: seed, dial, directors bids, menus validate, outbox list."""

import json
import re

from tests.conftest import FIXTURES


def test_seed_is_idempotent(app, runner):
    assert "seeded 20 demo customers" in runner.invoke(args=["seed"]).output
    assert "seeded 0 demo customers" in runner.invoke(args=["seed"]).output


def test_dial_runs_a_session_in_process(seeded, runner):
    result = runner.invoke(
        args=["dial", "*384*1#", "--msisdn", "0711000002", "--reply", "6", "--reply", "1234"]
    )
    assert result.exit_code == 0, result.output
    assert "| Sauti Money. Hello Brian Otieno" in result.output
    assert "| Balance KES 7,000" in result.output and "(session ended)" in result.output


def test_directors_bids_explains_every_bid(seeded, runner):
    result = runner.invoke(args=["directors", "bids", "+254711000001", "*384*1#"])
    lines = result.output.splitlines()
    assert re.match(r"\*\s+50\s+microfinance\s+service code \*384\*1#", lines[0])
    assert any(re.match(r"\s+0\s+registration\s+already registered", line) for line in lines)


def test_directors_bids_for_an_unknown_caller(app, runner):
    result = runner.invoke(args=["directors", "bids", "+254733000999", "*384*1#"])
    first = result.output.splitlines()[0]
    assert re.match(r"\*\s+90\s+registration\s+MSISDN unknown", first)


def test_menus_validate_passes_on_the_shipped_definitions(app, runner):
    result = runner.invoke(args=["menus", "validate"])
    assert result.exit_code == 0 and "no problems" in result.output


def test_menus_validate_lists_every_problem_with_file_and_line(app, runner):
    result = runner.invoke(args=["menus", "validate", str(FIXTURES / "broken")])
    assert result.exit_code == 1
    path = str(FIXTURES / "broken" / "bad.yaml")
    assert f"{path}:16:11: questions.bogus.type: unknown type 'telepathy'" in result.stderr


def test_menus_validate_finds_what_a_schema_cannot(app, runner, tmp_path):
    broken = tmp_path / "flow.yaml"
    broken.write_text(
        "id: flow\nservice_codes: ['*1#']\nquestions:\n"
        "  - id: start\n    type: choice\n    label: Pick\n    choices:\n"
        "      - {value: a, label: A, goto: nowhere}\n    next: done\n"
        "  - id: lonely\n    type: text\n    label: 'Never {{ mystery }}'\n    next: start\n"
        "  - id: done\n    type: message\n    label: Bye\n"
    )
    output = runner.invoke(args=["menus", "validate", str(broken)]).stderr
    assert f"{broken}:8:36: questions.start.choices.a.goto: no question 'nowhere'" in output
    assert f"{broken}:12:12: questions.lonely.label: unknown name 'mystery'" in output


def test_menus_validate_refuses_rules_that_can_all_miss(app, runner, tmp_path):
    risky = tmp_path / "risky.yaml"
    risky.write_text(
        "id: risky\nservice_codes: ['*1#']\nquestions:\n"
        "  - id: size\n    type: number\n    label: Acres?\n"
        "    next: [{when: 'size > 10', goto: big}]\n"
        "  - id: big\n    type: message\n    label: Big\n"
    )
    result = runner.invoke(args=["menus", "validate", str(risky)])
    assert result.exit_code == 1
    assert f"{risky}:7:5: questions.size.next: dead end when no rule matches" in result.stderr


def test_menus_schema_is_json_schema(app, runner):
    schema = json.loads(runner.invoke(args=["menus", "schema"]).output)
    assert schema["title"] == "DefinitionDef" and "questions" in schema["properties"]


def test_outbox_list_shows_what_the_development_backend_recorded(seeded, runner, client):
    from tests.conftest import Handset

    Handset(client, "+254711000002").walk("2", "100", "1", "1234")
    output = runner.invoke(args=["outbox", "list"]).output
    assert "sms" in output and "sent" in output and "development" in output
    assert "KES 100 withdrawn. New balance KES 6,900." in output


def test_outbox_sweep_delivers_rows_left_pending(app, runner):
    from datetime import UTC, datetime, timedelta

    from app.extensions import db
    from app.models import OutboxMessage
    from tests.conftest import outbox_rows

    with app.app_context():
        db.session.add(
            OutboxMessage(
                kind="sms",
                recipient="+254711000001",
                payload={"message": "left behind"},
                dedupe_key="lost-enqueue",
                created_at=datetime.now(UTC) - timedelta(minutes=5),
            )
        )
        db.session.commit()
    assert "enqueued 1 deliveries" in runner.invoke(args=["outbox", "sweep"]).output
    [row] = outbox_rows(app)
    assert row.status == "sent" and row.result["message"] == "left behind"


def test_directors_bids_on_a_deep_dial_shows_what_the_hop_does(app, runner, client):
    from tests.conftest import Handset

    # The hop: *384*1# dialled where the gateway serves *384# (AT: serviceCode=*384#, text=1)
    phone = Handset(client, "+254733000777", "*384#")
    phone.inputs = ["1"]
    assert (
        client.post("/ussd/africastalking/test-token", data=phone.form())
        .get_data(as_text=True)
        .startswith("CON Welcome to Sauti Money.")
    )
    output = runner.invoke(args=["directors", "bids", "+254733000888", "*384*1#"]).output
    lines = output.splitlines()
    assert re.match(r"\*\s+90\s+registration\s+MSISDN unknown", lines[0])
    assert lines[-1] == "-> registration answers this dial"


def test_directors_bids_says_what_a_caller_nobody_serves_is_told(app, runner):
    output = runner.invoke(args=["directors", "bids", "+254733000888", "*999#"]).output
    assert output.splitlines()[-1] == (
        "-> nobody bids: the caller is told "
        "'Sorry, no service answers this code. Check the code and dial again.'"
    )


def test_dial_saves_the_walk_as_a_conversation_test_that_passes(app_factory, tmp_path):
    from tests.test_transcripts import Player

    menus = tmp_path / "menus"
    menus.mkdir()
    (menus / "taste.yaml").write_text(
        "id: taste\nkind: survey\nservice_codes: ['*384*70#']\nlanguages: [en, sw]\n"
        "questions:\n"
        "  - id: fruit\n    type: choice\n    randomize: true\n"
        "    label: {en: Which fruit?, sw: Tunda gani?}\n    choices:\n"
        "      - {value: mango, label: {en: Mango, sw: Embe}}\n"
        "      - {value: orange, label: {en: Orange, sw: Chungwa}}\n    next: why\n"
        "  - id: why\n    type: text\n"
        "    label: {en: 'Why {{ fruit }}?', sw: 'Kwa nini {{ fruit }}?'}\n"
        "    next: thanks\n"
        "  - id: thanks\n    type: message\n    label: {en: Thanks, sw: Asante}\n"
    )
    app = app_factory(MENUS_DIR=str(menus))
    saved = tmp_path / "taste.txt"
    result = app.test_cli_runner().invoke(
        args=[
            "dial",
            "*384*70#",
            "--msisdn",
            "0700000123",
            "--reply",
            "1",
            "--reply",
            "sweet",
            "--save-transcript",
            str(saved),
        ]
    )
    assert result.exit_code == 0, result.output
    text = saved.read_text()
    assert "dial *384*70# from +254700000123\n" in text
    assert "\nchoose " in text and "\nsend sweet\n" in text  # an option by its label
    assert "run taste +254700000123 completed" in text and "answer taste" in text
    assert "name this walk taste.en.txt" in result.stderr
    Player(app_factory(MENUS_DIR=str(menus)), saved).play()  # it replays, options shuffled


def test_dial_says_when_the_walk_to_save_was_turned_away(app_factory, tmp_path):
    menus = tmp_path / "menus"
    menus.mkdir()
    (menus / "once.yaml").write_text(
        "id: once\nkind: survey\nservice_codes: ['*384*71#']\nrepeatable: false\n"
        "questions:\n  - id: bye\n    type: message\n    label: Thanks\n"
    )
    runner = app_factory(MENUS_DIR=str(menus)).test_cli_runner()
    first, second = tmp_path / "once.en.txt", tmp_path / "once.en.again.txt"
    dial = ["dial", "*384*71#", "--msisdn", "0700000123", "--save-transcript"]
    result = runner.invoke(args=[*dial, str(first)])
    assert result.exit_code == 0 and result.stderr == "", result.output
    assert "run once +254700000123 completed" in first.read_text()
    # the same caller again: a survey answered once per caller turns them away
    result = runner.invoke(args=[*dial, str(second)])
    assert result.exit_code == 0, result.output
    assert "this walk started no survey: +254700000123 was turned away" in result.stderr
    assert "from a number that has not answered" in result.stderr


def test_dial_to_a_running_server_does_not_claim_a_broken_edit_is_unserved(app_factory, tmp_path):
    import threading

    from werkzeug.serving import make_server

    menus = tmp_path / "menus"
    menus.mkdir()
    tip = menus / "tip.yaml"
    tip.write_text(
        "id: tip\nservice_codes: ['*384*72#']\nquestions:\n"
        "  - id: tip\n    type: message\n    label: Water early.\n"
    )
    server = make_server("127.0.0.1", 0, app_factory(MENUS_DIR=str(menus)), threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        tip.write_text(tip.read_text().replace("type: message", "type: mesage"))
        runner = app_factory(MENUS_DIR=str(menus), MENUS_REQUIRED=False).test_cli_runner()
        url = f"http://127.0.0.1:{server.server_port}"
        result = runner.invoke(args=["dial", "*384*72#", "--url", url])
    finally:
        server.shutdown()
    assert result.exit_code == 0, result.output
    assert "Water early." in result.stdout  # the version the server started with
    assert "tip.yaml has problems (a hot-reloading server serves its last valid version)" in (
        result.stderr
    )
    assert "not served" not in result.stderr
