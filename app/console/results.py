"""Survey results: respondents, completion, the drop-off funnel and completion by language
and channel as server-drawn SVG charts, a paginated answers table, and the exports."""

from typing import Any

from flask import abort, render_template, request
from sqlalchemy import func, select

from app.console import bp
from app.extensions import db
from app.models import SurveyRun
from app.surveys import views as export_api
from app.surveys.export import respondent_table
from app.surveys.stats import (
    as_runs,
    resume_cutoff,
    run_status,
    status_counts,
    survey_flows,
    survey_runs,
    survey_stats,
)

PAGE_SIZE = 25


@bp.get("/results")
def results() -> str:
    """Every survey with its respondents, completed, dropped and stopped."""
    surveys = [
        {"id": key, "title": flow.definition.title, "counts": status_counts(key)}
        for key, flow in survey_flows().items()
    ]
    return render_template("console/results.html", title="Results", surveys=surveys)


def _flow(definition_id: str):  # noqa: ANN202 - Flow
    flow = survey_flows().get(definition_id)
    if flow is None:
        abort(404)
    return flow


@bp.get("/results/<definition_id>")
def results_survey(definition_id: str) -> str:
    """One survey: figures, charts and a page of answers (`?page=N`, 25 a page)."""
    flow = _flow(definition_id)
    runs = as_runs(survey_runs(flow.id))
    stats = survey_stats(flow, runs)
    total = db.session.scalar(
        select(func.count()).select_from(SurveyRun).where(SurveyRun.definition_id == flow.id)
    )
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(request.args.get("page", 1, type=int), 1), pages)
    newest = survey_runs(flow.id).order_by(None).order_by(SurveyRun.id.desc())
    header, rows = respondent_table(flow, newest.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE))
    return render_template(
        "console/results_survey.html",
        title=f"Results: {flow.id}",
        flow=flow,
        stats=stats,
        funnel=funnel(stats),
        languages=completion_bars(stats["by_language"]),
        channels=completion_bars(by_channel(runs)),
        header=header,
        rows=rows,
        page=page,
        pages=pages,
        total=total,
    )


@bp.get("/results/<definition_id>/export")
def results_export(definition_id: str) -> Any:
    """The FLOIP / CSV / XLSX download (`?format=`), the same files as the export API."""
    _flow(definition_id)
    return export_api.export(definition_id)


def funnel(stats: dict[str, Any]) -> list[dict[str, Any]]:
    """One bar per question: how many reached it, and how many left there."""
    top = max([stats["respondents"], *(q["reached"] for q in stats["questions"])] or [1]) or 1
    return [
        {
            "label": q["id"],
            "value": q["reached"],
            "left": q["left_there"],
            "width": q["reached"] / top,
            "left_width": q["left_there"] / top,
            "note": f"{q['reached']} reached · {q['left_there']} left here",
        }
        for q in stats["questions"]
    ]


def completion_bars(groups: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """One bar per group (a language, a channel): completion rate out of 100%."""
    return [
        {
            "label": name,
            "width": entry["completion_rate"] or 0,
            "left_width": 0,
            "note": f"{round(100 * (entry['completion_rate'] or 0))}% of {entry['respondents']}",
        }
        for name, entry in groups.items()
    ]


def by_channel(runs: list[SurveyRun]) -> dict[str, dict[str, Any]]:
    """Channel -> {"respondents", "completed", "completion_rate"}, as `by_language`."""
    cutoff = resume_cutoff()
    channels: dict[str, dict[str, Any]] = {}
    for run in runs:
        entry = channels.setdefault(run.channel, {"respondents": 0, "completed": 0})
        entry["respondents"] += 1
        entry["completed"] += run_status(run, cutoff) == "completed"
    for entry in channels.values():
        entry["completion_rate"] = entry["completed"] / entry["respondents"]
    return dict(sorted(channels.items()))
