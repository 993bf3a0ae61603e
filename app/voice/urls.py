"""The callback URLs a call-control verb hands the gateway (hotline dial and voicemail,
call-centre queue), built on `PUBLIC_BASE_URL` for one gateway."""

from dataclasses import dataclass

from flask import current_app

from app.voice.settings import public_url


@dataclass(frozen=True)
class CallUrls:
    """Absolute URLs (relative without `PUBLIC_BASE_URL`) for one gateway's callbacks.

    Attributes:
        dialled: Twilio `<Dial action>`: how a hotline dial ended.
        recorded: Twilio `<Record action>` / AT `<Record callbackUrl>`: the voicemail.
        recording: Twilio `recordingStatusCallback`.
        transcript: Twilio `transcribeCallback`.
        hold: Twilio `<Enqueue waitUrl>` (hold music); "" on AT (`holdMusic` is the file).
        left_queue: Twilio `<Enqueue action>`: the caller left the queue.
        dequeued: Twilio `<Queue url>`: the dequeue confirmation, on the caller's call.
        agent_dialled: Twilio `<Dial action>` of an agent's dequeue.
        ringback: AT `<Dial ringbackTone>`.
    """

    dialled: str = ""
    recorded: str = ""
    recording: str = ""
    transcript: str = ""
    hold: str = ""
    left_queue: str = ""
    dequeued: str = ""
    agent_dialled: str = ""
    ringback: str = ""


def twilio_urls() -> CallUrls:
    """The Twilio callback URLs."""

    def url(path: str) -> str:
        return public_url(current_app, f"/voice/twilio/{path}")

    return CallUrls(
        dialled=url("hotline/dialled"),
        recorded=url("hotline/recorded"),
        recording=url("hotline/recording"),
        transcript=url("hotline/transcript"),
        hold=url("queue/hold"),
        left_queue=url("queue/left"),
        dequeued=url("queue/dequeued"),
        agent_dialled=url("queue/agent-dialled"),
    )


def at_urls(token: str) -> CallUrls:
    """The Africa's Talking callback URLs (behind the secret path token)."""
    return CallUrls(
        recorded=public_url(current_app, f"/voice/africastalking/{token}/voicemail"),
        ringback=public_url(current_app, "/voice/ringback.wav"),
    )
