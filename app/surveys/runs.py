"""Recording a survey run as it happens: one row per run, one row per answer."""

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, update

from app.extensions import db
from app.models import SurveyAnswer, SurveyRun
from app.models.base import upsert
from app.sessions.state import InterrogationSession
from app.signals import conversation_dropped


def _now() -> datetime:
    return datetime.now(UTC)


def start(session: InterrogationSession, definition_id: str, version: str) -> SurveyRun:
    """Open a run for this session (status "started") and remember it in the session."""
    run = SurveyRun(
        definition_id=definition_id,
        definition_version=version,
        msisdn=session.msisdn,
        session_id=session.session_id,
        channel=session.channel,
        language=session.language,
        choice_orders={},
        invalid_counts={},
    )
    db.session.add(run)
    db.session.flush()
    session.run_id = run.id
    return run


def current(session: InterrogationSession) -> SurveyRun | None:
    return db.session.get(SurveyRun, session.run_id) if session.run_id else None


def answered(session: InterrogationSession, question_id: str, value: Any) -> None:
    """Save (or, after "back", replace) one answer, in the hop's transaction: one upsert,
    so a survey hop costs the same few statements whatever the survey's length."""
    if not session.run_id:
        return
    upsert(
        SurveyAnswer,
        ["run_id", "question_id"],
        run_id=session.run_id,
        question_id=question_id,
        value=value,
        definition_version=session.definition_version,
        channel=session.channel,
        shown_at=datetime.fromtimestamp(session.asked_at, UTC) if session.asked_at else None,
        answered_at=_now(),
    )


def asked(session: InterrogationSession, question_id: str, order: list[str] | None) -> None:
    """Note the question now on screen (and the order its options were shown in)."""
    if not session.run_id:
        return
    if order is not None:
        run = current(session)
        if question_id not in run.choice_orders:
            run.choice_orders = {**run.choice_orders, question_id: order}
    db.session.execute(
        update(SurveyRun)
        .where(SurveyRun.id == session.run_id)
        .values(current_question=question_id, language=session.language, updated_at=_now())
    )


def refused(session: InterrogationSession, question_id: str) -> None:
    """Count a reply the question refused (for the invalid-answer rate)."""
    run = current(session)
    if run is not None:
        counts = dict(run.invalid_counts)
        counts[question_id] = counts.get(question_id, 0) + 1
        run.invalid_counts = counts


def finish(session: InterrogationSession, status: str, reason: str = "") -> None:
    """Close the run: "completed", or "stopped" with a reason ("consent", "quota", ...)."""
    run = current(session)
    if run is None or run.status != "started":
        return
    run.status, run.stop_reason = status, reason
    run.updated_at = _now()
    if status == "completed":
        run.completed_at = run.updated_at


def dropped(session_id: str) -> int:
    """Mark the runs of a session that ended mid-way (gateway said Incomplete/Failed)."""
    result = db.session.execute(
        update(SurveyRun)
        .where(SurveyRun.session_id == session_id, SurveyRun.status == "started")
        .values(status="dropped", updated_at=_now())
    )
    return result.rowcount


@conversation_dropped.connect
def _on_conversation_dropped(sender: object, session_id: str, **extra: object) -> None:
    """A channel reports a conversation ended mid-way: its runs are dropped."""
    dropped(session_id)


def has_completed(definition_id: str, msisdn: str) -> bool:
    """Whether this caller already completed the survey (for once-per-customer surveys)."""
    query = select(SurveyRun.id).where(
        SurveyRun.definition_id == definition_id,
        SurveyRun.msisdn == msisdn,
        SurveyRun.status == "completed",
    )
    return db.session.scalar(query.limit(1)) is not None
