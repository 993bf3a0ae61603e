"""The entry point: `flask --app manage <command>` (run, db, seed, dial, menus, ...)."""

import sys

from app import create_app
from app.errors import ConfigurationError, MenuDefinitionError

try:
    # `flask menus ...` must start even when a definition is broken: it is how a designer
    # finds out what is wrong. Every other command (and the server) refuses to start.
    app = create_app({"MENUS_REQUIRED": "menus" not in sys.argv[1:4]})
except (ConfigurationError, MenuDefinitionError) as err:
    sys.exit(f"sauti: {err}")
