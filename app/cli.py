"""CLI groups, each defined beside the part it drives."""

from flask import Flask


def init_app(app: Flask) -> None:
    from app.directors.cli import directors_cli
    from app.menus.cli import menus_cli
    from app.outbox.cli import outbox_cli
    from app.seed import seed_command
    from app.ussd.dial import dial_command

    for command in (directors_cli, menus_cli, outbox_cli, seed_command, dial_command):
        app.cli.add_command(command)
