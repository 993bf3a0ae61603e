"""The channel-neutral Prompt rendered for voice: TwiML and Africa's Talking XML."""

import xml.etree.ElementTree as ET

from app.prompts import Choice, Prompt
from app.voice.at_xml import render_at_xml
from app.voice.twiml import render_twiml

MENU = Prompt("Which crop?", (Choice("1", "Maize"), Choice("2", "Beans")), language="en")


def test_twiml_gathers_one_digit_and_says_the_choices():
    root = ET.fromstring(render_twiml(MENU, "https://x/voice/twilio/next"))
    gather = root.find("Gather")
    assert gather.get("numDigits") == "1" and gather.get("input") == "dtmf"
    assert gather.get("action") == "https://x/voice/twilio/next"
    assert gather.find("Say").text == "Which crop? Press 1 for Maize. Press 2 for Beans."
    assert root.find("Redirect").text == "https://x/voice/twilio/next"


def test_twiml_ending_says_goodbye_and_hangs_up():
    root = ET.fromstring(render_twiml(Prompt("Thank you.", end=True), "https://x/next"))
    assert [child.tag for child in root] == ["Say", "Hangup"]


def test_twiml_plays_a_recording_when_there_is_one():
    prompt = Prompt("Karibu", audio_url="https://cdn/karibu.mp3", language="sw")
    root = ET.fromstring(render_twiml(prompt, "https://x/next"))
    assert root.find("Gather/Play").text == "https://cdn/karibu.mp3"


def test_at_xml_get_digits_with_a_fallback_goodbye_in_the_callers_language():
    prompt = Prompt("Zao gani?", (Choice("1", "Mahindi"),), language="sw")
    root = ET.fromstring(render_at_xml(prompt, "https://x/voice/at/next"))
    digits = root.find("GetDigits")
    assert digits.get("numDigits") == "1" and digits.get("callbackUrl") == "https://x/voice/at/next"
    assert digits.find("Say").text == "Zao gani? Bonyeza 1 kwa Mahindi."
    assert root.findall("Say")[-1].text == "Hatukupata chaguo lako. Kwaheri."


def test_at_xml_escapes_text():
    root = ET.fromstring(render_at_xml(Prompt("Beans & <maize>", end=True), "https://x"))
    assert root.find("Say").text == "Beans & <maize>"


def test_free_entry_waits_for_hash():
    root = ET.fromstring(render_at_xml(Prompt("Enter amount"), "https://x"))
    assert root.find("GetDigits").get("numDigits") is None
    assert root.find("GetDigits").get("finishOnKey") == "#"
