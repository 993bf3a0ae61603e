"""Survey results at a glance: who took part, who finished, and where people gave up.

Runs still `started` whose last activity is older than `USSD_RESUME_WINDOW_SECONDS` can no
longer be resumed, so they count as dropped here and in every export.
"""

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from statistics import median
from typing import Any

from flask import current_app
from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.menus.flow import NO_SCREEN, Flow
from app.models import SurveyAnswer, SurveyRun
from app.models.base import utc

STATUSES = ("started", "completed", "dropped", "stopped")


def survey_flows() -> dict[str, Flow]:
    """The current flow of every survey (`kind: survey`) in the catalog, by id, sorted."""
    flows = current_app.extensions["menus"].flows
    return {key: flow for key, flow in sorted(flows.items()) if flow.definition.kind == "survey"}


def survey_runs(definition_id: str) -> Select:
    """Every run of `definition_id` (all versions) with its answers, oldest first."""
    return (
        select(SurveyRun)
        .where(SurveyRun.definition_id == definition_id)
        .options(selectinload(SurveyRun.answers))
        .order_by(SurveyRun.id)
    )


def as_runs(runs: Select | Iterable[SurveyRun]) -> list[SurveyRun]:
    """Run a `select(SurveyRun)` in the app's session, or list runs already loaded."""
    return list(db.session.scalars(runs)) if isinstance(runs, Select) else list(runs)


def resume_cutoff() -> datetime:
    """Runs `started` but untouched since this moment (UTC) can no longer be resumed."""
    window = current_app.config["USSD_RESUME_WINDOW_SECONDS"]
    return datetime.now(UTC) - timedelta(seconds=window)


def run_status(run: SurveyRun, cutoff: datetime) -> str:
    """The run's status, with a stale `started` run (updated before `cutoff`) as "dropped"."""
    if run.status == "started" and utc(run.updated_at) < cutoff:
        return "dropped"
    return run.status


def status_counts(definition_id: str) -> dict[str, int]:
    """Runs of `definition_id` per status (stale `started` runs as dropped), in SQL.

    Returns:
        {"respondents": n, "started": n, "completed": n, "dropped": n, "stopped": n}.
    """
    by_status = dict(
        db.session.execute(
            select(SurveyRun.status, func.count())
            .where(SurveyRun.definition_id == definition_id)
            .group_by(SurveyRun.status)
        ).all()
    )
    stale = db.session.scalar(
        select(func.count()).where(
            SurveyRun.definition_id == definition_id,
            SurveyRun.status == "started",
            SurveyRun.updated_at < resume_cutoff(),
        )
    )
    counts = {status: by_status.get(status, 0) for status in STATUSES}
    counts["started"] -= stale
    counts["dropped"] += stale
    return {"respondents": sum(by_status.values()), **counts}


def survey_stats(flow: Flow, runs: Select | Iterable[SurveyRun]) -> dict[str, Any]:
    """Completion and per-question figures for one survey.

    Args:
        flow: the survey's compiled definition; its questions give the order.
        runs: a `select(SurveyRun)` (see `survey_runs`) or the runs themselves.

    Returns:
        {"id", "version", "respondents", "started", "completed", "dropped", "stopped",
        "completion_rate" (completed / respondents, 0..1; None with no respondents),
        "questions": [per question with a screen, in definition order: {"id", "type",
        "reached" (runs that answered it or are / stopped there), "answered" (answers
        that are not None: a skipped question is reached, not answered), "left_there"
        (runs not completed whose current question it is), "median_seconds" (answered_at -
        shown_at over answers with both; None without any), "invalid_rate" (replies refused
        / reached; None when not reached)}],
        "by_language": {language: {"respondents", "completed", "completion_rate"}}}.
    """
    runs = as_runs(runs)
    cutoff = resume_cutoff()
    statuses = {run.id: run_status(run, cutoff) for run in runs}
    answers = {run.id: {a.question_id: a for a in run.answers} for run in runs}
    counts = {status: list(statuses.values()).count(status) for status in STATUSES}
    return {
        "id": flow.id,
        "version": flow.version,
        "respondents": len(runs),
        **counts,
        "completion_rate": _rate(counts["completed"], len(runs)),
        "questions": [
            _question_stats(spec.id, spec.type, runs, statuses, answers)
            for spec in flow.definition.questions
            if spec.type not in NO_SCREEN
        ],
        "by_language": _by_language(runs, statuses),
    }


def _rate(part: float, whole: int) -> float | None:
    return part / whole if whole else None


def _question_stats(
    question_id: str,
    kind: str,
    runs: list[SurveyRun],
    statuses: dict[int, str],
    answers: dict[int, dict[str, SurveyAnswer]],
) -> dict[str, Any]:
    reached = answered = left_there = invalid = 0
    seconds: list[float] = []
    for run in runs:
        answer = answers[run.id].get(question_id)
        here = run.current_question == question_id
        reached += answer is not None or here
        left_there += here and statuses[run.id] != "completed"
        invalid += (run.invalid_counts or {}).get(question_id, 0)
        if answer is None:
            continue
        answered += answer.value is not None
        if answer.shown_at is not None and answer.answered_at is not None:
            seconds.append((utc(answer.answered_at) - utc(answer.shown_at)).total_seconds())
    return {
        "id": question_id,
        "type": kind,
        "reached": reached,
        "answered": answered,
        "left_there": left_there,
        "median_seconds": median(seconds) if seconds else None,
        "invalid_rate": _rate(invalid, reached),
    }


def _by_language(runs: list[SurveyRun], statuses: dict[int, str]) -> dict[str, dict[str, Any]]:
    languages: dict[str, dict[str, Any]] = {}
    for run in runs:
        entry = languages.setdefault(run.language, {"respondents": 0, "completed": 0})
        entry["respondents"] += 1
        entry["completed"] += statuses[run.id] == "completed"
    for entry in languages.values():
        entry["completion_rate"] = _rate(entry["completed"], entry["respondents"])
    return dict(sorted(languages.items()))
