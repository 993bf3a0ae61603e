"""Prompt -> TwiML, built with the twilio package's VoiceResponse (never string formatting).

Source: Twilio TwiML voice reference. `<Gather input="dtmf" numDigits finishOnKey timeout
action>` with a nested `<Say language>` or `<Play>`; with no input a Gather falls through
to the next verb, so the prompt is gathered twice, then a goodbye and `<Hangup>`.
`finishOnKey=""` lets `*`, `0` and `#` arrive as keys on single-key menus. `<Record action
maxLength finishOnKey playBeep>` for spoken answers; `<Dial><Number>` to put the caller
through (Twilio has no ringback URL: the caller hears the callee's ringing);
`<Redirect>` continues after a message that asks nothing. A hotline dial is `<Dial
callerId timeout action>` with `<Number>`s, its voicemail `<Record transcribe
transcribeCallback recordingStatusCallback action>`; a call queue is `<Enqueue waitUrl
action>` for callers and `<Dial><Queue url>` for agents.
"""

from twilio.twiml.voice_response import VoiceResponse

from app.conversation import Connect, InputKind, Prompt, Queue
from app.voice.keys import single_key
from app.voice.phrases import phrase
from app.voice.speech import digits_wanted, spoken
from app.voice.urls import CallUrls

GATHER_TIMEOUT_SECONDS = 8
RECORD_MAX_SECONDS = 120
VOICEMAIL_MAX_SECONDS = 120  # Twilio transcribes recordings of 2 to 120 seconds only
SAY_LANGUAGES = {"en": "en-GB", "sw": "sw-KE", "fr": "fr-FR"}


def render_twiml(prompt: Prompt, action_url: str, urls: CallUrls | None = None) -> str:
    """TwiML for `prompt`; the caller's answer is posted to `action_url`, a call-control
    verb's callbacks (hotline dial and voicemail, call queue) to `urls`.

    Returns:
        the XML document, with its declaration.
    """
    response = VoiceResponse()
    urls = urls or CallUrls()
    if prompt.end:
        if prompt.text:
            _speak(response, prompt)
        if prompt.connect is not None:
            _dial(response, prompt.connect, urls)
        elif prompt.voicemail is not None:
            record_voicemail(response, urls, prompt.language)
        elif prompt.queue is not None:
            _queue(response, prompt.queue, urls)
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


def _dial(response: VoiceResponse, connect: Connect, urls: CallUrls) -> None:
    """`<Dial callerId timeout [sequential] [action]>` with a `<Number>` each; with a
    voicemail behind it, the action says how the dial ended (nobody answered: record)."""
    attributes: dict = {"caller_id": connect.caller_id}
    if connect.timeout_seconds:
        attributes["timeout"] = connect.timeout_seconds
    if connect.sequential:
        attributes["sequential"] = "true"
    if connect.voicemail is not None:
        attributes |= {"action": urls.dialled, "method": "POST"}
    dial = response.dial(**attributes)
    for number in connect.numbers:
        dial.number(number)


def record_voicemail(response: VoiceResponse, urls: CallUrls, language: str) -> None:
    """`<Record>` a voicemail with transcription: the recording comes to `urls.recorded`
    (action) and `urls.recording` (status callback), the transcript to `urls.transcript`;
    with nothing recorded the caller hears goodbye."""
    response.record(
        action=urls.recorded,
        method="POST",
        max_length=VOICEMAIL_MAX_SECONDS,
        finish_on_key="#",
        play_beep=True,
        timeout=5,
        transcribe=True,
        transcribe_callback=urls.transcript,
        recording_status_callback=urls.recording,
        recording_status_callback_method="POST",
    )
    _goodbye(response, language, "voicemail_saved")


def _queue(response: VoiceResponse, queue: Queue, urls: CallUrls) -> None:
    """A caller waits (`<Enqueue waitUrl action>name`); an agent takes the queue's
    longest-waiting caller (`<Dial action><Queue url>name`)."""
    if queue.take:
        dial = response.dial(action=urls.agent_dialled, method="POST")
        dial.queue(queue.name, url=urls.dequeued, method="POST")
        return
    response.enqueue(
        queue.name,
        wait_url=urls.hold,
        wait_url_method="POST",
        action=urls.left_queue,
        method="POST",
    )


def render_hold_twiml(music_url: str, language: str = "en") -> str:
    """The `<Enqueue waitUrl>` document: the hold music, looped, or a spoken "please hold"
    and a pause when the queue has none (Twilio requests the wait URL again when it ends)."""
    response = VoiceResponse()
    if music_url:
        response.play(music_url, loop=0)
    else:
        response.say(phrase(language, "hold"), language=SAY_LANGUAGES.get(language, "en-GB"))
        response.pause(length=20)
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
