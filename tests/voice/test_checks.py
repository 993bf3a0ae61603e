"""Definitions offered on voice: keypad-answerable and speakable in every language, as
`flask menus validate` reports it."""

import pytest

from app.voice.checks import check_voice

ON_VOICE = """\
id: harvest
entry: {voice: ["+254711082009"]}
languages: [en, sw]
questions:
  - id: name
    type: text
    label: {en: "Your name?", sw: "Jina lako?"}
    max_length: 20
    next: thanks
  - id: thanks
    type: message
    label: {en: "Thank you.", sw: "   "}
"""


@pytest.fixture
def validate(runner, tmp_path):
    """Write `text` as a definition and validate it: (exit code, stderr lines)."""

    def run(text: str) -> tuple[int, list[str]]:
        path = tmp_path / "harvest.yaml"
        path.write_text(text)
        result = runner.invoke(args=["menus", "validate", str(path)])
        return result.exit_code, [
            line.replace(f"{path}:", "") for line in result.stderr.splitlines()
        ]

    return run


def test_shipped_definitions_can_be_offered_on_voice(app):
    for flow in app.extensions["menus"].flows.values():
        problems, _ = check_voice(flow)
        assert problems == [], (flow.id, problems)


def test_validate_refuses_a_prompt_with_nothing_to_say_on_a_call(validate):
    code, lines = validate(ON_VOICE)
    assert code == 1
    assert (
        "12:5: questions.thanks.label: nothing to say in sw on a call "
        "(give the text or an `audio` recording)"
    ) in lines


def test_validate_warns_that_text_limits_are_not_checked_on_a_call(validate):
    _, lines = validate(ON_VOICE)
    assert (
        "warning: 5:5: questions.name: on a call a text answer is a recording: "
        "`pattern`, `min_length` and `max_length` are not checked there"
    ) in lines


def test_the_voice_checks_apply_only_to_definitions_offered_on_voice(validate):
    on_ussd = ON_VOICE.replace('entry: {voice: ["+254711082009"]}', 'service_codes: ["*384*12#"]')
    assert validate(on_ussd) == (0, [])


def test_a_definition_offered_on_ussd_voice_and_sms_is_valid(validate):
    text = ON_VOICE.replace(
        'entry: {voice: ["+254711082009"]}',
        'entry: {ussd: ["*384*12#"], voice: ["+254711082009"], sms: [HARVEST]}',
    ).replace('sw: "   "', 'sw: "Asante."')
    code, lines = validate(text)
    assert code == 0
    assert all(line.startswith("warning: ") for line in lines), lines
