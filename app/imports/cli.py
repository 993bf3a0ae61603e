"""`flask imports load KIND FILE`: import a CSV file as the API would, with a progress bar."""

import time
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from app.celery_app import celery_for
from app.extensions import db
from app.imports import service
from app.imports.rows import KINDS
from app.models import ImportJob


@click.group("imports")
def imports_cli() -> None:
    """CSV imports: forecasts, subscription additions, cancellations, location updates."""


@imports_cli.command("load")
@click.argument("kind", type=click.Choice(list(KINDS)))
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--strict", is_flag=True, help="Apply nothing if any line is rejected.")
@with_appcontext
def load(kind: str, file: Path, strict: bool) -> None:
    """Import FILE as KIND; prints every rejected line; exit 1 if the import failed."""
    job_id = service.create(kind, file.read_text(encoding="utf-8-sig"), file.name, strict)
    with click.progressbar(length=0, label=f"{kind} {job_id}") as bar:

        def progress(done: int, total: int) -> None:
            bar.length = total
            bar.update(done - bar.pos)

        if celery_for(current_app._get_current_object()).conf.task_always_eager:
            service.run(job_id, progress)
        else:
            service.start(job_id)
            _follow(job_id, progress)
    job = db.session.get(ImportJob, job_id)
    report = service.status(job)
    for line in report["rejected"]:
        click.echo(f"line {line['line']}: {line['reason']}")
    click.echo(
        f"{report['status']}: {report['applied']} applied, {len(report['rejected'])} rejected"
    )
    if report["error"]:
        click.echo(report["error"], err=True)
    if report["status"] != "SUCCESS":
        raise SystemExit(1)


def _follow(job_id: str, progress) -> None:  # noqa: ANN001 - the bar's callback
    """Poll a job run by a worker until it is done."""
    while True:
        db.session.expire_all()
        report = service.status(db.session.get(ImportJob, job_id))
        db.session.rollback()
        progress(report["rows_done"], report["rows_total"])
        if report["status"] in ("SUCCESS", "FAILURE", "EXPIRED"):
            return
        time.sleep(0.5)
