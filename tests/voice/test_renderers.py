"""The channel-neutral Prompt rendered for a call: TwiML and Africa's Talking XML, parsed."""

import xml.etree.ElementTree as ET

import pytest

from app.conversation import Choice, Connect, InputKind, Nav, Prompt
from app.voice.at_xml import render_at_xml, render_goodbye_at_xml
from app.voice.keys import decode
from app.voice.twiml import render_goodbye_twiml, render_twiml

ALL_NAV = frozenset({Nav.BACK, Nav.HOME, Nav.REPEAT})
MENU = Prompt(
    "Which crop?",
    (Choice("1", "Maize"), Choice("2", "Beans")),
    expects=InputKind.CHOICE,
    navigation=ALL_NAV,
)
AMOUNT = Prompt("Enter amount", expects=InputKind.DIGITS, navigation=ALL_NAV, max_digits=6)
HOSTILE = 'Amina</Say><Dial>+15550001111</Dial><Say a="'


def twiml(prompt: Prompt) -> ET.Element:
    return ET.fromstring(render_twiml(prompt, "https://x/voice/twilio/answer"))


def at_xml(prompt: Prompt) -> ET.Element:
    return ET.fromstring(render_at_xml(prompt, "https://x/voice/africastalking/t/digits"))


def test_twiml_gathers_one_key_and_says_choices_and_keys():
    root = twiml(MENU)
    gather = root.find("Gather")
    assert gather.get("numDigits") == "1" and gather.get("input") == "dtmf"
    assert gather.get("finishOnKey") == ""  # so *, 0 and # arrive as keys
    assert gather.get("action") == "https://x/voice/twilio/answer"
    assert gather.find("Say").text == (
        "Which crop? For Maize, press 1. For Beans, press 2. To go back, press star. "
        "To start again, press zero. To hear this again, press hash."
    )


def test_no_input_asks_once_more_then_says_goodbye():
    assert [child.tag for child in twiml(MENU)] == ["Gather", "Gather", "Say", "Hangup"]
    assert twiml(MENU).find("Say").text == "We did not hear from you. Goodbye."
    root = at_xml(MENU)
    assert [child.tag for child in root] == ["GetDigits", "GetDigits", "Say"]
    assert root.findall("Say")[-1].text == "We did not hear from you. Goodbye."


def test_typed_input_waits_for_hash_and_says_the_typed_keys():
    gather = twiml(AMOUNT).find("Gather")
    assert gather.get("finishOnKey") == "#" and gather.get("numDigits") == "6"
    assert gather.find("Say").text == (
        "Enter amount. Then press hash. To go back, press star and hash. "
        "To start again, press star star and hash."
    )
    digits = at_xml(AMOUNT).find("GetDigits")
    assert digits.get("finishOnKey") == "#" and digits.get("numDigits") == "6"


def test_at_single_key_menu_has_no_finishing_key():
    digits = at_xml(MENU).find("GetDigits")
    assert digits.get("numDigits") == "1" and digits.get("finishOnKey") is None
    assert digits.get("callbackUrl") == "https://x/voice/africastalking/t/digits"
    assert digits.get("timeout") == "10"


def test_zero_stays_a_choice_when_a_menu_uses_it():
    prompt = Prompt(
        "Sauti Money.",
        (Choice("0", "sales"), Choice("1", "support"), Choice("2", "this again")),
        expects=InputKind.CHOICE,
        navigation=ALL_NAV,
    )
    said = twiml(prompt).find("Gather/Say").text
    assert "For sales, press zero." in said and "To start again" not in said
    assert decode("0", prompt) == ("0", None)
    assert decode("*", prompt) == (None, Nav.BACK)


def test_decode_reads_navigation_keys_per_mode():
    assert decode("*", MENU) == (None, Nav.BACK)
    assert decode("0", MENU) == (None, Nav.HOME)
    assert decode("#", MENU) == (None, Nav.REPEAT)
    assert decode("2", MENU) == ("2", None)
    assert decode(None, MENU) == (None, Nav.REPEAT)
    assert decode("**", AMOUNT) == (None, Nav.HOME)
    assert decode("", AMOUNT) == (None, Nav.REPEAT)
    assert decode("0", AMOUNT) == ("0", None)


