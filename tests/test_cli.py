"""The CLI: seed, dial, directors bids, menus validate, outbox list."""

import json
import re

from tests.conftest import FIXTURES


def test_seed_is_idempotent(app, runner):
    first = runner.invoke(args=["seed"]).output
    assert "seeded 20 demo customers" in first
    assert "seeded 8 campaign clients" in first
    assert "seeded 2 tip series" in first
    assert "seeded 1 campaign" in first
    again = runner.invoke(args=["seed"]).output
    assert "seeded 0 demo customers" in again
    assert "seeded 0 campaign clients" in again
    assert "seeded 0 campaign" in again


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
    assert f"{path}:16: questions.bogus.type: Input should be" in result.output


def test_menus_validate_finds_what_a_schema_cannot(app, runner, tmp_path):
    broken = tmp_path / "flow.yaml"
    broken.write_text(
        "id: flow\nservice_codes: ['*1#']\nquestions:\n"
        "  - id: start\n    type: choice\n    label: Pick\n    choices:\n"
        "      - {value: a, label: A, goto: nowhere}\n    next: done\n"
        "  - id: lonely\n    type: text\n    label: 'Never {{ mystery }}'\n    next: start\n"
        "  - id: done\n    type: message\n    label: Bye\n"
    )
    output = runner.invoke(args=["menus", "validate", str(broken)]).output
    assert f"{broken}:4: questions.start: goto: no question 'nowhere'" in output
    assert f"{broken}:10: questions.lonely: unknown name 'mystery'" in output


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
    assert f"{risky}:4: questions.size.next: dead end when no rule matches" in result.output


def test_menus_schema_is_json_schema(app, runner):
    schema = json.loads(runner.invoke(args=["menus", "schema"]).output)
    assert schema["title"] == "DefinitionDef" and "questions" in schema["properties"]


def test_outbox_list_shows_what_the_development_backend_recorded(seeded, runner, client):
    from tests.conftest import Handset

    Handset(client, "+254711000002").walk("2", "100", "1", "1234")
    output = runner.invoke(args=["outbox", "list"]).output
    assert "sms" in output and "sent" in output and "development" in output
    assert "KES 100.00 withdrawn. New balance KES 6,900.00" in output


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
