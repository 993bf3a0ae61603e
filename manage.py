"""The entry point: `flask --app manage <command>` (run, db, seed, dial, menus, ...)."""

import sys

from app import create_app
from app.errors import ConfigurationError, MenuDefinitionError

_words = set(sys.argv[1:5])
# The designer's commands start even when a definition is broken (`menus` is how they find
# out what is wrong; `dial` serves every valid file and names the broken ones). The server
# and every other command refuse to start, listing every problem.
_lenient = bool(_words & {"menus", "dial"})
# Commands print their results; only the server logs what it does (INFO).
_log_level = "INFO" if "run" in _words else "WARNING"

if "doctor" in _words:  # checks the settings the server would refuse, so builds no app
    from app.doctor import doctor_app

    app = doctor_app()
else:
    try:
        app = create_app({"MENUS_REQUIRED": not _lenient, "LOG_LEVEL": _log_level})
    except (ConfigurationError, MenuDefinitionError) as err:
        sys.exit(f"sauti: {err}")
