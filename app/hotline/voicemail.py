"""Voicemail: opened when a caller is asked to leave a message, filled in by the gateway's
recording and transcription callbacks, and emailed to the group exactly once.

Each function is idempotent on the gateway's ids: a repeated callback changes nothing and
sends nothing. The email goes when the transcript arrives (or fails), or, without one,
`VOICEMAIL_TRANSCRIPT_WAIT_SECONDS` after the recording (Celery beat runs
`send_due_voicemails`; Africa's Talking never transcribes). Its outbox dedupe key is the
voicemail's id, so even two workers racing queue one email.
"""

import logging
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import select, update

from app.extensions import db
from app.hotline.schedule import local_moment
from app.mail import queue_email
from app.models import Voicemail, VolunteerGroup
from app.models.base import insert_ignoring_duplicates, row_for_call, utc
from app.outbox import commit, dispatch
from app.phones import mask

log = logging.getLogger(__name__)

TRANSCRIPT_STATUSES = ("completed", "failed")


def open_voicemail(gateway: str, call_id: str, group_id: int, caller: str) -> Voicemail:
    """Record that this call is being asked to leave a message (before `<Record>`), so its
    recording callback is expected. Commits. A second call with the same ids returns the
    same row.

    Args:
        gateway: "twilio" or "africastalking".
        call_id: the gateway's call id (Twilio `CallSid`, Africa's Talking `sessionId`).
        group_id: the group called (`HotlineRoute.group_id`).
        caller: the caller's E.164 MSISDN.
    """
    insert_ignoring_duplicates(
        Voicemail,
        ["gateway", "call_id"],
        gateway=gateway,
        call_id=call_id,
        group_id=group_id,
        caller=caller,
        opened_at=datetime.now(UTC),
    )
    db.session.commit()
    return _find(gateway, call_id)


def _find(gateway: str, call_id: str, lock: bool = False) -> Voicemail:
    return row_for_call(Voicemail, gateway, call_id, lock)


def recording_arrived(
    gateway: str,
    call_id: str,
    recording_url: str,
    duration_seconds: int | None = None,
    recording_id: str | None = None,
    at: datetime | None = None,
) -> Voicemail:
    """Store the recording of an opened voicemail; the first callback wins. Commits.

    Args:
        gateway, call_id: as given to `open_voicemail`.
        recording_url: Twilio `RecordingUrl` / Africa's Talking `recordingUrl` ("" when
            nothing was recorded: the email then says so, straight away; so it does when
            the transcript came first).
        duration_seconds: `RecordingDuration` / `durationInSeconds`.
        recording_id: Twilio `RecordingSid` (Africa's Talking has none).
        at: when it arrived (default now).

    Raises:
        UnknownCallError: no voicemail was opened for this call (nothing is stored).
    """
    voicemail = _find(gateway, call_id, lock=True)
    if voicemail.recorded_at is None:
        voicemail.recording_url = recording_url.strip()
        voicemail.duration_seconds = duration_seconds
        voicemail.recording_id = recording_id
        voicemail.recorded_at = at or datetime.now(UTC)
        log.info(
            "voicemail %s for group %s from %s",
            voicemail.id,
            voicemail.group_id,
            mask(voicemail.caller),
        )
    if not voicemail.recording_url or voicemail.transcript_status is not None:
        _queue_email(voicemail)  # nothing to transcribe, or the transcript came first
    dispatch(commit())
    return voicemail


def transcript_arrived(
    gateway: str, call_id: str, text: str, status: str = "completed"
) -> Voicemail:
    """Store the transcript of a voicemail and email it (once). Commits.

    Args:
        gateway, call_id: as given to `open_voicemail` (Twilio's `transcribeCallback`
            carries the `CallSid`).
        text: `TranscriptionText` ("" when it failed).
        status: `TranscriptionStatus`, "completed" or "failed".

    Raises:
        UnknownCallError: no voicemail for this call.
        ValueError: `status` is neither "completed" nor "failed".
    """
    if status not in TRANSCRIPT_STATUSES:
        raise ValueError(f"transcription status {status!r} is not completed or failed")
    voicemail = _find(gateway, call_id, lock=True)
    if voicemail.transcript_status is None:
        voicemail.transcript_status = status
        voicemail.transcript = text.strip() if status == "completed" else None
    if voicemail.recorded_at is not None:
        _queue_email(voicemail)
    dispatch(commit())
    return voicemail


def send_due_voicemails(now: datetime | None = None) -> int:
    """Email every recorded voicemail still unsent whose transcript wait is over (what
    Celery beat runs every minute). Commits; returns how many emails were queued."""
    wait = timedelta(seconds=current_app.config["VOICEMAIL_TRANSCRIPT_WAIT_SECONDS"])
    cutoff = (now or datetime.now(UTC)) - wait
    due = select(Voicemail).where(Voicemail.emailed_at.is_(None), Voicemail.recorded_at <= cutoff)
    queued = sum(_queue_email(voicemail) for voicemail in db.session.scalars(due).all())
    dispatch(commit())
    return queued


def _queue_email(voicemail: Voicemail) -> bool:
    """Queue the voicemail's email unless it was; True when this call queued it."""
    claimed = db.session.execute(
        update(Voicemail)
        .where(Voicemail.id == voicemail.id, Voicemail.emailed_at.is_(None))
        .values(emailed_at=datetime.now(UTC))
    ).rowcount
    if not claimed:
        return False
    group = db.session.get(VolunteerGroup, voicemail.group_id)
    subject, body = email_text(voicemail, group)
    queue_email(group.voicemail_email, subject, body, f"voicemail:{voicemail.id}")
    return True


def email_text(voicemail: Voicemail, group: VolunteerGroup) -> tuple[str, str]:
    """The email's subject and plain-text body: who called, when (the group's local time),
    how long, the recording's link and the transcript."""
    when = local_moment(group, utc(voicemail.recorded_at) or utc(voicemail.opened_at))
    subject = f"Voicemail for {group.name} from {voicemail.caller}"
    if voicemail.transcript_status == "completed" and voicemail.transcript:
        transcript = voicemail.transcript
    elif voicemail.transcript_status == "failed":
        transcript = "(transcription failed: listen to the recording)"
    else:
        transcript = "(no transcript)"
    recording = voicemail.recording_url or "(nothing was recorded: the caller left no message)"
    seconds = voicemail.duration_seconds
    lines = [
        f"A caller left a message on {group.name} ({group.number}).",
        "",
        f"From:      {voicemail.caller}",
        f"When:      {when:%A %d %B %Y, %H:%M} ({group.time_zone})",
        f"Length:    {seconds} seconds" if seconds is not None else "Length:    unknown",
        f"Recording: {recording}",
        "",
        "Transcript:",
        transcript,
    ]
    return subject, "\n".join(lines) + "\n"
