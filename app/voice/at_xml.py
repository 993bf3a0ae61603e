"""Prompt -> Africa's Talking voice XML, built with xml.etree (never string formatting).

Source: Africa's Talking Voice "Call handler" actions: `<GetDigits timeout finishOnKey
numDigits callbackUrl>` with a nested `<Say>` or `<Play url>`; with no input AT posts
nothing and runs the next action, here a spoken goodbye.
"""

# Builds XML, never parses any (bandit B405).
import xml.etree.ElementTree as ET  # nosec B405

from app.interrogators.messages import message
from app.prompts import Prompt
from app.voice import digits_wanted, spoken

GET_DIGITS_TIMEOUT_SECONDS = 10


def render_at_xml(prompt: Prompt, callback_url: str) -> str:
    """AT voice XML for `prompt`; returns the document with its XML declaration."""
    response = ET.Element("Response")
    if prompt.end:
        _speak(response, prompt)
    else:
        attributes = {
            "timeout": str(GET_DIGITS_TIMEOUT_SECONDS),
            "finishOnKey": "#",
            "callbackUrl": callback_url,
        }
        digits = digits_wanted(prompt)
        if digits is not None:
            attributes["numDigits"] = str(digits)
        _speak(ET.SubElement(response, "GetDigits", attributes), prompt)
        ET.SubElement(response, "Say").text = message(prompt.language, "no_input")
    return ET.tostring(response, encoding="unicode", xml_declaration=True)


def _speak(parent: ET.Element, prompt: Prompt) -> None:
    if prompt.audio_url:
        ET.SubElement(parent, "Play", {"url": prompt.audio_url})
    else:
        ET.SubElement(parent, "Say").text = spoken(prompt)
