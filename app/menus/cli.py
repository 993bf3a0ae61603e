"""`flask menus validate | schema`: check definitions, export the schema for editors."""

import json
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from app.menus.graph import graphviz_available, mermaid, write_svg
from app.menus.schema import DefinitionDef
from app.menus.translations import missing_translations
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
    count = check_files(files or catalog.paths())
    click.echo(f"ok: {count} definition{'' if count == 1 else 's'}, no problems")


def check_files(files: list[Path]) -> int:
    """Compile `files` with the app's catalog; print each problem and warning once on
    stderr (`file:line:column: field: message`, in file order); exit 1 on a problem.

    Returns:
        how many definitions compiled.
    """
    flows, problems, warnings = current_app.extensions["menus"].compile(files)
    # Checks across the whole catalog (e.g. no two definitions share an SMS keyword):
    # `catalog_checks` maps a name to
    # a callable (flows, config) -> (problems, warnings), both `file:line: field: message`.
    for check in current_app.extensions.get("catalog_checks", {}).values():
        found, warned = check(flows, current_app.config)
        problems, warnings = [*problems, *found], [*warnings, *warned]
    for warning in warnings:
        click.echo(f"warning: {warning}", err=True)
    for problem in problems:
        click.echo(str(problem), err=True)
    if problems:
        files_with = len({getattr(p, "path", str(p).split(":")[0]) for p in problems})
        plural = "s" if len(problems) > 1 else ""
        click.echo(f"{len(problems)} problem{plural} in {files_with} file(s)", err=True)
        raise SystemExit(1)
    return len(flows)


@menus_cli.command("graph")
@click.argument("definition_id")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write Mermaid text here (and an .svg beside it when graphviz is installed).",
)
@click.option("--language", "-l", help="Label questions and choices in this language.")
@with_appcontext
def graph(definition_id: str, output: Path | None, language: str | None) -> None:
    """Draw every path a caller can take through DEFINITION_ID (Mermaid, and SVG where
    graphviz is installed), labelled in LANGUAGE (default: the definition's first)."""
    flow = _flow(definition_id)
    if language is not None and language not in flow.languages:
        known = ", ".join(flow.languages)
        raise click.BadParameter(f"{definition_id} has no {language!r} (it has {known})")
    text = mermaid(flow, language)
    if output is None:
        click.echo(text, nl=False)
        return
    output.write_text(text)
    click.echo(f"wrote {output}")
    if graphviz_available():
        write_svg(flow, output.with_suffix(".svg"), language)
        click.echo(f"wrote {output.with_suffix('.svg')}")
    else:
        click.echo("no SVG: graphviz is not installed", err=True)


@menus_cli.command("translations")
@click.argument("definition_id")
@with_appcontext
def translations(definition_id: str) -> None:
    """List, per language, every text DEFINITION_ID has not translated; exit 1 if any."""
    missing = missing_translations(_flow(definition_id))
    for language, places in missing.items():
        click.echo(f"{language}: {len(places)} missing")
        for place in places:
            click.echo(f"  {place}")
    if any(missing.values()):
        raise SystemExit(1)


def _flow(definition_id: str):  # noqa: ANN202 - Flow
    """The definition as its file now is (even with problems), else the one in service."""
    catalog = current_app.extensions["menus"]
    flow = catalog.draft(definition_id) or catalog.flows.get(definition_id)
    if flow is None:
        known = ", ".join(sorted(catalog.flows))
        raise click.BadParameter(f"no definition {definition_id!r} (known: {known})")
    return flow


@menus_cli.command("schema")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path))
def schema(output: Path | None) -> None:
    """Print (or write) the definition JSON Schema, for editors' autocomplete."""
    text = json.dumps(DefinitionDef.model_json_schema(), indent=2)
    if output:
        output.write_text(text + "\n")
        click.echo(f"wrote {output}")
    else:
        click.echo(text)
