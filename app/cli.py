"""CLI groups, each defined beside the part it drives."""

from flask import Flask


def init_app(app: Flask) -> None:
    from app.api.tokens import tokens_cli
    from app.campaigns.cli import campaigns_cli
    from app.directors.cli import directors_cli
    from app.imports.cli import imports_cli
    from app.menus.cli import menus_cli
    from app.outbox.cli import outbox_cli
    from app.seed import seed_command
    from app.sms.cli import sms_cli, tick_command
    from app.sms.mock import smsmock_command
    from app.surveys.cli import surveys_cli
    from app.ussd.dial import dial_command

    commands = (
        directors_cli,
        menus_cli,
        outbox_cli,
        surveys_cli,
        seed_command,
        dial_command,
        tokens_cli,
        campaigns_cli,
        imports_cli,
        sms_cli,
        tick_command,
        smsmock_command,
    )
    for command in commands:
        app.cli.add_command(command)
