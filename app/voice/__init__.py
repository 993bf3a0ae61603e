"""Voice: the same directors and definitions a USSD session runs, answering phone calls
on Twilio (TwiML) and Africa's Talking (voice XML).

The channel owns the keys (`keys.py`), the speech (`speech.py`, `phrases.py`), the
renderers (`twiml.py`, `at_xml.py`), the gateway adapters (`gateways/`), webhook
verification (`verify.py`) and the call records (`calls.py`); nothing above the renderers
knows `<Gather>` or `<GetDigits>`.
"""

from flask import Flask


def init_app(app: Flask) -> None:
    """The /voice blueprint and the `calls` / `callmock` commands."""
    from app.voice import callbacks  # noqa: F401 - its routes join the voice blueprint
    from app.voice.callmock import callmock_command
    from app.voice.calls import calls_cli
    from app.voice.views import bp

    app.register_blueprint(bp)
    app.cli.add_command(calls_cli)
    app.cli.add_command(callmock_command)
