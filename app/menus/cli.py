"""`flask menus validate | schema`: check definitions, export the schema for editors."""

import json
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from app.menus.schema import DefinitionDef
from app.menus.xlsform import import_xlsform_command


@click.group("menus")
def menus_cli() -> None:
    """Menu and survey definitions."""


menus_cli.add_command(import_xlsform_command)


@menus_cli.command("validate")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@with_appcontext
def validate(paths: tuple[Path, ...]) -> None:
    """Check every definition (or only PATHS); print each problem as file:line: field:
    message and exit 1 if there is any."""
    catalog = current_app.extensions["menus"]
    files = [
        p for path in paths for p in (sorted(path.glob("*.yaml")) if path.is_dir() else [path])
    ]
    flows, problems, warnings = catalog.compile(files or catalog.paths())
    for warning in warnings:
        click.echo(f"warning: {warning}", err=True)
    for problem in problems:
        click.echo(problem)
    if problems:
        raise SystemExit(1)
    click.echo(f"ok: {len(flows)} definitions, no problems")


@menus_cli.command("schema")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path))
def schema(output: Path | None) -> None:
    """Print (or write) the definition JSON Schema, for editors' autocomplete."""
    text = json.dumps(DefinitionDef.model_json_schema(), indent=2)
    if output:
        output.write_text(text + "\n")
    else:
        click.echo(text)
