"""The REST API's own records: bearer tokens, CSV imports, and SQL-kept schedules."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import utcnow


class ApiToken(db.Model):
    """A named bearer token; only its SHA-256 digest is stored (`token_hash`, hex).
    Revoking deletes the row."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ImportJob(db.Model):
    """One CSV import, processed by a Celery task whose id is `id`.

    `status`: PENDING -> STARTED -> SUCCESS | FAILURE; EXPIRED once its details are purged
    (IMPORT_RESULT_TTL_SECONDS after it finished). `rejected` lists
    {"line": n, "reason": "..."} for every line not applied; `content` is the uploaded file,
    kept until the import has run so that any worker can read it.
    """

    __tablename__ = "imports"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    filename: Mapped[str] = mapped_column(String(255), default="")
    content: Mapped[str | None] = mapped_column(Text)
    strict: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(20), default="PENDING", index=True)
    rows_total: Mapped[int] = mapped_column(Integer, default=0)
    rows_done: Mapped[int] = mapped_column(Integer, default=0)
    applied: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Schedule(db.Model):
    """When a periodic job is next due; claiming a run moves `next_run_at` on in one
    conditional UPDATE, so two beats (or a beat run twice) start it once."""

    __tablename__ = "schedules"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    next_run_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_run_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
