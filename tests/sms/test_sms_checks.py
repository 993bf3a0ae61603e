"""`flask menus validate` on definitions offered on SMS."""


def write(tmp_path, name: str, entry: str, body: str) -> str:
    path = tmp_path / f"{name}.yaml"
    path.write_text(f"id: {name}\nentry: {{sms: [{entry}]}}\nquestions:\n{body}")
    return str(path)


ASK_PIN = (
    "  - id: pin\n    type: pin\n    label: Your PIN\n    next: done\n"
    "  - id: done\n    type: message\n    label: Bye\n"
)
ASK_NAME = (
    "  - id: name\n    type: text\n    label: Your name\n    next: done\n"
    "  - id: done\n    type: message\n    label: Bye\n"
)


def test_validate_refuses_a_pin_asked_by_sms(app, runner, tmp_path):
    path = write(tmp_path, "pins", "PINS", ASK_PIN)
    result = runner.invoke(args=["menus", "validate", path])
    assert result.exit_code == 1
    assert "questions.pin.type: a PIN must not be asked by SMS" in result.stderr


def test_validate_refuses_a_keyword_taken_by_stop(app, runner, tmp_path):
    path = write(tmp_path, "stopper", "stop", ASK_NAME)
    result = runner.invoke(args=["menus", "validate", path])
    assert result.exit_code == 1
    assert "entry.sms: 'stop' is already an SMS keyword (SMS_KEYWORDS)" in result.stderr


def test_validate_refuses_one_keyword_on_two_definitions(app, runner, tmp_path):
    first = write(tmp_path, "first", "NAME", ASK_NAME)
    second = write(tmp_path, "second", "name", ASK_NAME)
    result = runner.invoke(args=["menus", "validate", first, second])
    assert result.exit_code == 1
    assert "'name' is offered by first too" in result.stderr


def test_validate_warns_of_a_question_longer_than_an_sms(app_factory, tmp_path):
    # A USSD screen as long as the label, so only the SMS length is in question.
    app = app_factory(USSD_DEFAULT_SCREEN_CHARS=1000, USSD_SCREEN_CHARS={})
    runner = app.test_cli_runner()
    long_label = "word " * 80
    body = ASK_NAME.replace("Your name", long_label.strip())
    path = write(tmp_path, "wordy", "WORDY", body)
    result = runner.invoke(args=["menus", "validate", path])
    assert result.exit_code == 0, result.stderr
    assert "over one SMS question's 306 (SMS_CONVERSATION_MAX_CHARS)" in result.stderr


def test_the_shipped_definitions_offered_on_sms_validate(app, runner):
    result = runner.invoke(args=["menus", "validate"])
    assert result.exit_code == 0, result.stderr
