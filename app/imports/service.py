"""Import jobs: created from an upload (API) or a file (CLI), run by a Celery task.

A job's lines are applied in one transaction, each in a savepoint: a line that cannot be
applied is rolled back alone and listed with its reason; anything unexpected (or, with
`strict`, any rejected line) rolls back the whole import, so a failed import leaves
nothing half-applied. Progress while it runs is kept in Redis (the import's transaction
holds its writes until the end).
"""

import csv
import io
import logging
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import SQLAlchemyError

from app.celery_app import enqueue
from app.extensions import db, redis_client
from app.imports.rows import KINDS, RejectedLine
from app.models import ImportJob
from app.models.base import utcnow

log = logging.getLogger(__name__)

PROGRESS_EVERY = 100  # lines between progress updates
PROGRESS_TTL_SECONDS = 24 * 3600
# A job still PENDING this long was never picked up (its enqueue was lost); one STARTED
# this long ago died with its worker (its transaction rolled back): both run again.
LOST_PENDING = timedelta(minutes=2)
LOST_STARTED = timedelta(hours=1)


class ImportFileError(ValueError):
    """The file as a whole cannot be imported (not CSV text, or a required column is
    missing); the message says which."""


def create(kind: str, content: str, filename: str = "", strict: bool = False) -> str:
    """Store an upload as a PENDING job (committed); `start` runs it.

    Returns:
        the job's id (its task's id).

    Raises:
        ValueError: unknown `kind`.
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}")
    job_id = str(uuid.uuid4())
    job = ImportJob(
        id=job_id,
        kind=kind,
        filename=filename[:255],
        content=content,
        strict=strict,
        status="PENDING",
        rejected=[],
    )
    db.session.add(job)
    db.session.commit()
    return job_id


def start(job_id: str) -> None:
    """Enqueue the job's task (run here and now without a broker, in a session of its
    own: call it with no transaction open)."""
    from app.imports.tasks import run_import

    enqueue(run_import, job_id)


def _progress_key(job_id: str) -> str:
    return f"sauti:import:{job_id}:progress"


def _report(
    job_id: str, done: int, total: int, callback: Callable[[int, int], None] | None
) -> None:
    redis_client(current_app).set(_progress_key(job_id), f"{done}/{total}", ex=PROGRESS_TTL_SECONDS)
    if callback is not None:
        callback(done, total)


def _claim(job_id: str, now: datetime) -> ImportJob | None:
    claimed = db.session.execute(
        update(ImportJob)
        .where(ImportJob.id == job_id, ImportJob.status == "PENDING")
        .values(status="STARTED", started_at=now)
    )
    db.session.commit()
    return db.session.get(ImportJob, job_id) if claimed.rowcount == 1 else None


def read_lines(kind: str, content: str) -> list[dict[str, str | None]]:
    """The file's lines as dicts keyed by the header's column names.

    Raises:
        ImportFileError: a required column is missing.
    """
    reader = csv.DictReader(io.StringIO(content.lstrip("\ufeff")))
    columns = {name.strip() for name in reader.fieldnames or []}
    missing = [name for name in KINDS[kind][0] if name not in columns]
    if missing:
        raise ImportFileError(f"missing column(s): {', '.join(missing)}")
    return [{(k or "").strip(): v for k, v in row.items()} for row in reader]


def run(job_id: str, callback: Callable[[int, int], None] | None = None) -> str:
    """Run one PENDING job (safe to call twice: only one run claims it).

    Args:
        callback: called with (lines done, lines in all) as the job goes.

    Returns:
        the job's final status, or "SKIPPED" when it was not PENDING.
    """
    now = utcnow()
    job = _claim(job_id, now)
    if job is None:
        return "SKIPPED"
    kind, content, strict = job.kind, job.content or "", job.strict
    rejected: list[dict[str, Any]] = []
    try:
        applied, rejected, total = _apply(job_id, kind, content, now, callback)
        if strict and rejected:
            raise ImportFileError(f"{len(rejected)} line(s) rejected; strict: nothing applied")
        _finish(job_id, "SUCCESS", now, total, applied=applied, rejected=rejected)
    except (ImportFileError, SQLAlchemyError, UnicodeError, csv.Error) as err:
        db.session.rollback()
        log.warning("import %s failed: %s", job_id, err)
        _finish(job_id, "FAILURE", now, 0, rejected=rejected, error=str(err)[:500])
    db.session.commit()
    if kind == "subscription_additions":
        from app.subscriptions.billing import bill_due

        bill_due(utcnow())
    return db.session.get(ImportJob, job_id).status


def _apply(
    job_id: str,
    kind: str,
    content: str,
    now: datetime,
    callback: Callable[[int, int], None] | None,
) -> tuple[int, list[dict[str, Any]], int]:
    lines = read_lines(kind, content)
    handler = KINDS[kind][1]
    region = current_app.config["DEFAULT_COUNTRY"]
    applied, rejected = 0, []
    for number, line in enumerate(lines, start=2):  # line 1 is the header
        try:
            with db.session.begin_nested():
                handler(line, region, now)
            applied += 1
        except RejectedLine as err:
            rejected.append({"line": number, "reason": str(err)})
        if (number - 1) % PROGRESS_EVERY == 0:
            _report(job_id, number - 1, len(lines), callback)
    _report(job_id, len(lines), len(lines), callback)
    return applied, rejected, len(lines)


def _finish(job_id: str, status: str, now: datetime, total: int, **values: Any) -> None:
    db.session.execute(
        update(ImportJob)
        .where(ImportJob.id == job_id)
        .values(
            status=status,
            rows_total=total,
            rows_done=total,
            content=None,
            finished_at=utcnow(),
            **values,
        )
    )


def status(job: ImportJob) -> dict[str, Any]:
    """What `GET /api/v1/imports/<task_id>` answers for a job."""
    done, total = job.rows_done, job.rows_total
    if job.status == "STARTED":
        progress = redis_client(current_app).get(_progress_key(job.id))
        if progress:
            text = progress.decode() if isinstance(progress, bytes) else progress
            done, total = (int(part) for part in text.split("/"))
    return {
        "task_id": job.id,
        "kind": job.kind,
        "status": job.status,
        "rows_done": done,
        "rows_total": total,
        "applied": job.applied,
        "rejected": job.rejected or [],
        "error": job.error or None,
    }


def requeue_lost_imports(now: datetime) -> int:
    """Run again the jobs whose task was lost (the tick); returns how many."""
    stale = db.session.execute(
        update(ImportJob)
        .where(ImportJob.status == "STARTED", ImportJob.started_at < now - LOST_STARTED)
        .values(status="PENDING")
    )
    lost = list(
        db.session.scalars(
            select(ImportJob.id).where(
                ImportJob.status == "PENDING", ImportJob.created_at < now - LOST_PENDING
            )
        )
    )
    db.session.commit()
    for job_id in lost:
        start(job_id)
    if stale.rowcount:
        log.warning("%d imports died with their worker; they run again", stale.rowcount)
    return len(lost)


def purge(now: datetime) -> int:
    """Mark jobs finished more than IMPORT_RESULT_TTL_SECONDS ago EXPIRED, dropping their
    details; returns how many."""
    ttl = timedelta(seconds=current_app.config["IMPORT_RESULT_TTL_SECONDS"])
    result = db.session.execute(
        update(ImportJob)
        .where(ImportJob.finished_at < now - ttl, ImportJob.status != "EXPIRED")
        .values(status="EXPIRED", rejected=[], content=None, error="")
    )
    db.session.commit()
    return result.rowcount
