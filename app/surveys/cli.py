"""`flask surveys list | export | stats`: survey results from the command line."""

from pathlib import Path
from typing import Any

import click
from flask.cli import with_appcontext

from app.menus.flow import Flow
from app.surveys.export import write_csv, write_floip, write_xlsx
from app.surveys.stats import status_counts, survey_flows, survey_runs, survey_stats

FORMATS = ("floip", "csv", "xlsx")


@click.group("surveys")
def surveys_cli() -> None:
    """Survey results: counts, exports and statistics."""


def _survey(definition_id: str) -> Flow:
    """The survey's current flow.

    Raises:
        click.BadParameter: not a survey in the catalog (exit 2); names the known ids.
    """
    flows = survey_flows()
    if definition_id not in flows:
        known = ", ".join(flows) or "(none)"
        raise click.BadParameter(f"no survey {definition_id!r}; known: {known}", param_hint="ID")
    return flows[definition_id]


@surveys_cli.command("list")
@with_appcontext
def list_surveys() -> None:
    """One line per survey: id, respondents, completed, dropped, stopped."""
    flows = survey_flows()
    if not flows:
        click.echo("no surveys")
    for definition_id in flows:
        counts = status_counts(definition_id)
        click.echo(
            f"{definition_id:<24} respondents {counts['respondents']:>6}  "
            f"completed {counts['completed']:>6}  dropped {counts['dropped']:>6}  "
            f"stopped {counts['stopped']:>6}"
        )


@surveys_cli.command("export")
@click.argument("definition_id", metavar="ID")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="floip", show_default=True)
@click.option(
    "-o",
    "--output",
    "directory",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Directory to write into (created if missing).",
)
@with_appcontext
def export(definition_id: str, fmt: str, directory: Path) -> None:
    """Write survey ID's results into DIR (FLOIP: the package folder DIR/ID/); print each
    path written."""
    flow = _survey(definition_id)
    directory.mkdir(parents=True, exist_ok=True)
    runs = survey_runs(flow.id)
    if fmt == "floip":  # a package is a folder: one per survey, so none overwrites another
        package = directory / flow.id
        package.mkdir(exist_ok=True)
        paths = [write_floip(flow, runs, package), package / f"{flow.id}-responses.json"]
    elif fmt == "csv":
        paths = [directory / f"{flow.id}.csv"]
        write_csv(flow, runs, paths[0])
    else:
        paths = [directory / f"{flow.id}.xlsx"]
        write_xlsx(flow, runs, paths[0])
    for path in paths:
        click.echo(str(path))


@surveys_cli.command("stats")
@click.argument("definition_id", metavar="ID")
@with_appcontext
def stats(definition_id: str) -> None:
    """Completion, and per question: reached, answered, left there, time, invalid replies."""
    flow = _survey(definition_id)
    figures = survey_stats(flow, survey_runs(flow.id))
    click.echo(
        f"{figures['id']} (version {figures['version']}): {figures['respondents']} "
        f"respondents, {figures['completed']} completed ({_percent(figures['completion_rate'])})"
        f", {figures['dropped']} dropped, {figures['stopped']} stopped, "
        f"{figures['started']} in progress"
    )
    click.echo(
        f"{'question':<24} {'type':<13} {'reached':>7} {'answered':>8} {'left':>5} "
        f"{'median s':>8} {'invalid':>7}"
    )
    for row in figures["questions"]:
        median = "-" if row["median_seconds"] is None else f"{row['median_seconds']:.1f}"
        invalid = "-" if row["invalid_rate"] is None else f"{row['invalid_rate']:.2f}"
        click.echo(
            f"{row['id']:<24} {row['type']:<13} {row['reached']:>7} {row['answered']:>8} "
            f"{row['left_there']:>5} {median:>8} {invalid:>7}"
        )
    for language, row in figures["by_language"].items():
        click.echo(
            f"language {language}: {row['completed']} of {row['respondents']} completed "
            f"({_percent(row['completion_rate'])})"
        )


def _percent(rate: Any) -> str:
    return "-" if rate is None else f"{rate:.0%}"