def test_keys_not_offered_are_not_said_and_are_answers():
    first = Prompt("Which crop?", MENU.choices, expects=InputKind.CHOICE)
    said = twiml(first).find("Gather/Say").text
    assert "go back" not in said and "To hear this again, press hash." in said
    assert decode("*", first) == ("*", None)


def test_the_note_is_said_before_the_question():
    prompt = Prompt("Enter amount", note="Enter a number from 10 to 100.", expects="digits")
    said = twiml(prompt).find("Gather/Say").text
    assert said.startswith("Enter a number from 10 to 100. Enter amount")


def test_swahili_prompt_and_goodbye():
    prompt = Prompt("Zao gani?", (Choice("1", "Mahindi"),), expects="choice", language="sw")
    root = at_xml(prompt)
    assert root.find("GetDigits/Say").text.startswith("Zao gani? Kwa Mahindi, bonyeza 1.")
    assert root.findall("Say")[-1].text == "Hatukukusikia. Kwaheri."
    assert twiml(prompt).find("Gather/Say").get("language") == "sw-KE"


def test_ending_says_it_and_hangs_up():
    assert [child.tag for child in twiml(Prompt("Thank you.", end=True))] == ["Say", "Hangup"]
    assert [child.tag for child in at_xml(Prompt("Thank you.", end=True))] == ["Say"]


def test_recording_per_language_is_played_instead_of_speech():
    prompt = Prompt(
        "Karibu",
        (Choice("1", "Ndiyo"),),
        expects="choice",
        audio={"sw": "https://cdn/karibu.mp3", "en": "https://cdn/welcome.mp3"},
        language="sw",
    )
    assert twiml(prompt).find("Gather/Play").text == "https://cdn/karibu.mp3"
    assert at_xml(prompt).find("GetDigits/Play").get("url") == "https://cdn/karibu.mp3"


def test_free_text_becomes_a_recording():
    prompt = Prompt("Tell us about your farm", expects=InputKind.TEXT)
    record = twiml(prompt).find("Record")
    assert record.get("action") == "https://x/voice/twilio/answer"
    assert record.get("finishOnKey") == "#" and record.get("playBeep") == "true"
    at_record = at_xml(prompt).find("Record")
    assert at_record.get("callbackUrl").endswith("/digits")
    assert at_record.find("Say").text.endswith("Speak after the beep, then press hash.")


def test_message_that_asks_nothing_continues_with_a_redirect():
    prompt = Prompt("Your balance is 500.", expects=InputKind.NONE)
    assert twiml(prompt).find("Redirect").text == "https://x/voice/twilio/answer"
    assert at_xml(prompt).find("Redirect").text == "https://x/voice/africastalking/t/digits"


def test_connect_dials_with_a_ringback_tone_on_africas_talking():
    prompt = Prompt(
        "Connecting you to sales.",
        end=True,
        connect=Connect(("+254711082101",), "https://x/voice/ringback.mp3", "+254711082001"),
    )
    dial = at_xml(prompt).find("Dial")
    assert dial.get("phoneNumbers") == "+254711082101"
    assert dial.get("ringbackTone") == "https://x/voice/ringback.mp3"
    assert dial.get("callerId") == "+254711082001"
    root = twiml(prompt)
    assert [child.tag for child in root] == ["Say", "Dial"]
    assert root.find("Dial/Number").text == "+254711082101"


@pytest.mark.parametrize("render", [twiml, at_xml])
def test_caller_text_said_stays_text(render):
    root = render(Prompt(f"Hello {HOSTILE}", end=True))
    assert [child.tag for child in root][:1] == ["Say"]
    assert root.find("Dial") is None
    assert root.find("Say").text.startswith(f"Hello {HOSTILE}")


@pytest.mark.parametrize("render", [twiml, at_xml])
def test_hostile_choice_label_and_note_stay_text(render):
    prompt = Prompt("Q", (Choice("1", HOSTILE),), note=HOSTILE, expects="choice")
    root = render(prompt)
    assert root.find("Dial") is None
    assert HOSTILE in root[0][0].text


def test_goodbyes():
    assert ET.fromstring(render_goodbye_twiml("en")).find("Say").text.startswith("Sorry")
    assert (
        ET.fromstring(render_goodbye_at_xml("sw", "busy")).find("Say").text.startswith("Samahani")
    )


def test_at_document_starts_with_the_xml_declaration():
    assert render_at_xml(MENU, "https://x").startswith('<?xml version="1.0" encoding="UTF-8"?>')
