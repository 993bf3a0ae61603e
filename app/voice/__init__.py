"""Voice: the same directors and definitions a USSD session runs, answering phone calls
on Twilio (TwiML) and Africa's Talking (voice XML).

The channel owns the keys (`keys.py`), the speech (`speech.py`, `phrases.py`), the
renderers (`twiml.py`, `at_xml.py`), webhook verification (`verify.py`) and the call
records (`calls.py`); nothing above the renderers knows `<Gather>` or `<GetDigits>`.
"""
