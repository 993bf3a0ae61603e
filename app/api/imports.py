"""`/api/v1/imports`: CSV uploads processed as background tasks, and their status."""

from flask import Response, current_app, request
from spectree import Response as Responses

from app.api import bp, error, spec
from app.api.schemas import ErrorOut, ImportForm, ImportOut
from app.extensions import db
from app.imports import service
from app.models import ImportJob

TAGS = ["imports"]


@bp.before_request
def allow_uploads() -> None:
    """Uploads may be larger than a gateway callback (IMPORT_MAX_BYTES, not
    MAX_CONTENT_LENGTH_BYTES)."""
    if request.endpoint == "api.create_import":
        request.max_content_length = current_app.config["IMPORT_MAX_BYTES"]


@bp.post("/imports")
@spec.validate(form=ImportForm, resp=Responses(HTTP_202=ImportOut, HTTP_400=ErrorOut), tags=TAGS)
def create_import(form: ImportForm) -> tuple[ImportOut, int] | Response:
    """Upload a CSV file; it is imported by a background task whose id is `task_id`.

    Columns per kind: forecasts: location, date, text [, kind, categories];
    subscription_additions: phone_number, product [, location, category, commodity,
    start_date, expiry_date, epoch_date]; cancellations: phone_number [, product];
    location_updates: phone_number, location [, product].
    """
    upload = form.file
    if not hasattr(upload, "read"):
        return error(400, "send the CSV as the multipart field `file`")
    try:
        content = upload.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        return error(400, "the file is not UTF-8 text")
    job_id = service.create(form.kind, content, upload.filename or "", form.strict)
    service.start(job_id)
    return ImportOut(**service.status(db.session.get(ImportJob, job_id))), 202


@bp.get("/imports/<task_id>")
@spec.validate(resp=Responses(HTTP_200=ImportOut, HTTP_404=ErrorOut), tags=TAGS)
def read_import(task_id: str) -> ImportOut | Response:
    """An import's status: PENDING, STARTED (with rows done / total), SUCCESS, FAILURE
    (nothing applied; `error` says why) or EXPIRED (its details were purged), and every
    rejected line with its reason."""
    job = db.session.get(ImportJob, task_id[:36])
    if job is None:
        return error(404, f"no import {task_id[:36]!r}")
    return ImportOut(**service.status(job))
