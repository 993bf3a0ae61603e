"""Prompt -> TwiML, built with the twilio package's VoiceResponse (never string formatting).

Source: Twilio TwiML voice reference. `<Gather input="dtmf" numDigits finishOnKey timeout
action>` with a nested `<Say language>` or `<Play>`; with no input a Gather falls through
to the next verb, so the prompt is gathered twice, then a goodbye and `<Hangup>`.
`finishOnKey=""` lets `*`, `0` and `#` arrive as keys on single-key menus. `<Record action
maxLength finishOnKey playBeep>` for spoken answers; `<Dial><Number>` to put the caller
through (Twilio has no ringback URL: the caller hears the callee's ringing);
`<Redirect>` continues after a message that asks nothing.
"""

from twilio.twiml.voice_response import VoiceResponse

from app.conversation import InputKind, Prompt
from app.voice.keys import single_key
from app.voice.phrases import phrase
from app.voice.speech import digits_wanted, spoken

GATHER_TIMEOUT_SECONDS = 8
RECORD_MAX_SECONDS = 120
SAY_LANGUAGES = {"en": "en-GB", "sw": "sw-KE", "fr": "fr-FR"}


def render_twiml(prompt: Prompt, action_url: str) -> str:
    """TwiML for `prompt`; the caller's answer is posted to `action_url`.

    Returns:
        the XML document, with its declaration.
    """
    response = VoiceResponse()
    if prompt.end:
        _speak(response, prompt)
        if prompt.connect is not None:
            dial = response.dial(caller_id=prompt.connect.caller_id)
            for number in prompt.connect.numbers:
                dial.number(number)
        else:
            response.hangup()
    elif prompt.expects == InputKind.NONE:
        _speak(response, prompt)
        response.redirect(action_url, method="POST")
    elif prompt.expects in (InputKind.TEXT, InputKind.RECORDING):
        _speak(response, prompt)
        response.record(
            action=action_url,
            method="POST",
            max_length=RECORD_MAX_SECONDS,
            finish_on_key="#",
            play_beep=True,
            timeout=5,
        )
        _goodbye(response, prompt.language)
    else:
        for _ in range(2):  # no input: ask once more, then say goodbye
            gather = response.gather(
                input="dtmf",
                action=action_url,
                method="POST",
                timeout=GATHER_TIMEOUT_SECONDS,
                num_digits=digits_wanted(prompt),
                finish_on_key="" if single_key(prompt) else "#",
            )
            _speak(gather, prompt)
        _goodbye(response, prompt.language)
    return str(response)


def render_goodbye_twiml(language: str, reason: str = "sorry") -> str:
    """A spoken goodbye (`reason` is a phrase key: sorry, busy, no_input, ...) and Hangup."""
    response = VoiceResponse()
    _goodbye(response, language, reason)
    return str(response)


def _goodbye(response: VoiceResponse, language: str, reason: str = "no_input") -> None:
    response.say(phrase(language, reason), language=SAY_LANGUAGES.get(language, "en-GB"))
    response.hangup()


def _speak(verb, prompt: Prompt) -> None:  # noqa: ANN001 - a TwiML verb
    if prompt.audio_url:
        verb.play(prompt.audio_url)
        return
    verb.say(spoken(prompt), language=SAY_LANGUAGES.get(prompt.language, "en-GB"))
