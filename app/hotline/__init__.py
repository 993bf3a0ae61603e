"""The volunteer hotline (what the Community line did): groups callers dial, volunteers and
their shifts in each group's local time, routing, voicemail emailed to the group, and the
evening reminders.

What the voice webhooks call (each module documents its functions):
    routing.route_call(called, caller, at=None, language=None) -> HotlineRoute
    voicemail.open_voicemail(gateway, call_id, group_id, caller) -> Voicemail
    voicemail.recording_arrived(gateway, call_id, recording_url, duration_seconds=None,
                                recording_id=None, at=None) -> Voicemail
    voicemail.transcript_arrived(gateway, call_id, text, status="completed") -> Voicemail
"""
