"""Prompt -> TwiML, built with the twilio package's VoiceResponse.

Source: Twilio TwiML voice reference (`<Gather input="dtmf" numDigits action method>`,
`<Say language>`, `<Play>`, `<Hangup>`): with no input, Gather falls through to the next
verb, here a `<Redirect>` that asks again.
"""

from twilio.twiml.voice_response import VoiceResponse

from app.prompts import Prompt
from app.voice import digits_wanted, spoken

GATHER_TIMEOUT_SECONDS = 8
SAY_LANGUAGES = {"en": "en-GB", "sw": "sw-KE", "fr": "fr-FR"}


def render_twiml(prompt: Prompt, action_url: str) -> str:
    """TwiML for `prompt`: a Gather posting the digits to `action_url`, or a goodbye and
    Hangup when the prompt ends the call. Returns the XML document as text."""
    response = VoiceResponse()
    language = SAY_LANGUAGES.get(prompt.language, "en-GB")
    if prompt.end:
        _speak(response, prompt, language)
        response.hangup()
        return str(response)
    gather = response.gather(
        input="dtmf",
        num_digits=digits_wanted(prompt),
        action=action_url,
        method="POST",
        timeout=GATHER_TIMEOUT_SECONDS,
        finish_on_key="#",
    )
    _speak(gather, prompt, language)
    response.redirect(action_url, method="POST")
    return str(response)


def _speak(verb, prompt: Prompt, language: str) -> None:  # noqa: ANN001 - a TwiML verb
    if prompt.audio_url:
        verb.play(prompt.audio_url)
    else:
        verb.say(spoken(prompt), language=language)
