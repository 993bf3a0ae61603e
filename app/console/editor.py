"""The menu editor: each definition's YAML, validated as it is typed by the same checks
as `flask menus validate`, its flow diagram, translation completeness, and publishing."""

from flask import abort, current_app, jsonify, render_template, request

from app.console import bp
from app.console.definitions import (
    PublishRefused,
    check_text,
    definition_path,
    publish,
)
from app.console.security import PERMISSIONS, requires

MAX_TEXT_CHARS = 512 * 1024


def _path_or_404(name: str):  # noqa: ANN202 - Path
    try:
        return definition_path(name)
    except KeyError:
        abort(404)


def _text() -> str:
    text = request.form.get("text", "")
    if len(text) > MAX_TEXT_CHARS:
        abort(413)
    return text


@bp.get("/menus")
def menus() -> str:
    """Every definition file: its id, kind, codes, version in service and problems."""
    catalog = current_app.extensions["menus"]
    serving = {flow.id: flow for flow in catalog.flows.values()}
    rows = []
    for path in catalog.paths():
        result = catalog.results.get(path)
        flow = result.flow if result else None
        live = serving.get(flow.id) if flow else None
        rows.append(
            {
                "name": path.stem,
                "id": flow.id if flow else path.stem,
                "kind": flow.definition.kind if flow else "?",
                "title": (flow.definition.title or "") if flow else "",
                "codes": list(flow.definition.service_codes) if flow else [],
                "version": live.version if live else None,
                "problems": len(result.problems) if result else 0,
            }
        )
    return render_template("console/menus.html", title="Menus", rows=rows)


@bp.get("/menus/<name>")
def menus_edit(name: str) -> str:
    """The editor for one definition, as its file is now."""
    path = _path_or_404(name)
    text = path.read_text(encoding="utf-8")
    check = check_text(name, text)
    return render_template(
        "console/editor.html",
        title=f"{name}.yaml",
        name=name,
        text=text,
        check=check,
        publish_roles=", ".join(PERMISSIONS["publish"]),
    )


@bp.post("/menus/<name>/check")
def menus_check(name: str):  # noqa: ANN201 - JSON response
    """Validate the text as typed: problems, warnings, diagram, translations (JSON)."""
    _path_or_404(name)
    return jsonify(check_text(name, _text(), request.form.get("language")).as_json())


@bp.post("/menus/<name>/publish")
@requires(*PERMISSIONS["publish"])
def menus_publish(name: str):  # noqa: ANN201 - JSON response
    """Put the text in service for new sessions (422 with the problems if it has any)."""
    _path_or_404(name)
    try:
        version = publish(name, _text())
    except PublishRefused as refused:
        return jsonify({"published": False, "problems": refused.problems}), 422
    current_app.logger.info("console: %s published %s version %s", _user(), name, version)
    return jsonify({"published": True, "version": version})


def _user() -> str:
    from flask_login import current_user

    return current_user.email
