"""CLI groups, each defined beside the part it drives."""

import click
from flask import Flask
from flask.cli import ScriptInfo


class MigrationsGroup(click.Group):
    """`flask db ...`: Flask-Migrate's commands, set up when `db` is used. Alembic, which
    they run on, would otherwise cost every command (`flask menus validate`, `flask dial`)
    a good part of its start-up. The options are Flask-Migrate's group options, handed to
    its own group callback."""

    def __init__(self) -> None:
        super().__init__(
            "db",
            help="Database migrations (Flask-Migrate): upgrade, migrate, current, ...",
            params=[
                click.Option(["-d", "--directory"], help="Migration script directory."),
                click.Option(["-x", "--x-arg"], multiple=True, help="Arguments for env.py."),
            ],
            callback=self._setup,
        )

    def _setup(self, **params: object) -> None:
        ctx = click.get_current_context()
        ctx.invoke(self._commands(ctx).callback, **params)

    def _commands(self, ctx: click.Context) -> click.Group:
        from flask_migrate import Migrate
        from flask_migrate.cli import db as migrations

        from app.extensions import db

        app = ctx.ensure_object(ScriptInfo).load_app()
        if "migrate" not in app.extensions:
            directory = str(app.root_path + "/../migrations")
            Migrate(app, db, directory=directory, render_as_batch=True)
        return migrations

    def list_commands(self, ctx: click.Context) -> list[str]:
        return self._commands(ctx).list_commands(ctx)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        return self._commands(ctx).get_command(ctx, name)


def init_app(app: Flask) -> None:
    from app.directors.cli import directors_cli
    from app.menus.cli import menus_cli
    from app.outbox.cli import outbox_cli
    from app.seed import seed_command
    from app.surveys.cli import surveys_cli
    from app.ussd.dial import dial_command

    commands = (directors_cli, menus_cli, outbox_cli, surveys_cli, seed_command, dial_command)
    for command in commands:
        app.cli.add_command(command)
    app.cli.add_command(MigrationsGroup())
