"""`GET /api/surveys/<definition_id>/export?format=floip|csv|xlsx`: results for other systems.

Callers send `Authorization: Bearer <token>` with a token from `flask tokens create NAME`
(the same tokens as /api/v1); without one the answer is 401.
"""

import io
import json
import tempfile
import zipfile
from pathlib import Path

from flask import Blueprint, Response, current_app, request

from app.api.tokens import require_token
from app.surveys.export import XLSX_MIMETYPE, write_csv, write_floip, write_xlsx
from app.surveys.stats import survey_flows, survey_runs

bp = Blueprint("surveys", __name__, url_prefix="/api/surveys")

FORMATS = ("floip", "csv", "xlsx")


def _error(status: int, message: str) -> Response:
    body = json.dumps({"error": message})
    return current_app.response_class(body, status=status, mimetype="application/json")


bp.before_request(require_token)


@bp.get("/<definition_id>/export")
def export(definition_id: str) -> Response:
    """One survey's results.

    Query:
        format: "floip" (default; a zip of the Flow Results package: `datapackage.json`
            and the rows file it names), "csv" (text/csv, one row per respondent) or
            "xlsx" (workbook).

    Returns:
        200 with a Content-Disposition attachment filename; 400 {"error"} for an unknown
        format; 404 {"error"} when `definition_id` is not a survey.
    """
    fmt = request.args.get("format", "floip")
    if fmt not in FORMATS:
        return _error(400, f"format must be one of {', '.join(FORMATS)}")
    flow = survey_flows().get(definition_id)
    if flow is None:
        return _error(404, f"no survey {definition_id!r}")
    runs = survey_runs(flow.id)
    if fmt == "floip":
        body, mimetype, filename = _floip_zip(flow, runs), "application/zip", f"{flow.id}.zip"
    elif fmt == "csv":
        text = io.StringIO()
        write_csv(flow, runs, text)
        body, mimetype, filename = text.getvalue(), "text/csv", f"{flow.id}.csv"
    else:
        data = io.BytesIO()
        write_xlsx(flow, runs, data)
        body, mimetype, filename = data.getvalue(), XLSX_MIMETYPE, f"{flow.id}.xlsx"
    response = current_app.response_class(body, mimetype=mimetype)
    response.headers.set("Content-Disposition", "attachment", filename=filename)
    response.headers["Cache-Control"] = "no-store"
    return response


def _floip_zip(flow, runs) -> bytes:  # noqa: ANN001 - Flow, runs query
    """The package as written for `flask surveys export`, zipped (the spec keeps the rows
    in a file the descriptor names, not inline)."""
    with tempfile.TemporaryDirectory() as folder:
        write_floip(flow, runs, Path(folder))
        archive = io.BytesIO()
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
            for path in sorted(Path(folder).iterdir()):
                zipped.write(path, path.name)
        return archive.getvalue()
