"""Prompt -> Africa's Talking voice XML, built with xml.etree (never string formatting).

Source: Africa's Talking Voice "Call handler" actions. `<GetDigits numDigits finishOnKey
timeout callbackUrl>` with one nested `<Say>` or `<Play url>`; with no input AT posts
nothing and runs the next action, so the prompt is gathered twice, then a goodbye (the
call ends when the actions do). Without `finishOnKey` the first key pressed is returned,
so `*`, `0` and `#` arrive as keys on single-key menus. `<Record finishOnKey maxLength
playBeep trimSilence callbackUrl>` for spoken answers; `<Dial phoneNumbers ringbackTone
callerId>` to put the caller through; `<Redirect>` continues after a message. A hotline
dial is `<Dial phoneNumbers sequential callerId ringbackTone>` followed by the greeting and
a `<Record>` (reached only when nobody answers); a call queue is `<Enqueue holdMusic name>`
for callers and `<Dequeue phoneNumber name>` for agents ("Call queues").
"""

# Builds XML, never parses any (bandit B405).
import xml.etree.ElementTree as ET  # nosec B405

from app.conversation import Connect, InputKind, Prompt, Queue
from app.voice.keys import single_key
from app.voice.phrases import phrase
from app.voice.speech import digits_wanted, spoken
from app.voice.urls import CallUrls

GET_DIGITS_TIMEOUT_SECONDS = 10
RECORD_MAX_SECONDS = 120


def render_at_xml(prompt: Prompt, callback_url: str, urls: CallUrls | None = None) -> str:
    """AT voice XML for `prompt`; the caller's answer is posted to `callback_url`, a
    voicemail to `urls.recorded`.

    Returns:
        the XML document, with its declaration.
    """
    response = ET.Element("Response")
    urls = urls or CallUrls()
    if prompt.end:
        if prompt.text and prompt.voicemail is None:
            _speak(response, prompt)
        if prompt.connect is not None:
            _dial(response, prompt.connect, urls)
        elif prompt.voicemail is not None:
            record_voicemail(response, urls, prompt.text, prompt.language)
        elif prompt.queue is not None:
            _queue(response, prompt.queue)
    elif prompt.expects == InputKind.NONE:
        _speak(response, prompt)
        ET.SubElement(response, "Redirect").text = callback_url
    elif prompt.expects in (InputKind.TEXT, InputKind.RECORDING):
        record = ET.SubElement(
            response,
            "Record",
            {
                "finishOnKey": "#",
                "maxLength": str(RECORD_MAX_SECONDS),
                "trimSilence": "true",
                "playBeep": "true",
                "callbackUrl": callback_url,
            },
        )
        _speak(record, prompt)
        _goodbye(response, prompt.language)
    else:
        attributes = {"timeout": str(GET_DIGITS_TIMEOUT_SECONDS), "callbackUrl": callback_url}
        digits = digits_wanted(prompt)
        if digits is not None:
            attributes["numDigits"] = str(digits)
        if not single_key(prompt):
            attributes["finishOnKey"] = "#"
        for _ in range(2):  # no input: ask once more, then say goodbye
            _speak(ET.SubElement(response, "GetDigits", attributes), prompt)
        _goodbye(response, prompt.language)
    return _document(response)


def _dial(response: ET.Element, connect: Connect, urls: CallUrls) -> None:
    """`<Dial phoneNumbers sequential callerId ringbackTone>`; with a voicemail behind it,
    the greeting and a `<Record>` follow: AT runs them only when nobody picked up (an
    answered Dial is terminal)."""
    attributes = {
        "phoneNumbers": ",".join(connect.numbers),
        "sequential": "true" if connect.sequential else "false",
    }
    ringback = connect.ringback_url or urls.ringback
    if ringback:
        attributes["ringbackTone"] = ringback
    if connect.caller_id:
        attributes["callerId"] = connect.caller_id
    ET.SubElement(response, "Dial", attributes)
    if connect.voicemail is not None:
        record_voicemail(response, urls, connect.voicemail.greeting, "en")


def record_voicemail(response: ET.Element, urls: CallUrls, greeting: str, language: str) -> None:
    """`<Record finishOnKey maxLength playBeep trimSilence callbackUrl>` with the greeting
    said inside it; the recording is posted to `urls.recorded`."""
    record = ET.SubElement(
        response,
        "Record",
        {
            "finishOnKey": "#",
            "maxLength": str(RECORD_MAX_SECONDS),
            "trimSilence": "true",
            "playBeep": "true",
            "callbackUrl": urls.recorded,
        },
    )
    if greeting:
        ET.SubElement(record, "Say").text = greeting


def _queue(response: ET.Element, queue: Queue) -> None:
    """A caller waits (`<Enqueue holdMusic name>`); an agent takes the longest-waiting
    caller of the queue callers reach on `queue.number` (`<Dequeue phoneNumber name>`)."""
    if queue.take:
        ET.SubElement(response, "Dequeue", {"phoneNumber": queue.number, "name": queue.name})
        return
    attributes = {"name": queue.name}
    if queue.hold_music_url:
        attributes["holdMusic"] = queue.hold_music_url
    ET.SubElement(response, "Enqueue", attributes)


def render_saved_at_xml(language: str) -> str:
    """What a caller hears once the voicemail is in."""
    response = ET.Element("Response")
    _goodbye(response, language, "voicemail_saved")
    return _document(response)


def render_goodbye_at_xml(language: str, reason: str = "sorry") -> str:
    """A spoken goodbye (`reason` is a phrase key: sorry, busy, no_input, ...)."""
    response = ET.Element("Response")
    _goodbye(response, language, reason)
    return _document(response)


XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>'


def _document(response: ET.Element) -> str:
    return XML_DECLARATION + ET.tostring(response, encoding="unicode")


def _goodbye(response: ET.Element, language: str, reason: str = "no_input") -> None:
    ET.SubElement(response, "Say").text = phrase(language, reason)


def _speak(parent: ET.Element, prompt: Prompt) -> None:
    if prompt.audio_url:
        ET.SubElement(parent, "Play", {"url": prompt.audio_url})
    else:
        ET.SubElement(parent, "Say").text = spoken(prompt)
