"""Survey runs and their answers, saved one row per answer as each is given."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import utcnow

RUN_STATUSES = ("started", "completed", "dropped", "stopped")


class SurveyRun(db.Model):
    """One respondent's pass through one survey.

    `status`: started -> completed | dropped (the session ended mid-way) | stopped
    (`stop_reason`: "consent" declined, "quota" full, "pin" locked). `choice_orders` keeps
    the order randomised options were shown in (question id -> values); `invalid_counts`
    how many replies each question refused (question id -> count).
    """

    __tablename__ = "survey_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    definition_id: Mapped[str] = mapped_column(String(64), index=True)
    definition_version: Mapped[str] = mapped_column(String(12))
    msisdn: Mapped[str] = mapped_column(String(20), index=True)
    session_id: Mapped[str] = mapped_column(String(100), index=True)
    channel: Mapped[str] = mapped_column(String(20), default="ussd")
    language: Mapped[str] = mapped_column(String(8), default="en")
    status: Mapped[str] = mapped_column(String(20), default="started", index=True)
    stop_reason: Mapped[str] = mapped_column(String(20), default="")
    current_question: Mapped[str] = mapped_column(String(64), default="")
    choice_orders: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    invalid_counts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    answers: Mapped[list["SurveyAnswer"]] = relationship(back_populates="run")


class SurveyAnswer(db.Model):
    """One accepted answer. A question answered again (after "back") replaces its row.

    `shown_at` is when the question was put on screen, `answered_at` when the reply came.
    """

    __tablename__ = "survey_answers"
    __table_args__ = (UniqueConstraint("run_id", "question_id", name="one_answer"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("survey_runs.id"), index=True)
    question_id: Mapped[str] = mapped_column(String(64))
    value: Mapped[Any] = mapped_column(JSON)
    definition_version: Mapped[str] = mapped_column(String(12))
    channel: Mapped[str] = mapped_column(String(20), default="ussd")
    shown_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    answered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    run: Mapped[SurveyRun] = relationship(back_populates="answers")


class SurveyQuota(db.Model):
    """Completed runs counted against one quota bucket ("*" overall, or "gender=female").

    Taking a place is one conditional UPDATE (`count < limit`), atomic on every database.
    """

    __tablename__ = "survey_quotas"
    __table_args__ = (UniqueConstraint("definition_id", "bucket", name="one_bucket"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    definition_id: Mapped[str] = mapped_column(String(64))
    bucket: Mapped[str] = mapped_column(String(120))
    count: Mapped[int] = mapped_column(Integer, default=0)


class DefinitionVersion(db.Model):
    """The text of every definition version that ran, so a session pinned to an older
    version finishes on it in any worker, even after the file changed."""

    __tablename__ = "definition_versions"
    __table_args__ = (UniqueConstraint("definition_id", "version", name="one_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    definition_id: Mapped[str] = mapped_column(String(64))
    version: Mapped[str] = mapped_column(String(12))
    path: Mapped[str] = mapped_column(String(500))
    source: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
