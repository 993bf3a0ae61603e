"""The REST API under /api/v1: JSON, bearer tokens, OpenAPI 3.

Requests are validated by the same pydantic models that spectree turns into the OpenAPI
document (`/api/v1/openapi.json`; interactive docs, served from the offline bundle, at
`/api/v1/docs/swagger/`). A validation error is a 422 listing each field with its message.
"""

import json
import logging
from typing import Any

from flask import Blueprint, Flask, Response, current_app, request
from spectree import SecurityScheme, SecuritySchemeData, SpecTree

from app.api.schemas import ValidationErrorOut
from app.api.tokens import require_token

log = logging.getLogger(__name__)
bp = Blueprint("api", __name__, url_prefix="/api/v1")


@bp.before_request
def authenticate() -> Response | None:
    """Every route but the OpenAPI document needs a bearer token (401 otherwise)."""
    return None if request.endpoint == "api.openapi" else require_token()


def _field(location: tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in location) or "body"


def validation_error_body(request: Any, response: Response, error: Any, *_: Any) -> None:
    """spectree's `before` hook: rewrite a 422 as {"errors": [{"field", "message"}]},
    logged without the values sent (they may hold phone numbers)."""
    if error is None:
        return
    errors = [
        {"field": _field(item["loc"]), "message": item["msg"]}
        for item in error.errors(include_url=False)
    ]
    log.info("422 on %s: %s", request.path, [item["field"] for item in errors])
    response.set_data(json.dumps({"errors": errors}))
    response.mimetype = "application/json"


spec = SpecTree(
    "flask",
    mode="strict",
    title="Sauti API",
    version="1",
    path="api/v1/docs",
    validation_error_status=422,
    validation_error_model=ValidationErrorOut,
    before=validation_error_body,
    security_schemes=[
        SecurityScheme(name="bearer", data=SecuritySchemeData(type="http", scheme="bearer"))
    ],
    security={"bearer": []},
)


def error(status: int, message: str, **extra: Any) -> Response:
    """A JSON error answer: {"error": message, ...}."""
    body = json.dumps({"error": message, **extra})
    return current_app.response_class(body, status=status, mimetype="application/json")


@bp.get("/openapi.json")
def openapi() -> Response:
    """The OpenAPI document, as spectree generates it (also at /api/v1/docs/openapi.json)."""
    return current_app.json.response(spec.spec)


def init_app(app: Flask) -> None:
    """Register the API's routes and its documentation."""
    from app.api import campaigns, clients, imports  # noqa: F401 - routes on `bp`

    app.register_blueprint(bp)
    spec.register(app)
