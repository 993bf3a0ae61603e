"""Definitions offered on voice: keypad-answerable and speakable in every language."""

from app.voice.checks import check_voice


def test_shipped_definitions_can_be_offered_on_voice(app):
    for flow in app.extensions["menus"].flows.values():
        problems, _ = check_voice(flow)
        assert problems == [], (flow.id, problems)


def test_text_limits_are_not_checked_on_a_call(app):
    _, warnings = check_voice(app.extensions["menus"].flows["registration"])
    assert any("questions.name: on a call a text answer is a recording" in w for w in warnings)
