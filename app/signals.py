"""Signals between parts that must not import each other (blinker, as Flask ships it).

A sender is the Flask app; receivers connect where they live:

- `conversation_dropped(app, session_id=..., channel=...)`: a channel learnt that a
  conversation ended before its definition did (a USSD session the gateway reports as
  failed or incomplete); surveys mark the runs of that session dropped.
- `definitions_changed(app)`: the menu catalogue installed new or edited definitions
  (hot reload); the directors are rebuilt for them.
"""

from blinker import Namespace

_signals = Namespace()

conversation_dropped = _signals.signal("conversation-dropped")
definitions_changed = _signals.signal("definitions-changed")
